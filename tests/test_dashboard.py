"""The committee dashboard as objects: its data, its pages, recording, escaping, settings.

The browser tests (a real chromium) are in ``test_dashboard_browser.py``.
"""

from __future__ import annotations

import json

import pytest

from crc_tools.dashboard.data import (
    STAGES,
    DashboardConfigError,
    Identity,
    MeetingData,
    NotAllowed,
    identity_for,
    parse_roles,
    pipeline_stage,
    shpf_view,
)
from crc_tools.notifications.review import review_status
from crc_tools.register.store import Register, RegisterError

from .conftest import ROOT

MEMBER = Identity("alice", "member")
ANONYMOUS = Identity(None, "viewer")
SIGNED_IN_VIEWER = Identity("victor", "viewer")
CHRYSOTILE = "Chrysotile asbestos (industrial)"

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


@pytest.fixture
def data(tmp_path):
    return MeetingData(reports_dir=tmp_path / "reports")


@pytest.fixture
def app(data):
    from crc_tools.dashboard.views import build_app

    def make(identity=ANONYMOUS, auth_enabled=True):
        return build_app(data, identity=identity, auth_enabled=auth_enabled, poll=False)

    return make


# --------------------------------------------------------------------------- data


def test_overview_has_every_chemical_and_category_of_the_review_status(data):
    status = review_status(data.intake.notifications, data.snapshot.determinations)
    overview = data.overview()
    assert len(overview) == len(status) > 10
    assert set(overview["key"]) == {f"{c} ({cat})" for c, cat in zip(status["chemical"], status["category"], strict=True)}
    row = overview.set_index("key").loc[CHRYSOTILE]
    assert row["stage"] == "recommended"
    assert row["regions_verified"] == "Europe, Latin America and the Caribbean, Southwest Pacific"
    assert row["two_region_status"] == "forwarded: yes; recommended: yes"
    assert set(overview["stage"]) <= set(STAGES)


@pytest.mark.parametrize(
    ("review_stage", "drafted", "expected"),
    [
        ("received", False, "received"),
        ("verified", False, "verified"),
        ("forwarded to the CRC", False, "forwarded"),
        ("reviewed: Annex II not met", False, "forwarded"),
        ("criteria met in one region", False, "criteria met"),
        ("recommended", False, "recommended"),
        ("recommended", True, "DGD drafted"),
        ("listed in Annex III", True, "listed in Annex III"),
    ],
)
def test_pipeline_stage(review_stage, drafted, expected):
    assert pipeline_stage(review_stage, drafted) == expected


def test_filters_by_category_region_stage_and_meeting(data):
    assert set(data.filter_overview(category="industrial")["category"]) == {"industrial"}
    near_east = data.filter_overview(region="Near East")
    assert list(near_east["chemical"]) == ["Lead carbonate"]
    recommended = data.filter_overview(stages=["recommended"])
    assert list(recommended["key"]) == [CHRYSOTILE]
    assert list(data.filter_overview(meeting="CRC-1")["key"]) == [CHRYSOTILE]
    assert "CRC-1" in data.meetings()
    assert len(data.filter_overview(category="industrial", stages=["received"])) == 0


def test_a_draft_dgd_in_reports_moves_the_chemical_to_dgd_drafted_and_is_linked(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "dgd-Chrysotile-asbestos-industrial.html").write_text("<html></html>")
    (reports / "rationale-CHL-CHRYSOTILE-2001-industrial.docx").write_bytes(b"PK")
    (reports / "dgd-Chrysotile-asbestos-industrial.failed.ipynb").write_text("{}")
    (reports / "dgd-Chrysotile-asbestos-industrial.notes.html").write_text("<html></html>")
    data = MeetingData(reports_dir=reports)
    row = data.overview().set_index("key").loc[CHRYSOTILE]
    assert row["stage"] == "DGD drafted"
    assert "approval of the draft decision guidance document" in row["missing"]
    docs = data.documents(CHRYSOTILE)
    assert [(d["kind"], d["name"]) for d in docs] == [
        ("draft DGD", "dgd-Chrysotile-asbestos-industrial.html"),
        ("draft DGD (drafting notes)", "dgd-Chrysotile-asbestos-industrial.notes.html"),
        ("rationale, CHL-CHRYSOTILE-2001", "rationale-CHL-CHRYSOTILE-2001-industrial.docx"),
    ]


