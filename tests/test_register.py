"""The register of determinations, on SQLite and (when CRC_TEST_POSTGRES_URL is set) on PostgreSQL.

Every test that takes the ``register`` fixture runs once per database. The
PostgreSQL runs use a fresh schema per test on the server named by
CRC_TEST_POSTGRES_URL (``.ci/run`` starts one on localhost) and are skipped, with the
reason, when the variable is unset.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from crc_tools import Register, all_determinations
from crc_tools.register.store import (
    EXPORT_COLUMNS,
    SCHEMA_VERSION,
    RefusedEntry,
    RegisterError,
    _normalize_url,
    _tables,
    export_text,
    import_file,
)

from .conftest import ROOT, run_crc, write_bulk

WORKER = Path(__file__).with_name("register_worker.py")
PG_URL = os.environ.get("CRC_TEST_POSTGRES_URL", "")
PG_SKIP = "CRC_TEST_POSTGRES_URL is not set: no PostgreSQL server to run the register tests against (.ci/run starts one on localhost)"


def _pg_schema_url(base: str, schema: str) -> str:
    url = sa.engine.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def register_url(request, tmp_path, monkeypatch):
    """The URL of an empty register (SQLite file, or a fresh PostgreSQL schema); also set as CRC_DATABASE_URL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'register' / 'register.sqlite'}"
        monkeypatch.setenv("CRC_DATABASE_URL", url)
        Register(url, create=True).init()
        yield url
        return
    if not PG_URL:
        pytest.skip(PG_SKIP)
    schema = "crc_test_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(_normalize_url(PG_URL))
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = _pg_schema_url(admin.url.render_as_string(hide_password=False), schema)
    monkeypatch.setenv("CRC_DATABASE_URL", url)
    with Register(url, create=True) as reg:
        reg.init()
    try:
        yield url
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture
def register(register_url):
    reg = Register(register_url)
    yield reg
    reg.close()


def _count(reg: Register) -> int:
    with reg._open().connect() as conn:
        return int(conn.exec_driver_sql("SELECT COUNT(*) FROM determination").scalar_one())


TG = dict(recorded_by="TG1 (coordinator A. Expert)", role="task_group")


# --------------------------------------------------------------------------- recording and reading


def test_record_and_read_back(register):
    e = register.record(
        "NLD-1", "b iii", "not met", justification="A hazard evaluation only.", references=["CTB evaluation, p. 4", "Notification §2.4.2"],
        category="Pesticide", document_version="UNEP/FAO/RC/CRC.2/9", document_hash="sha256:abc", **TG,
    )
    assert (e.entry_id, e.subject_kind, e.subject_id, e.criterion, e.status, e.category) == (1, "notification", "NLD-1", "(b)(iii)", "not_met", "pesticide")
    assert e.references == ("CTB evaluation, p. 4", "Notification §2.4.2")
    (stored,) = register.entries()
    assert stored == e
    assert (stored.document_version, stored.document_hash, stored.supersedes) == ("UNEP/FAO/RC/CRC.2/9", "sha256:abc", None)
    assert abs(stored.recorded_at - dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)) < dt.timedelta(minutes=1)
    assert register.schema_version() == SCHEMA_VERSION


def test_current_is_shaped_like_intake_determinations(register):
    from crc_tools.intake.reader import empty_determinations

    register.record("N1", "(a)", "met", **TG)
    register.record("P1", "(e)", "met", subject_kind="shpf_proposal", **TG)
    cur = register.current()
    assert list(cur.columns[: len(empty_determinations().columns)]) == list(empty_determinations().columns)
    assert {"entry_id", "source", "determination_source"} <= set(cur.columns)
    row = cur[cur["subject_id"] == "N1"].iloc[0]
    assert (row["notification_id"], row["source"], row["determination_source"]) == ("N1", "register", f"register entry {row['entry_id']}")
    prop = register.current("shpf_proposal")
    assert list(prop["proposal_id"]) == ["P1"] and prop["notification_id"].isna().all()


def test_shpf_proposals_take_annex_iv_part3_criteria(register):
    assert register.record("P1", "e", "met", subject_kind="shpf_proposal", **TG).criterion == "(e)"
    with pytest.raises(RefusedEntry) as err:
        register.record("P1", "(b)(iii)", "met", subject_kind="proposal", **TG)
    assert str(err.value) == "register: criterion: '(b)(iii)' is not a criterion of Annex IV Part 3 ((a), (b), (c), (d), (e), or 'overall')"


