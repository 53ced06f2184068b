"""Recording the committee's conclusions from the dashboard (no Panel).

Only the committee concludes on Annex II (Article 5.6) and on Annex IV Part 3 (Article 6.5):
a conclusion recorded on the dashboard goes to the register of determinations with the role
``committee``, the signed-in user as ``recorded_by``, and the version of the notification it
was taken on (``document_hash``: ``sha256:`` of its case file, as ``crc register record``
records it). A correction supersedes an earlier committee entry on the same subject,
criterion and category (DESIGN.md, "Who concludes").

:class:`Conclusion` is what the chair confirms: :meth:`Conclusion.sentence` says in one
sentence what will be recorded, by whom, on which version. :class:`Recorder` writes it to the
durable :class:`~crc_tools.dashboard.journal.Journal` first, then to the register; a
conclusion confirmed twice (a double click) is recorded once.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field, replace

from ..errors import CrcError
from ..i18n import N_, _, lookup
from .journal import REFUSED, STORED, WAITING, Journal
from .labels import CRITERION_OVERALL, STATUS_WORDS

log = logging.getLogger(__name__)

RECORDING_ROLES = (N_("chair"), N_("member"))
"""Dashboard roles that may record the committee's conclusions."""
DASHBOARD_ROLES = (*RECORDING_ROLES, N_("viewer"))
REGISTER_ROLE = "committee"
"""The register role of a conclusion recorded on the dashboard: it is the committee's."""
SUBJECT_WORDS = {"notification": N_("notification"), "shpf_proposal": N_("SHPF proposal")}


class NotAllowed(CrcError):
    """The user may not record: not signed in, signed out, removed, or without a recording role."""


@dataclass(frozen=True)
class Identity:
    """Who uses a dashboard session.

    Attributes
    ----------
    user : str or None
        The signed-in user; ``None`` for a visitor who did not sign in.
    role : str
        ``chair`` or ``member`` (may record) or ``viewer``.
    login : str
        The server-side login session (a hash of the cookie, never the cookie), checked again
        before every write.
    """

    user: str | None = None
    role: str = "viewer"
    login: str = field(default="", repr=False)

    @property
    def signed_in(self) -> bool:
        """Return whether the user signed in."""
        return bool(self.user)

    @property
    def can_record(self) -> bool:
        """Return whether the user may record the committee's conclusions."""
        return self.signed_in and self.role in RECORDING_ROLES

    def describe(self) -> str:
        """Return who this is, in words."""
        if not self.signed_in:
            return _("Viewing without signing in")
        if self.can_record:
            return _("Signed in as {user} ({role})").format(user=self.user, role=lookup(self.role))
        return _("Signed in as {user} (viewer: no recording role)").format(user=self.user)


@dataclass(frozen=True)
class Conclusion:
    """A conclusion of the committee, as confirmed on the dashboard.

    ``uid`` is made when the confirmation is shown; confirming twice submits the same uid.
    """

    subject_kind: str
    subject_id: str
    subject_label: str
    category: str
    criterion: str
    status: str
    justification: str = ""
    references: str = ""
    supersedes: int | None = None
    document_hash: str = ""
    meeting: str = ""
    uid: str = field(default_factory=lambda: str(uuid.uuid4()))

    def sentence(self, user: str, role: str) -> str:
        """Return in one sentence what will be recorded, by whom, on which version."""
        what = _("the criteria as a whole") if self.criterion == CRITERION_OVERALL else _("criterion {criterion}").format(criterion=self.criterion)
        annex = _("Annex II") if self.subject_kind == "notification" else _("Annex IV Part 3")
        status = _(STATUS_WORDS.get(self.status, self.status))
        category = f" ({lookup(self.category)})" if self.category else ""
        if self.document_hash:
            version = _("version {version} of its case file").format(version=self.document_hash.removeprefix("sha256:")[:12])
        else:
            version = _("the data as loaded (no case-file version: it comes from a table)")
        correction = _(", correcting register entry {entry}").format(entry=self.supersedes) if self.supersedes else ""
        meeting = _(" at {meeting}").format(meeting=self.meeting) if self.meeting else ""
        text = _("The committee's conclusion “{annex} {what}: {status}” on {subject} {label}{category}{correction} will be recorded by {user} ({role}){meeting}, on {version}.")
        return text.format(annex=annex, what=what, status=status, subject=_(SUBJECT_WORDS.get(self.subject_kind, N_("subject"))), label=self.subject_label,
                           category=category, correction=correction, user=user, role=lookup(role), meeting=meeting, version=version)

    def register_values(self, identity: Identity) -> dict:
        """Return the keyword arguments of :meth:`~crc_tools.register.store.Register.record`."""
        origin = f"crc dashboard: recorded by {identity.user} ({identity.role})" + (f" at {self.meeting}" if self.meeting else "")
        return dict(
            subject_id=self.subject_id, criterion=self.criterion, status=self.status, justification=self.justification,
            references=self.references, recorded_by=identity.user, role=REGISTER_ROLE, subject_kind=self.subject_kind,
            category=self.category, supersedes=self.supersedes, document_hash=self.document_hash, origin=origin,
            recorded_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds"), uid=self.uid,
        )

    def fresh(self) -> Conclusion:
        """Return the same conclusion with a new uid (a second, deliberate conclusion)."""
        return replace(self, uid=str(uuid.uuid4()))


