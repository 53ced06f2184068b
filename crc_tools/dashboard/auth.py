"""Logins for the committee dashboard: argon2id hashes, server-side sessions, a rate limit (no Panel).

* **The logins file** (JSON, kept out of git, ``chmod 600``) holds per user a role (``chair``,
  ``member``, ``viewer``) and an argon2id hash of the password — never the password. It is
  written by ``crc dashboard add-user NAME --role ROLE`` (:func:`add_user`) and read again
  whenever it changes, so a user removed from it (``crc dashboard remove-user``) can no longer
  record, at once.
* **Login sessions** live on the server, in a SQLite file in the dashboard's state folder
  shared by its processes (:class:`LoginSessions`). The browser holds only a random token in an
  HttpOnly, SameSite=Strict cookie; the server stores its SHA-256. Signing out ends the session
  on the server; sessions end after :data:`SESSION_HOURS` in any case.
* **Rate limit with lockout**: after :data:`MAX_FAILURES` wrong passwords for one user name from
  one address within :data:`WINDOW_MINUTES`, or :data:`MAX_FAILURES_PER_ADDRESS` from one
  address, further attempts are refused for :data:`LOCKOUT_MINUTES` — even with the right
  password.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import CrcError
from ..i18n import _
from .recording import DASHBOARD_ROLES, Identity, NotAllowed

LOGINS_FORMAT = "crc-dashboard-logins/1"
SESSION_HOURS = 14
MAX_FAILURES = 5
MAX_FAILURES_PER_ADDRESS = 20
WINDOW_MINUTES = 15
LOCKOUT_MINUTES = 15
MIN_PASSWORD_CHARS = 10
USER_NAME_CHARS = 64


class DashboardConfigError(CrcError):
    """The dashboard's settings (the logins file) cannot be used."""


@dataclass(frozen=True)
class Login:
    """One user of the logins file."""

    user: str
    role: str
    hash: str


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id, RFC 9106 low-memory profile


def hash_password(password: str) -> str:
    """Return the argon2id hash of a password."""
    return _hasher().hash(password)


def password_problem(password: str) -> str | None:
    """Return why a password is refused (too short, blank), or ``None``."""
    if not password or not password.strip():
        return "the password is empty"
    if len(password) < MIN_PASSWORD_CHARS:
        return f"the password has {len(password)} characters; at least {MIN_PASSWORD_CHARS} are needed"
    return None


def user_problem(name: str) -> str | None:
    """Return why a user name is refused, or ``None``."""
    if not name or name != name.strip() or len(name) > USER_NAME_CHARS or not all(c.isalnum() or c in "._-@" for c in name):
        return f"'{name}' is not a user name (letters, digits and . _ - @, at most {USER_NAME_CHARS})"
    return None


def read_logins(path: Path) -> dict[str, Login]:
    """Read and check a logins file; return user → :class:`Login`.

    Raises
    ------
    DashboardConfigError
        The file is missing, unreadable, not the dashboard's format, holds a plain password
        or an unknown role.
    """
    source = str(path)
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DashboardConfigError("the logins file does not exist; create it with `crc dashboard add-user NAME --role chair`", source=source) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DashboardConfigError(f"cannot read the logins file: {exc}", source=source) from None
    if not isinstance(raw, dict) or raw.get("format") != LOGINS_FORMAT or not isinstance(raw.get("users"), dict):
        raise DashboardConfigError(
            "not a logins file of this version of the dashboard (plain passwords are no longer accepted); "
            "write one with `crc dashboard add-user NAME --role chair|member|viewer`", source=source,
        )
    users = {}
    for name, entry in raw["users"].items():
        h = entry.get("hash") if isinstance(entry, dict) else None
        role = entry.get("role") if isinstance(entry, dict) else None
        if not isinstance(h, str) or not h.startswith("$argon2id$"):
            raise DashboardConfigError("no argon2id hash; set the password again with `crc dashboard add-user NAME --replace`", source=source, field_name=str(name))
        if role not in DASHBOARD_ROLES:
            raise DashboardConfigError(f"'{role}' is not a dashboard role ({', '.join(DASHBOARD_ROLES)})", source=source, field_name=str(name))
        users[str(name)] = Login(str(name), role, h)
    return users