def test_chemical_tables_follow_the_domain_brief(data):
    table = data.notifications_of(CHRYSOTILE)
    assert list(table.columns) == ["notification_id", "party", "pic_region", "category", "action", "fra_date", "received", "annex_i", "annex_ii", "source", "meeting"]
    assert set(table["party"]) == {"Australia", "Chile", "European Union"}
    assert set(table["action"]) <= {"banned", "severely restricted"}
    assert all(t.startswith("verified by the Secretariat") for t in table["annex_i"])
    assert all(t.startswith("meets Annex II") for t in table["annex_ii"])
    matrix = data.matrix(CHRYSOTILE)
    assert len(matrix) == 3 * 10  # nine Annex II criteria and the overall conclusion per notification
    assert set(matrix["status"]) <= {"met", "not met", "insufficient information", "no determination"}
    cell = matrix[(matrix["notification_id"] == "AUS-CHRYSOTILE-2003") & (matrix["criterion"] == "(b)(iii)")].iloc[0]
    assert cell["status"] == "met" and "NICNAS" in cell["justification"]
    regions = data.regions_of(CHRYSOTILE).set_index("pic_region")
    assert regions.loc["Southwest Pacific", "meets_annex_ii"] and not regions.loc["Africa", "notified"]
    assert regions.loc["Europe", "notifying_parties"] == "European Union"


def test_charts_are_aggregated_and_use_the_house_theme(data):
    import altair as alt

    from crc_tools.charts import MAX_ROWS, THEME_NAME
    from crc_tools.dashboard.views import criteria_heatmap, region_chart, stage_chart

    o = data.overview()
    counts = data.stage_counts(o)
    assert counts["chemicals"].sum() == len(o)
    spec = stage_chart(counts).to_dict()
    assert alt.theme.active == THEME_NAME
    assert spec["config"]["font"].startswith("DejaVu Sans")
    coverage = data.region_coverage(o)
    assert len(coverage) <= 7 * len(o) < MAX_ROWS
    region_chart(coverage, list(o["key"])).to_dict()
    heat = criteria_heatmap(data.matrix(CHRYSOTILE)).to_dict()
    assert heat["params"][0]["name"] == "cell"
    assert any(t["field"] == "justification_short" for t in heat["encoding"]["tooltip"])


def test_deadlines_list_notifications_awaiting_verification(tmp_path, bulk):
    path = bulk(
        [
            {"notification_id": "OPEN-1", "chemical": "Examplefos", "category": "pesticide", "notifying_party": "Kenya", "received_date": "2020-01-10"},
            {"notification_id": "DONE-1", "chemical": "Examplefos", "category": "pesticide", "notifying_party": "Japan", "received_date": "2020-01-10", "annex_i_verified": "true"},
        ]
    )
    data = MeetingData([path], reports_dir=tmp_path)
    d = data.deadlines()
    assert list(d["notification_id"]) == ["OPEN-1"]
    assert d.iloc[0]["verify_by"] == "2020-07-10" and bool(d.iloc[0]["overdue"])
    assert data.overview().iloc[0]["overdue"] == 1


# --------------------------------------------------------------------------- the app object


def test_app_builds_on_the_sample_data(app):
    import panel as pn

    dash = app()
    assert isinstance(dash.template, pn.template.BootstrapTemplate)
    assert [t.name for t in dash.tabs] == ["Overview", "Chemical", "SHPF proposals"]
    table = dash.overview_table
    assert table.pagination == "remote"
    assert {"Chrysotile asbestos", "Aldicarb", "PFOA"} <= set(table.value["chemical"])
    assert CHRYSOTILE in dash.chemical_select.options
    dash.category_filter.value = "industrial"
    assert set(dash.overview_table.value["category"]) == {"industrial"}
    dash.open_chemical(CHRYSOTILE)
    assert dash.tabs.active == 1
    assert set(dash.notifications_table.value["notification_id"]) == {"AUS-CHRYSOTILE-2003", "CHL-CHRYSOTILE-2001", "EUU-CHRYSOTILE-1999"}
    assert "Chrysotile asbestos" in dash.chemical_header.object
    assert dash.matrix_pane.object is not None
    assert set(dash.notification_select.options.values()) == {"AUS-CHRYSOTILE-2003", "CHL-CHRYSOTILE-2001", "EUU-CHRYSOTILE-1999"}


