"""What the register stores and says: its limits, its errors, one entry, and its clock.

The lowest room of :mod:`crc_tools.register`: the connection, schema, reading, writing,
validation and import/export modules import from here; :mod:`crc_tools.register.store`
composes them into :class:`~crc_tools.register.store.Register`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

import pandas as pd

from ..errors import CrcError
from .roles import ALL_ROLES

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
