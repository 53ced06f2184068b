"""The committee dashboard without a browser: its data, recording and the journal, logins, pages as objects.

The browser tests (real chromium, real clicks) are in ``test_dashboard_browser.py``,
``test_dashboard_outage.py`` and ``test_dashboard_procs.py``.
"""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crc_tools.dashboard import auth, records, tables
from crc_tools.dashboard.data import MeetingData
from crc_tools.dashboard.html import Column, table
from crc_tools.dashboard.journal import Journal
from crc_tools.dashboard.labels import STATUS_STYLES, contrast, party_name
from crc_tools.dashboard.recording import Conclusion, Identity, NotAllowed
from crc_tools.dashboard.route import Route
from crc_tools.register.store import Register, RegisterError, document_hash

from .conftest import ROOT

CHAIR = Identity("alice", "chair")
VIEWER = Identity("victor", "viewer")
CHRYSOTILE = "Chrysotile asbestos (industrial)"
CHILE = "CHL-CHRYSOTILE-2001"

XSS_CASE = """\
kind: notification
notification_id: XSS-SCRIPT-1
notifying_party: Canada
chemical:
  common_name: "<script>alert(1)</script>"
final_regulatory_action:
  type: ban
  entry_into_force: "2019-01-01"
  categories:
    - category: industrial
      uses_prohibited: "all uses"
secretariat:
  received_date: "2019-02-01"
  annex_i_verified: true
determinations:
  - {criterion: "(a)", status: not_met, role: task_group, by: "<b>TG</b>", date: "2020-01-01", justification: "<img src=x onerror=alert(2)>"}
"""


@pytest.fixture(scope="module", name="sample")
def sample():
    """The sample case data, read once for the module (a fresh register and journal per test)."""
    from crc_tools.dashboard.cases import Cases

    return Cases()


@pytest.fixture(name="data")
def data(tmp_path, sample):
    return MeetingData(reports_dir=tmp_path / "reports", state_dir=tmp_path / "state", cases=sample)


def conclusion(data, nid=CHILE, criterion="(c)(iv)", status="not_met", justification="No evidence of ongoing trade", **kw):
    return Conclusion("notification", nid, nid, "industrial", criterion, status, justification, document_hash=data.cases.document_hash(nid), **kw)


class Flaky:
    """A register that can be switched off: every call raises RegisterError while ``down``."""

    def __init__(self, real):
        self.real, self.down = real, False
        self.database_url = real.database_url

    def __getattr__(self, name):
        attr = getattr(self.real, name)
        if not callable(attr):
            return attr

        def call(*a, **k):
            if self.down:
                raise RegisterError("cannot reach the register at postgresql://db.example/crc: connection refused", source="register")
            return attr(*a, **k)

        return call


# --------------------------------------------------------------------------- what the pages show


def test_overview_has_every_chemical_and_category_of_the_review_status(data):
    from crc_tools.notifications.review import review_status

    o = data.overview()
    s = review_status(data.cases.notifications, data.cases.intake.determinations)
    assert sorted(zip(o["chemical"], o["category"], strict=True)) == sorted(zip(s["chemical"], s["category"], strict=True))
    row = data.item(CHRYSOTILE)
    assert row["stage"] == "recommended" and "enough to forward (Article 5.5)" in row["two_region"]
    assert "may recommend listing (Article 5.6)" in row["two_region"]


@pytest.mark.parametrize(
    ("review_stage", "drafted", "expected"),
    [("received", False, "received"), ("forwarded to the CRC", False, "forwarded"), ("reviewed: Annex II not met", False, "forwarded"),
     ("recommended", True, "DGD drafted"), ("listed in Annex III", True, "listed in Annex III"), ("something new", False, "received")],
)
def test_pipeline_stage(review_stage, drafted, expected):
    assert tables.pipeline_stage(review_stage, drafted) == expected


def test_search_by_name_in_any_case_and_filters(data):
    o = data.overview()
    assert list(tables.search(o, query="chrysO")["key"]) == [CHRYSOTILE]
    assert set(tables.search(o, category="industrial")["category"]) == {"industrial"}
    assert all("Africa" in r for r in tables.search(o, region="Africa")["regions_notified"])
    assert set(tables.search(o, stage="listed in Annex III")["stage"]) == {"listed in Annex III"}
    assert tables.search(o, query="no such chemical").empty


