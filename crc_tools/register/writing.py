"""Writing to the register: one determination as a new entry, a correction superseding an earlier one.

:class:`WritingMixin` gives :class:`~crc_tools.register.store.Register` its writing
methods. Nothing is changed in place: a correction is a new entry naming the entry it
supersedes, on the same question (:func:`crc_tools.register.roles.correction_problem`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from ..errors import CrcError
from .model import Entry, RefusedEntry, _entry_from_row, _utcnow
from .roles import correction_problem
from .schema import _tables
from .validation import _entry_id, known_subject_ids, normalize_kind, validate_entry


class WritingMixin:
    """Recording entries (part of :class:`~crc_tools.register.store.Register`)."""

    def record(
        self, subject_id: str, criterion: str, status: str, *, justification: str = "", references: Iterable[str] | str = (), recorded_by: str, role: str,
        subject_kind: str = "notification", category: str = "", supersedes: int | None = None, document_version: str = "", document_hash: str = "",
        recorded_at: dt.datetime | str | None = None, known_subjects=None, origin: str = "", uid: str | None = None,
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
        values = dict(
            subject_kind=subject_kind, subject_id=subject_id, category=category, criterion=criterion, status=status,
            justification=justification, references=references, recorded_by=recorded_by, role=role,
            recorded_at=recorded_at, document_version=document_version, document_hash=document_hash, origin=origin,
        )
        values = _entry_values(values, known_subjects, supersedes, uid)
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


def _entry_values(given: dict, known_subjects, supersedes, uid) -> dict:
    """Return the checked values of a new entry (:func:`validate_entry`, the entry it supersedes, its uid), or raise :class:`RefusedEntry`."""
    if known_subjects is not None and hasattr(known_subjects, "notifications"):
        known_subjects = known_subject_ids(known_subjects, normalize_kind(given["subject_kind"]) or "notification")
    values, problems = validate_entry(given, known_subjects=known_subjects)
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
    return values