def test_a_click_on_a_heat_map_cell_picks_it_for_recording(app):
    dash = app(MEMBER)
    dash.open_chemical(CHRYSOTILE)
    dash.matrix_pane.selection.cell = [{"notification_id": "CHL-CHRYSOTILE-2001", "criterion": "(c)(iv)"}]
    assert (dash.notification_select.value, dash.criterion_select.value) == ("CHL-CHRYSOTILE-2001", "(c)(iv)")
    dash.open_chemical("Aldicarb (pesticide)")  # a new chart gets a new selection, still read
    dash.matrix_pane.selection.cell = [{"notification_id": "JAM-ALDICARB-2007", "criterion": "(d)"}]
    assert (dash.notification_select.value, dash.criterion_select.value) == ("JAM-ALDICARB-2007", "(d)")


def test_viewers_see_no_form_and_members_do(app):
    def texts(dash):
        return " ".join(str(getattr(o, "object", "") or getattr(o, "name", "")) for o in dash.tabs.select(lambda o: True))

    assert "Record the committee" not in texts(app(ANONYMOUS))
    assert "viewing without signing in" in texts(app(ANONYMOUS))
    assert "does not record conclusions" in texts(app(SIGNED_IN_VIEWER))
    assert "Record the committee" in texts(app(MEMBER))
    assert "no logins" in app(ANONYMOUS, auth_enabled=False).user_pane.object


def test_recording_writes_the_committees_conclusion_to_the_register(app):
    dash = app(MEMBER)
    dash.open_chemical(CHRYSOTILE)
    dash.notification_select.value = "CHL-CHRYSOTILE-2001"
    dash.criterion_select.value = "(c)(iv)"
    dash.status_select.value = "not_met"
    dash.justification_input.value = "No evidence of ongoing trade was found"
    dash.references_input.value = "UNEP/FAO/RC/CRC.2/19, p. 3\nTrade data"
    outcome = dash.record()
    assert outcome.state == "saved"
    history = Register().history("CHL-CHRYSOTILE-2001")
    entry = history.iloc[-1]
    assert (entry["criterion"], entry["status"], entry["role"], entry["recorded_by"], entry["category"]) == ("(c)(iv)", "not_met", "committee", "alice", "industrial")
    assert entry["references"] == "UNEP/FAO/RC/CRC.2/19, p. 3\nTrade data"
    assert "crc dashboard: recorded by alice (member)" in entry["origin"]
    assert "Saved as register entry" in dash.record_message.object
    assert dash.justification_input.value == ""  # the form is cleared once saved
    shown = dash.determinations_table.value
    assert "No evidence of ongoing trade was found" in set(shown["justification"])
    dash.show_history()
    assert dash.history_table.visible and int(dash.history_table.value["entry"].dropna().iloc[0]) == int(entry["entry_id"])


@pytest.mark.parametrize("identity", [ANONYMOUS, SIGNED_IN_VIEWER], ids=["anonymous", "signed-in viewer"])
def test_viewers_cannot_record(app, data, identity):
    dash = app(identity)
    dash.open_chemical(CHRYSOTILE)
    dash.justification_input.value = "should not be written"
    with pytest.raises(NotAllowed, match="viewers cannot record"):
        dash.record()
    with pytest.raises(NotAllowed):
        data.record(identity, "CHL-CHRYSOTILE-2001", "(a)", "met")
    assert Register().latest_entry_id() == 0


def test_a_refused_conclusion_keeps_the_form_filled(app):
    dash = app(MEMBER)
    dash.open_chemical(CHRYSOTILE)
    dash.status_select.value = "not_met"
    dash.references_input.value = "kept"
    outcome = dash.record()
    assert outcome.state == "refused"
    assert "needs a justification" in dash.record_message.object
    assert dash.references_input.value == "kept"
    assert Register().latest_entry_id() == 0


def test_a_conclusion_is_kept_pending_while_the_register_is_unavailable(app, data, monkeypatch):
    real = Register.record
    calls = {"n": 0}

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RegisterError("cannot write to the register at test: connection refused", source="register")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Register, "record", flaky)
    dash = app(MEMBER)
    dash.open_chemical(CHRYSOTILE)
    dash.notification_select.value = "AUS-CHRYSOTILE-2003"
    dash.criterion_select.value = "(c)(iii)"
    dash.justification_input.value = "Asbestos-related disease is a concern everywhere"
    outcome = dash.record()
    assert outcome.state == "pending"
    assert "Not saved yet" in dash.record_message.object and "connection refused" in dash.record_message.object
    assert "Asbestos-related disease is a concern everywhere" in dash.record_message.object
    assert data.waiting() == 1
    assert Register().latest_entry_id() == 0
    dash.poll()  # the register is back: the retry saves it
    data.refresh(force=True)
    dash.poll()
    assert data.waiting() == 0
    assert "Saved as register entry" in dash.record_message.object
    entry = Register().history("AUS-CHRYSOTILE-2003").iloc[-1]
    assert entry["justification"] == "Asbestos-related disease is a concern everywhere"