def test_route_reads_the_address_and_ignores_what_is_odd():
    r = Route.from_arguments({"item": [b"Aldicarb (pesticide)"], "page": [b"3"]})
    assert (r.view, r.item, r.page) == ("item", "Aldicarb (pesticide)", 3)
    assert Route.from_arguments({"page": [b"-4"], "view": [b"../../etc"]}) == Route()
    assert r.link(page=1) == "?item=Aldicarb+%28pesticide%29"
    assert Route(view="shpf", proposal="X 1").link() == "?view=shpf&proposal=X+1"


def test_a_draft_dgd_moves_the_chemical_on_and_only_documents_are_listed(tmp_path, sample):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "dgd-Chrysotile-asbestos-industrial.html").write_text("<html></html>")
    (reports / "dgd-Chrysotile-asbestos-industrial.failed.ipynb").write_text("{}")
    (reports / "dgd-Chrysotile-asbestos-industrial.notes.html").write_text("<html></html>")
    (reports / "register-export.csv").write_text("x")
    data = MeetingData(reports_dir=reports, state_dir=tmp_path / "state", cases=sample)
    assert data.item(CHRYSOTILE)["stage"] == "DGD drafted"
    assert [(d["kind"], d["name"]) for d in data.documents(CHRYSOTILE)] == [
        ("draft decision guidance document", "dgd-Chrysotile-asbestos-industrial.html"),
        ("draft decision guidance document (drafting notes)", "dgd-Chrysotile-asbestos-industrial.notes.html"),
    ]


def test_party_names_are_shown_as_in_un_documents(tmp_path, bulk):
    path = bulk([
        {"notification_id": "N1", "chemical": "Testchem", "category": "industrial", "notifying_party": "GBR", "annex_i_verified": "true"},
        {"notification_id": "N2", "chemical": "Testchem", "category": "industrial", "notifying_party": "Bolivia", "annex_i_verified": "true"},
    ])
    data = MeetingData([path], reports_dir=tmp_path / "r", state_dir=tmp_path / "s")
    parties = set(data.notifications_of("Testchem (industrial)")["party"])
    assert parties == {"United Kingdom of Great Britain and Northern Ireland", "Bolivia (Plurinational State of)"}
    assert party_name("Atlantis") == "Atlantis"


def test_regions_tiles_count_the_european_union_for_europe(data):
    r = data.regions_of(CHRYSOTILE).set_index("pic_region")
    assert list(r.index) == ["Africa", "Asia", "Europe", "Latin America and the Caribbean", "Near East", "North America", "Southwest Pacific"]
    assert r.loc["Europe", "parties"] == "European Union" and bool(r.loc["Europe", "met"])
    assert not r.loc["Africa", ["notified", "verified", "met"]].any()


def test_the_matrix_shows_the_committees_conclusions_and_proposals_apart(tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "xss.yaml").write_text(XSS_CASE, encoding="utf-8")
    data = MeetingData([folder], reports_dir=tmp_path / "r", state_dir=tmp_path / "s")
    m = data.matrix("<script>alert(1)</script> (industrial)").set_index("criterion")
    # a task group's "not met" is a proposal, never the committee's conclusion
    assert m.loc["(a)", "status"] == "" and m.loc["(a)", "symbol"] == "–" and m.loc["(a)", "proposal"] == "task group (<b>TG</b>) proposes: not met"
    assert list(m.index) == ["(a)", "(b)(i)", "(b)(ii)", "(b)(iii)", "(c)(i)", "(c)(ii)", "(c)(iii)", "(c)(iv)", "(d)", "overall"]
    data.record(CHAIR, Conclusion("notification", "XSS-SCRIPT-1", "x", "industrial", "(a)", "met", "the ban protects health"))
    m = data.matrix("<script>alert(1)</script> (industrial)").set_index("criterion")
    assert (m.loc["(a)", "status"], m.loc["(a)", "symbol"], m.loc["(a)", "recorded_by"]) == ("met", "✓", "alice")


def test_text_from_the_data_reaches_html_escaped(tmp_path):
    from crc_tools.dashboard.html import summary_card

    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "xss.yaml").write_text(XSS_CASE, encoding="utf-8")
    data = MeetingData([folder], reports_dir=tmp_path / "r", state_dir=tmp_path / "s")
    card = summary_card(data.item("<script>alert(1)</script> (industrial)"))
    assert "<script>" not in card and "&lt;script&gt;alert(1)&lt;/script&gt;" in card


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_no_text_from_the_data_ever_becomes_markup(text):
    import pandas as pd

    out = table(pd.DataFrame({"a": [text], "b": [text]}), [Column("a", "A"), Column("b", "B")], caption=text, row_header="a")
    for dangerous in ("<script", "<img", "<iframe", "onerror="):
        if dangerous in text.lower():
            assert dangerous not in out.lower().replace("&lt;", "")  # only the escaped form remains


