"""Issue 18: the workspace (crc.toml), crc new from the official forms, saying early what Annex III lists,
register entries not loaded, refusals that name the data read, and messages in the user's terms."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT, run_crc, write_bulk

KENYA = ["--party", "Kenya", "--chemical", "carbofuran", "--category", "pesticide", "--fra-type", "ban", "--date", "2024-06-01"]


@pytest.fixture
def ws(tmp_path, monkeypatch):
    """A fresh workspace made by crc init, as the working folder; its own register (no CRC_DATABASE_URL, CRC_REPORTS_DIR)."""
    monkeypatch.delenv("CRC_DATABASE_URL", raising=False)
    monkeypatch.delenv("CRC_REPORTS_DIR", raising=False)
    monkeypatch.delenv("CRC_WORKSPACE", raising=False)
    root = tmp_path / "work"
    r = run_crc("init", root)
    assert r.code == 0, r.err
    monkeypatch.chdir(root)
    return root


def _fill(path: Path, **values) -> None:
    """Fill in a generated case file as an expert would, keeping its comments out of the way."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    for dotted, value in values.items():
        node = doc
        *parents, last = dotted.split(".")
        for p in parents:
            node = node[int(p)] if p.isdigit() else node[p]
        node[last] = value
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")


# --------------------------------------------------------------------------- crc init, the workspace


def test_init_makes_cases_reports_and_a_commented_crc_toml(ws):
    assert (ws / "cases").is_dir() and (ws / "reports").is_dir()
    text = (ws / "crc.toml").read_text(encoding="utf-8")
    assert 'paths = ["cases"]' in text and 'url = "sqlite:///register.sqlite"' in text and "#" in text
    from crc_tools import config, workspace

    found = workspace.current()
    assert found.root == ws.resolve() and found.data_paths == ((ws / "cases").resolve(),)
    assert config.database_url() == f"sqlite:///{(ws / 'register.sqlite').resolve()}"  # relative to crc.toml
    assert config.reports_dir() == (ws / "reports").resolve()
    # the dashboard's logins (password hashes) and journals live in the workspace, out of version control
    assert config.dashboard_logins_path() == ws.resolve() / "local" / "dashboard_logins.json"
    assert config.dashboard_state_dir() == ws.resolve() / "local" / "dashboard"
    assert (ws / ".gitignore").read_text(encoding="utf-8").splitlines() == ["local/"]
    assert run_crc("init", ws).code == 1  # never made twice, nothing overwritten
    assert "already a workspace" in run_crc("init", ws).err


def test_init_prints_what_to_do_next(tmp_path):
    r = run_crc("init", tmp_path / "w")
    assert "Next:" in r.out and "crc new notification" in r.out and "crc validate" in r.out


def test_every_command_finds_the_nearest_crc_toml_from_a_subfolder(ws, monkeypatch):
    assert run_crc("new", "notification", *KENYA).code == 0
    sub = ws / "cases" / "deeper"
    sub.mkdir()
    monkeypatch.chdir(sub)
    for command in ("validate", "verify", "score", "status"):
        r = run_crc(command, "--format", "json")
        assert r.code == 0, (command, r.err)
        assert "KEN-CARBOFURAN-2024" in r.out or "Carbofuran" in r.out, command
        assert "sample data" not in r.err


def test_without_a_workspace_the_sample_data_are_read_and_said_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run_crc("status", "--format", "json")
    lines = [x for x in r.err.splitlines() if "shipped sample data" in x]
    assert len(lines) == 1 and "crc init" in lines[0]
    assert any(row["chemical"] == "Chrysotile asbestos" for row in r.json())
    r = run_crc("status", ROOT / "data" / "cases", "--format", "json")  # paths given: nothing to say
    assert "shipped sample data" not in r.err


def test_paths_given_win_over_the_workspace(ws, tmp_path):
    data = write_bulk(tmp_path / "b.csv", [{"notification_id": "B1", "chemical": "Endosulfan", "category": "pesticide", "notifying_party": "Chile", "received_date": "2005-01-01"}])
    r = run_crc("validate", data, "--format", "json")
    assert [row["notification_id"] for row in r.json()] == ["B1"]


