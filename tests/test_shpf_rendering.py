"""Rendering the SHPF documents: the templates executed by papermill, HTML without code, DOCX.

Few executions: ``crc dgd --variant shpf`` and ``crc rationale`` once each on the shipped
sample data, and one kernel for the hostile proposal's DGD and the synopsis.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crc_tools.documents import render as reports
from crc_tools.documents.dgd import CaseData

from .conftest import run_crc

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("rendering")]

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "data" / "documents" / "cases"
TEST_PROPOSALS = ROOT / "tests" / "data" / "documents" / "proposals"
CODE_MARKERS = ("jp-InputArea", "jp-InputPrompt", "In&nbsp;[", "doc.show(", "Renderer(", "from crc_tools", "papermill", 'class="highlight')
SHPF_HEADINGS = [
    "Introduction",
    "1 Identification and specifications",
    "2 Reasons for inclusion in the PIC procedure",
    "2.1 Incidents reported by the proposing Party",
    "2.2 Conclusions of the Chemical Review Committee on the criteria of Annex IV Part 3",
    "3 Protective measures that have been applied concerning the formulation",
    "3.1 Regulatory and administrative measures taken by the proposing Party (Annex IV Part 1 (h))",
    "3.3 Alternatives (Annex IV Part 2 (h))",
    "4 Hazards and risks to human health and the environment",
    "Annex 1 Information collected by the Secretariat (Annex IV Part 2)",
    "Annex 2 The proposal and its incident reports (Annex IV Part 1; Part B reports)",
    "Annex 3 Address of the designated national authority",
    "Annex 4 References",
    "Draft only: internal-consistency check",
]


@pytest.fixture(scope="module")
def chad_cli(tmp_path_factory):
    """``crc dgd "Fenthion 640 ULV" --variant shpf`` on the shipped sample data, HTML and DOCX."""
    out = tmp_path_factory.mktemp("shpf-dgd")
    r = run_crc("dgd", "Fenthion 640 ULV", "--variant", "shpf", "--out", out, "--format", "html,docx", "--strict")
    return out, r


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """The hostile proposal's DGD and the synopsis, rendered in one kernel."""
    out = tmp_path_factory.mktemp("shpf-batch")
    data = CaseData.load([CASES, TEST_PROPOSALS])
    requests = [reports.Request(kind="dgd", chemical="Hostile <b>dust</b> DP", category="shpf", variant="shpf"), reports.Request(kind="synopsis")]
    results = reports.render_many(requests, data=data, out=out, formats=("html", "docx"), jobs=1, progress=False)
    assert all(isinstance(r, reports.Rendered) for r in results), [getattr(r, "message", "") for r in results]
    return dict(zip(("hostile", "synopsis"), results, strict=True))


def _html(path) -> str:
    return Path(path).read_text(encoding="utf-8")


def test_crc_dgd_variant_shpf_renders_html_and_docx(chad_cli):
    out, r = chad_cli
    assert r.code == 0, r.err
    assert sorted(p.name for p in out.iterdir()) == ["dgd-Fenthion-640-ULV-shpf.docx", "dgd-Fenthion-640-ULV-shpf.html"]
    assert r.out.startswith("Decision guidance document for a severely hazardous pesticide formulation: Fenthion 640 ULV (draft)")
    assert "Internal consistency of the draft: 6 finding(s): 0 problem(s), 0 to complete" in r.out
    assert "Traceback" not in r.err


def test_shpf_html_has_the_sections_in_order_and_the_incident_table(chad_cli):
    out, _ = chad_cli
    html = _html(out / "dgd-Fenthion-640-ULV-shpf.html")
    positions = [html.find(h) for h in SHPF_HEADINGS]
    assert all(p > 0 for p in positions) and positions == sorted(positions), dict(zip(SHPF_HEADINGS, positions, strict=True))
    assert "<title>Decision guidance document for a severely hazardous pesticide formulation: Fenthion 640 ULV (draft)</title>" in html
    table = html[html.find("2.1 Incidents reported by the proposing Party"):html.find("2.2 Conclusions")]
    for cell in ("People or organisms affected", "Exposure route", "Conditions of use", "<td>B1</td>", "<td>2011-08-20</td>", "<td>death</td>", "<td>dermal, inhalation</td>"):
        assert cell in table, cell
    assert "Not provided in the proposal." in html and "Not provided in the notifications." not in html
    assert "Not collected: the Secretariat looked for this information and found none." in html
    for marker in CODE_MARKERS:
        assert marker not in html, marker
    assert "<script" not in html.casefold()