@settings(max_examples=60, deadline=None)
@given(st.permutations([{"notification_id": "CHL-1"}, {"criterion": "(b)(iii)"}]))
def test_a_cell_selection_is_read_whatever_the_order_of_its_one_field_objects(parts):
    from crc_tools.dashboard.views.parts import cell_from_selection

    assert cell_from_selection(list(parts)) == ("CHL-1", "(b)(iii)")
    assert cell_from_selection({"notification_id": "CHL-1", "criterion": "(b)(iii)"}) == ("CHL-1", "(b)(iii)")
    assert cell_from_selection([*parts, {"criterion": "(a)"}]) is None  # two cells: ambiguous, nothing set
    assert cell_from_selection([{"notification_id": "CHL-1"}]) is None  # the criterion is missing: nothing set
    assert cell_from_selection([]) is None


# --------------------------------------------------------------------------- colours and symbols


MACHADO = {  # severity 1.0, linear RGB (Machado, Oliveira and Fernandes 2009)
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}


def _simulate(colour: str, matrix) -> str:
    rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    out = [min(1.0, max(0.0, sum(m * c for m, c in zip(row, lin, strict=True)))) for row in matrix]
    srgb = [12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055 for c in out]
    return "#" + "".join(f"{round(c * 255):02x}" for c in srgb)


@pytest.mark.parametrize("vision", ["normal", *MACHADO])
def test_status_colours_are_told_apart_and_carry_a_symbol(vision):
    styles = list(STATUS_STYLES.values())
    assert len({s.symbol for s in styles}) == len(styles) and {"✓", "✗", "?", "–"} <= {s.symbol for s in styles}
    for s in styles:
        assert contrast(s.fill, s.ink) >= 4.5, f"{s.word}: symbol on fill"
        assert contrast(s.fill, "#333333") >= 1.0 and contrast("#333333", "#ffffff") >= 3.0  # the cell outline carries the shape
    fills = {s.key: s.fill if vision == "normal" else _simulate(s.fill, MACHADO[vision]) for s in styles}
    for a, b in itertools.combinations(fills, 2):
        assert contrast(fills[a], fills[b]) >= 1.2, f"{a or 'none'} and {b or 'none'} look alike under {vision}"
    assert contrast(fills["met"], fills["not_met"]) >= 3.0  # the two that matter most


# --------------------------------------------------------------------------- recording


def test_a_conclusion_says_what_will_be_recorded_by_whom_on_which_version(data):
    c = conclusion(data)
    sentence = c.sentence("alice", "chair")
    digest = document_hash(ROOT / "data" / "cases" / "notifications" / "chrysotile-asbestos-chile.yaml")
    assert c.document_hash == digest
    for part in ("Annex II criterion (c)(iv): not met", CHILE, "(industrial)", "alice (chair)", digest.removeprefix("sha256:")[:12]):
        assert part in sentence
    assert sentence.count(".") == 1 and sentence.endswith(".")


def test_recording_writes_the_committees_conclusion_with_the_version_hash(data):
    c = conclusion(data, references="UNEP/FAO/RC/CRC.2/19, p. 3\nTrade data")
    outcome = data.record(CHAIR, c)
    assert outcome.state == "stored"
    entry = Register().history(CHILE).iloc[-1]
    assert (entry["criterion"], entry["status"], entry["role"], entry["recorded_by"], entry["category"], entry["uid"]) == ("(c)(iv)", "not_met", "committee", "alice", "industrial", c.uid)
    assert entry["document_hash"] == c.document_hash and entry["document_hash"].startswith("sha256:")
    assert entry["references"] == "UNEP/FAO/RC/CRC.2/19, p. 3\nTrade data" and entry["origin"].startswith("crc dashboard: recorded by alice (chair)")
    assert data.matrix(CHRYSOTILE).set_index(["notification_id", "criterion"]).loc[(CHILE, "(c)(iv)"), "status"] == "not_met"


def test_the_same_confirmation_twice_records_once(data):
    c = conclusion(data)
    first, second = data.record(CHAIR, c), data.record(CHAIR, c)
    assert first.entry_id == second.entry_id and second.repeated
    assert len(Register().history(CHILE)) == 1
    assert data.record(CHAIR, c.fresh()).entry_id != first.entry_id  # a deliberate second conclusion is a new entry


