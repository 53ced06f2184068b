"""Reading the register: its entries, their history, and the current view (corrections applied, latest per role).

:class:`ReadingMixin` gives :class:`~crc_tools.register.store.Register` its reading
methods; the current view is decided by :func:`_with_supersession`.
"""

from __future__ import annotations

import pandas as pd

from .model import Entry, _entry_from_row
from .roles import COMMITTEE, is_valid_correction
from .schema import _tables
from .validation import normalize_kind


class ReadingMixin:
    """The entries of a register, as stored and as they stand (part of :class:`~crc_tools.register.store.Register`)."""

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