def test_shpf_docx_opens_with_the_section_headings(chad_cli):
    import docx

    out, _ = chad_cli
    d = docx.Document(str(out / "dgd-Fenthion-640-ULV-shpf.docx"))
    h1 = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    h2 = [p.text for p in d.paragraphs if p.style.name == "Heading 2"]
    for h in SHPF_HEADINGS[1:]:
        if h[0].isdigit() and "." in h.split()[0]:
            assert h in h2, h
        elif h != "Draft only: internal-consistency check":
            assert h in h1, h
    header = [c.text for c in d.tables[[i for i, t in enumerate(d.tables) if t.rows[0].cells[0].text == "Report"][0]].rows[0].cells]
    assert header == ["Report", "Date", "Place", "People or organisms affected", "Exposure route", "Outcome", "Conditions of use"]


def test_html_escapes_html_in_proposal_and_incident_text(batch):
    html = _html(batch["hostile"].paths["html"])
    assert "&lt;script&gt;alert('place')&lt;/script&gt; district" in html  # (nbconvert writes quotes plainly; the brackets stay escaped)
    assert "Dusted by hand, no gloves &lt;img src=x onerror=alert(2)&gt;" in html
    assert "<title>Decision guidance document for a severely hazardous pesticide formulation: Hostile &lt;b&gt;dust&lt;/b&gt; DP (draft)</title>" in html
    low = html.casefold()
    assert "<script" not in low and "<img src=x" not in low and "<h1>injected" not in low and "<b>dust" not in low
    assert Path(batch["hostile"].paths["html"]).name == "dgd-Hostile-b-dust-b-DP-shpf.html"


def test_synopsis_html_lists_the_proposals_in_appendix_ii(batch):
    html = _html(batch["synopsis"].paths["html"])
    order = [html.find(h) for h in ("Appendix I ", "Appendix II Proposals of severely hazardous pesticide formulations (Article 6)", "Part A Proposals verified", "Part B Proposals still under verification", "Appendix V ")]
    assert all(p > 0 for p in order) and order == sorted(order), order
    assert "Hostile &lt;b&gt;dust&lt;/b&gt; DP — Ghana (Africa)" in html and "Pendingfos 500 SL" in html and "2024-09-10 (overdue)" in html
    import docx

    d = docx.Document(batch["synopsis"].paths["docx"])
    assert "Appendix II Proposals of severely hazardous pesticide formulations (Article 6)" in [p.text for p in d.paragraphs if p.style.name == "Heading 1"]


def test_crc_rationale_for_a_proposal(tmp_path):
    r = run_crc("rationale", "TCD-FENTHION-640-ULV-2012", "--out", tmp_path, "--format", "html")
    assert r.code == 0, r.err
    path = tmp_path / "rationale-TCD-FENTHION-640-ULV-2012-shpf.html"
    assert r.out.startswith("Rationale for the conclusion that the proposal submitted by Chad to list Fenthion 640 ULV as a severely hazardous pesticide formulation meets the criteria of Annex IV Part 3")
    html = _html(path)
    heads = ["1 Introduction and scope", "2 Criterion (a)", "3 Criterion (b)", "4 Criterion (c)", "5 Criterion (d)", "6 Criterion (e)", "7 Conclusion"]
    positions = [html.find(h) for h in heads]
    assert all(p > 0 for p in positions) and positions == sorted(positions), positions
    assert html.count("Aid (rule-based pre-assessment, not a conclusion):") == 5
    assert "The proposal meets the criteria of Annex IV Part 3." in html
    assert "<script" not in html.casefold()