@pytest.mark.parametrize("who", [Identity(), VIEWER], ids=["not signed in", "viewer"])
def test_viewers_cannot_record(data, who):
    with pytest.raises(NotAllowed):
        data.record(who, conclusion(data))
    assert Register().latest_entry_id() == 0


def test_a_refused_conclusion_is_said_before_confirmation_and_not_written(data):
    from crc_tools.dashboard.recording import problems_of

    c = conclusion(data, justification="")
    assert any("needs a justification" in m for _, m in problems_of(c, data.cases.known_subjects["notification"]))
    assert data.record(CHAIR, c).state == "refused"
    assert Register().latest_entry_id() == 0


def test_a_correction_supersedes_a_committee_entry(data):
    first = data.record(CHAIR, conclusion(data))
    fix = data.record(CHAIR, conclusion(data, status="met", justification="Trade data were found after all", supersedes=first.entry_id))
    h = data.history(CHILE).set_index("entry")
    assert h.loc[first.entry_id, "state"] == f"superseded by entry {fix.entry_id} (correction)" and not h.loc[first.entry_id, "can_correct"]
    assert h.loc[fix.entry_id, "state"] == "stands" and h.loc[fix.entry_id, "can_correct"]
    again = data.record(CHAIR, conclusion(data, status="met", justification="x", supersedes=first.entry_id))
    assert again.state == "refused" and "already superseded" in again.message


def test_an_shpf_part3_conclusion_is_recorded_the_same_way(data):
    c = Conclusion("shpf_proposal", "GEO-DIMETHOATE-400-EC-2015", "Georgia", "", "(a)", "not_met", "use against the label only")
    assert "Annex IV Part 3 criterion (a): not met" in c.sentence("alice", "chair")
    assert data.record(CHAIR, c).state == "stored"
    part3 = data.proposals().part3.set_index(["proposal_id", "criterion"])
    assert part3.loc[("GEO-DIMETHOATE-400-EC-2015", "(a)"), "status"] == "not_met"


# --------------------------------------------------------------------------- the register down: the journal


def test_every_view_renders_when_the_register_cannot_be_reached(tmp_path, sample):
    register = Flaky(Register(f"sqlite:///{tmp_path / 'reg.sqlite'}", create=True))
    register.down = True
    data = MeetingData(register=register, reports_dir=tmp_path / "r", state_dir=tmp_path / "s", cases=sample)
    assert len(data.overview()) == 13 and len(data.matrix(CHRYSOTILE)) and data.proposals() is not None
    text = data.notice()
    assert "cannot be reached" in text and "postgresql" not in text and "/" not in text.replace("…", "")


def test_a_conclusion_taken_during_an_outage_waits_and_is_stored_in_order(tmp_path, sample):
    register = Flaky(Register(f"sqlite:///{tmp_path / 'reg.sqlite'}", create=True))
    data = MeetingData(register=register, reports_dir=tmp_path / "r", state_dir=tmp_path / "s", cases=sample)
    register.down = True
    a, b = conclusion(data, criterion="(c)(i)", justification="first"), conclusion(data, criterion="(c)(ii)", justification="second")
    assert [data.record(CHAIR, x).state for x in (a, b)] == ["waiting", "waiting"]
    assert [r.uid for r in data.waiting()] == [a.uid, b.uid]
    assert "2 conclusions confirmed on this server are waiting to be stored" in data.notice()
    register.down = False
    data.refresh(force=True)
    stored = register.real.history(CHILE)
    assert list(stored["justification"]) == ["first", "second"] and data.waiting() == []
    assert data.outcome(a.uid).state == "stored"


def test_the_journal_survives_a_restart_and_replays_without_duplicates(tmp_path, sample):
    url = f"sqlite:///{tmp_path / 'reg.sqlite'}"
    register = Flaky(Register(url, create=True))
    first = MeetingData(register=register, reports_dir=tmp_path / "r", state_dir=tmp_path / "s", cases=sample)
    register.down = True
    waiting, stored_before_crash = conclusion(data=first, justification="waited"), conclusion(data=first, criterion="(a)", justification="stored, not marked")
    assert first.record(CHAIR, waiting).state == "waiting"
    assert first.record(CHAIR, stored_before_crash).state == "waiting"
    register.real.record(**stored_before_crash.register_values(CHAIR))  # it reached the register just before the crash
    first.live.recorder.journal.close()  # the process is gone: its lock is free
    restarted = MeetingData(register=Register(url), reports_dir=tmp_path / "r", state_dir=tmp_path / "s", cases=sample)
    restarted.refresh(force=True)
    h = Register(url).history(CHILE)
    assert sorted(h["justification"]) == ["stored, not marked", "waited"]
    assert len(h) == 2 and h["uid"].is_unique
    assert not list((tmp_path / "s").glob(f"journal-*{first.live.pid}-*.sqlite")) or restarted.waiting() == []