def test_an_unreachable_register_is_said_plainly(app, data, monkeypatch):
    dash = app(ANONYMOUS)

    def down(self):
        raise RegisterError("cannot read the register at postgresql://db/crc: connection refused", source="register")

    monkeypatch.setattr(Register, "latest_entry_id", down)
    data.refresh(force=True)
    dash.poll()
    assert "cannot be reached" in dash.register_notice.object and "connection refused" in dash.register_notice.object
    monkeypatch.undo()
    data.refresh(force=True)
    dash.poll()
    assert dash.register_notice.object == ""


def test_a_conclusion_recorded_in_one_session_reaches_another(app, data):
    recorder, watcher = app(MEMBER), app(ANONYMOUS)
    for dash in (recorder, watcher):
        dash.open_chemical(CHRYSOTILE)
    recorder.notification_select.value = "EUU-CHRYSOTILE-1999"
    recorder.criterion_select.value = "(c)(i)"
    recorder.justification_input.value = "A ban on all uses"
    assert recorder.record().state == "saved"
    watcher.poll()
    assert "A ban on all uses" in set(watcher.determinations_table.value["justification"])
    assert "A ban on all uses" in set(watcher.recent_table.value["justification"])


def test_the_data_is_loaded_once_per_process(tmp_path, monkeypatch):
    import crc_tools.intake.reader as intake

    MeetingData.clear_shared()
    calls = []
    real = intake.load
    monkeypatch.setattr(intake, "load", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = MeetingData.shared(None)
    assert MeetingData.shared(None) is first
    assert len(calls) == 1
    MeetingData.clear_shared()


def test_register_latest_entry_id(tmp_path):
    reg = Register(f"sqlite:///{tmp_path / 'r.sqlite'}", create=True)  # a new register (crc register init)
    assert reg.latest_entry_id() == 0  # no file yet
    e = reg.record("CHL-CHRYSOTILE-2001", "(a)", "met", recorded_by="CRC-1", role="committee")
    assert reg.latest_entry_id() == e.entry_id


# --------------------------------------------------------------------------- escaping


def test_text_from_notifications_is_escaped(tmp_path):
    from crc_tools.dashboard.views import build_app, esc

    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "xss.yaml").write_text(XSS_CASE, encoding="utf-8")
    data = MeetingData([folder], reports_dir=tmp_path)
    dash = build_app(data, identity=MEMBER, auth_enabled=True, poll=False)
    key = "<script>alert(1)</script> (industrial)"
    assert key in dash.chemical_select.options
    dash.open_chemical(key)
    header = dash.chemical_header.object
    assert "<script>" not in header and "&lt;script&gt;alert(1)&lt;/script&gt;" in header
    assert esc('<img src=x onerror="alert(1)">') == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    html_panes = [o.object for o in dash.tabs.select(lambda o: hasattr(o, "object") and isinstance(o.object, str))]
    assert not any("<script" in h or "<img src=x" in h for h in html_panes)


# --------------------------------------------------------------------------- SHPF proposals


def test_shpf_page_says_when_no_proposal_is_loaded(tmp_path):
    from crc_tools.dashboard.views import build_app

    only_notifications = MeetingData([ROOT / "data" / "cases" / "notifications"], reports_dir=tmp_path / "reports")
    assert shpf_view(only_notifications.intake) is None
    dash = build_app(only_notifications, identity=ANONYMOUS, auth_enabled=True, poll=False)
    texts = " ".join(str(o.object) for o in dash.tabs[2].objects)
    assert "No SHPF proposals loaded" in texts


