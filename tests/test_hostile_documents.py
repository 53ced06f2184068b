"""Hostile text reaching documents: escaped in HTML, plain in DOCX, file names kept inside the output folder."""

from __future__ import annotations

import zipfile

import pytest

from .conftest import run_crc

pytestmark = [pytest.mark.slow]

EVIL_NAME = "../../evil <script>alert('x')</script>"
SCRIPT = "<script>alert('pwned')</script><img src=x onerror=alert(1)>"
FORMULA = "=HYPERLINK(\"http://evil.example\",\"click\")"


def _case(party: str, nid: str) -> str:
    return f"""
notification_id: {nid}
notifying_party: {party}
chemical:
  common_name: "{EVIL_NAME}"
  chemical_name: "{SCRIPT}"
  trade_names: ["{SCRIPT}", '{FORMULA}']
final_regulatory_action:
  type: ban
  summary: "{SCRIPT}"
  regulatory_document: "{SCRIPT}"
  entry_into_force: "2010-01-01"
  categories:
    - {{category: industrial, uses_prohibited: "{SCRIPT}", uses_allowed: "none"}}
  evaluation: {{basis: risk, summary: "{SCRIPT}", references: ["{SCRIPT}"], prevailing_conditions: "{SCRIPT}"}}
  reasons: {{human_health: "{SCRIPT}", environment: "{SCRIPT}"}}
  hazards_and_risks: "{SCRIPT}"
  expected_effect: "{SCRIPT}"
relevance_to_other_states: "{SCRIPT}"
alternatives: "{SCRIPT}"
socio_economic_effects: "{SCRIPT}"
designated_national_authority: {{institution: "{SCRIPT}", address: "{SCRIPT}"}}
secretariat: {{received_date: "2010-02-01", annex_i_verified: true}}
committee: {{annex_ii_conclusion: met}}
determinations:
  - {{criterion: "(a)", status: met, role: committee, by: "{SCRIPT}", justification: "{SCRIPT}"}}
"""


@pytest.fixture
def hostile(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.yaml").write_text(_case("Canada", "EVIL-1"), encoding="utf-8")
    (data / "b.yaml").write_text(_case("Japan", "EVIL-2"), encoding="utf-8")
    return data


def _outside(tmp_path, out):
    """Files written outside the output folder (but for the data and the test's own register)."""
    return [p for p in tmp_path.rglob("*") if p.is_file() and out not in p.parents and p.parent != tmp_path / "data" and not p.name.startswith("register.sqlite")]


def test_dgd_of_a_hostile_chemical(tmp_path, hostile):
    out = tmp_path / "out"
    r = run_crc("dgd", EVIL_NAME, "--data", hostile, "--out", out, "--format", "html,docx")
    assert r.code in (0, 1) and "Traceback" not in r.err, r.err
    files = list(out.iterdir())
    assert files and all(f.parent == out for f in files)
    assert not _outside(tmp_path, out)
    html = next(f for f in files if f.suffix == ".html" and not f.name.endswith(".notes.html")).read_text(encoding="utf-8")
    assert "<script>alert" not in html and "onerror=alert" not in html.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in html or "&lt;script&gt;alert(" in html
    with zipfile.ZipFile(next(f for f in files if f.suffix == ".docx")) as z:
        body = z.read("word/document.xml").decode("utf-8")
    assert "&lt;script&gt;alert(" in body  # plain text in Word, never markup


def test_rationale_of_a_hostile_notification(tmp_path, hostile):
    out = tmp_path / "out"
    r = run_crc("rationale", "EVIL-1", "--data", hostile, "--out", out, "--format", "html")
    assert r.code == 0 and "Traceback" not in r.err, r.err
    (html_file,) = [f for f in out.iterdir() if f.suffix == ".html" and not f.name.endswith(".notes.html")]
    html = html_file.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html


def test_papermill_parameters_are_data_not_code(tmp_path, hostile):
    """A chemical name crafted to break out of the parameters cell stays a string."""
    marker = tmp_path / "pwned"
    name = f'x"; open(r"{marker}", "w").write("1"); y = "'
    r = run_crc("dgd", name, "--data", hostile, "--out", tmp_path / "out")
    assert r.code == 1 and "Traceback" not in r.err
    assert not marker.exists()


def test_output_folder_names_are_not_followed_out_of_reports(tmp_path, hostile):
    r = run_crc("dgd", EVIL_NAME, "--data", hostile, "--out", tmp_path / "out" / ".." / "out2")
    assert "Traceback" not in r.err
    assert not (tmp_path.parent / "evil").exists()


@pytest.mark.parametrize("out", ["a-file", "/dev/null", "a-file/below"])
def test_an_output_folder_that_is_a_file_is_a_usage_error(tmp_path, hostile, out):
    (tmp_path / "a-file").write_text("keep me", encoding="utf-8")
    target = out if out.startswith("/") else tmp_path / out
    r = run_crc("rationale", "EVIL-1", "--data", hostile, "--out", target, "--format", "html")
    assert r.code == 2 and "internal error" not in r.err and "Traceback" not in r.err, r.err
    assert f"{target}: " in r.err
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize("option", ["--from", "--to"])
def test_a_synopsis_period_outside_the_calendar_is_a_usage_error(tmp_path, option):
    r = run_crc("report", "synopsis", option, "9999-12-01" if option == "--from" else "0001-03-01", "--out", tmp_path / "out")
    assert r.code == 2 and "internal error" not in r.err, r.err
    assert "outside the calendar" in r.err