def test_a_journal_held_by_a_live_process_is_not_adopted(tmp_path):
    own = Journal.create(tmp_path)
    other = Journal.create(tmp_path)
    assert Journal.adopt_orphans(tmp_path, {own.path}) == []  # the other is locked by its owner
    other.close()
    adopted = Journal.adopt_orphans(tmp_path, {own.path})
    assert [j.path for j in adopted] == [other.path]


# --------------------------------------------------------------------------- logins


def test_logins_hold_argon2id_hashes_never_passwords(tmp_path):
    path = tmp_path / "logins.json"
    auth.add_user(path, "alice", "chair", "correct horse battery")
    text = path.read_text()
    assert "correct horse battery" not in text and "$argon2id$" in text
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    logins = auth.Logins(path)
    assert logins.check("alice", "correct horse battery").role == "chair"
    assert logins.check("alice", "wrong") is None and logins.check("nobody", "correct horse battery") is None
    with pytest.raises(auth.DashboardConfigError, match="exists"):
        auth.add_user(path, "alice", "member", "another password")
    auth.add_user(path, "alice", "member", "another password", replace=True)
    assert logins.users()["alice"].role == "member"  # read again when the file changes


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param('{"alice": "plain-password"}', "plain passwords are no longer accepted", id="old plain format"),
        pytest.param('{"format": "crc-dashboard-logins/1", "users": {"alice": {"role": "chair", "hash": "secret"}}}', "no argon2id hash", id="not a hash"),
        pytest.param('{"format": "crc-dashboard-logins/1", "users": {"alice": {"role": "president", "hash": "$argon2id$x"}}}', "not a dashboard role", id="unknown role"),
        pytest.param("not json", "cannot read", id="not JSON"),
    ],
)
def test_bad_logins_files_are_refused(tmp_path, content, message):
    path = tmp_path / "logins.json"
    path.write_text(content)
    with pytest.raises(auth.DashboardConfigError, match=message):
        auth.read_logins(path)


@pytest.mark.parametrize(("name", "role", "password", "message"), [
    ("alice", "chair", "short", "at least 10"), ("al ice", "chair", "long enough password", "not a user name"), ("bob", "president", "long enough password", "not a role"),
])
def test_add_user_refuses_bad_input(tmp_path, name, role, password, message):
    with pytest.raises(auth.DashboardConfigError, match=message):
        auth.add_user(tmp_path / "logins.json", name, role, password)


def test_a_removed_or_signed_out_user_can_no_longer_record(tmp_path, data):
    path = tmp_path / "logins.json"
    auth.add_user(path, "alice", "chair", "correct horse battery")
    gate = auth.Gate(auth.Logins(path), auth.LoginSessions(tmp_path / "state" / "logins.sqlite"))
    token = gate.sessions.start("alice")
    who = gate.identity(token)
    assert who.can_record and who.login == auth.token_hash(token) and token not in repr(who)
    data.check_identity = gate.check
    assert data.record(who, conclusion(data)).state == "stored"
    auth.remove_user(path, "alice")
    with pytest.raises(NotAllowed, match="no longer valid"):
        data.record(who, conclusion(data, criterion="(a)"))
    auth.add_user(path, "alice", "chair", "correct horse battery")
    gate.sessions.end(who.login)
    with pytest.raises(NotAllowed):
        data.record(who, conclusion(data, criterion="(a)"))
    assert len(Register().history(CHILE)) == 1


def test_failed_sign_ins_lock_out(tmp_path):
    sessions = auth.LoginSessions(tmp_path / "logins.sqlite")
    keys = [("user:alice|from:1.2.3.4", auth.MAX_FAILURES)]
    for _ in range(auth.MAX_FAILURES - 1):
        sessions.failed([k for k, _ in keys])
    assert sessions.locked_for(keys) == 0
    sessions.failed([k for k, _ in keys])
    assert auth.LOCKOUT_MINUTES * 60 - 5 < sessions.locked_for(keys) <= auth.LOCKOUT_MINUTES * 60
    assert sessions.locked_for([("user:bob|from:1.2.3.4", auth.MAX_FAILURES)]) == 0


