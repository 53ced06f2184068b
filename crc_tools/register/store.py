"""The register of determinations: who concluded what, when, on which document.

CRC work is politically scrutinised, so the register is an **append-only log**
(domain brief §8 point 15, auditability). Each entry records one determination —
on a notification (Annex II criteria, Article 5.6) or an SHPF proposal (Annex IV
Part 3, Article 6.5), on one criterion or ``overall`` — with its status,
justification, references, who recorded it, in which role (task group, contact
group, committee, Secretariat), when, and optionally on which version of the
notification. A correction is a new entry that names the entry it *supersedes*;
nothing is changed in place or deleted. The database refuses it too: triggers
abort any ``UPDATE``, ``DELETE`` (and, on PostgreSQL, ``TRUNCATE``) on the log.

One small interface::

    reg = Register()                     # CRC_DATABASE_URL, or SQLite in data/local/
    entry = reg.record("NL-2006-01", "(b)(iii)", "met", justification=..., recorded_by="TG2",
                       role="task_group", known_subjects=intake)
    reg.current()                        # latest entry per subject, category, criterion and role
    reg.history("NL-2006-01")            # every entry, superseded ones marked

Storage is SQLAlchemy 2 Core: SQLite by default (a file created on first write, in
WAL mode with a busy timeout; every write takes the lock up front with
``BEGIN IMMEDIATE``), or PostgreSQL through psycopg 3 when ``CRC_DATABASE_URL`` is a
``postgresql://`` URL. The schema is versioned (table ``schema_version``); ordered
migrations are applied when the register is opened.

Who may record what, and what a correction may change, are the rules of
:mod:`crc_tools.register.roles`: the committee concludes, task and contact groups propose,
the Secretariat records no criterion; a correction concerns the same subject, criterion,
category and role. The register's current view is the latest entry per role; two committee
entries of one date that disagree both stay current, so the assessment
(:func:`crc_tools.notifications.criteria.conclusions`) states the conflict.

The rooms of the register, each a module of its own (all names stay importable from here):

* :mod:`~crc_tools.register.model` — limits, errors, :class:`Entry`, the clock;
* :mod:`~crc_tools.register.validation` — :func:`validate_entry`, one check per field;
* :mod:`~crc_tools.register.connection` — the URL, the SQLite file or PostgreSQL server, the engines;
* :mod:`~crc_tools.register.schema` — tables, append-only guards, migrations;
* :mod:`~crc_tools.register.writing` — :meth:`Register.record`, corrections;
* :mod:`~crc_tools.register.reading` — entries, history, the current view;
* :mod:`~crc_tools.register.transfer` — export and import.
"""


from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from .connection import ConnectionMixin, _normalize_url, sqlite_engine  # noqa: F401 - kept importable from here
from .model import (  # noqa: F401 - moved there; kept importable from here
    _KIND_SYNONYMS,
    _PG_LOCK_KEY,
    _STATUS_SYNONYMS,
    APPEND_ONLY_MESSAGE,
    CATEGORIES,
    CLOCK_SKEW,
    CRITERIA_SETS,
    EARLIEST_YEAR,
    EXPORT_COLUMNS,
    LATEST_YEAR,
    MAX_SHORT_CHARS,
    MAX_TEXT_CHARS,
    OVERALL,
    ROLES,
    SCHEMA_VERSION,
    SQLITE_BUSY_TIMEOUT_S,
    STATUSES,
    SUBJECT_KINDS,
    WRITE_ATTEMPTS,
    Entry,
    RefusedEntry,
    RegisterError,
    _entry_from_row,
    _iso,
    _utcnow,
    parse_time,
)
from .reading import KEY, ReadingMixin, _same_day_disagreements, _valid_corrections, _with_supersession  # noqa: F401 - kept importable from here
from .schema import (  # noqa: F401 - moved there; kept importable from here
    _PG_GUARDS,
    _SQLITE_GUARDS,
    _SQLITE_NO_REPLACE,
    MIGRATIONS,
    SchemaMixin,
    _migrate_1,
    _migrate_2,
    _tables,
)
from .transfer import (  # noqa: F401 - moved there; kept importable from here
    _ALIASES,
    ImportResult,
    _read_import,
    _unneutralize,
    export_rows,
    export_text,
    format_export,
    import_file,
)
from .validation import (  # noqa: F401 - moved there; kept importable from here
    _entry_id,
    _references,
    _text,
    known_subject_ids,
    normalize_criterion,
    normalize_kind,
    validate_entry,
)
from .writing import WritingMixin


