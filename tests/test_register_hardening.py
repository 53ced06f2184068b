"""The register's configuration, read-only and damaged files, REPLACE on SQLite, owner and writer roles on PostgreSQL (issue 16).

Before: `CRC_DATABASE_URL=mysql://…` or `postgre://…` read as an empty register (exit 0);
`sqlite:///` and `sqlite:///:memory:` said "recorded entry 1" and forgot it; a typo in a SQLite
path started a new register; a read-only register could not be read (every connection set WAL
mode); a damaged file gave `internal error` with the SQL and its parameters; `INSERT OR REPLACE`
rewrote an entry; on PostgreSQL the application's role owned the tables and could disable the
triggers.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from crc_tools.register.store import SCHEMA_VERSION, Register, _migrate_1, _tables
from crc_tools.register.url import RegisterSettingError, check_url

from .conftest import ROOT, run_crc

CASES = ROOT / "data" / "cases"
NID = "THA-ENDOSULFAN-2004"
RECORD = ("register", "record", NID, "--criterion", "(a)", "--status", "met", "--by", "TG1", "--role", "task_group", "--data", CASES)
PG_URL = os.environ.get("CRC_TEST_POSTGRES_URL", "")


@pytest.mark.parametrize(
    "url,message",
    [
        ("mysql://crc@localhost/crc", "register URL mysql://crc@localhost/crc is not one the register can use"),
        ("postgre://crc@localhost/crc", "is not one the register can use (did you mean postgresql+psycopg://?)"),
        ("postgres://crc:s3cret@localhost/crc", "register URL postgres://crc:***@localhost/crc is not one"),
        ("sqlite:///", "register URL sqlite:/// names no file"),
        ("sqlite:///:memory:", "is an in-memory database: what is recorded there is lost"),
        ("sqlite://", "a SQLite file is sqlite:/// followed by its path"),
        ("sqlite:///file:x?mode=memory&cache=shared", "is an in-memory database"),
        ("sqlite:///reg.sqlite?mode=ro", "carries options"),
        ("register.sqlite", "is not one the register can use"),
    ],
)
@pytest.mark.parametrize("command", [("status", "--format", "json"), RECORD, ("register", "history")], ids=["status", "record", "history"])
def test_only_sqlite_files_and_postgresql_are_registers(monkeypatch, tmp_path, url, message, command):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("CRC_DATABASE_URL", url)
    r = run_crc(*command)
    assert r.code == 2 and message in r.err and r.out == "", r.err
    assert "s3cret" not in r.err and "Traceback" not in r.err
    assert list(work.iterdir()) == [], "something was created"


def test_accepted_urls():
    assert check_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert check_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert check_url("sqlite:////srv/crc/register.sqlite") == "sqlite:////srv/crc/register.sqlite"
    with pytest.raises(RegisterSettingError):
        check_url("sqlite:///:memory:")


@pytest.mark.parametrize("command", [("status",), ("score",), ("register", "history"), ("register", "current"), ("register", "export"), RECORD], ids=lambda c: "-".join(map(str, c[:2])))
def test_a_named_sqlite_file_that_does_not_exist_is_a_usage_error(monkeypatch, tmp_path, command):
    typo = tmp_path / "regsiter" / "register.sqlite"
    monkeypatch.setenv("CRC_DATABASE_URL", f"sqlite:///{typo}")
    r = run_crc(*command)
    assert r.code == 2 and f"{typo}: no register there" in r.err and "crc register init" in r.err, r.err
    assert not typo.parent.exists()


def test_crc_register_init_creates_a_register_then_record_works(monkeypatch, tmp_path):
    path = tmp_path / "new" / "register.sqlite"
    monkeypatch.setenv("CRC_DATABASE_URL", f"sqlite:///{path}")
    r = run_crc("register", "init")
    assert r.code == 0 and f"created a new register of determinations at sqlite:///{path}" in r.err
    assert run_crc(*RECORD).code == 0
    r = run_crc("register", "init")
    assert r.code == 0 and "already there and up to date" in r.err
    assert len(Register().entries()) == 1
    r = run_crc("register", "init", "--owner", "a", "--writer", "b")
    assert r.code == 2 and "apply to a register on PostgreSQL" in r.err


def test_reading_never_writes_the_register(tmp_path, monkeypatch):
    """Every connection set WAL mode, a write: reading changed a register's journal mode."""
    assert run_crc(*RECORD).code == 0
    path = Path(os.environ["CRC_DATABASE_URL"][len("sqlite:///"):])
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
    before = path.read_bytes()
    for command in (("register", "history"), ("register", "current"), ("status",), ("register", "export")):
        assert run_crc(*command).code == 0
    assert path.read_bytes() == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def _unshare() -> bool:
    return shutil.which("unshare") is not None and subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _unshare(), reason="needs a mount namespace (unshare -m) to mount a read-only file system")
