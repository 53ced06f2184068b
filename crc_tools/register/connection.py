"""Opening a register: its URL, its SQLite file or PostgreSQL server, the engines that read and write it.

:class:`ConnectionMixin` gives :class:`~crc_tools.register.store.Register` its connection
handling; reading never writes (a SQLite register is opened read-only for reading).
"""

from __future__ import annotations

import os
from pathlib import Path

from .. import config
from .model import SQLITE_BUSY_TIMEOUT_S, RegisterError


def _normalize_url(url: str) -> str:
    """Return the URL the register uses (see :func:`crc_tools.register.url.check_url`)."""
    from .url import check_url

    return check_url(url)


def sqlite_engine(url: str, path: Path, *, read_only: bool):
    """Return an engine on the SQLite file at ``path`` (``url``): a reader opens it read-only and sets nothing persistent."""
    import sqlite3

    import sqlalchemy as sa
    from sqlalchemy import event

    from .url import read_only_uri

    if read_only:
        engine = sa.create_engine("sqlite://", creator=lambda: sqlite3.connect(read_only_uri(path), uri=True, timeout=SQLITE_BUSY_TIMEOUT_S, check_same_thread=False))
    else:
        engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})

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


class ConnectionMixin:
    """Where a register is and how it is opened (part of :class:`~crc_tools.register.store.Register`)."""

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
        return sqlite_engine(self.database_url, self._sqlite_path(), read_only=read_only)

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