def test_shpf_page_shows_the_sample_proposals(data):
    from crc_tools.dashboard.views import build_app

    view = data.shpf()
    assert set(view.proposals["proposal_id"]) == {"SEN-GRANOX-SPINOX-DP-2001", "BFA-GRAMOXONE-SUPER-2010", "TCD-FENTHION-640-ULV-2012", "GEO-DIMETHOATE-400-EC-2015"}
    assert not any(c.startswith("_") for c in view.proposals.columns)  # internal columns hidden
    status = view.status.set_index("chemical")
    assert bool(status.loc["Fenthion 640 ULV", "recommend_listing"]) and not bool(status.loc["Dimethoate EC 400 g/L", "recommend_listing"])
    assert set(view.part3["criterion"]) == {"(a)", "(b)", "(c)", "(d)", "(e)"} and len(view.incidents) > 0
    dash = build_app(data, identity=ANONYMOUS, auth_enabled=True, poll=False)
    tables = [o for o in dash.tabs[2].objects if hasattr(o, "pagination")]
    assert len(tables) == 6 and all(t.pagination == "remote" for t in tables)


# --------------------------------------------------------------------------- settings


def test_roles_inline_and_from_a_file(tmp_path):
    assert parse_roles("alice=chair, bob=Member,carol=secretariat") == {"alice": "chair", "bob": "member", "carol": "secretariat"}
    f = tmp_path / "roles.yaml"
    f.write_text("alice: chair\nvictor: viewer\n")
    assert parse_roles(str(f)) == {"alice": "chair", "victor": "viewer"}
    j = tmp_path / "roles.json"
    j.write_text(json.dumps({"bob": "member"}))
    assert parse_roles(str(j)) == {"bob": "member"}
    assert parse_roles(None) == {} and parse_roles("") == {}


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        pytest.param("alice=president", "'president' is not a dashboard role", id="unknown role"),
        pytest.param("guest=member", "name Panel gives visitors", id="guest user"),
        pytest.param("/nonexistent/roles.yaml", "does not exist", id="missing file"),
        pytest.param("alice", "does not exist", id="neither a file nor user=role"),
    ],
)
def test_bad_roles_are_refused(setting, message):
    with pytest.raises(DashboardConfigError, match=message):
        parse_roles(setting)


def test_identity_of_a_session():
    roles = {"alice": "member", "victor": "viewer"}
    assert identity_for("alice", roles).can_record
    assert not identity_for("victor", roles).can_record and identity_for("victor", roles).signed_in
    assert not identity_for("mallory", roles).can_record  # signed in, no role
    for guest in (identity_for("guest", roles), identity_for(None, roles), identity_for("alice", roles, guest=True)):
        assert not guest.signed_in and not guest.can_record


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(None, "does not exist", id="missing"),
        pytest.param("not json", "cannot read", id="not JSON"),
        pytest.param('{"alice": ""}', "no empty password", id="empty password"),
        pytest.param('{"guest": "x"}', "name Panel gives visitors", id="guest"),
    ],
)
def test_bad_logins_files_are_refused(tmp_path, content, message):
    from crc_tools.dashboard.views import _check_credentials

    path = tmp_path / "logins.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(DashboardConfigError, match=message):
        _check_credentials(path)


def test_crc_dashboard_is_a_command():
    from crc_tools.cli.main import build_parser

    args = build_parser().parse_args(["dashboard", "--data", "a.csv", "b", "--port", "5999", "--roles", "alice=chair", "--meeting", "CRC-21"])
    assert (args.command, args.port, [str(p) for p in args.data], args.roles, args.meeting) == ("dashboard", 5999, ["a.csv", "b"], "alice=chair", "CRC-21")


def test_crc_dashboard_refuses_a_bad_roles_setting(crc):
    result = crc("dashboard", "--roles", "alice=president")
    assert result.code == 1
    assert "'president' is not a dashboard role" in result.err


def test_serve_builds_a_server_with_logins_reports_and_the_suites_login_page(tmp_path, monkeypatch):
    import socket

    import crc_tools.dashboard.views as dashboard

    monkeypatch.setattr(dashboard, "_SETTINGS", {"roles": None, "auth": None, "paths": None, "meeting": ""})
    logins = tmp_path / "logins.json"
    logins.write_text('{"alice": "a-password"}')
    logins.chmod(0o600)
    (tmp_path / "reports").mkdir()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = dashboard.serve(None, port=port, basic_auth=logins, roles="alice=member", start=False)
    try:
        assert dashboard._SETTINGS["auth"] is True and dashboard._SETTINGS["roles"] == {"alice": "member"}
        patterns = [str(getattr(rule.matcher, "regex", rule.matcher).pattern) for rule in server._tornado.default_router.rules for rule in getattr(rule.target, "rules", [rule])]
        assert any("/reports/" in p for p in patterns)
        assert any("login" in p for p in patterns)
    finally:
        server.stop()
    MeetingData.clear_shared()