def test_a_register_on_a_read_only_file_system_is_read(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    url = f"sqlite:///{folder / 'register.sqlite'}"
    with Register(url, create=True) as reg:
        reg.init()
        reg.record(NID, "(a)", "met", recorded_by="TG1", role="task_group")
    exe = Path(sys.executable).parent / "crc"
    env = {**os.environ, "CRC_DATABASE_URL": url}

    def ro(*argv):
        script = f"mount --bind -o ro {folder} {folder} && exec {exe} " + shlex.join(argv)
        return subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, env=env)

    r = ro("register", "history", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert [e["subject_id"] for e in json.loads(r.stdout)] == [NID]
    r = ro("status", "--format", "json")
    assert r.returncode == 0, r.stderr
    r = ro("register", "record", NID, "--criterion", "(b)(i)", "--status", "met", "--by", "TG1", "--role", "task_group")
    assert r.returncode == 1 and f"{folder / 'register.sqlite'}: the register is read-only here" in r.stderr and "internal error" not in r.stderr


def _damage(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.seek(4096)  # every page but the first (the schema): the entries
        fh.write(b"\xde\xad\xbe\xef" * ((size - 4096) // 4))


def test_a_damaged_register_is_named_with_integrity_checks_answer_never_the_sql(monkeypatch):
    secret = "the justification nobody may see in an error"
    for i in range(30):
        assert run_crc("register", "record", NID, "--criterion", "(b)(i)", "--status", "not_met", "--justification", f"{secret} {i} " + "x" * 500, "--by", "TG1", "--role", "task_group", "--data", CASES).code == 0
    path = Path(os.environ["CRC_DATABASE_URL"][len("sqlite:///"):])
    _damage(path)
    for command in (("register", "history"), ("status",), ("register", "record", NID, "--criterion", "(a)", "--status", "not_met", "--justification", secret, "--by", "TG1", "--role", "task_group", "--data", CASES)):
        r = run_crc(*command)
        assert r.code == 1 and "internal error" not in r.err, r.err
        assert any(line.startswith(f"{path}: the register is damaged") for line in r.err.splitlines()) and "PRAGMA integrity_check says:" in r.err, r.err
        assert secret not in r.err and "SELECT" not in r.err and "INSERT" not in r.err and "[parameters" not in r.err


def _raw(path: Path, sql: str, params=()):
    with sqlite3.connect(path) as conn:
        conn.execute(sql, params)


def test_insert_or_replace_cannot_rewrite_an_entry_on_sqlite(register_path):
    path, first = register_path
    row = dict(id=first.entry_id, uid=str(uuid.uuid4()), subject_kind="notification", subject_id=NID, category="", criterion="(a)", status="not_met",
               justification="rewritten", refs="", recorded_by="x", role="committee", recorded_at="2020-01-01 00:00:00", entered_at="2020-01-01 00:00:00",
               supersedes=None, document_version="", document_hash="", origin="")
    cols = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    values = list(row.values())
    attempts = [
        (f"INSERT OR REPLACE INTO determination ({cols}) VALUES ({marks})", values),
        (f"REPLACE INTO determination ({cols}) VALUES ({marks})", values),
        (f"INSERT INTO determination ({cols}) VALUES ({marks}) ON CONFLICT(id) DO UPDATE SET status = 'not_met'", values),
        (f"INSERT OR REPLACE INTO determination ({cols}) VALUES ({marks})", [None, first.uid, *values[2:]]),  # a new id, the first entry's uid
        ("INSERT OR REPLACE INTO schema_version (version, description, applied_at) VALUES (1, 'gone', '2020-01-01')", []),
        ("UPDATE OR REPLACE determination SET status = 'not_met'", []),
    ]
    for sql, params in attempts:
        with pytest.raises(sqlite3.IntegrityError):
            _raw(path, sql, params)
    (entry,) = Register().entries()
    assert (entry.status, entry.uid, entry.justification) == ("met", first.uid, "")
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version, description FROM schema_version ORDER BY version").fetchall()[0][1] == "determination log, append-only triggers"


@pytest.fixture
def register_path():
    reg = Register()
    entry = reg.record(NID, "(a)", "met", recorded_by="TG1", role="task_group")
    reg.close()
    return Path(os.environ["CRC_DATABASE_URL"][len("sqlite:///"):]), entry


def test_a_version_1_register_is_brought_up_to_date_by_its_next_write(tmp_path):
    path = tmp_path / "v1.sqlite"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        _migrate_1(conn)
        conn.execute(sa.insert(_tables().tables["schema_version"]).values(version=1, description="v1", applied_at=sa.func.current_timestamp()))
    engine.dispose()
    reg = Register(f"sqlite:///{path}")
    assert reg.history().empty and reg.schema_version() == 1, "reading migrated the register"
    first = reg.record(NID, "(a)", "met", recorded_by="TG1", role="task_group")
    reg.close()
    assert Register(f"sqlite:///{path}").schema_version() == SCHEMA_VERSION
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        _raw(path, "INSERT OR REPLACE INTO determination (id, uid, subject_kind, subject_id, category, criterion, status, justification, refs, recorded_by, role, recorded_at, entered_at, document_version, document_hash, origin) "
             "VALUES (?, 'u', 'notification', 'x', '', '(a)', 'met', '', '', 'x', 'committee', '2020-01-01', '2020-01-01', '', '', '')", [first.entry_id])


# --------------------------------------------------------------------------- PostgreSQL: owner and writer roles


@pytest.fixture
def pg_roles():
    if not PG_URL:
        pytest.skip("CRC_TEST_POSTGRES_URL is not set: no PostgreSQL server to run the register tests against (.ci/run starts one on localhost)")
    admin_url = sa.engine.make_url(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    prefix = (admin_url.database or "crc").lower()[:20]
    tag = uuid.uuid4().hex[:8]
    schema, owner, writer = f"{prefix}_roles_{tag}", f"{prefix}_owner_{tag}", f"{prefix}_writer_{tag}"
    admin = sa.create_engine(admin_url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        conn.exec_driver_sql(f"CREATE ROLE {owner} NOLOGIN")
        conn.exec_driver_sql(f"CREATE ROLE {writer} LOGIN")
    options = {"options": f"-csearch_path={schema}"}
    admin_schema = admin_url.update_query_dict(options).render_as_string(hide_password=False)
    writer_url = admin_url.set(username=writer, password=None).update_query_dict(options).render_as_string(hide_password=False)
    try:
        yield admin_schema, writer_url, owner, writer, schema
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
            for role in (owner, writer):
                conn.exec_driver_sql(f"DROP OWNED BY {role}")
                conn.exec_driver_sql(f"DROP ROLE {role}")
        admin.dispose()


@pytest.mark.postgres
def test_postgresql_owner_and_writer_roles_keep_the_log_append_only_against_the_application(pg_roles, monkeypatch):
    admin_url, writer_url, owner, writer, schema = pg_roles
    r = run_crc("register", "init", "--url", admin_url, "--owner", owner, "--writer", writer)
    assert r.code == 0, r.err
    assert f"owned by {owner}" in r.err and f"{writer} may SELECT and INSERT only" in r.err
    monkeypatch.setenv("CRC_DATABASE_URL", writer_url)
    assert run_crc(*RECORD).code == 0  # the application, as the writer, records and reads
    assert [e["subject_id"] for e in run_crc("register", "history", "--format", "json").json()] == [NID]
    engine = sa.create_engine(writer_url)
    try:
        for sql in (
            "UPDATE determination SET status = 'not_met'",
            "DELETE FROM determination",
            "TRUNCATE determination",
            "ALTER TABLE determination DISABLE TRIGGER ALL",
            "ALTER TABLE determination DISABLE TRIGGER determination_append_only",
            "DROP TRIGGER determination_append_only ON determination",
            "DROP TABLE determination",
            "INSERT INTO schema_version (version, description, applied_at) VALUES (99, 'x', now())",
            f"SET ROLE {owner}",
        ):
            with pytest.raises(sa.exc.ProgrammingError, match="permission denied|must be owner|must be the owner|must be able to SET ROLE"):
                with engine.begin() as conn:
                    conn.exec_driver_sql(sql)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT tableowner FROM pg_tables WHERE tablename = 'determination' AND schemaname = current_schema()").scalar_one() == owner
            assert conn.exec_driver_sql("SELECT count(*) FROM determination WHERE status = 'met'").scalar_one() == 1
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_init_names_a_missing_role(pg_roles):
    admin_url, _, owner, _, _ = pg_roles
    r = run_crc("register", "init", "--url", admin_url, "--owner", owner, "--writer", "i16_nobody_there")
    assert r.code == 2 and "role 'i16_nobody_there' does not exist" in r.err
    r = run_crc("register", "init", "--url", admin_url, "--owner", owner, "--writer", owner)
    assert r.code == 2 and "must be two roles" in r.err


# --------------------------------------------------------------------------- import


@pytest.mark.parametrize("suffix", ["csv", "json"])
def test_import_reports_each_impossible_date_and_imports_the_good_rows(tmp_path, suffix):
    """A row with recorded_at 0001-01-01 (with a time zone) ended in `internal error: OverflowError`, and no row was imported."""
    bad = ["0001-01-01", "9999-12-31", "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "2101-01-01", "1899-12-31T23:00:00-02:00"]
    rows = [{"subject_id": NID, "criterion": "(a)", "status": "met", "recorded_by": "TG1", "role": "task_group", "recorded_at": when} for when in bad]
    rows.insert(3, {"subject_id": NID, "criterion": "(b)(i)", "status": "met", "recorded_by": "TG1", "role": "task_group", "recorded_at": "2020-01-01"})
    rows.append({"subject_id": NID, "criterion": "(b)(ii)", "status": "met", "recorded_by": "TG1", "role": "task_group", "recorded_at": "1999-05-01T10:00:00+02:00"})
    path = tmp_path / f"dates.{suffix}"
    if suffix == "json":
        path.write_text(json.dumps(rows), encoding="utf-8")
    else:
        import csv

        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
    r = run_crc("register", "import", path, "--data", CASES, "--format", "json")
    assert r.code == 1 and "internal error" not in r.err, r.err
    assert sorted(e["criterion"] for e in r.json()) == ["(b)(i)", "(b)(ii)"]
    first = 2 if suffix == "csv" else 1  # a CSV row number counts the header
    for i, when in enumerate(bad):
        row = first + i + (1 if i >= 3 else 0)
        assert f"{path}:{row}: recorded_at: '{when}' is outside the years 1900-2100 accepted" in r.err, r.err