def problems_of(conclusion: Conclusion, known_subjects) -> list[tuple[str, str]]:
    """Return what the register would refuse in a conclusion, before it is confirmed (field, message)."""
    from ..register.store import validate_entry

    _entry, problems = validate_entry(
        dict(
            subject_kind=conclusion.subject_kind, subject_id=conclusion.subject_id, category=conclusion.category, criterion=conclusion.criterion,
            status=conclusion.status, justification=conclusion.justification, references=conclusion.references,
            recorded_by="dashboard", role=REGISTER_ROLE, document_hash=conclusion.document_hash,
        ),
        known_subjects=known_subjects,
    )
    return problems


@dataclass
class RecordOutcome:
    """What became of a confirmed conclusion.

    ``state`` is ``stored`` (in the register: ``entry_id``), ``waiting`` (in the journal,
    to be stored when the register returns) or ``refused`` (the register's rules refuse it;
    ``message`` says why). ``repeated`` is true when the same confirmation came twice.
    """

    state: str
    message: str
    uid: str = ""
    entry_id: int | None = None
    repeated: bool = False


class Recorder:
    """Writes confirmed conclusions to a journal, then to the register.

    Parameters
    ----------
    register : Register
        The register of determinations.
    journal : Journal
        This process's durable journal.
    known_subjects : dict
        ``{"notification": ids, "shpf_proposal": ids}`` of the loaded data.
    """

    def __init__(self, register, journal: Journal, known_subjects: dict):
        self.register = register
        self.journal = journal
        self.known = known_subjects
        self.adopted: list[Journal] = []

    def submit(self, identity: Identity, conclusion: Conclusion) -> RecordOutcome:
        """Record a confirmed conclusion (journal first); the same uid twice is recorded once.

        Raises
        ------
        NotAllowed
            The identity may not record; nothing is written.
        """
        if not identity.can_record:
            raise NotAllowed(_("viewers cannot record conclusions: sign in with a recording role (chair, member)"), source="dashboard")
        row, created = self.journal.add(conclusion.uid, conclusion.register_values(identity), conclusion.sentence(identity.user, identity.role))
        if not created and row.state != WAITING:
            return self._outcome(row, repeated=True)
        return self._store(self.journal, row, repeated=not created)

    def replay(self) -> int:
        """Store the conclusions waiting in this process's journal and in adopted ones, in order; return how many were stored.

        Stops at the first that still cannot reach the register (order is kept).
        """
        stored = 0
        for journal in [self.journal, *self.adopted]:
            for row in journal.rows(WAITING):
                outcome = self._store(journal, row)
                if outcome.state == WAITING:
                    return stored
                stored += outcome.state == STORED
        return stored

    def adopt(self, folder) -> int:
        """Take over the journals of server processes that are gone; return how many."""
        found = Journal.adopt_orphans(folder, {self.journal.path, *(j.path for j in self.adopted)})
        self.adopted.extend(found)
        return len(found)

    def finished_adopted(self) -> None:
        """Close and remove adopted journals whose every conclusion was stored."""
        for journal in list(self.adopted):
            if not journal.rows(WAITING) and not journal.rows(REFUSED):
                self.adopted.remove(journal)
                journal.close(remove_if_done=True)

    def lookup(self, uid: str) -> RecordOutcome | None:
        """Return what became of a conclusion confirmed in this process (or an adopted journal)."""
        for journal in [self.journal, *self.adopted]:
            row = journal.get(uid)
            if row is not None:
                return self._outcome(row)
        return None

    def waiting(self) -> list:
        """Return the conclusions waiting to be stored, in order (journal rows)."""
        return [r for j in [self.journal, *self.adopted] for r in j.rows(WAITING)]

    def refused_later(self) -> list:
        """Return conclusions the register refused when they were replayed (journal rows)."""
        return [r for j in [self.journal, *self.adopted] for r in j.rows(REFUSED) if r.attempts > 1]

    def _store(self, journal: Journal, row, *, repeated: bool = False) -> RecordOutcome:
        from ..register.store import RefusedEntry, RegisterError

        values = dict(row.values)
        kind = values.get("subject_kind", "notification")
        try:
            entry = self.register.record(**values, known_subjects=self.known.get(kind))
        except RefusedEntry as exc:
            if any(f == "uid" for f, _ in exc.problems):
                return self._already_there(journal, row)
            journal.mark(row.uid, REFUSED, message="; ".join(f"{f}: {m}" if f else m for f, m in exc.problems))
        except RegisterError as exc:
            log.warning("register unreachable; conclusion %s waits in %s: %s", row.uid, journal.path.name, exc.message)
            journal.mark(row.uid, WAITING, message="the register of determinations cannot be reached")
        else:
            journal.mark(row.uid, STORED, entry_id=entry.entry_id)
        return self._outcome(journal.get(row.uid), repeated=repeated)

    def _already_there(self, journal: Journal, row) -> RecordOutcome:
        """Mark a conclusion the register already holds (stored before a crash or by a double submission)."""
        from ..register.store import RegisterError

        try:
            entry = self.register.entry_by_uid(row.uid)
        except RegisterError:
            return self._outcome(row)
        journal.mark(row.uid, STORED, entry_id=entry.entry_id if entry else None)
        return self._outcome(journal.get(row.uid), repeated=True)

    @staticmethod
    def _outcome(row, *, repeated: bool = False) -> RecordOutcome:
        if row.state == STORED:
            return RecordOutcome(STORED, _("Stored as register entry {entry}.").format(entry=row.entry_id), row.uid, row.entry_id, repeated)
        if row.state == REFUSED:
            return RecordOutcome(REFUSED, _("Not recorded: {why}").format(why=row.message), row.uid, None, repeated)
        waiting = _("Waiting to be stored: the register of determinations cannot be reached now. The conclusion is kept in this "
                    "server's journal and stored, in order, as soon as the register returns (also after a restart).")
        return RecordOutcome(WAITING, waiting, row.uid, None, repeated)