REFUSALS = [
    pytest.param(dict(subject_id="N9", known_subjects={"N1", "N2"}), "subject_id", "notification 'N9' does not exist in the loaded data (2 notification(s) read); check the id or the data given", id="unknown notification"),
    pytest.param(dict(subject_id="P9", subject_kind="shpf_proposal", criterion="(a)", known_subjects={"P1"}), "subject_id", "SHPF proposal 'P9' does not exist in the loaded data (1 SHPF proposal(s) read); check the id or the data given", id="unknown proposal"),
    pytest.param(dict(criterion="(e)"), "criterion", "'(e)' is not a criterion of Annex II ((a), (b)(i), (b)(ii), (b)(iii), (c)(i), (c)(ii), (c)(iii), (c)(iv), (d), or 'overall')", id="criterion not in Annex II"),
    pytest.param(dict(criterion="(c)(v)"), "criterion", "'(c)(v)' is not a criterion of Annex II ((a), (b)(i), (b)(ii), (b)(iii), (c)(i), (c)(ii), (c)(iii), (c)(iv), (d), or 'overall')", id="invented criterion"),
    pytest.param(dict(status="not_met", justification="  "), "justification", "a 'not_met' determination needs a justification", id="not met without justification"),
    pytest.param(dict(status="insufficient_information"), "justification", "a 'insufficient_information' determination needs a justification", id="insufficient information without justification"),
    pytest.param(dict(status="probably"), "status", "'probably' is not a status (met, not_met, insufficient_information)", id="unknown status"),
    pytest.param(dict(role="bureau"), "role", "'bureau' is not a role (task_group, contact_group, committee)", id="unknown role"),
    pytest.param(dict(role="secretariat"), "role", "the Secretariat verifies Annex I / Annex IV Part 1 completeness (Articles 5.3, 6.2", id="the Secretariat records no criterion"),
    pytest.param(dict(role="Secretariat", criterion="overall"), "role", "the Secretariat verifies Annex I / Annex IV Part 1 completeness", id="nor an overall conclusion"),
    pytest.param(dict(recorded_by=""), "recorded_by", "who recorded the determination is required (a name, a task group, 'CRC-20' …)", id="nobody recorded it"),
    pytest.param(dict(subject_kind="chemical"), "subject_kind", "'chemical' is not a kind of subject (notification, shpf_proposal)", id="unknown subject kind"),
    pytest.param(dict(category="fungicide"), "category", "'fungicide' is not a category (pesticide, industrial, or empty for every category)", id="unknown category"),
    pytest.param(dict(recorded_at="2099-01-01"), "recorded_at", "2099-01-01T00:00:00.000000Z is in the future", id="recorded in the future"),
    pytest.param(dict(recorded_at="2999-01-01"), "recorded_at", "'2999-01-01' is outside the years 1900-2100 accepted", id="recorded past 2100"),
    pytest.param(dict(supersedes=42), "supersedes", "entry 42 does not exist in the register", id="supersedes a missing entry"),
]


@pytest.mark.parametrize("change,field,message", REFUSALS)
def test_refusals(register, change, field, message):
    register.record("N1", "(a)", "met", **TG)
    args = dict(subject_id="N1", criterion="(a)", status="met", recorded_by="CRC-20", role="committee", justification="")
    args.update(change)
    with pytest.raises(RefusedEntry) as err:
        register.record(args.pop("subject_id"), args.pop("criterion"), args.pop("status"), **args)
    (got_field, got_message), *_ = err.value.problems
    assert got_field == field and got_message.startswith(message)
    assert _count(register) == 1, "a refused determination was written"


def test_known_subjects_can_be_an_intake(register, tmp_path):
    from crc_tools.intake.reader import load

    intake = load([write_bulk(tmp_path / "b.csv", [{"notification_id": "N1", "chemical": "X", "category": "industrial", "notifying_party": "Canada"}])])
    assert register.record("N1", "(a)", "met", known_subjects=intake, **TG).entry_id == 1
    with pytest.raises(RefusedEntry, match="notification 'N2' does not exist in the loaded data"):
        register.record("N2", "(a)", "met", known_subjects=intake, **TG)


def test_an_entry_is_superseded_once(register):
    a = register.record("N1", "(a)", "met", **TG)
    b = register.record("N1", "(a)", "not_met", justification="correction", supersedes=a.entry_id, **TG)
    with pytest.raises(RefusedEntry) as err:
        register.record("N1", "(a)", "met", supersedes=a.entry_id, **TG)
    assert str(err.value) == f"register: supersedes: entry {a.entry_id} was already superseded by entry {b.entry_id}; supersede entry {b.entry_id} instead"
    assert register.record("N1", "(a)", "met", supersedes=b.entry_id, **TG).supersedes_uid == b.uid


def test_history_shows_every_superseded_entry(register):
    a = register.record("N1", "(c)(iv)", "insufficient_information", justification="no trade data yet", **TG)
    b = register.record("N1", "(c)(iv)", "met", justification="export statistics 2019", supersedes=a.entry_id, **TG)
    c = register.record("N1", "(c)(iv)", "met", justification="export statistics 2019-2021", supersedes=b.entry_id, **TG)
    later1 = register.record("N1", "(a)", "met", **TG)
    later2 = register.record("N1", "(a)", "not_met", justification="economic reasons only", **TG)
    committee = register.record("N1", "(a)", "met", recorded_by="CRC-20", role="committee")
    other = register.record("N2", "(a)", "met", **TG)
    h = register.history("N1")
    assert list(h["entry_id"]) == [a.entry_id, b.entry_id, c.entry_id, later1.entry_id, later2.entry_id, committee.entry_id]
    by = {int(r.entry_id): r for r in h.itertuples()}
    assert (by[a.entry_id].superseded_by, by[a.entry_id].superseded_how, by[a.entry_id].current) == (b.entry_id, "correction", False)
    assert (by[b.entry_id].superseded_by, by[b.entry_id].superseded_how, by[b.entry_id].current) == (c.entry_id, "correction", False)
    assert (by[later1.entry_id].superseded_by, by[later1.entry_id].superseded_how) == (later2.entry_id, "later entry")
    assert by[c.entry_id].current and by[later2.entry_id].current and by[committee.entry_id].current
    assert pd.isna(by[c.entry_id].superseded_by) and by[c.entry_id].superseded_how == ""
    assert len(register.history()) == 7 and list(register.history("N2")["entry_id"]) == [other.entry_id]


