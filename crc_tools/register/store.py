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
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from .. import config
from ..errors import CrcError, Problems
from .roles import ALL_ROLES, COMMITTEE, correction_problem, is_valid_correction, role_problem

SUBJECT_KINDS = ("notification", "shpf_proposal")
"""What a determination is about: a notification of final regulatory action or an SHPF proposal."""

CRITERIA_SETS = {"notification": "annex_ii", "shpf_proposal": "annex_iv_part3"}
"""The Convention's criteria for each kind of subject: Annex II (Art. 5.6), Annex IV Part 3 (Art. 6.5)."""

OVERALL = "overall"
STATUSES = ("met", "not_met", "insufficient_information")
ROLES = ALL_ROLES
"""Roles the schema stores; only :data:`crc_tools.register.roles.RECORDING_ROLES` may record."""
CATEGORIES = ("", "pesticide", "industrial")
MAX_TEXT_CHARS = 100_000
MAX_SHORT_CHARS = 1_000
CLOCK_SKEW = dt.timedelta(minutes=5)
"""How far in the future a given ``recorded_at`` may lie (clocks of different machines differ)."""

SCHEMA_VERSION = 2
SQLITE_BUSY_TIMEOUT_S = 30
WRITE_ATTEMPTS = 5
APPEND_ONLY_MESSAGE = "the register of determinations is append-only: entries are never changed or deleted; record a correction that supersedes the entry"

EXPORT_COLUMNS = [
    "entry_id",
    "uid",
    "subject_kind",
    "subject_id",
    "category",
    "criterion",
    "status",
    "justification",
    "references",
    "recorded_by",
    "role",
    "recorded_at",
    "supersedes",
    "supersedes_uid",
    "document_version",
    "document_hash",
    "entered_at",
    "origin",
]
"""Columns of an export (CSV header, JSON object keys), in order."""

_STATUS_SYNONYMS = {"unclear": "insufficient_information", "insufficient": "insufficient_information", "not met": "not_met", "notmet": "not_met"}
_KIND_SYNONYMS = {"proposal": "shpf_proposal", "shpf": "shpf_proposal", "fra": "notification"}
_PG_LOCK_KEY = 5_000_000_905
"""Advisory-lock key that serialises schema migrations between processes on PostgreSQL."""


class RegisterError(CrcError):
    """The register cannot be opened, read or written (database unreachable, newer schema, busy)."""


class RefusedEntry(CrcError):
    """A determination the register refuses to record; ``problems`` lists (field, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]], *, source: str = "register", record: str = ""):
        self.problems = list(problems)
        field_name, message = self.problems[0]
        super().__init__(message, source=source, record=record, field_name=field_name)

    def __str__(self) -> str:
        from ..errors import Problem

        return "\n".join(Problem(self.source, self.record, f, m).format() for f, m in self.problems)


@dataclass(frozen=True)
class Entry:
    """One entry of the register, as stored."""

    entry_id: int
    uid: str
    subject_kind: str
    subject_id: str
    category: str
    criterion: str
    status: str
    justification: str
    references: tuple[str, ...]
    recorded_by: str
    role: str
    recorded_at: dt.datetime
    entered_at: dt.datetime
    supersedes: int | None = None
    supersedes_uid: str = ""
    document_version: str = ""
    document_hash: str = ""
    origin: str = ""

    def as_dict(self) -> dict:
        """Return the entry as plain data in export form (ISO times in UTC, references as a list)."""
        d = asdict(self)
        d["references"] = list(self.references)
        d["recorded_at"] = _iso(self.recorded_at)
        d["entered_at"] = _iso(self.entered_at)
        return {k: d[k] for k in EXPORT_COLUMNS}


# --------------------------------------------------------------------------- time


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _iso(value) -> str:
    if value is None or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    return value.isoformat(timespec="microseconds") + "Z"


EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
"""The years a determination's date may fall in: outside them a date is a typo (0001-01-01, 9999-12-31)."""


def parse_time(text) -> tuple[dt.datetime | None, str | None]:
    """Parse an ISO date or date-time; return it as naive UTC, or an error message.

    A date alone means midnight UTC; a time without offset is taken as UTC. Dates outside
    the years 1900-2100 are refused (before converting a time zone, which would overflow).
    """
    if isinstance(text, dt.datetime):
        value = text
    elif isinstance(text, dt.date):
        value = dt.datetime(text.year, text.month, text.day)
    else:
        raw = str(text).strip()
        try:
            value = dt.datetime.fromisoformat(raw)
        except ValueError:
            return None, f"'{raw}' is not an ISO date or date-time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)"
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        return None, f"'{text}' is outside the years {EARLIEST_YEAR}-{LATEST_YEAR} accepted"
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    if value.year < EARLIEST_YEAR:
        return None, f"'{text}' is before {EARLIEST_YEAR}"
    return value, None


# --------------------------------------------------------------------------- validation


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    return str(value).strip()