def write_logins(path: Path, users: dict[str, Login]) -> None:
    """Write a logins file atomically, readable by its owner only."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"format": LOGINS_FORMAT, "users": {u.user: {"role": u.role, "hash": u.hash} for u in sorted(users.values(), key=lambda x: x.user)}}
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def add_user(path: Path, name: str, role: str, password: str, *, replace: bool = False) -> str:
    """Add (or with ``replace``, change) a user in the logins file; return what was done, in words.

    Raises
    ------
    DashboardConfigError
        A bad name, role or password; the user exists and ``replace`` is not given.
    """
    for problem in (user_problem(name), None if role in DASHBOARD_ROLES else f"'{role}' is not a role ({', '.join(DASHBOARD_ROLES)})", password_problem(password)):
        if problem:
            raise DashboardConfigError(problem, source=str(path))
    users = read_logins(path) if Path(path).exists() else {}
    existed = name in users
    if existed and not replace:
        raise DashboardConfigError(f"user '{name}' exists; give --replace to set a new password or role", source=str(path))
    users[name] = Login(name, role, hash_password(password))
    write_logins(path, users)
    return f"{'changed' if existed else 'added'} {name} ({role})"


def remove_user(path: Path, name: str) -> str:
    """Remove a user from the logins file (effective at once: the user can no longer record)."""
    users = read_logins(path)
    if name not in users:
        raise DashboardConfigError(f"no user '{name}' in the logins file", source=str(path))
    del users[name]
    write_logins(path, users)
    return f"removed {name}"


class Logins:
    """The logins file, read again whenever it changes on disk."""

    _DUMMY: str | None = None

    def __init__(self, path: Path):
        self.path = Path(path)
        self._stamp = None
        self._users: dict[str, Login] = {}
        self._lock = threading.Lock()
        self.users()  # refuse a bad file at start

    def users(self) -> dict[str, Login]:
        """Return the users as the file says now (an unreadable file later on: nobody)."""
        try:
            st = self.path.stat()
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            return {}
        with self._lock:
            if stamp != self._stamp:
                self._users, self._stamp = read_logins(self.path), stamp
            return self._users

    def check(self, user: str, password: str) -> Login | None:
        """Return the login when the password is right (an unknown user costs the same time)."""
        from argon2.exceptions import Argon2Error

        login = self.users().get(user)
        if Logins._DUMMY is None:
            Logins._DUMMY = hash_password(secrets.token_urlsafe(16))
        try:
            _hasher().verify(login.hash if login else Logins._DUMMY, password)
        except Argon2Error:
            return None
        return login


def token_hash(token: str) -> str:
    """Return the SHA-256 of a session token (what the server stores and the page session keeps)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class LoginSessions:
    """Login sessions and failed attempts, in a SQLite file shared by the server's processes."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._local = threading.local()
        with self._db() as db:
            db.execute("CREATE TABLE IF NOT EXISTS login (token_hash TEXT PRIMARY KEY, user TEXT NOT NULL, created REAL NOT NULL, ended REAL)")
            db.execute("CREATE TABLE IF NOT EXISTS failure (key TEXT NOT NULL, at REAL NOT NULL)")
            db.execute("CREATE INDEX IF NOT EXISTS failure_key ON failure (key, at)")
        os.chmod(self.path, 0o600)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None or getattr(self._local, "pid", None) != os.getpid():
            db = sqlite3.connect(str(self.path), timeout=30)
            db.execute("PRAGMA journal_mode=WAL")
            self._local.db, self._local.pid = db, os.getpid()
        return db

    def start(self, user: str) -> str:
        """Start a login session; return its token (for the cookie only)."""
        token = secrets.token_urlsafe(32)
        with self._db() as db:
            db.execute("INSERT INTO login VALUES (?, ?, ?, NULL)", (token_hash(token), user, time.time()))
        return token

    def user_of(self, hashed: str) -> str | None:
        """Return the user of a session (by the token's hash) when it has not ended, else ``None``."""
        row = self._db().execute("SELECT user FROM login WHERE token_hash = ? AND ended IS NULL AND created > ?", (hashed, time.time() - SESSION_HOURS * 3600)).fetchone()
        return row[0] if row else None

    def end(self, hashed: str) -> None:
        """End a session on the server (sign-out)."""
        with self._db() as db:
            db.execute("UPDATE login SET ended = ? WHERE token_hash = ? AND ended IS NULL", (time.time(), hashed))

    def locked_for(self, keys: list[tuple[str, int]]) -> float:
        """Return the seconds an attempt must still wait: 0 unless a key (with its limit) had too many failures lately."""
        now, wait = time.time(), 0.0
        db = self._db()
        for key, limit in keys:
            rows = [r[0] for r in db.execute("SELECT at FROM failure WHERE key = ? AND at > ? ORDER BY at DESC", (key, now - (WINDOW_MINUTES + LOCKOUT_MINUTES) * 60))]
            if len(rows) >= limit:
                wait = max(wait, rows[0] + LOCKOUT_MINUTES * 60 - now)
        return wait

    def failed(self, keys: list[str]) -> None:
        """Note a failed attempt under each key."""
        with self._db() as db:
            db.executemany("INSERT INTO failure VALUES (?, ?)", [(k, time.time()) for k in keys])
            db.execute("DELETE FROM failure WHERE at < ?", (time.time() - 86400,))

    def succeeded(self, keys: list[str]) -> None:
        """Forget the failures under each key (after a right password)."""
        with self._db() as db:
            db.executemany("DELETE FROM failure WHERE key = ?", [(k,) for k in keys])


class Gate:
    """Who is who on the server: the logins file and the login sessions together."""

    def __init__(self, logins: Logins, sessions: LoginSessions):
        self.logins = logins
        self.sessions = sessions

    def identity(self, token: str | None) -> Identity:
        """Return the identity a session cookie stands for (a visitor without one, or with an ended one)."""
        if not token:
            return Identity()
        hashed = token_hash(token)
        user = self.sessions.user_of(hashed)
        login = self.logins.users().get(user) if user else None
        return Identity(login.user, login.role, hashed) if login else Identity()

    def check(self, identity: Identity) -> Identity:
        """Return the identity as it stands now, or raise :class:`NotAllowed` (signed out, removed, no recording role)."""
        user = self.sessions.user_of(identity.login) if identity.login else None
        login = self.logins.users().get(user) if user and user == identity.user else None
        if login is None:
            raise NotAllowed(_("your sign-in is no longer valid (signed out, expired, or removed from the logins file): sign in again to record"), source="dashboard")
        now = Identity(login.user, login.role, identity.login)
        if not now.can_record:
            raise NotAllowed(_("{user} has no recording role now ({role})").format(user=login.user, role=login.role), source="dashboard")
        return now


__all__ = [
    "Login", "Logins", "LoginSessions", "Gate", "DashboardConfigError", "add_user", "remove_user", "read_logins", "write_logins",
    "hash_password", "password_problem", "token_hash", "MAX_FAILURES", "LOCKOUT_MINUTES",
]