def test_crc_workspace_names_a_workspace_from_anywhere(ws, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CRC_WORKSPACE", str(ws))
    from crc_tools import workspace

    assert workspace.current().root == ws.resolve()
    monkeypatch.setenv("CRC_WORKSPACE", str(tmp_path / "nowhere"))
    r = run_crc("status")
    assert r.code == 1 and "holds no crc.toml" in r.err and "Traceback" not in r.err


def test_a_broken_crc_toml_is_named_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.delenv("CRC_WORKSPACE")
    (tmp_path / "crc.toml").write_text('[data]\npaths = "cases", 3\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    r = run_crc("validate")
    assert r.code == 1 and "crc.toml: not valid TOML" in r.err and "Traceback" not in r.err
    (tmp_path / "crc.toml").write_text("[data]\npaths = [3]\n", encoding="utf-8")
    r = run_crc("validate")
    assert r.code == 1 and "crc.toml: data.paths: expected a list of paths" in r.err


# --------------------------------------------------------------------------- crc new


def _declared(name: str) -> list[dict]:
    return yaml.safe_load((ROOT / "data" / "reference" / name).read_text(encoding="utf-8"))["fields"]


def test_new_notification_has_every_declared_field_and_every_annex_i_item(ws):
    r = run_crc("new", "notification", *KENYA)
    assert r.code == 0, r.err
    path = ws / "cases" / "kenya-carbofuran-2024.yaml"
    text = path.read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    assert doc["notification_id"] == "KEN-CARBOFURAN-2024" and doc["notifying_party"] == "Kenya"
    assert doc["chemical"]["common_name"] == "carbofuran"
    assert doc["final_regulatory_action"]["categories"][0]["category"] == "pesticide"
    assert doc["final_regulatory_action"]["type"] == "ban" and doc["final_regulatory_action"]["entry_into_force"] == "2024-06-01"
    for field in _declared("notification_fields.yaml"):  # generated from the declarations: none left out
        key = field["path"].replace("[]", "").split(".")[-1]
        assert f"{key}:" in text, field["path"]
    from crc_tools.convention.reference import items

    for item in items("annex_i").items:  # every Annex I item named in a comment
        assert f"Annex I {item.id}" in text, item.id
    assert "TODO: Trade names" in text


def test_new_never_overwrites(ws):
    assert run_crc("new", "notification", *KENYA).code == 0
    path = ws / "cases" / "kenya-carbofuran-2024.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# my edits\n", encoding="utf-8")
    r = run_crc("new", "notification", *KENYA)
    assert r.code == 1 and "nothing overwritten" in r.err
    assert path.read_text(encoding="utf-8").endswith("# my edits\n")


def test_new_without_a_workspace_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run_crc("new", "notification", *KENYA)
    assert r.code == 2 and "crc init" in r.err
    r = run_crc("new", "notification", *KENYA, "--out", tmp_path / "x.yaml")
    assert r.code == 0 and (tmp_path / "x.yaml").is_file()


def test_new_proposal_carries_annex_iv_part1_and_a_part_b_report(ws):
    r = run_crc("new", "proposal", "--party", "Chad", "--chemical", "fenthion", "--formulation", "Fenthion 640 ULV", "--formulation-type", "UL", "--concentration", "640 g/L")
    assert r.code == 0, r.err
    (path,) = (ws / "cases").glob("*.yaml")
    text = path.read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    assert doc["kind"] == "shpf_proposal" and doc["proposing_party"] == "Chad" and doc["formulation"]["concentrations"] == ["640 g/L"]
    for item in "abcdefgh":
        assert f"Annex IV Part 1 ({item})" in text
    assert isinstance(doc["incidents"], list) and "date" in doc["incidents"][0]
    assert run_crc("new", "proposal", "--fra-type", "ban").code == 2  # not a field of that form


def test_new_response_reads_the_declaration_or_says_there_is_none(ws):
    declared = (ROOT / "data" / "reference" / "response_fields.yaml").is_file()
    r = run_crc("new", "response", "--party", "Kenya", "--chemical", "Carbofuran")
    if declared:
        assert r.code == 0, r.err
    else:
        assert r.code == 1 and "response_fields.yaml is missing" in r.err and "nothing written" in r.err
        assert not list((ws / "cases").iterdir())


def test_validate_lists_what_is_missing_in_form_terms_and_verify_counts_it(ws):
    run_crc("new", "notification", *KENYA)
    r = run_crc("validate")
    assert r.code == 0, r.err
    assert "Still to fill in" in r.out
    assert "1(c)       Trade names and names of preparations — form 1.3: chemical.trade_names" in r.out
    assert "trade_names," not in r.out.split("Still to fill in")[1].split("\n")[2]  # labels, not bulk-table column names
    path = ws / "cases" / "kenya-carbofuran-2024.yaml"
    _fill(path, **{"chemical.trade_names": ["Furadan"]})
    r = run_crc("validate")
    assert "1(c) " not in r.out and "2(a)(i)" in r.out
    verify = run_crc("verify", "--format", "json").json()[0]
    assert verify["annex_i_complete"] is False and "2(a)(i)" in verify["missing_items"]


# --------------------------------------------------------------------------- say it early


def test_validate_on_a_new_notification_for_a_listed_chemical_names_the_annex_iii_entry(ws):
    run_crc("new", "notification", *KENYA)
    for argv in (["validate"], ["verify"], ["score"]):
        r = run_crc(*argv)
        assert r.code == 0, r.err
        (line,) = [x for x in r.err.splitlines() if "already in Annex III" in x]
        assert "KEN-CARBOFURAN-2024" in line and 'entry "Carbofuran", COP-8 (2017)' in line and "needs no review for listing" in line


def test_register_record_says_it_too(ws):
    run_crc("new", "notification", *KENYA)
    r = run_crc("register", "record", "KEN-CARBOFURAN-2024", "--criterion", "(a)", "--status", "met", "--by", "TG", "--role", "task_group")
    assert r.code == 0 and "already in Annex III" in r.err
    assert (ws / "register.sqlite").is_file()  # the workspace's register


def test_a_chemical_listed_after_the_notification_is_not_flagged(tmp_path):
    """A notification that led to a listing (endosulfan, 2004; listed 2011) was not on a listed chemical."""
    data = write_bulk(tmp_path / "b.csv", [
        {"notification_id": "N1", "chemical": "Endosulfan", "category": "pesticide", "notifying_party": "Netherlands", "received_date": "2004-05-01"},
        {"notification_id": "N2", "chemical": "Endosulfan", "category": "industrial", "notifying_party": "Chile", "received_date": "2015-05-01"},
        {"notification_id": "N3", "chemical": "Tributyltin methacrylate", "cas_number": "2155-70-6", "category": "industrial", "notifying_party": "Chile", "received_date": "2019-05-01"},
        {"notification_id": "N4", "chemical": "Tributyltin methacrylate", "cas_number": "2155-70-6", "category": "industrial", "notifying_party": "Peru", "received_date": "2015-05-01"},
    ])
    r = run_crc("validate", data)
    flagged = [x for x in r.err.splitlines() if "already in Annex III" in x]
    assert len(flagged) == 1 and "note: N3:" in flagged[0] and "Tributyltin compounds" in flagged[0]  # its Annex III group, in that category (listed 2017)


def test_status_and_score_report_register_entries_whose_notification_is_not_loaded(ws, tmp_path):
    run_crc("new", "notification", *KENYA)
    sample = ROOT / "data" / "cases"
    for nid in ("NLD-ENDOSULFAN-2004", "THA-ENDOSULFAN-2004", "EUU-CHRYSOTILE-1999"):
        r = run_crc("register", "record", nid, "--criterion", "(a)", "--status", "met", "--by", "TG", "--role", "task_group", "--data", sample)
        assert r.code == 0, r.err
    for command in ("status", "score"):
        r = run_crc(command)
        (line,) = [x for x in r.err.splitlines() if "not loaded" in x]
        assert line.startswith("register: 3 register entries concern notifications not loaded: NLD-ENDOSULFAN-2004, THA-ENDOSULFAN-2004, EUU-CHRYSOTILE-1999")
        assert "add their case files or workspace" in line
    assert "not loaded" not in run_crc("status", sample, ws / "cases").err


def test_an_unknown_id_is_refused_naming_the_data_read_and_how_to_add_more(ws):
    r = run_crc("register", "record", "NLD-ENDOSULFAN-2004", "--criterion", "(a)", "--status", "met", "--by", "TG", "--role", "task_group")
    assert r.code == 1
    assert "read: the workspace's data" in r.err and str(ws / "cases") in r.err and "add its case file" in r.err


# --------------------------------------------------------------------------- messages in the user's terms


def test_a_misspelt_yaml_key_is_named_by_its_path_and_annex_i_item(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text(
        "notification_id: X-1\nnotifying_party: Kenya\nchemical:\n  comon_name: carbofuran\n"
        "final_regulatory_action:\n  entry_into_force: '2024-02-30'\n  categories:\n    - category: pesticide\n",
        encoding="utf-8",
    )
    r = run_crc("validate", case)
    assert r.code == 1
    assert f"{case}: chemical.comon_name: warning: unknown field (ignored); did you mean 'common_name'?" in r.err
    assert f"{case}: chemical.common_name: value is required (form 1.1, Annex I 1(a): Common name)" in r.err
    assert f"{case}: final_regulatory_action.entry_into_force: impossible date 2024-02-30" in r.err
    assert ": fra_date:" not in r.err and ": chemical: value" not in r.err


@pytest.mark.parametrize(("column", "value", "read_as"), [
    pytest.param("annex_ii_conclusion", "yes", "met", id="yes for met"),
    pytest.param("fra_type", "banned", "ban", id="banned for ban"),
    pytest.param("category", "pesticides", "pesticide", id="plural category"),
])
def test_a_bulk_table_alias_is_accepted_and_warned_about(tmp_path, column, value, read_as):
    row = {"notification_id": "A1", "chemical": "Endosulfan", "category": "pesticide", "notifying_party": "Chile", "received_date": "2005-01-01", column: value}
    r = run_crc("validate", write_bulk(tmp_path / "b.csv", [row]), "--format", "json")
    assert r.code == 0
    assert f"b.csv:2: {column}: warning: '{value}' read as '{read_as}' (an accepted alias; the values are " in r.err


@pytest.mark.parametrize(("column", "value", "allowed"), [
    pytest.param("annex_ii_conclusion", "perhaps", "met, not_met, pending", id="conclusion"),
    pytest.param("fra_type", "forbidden", "ban, severe_restriction", id="action"),
])
def test_a_bulk_table_value_outside_the_vocabulary_is_refused_with_the_allowed_values(tmp_path, column, value, allowed):
    row = {"notification_id": "A1", "chemical": "Endosulfan", "category": "pesticide", "notifying_party": "Chile", column: value}
    r = run_crc("validate", write_bulk(tmp_path / "b.csv", [row]))
    assert r.code == 1 and f"b.csv:2: {column}: '{value}' is not one of {allowed}" in r.err


# --------------------------------------------------------------------------- notebooks: paths and recording


def test_notebook_data_paths_resolve_from_the_root_and_a_string_is_one_path(tmp_path, monkeypatch):
    from crc_tools.errors import CrcError
    from crc_tools.workbench import data_paths

    monkeypatch.chdir(ROOT / "notebooks")  # the kernel's working folder in JupyterLab
    assert data_paths("data/cases") == [ROOT / "data" / "cases"]
    assert data_paths(["data/cases"]) == [ROOT / "data" / "cases"]
    assert data_paths([]) == [] and data_paths(None) == []
    with pytest.raises(CrcError, match=r"is text, not a list of paths .*-y 'data_paths: \[data/cases"):
        data_paths('["data/cases"]')
    with pytest.raises(CrcError, match="does not exist"):
        data_paths("my-cases")


def test_recording_the_same_determination_twice_from_the_notebook_api_keeps_one_entry():
    from crc_tools.register.store import Register
    from crc_tools.workbench import AlreadyRecorded, Workbench, record_determination

    wb = Workbench.load([ROOT / "data" / "cases"])
    kwargs = dict(justification="no trade evidence", references=["notification §2.5"], recorded_by="TG2", role="task_group")
    first = record_determination(wb, "THA-ENDOSULFAN-2004", "(c)(iv)", "not_met", **kwargs)
    with pytest.raises(AlreadyRecorded) as exc:
        record_determination(wb, "THA-ENDOSULFAN-2004", "c iv", "not_met", **kwargs)  # the same, spelt loosely
    assert exc.value.entry_id == first.entry_id and f"register entry {first.entry_id}" in str(exc.value)
    assert [e.entry_id for e in Register().entries() if e.subject_id == "THA-ENDOSULFAN-2004"] == [first.entry_id]
    changed = record_determination(wb, "THA-ENDOSULFAN-2004", "(c)(iv)", "met", **kwargs)  # a different one is recorded
    assert changed.entry_id != first.entry_id


def test_a_notebook_refusal_for_an_unknown_id_names_the_data_read():
    from crc_tools.errors import CrcError
    from crc_tools.workbench import Workbench, notification_review

    wb = Workbench.load([ROOT / "data" / "cases" / "notifications" / "endosulfan-thailand.yaml"])
    with pytest.raises(CrcError, match=r"not in the data read \(the data given .*endosulfan-thailand.yaml.*add its case file"):
        notification_review(wb, "KEN-CARBOFURAN-2024")


def test_make_lab_starts_at_the_root_with_the_notebooks_in_view():
    import subprocess

    out = subprocess.run(["make", "-n", "lab", "WORKSPACE=/somewhere/work"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert '--ServerApp.root_dir="/somewhere/work"' in out and "--LabApp.default_url=/lab/tree/notebooks" in out and 'CRC_WORKSPACE="/somewhere/work"' in out
    out = subprocess.run(["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert '--ServerApp.root_dir="."' in out


def test_workspace_notebooks_link_to_the_suites(ws):
    links = sorted((ws / "notebooks").iterdir())
    assert [p.name for p in links] == sorted(p.name for p in (ROOT / "notebooks").glob("[0-9]*.py"))
    assert all(os.path.realpath(p) == str((ROOT / "notebooks" / p.name).resolve()) for p in links)


def test_a_document_for_an_unknown_id_names_the_data_read(ws):
    r = run_crc("rationale", "NOPE-1")
    assert r.code == 1 and "no notification 'NOPE-1' in the data; read: the workspace's data" in r.err and "to add more" in r.err