def test_add_user_reads_the_password_without_echo_or_from_stdin(tmp_path, monkeypatch, crc):
    import io

    path = tmp_path / "logins.json"
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password 1\n"))
    result = crc("dashboard", "add-user", "bob", "--role", "member", "--logins", path)
    assert result.code == 0 and "added bob (member)" in result.err and "a long password" not in result.out + result.err
    assert auth.Logins(path).check("bob", "a long password 1").role == "member"
    assert crc("dashboard", "add-user", "bob", "--role", "president", "--logins", path).code == 2
    assert "bob" in crc("dashboard", "users", "--logins", path).out
    assert crc("dashboard", "remove-user", "bob", "--logins", path).code == 0
    assert json.loads(path.read_text())["users"] == {}


def test_web_helpers_refuse_foreign_hosts_and_next_addresses():
    from crc_tools.dashboard.web import host_allowed, safe_next

    assert host_allowed("localhost:5006", ("localhost",)) and host_allowed("[::1]:80", ("[::1]",))
    assert not host_allowed("evil.example:5006", ("localhost", "127.0.0.1"))
    assert host_allowed("anything", ("*",))
    for bad in ("//evil.example/", "https://evil.example/", "/\\evil", "javascript:alert(1)", "", None):
        assert safe_next(bad) == "/"
    assert safe_next("/?item=Aldicarb+(pesticide)") == "/?item=Aldicarb+(pesticide)"


# --------------------------------------------------------------------------- pages as objects


def test_pages_build_for_every_view_and_hold_no_unescaped_data(tmp_path):
    import panel as pn

    from crc_tools.dashboard.serve import build_app

    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "xss.yaml").write_text(XSS_CASE, encoding="utf-8")
    data = MeetingData([ROOT / "data" / "cases", folder], reports_dir=tmp_path / "r", state_dir=tmp_path / "s")
    for route, who in [(Route(), Identity()), (Route(view="item", item="<script>alert(1)</script> (industrial)"), CHAIR), (Route(view="shpf"), CHAIR),
                       (Route(view="item", item="No such thing (pesticide)"), CHAIR)]:
        app = build_app(data, identity=who, route=route, logins=True, poll=False)
        assert isinstance(app.template, pn.Template)
        htmls = [o.object for o in app.main.select(pn.pane.HTML)] + ([o.object for o in app.record.select(pn.pane.HTML)] if app.record is not None else [])
        assert not any("<script" in h or "<img src=x" in h for h in htmls)
        assert not any(str(ROOT) in h for h in htmls), "a server path reached the page"


def test_the_form_preselects_nothing_and_a_cell_sets_both_fields(data):
    from crc_tools.dashboard.serve import build_app

    app = build_app(data, identity=CHAIR, route=Route(view="item", item=CHRYSOTILE), logins=True, poll=False)
    form = app.view.form
    assert (form.subject.value, form.criterion.value, form.status.value) == ("", "", "")
    form.show_review()
    assert form.pending is None and "Choose the notification, the criterion, the conclusion" in form.message.object
    app.view._on_cell(type("E", (), {"new": [{"notification_id": CHILE}, {"criterion": "(b)(iii)"}]})())
    assert (form.subject.value, form.criterion.value) == (CHILE, "(b)(iii)")
    form.status.value = "insufficient_information"
    form.justification.value = "The evaluation's exposure data are not given"
    form.show_review()
    assert form.pending is not None and "criterion (b)(iii): insufficient information" in form.message.object
    import asyncio

    outcome = asyncio.run(form.confirm_and_record())
    assert outcome.state == "stored" and asyncio.run(form.confirm_and_record()) is None  # a second click records nothing
    assert len(Register().history(CHILE)) == 1 and form.subject.value == ""


def test_records_history_marks_case_file_entries(data):
    h = records.history(data.snapshot, data.cases.intake.determinations, CHILE)
    assert len(h) and set(h["state"]) == {"in the case file"} and not h["can_correct"].any()


def test_conclusions_name_case_files_never_the_servers_folders():
    from crc_tools.dashboard.tables import without_paths

    assert without_paths("met (/srv/crc/data/cases/notifications/chrysotile-chile.yaml)") == "met (case file chrysotile-chile.yaml)"
    assert without_paths(r"not met (C:\cases\bulk.xlsx; register entry 3)") == "not met (case file bulk.xlsx; register entry 3)"
    assert without_paths("met (register entry 3), and/or 1/2") == "met (register entry 3), and/or 1/2"  # words with a slash are no paths
