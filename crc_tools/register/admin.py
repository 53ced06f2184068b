"""Setting up a register on PostgreSQL with two roles: one owns the tables, the application only appends.

``crc register init --owner ROLE --writer ROLE`` (run with an administrator's URL) creates the
register, gives its tables, sequence and trigger function to the owner role, and grants the
writer role — the one the application connects as — ``SELECT`` and ``INSERT`` only. The
writer can then neither change nor delete an entry, nor truncate, alter or drop the tables,
nor disable the append-only triggers (all need ownership or a privilege it lacks): the log
stays append-only even against the application's own credentials (SECURITY.md).
"""

from __future__ import annotations

import re

from .url import RegisterSettingError

TABLES = ("determination", "schema_version")
_ROLE = re.compile(r"[A-Za-z_][A-Za-z0-9_$]{0,62}")


def _role(name: str, what: str) -> str:
    if not _ROLE.fullmatch(name or ""):
        raise RegisterSettingError(f"--{what} '{name}' is not a PostgreSQL role name (letters, digits, _ and $, at most 63)")
    return '"' + name + '"'


def grant_roles(register, *, owner: str, writer: str) -> list[str]:
    """Give the register's tables to ``owner`` and let ``writer`` only read and append; return what was done.

    Raises
    ------
    RegisterSettingError
        The register is not on PostgreSQL, a role does not exist, or both are one role.
    """
    import sqlalchemy as sa
    from sqlalchemy.exc import SQLAlchemyError

    if register.dialect != "postgresql":
        raise RegisterSettingError("--owner and --writer apply to a register on PostgreSQL; a SQLite register is guarded by its file's permissions")
    if owner == writer:
        raise RegisterSettingError("--owner and --writer must be two roles: the writer must not own the tables it appends to")
    q_owner, q_writer = _role(owner, "owner"), _role(writer, "writer")
    try:
        with register._connect(write=True) as conn, conn.begin():
            existing = set(conn.execute(sa.text("SELECT rolname FROM pg_roles WHERE rolname IN (:a, :b)"), {"a": owner, "b": writer}).scalars())
            for name in (owner, writer):
                if name not in existing:
                    raise RegisterSettingError(f"role '{name}' does not exist on the server; create it first (CREATE ROLE {name} LOGIN …)")
            schema = conn.execute(sa.text("SELECT current_schema()")).scalar_one()
            sequence = conn.execute(sa.text("SELECT pg_get_serial_sequence('determination', 'id')")).scalar_one()
            q_schema = '"' + schema.replace('"', '""') + '"'
            for table in TABLES:
                conn.exec_driver_sql(f"ALTER TABLE {table} OWNER TO {q_owner}")  # owned sequences follow their table
                conn.exec_driver_sql(f"REVOKE ALL ON {table} FROM PUBLIC, {q_writer}")
            conn.exec_driver_sql(f"ALTER FUNCTION crc_register_append_only() OWNER TO {q_owner}")
            conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {q_schema} TO {q_writer}")
            conn.exec_driver_sql(f"GRANT SELECT, INSERT ON determination TO {q_writer}")
            conn.exec_driver_sql(f"GRANT SELECT ON schema_version TO {q_writer}")
            if sequence:
                conn.exec_driver_sql(f"GRANT USAGE ON SEQUENCE {sequence} TO {q_writer}")
    except SQLAlchemyError as exc:
        raise register._fail("set up the roles of", exc) from None
    return [
        f"tables determination and schema_version (schema {schema}) are owned by {owner}",
        f"{writer} may SELECT and INSERT only (no UPDATE, DELETE, TRUNCATE, ALTER or trigger changes); connect the application as {writer}",
    ]


__all__ = ["grant_roles"]