def test_current_view_is_latest_per_role(register):
    old = register.record("N1", "(d)", "not_met", justification="misuse", recorded_at="2024-05-01", **TG)
    new = register.record("N1", "(d)", "met", recorded_at="2024-09-10T09:00:00+02:00", **TG)
    imported_late = register.record("N1", "(d)", "not_met", justification="older draft, imported late", recorded_at="2024-06-01", **TG)
    cg = register.record("N1", "(d)", "met", recorded_by="Contact group 2", role="contact_group")
    cat = register.record("N1", "(d)", "not_met", justification="industrial uses only", category="industrial", **TG)
    cur = register.current()
    got = {(r.category, r.role): int(r.entry_id) for r in cur.itertuples()}
    assert got == {("", "task_group"): new.entry_id, ("", "contact_group"): cg.entry_id, ("industrial", "task_group"): cat.entry_id}
    assert old.entry_id not in got.values() and imported_late.entry_id not in got.values()
    assert cur.loc[cur["entry_id"] == new.entry_id, "recorded_at"].iloc[0] == pd.Timestamp("2024-09-10 07:00:00")


CORRECTIONS_REFUSED = [
    pytest.param(dict(subject_id="N2"), "subject N1 there, N2 here", id="another notification"),
    pytest.param(dict(criterion="(b)(i)"), "criterion (a) there, (b)(i) here", id="another criterion"),
    pytest.param(dict(category="pesticide"), "category every category there, pesticide here", id="another category"),
    pytest.param(dict(role="committee", recorded_by="CRC-20"), "role precedence is not a correction", id="another role"),
    pytest.param(dict(subject_kind="shpf_proposal"), "kind of subject notification there, shpf_proposal here", id="another kind of subject"),
]


@pytest.mark.parametrize("change,reason", CORRECTIONS_REFUSED)
def test_a_correction_stays_on_its_subject_criterion_category_and_role(register, change, reason):
    """A correction names an entry on the same subject, criterion, category and role; the entry it names stays current."""
    wrong = register.record("N1", "(a)", "met", **TG)
    values = {"subject_id": "N1", "criterion": "(a)", "status": "met", "justification": "correction", **TG, **change}
    with pytest.raises(RefusedEntry) as err:
        register.record(values.pop("subject_id"), values.pop("criterion"), values.pop("status"), supersedes=wrong.entry_id, **values)
    assert err.value.problems[0][0] == "supersedes" and reason in err.value.problems[0][1], err.value.problems
    assert f"entry {wrong.entry_id} cannot be superseded by this entry" in str(err.value)
    assert list(register.current()["entry_id"]) == [wrong.entry_id] and len(register.entries()) == 1


def test_a_correction_recorded_across_subjects_by_an_older_version_hides_nothing(register):
    """An old register may hold a correction on another subject: the entry it named stays in the current view."""
    import sqlalchemy as sa

    from crc_tools.register.store import _tables

    kept = register.record("N1", "(a)", "met", **TG)
    t = _tables().tables["determination"]
    when = pd.Timestamp("2024-01-01").to_pydatetime()
    with register._connect(write=True) as conn, conn.begin():  # as an older version wrote it
        conn.execute(sa.insert(t).values(
            uid="00000000-0000-4000-8000-000000000001", subject_kind="notification", subject_id="N2", category="", criterion="(a)", status="met",
            justification="moved", refs="", recorded_by="TG1", role="task_group", recorded_at=when, entered_at=when, supersedes=kept.entry_id,
            document_version="", document_hash="", origin="",
        ))
    cur = register.current()
    assert set(cur["subject_id"]) == {"N1", "N2"} and kept.entry_id in set(cur["entry_id"])


def test_two_committee_entries_of_one_date_that_disagree_both_stay_current(register):
    a = register.record("N1", "(b)(iii)", "met", recorded_by="CRC-20", role="committee", recorded_at="2024-10-01T10:00:00")
    b = register.record("N1", "(b)(iii)", "not_met", justification="hazard only", recorded_by="CRC-20", role="committee", recorded_at="2024-10-01T16:00:00")
    assert set(register.current()["entry_id"]) == {a.entry_id, b.entry_id}
    c = register.record("N1", "(b)(iii)", "not_met", justification="settled in plenary", recorded_by="CRC-20", role="committee", supersedes=a.entry_id, recorded_at="2024-10-01T17:00:00")
    assert set(register.current()["entry_id"]) == {c.entry_id}  # the correction settles it; b, of the same status, is an earlier entry
    # A task group's entries of one date are proposals: the latest is shown, no conflict is kept.
    register.record("N1", "(a)", "met", recorded_at="2024-10-01T10:00:00", **TG)
    d = register.record("N1", "(a)", "not_met", justification="economic reasons", recorded_at="2024-10-01T11:00:00", **TG)
    assert set(register.current()["entry_id"]) == {c.entry_id, d.entry_id}


def test_the_assessment_shows_proposals_apart_from_the_committees_conclusion(register, tmp_path):
    from crc_tools.intake.reader import load
    from crc_tools.notifications.criteria import assess

    intake = load([write_bulk(tmp_path / "b.csv", [{"notification_id": "N1", "chemical": "X", "category": "industrial", "notifying_party": "Canada"}])])
    tg = register.record("N1", "(a)", "not_met", justification="TG draft", recorded_at="2024-09-12", **TG)
    register.record("N1", "(a)", "met", justification="contact group", recorded_by="CG", role="contact_group", recorded_at="2024-09-11")
    rows = assess(intake.notifications, all_determinations(intake, register))
    row = rows[rows["criterion"] == "(a)"].iloc[0]
    assert row["status"] == "" and (row["proposal_status"], row["proposed_by"], row["proposal_source"]) == ("not_met", "task group (TG1 (coordinator A. Expert))", f"register entry {tg.entry_id}")
    com = register.record("N1", "(a)", "met", recorded_by="CRC-20", role="committee", recorded_at="2024-09-10")
    rows = assess(intake.notifications, all_determinations(intake, register))
    row = rows[rows["criterion"] == "(a)"].iloc[0]
    assert (row["status"], row["role"], row["determination_source"]) == ("met", "committee", f"register entry {com.entry_id}")
    assert row["proposal_status"] == "not_met"  # still shown: role precedence hides nothing


