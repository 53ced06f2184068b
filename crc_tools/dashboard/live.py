"""The register's side of one server process: the register, the durable journal, the latest snapshot (no Panel).

Each server process (``crc dashboard --num-procs N`` forks several) has its own :class:`Live`:
its own database connections, its own journal file, its own snapshot. It notices entries
recorded through any process by polling the register's newest entry id (the log is
append-only), at most every ``poll_seconds``; a conclusion recorded through one process reaches
the pages of every other within a few seconds.

When the register cannot be reached, the last snapshot stays (at start: the case files
alone), :attr:`Live.problem` says so in words (no address, no path: those go to the server's
log), and conclusions wait in the journal until it returns.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
from pathlib import Path

from ..i18n import N_, _, lookup, ngettext
from . import snapshot as snapshots
from .journal import Journal
from .recording import Recorder

log = logging.getLogger(__name__)

UNREACHABLE = N_("The register of determinations cannot be reached")


class Live:
    """One process's register, journal and snapshot.

    Parameters
    ----------
    cases : Cases
        The case data (shared, read-only).
    register : Register
        The register of determinations (a new one per process).
    state_dir : Path
        Where the journal files live.
    poll_seconds : float
        How often, at most, the register is asked for new entries.
    """

    def __init__(self, cases, register, state_dir: Path, poll_seconds: float = 0.5, initial=None):
        self.cases = cases
        self.register = register
        self.state_dir = Path(state_dir)
        self.poll_seconds = poll_seconds
        self.pid = os.getpid()
        self.problem: str | None = None
        self.problem_since: dt.datetime | None = None
        self._lock = threading.RLock()
        self._checked = 0.0
        self._serial = initial.serial if initial is not None else 0
        self.snapshot = initial if initial is not None else self._compute(None, -1)
        self.recorder = Recorder(register, Journal.create(self.state_dir), cases.known_subjects)
        self.refresh(force=True)

    def _compute(self, register, latest: int):
        self._serial += 1
        return snapshots.compute(self._serial, self.cases.intake, self.cases.notifications, register=register, register_entry=latest, today=self.cases.today)

    def _down(self, exc: Exception) -> None:
        if self.problem is None:
            self.problem_since = dt.datetime.now()
            log.warning("the register of determinations cannot be reached: %s", getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}")
        self.problem = UNREACHABLE

    def refresh(self, force: bool = False) -> bool:
        """Store waiting conclusions, then look for new register entries; return whether the snapshot changed.

        Never raises: a register that cannot be reached leaves the last snapshot and sets
        :attr:`problem`.
        """
        now = time.monotonic()
        if not force and now - self._checked < self.poll_seconds:
            return False
        if not self._lock.acquire(blocking=force):
            return False  # another session refreshes; it publishes the result
        try:
            self._checked = time.monotonic()
            return self._refresh()
        finally:
            self._lock.release()

    def _refresh(self) -> bool:
        try:
            self.recorder.adopt(self.state_dir)
            self.recorder.replay()
            self.recorder.finished_adopted()
            latest = self.register.latest_entry_id()
            if latest == self.snapshot.register_entry and self.problem is None:
                return False
            snap = self._compute(self.register, latest)
        except Exception as exc:  # noqa: BLE001 - any failure of the database is an outage, said in words
            self._down(exc)
            return False
        if self.problem is not None:
            log.warning("the register of determinations is reachable again")
        self.problem, self.problem_since = None, None
        changed = snap.register_entry != self.snapshot.register_entry
        self.snapshot = snap
        return changed

    def notice(self) -> str:
        """Return what the page should say about the register, in words (``""`` when all is well)."""
        waiting = len(self.recorder.waiting())
        parts = []
        if self.problem:
            since = " " + _("since {time}").format(time=f"{self.problem_since:%H:%M}") if self.problem_since else ""
            shown = _("The pages show the conclusions as of {time} (the case files are read as usual).").format(time=f"{self.snapshot.taken_at:%H:%M:%S}")
            parts.append(f"{lookup(self.problem)}{since}. {shown}")
        if waiting:
            parts.append(ngettext("{n} conclusion confirmed on this server is waiting to be stored; it will be stored in order when the register returns.",
                                  "{n} conclusions confirmed on this server are waiting to be stored; they will be stored in order when the register returns.", waiting).format(n=waiting))
        return " ".join(parts)


__all__ = ["Live", "UNREACHABLE"]
