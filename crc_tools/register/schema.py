"""The register's tables, the guards that keep its log append-only, and its ordered migrations.

:class:`SchemaMixin` gives :class:`~crc_tools.register.store.Register` its schema handling:
checking the version on reading, migrating (under a lock) on writing, creating a register
(``crc register init``), and retrying a write while the database is busy.
"""

from __future__ import annotations

import time
from pathlib import Path

from .model import _PG_LOCK_KEY, APPEND_ONLY_MESSAGE, SCHEMA_VERSION, WRITE_ATTEMPTS, RegisterError, _utcnow


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


class SchemaMixin:
    """The schema of a register: its version checked on reading, brought up to date on writing (part of :class:`~crc_tools.register.store.Register`)."""

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