# --------------------------------------------------------------------------- append-only


def test_the_database_refuses_updates_and_deletes(register, register_url):
    register.record("N1", "(a)", "met", **TG)
    statements = ["UPDATE determination SET status = 'not_met'", "DELETE FROM determination", "UPDATE schema_version SET version = 0", "DELETE FROM schema_version"]
    if register_url.startswith("postgresql"):
        statements += ["TRUNCATE determination", "TRUNCATE schema_version"]
    engine = register._open()
    for sql in statements:
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with engine.begin() as conn:
                conn.exec_driver_sql(sql)
    (entry,) = register.entries()
    assert entry.status == "met" and register.schema_version() == SCHEMA_VERSION


def test_no_operation_of_the_register_changes_or_deletes_a_row(register, tmp_path):
    """Every statement the register sends, through every operation, only reads or appends."""
    statements: list[str] = []
    for engine in {register._engine(True), register._engine(False)}:  # the writer's and the reader's
        sa.event.listen(engine, "before_cursor_execute", lambda conn, cursor, statement, *a: statements.append(statement))
    a, b, _ = _seed(register)
    register.current(), register.history(), register.history("N1"), register.entries()
    path = tmp_path / "x.json"
    path.write_text(export_text(register, "json"), encoding="utf-8")
    import_file(register, path)
    path = tmp_path / "x.csv"
    path.write_text(export_text(register, "csv"), encoding="utf-8")
    import_file(register, path)
    with pytest.raises(RefusedEntry):
        register.record("N1", "(a)", "met", supersedes=a.entry_id, **TG)
    assert len(statements) > 10
    for statement in statements:
        verb = statement.lstrip().split(None, 1)[0].upper()
        assert verb in ("SELECT", "INSERT", "CREATE", "BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "PRAGMA", "SHOW", "COMMIT"), statement


def test_schema_matches_the_declared_tables_after_migration(register):
    register.record("N1", "(a)", "met", **TG)
    insp = sa.inspect(register._open())
    for name, table in _tables().tables.items():
        assert {c["name"] for c in insp.get_columns(name)} == {c.name for c in table.columns}, name
    with register._open().connect() as conn:
        rows = conn.exec_driver_sql("SELECT version, description FROM schema_version ORDER BY version").all()
    assert [r[0] for r in rows] == list(range(1, SCHEMA_VERSION + 1))


def test_a_newer_schema_is_refused(register, register_url):
    register.record("N1", "(a)", "met", **TG)
    with register._open().begin() as conn:
        conn.execute(sa.insert(_tables().tables["schema_version"]).values(version=99, description="from the future", applied_at=dt.datetime(2030, 1, 1)))
    with pytest.raises(RegisterError, match="schema version 99, newer than this version of crc-tools knows"):
        Register(register_url).history()


# --------------------------------------------------------------------------- processes


def _worker(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(WORKER), *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)


@pytest.mark.slow
def test_two_processes_recording_concurrently_lose_nothing(register, register_url, tmp_path):
    n = 200
    start = tmp_path / "start"
    workers = [_worker(register_url, "record", n, tag, start) for tag in ("TG-A", "TG-B")]
    for w in workers:  # both have opened the register and wait at the start line
        assert w.stdout.readline().strip() == "ready", w.stderr.read()
    start.touch()
    acknowledged: list[tuple[int, str]] = []
    for w in workers:
        out, err = w.communicate(timeout=600)
        assert w.returncode == 0, err
        acknowledged += [(int(a), b) for a, b in (line.split() for line in out.splitlines())]
    assert len(acknowledged) == 2 * n
    entries = register.entries()
    assert len(entries) == 2 * n
    assert {(e.entry_id, e.uid) for e in entries} == set(acknowledged)
    by_tag = {tag: sorted(int(e.justification.split()[-1]) for e in entries if e.recorded_by == tag) for tag in ("TG-A", "TG-B")}
    assert by_tag == {"TG-A": list(range(n)), "TG-B": list(range(n))}
    ids = [e.entry_id for e in entries]
    interleaved = sum(1 for a, b in zip(entries, entries[1:], strict=False) if a.recorded_by != b.recorded_by)
    assert interleaved > 1, "the two workers did not actually write at the same time"
    assert len(set(ids)) == len(ids)


@pytest.mark.slow
def test_a_process_killed_inside_a_write_leaves_no_half_written_entry(register, register_url):
    target = register.record("N1", "(a)", "met", **TG)
    w = _worker(register_url, "hold", target.entry_id)
    line = w.stdout.readline()
    assert line.startswith("inserted"), w.stderr.read()
    held_uid = line.split()[1]
    os.kill(w.pid, signal.SIGKILL)
    w.wait(timeout=60)
    after = Register(register_url)
    try:
        entries = after.entries()
        assert [e.entry_id for e in entries] == [target.entry_id] and held_uid not in {e.uid for e in entries}
        # The killed writer's lock is gone and its correction never happened: supersede the same entry now.
        fix = after.record("N1", "(a)", "not_met", justification="the real correction", supersedes=target.entry_id, **TG)
        assert [e.entry_id for e in after.entries()] == [target.entry_id, fix.entry_id]
        if register_url.startswith("sqlite"):
            with after._open().connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
    finally:
        after.close()


@pytest.mark.slow
def test_a_process_killed_at_a_random_moment_loses_no_acknowledged_entry(register, register_url):
    register.schema_version()
    rng = random.Random(20240910)
    for _ in range(3):
        before = len(register.entries())
        w = _worker(register_url, "record", 100_000, "KILLED")
        acknowledged = [w.stdout.readline()]  # the first commit, so that the kill lands among the writes
        time.sleep(rng.uniform(0.05, 0.4))
        os.kill(w.pid, signal.SIGKILL)
        w.wait(timeout=60)
        acknowledged += w.stdout.read().splitlines()
        acked = {int(line.split()[0]) for line in acknowledged if line.strip()}
        after = Register(register_url)
        try:
            entries = after.entries()
        finally:
            after.close()
        ids = {e.entry_id for e in entries}
        assert acked <= ids, "an entry the writer saw committed is missing"
        assert len(entries) - before - len(acked) in (0, 1), "more entries than the writer committed"
        for e in entries:  # every stored entry is whole
            assert e.uid and e.subject_id.startswith("KILLED-") and e.criterion == "(b)(iii)" and e.status == "not_met"
            assert e.justification.startswith("KILLED entry ") and e.references == (f"ref {e.justification.split()[-1]}",)


# --------------------------------------------------------------------------- integration with the assessment


CANADA = {"notification_id": "CAN-1", "chemical": "Chem-X", "category": "industrial", "notifying_party": "Canada", "annex_i_verified": "true"}
JAPAN = {**CANADA, "notification_id": "JPN-1", "notifying_party": "Japan"}
ANNEX_II = ["(a)", "(b)(i)", "(b)(ii)", "(b)(iii)", "(c)(i)", "(c)(ii)", "(c)(iii)", "(c)(iv)", "(d)"]


def test_status_and_score_read_the_register_and_name_the_source(register, tmp_path):
    path = write_bulk(tmp_path / "b.csv", [CANADA, JAPAN], list(CANADA))
    before = run_crc("status", path, "--format", "json").json()[0]
    assert before["regions_meeting_criteria"] == [] and before["recommend_listing"] is False
    # A contact group's entries are proposals: shown, never counted (Article 5.6).
    for nid in ("CAN-1", "JPN-1"):
        for crit in ANNEX_II:
            register.record(nid, crit, "met", justification="contact group", recorded_by="CG1", role="contact_group")
    (row,) = run_crc("status", path, "--format", "json").json()
    assert row["regions_meeting_criteria"] == [] and row["recommend_listing"] is False
    assert "CAN-1: contact group proposes: met (register entries 1, 2, 3, 4, 5, 6, 7, 8, 9)" in row["basis"]
    assert "CAN-1: committee: no conclusion yet; contact group proposes: met (register entries 1, 2, 3, 4, 5, 6, 7, 8, 9)" in row["conclusions"]
    score = {o["notification_id"]: o for o in run_crc("score", path, "--format", "json").json()}
    assert (score["CAN-1"]["annex_ii_status"], score["CAN-1"]["committee_conclusion"]) == ("pending", "")
    assert score["CAN-1"]["latest_proposal"] == "contact group proposes: met (register entries 1, 2, 3, 4, 5, 6, 7, 8, 9)"
    assert [c["proposal_source"] for c in score["JPN-1"]["criteria"]] == [f"register entry {i}" for i in range(10, 19)]
    # The committee's conclusions count, and name their source.
    for nid in ("CAN-1", "JPN-1"):
        for crit in ANNEX_II:
            register.record(nid, crit, "met", recorded_by="CRC-20", role="committee")
    (row,) = run_crc("status", path, "--format", "json").json()
    assert row["regions_meeting_criteria"] == ["Asia", "North America"] and row["recommend_listing"] is True
    assert "Annex II conclusions from the register of determinations: CAN-1 met (register entries 19, 20, 21" in row["basis"]
    score = {o["notification_id"]: o for o in run_crc("score", path, "--format", "json").json()}
    assert score["CAN-1"]["annex_ii_status"] == "met" and score["CAN-1"]["annex_ii_source"] == "register entries 19, 20, 21, 22, 23, 24, 25, 26, 27"
    assert score["CAN-1"]["committee_conclusion"] == "met (register entries 19, 20, 21, 22, 23, 24, 25, 26, 27)" and score["CAN-1"]["proposal_disagrees"] is False
    # An overall not met beside every criterion met is the committee's own conflict: stated, not counted.
    over = register.record("JPN-1", "overall", "not_met", justification="(b)(iii) not met after all", recorded_by="CRC-20", role="committee")
    (row,) = run_crc("status", path, "--format", "json").json()
    assert row["regions_meeting_criteria"] == ["North America"] and row["recommend_listing"] is False
    assert row["missing"].startswith("the committee's entries on JPN-1 conflict: a new committee entry that supersedes one")
    score = {o["notification_id"]: o for o in run_crc("score", path, "--format", "json").json()}
    assert (score["JPN-1"]["annex_ii_status"], score["JPN-1"]["annex_ii_conflict"]) == ("conflict", True)
    assert f"register entry {over.entry_id} (overall: not met" in score["JPN-1"]["conflict_entries"] and "supersedes one of them" in score["JPN-1"]["conflict_entries"]
    assert "Conflict: the committee's overall conclusion register entry 37 (overall: not met" in run_crc("score", path).out
    # Settled by a committee correction of (b)(iii): not met, and the contact group's proposal disagrees.
    register.record("JPN-1", "(b)(iii)", "not_met", justification="hazard evaluation only", recorded_by="CRC-20", role="committee", supersedes=31)
    score = {o["notification_id"]: o for o in run_crc("score", path, "--format", "json").json()}
    assert (score["JPN-1"]["annex_ii_status"], score["JPN-1"]["annex_ii_source"], score["JPN-1"]["proposal_disagrees"]) == ("not_met", "register entry 37", True)
    assert "source: register entry 37" in run_crc("score", path).out


def test_all_determinations_joins_case_files_and_register(register):
    from crc_tools.intake.reader import load

    intake = load()
    nid = intake.notifications["notification_id"].iloc[0]
    e = register.record(nid, "(c)(iv)", "met", justification="trade data", recorded_by="CRC-2", role="committee")
    register.record("NOT-LOADED", "(a)", "met", **TG)
    det = all_determinations(intake, register)
    assert set(det["source"]) == {"case_file", "register"}
    reg_rows = det[det["source"] == "register"]
    assert list(reg_rows["determination_source"]) == [f"register entry {e.entry_id}"] and list(reg_rows["notification_id"]) == [nid]
    case_rows = det[det["source"] == "case_file"]
    assert (case_rows["determination_source"] == case_rows["source_file"]).all() and case_rows["source_file"].str.endswith(".yaml").all()


# --------------------------------------------------------------------------- import and export


def _seed(register) -> list:
    a = register.record("N1", "(a)", "met", references=["=cmd|' /C calc'!A0", "Notification §2.4"], **TG)
    b = register.record("N1", "(a)", "not_met", justification="-only economic reasons", supersedes=a.entry_id, **TG)
    c = register.record("N2", "(c)(iv)", "insufficient_information", justification="@SUM(1+1) trade data requested", category="industrial", document_hash="sha256:00", **TG)
    return [a, b, c]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_then_import_reproduces_the_register(register, register_url, tmp_path, fmt):
    seeded = _seed(register)
    text = export_text(register, fmt)
    if fmt == "csv":
        assert "'=cmd" in text and "'-only economic" in text and "'@SUM" in text, "formula cells not neutralised"
        header = text.splitlines()[0].split(",")
        assert header == EXPORT_COLUMNS
    else:
        assert [e["uid"] for e in json.loads(text)["entries"]] == [e.uid for e in seeded]
    path = tmp_path / f"tg.{fmt}"
    path.write_text(text, encoding="utf-8")
    target = Register(f"sqlite:///{tmp_path / 'secretariat.sqlite'}", create=True)
    try:
        result = import_file(target, path)
        assert not result.problems.errors, [p.format() for p in result.problems]
        got = target.entries()
        assert [(e.uid, e.subject_id, e.criterion, e.status, e.justification, e.references, e.category, e.recorded_at, e.document_hash, e.supersedes_uid) for e in got] == [
            (e.uid, e.subject_id, e.criterion, e.status, e.justification, e.references, e.category, e.recorded_at, e.document_hash, e.supersedes_uid) for e in seeded
        ]
        assert got[1].supersedes == got[0].entry_id
        again = import_file(target, path)
        assert again.imported == [] and len(again.already_present) == 3 and not again.problems.errors
        assert [p.format() for p in again.problems][0] == f"{path}:{2 if fmt == 'csv' else 1}: uid: warning: already in the register as entry 1; skipped"
        assert len(target.entries()) == 3
    finally:
        target.close()


def test_import_keeps_good_rows_and_reports_bad_ones(register, tmp_path):
    path = tmp_path / "tg1-analysis.csv"
    path.write_text(
        "notification_id,criterion,status,justification,by,role,date,references\n"
        "N1,(a),met,,TG1,task_group,2024-05-02,Notification §2.4\n"
        "N1,(e),met,,TG1,task_group,2024-05-02,\n"
        "N1,(b)(iii),not_met,,TG1,task_group,2024-05-02,\n"
        "N9,(a),met,,TG1,task_group,2024-05-02,\n"
        "N2,(c)(iv),met,trade,TG1,task_group,2024-05-02,\n"
        "N2,(d),met,,TG1,observer,someday,\n",
        encoding="utf-8",
    )
    result = import_file(register, path, known_subjects={"notification": {"N1", "N2"}, "shpf_proposal": None})
    assert [p.format() for p in result.problems] == [
        f"{path}:3: criterion: '(e)' is not a criterion of Annex II ((a), (b)(i), (b)(ii), (b)(iii), (c)(i), (c)(ii), (c)(iii), (c)(iv), (d), or 'overall')",
        f"{path}:4: justification: a 'not_met' determination needs a justification",
        f"{path}:5: subject_id: notification 'N9' does not exist in the loaded data (2 notification(s) read); check the id or the data given",
        f"{path}:7: role: 'observer' is not a role (task_group, contact_group, committee)",
        f"{path}:7: recorded_at: 'someday' is not an ISO date or date-time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)",
    ]
    assert [(e.subject_id, e.criterion, e.recorded_at) for e in register.entries()] == [("N1", "(a)", dt.datetime(2024, 5, 2)), ("N2", "(c)(iv)", dt.datetime(2024, 5, 2))]
    assert register.entries()[0].origin == "import of tg1-analysis.csv"


def test_import_links_corrections_by_uid_and_refuses_dangling_ones(register, tmp_path):
    a, b, _ = _seed(register)
    rows = json.loads(export_text(register, "json"))["entries"]
    rows[1]["supersedes_uid"] = str(uuid.uuid4())
    rows[1]["uid"] = str(uuid.uuid4())
    rows.append({**rows[0], "uid": str(uuid.uuid4()), "supersedes_uid": a.uid, "justification": "second correction of the same entry"})
    path = tmp_path / "x.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    result = import_file(register, path)
    assert [p.format() for p in result.problems if p.severity == "error"] == [
        f"{path}:2: supersedes_uid: supersedes entry {rows[1]['supersedes_uid']}, which is not in the register nor earlier in this file",
        f"{path}:4: supersedes: entry {a.entry_id} was already superseded by entry {b.entry_id}; supersede entry {b.entry_id} instead",
    ]
    assert len(register.entries()) == 3


# --------------------------------------------------------------------------- the command line


def test_cli_record_history_export_import(register, tmp_path):
    data = write_bulk(tmp_path / "b.csv", [CANADA, JAPAN], list(CANADA))
    r = run_crc("register", "record", "CAN-1", "--criterion", "b iii", "--status", "not_met", "--justification", "hazard only", "--by", "TG1", "--role", "task_group", "--reference", "p. 3", "--data", data, "--format", "json")
    assert r.code == 0, r.err
    (entry,) = r.json()
    assert (entry["entry_id"], entry["criterion"], entry["references"]) == (1, "(b)(iii)", ["p. 3"])
    r = run_crc("register", "record", "CAN-1", "--criterion", "(b)(iii)", "--status", "met", "--by", "CRC-20", "--role", "committee", "--supersedes", "1", "--data", data)
    assert r.code == 1 and "supersedes: entry 1 cannot be superseded by this entry" in r.err and "role precedence is not a correction" in r.err and "Traceback" not in r.err
    r = run_crc("register", "record", "CAN-1", "--criterion", "(b)(iii)", "--status", "met", "--by", "TG1", "--role", "task_group", "--supersedes", "1", "--data", data)
    assert r.code == 0 and "recorded entry 2" in r.err
    hist = run_crc("register", "history", "CAN-1", "--format", "json").json()
    assert [(h["entry_id"], h["current"], h["superseded_by"], h["superseded_how"]) for h in hist] == [(1, False, 2, "correction"), (2, True, None, "")]
    assert "superseded_by" in run_crc("register", "history").out
    out = tmp_path / "out" / "export.csv"
    r = run_crc("register", "export", "--out", out)
    assert r.code == 0 and r.out == "" and "2 entries exported to" in r.err and out.read_text(encoding="utf-8").startswith("entry_id,uid,")
    r = run_crc("register", "export", "--format", "json")
    assert [e["entry_id"] for e in r.json()["entries"]] == [1, 2]
    assert [e["entry_id"] for e in run_crc("register", "current", "--format", "json").json()] == [2]
    bad = tmp_path / "bad.csv"
    bad.write_text("notification_id,criterion,status,justification,by,role\nJPN-1,(a),met,,TG2,task_group\nJPN-1,(a),not_met,,TG2,task_group\n", encoding="utf-8")
    r = run_crc("register", "import", bad, "--data", data)
    assert r.code == 1
    assert f"{bad}:3: justification: a 'not_met' determination needs a justification" in r.err.splitlines()
    assert "1 entry imported" in r.err and "1 rejected" in r.err and "Traceback" not in r.err
    assert len(register.entries()) == 3


def test_cli_refusals_exit_1_without_traceback(register, tmp_path):
    data = write_bulk(tmp_path / "b.csv", [CANADA], list(CANADA))
    r = run_crc("register", "record", "NOPE-1", "--criterion", "(a)", "--status", "met", "--by", "x", "--role", "committee", "--data", data)
    assert r.code == 1 and len(r.err.strip().splitlines()) == 1
    assert r.err.startswith("register: subject_id: notification 'NOPE-1' does not exist in the loaded data (1 notification(s) read); check the id or the data given")
    assert f"read: the data given ({data})" in r.err and "to add more: add its case file to your workspace's cases/ folder" in r.err  # issue 18
    r = run_crc("register", "record", "CAN-1", "--criterion", "(f)", "--status", "not_met", "--by", "x", "--role", "committee", "--data", data)
    assert r.code == 1 and r.err.splitlines() == [
        "register: criterion: '(f)' is not a criterion of Annex II ((a), (b)(i), (b)(ii), (b)(iii), (c)(i), (c)(ii), (c)(iii), (c)(iv), (d), or 'overall')",
        "register: justification: a 'not_met' determination needs a justification",
    ]
    assert run_crc("register", "history", "NOPE-1").code == 1
    assert run_crc("register").code == 2
    assert register.entries() == []


def test_cli_records_shpf_proposals_against_annex_iv_part3(register):
    pid = "TCD-FENTHION-640-ULV-2012"  # a shipped sample proposal
    r = run_crc("register", "record", pid, "--kind", "shpf_proposal", "--criterion", "e", "--status", "met", "--by", "TG3", "--role", "task_group", "--format", "json")
    assert r.code == 0, r.err
    assert (r.json()[0]["subject_kind"], r.json()[0]["criterion"]) == ("shpf_proposal", "(e)")
    r = run_crc("register", "record", pid, "--kind", "shpf_proposal", "--criterion", "(c)(iv)", "--status", "met", "--by", "TG3", "--role", "task_group")
    assert r.code == 1 and "'(c)(iv)' is not a criterion of Annex IV Part 3 ((a), (b), (c), (d), (e), or 'overall')" in r.err
    r = run_crc("register", "record", "SHPF-NOT-THERE", "--kind", "shpf_proposal", "--criterion", "(a)", "--status", "met", "--by", "TG3", "--role", "task_group")
    assert r.code == 1 and "SHPF proposal 'SHPF-NOT-THERE' does not exist in the loaded data" in r.err
    assert [e.subject_id for e in register.entries()] == [pid]


def test_cli_record_hashes_the_case_file_it_was_made_on(register):
    from crc_tools import config
    from crc_tools.intake.reader import load
    from crc_tools.register.store import document_hash

    intake = load()
    nid = intake.notifications["notification_id"].iloc[0]
    source = intake.notifications["_source"].iloc[0]
    r = run_crc("register", "record", nid, "--criterion", "(a)", "--status", "met", "--by", "CRC-2", "--role", "committee", "--format", "json")
    assert r.code == 0, r.err
    assert r.json()[0]["document_hash"] == document_hash(source) and str(config.cases_dir()) in source


# --------------------------------------------------------------------------- SQLite and PostgreSQL specifics


def test_a_named_sqlite_register_must_exist_and_init_creates_it_in_wal_mode(tmp_path):
    """A typo in a SQLite path silently started a new register and its folders."""
    from crc_tools.register.url import RegisterSettingError

    path = tmp_path / "new" / "folder" / "register.sqlite"
    reg = Register(f"sqlite:///{path}")
    for action in (reg.history, reg.current, lambda: reg.record("N1", "(a)", "met", **TG)):
        with pytest.raises(RegisterSettingError, match="no register there .* create a new register there with `crc register init`"):
            action()
    assert not (tmp_path / "new").exists(), "a folder was created for a register that does not exist"
    created = Register(f"sqlite:///{path}", create=True)
    try:
        assert created.init().startswith("created a new register of determinations at sqlite:///")
        assert path.exists()
        reg.record("N1", "(a)", "met", **TG)
        with reg._open().connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() >= 10_000
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        assert "already there and up to date" in created.init()
    finally:
        reg.close()
        created.close()


def test_the_default_register_reads_as_empty_and_is_created_by_the_first_entry(tmp_path, monkeypatch):
    monkeypatch.delenv("CRC_DATABASE_URL")
    monkeypatch.setenv("CRC_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "data" / "local" / "register.sqlite"
    r = run_crc("register", "history", "--format", "json")
    assert r.code == 0 and r.json() == [] and not path.exists(), "reading created the register"
    r = run_crc("register", "record", "THA-ENDOSULFAN-2004", "--criterion", "(a)", "--status", "met", "--by", "TG1", "--role", "task_group", "--data", ROOT / "data" / "cases")
    assert r.code == 0, r.err
    assert path.exists() and f"created a new register at sqlite:///{path}" in r.err


def test_default_register_lives_under_data_local(monkeypatch, tmp_path):
    from crc_tools import config

    monkeypatch.delenv("CRC_DATABASE_URL")
    monkeypatch.setenv("CRC_DATA_DIR", str(tmp_path / "data"))
    assert Register().database_url == f"sqlite:///{tmp_path / 'data' / 'local' / 'register.sqlite'}"
    assert config.database_url() == Register().database_url


def test_postgresql_urls_use_psycopg_and_hide_passwords(tmp_path):
    reg = Register("postgresql://crc:s3cret@127.0.0.1:1/crc")
    assert reg.database_url == "postgresql+psycopg://crc:s3cret@127.0.0.1:1/crc" and reg.dialect == "postgresql"
    with pytest.raises(RegisterError) as err:
        reg.history()
    assert "s3cret" not in str(err.value) and "cannot open the register at postgresql+psycopg://crc:***@127.0.0.1:1/crc" in str(err.value)


def test_cli_unreachable_register_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("CRC_DATABASE_URL", "postgresql://crc:s3cret@127.0.0.1:1/crc")
    r = run_crc("status", "--format", "json")
    assert r.code == 1 and r.out == "" and "cannot open the register" in r.err and "s3cret" not in r.err and "Traceback" not in r.err
    assert run_crc("validate").code == 0, "validate does not need the register"


def test_postgres_tests_are_not_silently_skipped_in_ci():
    """In CI (.ci/run sets CRC_TEST_POSTGRES_URL) the PostgreSQL server must answer."""
    if not PG_URL:
        pytest.skip(PG_SKIP)
    reg = Register(PG_URL)
    try:
        with reg._open().connect() as conn:
            assert conn.exec_driver_sql("SELECT 1").scalar_one() == 1
    finally:
        reg.close()


def test_register_determinations_on_a_proposal_reach_its_part3_assessment(register):
    """Part 3 determinations recorded in the register reach `crc score` and `crc status`, named by source."""
    pid = "GEO-DIMETHOATE-400-EC-2015"  # sample proposal the committee did not recommend (recorded in its case file)
    r = run_crc("register", "record", pid, "--kind", "shpf_proposal", "--criterion", "(b)", "--status", "not_met",
                "--justification", "conditions of use not shown to be shared by other States", "--by", "TG3", "--role", "task_group")
    assert r.code == 0, r.err
    score = {s.get("proposal_id"): s for s in run_crc("score", "--format", "json").json() if s.get("proposal_id")}
    crit = {c["criterion"]: c for c in score[pid]["criteria"]}
    assert crit["(b)"]["status"] == "" and crit["(b)"]["proposal_status"] == "not_met" and crit["(b)"]["proposal_source"].startswith("register entry")
    assert score[pid]["latest_proposal"].startswith("task group proposes: not met (register entry") and score[pid]["part3_status"] == "not_met"
    # A later committee conclusion stands over the one of CRC-11, and says so: nothing is replaced silently.
    run_crc("register", "record", pid, "--kind", "shpf_proposal", "--criterion", "overall", "--status", "met",
            "--justification", "replayed for the test", "--by", "CRC-99", "--role", "committee")
    score = {s.get("proposal_id"): s for s in run_crc("score", "--format", "json").json() if s.get("proposal_id")}
    assert score[pid]["part3_status"] == "met" and score[pid]["part3_conflict"] is False
    assert "stands over the earlier committee entry" in score[pid]["part3_basis"] and "2015-10-28" in score[pid]["part3_basis"]
