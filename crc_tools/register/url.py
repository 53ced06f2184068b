"""The register's URL and its SQLite file: what is accepted, how a file is opened for reading, what a damaged one says.

Only two kinds of URL name a register (SECURITY.md, "The register"):

* ``sqlite:///PATH`` — a file (``sqlite:////abs/path`` or ``sqlite:///relative/path``);
* ``postgresql://USER@HOST/DB`` or ``postgresql+psycopg://…`` (psycopg 3).

Anything else (``mysql://``, ``postgre://``, ``sqlite:///`` with no path, an in-memory
``sqlite:///:memory:``, a ``file:`` URI or query options on SQLite) is a usage error naming
the problem: a register that silently reads as empty, or forgets what was recorded, is worse
than none.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from pathlib import Path

from ..errors import UsageError

SQLITE_PREFIX = "sqlite:///"
POSTGRES_PREFIXES = ("postgresql://", "postgresql+psycopg://")
FORMS = "sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"


class RegisterSettingError(UsageError):
    """The register's URL is not one the suite accepts, or names no register (exit 2)."""


def shown(url: str) -> str:
    """Return a URL with any password hidden, for messages (works on URLs that do not parse)."""
    return re.sub(r"(//[^/:@]*:)[^@/]*@", r"\1***@", str(url))


def check_url(url: str) -> str:
    """Return the URL the register uses (``postgresql://`` read as psycopg 3), or raise :class:`RegisterSettingError`."""
    url = str(url or "").strip()
    if url.startswith(POSTGRES_PREFIXES):
        rest = url.split("://", 1)[1]
        if not rest or rest.startswith("/") and len(rest) == 1:
            raise RegisterSettingError(f"register URL {shown(url)} names no server; use {FORMS}")
        return "postgresql+psycopg://" + rest
    if url.startswith(SQLITE_PREFIX):
        path = url[len(SQLITE_PREFIX):]
        if not path.strip():
            raise RegisterSettingError(f"register URL {url} names no file; use sqlite:///PATH (the register must be kept on disk)")
        if path.startswith(":memory:") or path.startswith("file:") or "mode=memory" in path:
            raise RegisterSettingError(f"register URL {url} is an in-memory database: what is recorded there is lost when the command ends; use sqlite:///PATH")
        if "?" in path:
            raise RegisterSettingError(f"register URL {url} carries options; use sqlite:///PATH alone")
        return url
    scheme = url.split(":", 1)[0] if ":" in url else url
    hint = ""
    if scheme.startswith(("postgre", "pg", "psql")):
        hint = " (did you mean postgresql+psycopg://?)"
    elif scheme.startswith("sqlite"):
        hint = " (a SQLite file is sqlite:/// followed by its path)"
    raise RegisterSettingError(f"register URL {shown(url) or '(empty)'} is not one the register can use{hint}; use {FORMS}")


def sqlite_path(url: str) -> Path:
    """Return the file of a checked ``sqlite:///PATH`` URL."""
    return Path(url[len(SQLITE_PREFIX):])


def read_only_uri(path: Path) -> str:
    """Return the SQLite URI that opens ``path`` for reading only.

    A file on a read-only file system (or one this user cannot write) is opened as
    ``immutable``: SQLite then takes no lock and writes no ``-shm`` file, which it could not.
    """
    quoted = urllib.parse.quote(str(Path(path).resolve()))
    writable = os.access(path, os.W_OK) and os.access(Path(path).resolve().parent, os.W_OK)
    return f"file:{quoted}?mode=ro" + ("" if writable else "&immutable=1")


DAMAGE_WORDS = ("malformed", "not a database", "file is encrypted", "database corrupt", "disk image")


def is_damage(message: str) -> bool:
    """Return whether an SQLite error message says the file is damaged (rather than busy or missing)."""
    text = message.casefold()
    return any(w in text for w in DAMAGE_WORDS)


def integrity_answer(path: Path, limit: int = 3) -> str:
    """Return what ``PRAGMA integrity_check`` says of a SQLite file (its first lines), opened read-only."""
    import sqlite3

    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True, timeout=5)
    except sqlite3.Error as exc:
        return f"cannot be opened: {exc}"
    try:
        rows = [str(r[0]) for r in conn.execute(f"PRAGMA integrity_check({int(limit) + 1})")]
    except sqlite3.Error as exc:
        return str(exc)
    finally:
        conn.close()
    if len(rows) > limit:
        rows = rows[:limit] + ["…"]
    return "; ".join(" ".join(r.split()) for r in rows)[:600]


__all__ = ["RegisterSettingError", "check_url", "sqlite_path", "read_only_uri", "integrity_answer", "is_damage", "shown", "FORMS"]