class Register(ConnectionMixin, SchemaMixin, ReadingMixin, WritingMixin):
    """The register of determinations: an append-only log in SQLite or PostgreSQL.

    Parameters
    ----------
    url : str, optional
        ``sqlite:///path/register.sqlite`` or ``postgresql+psycopg://user@host/db``
        (``postgresql://`` is read as psycopg 3); nothing else is accepted
        (:func:`crc_tools.register.url.check_url`). Default: ``CRC_DATABASE_URL``, else
        SQLite in ``data/local/register.sqlite``.
    create : bool
        Create the register when there is none (``crc register init``).

    Notes
    -----
    The constructor only stores the setting; the database is opened on first use. A
    register named explicitly (``url``, ``CRC_DATABASE_URL``) must exist: a SQLite file
    that does not, or a database without the register's tables, is a usage error (a typo
    must not start a new register). The default register under ``data/local/`` reads as
    empty until the first entry creates it. Reading never writes: a SQLite register is
    opened read-only for reading (on a read-only file system, as immutable).
    """

    def __init__(self, url: str | None = None, *, create: bool = False):
        self.url = url
        self.create = create
        self.created = False
        self._engines: dict = {}
        self._version_seen: int | None = None


def document_hash(path: str | Path) -> str:
    """Return ``sha256:<hex>`` of a file: the version of the notification a determination was made on."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return "sha256:" + h.hexdigest()


# --------------------------------------------------------------------------- integration


def all_determinations(intake, register: Register | None = None) -> pd.DataFrame:
    """Return the determinations on notifications from case files and from the register, in one frame.

    Parameters
    ----------
    intake : Intake
        What :func:`crc_tools.intake.reader.load` read; its case-file determinations are kept.
    register : Register, optional
        The register to read (default: the configured one).

    Returns
    -------
    DataFrame
        The columns of :attr:`~crc_tools.intake.reader.Intake.determinations` plus
        ``determination_source`` (the case file's path, or ``register entry N``),
        ``source`` (``case_file`` or ``register``) and ``entry_id``. Register entries
        appear in their current view (corrections applied), for the notifications in the
        intake only. Which entry stands per criterion — the committee's only; the others are
        proposals — is decided by :mod:`crc_tools.notifications.standing`.
    """
    case = intake.determinations.copy()
    case["source_file"] = case["source_file"].astype("string")
    case["determination_source"] = case["source_file"]
    case["source"] = pd.Series("case_file", index=case.index, dtype="string")
    case["entry_id"] = pd.Series(pd.NA, index=case.index, dtype="Int64")
    reg = register if register is not None else Register()
    own = register is None
    try:
        cur = reg.current("notification")
    finally:
        if own:
            reg.close()
    columns = list(case.columns)
    if not cur.empty:
        # Intersect the (few) register subjects with the (maybe millions of) loaded ids.
        present = set(cur["notification_id"].astype(str)).intersection(intake.notifications["notification_id"].to_numpy(dtype=object))
        cur = cur[cur["notification_id"].isin(present)]
    if cur.empty:
        return case.reset_index(drop=True)
    parts = [cur[[c for c in columns if c in cur.columns]]]
    if len(case):
        parts.insert(0, case)
    merged = pd.concat(parts, ignore_index=True)
    merged["recorded_at"] = pd.to_datetime(merged["recorded_at"]).astype("datetime64[ns]")
    for c in ("notification_id", "criterion", "status", "justification", "references", "recorded_by", "role", "category", "source_file", "determination_source", "source"):
        merged[c] = merged[c].astype("string").fillna("")
    return merged


__all__ = [
    "Register",
    "Entry",
    "RegisterError",
    "RefusedEntry",
    "ImportResult",
    "all_determinations",
    "document_hash",
    "export_rows",
    "export_text",
    "format_export",
    "import_file",
    "known_subject_ids",
    "validate_entry",
    "SCHEMA_VERSION",
    "MIGRATIONS",
    "EXPORT_COLUMNS",
]
