"""The dashboard's durable journal: every conclusion is written here before the register.

A conclusion confirmed on the dashboard is first written to a small SQLite file beside the
server (one file per server process, in the dashboard's state folder), then to the register of
determinations. When the register cannot be reached the conclusion stays in the journal as
*waiting to be stored*, and is stored, in the order it was confirmed, when the register
returns — also after the server was stopped or crashed: a process that starts finds the
journals of processes that are gone (their lock is free) and stores what they hold.

Nothing is recorded twice: each conclusion carries a uid that becomes the register entry's
uid, and the register refuses a second entry with the same uid (a conclusion stored just
before a crash, whose journal row was not marked yet, is found by its uid and marked).
Each journal is owned by one process at a time (an exclusive ``flock`` on its lock file), so
two processes never replay the same conclusion.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

WAITING, STORED, REFUSED = "waiting", "stored", "refused"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conclusion (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    uid TEXT NOT NULL UNIQUE,
    submitted_at TEXT NOT NULL,
    summary TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'waiting',
    entry_id INTEGER,
    message TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0
)
"""


@dataclass(frozen=True)
class JournalRow:
    """One conclusion in a journal."""

    seq: int
    uid: str
    submitted_at: str
    summary: str
    values: dict
    state: str
    entry_id: int | None
    message: str
    attempts: int


class Journal:
    """One durable journal file, held by this process (an exclusive lock) while it is open.

    Parameters
    ----------
    path : Path
        The SQLite file.
    lock : file object
        The open lock file whose ``flock`` this process holds.
    """

    def __init__(self, path: Path, lock):
        self.path = path
        self._lock_file = lock
        self._mutex = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(_SCHEMA)

    # ----------------------------------------------------------------- opening

    @classmethod
    def create(cls, folder: Path) -> Journal:
        """Open a new journal for this process in ``folder`` (created, readable by its owner only)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = f"journal-{_safe(socket.gethostname())}-{os.getpid()}-{time.time_ns()}"
        lock = _try_lock(folder / f"{name}.lock")
        if lock is None:  # pragma: no cover - a fresh name is never locked
            raise OSError(f"cannot lock the new journal {name}")
        path = folder / f"{name}.sqlite"
        journal = cls(path, lock)
        os.chmod(path, 0o600)
        return journal

    @classmethod
    def adopt_orphans(cls, folder: Path, own: set[Path]) -> list[Journal]:
        """Return the journals in ``folder`` whose process is gone, now held by this process."""
        found = []
        for path in sorted(Path(folder).glob("journal-*.sqlite")) if Path(folder).is_dir() else []:
            if path in own:
                continue
            lock = _try_lock(path.with_suffix(".lock"))
            if lock is None:
                continue  # its process lives, or another process adopted it
            if not path.exists():  # finished and removed meanwhile
                _unlock(lock)
                continue
            found.append(cls(path, lock))
        return found

    def close(self, *, remove_if_done: bool = False) -> None:
        """Close the journal and release its lock; remove its files when every conclusion was stored."""
        with self._mutex:
            done = remove_if_done and not self._db.execute("SELECT 1 FROM conclusion WHERE state != ? LIMIT 1", (STORED,)).fetchone()
            self._db.close()
            if done:
                self.path.unlink(missing_ok=True)
                self.path.with_suffix(".lock").unlink(missing_ok=True)
            _unlock(self._lock_file)

    # ----------------------------------------------------------------- writing

    def add(self, uid: str, values: dict, summary: str) -> tuple[JournalRow, bool]:
        """Write a conclusion (durably, before anything else); return its row and whether it is new.

        The same ``uid`` twice (a double submission) returns the row written the first time.
        """
        payload = json.dumps(values, default=_json_default, sort_keys=True)
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        with self._mutex:
            try:
                self._db.execute("INSERT INTO conclusion (uid, submitted_at, summary, payload) VALUES (?, ?, ?, ?)", (uid, now, summary, payload))
                created = True
            except sqlite3.IntegrityError:
                created = False
            return self._get(uid), created

    def mark(self, uid: str, state: str, *, entry_id: int | None = None, message: str = "") -> None:
        """Note what became of a conclusion: ``stored`` (with its register entry), ``refused`` or still ``waiting``."""
        with self._mutex:
            self._db.execute(
                "UPDATE conclusion SET state = ?, entry_id = COALESCE(?, entry_id), message = ?, attempts = attempts + 1 WHERE uid = ?",
                (state, entry_id, message, uid),
            )

    # ----------------------------------------------------------------- reading

    def get(self, uid: str) -> JournalRow | None:
        """Return the conclusion with this uid, or ``None``."""
        with self._mutex:
            return self._get(uid)

    def _get(self, uid: str) -> JournalRow | None:
        row = self._db.execute("SELECT seq, uid, submitted_at, summary, payload, state, entry_id, message, attempts FROM conclusion WHERE uid = ?", (uid,)).fetchone()
        return _row(row) if row else None

    def rows(self, state: str | None = None) -> list[JournalRow]:
        """Return the conclusions (in one state, or all), in the order they were confirmed."""
        query = "SELECT seq, uid, submitted_at, summary, payload, state, entry_id, message, attempts FROM conclusion"
        args: tuple = ()
        if state is not None:
            query += " WHERE state = ?"
            args = (state,)
        with self._mutex:
            return [_row(r) for r in self._db.execute(query + " ORDER BY seq", args).fetchall()]


def _row(r) -> JournalRow:
    return JournalRow(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6], r[7], r[8])


def _json_default(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"cannot journal a {type(value).__name__}")


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text)[:40] or "host"


def _try_lock(path: Path):
    fh = open(path, "a+")  # noqa: SIM115 - held open while the journal is owned
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        return None
    return fh


def _unlock(fh) -> None:
    try:
        fcntl.flock(fh, fcntl.LOCK_UN)
    finally:
        fh.close()


__all__ = ["Journal", "JournalRow", "WAITING", "STORED", "REFUSED"]