__all__ = [
    "Identity", "Conclusion", "Recorder", "RecordOutcome", "NotAllowed", "RECORDING_ROLES", "DASHBOARD_ROLES",
    "REGISTER_ROLE", "problems_of",
]


class RecordingDesk:
    """Recording on a meeting's data: the confirmed conclusion goes to this process's journal, then the register.

    Mixed into :class:`crc_tools.dashboard.data.MeetingData`, which provides ``check_identity``,
    ``live`` (its recorder) and ``refresh``.
    """

    def record(self, identity: Identity, conclusion: Conclusion) -> RecordOutcome:
        """Record a confirmed conclusion of the committee (journal first, then the register).

        Raises
        ------
        NotAllowed
            The user may not record (not signed in, signed out, removed from the logins
            file, or without a recording role); nothing is written.
        """
        if self.check_identity is not None:
            identity = self.check_identity(identity)
        if not identity.can_record:
            raise NotAllowed(_("viewers cannot record conclusions: sign in with a recording role (chair, member)"), source="dashboard")
        outcome = self.live.recorder.submit(identity, conclusion)
        self.refresh(force=True)
        return outcome

    def outcome(self, uid: str) -> RecordOutcome | None:
        """Return what became of a conclusion confirmed in this process."""
        return self.live.recorder.lookup(uid)

    def waiting(self) -> list:
        """Return the conclusions waiting to be stored in this process, in order."""
        return self.live.recorder.waiting()