def _references(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        parts = value.split("\n")
    elif isinstance(value, Iterable):
        parts = [_text(v) for v in value]
    else:
        parts = [str(value)]
    return tuple(p.strip() for p in parts if p and p.strip())


def normalize_kind(value) -> str | None:
    """Return ``notification`` / ``shpf_proposal`` for a loose spelling, or ``None``."""
    k = _text(value).casefold().replace(" ", "_").replace("-", "_") or "notification"
    k = _KIND_SYNONYMS.get(k, k)
    return k if k in SUBJECT_KINDS else None


def normalize_criterion(kind: str, value) -> str | None:
    """Return the canonical criterion id (``(b)(iii)``) or ``overall``; ``None`` when not in the Convention."""
    from ..convention.reference import items

    raw = _text(value)
    if raw.casefold() in ("overall", "conclusion", "all"):
        return OVERALL
    if not raw:
        return None
    return items(CRITERIA_SETS[kind]).normalize(raw)


def validate_entry(values: dict, *, known_subjects=None, now: dt.datetime | None = None) -> tuple[dict, list[tuple[str, str]]]:
    """Check one determination against the Convention and the register's rules.

    Parameters
    ----------
    values : dict
        ``subject_kind``, ``subject_id``, ``category``, ``criterion``, ``status``,
        ``justification``, ``references``, ``recorded_by``, ``role``, and optionally
        ``recorded_at``, ``document_version``, ``document_hash``.
    known_subjects : collection of str, optional
        The ids of the subjects in the loaded data; when given, a determination about
        any other subject is refused.
    now : datetime.datetime, optional
        The present (naive UTC), against which a future ``recorded_at`` is refused.

    Returns
    -------
    tuple
        The normalised values and a list of ``(field, message)`` problems (empty when
        the determination can be recorded).
    """
    from ..convention.reference import ITEM_SET_LABELS, items

    problems: list[tuple[str, str]] = []
    out: dict = {}
    kind = normalize_kind(values.get("subject_kind"))
    if kind is None:
        problems.append(("subject_kind", f"'{values.get('subject_kind')}' is not a kind of subject ({', '.join(SUBJECT_KINDS)})"))
        kind = "notification"
    out["subject_kind"] = kind
    label = "notification" if kind == "notification" else "SHPF proposal"

    subject = _text(values.get("subject_id"))
    if not subject:
        problems.append(("subject_id", f"the {label} id is required"))
    elif len(subject) > MAX_SHORT_CHARS:
        problems.append(("subject_id", f"id is {len(subject):,} characters, more than {MAX_SHORT_CHARS:,}"))
    elif known_subjects is not None and subject not in known_subjects:
        n = len(known_subjects)
        problems.append(("subject_id", f"{label} '{subject}' does not exist in the loaded data ({n:,} {label}(s) read); check the id or the data given"))
    out["subject_id"] = subject

    category = _text(values.get("category")).casefold()
    category = {"pesticides": "pesticide", "industrial chemical": "industrial", "all": "", "any": ""}.get(category, category)
    if category not in CATEGORIES:
        problems.append(("category", f"'{values.get('category')}' is not a category (pesticide, industrial, or empty for every category)"))
    out["category"] = category

    raw_criterion = _text(values.get("criterion"))
    criterion = normalize_criterion(kind, raw_criterion)
    if criterion is None:
        item_set = items(CRITERIA_SETS[kind])
        what = f"'{raw_criterion}' is not a criterion of {ITEM_SET_LABELS[item_set.name]}" if raw_criterion else "the criterion is required"
        problems.append(("criterion", f"{what} ({', '.join(item_set.ids)}, or 'overall')"))
    out["criterion"] = criterion or raw_criterion

    raw_status = _text(values.get("status"))
    status = raw_status.casefold().replace("-", "_")
    status = _STATUS_SYNONYMS.get(status, status).replace(" ", "_")
    if status not in STATUSES:
        problems.append(("status", f"'{raw_status}' is not a status ({', '.join(STATUSES)})" if raw_status else f"the status is required ({', '.join(STATUSES)})"))
    out["status"] = status

    justification = _text(values.get("justification"))
    if status in ("not_met", "insufficient_information") and not justification:
        problems.append(("justification", f"a '{status}' determination needs a justification"))
    if len(justification) > MAX_TEXT_CHARS:
        problems.append(("justification", f"text is {len(justification):,} characters, more than the {MAX_TEXT_CHARS:,} accepted"))
    out["justification"] = justification

    refs = _references(values.get("references"))
    if sum(len(r) for r in refs) > MAX_TEXT_CHARS:
        problems.append(("references", f"references are longer than the {MAX_TEXT_CHARS:,} characters accepted"))
    out["references"] = refs

    by = _text(values.get("recorded_by"))
    if not by:
        problems.append(("recorded_by", "who recorded the determination is required (a name, a task group, 'CRC-20' …)"))
    elif len(by) > MAX_SHORT_CHARS:
        problems.append(("recorded_by", f"text is {len(by):,} characters, more than {MAX_SHORT_CHARS:,}"))
    out["recorded_by"] = by

    role, role_msg = role_problem(values.get("role"))
    if role_msg:
        problems.append(("role", role_msg))
    out["role"] = role

    now = now or _utcnow()
    raw_time = values.get("recorded_at")
    if raw_time is None or _text(raw_time) == "":
        out["recorded_at"] = now
    else:
        when, msg = parse_time(raw_time)
        if msg:
            problems.append(("recorded_at", msg))
        elif when > now + CLOCK_SKEW:
            problems.append(("recorded_at", f"{_iso(when)} is in the future (now is {_iso(now)})"))
        out["recorded_at"] = when or now

    for name in ("document_version", "document_hash", "origin"):
        value = _text(values.get(name))
        if len(value) > MAX_SHORT_CHARS:
            problems.append((name, f"text is {len(value):,} characters, more than {MAX_SHORT_CHARS:,}"))
        out[name] = value
    from ..text import control_character, format_character

    for name in ("subject_id", "category", "criterion", "status", "justification", "references", "recorded_by", "role", "document_version", "document_hash", "origin"):
        value = out.get(name)
        text = "\n".join(value) if isinstance(value, tuple) else value
        msg = control_character(text)
        if not msg and name in ("subject_id", "recorded_by", "document_version", "document_hash"):  # identifiers and names
            msg = format_character(text)
        if msg and not any(f == name for f, _ in problems):
            problems.append((name, msg))
    return out, problems


def known_subject_ids(intake, kind: str = "notification") -> set[str] | None:
    """Return the ids of the notifications (or SHPF proposals) in an :class:`~crc_tools.intake.reader.Intake`.

    Returns ``None`` when the intake holds no reader's result for that kind (SHPF
    proposals before their reader is installed), so that the caller can say the ids
    were not checked.
    """
    if kind == "notification":
        df = intake.notifications
        return set(df["notification_id"].astype(str)) if "notification_id" in df.columns else set()
    found = intake.extra.get(kind)
    for candidate in (found, getattr(found, "proposals", None)):
        if isinstance(candidate, pd.DataFrame) and "proposal_id" in candidate.columns:
            return set(candidate["proposal_id"].astype(str))
    return None


def document_hash(path: str | Path) -> str:
    """Return ``sha256:<hex>`` of a file: the version of the notification a determination was made on."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return "sha256:" + h.hexdigest()


# --------------------------------------------------------------------------- schema


def _tables():
    import sqlalchemy as sa

    md = sa.MetaData()
    sa.Table(
        "schema_version",
        md,
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("applied_at", sa.DateTime, nullable=False),
    )
    sa.Table(
        "determination",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("uid", sa.String(36), nullable=False, unique=True),
        sa.Column("subject_kind", sa.String(20), nullable=False),
        sa.Column("subject_id", sa.Text, nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("criterion", sa.String(20), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("justification", sa.Text, nullable=False),
        sa.Column("refs", sa.Text, nullable=False),
        sa.Column("recorded_by", sa.Text, nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("entered_at", sa.DateTime, nullable=False),
        sa.Column("supersedes", sa.Integer, sa.ForeignKey("determination.id"), nullable=True, unique=True),
        sa.Column("document_version", sa.Text, nullable=False),
        sa.Column("document_hash", sa.Text, nullable=False),
        sa.Column("origin", sa.Text, nullable=False),
        sa.CheckConstraint("subject_kind IN ('notification', 'shpf_proposal')", name="ck_subject_kind"),
        sa.CheckConstraint("status IN ('met', 'not_met', 'insufficient_information')", name="ck_status"),
        sa.CheckConstraint("role IN ('task_group', 'contact_group', 'committee', 'secretariat')", name="ck_role"),
        sa.CheckConstraint("status = 'met' OR length(justification) > 0", name="ck_justification"),
        sa.CheckConstraint("supersedes IS NULL OR supersedes < id", name="ck_supersedes_earlier"),
        sa.Index("ix_determination_subject", "subject_kind", "subject_id"),
        sqlite_autoincrement=True,
    )
    return md


_SQLITE_GUARDS = [
    f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
    for table in ("determination", "schema_version")
    for op in ("UPDATE", "DELETE")
]
_PG_GUARDS = [
    f"CREATE FUNCTION crc_register_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$",
    *(
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION crc_register_append_only()"
        for table in ("determination", "schema_version")
    ),
    *(
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION crc_register_append_only()"
        for table in ("determination", "schema_version")
    ),
]


def _migrate_1(conn) -> None:
    """Version 1: the determination log and the guards that keep it append-only."""
    _tables().create_all(conn)
    for ddl in _PG_GUARDS if conn.dialect.name == "postgresql" else _SQLITE_GUARDS:
        conn.exec_driver_sql(ddl)


_SQLITE_NO_REPLACE = [
    # INSERT OR REPLACE (and REPLACE INTO, an upsert) deletes the row it collides with, and
    # SQLite fires no delete trigger for it unless recursive_triggers is on, which a raw
    # connection never sets: refuse the insert itself, before the conflict is resolved.
    ("determination_no_replace", "determination", "id = NEW.id", APPEND_ONLY_MESSAGE),
    ("determination_no_replace_uid", "determination", "uid = NEW.uid", "UNIQUE constraint failed: determination.uid"),
    ("determination_no_replace_supersedes", "determination", "NEW.supersedes IS NOT NULL AND supersedes = NEW.supersedes", "UNIQUE constraint failed: determination.supersedes"),
    ("schema_version_no_replace", "schema_version", "version = NEW.version", APPEND_ONLY_MESSAGE),
]


def _migrate_2(conn) -> None:
    """Version 2: on SQLite, an insert that would replace an entry (INSERT OR REPLACE, REPLACE, upsert) is refused.

    PostgreSQL has no REPLACE, and its upsert (``ON CONFLICT DO UPDATE``) runs the update
    trigger of version 1, which refuses it.
    """
    if conn.dialect.name != "sqlite":
        return
    for name, table, clash, message in _SQLITE_NO_REPLACE:
        conn.exec_driver_sql(f"CREATE TRIGGER {name} BEFORE INSERT ON {table} WHEN EXISTS (SELECT 1 FROM {table} WHERE {clash}) BEGIN SELECT RAISE(ABORT, '{message}'); END")


MIGRATIONS = [
    (1, "determination log, append-only triggers", _migrate_1),
    (2, "refuse inserts that would replace an entry (SQLite INSERT OR REPLACE)", _migrate_2),
]
"""Ordered migrations: (version, description, function(connection)). Never edit one that shipped; add the next."""


# --------------------------------------------------------------------------- the register


def _normalize_url(url: str) -> str:
    """Return the URL the register uses (see :func:`crc_tools.register.url.check_url`)."""
    from .url import check_url

    return check_url(url)


class Register:
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

    # ----------------------------------------------------------------- connection

    @property
    def _raw_url(self) -> str:
        return str(self.url or config.database_url())

    @property
    def database_url(self) -> str:
        """Return the URL in use (the setting, or the configured default), checked."""
        return _normalize_url(self._raw_url)

    @property
    def explicit(self) -> bool:
        """Return whether the register was named (``url`` or ``CRC_DATABASE_URL``) rather than the default."""
        return self.url is not None or bool(os.environ.get("CRC_DATABASE_URL"))

    @property
    def display_url(self) -> str:
        """Return the URL with any password hidden, for messages."""
        from .url import RegisterSettingError, shown

        try:
            return shown(self.database_url)
        except RegisterSettingError:
            return shown(self._raw_url)

    @property
    def dialect(self) -> str:
        """Return ``sqlite`` or ``postgresql``."""
        return "postgresql" if self.database_url.startswith("postgresql") else "sqlite"

    def _sqlite_path(self) -> Path | None:
        from .url import sqlite_path

        return sqlite_path(self.database_url) if self.dialect == "sqlite" else None

    def _present(self, *, write: bool = False) -> bool:
        """Return whether there is a register file to open; raise when a named one is missing.

        ``False`` means: the default register not created yet (reads are empty; a write,
        or ``create``, makes it).
        """
        from .url import RegisterSettingError

        path = self._sqlite_path()
        if path is None:
            return True
        if path.exists():
            if not path.is_file():
                raise RegisterSettingError(f"{path}: not a register file (a folder, device or pipe); check CRC_DATABASE_URL")
            return True
        if self.create or not self.explicit:
            return False
        raise RegisterSettingError(
            f"{path}: no register there (the register URL names a SQLite file that does not exist); "
            f"check CRC_DATABASE_URL, or create a new register there with `crc register init`"
        )

    def _exists(self) -> bool:
        return self._present(write=False)

    def _engine(self, write: bool):
        key = "rw" if write or self.dialect != "sqlite" else "ro"
        if key not in self._engines:
            self._engines[key] = self._build_engine(key)
        return self._engines[key]

    def _open(self):
        """Return the engine that writes (the one engine on PostgreSQL)."""
        return self._engine(True)

    def _build_engine(self, key: str):
        import sqlalchemy as sa
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError

        try:
            if self.dialect == "sqlite":
                return self._sqlite_engine(read_only=key == "ro")
            return sa.create_engine(self.database_url, pool_pre_ping=True)
        except NoSuchModuleError:
            raise RegisterError(f"CRC_DATABASE_URL names a database this version cannot use: {self.display_url} (use sqlite:///FILE or postgresql+psycopg://USER@HOST/DB)", source="register") from None
        except ArgumentError as exc:
            raise RegisterError(f"CRC_DATABASE_URL is not a database URL: {exc}", source="register") from None
        except ModuleNotFoundError as exc:
            raise RegisterError(f"the PostgreSQL driver is not installed ({exc.name}); install it with: pip install 'psycopg[binary]'", source="register") from None

    def _sqlite_engine(self, *, read_only: bool):
        """Return an engine on the SQLite file: a reader opens it read-only and sets nothing persistent."""
        import sqlite3

        import sqlalchemy as sa
        from sqlalchemy import event

        from .url import read_only_uri

        path = self._sqlite_path()
        if read_only:
            engine = sa.create_engine("sqlite://", creator=lambda: sqlite3.connect(read_only_uri(path), uri=True, timeout=SQLITE_BUSY_TIMEOUT_S, check_same_thread=False))
        else:
            engine = sa.create_engine(self.database_url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
            cur = dbapi_connection.cursor()
            cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_S * 1000}")
            if not read_only:  # journal mode is stored in the file: only a writer sets it
                cur.execute("PRAGMA journal_mode = WAL")
                cur.execute("PRAGMA synchronous = FULL")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            # Writers take the lock up front, so two writers never deadlock
            # upgrading read locks; readers get a snapshot without blocking.
            write = conn.get_execution_options().get("crc_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write and not read_only else "BEGIN")

        return engine

    def close(self) -> None:
        """Release the database connections."""
        for engine in self._engines.values():
            engine.dispose()
        self._engines = {}
        self._version_seen = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _fail(self, action: str, exc: Exception) -> RegisterError:
        """Return the error to show for a database error: its first line only (never the SQL or its parameters)."""
        from .url import integrity_answer, is_damage

        orig = getattr(exc, "orig", None) or exc
        detail = str(orig).strip().splitlines()[0] if str(orig).strip() else type(exc).__name__
        path = self._sqlite_path()
        if path is not None and is_damage(detail):
            return RegisterError(f"the register is damaged ({detail}); PRAGMA integrity_check says: {integrity_answer(path)}; restore it from a backup (or an export)", source=str(path))
        if path is not None and action != "read" and path.exists() and not (os.access(path, os.W_OK) and os.access(path.resolve().parent, os.W_OK)):
            return RegisterError(f"the register is read-only here (a read-only file system, or no permission to write it or its folder): it can be read, not written ({detail})", source=str(path))
        return RegisterError(f"cannot {action} the register at {self.display_url}: {detail}", source="register")

    def _connect(self, *, write: bool):
        conn = self._engine(write).connect()
        if write:
            conn = conn.execution_options(crc_write=True)
        return conn

    def _read_version(self) -> int:
        with self._connect(write=False) as conn:
            version = self._version(conn)
            conn.rollback()
        return version

    def _ensure_schema(self, *, write: bool = False) -> None:
        """Check the schema (reads); bring it to the current version, creating the register if allowed (writes)."""
        if self._version_seen is not None and (not write or self._version_seen >= SCHEMA_VERSION):
            return
        from sqlalchemy.exc import SQLAlchemyError

        from .url import RegisterSettingError

        path = self._sqlite_path()
        creating = path is not None and not path.exists()
        try:
            version = 0 if creating else self._read_version()
            if version == 0 and not (self.create or creating):
                raise RegisterSettingError(f"{path or self.display_url}: holds no register of determinations (no schema_version table); check the URL, or create a register with `crc register init`")
            if version > SCHEMA_VERSION:
                raise RegisterError(
                    f"the register at {self.display_url} has schema version {version}, newer than this version of crc-tools knows ({SCHEMA_VERSION}); upgrade crc-tools",
                    source="register",
                )
            if write and version < SCHEMA_VERSION:
                if creating:
                    self._make_folder(path)
                self._with_retries(self._migrate, "migrate")
                self.created = self.created or creating
                version = SCHEMA_VERSION
        except SQLAlchemyError as exc:
            raise self._fail("open", exc) from None
        self._version_seen = version

    @staticmethod
    def _make_folder(path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RegisterError(f"cannot create the folder of the register: {exc.strerror or exc}", source=str(path.parent)) from None

    def _prepare_write(self) -> None:
        """Before a write: the register must exist (or be the default, or ``create``); bring its schema up to date."""
        self._present(write=True)
        self._ensure_schema(write=True)

    def init(self) -> str:
        """Create the register, or bring an existing one to the current schema; return what was done (``crc register init``)."""
        from sqlalchemy.exc import SQLAlchemyError

        self.create = True
        before = 0
        if self._present(write=True):
            try:
                before = self._read_version()
            except SQLAlchemyError as exc:
                raise self._fail("open", exc) from None
        self._version_seen = None
        self._ensure_schema(write=True)
        if before == 0:
            return f"created a new register of determinations at {self.display_url} (schema version {SCHEMA_VERSION})"
        if before < SCHEMA_VERSION:
            return f"brought the register at {self.display_url} from schema version {before} to {SCHEMA_VERSION}"
        return f"the register at {self.display_url} is already there and up to date (schema version {SCHEMA_VERSION}); nothing created"

    @staticmethod
    def _version(conn) -> int:
        import sqlalchemy as sa

        if not sa.inspect(conn).has_table("schema_version"):
            return 0
        return int(conn.execute(sa.text("SELECT COALESCE(MAX(version), 0) FROM schema_version")).scalar_one())

    def _migrate(self) -> None:
        import sqlalchemy as sa

        with self._connect(write=True) as conn, conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
            current = self._version(conn)  # re-read under the lock: another process may have migrated
            if current > SCHEMA_VERSION:
                raise RegisterError(f"the register at {self.display_url} has schema version {current}, newer than this version of crc-tools knows ({SCHEMA_VERSION})", source="register")
            for version, description, migrate in MIGRATIONS:
                if version <= current:
                    continue
                migrate(conn)
                conn.execute(sa.insert(_tables().tables["schema_version"]).values(version=version, description=description, applied_at=_utcnow()))

    def _with_retries(self, func, action: str):
        from sqlalchemy.exc import DatabaseError, OperationalError

        delay = 0.05
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                return func()
            except DatabaseError as exc:  # busy: wait and try again; anything else (damaged, read-only …): say so
                busy = isinstance(exc, OperationalError) and ("locked" in str(exc.orig).lower() or "busy" in str(exc.orig).lower())
                if not busy or attempt == WRITE_ATTEMPTS:
                    if busy:
                        raise RegisterError(f"the register at {self.display_url} stayed busy (locked by another writer) for too long; try again", source="register") from None
                    raise self._fail(action, exc) from None
                time.sleep(delay)
                delay = min(delay * 2, 2.0)
        raise AssertionError("unreachable")  # pragma: no cover

    def schema_version(self) -> int:
        """Return the schema version of the register (0 for a SQLite register not created yet)."""
        from sqlalchemy.exc import SQLAlchemyError

        if not self._exists():
            return 0
        self._ensure_schema()
        try:
            return self._read_version()
        except SQLAlchemyError as exc:
            raise self._fail("read", exc) from None

    def latest_entry_id(self) -> int:
        """Return the id of the newest entry (0 for an empty register or one not created yet).

        The log is append-only, so this number changes exactly when an entry is added:
        a cheap way for a long-running reader (the dashboard) to notice new entries.

        Raises
        ------
        RegisterError
            The database cannot be reached.
        """
        import sqlalchemy as sa
        from sqlalchemy.exc import SQLAlchemyError

        if not self._exists():
            return 0
        self._ensure_schema()
        t = _tables().tables["determination"]
        try:
            with self._connect(write=False) as conn:
                value = conn.execute(sa.select(sa.func.max(t.c.id))).scalar()
                conn.rollback()
        except SQLAlchemyError as exc:
            raise self._fail("read", exc) from None
        return int(value or 0)

    # ----------------------------------------------------------------- writing

    def record(
        self,
        subject_id: str,
        criterion: str,
        status: str,
        *,
        justification: str = "",
        references: Iterable[str] | str = (),
        recorded_by: str,
        role: str,
        subject_kind: str = "notification",
        category: str = "",
        supersedes: int | None = None,
        document_version: str = "",
        document_hash: str = "",
        recorded_at: dt.datetime | str | None = None,
        known_subjects=None,
        origin: str = "",
        uid: str | None = None,
    ) -> Entry:
        """Record one determination as a new entry, in one transaction; return the entry.

        Parameters
        ----------
        subject_id : str
            The notification id (or SHPF proposal id).
        criterion : str
            An Annex II criterion (``(a)`` … ``(d)``, loose spellings such as ``b iii``
            accepted) for a notification, an Annex IV Part 3 criterion (``(a)`` … ``(e)``)
            for an SHPF proposal, or ``overall``.
        status : str
            ``met``, ``not_met`` or ``insufficient_information``.
        justification : str
            Why; required unless the status is ``met``.
        references : list of str or str
            Documents and pages relied on (a string holds one reference per line).
        recorded_by : str
            Who concluded it (a person, a task group, ``CRC-20``).
        role : str
            ``task_group``, ``contact_group``, ``committee`` or ``secretariat``.
        subject_kind : str
            ``notification`` (default) or ``shpf_proposal``.
        category : str
            ``pesticide`` or ``industrial`` when the determination concerns one category
            of the notification; empty (default) for every category.
        supersedes : int, optional
            The entry this one corrects. An entry can be superseded once; a later
            correction supersedes the correction.
        document_version, document_hash : str
            The version of the notification the determination was made on (a document
            symbol or version label; ``sha256:…`` of the case file, see :func:`document_hash`).
        recorded_at : datetime or str, optional
            When the determination was made (default: now, UTC); never in the future.
        known_subjects : collection of str or Intake, optional
            The subjects of the loaded data; when given, a determination about any other
            subject is refused.
        origin : str
            How the entry came in (``crc register record``, an import file …).
        uid : str, optional
            The entry's unique id (default: a new UUID). A caller that may submit the same
            determination twice (the dashboard's journal, replayed after an outage) gives
            its own: the register refuses a second entry with the same uid
            (:class:`RefusedEntry` on ``uid``), so nothing is recorded twice.

        Raises
        ------
        RefusedEntry
            The determination breaks a rule (unknown subject or criterion, missing
            justification for ``not_met`` …) or supersedes an entry that does not exist
            or was already superseded.
        RegisterError
            The database cannot be reached or stayed locked.
        """
        if known_subjects is not None and hasattr(known_subjects, "notifications"):
            known_subjects = known_subject_ids(known_subjects, normalize_kind(subject_kind) or "notification")
        values, problems = validate_entry(
            dict(
                subject_kind=subject_kind, subject_id=subject_id, category=category, criterion=criterion, status=status,
                justification=justification, references=references, recorded_by=recorded_by, role=role,
                recorded_at=recorded_at, document_version=document_version, document_hash=document_hash, origin=origin,
            ),
            known_subjects=known_subjects,
        )
        if supersedes is not None:
            number = _entry_id(supersedes)
            if number is None:
                problems.append(("supersedes", f"'{supersedes}' is not an entry id (a whole number from 1)"))
            else:
                supersedes = number
        if problems:
            raise RefusedEntry(problems)
        values["supersedes"] = supersedes
        if uid is not None and not (isinstance(uid, str) and 0 < len(uid) <= 64 and uid.isascii() and uid.replace("-", "").isalnum()):
            raise RefusedEntry([("uid", f"'{uid}' is not an entry uid (letters, digits and '-', at most 64)")])
        values["uid"] = uid or str(uuid.uuid4())
        self._prepare_write()
        return self._with_retries(lambda: self._write_one(values), "write to")

    def _write_one(self, values: dict) -> Entry:
        from sqlalchemy.exc import IntegrityError

        try:
            with self._connect(write=True) as conn, conn.begin():
                return self._insert(conn, values)
        except IntegrityError as exc:
            raise self._integrity(exc, values) from None

    def _integrity(self, exc, values) -> CrcError:
        text = str(exc.orig if hasattr(exc, "orig") else exc).lower()
        if "supersedes" in text:
            return RefusedEntry([("supersedes", f"entry {values.get('supersedes')} was superseded meanwhile by another entry; look at the history and supersede the newest")])
        if "uid" in text:
            return RefusedEntry([("uid", f"an entry with uid {values.get('uid')} is already in the register")])
        return self._fail("write to", exc)

    def _insert(self, conn, values: dict) -> Entry:
        """Insert one entry inside the caller's transaction; check what supersedes refers to."""
        import sqlalchemy as sa

        t = _tables().tables["determination"]
        supersedes_uid = ""
        if values.get("supersedes") is not None:
            target = conn.execute(sa.select(t.c.id, t.c.uid, t.c.subject_kind, t.c.subject_id, t.c.category, t.c.criterion, t.c.role).where(t.c.id == values["supersedes"])).first()
            if target is None:
                raise RefusedEntry([("supersedes", f"entry {values['supersedes']} does not exist in the register")])
            wrong = correction_problem(values, dict(target._mapping))
            if wrong:
                raise RefusedEntry([("supersedes", wrong)])
            later = conn.execute(sa.select(t.c.id).where(t.c.supersedes == values["supersedes"])).scalar()
            if later is not None:
                raise RefusedEntry([("supersedes", f"entry {values['supersedes']} was already superseded by entry {later}; supersede entry {later} instead")])
            supersedes_uid = target.uid
        entered = _utcnow()
        row = {
            "uid": values["uid"],
            "subject_kind": values["subject_kind"],
            "subject_id": values["subject_id"],
            "category": values["category"],
            "criterion": values["criterion"],
            "status": values["status"],
            "justification": values["justification"],
            "refs": "\n".join(values["references"]),
            "recorded_by": values["recorded_by"],
            "role": values["role"],
            "recorded_at": values["recorded_at"],
            "entered_at": entered,
            "supersedes": values.get("supersedes"),
            "document_version": values.get("document_version", ""),
            "document_hash": values.get("document_hash", ""),
            "origin": values.get("origin", ""),
        }
        result = conn.execute(sa.insert(t).values(**row))
        entry_id = int(result.inserted_primary_key[0])
        return _entry_from_row({**row, "id": entry_id, "supersedes_uid": supersedes_uid})

    # ----------------------------------------------------------------- reading

    def entries(self) -> list[Entry]:
        """Return every entry in the order it was entered."""
        return [_entry_from_row(r) for r in self._rows()]

    def entry_by_uid(self, uid: str) -> Entry | None:
        """Return the entry with this uid, or ``None``.

        Raises
        ------
        RegisterError
            The database cannot be reached.
        """
        rows = self._rows(uid=uid)
        return _entry_from_row(rows[0]) if rows else None

    def _rows(self, subject: str | None = None, *, uid: str | None = None) -> list[dict]:
        if not self._exists():  # an SQLite register not yet written: nothing to read, SQLAlchemy not even imported
            return []
        import sqlalchemy as sa
        from sqlalchemy.exc import SQLAlchemyError

        self._ensure_schema()
        t = _tables().tables["determination"]
        s = t.alias("s")
        query = sa.select(t, s.c.uid.label("supersedes_uid")).select_from(t.outerjoin(s, t.c.supersedes == s.c.id)).order_by(t.c.id)
        if subject is not None:
            query = query.where(t.c.subject_id == subject)
        if uid is not None:
            query = query.where(t.c.uid == uid)
        try:
            with self._connect(write=False) as conn:
                rows = [dict(r) for r in conn.execute(query).mappings()]
                conn.rollback()
        except SQLAlchemyError as exc:
            raise self._fail("read", exc) from None
        return rows

    def _frame(self) -> pd.DataFrame:
        rows = self._rows()
        frame = pd.DataFrame(
            {
                "entry_id": pd.array([r["id"] for r in rows], dtype="Int64"),
                "uid": pd.array([r["uid"] for r in rows], dtype="string"),
                "subject_kind": pd.array([r["subject_kind"] for r in rows], dtype="string"),
                "subject_id": pd.array([r["subject_id"] for r in rows], dtype="string"),
                "category": pd.array([r["category"] for r in rows], dtype="string"),
                "criterion": pd.array([r["criterion"] for r in rows], dtype="string"),
                "status": pd.array([r["status"] for r in rows], dtype="string"),
                "justification": pd.array([r["justification"] for r in rows], dtype="string"),
                "references": pd.array([r["refs"] for r in rows], dtype="string"),
                "recorded_by": pd.array([r["recorded_by"] for r in rows], dtype="string"),
                "role": pd.array([r["role"] for r in rows], dtype="string"),
                "recorded_at": pd.to_datetime(pd.Series([r["recorded_at"] for r in rows], dtype=object)).astype("datetime64[ns]"),
                "entered_at": pd.to_datetime(pd.Series([r["entered_at"] for r in rows], dtype=object)).astype("datetime64[ns]"),
                "supersedes": pd.array([r["supersedes"] for r in rows], dtype="Int64"),
                "supersedes_uid": pd.array([r["supersedes_uid"] or "" for r in rows], dtype="string"),
                "document_version": pd.array([r["document_version"] for r in rows], dtype="string"),
                "document_hash": pd.array([r["document_hash"] for r in rows], dtype="string"),
                "origin": pd.array([r["origin"] for r in rows], dtype="string"),
            }
        )
        return frame

    def history(self, subject: str | None = None) -> pd.DataFrame:
        """Return every entry (of one subject, or all), oldest first, superseded ones marked.

        Columns: the export columns, plus ``current`` (the entry is in :meth:`current`),
        ``superseded_by`` (the entry that replaced it) and ``superseded_how``:
        ``correction`` (a later entry names it in ``supersedes``) or ``later entry``
        (a later entry was recorded for the same subject, category, criterion and role).
        """
        frame = _with_supersession(self._frame())
        if subject is not None:
            frame = frame[frame["subject_id"] == subject].reset_index(drop=True)
        return frame

    def current(self, subject_kind: str | None = None) -> pd.DataFrame:
        """Return the current view: the latest entry per subject × category × criterion × role.

        Entries a correction superseded never appear; among the others of one
        subject, category, criterion and role, the latest ``recorded_at`` stands (the
        entry entered last, on a tie). Committee entries of the latest date that disagree
        with it stay beside it: the committee's conflict is stated
        (:func:`crc_tools.notifications.criteria.conclusions`) until a correction settles it.

        The frame is shaped like :attr:`crc_tools.intake.reader.Intake.determinations`
        (``notification_id``, ``criterion``, ``status``, ``justification``,
        ``references``, ``recorded_by``, ``role``, ``recorded_at``, ``category``,
        ``source_file``) plus ``entry_id``, ``source`` (``register``),
        ``determination_source`` (``register entry N``), ``subject_kind``,
        ``subject_id``, ``proposal_id`` and the rest of the entry.
        """
        frame = _with_supersession(self._frame())
        cur = frame[frame["current"]].copy()
        if subject_kind is not None:
            kind = normalize_kind(subject_kind)
            cur = cur[cur["subject_kind"] == kind]
        is_notification = cur["subject_kind"] == "notification"
        cur["notification_id"] = cur["subject_id"].where(is_notification, pd.NA).astype("string")
        cur["proposal_id"] = cur["subject_id"].where(~is_notification, pd.NA).astype("string")
        cur["source_file"] = pd.Series("", index=cur.index, dtype="string")
        cur["source"] = pd.Series("register", index=cur.index, dtype="string")
        cur["determination_source"] = ("register entry " + cur["entry_id"].astype("string")).astype("string")
        lead = ["notification_id", "criterion", "status", "justification", "references", "recorded_by", "role", "recorded_at", "category", "source_file", "entry_id", "source", "determination_source", "subject_kind", "subject_id", "proposal_id"]
        rest = [c for c in cur.columns if c not in lead and c not in ("current", "superseded_by", "superseded_how")]
        return cur[lead + rest].reset_index(drop=True)


def _entry_from_row(r: dict) -> Entry:
    def naive(v):
        if isinstance(v, str):
            v = dt.datetime.fromisoformat(v)
        return v.replace(tzinfo=None) if v is not None and v.tzinfo else v

    return Entry(
        entry_id=int(r["id"]),
        uid=r["uid"],
        subject_kind=r["subject_kind"],
        subject_id=r["subject_id"],
        category=r["category"],
        criterion=r["criterion"],
        status=r["status"],
        justification=r["justification"],
        references=tuple(x for x in (r["refs"] or "").split("\n") if x),
        recorded_by=r["recorded_by"],
        role=r["role"],
        recorded_at=naive(r["recorded_at"]),
        entered_at=naive(r["entered_at"]),
        supersedes=int(r["supersedes"]) if r.get("supersedes") is not None else None,
        supersedes_uid=r.get("supersedes_uid") or "",
        document_version=r["document_version"],
        document_hash=r["document_hash"],
        origin=r["origin"],
    )


KEY = ["subject_kind", "subject_id", "category", "criterion", "role"]
"""What the register's current view keeps one entry of."""


def _valid_corrections(frame: pd.DataFrame, ids: list[int]) -> dict[int, int]:
    """Return superseded entry id -> correcting entry id, for corrections on the same question.

    A correction recorded by an older version on another subject, criterion, category or
    role (:func:`crc_tools.register.roles.correction_problem` refuses them now) does not hide
    the entry it named: that entry stays in the current view.
    """
    rows = {i: r for i, r in zip(ids, frame[list(KEY)].to_dict("records"), strict=True)}
    out: dict[int, int] = {}
    for target, by in zip(frame["supersedes"], ids, strict=True):
        if pd.notna(target) and int(target) in rows and is_valid_correction(rows[by], rows[int(target)]):
            out[int(target)] = by
    return out


def _same_day_disagreements(alive: pd.DataFrame, latest: pd.DataFrame) -> set[int]:
    """Return the committee entries that stay current beside the latest of their key.

    Two committee entries on one question recorded on one date that disagree are a conflict
    the committee settles by a new entry that supersedes one; until then neither hides the
    other (``../shared/DESIGN.md``, "Who concludes").
    """
    committee = alive[alive["role"] == COMMITTEE]
    if committee.empty:
        return set()
    top = latest[latest["role"] == COMMITTEE].assign(_day=lambda d: d["recorded_at"].dt.normalize())
    both = committee.assign(_day=committee["recorded_at"].dt.normalize()).merge(
        top[[*KEY, "_day", "status", "entry_id"]], on=[*KEY, "_day"], suffixes=("", "_latest")
    )
    keep = both[(both["status"] != both["status_latest"]) & (both["entry_id"] != both["entry_id_latest"])]
    if keep.empty:
        return set()
    # the latest entry of such a key, and every same-day entry of another status
    return {int(i) for i in keep["entry_id"]} | {int(i) for i in keep["entry_id_latest"]}


def _with_supersession(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``current``, ``superseded_by`` and ``superseded_how`` to a frame of entries."""
    frame = frame.copy()
    ids = [int(i) for i in frame["entry_id"]]
    corrections = _valid_corrections(frame, ids)
    by: list[int | None] = [corrections.get(i) for i in ids]
    how = ["correction" if b is not None else "" for b in by]
    alive = frame.loc[[b is None for b in by]]
    latest = alive.sort_values(["recorded_at", "entry_id"], kind="stable").groupby(KEY, sort=False).tail(1)
    standing = {tuple(k): int(i) for k, i in zip(latest[KEY].itertuples(index=False, name=None), latest["entry_id"], strict=True)}
    disagreeing = _same_day_disagreements(alive, latest)
    current = []
    for pos, key in enumerate(frame[KEY].itertuples(index=False, name=None)):
        winner = standing.get(tuple(key))
        is_current = winner == ids[pos] or (by[pos] is None and ids[pos] in disagreeing)
        current.append(is_current)
        if not is_current and by[pos] is None:
            by[pos], how[pos] = winner, "later entry"
    frame["current"] = pd.Series(current, index=frame.index, dtype=bool)
    frame["superseded_by"] = pd.array(by, dtype="Int64")
    frame["superseded_how"] = pd.array(how, dtype="string")
    return frame


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


# --------------------------------------------------------------------------- export and import


def export_rows(register: Register, *, current_only: bool = False, subject: str | None = None) -> list[dict]:
    """Return the register's entries as plain rows in :data:`EXPORT_COLUMNS` order (references as lists)."""
    entries = register.entries()
    if current_only:
        standing = set(register.current()["entry_id"].astype(int).tolist())
        entries = [e for e in entries if e.entry_id in standing]
    if subject is not None:
        entries = [e for e in entries if e.subject_id == subject]
    return [e.as_dict() for e in entries]


def export_text(register: Register, fmt: str = "csv", **kwargs) -> str:
    """Return the register's entries as CSV (spreadsheet-safe cells) or JSON text.

    CSV holds one entry per row, references one per line inside their cell; cells that
    a spreadsheet would run as a formula are prefixed with an apostrophe, which
    :func:`import_file` removes again. JSON is an object with ``format``,
    ``schema_version``, ``exported_at`` and ``entries``. Keyword arguments go to
    :func:`export_rows`.
    """
    return format_export(export_rows(register, **kwargs), fmt)


def format_export(rows: list[dict], fmt: str) -> str:
    """Return rows from :func:`export_rows` as CSV or JSON text (see :func:`export_text`)."""
    from ..output import to_csv, to_json

    if fmt == "json":
        return to_json({"format": "crc-tools register of determinations", "schema_version": SCHEMA_VERSION, "exported_at": _iso(_utcnow()), "entries": rows})
    if fmt != "csv":
        raise CrcError(f"'{fmt}' is not an export format (csv, json)", field_name="format")
    flat = [{**r, "references": "\n".join(r["references"]), "supersedes": "" if r["supersedes"] is None else r["supersedes"]} for r in rows]
    return to_csv(flat, EXPORT_COLUMNS)


@dataclass
class ImportResult:
    """What an import did: the entries written, the rows already present, and the problems."""

    imported: list[Entry]
    already_present: list[int]
    problems: Problems


_ALIASES = {"by": "recorded_by", "date": "recorded_at", "kind": "subject_kind", "reference": "references"}


def _unneutralize(value):
    from ..output import FORMULA_PREFIXES

    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in FORMULA_PREFIXES:
        return value[1:]
    return value


def _entry_id(value, *, spreadsheet: bool = False) -> int | None:
    """Return ``value`` as an entry id (a whole number from 1 that the database's integers hold), else ``None``.

    With ``spreadsheet``, a whole number written as a decimal (``3.0``, as a spreadsheet
    exports it) is accepted too.
    """
    text = str(value).strip()
    try:
        number = int(text)
    except ValueError:
        if not spreadsheet:
            return None
        try:
            decimal = float(text)
        except ValueError:
            return None
        if not decimal.is_integer():  # also refuses inf and nan
            return None
        number = int(decimal)
    return number if 1 <= number < 2**63 else None


def _read_import(path: Path, problems: Problems, sheet: str | None = None) -> list[tuple[str, dict]] | None:
    from ..intake.tables import read_tables

    suffix = path.suffix.lower()
    if suffix in (".json", ".csv", ".xlsx") and not path.is_file():  # a FIFO or a device would block or never end
        problems.add(path, None, "", "not a regular file" if path.exists() else "no such file")
        return None
    if suffix == ".json":
        from ..intake.reader import MAX_CASE_FILE_BYTES, _sniff

        if _sniff(path, problems, 20 * MAX_CASE_FILE_BYTES) is None:
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except OSError as exc:
            problems.add(path, None, "", f"cannot read file: {exc.strerror or exc}")
            return None
        except UnicodeDecodeError as exc:
            problems.add(path, None, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")
            return None
        except json.JSONDecodeError as exc:
            problems.add(path, str(exc.lineno), "", f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
            return None
        except RecursionError:
            problems.add(path, None, "", "JSON nested too deeply")
            return None
        if isinstance(data, dict):
            data = data.get("entries")
        if not isinstance(data, list):
            problems.add(path, None, "", "expected a list of determinations, or an object with 'entries' (as crc register export writes)")
            return None
        out = []
        for i, item in enumerate(data, start=1):
            if not isinstance(item, dict):
                problems.add(path, str(i), "", f"expected a determination (an object of fields), found {type(item).__name__}")
                continue
            out.append((str(i), item))
        return out
    if suffix in (".csv", ".xlsx"):
        tables = read_tables(path, problems, sheet=sheet, known=lambda columns: {"criterion", "status"} <= {str(c).strip() for c in columns})
        if not tables:
            return None
        rows = []
        for source, df in tables:
            sheet_name = source[len(str(path)) + 1: -1] if len(tables) > 1 else ""
            for rec in df.to_dict("records"):
                row_no = str(rec.pop("_row"))
                rows.append((f"{sheet_name}!{row_no}" if sheet_name else row_no, {k: _unneutralize(v) for k, v in rec.items()}))
        return rows
    problems.add(path, None, "", "not a CSV, XLSX or JSON file of determinations")
    return None


def import_file(register: Register, path: str | Path, *, known_subjects: dict[str, set[str] | None] | None = None, sheet: str | None = None) -> ImportResult:
    """Import determinations from a CSV, XLSX or JSON file (as written by :func:`export_text`, or by hand).

    Good rows are written in one transaction; bad rows are reported as
    ``FILE:ROW: field: message`` and left out. A row whose ``uid`` is already in the
    register (an export imported twice) is skipped and reported as a warning.
    ``supersedes_uid`` links a correction to the entry it supersedes, in the register
    or earlier in the file; a plain ``supersedes`` entry id is read only in rows without
    a ``uid`` (ids are local to one register).

    Parameters
    ----------
    register : Register
        The register to write to.
    path : str or Path
        The file to read.
    known_subjects : dict, optional
        Subject kind → ids in the loaded data (``None`` for a kind whose ids cannot be
        checked); rows about other subjects are refused.
    sheet : str, optional
        The sheet of a workbook to read (default: every visible sheet with ``criterion``
        and ``status`` columns).
    """
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError, SQLAlchemyError

    path = Path(path)
    problems = Problems()
    rows = _read_import(path, problems, sheet)
    result = ImportResult([], [], problems)
    if not rows:
        if rows is not None and not problems.errors:
            problems.add(path, None, "", "file holds no determinations")
        return result
    columns = set().union(*(r.keys() for _, r in rows))
    known_cols = set(EXPORT_COLUMNS) | set(_ALIASES) | {"notification_id", "proposal_id"}
    unused = sorted(c for c in columns if c not in known_cols)
    if unused:
        problems.add(path, None, "", f"column(s) not used by the register, ignored: {', '.join(unused)}", "warning")
    now = _utcnow()
    prepared: list[tuple[str, dict]] = []
    for row_no, raw in rows:
        values = {_ALIASES.get(k, k): v for k, v in raw.items()}
        if not _text(values.get("subject_id")):
            if _text(values.get("notification_id")):
                values["subject_id"] = values["notification_id"]
                values.setdefault("subject_kind", "notification")
            elif _text(values.get("proposal_id")):
                values["subject_id"] = values["proposal_id"]
                values.setdefault("subject_kind", "shpf_proposal")
        kind = normalize_kind(values.get("subject_kind"))
        known = (known_subjects or {}).get(kind) if kind else None
        clean, bad = validate_entry(values, known_subjects=known, now=now)
        uid = _text(values.get("uid"))
        if uid:
            try:
                uid = str(uuid.UUID(uid))
            except ValueError:
                bad.append(("uid", f"'{uid}' is not a UUID (leave it empty for new entries)"))
        sup_uid = _text(values.get("supersedes_uid"))
        sup_id = _text(values.get("supersedes"))
        clean["_supersedes_uid"] = sup_uid
        clean["supersedes"] = None
        if not sup_uid and sup_id:
            if uid:
                bad.append(("supersedes", "an exported row names the entry it supersedes by supersedes_uid (entry ids are local to one register)"))
            else:
                number = _entry_id(sup_id, spreadsheet=True)
                if number is None:
                    bad.append(("supersedes", f"'{sup_id}' is not an entry id (a whole number from 1)"))
                else:
                    clean["supersedes"] = number
        earlier = _text(clean.get("origin"))
        clean["origin"] = f"import of {path.name}" + (f" (origin: {earlier})" if earlier else "")
        clean["uid"] = uid or str(uuid.uuid4())
        clean["_given_uid"] = bool(uid)
        if bad:
            for field_name, message in bad:
                problems.add(path, row_no, field_name, message)
            continue
        prepared.append((row_no, clean))
    if not prepared:
        return result
    register._prepare_write()
    t = _tables().tables["determination"]

    def write():
        result.imported.clear()
        result.already_present.clear()
        row_problems: list[tuple[str, str, str, str]] = []
        with register._connect(write=True) as conn, conn.begin():
            for row_no, clean in prepared:
                values = dict(clean)
                if values.pop("_given_uid"):
                    existing = conn.execute(sa.select(t).where(t.c.uid == values["uid"])).mappings().first()
                    if existing is not None:
                        same = all(
                            str(existing[col]) == str(values[key])
                            for col, key in (("subject_id", "subject_id"), ("criterion", "criterion"), ("status", "status"), ("role", "role"), ("justification", "justification"))
                        )
                        if same:
                            result.already_present.append(int(existing["id"]))
                            row_problems.append((row_no, "uid", f"already in the register as entry {existing['id']}; skipped", "warning"))
                        else:
                            row_problems.append((row_no, "uid", f"uid {values['uid']} is already in the register as entry {existing['id']} with different content", "error"))
                        continue
                sup_uid = values.pop("_supersedes_uid")
                if sup_uid:
                    target = conn.execute(sa.select(t.c.id).where(t.c.uid == sup_uid)).scalar()
                    if target is None:
                        row_problems.append((row_no, "supersedes_uid", f"supersedes entry {sup_uid}, which is not in the register nor earlier in this file", "error"))
                        continue
                    values["supersedes"] = int(target)
                try:
                    with conn.begin_nested():
                        result.imported.append(register._insert(conn, values))
                except RefusedEntry as exc:
                    for field_name, message in exc.problems:
                        row_problems.append((row_no, field_name, message, "error"))
                except IntegrityError as exc:
                    err = register._integrity(exc, values)
                    for field_name, message in getattr(err, "problems", [("", str(err))]):
                        row_problems.append((row_no, field_name, message, "error"))
        return row_problems

    try:
        row_problems = register._with_retries(write, "write to")
    except SQLAlchemyError as exc:
        raise register._fail("write to", exc) from None
    for row_no, field_name, message, severity in row_problems:
        problems.add(path, row_no, field_name, message, severity)
    return result


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
