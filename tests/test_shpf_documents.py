"""Documents for severely hazardous pesticide formulations: the SHPF DGD, synopsis Appendix II, the proposal rationale.

Models, their HTML fragments and DOCX are built without a kernel here; the notebook
templates are executed on them in ``test_shpf_rendering.py``.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path

import pytest

from crc_tools.documents import build as documents
from crc_tools.documents import checks, word
from crc_tools.documents import html as dm_html
from crc_tools.documents import model as dm
from crc_tools.errors import UsageError

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "data" / "documents" / "cases"
SAMPLE_PROPOSALS = ROOT / "data" / "cases" / "proposals"
SAMPLE_CHEMICALS = ROOT / "data" / "cases" / "chemicals"
TEST_PROPOSALS = ROOT / "tests" / "data" / "documents" / "proposals"
TODAY = dt.date(2025, 3, 1)
CHAD = "TCD-FENTHION-640-ULV-2012"

SHPF_SECTIONS = [
    ("cover", ""),
    ("introduction", "Introduction"),
    ("purpose", "Purpose of the decision guidance document"),
    ("disclaimer", "Disclaimer"),
    ("abbreviations", "List of abbreviations that may be used in this document"),
    ("title", "Decision guidance document for a severely hazardous pesticide formulation"),
    ("1", "1 Identification and specifications"),
    ("2", "2 Reasons for inclusion in the PIC procedure"),
    ("2.1", "2.1 Incidents reported by the proposing Party"),
    ("2.2", "2.2 Conclusions of the Chemical Review Committee on the criteria of Annex IV Part 3"),
    ("3", "3 Protective measures that have been applied concerning the formulation"),
    ("3.1", "3.1 Regulatory and administrative measures taken by the proposing Party"),
    ("3.2", "3.2 Handling or applicator restrictions"),
    ("3.3", "3.3 Alternatives"),
    ("4", "4 Hazards and risks to human health and the environment"),
    ("4.1", "4.1 Hazard classification"),
    ("4.2", "4.2 Exposure limits"),
    ("4.3", "4.3 Packaging and labelling"),
    ("4.4", "4.4 First aid"),
    ("4.5", "4.5 Waste management"),
    ("annex1", "Annex 1 Further information on the formulation"),
    ("annex1.1", "1 Physico-chemical properties"),
    ("annex1.2", "2 Toxicological properties"),
    ("annex1.3", "3 Human exposure/Risk evaluation"),
    ("annex1.4", "4 Environmental fate"),
    ("annex1.5", "5 Effects on non-target organisms"),
    ("annex1.6", "6 Environmental exposure/Risk evaluation"),
    ("annex1.7", "7 Information collected by the Secretariat (Annex IV Part 2)"),
    ("annex2", "Annex 2 The proposal and its incident reports"),
    ("annex3", "Annex 3 Addresses of designated national authorities"),
    ("annex4", "Annex 4 References"),
]


@pytest.fixture(scope="module")
def data():
    return documents.CaseData.load([CASES, SAMPLE_PROPOSALS, TEST_PROPOSALS, SAMPLE_CHEMICALS], today=TODAY)


@pytest.fixture(scope="module")
def chad(data):
    return documents.dgd_document(chemical="Fenthion 640 ULV", variant="shpf", data=data, today=TODAY)


@pytest.fixture(scope="module")
def hostile(data):
    return documents.dgd_document(chemical="Hostile <b>dust</b> DP", category="shpf", data=data, today=TODAY)


def _section(doc, sid):
    s = dm.find_section(doc, sid)
    assert s is not None, sid
    return s


def _fields(doc, sid, key):
    for b in _section(doc, sid)["blocks"]:
        if b["type"] == "fields":
            for r in b["rows"]:
                if r["key"] == key:
                    return r["value"]
    raise AssertionError(f"no field {key} in {sid}")


def _table(doc, sid, key):
    (block,) = [b for b in _section(doc, sid)["blocks"] if b.get("key") == key and b["type"] == "table"]
    return block


def _checks(findings, check):
    return [f for f in findings if f["check"] == check]


# --------------------------------------------------------------------------- the SHPF DGD


def test_shpf_dgd_follows_the_layout_and_the_template_shows_every_part(chad):
    import nbformat

    from crc_tools.documents.render import template_path

    assert [(s["id"], dm.section_title(s) if s["id"] != "cover" else "") for s in chad["sections"]] == SHPF_SECTIONS
    assert chad["meta"]["variant"] == "shpf" and chad["meta"]["category"] == "shpf"
    assert chad["meta"]["file_stem"] == "dgd-Fenthion-640-ULV-shpf"
    assert chad["title"] == "Decision guidance document for a severely hazardous pesticide formulation: Fenthion 640 ULV (draft)"
    cover = [b["text"] for b in _section(chad, "cover")["blocks"]]
    assert "Decision Guidance Document" in cover and "Fenthion 640 ULV" in cover
    assert "Operation of the prior informed consent procedure for severely hazardous pesticide formulations" in cover
    nb = nbformat.read(str(template_path("dgd")), as_version=4)
    shown = re.findall(r"doc\.show\('([^']+)'\)", "\n".join(c.source for c in nb.cells))
    assert shown == dm.parts(chad), "the DGD template shows the SHPF variant part by part, in order"


def test_section_1_identifies_the_formulation_and_its_annex_iii_entry(chad):
    assert _fields(chad, "1", "formulation_name") == "Fenthion 640 ULV"
    assert _fields(chad, "1", "active_ingredients") == ["fenthion"]
    assert _fields(chad, "1", "cas_numbers") == ["55-38-9"]
    assert _fields(chad, "1", "concentrations") == ["fenthion (CAS 55-38-9): 640 g/L"]
    assert _fields(chad, "1", "formulation_type") == "UL (ultra-low volume (ULV) liquid)"
    assert _fields(chad, "1", "trade_names") == ["Fenthion 640 ULV"]
    assert _fields(chad, "1", "producers") is None  # missing, said visibly
    assert _fields(chad, "1", "annex_iii_entry") == "Fenthion (ultra low volume (ULV) formulations at or above 640 g active ingredient/L)"
    assert _fields(chad, "1", "concentration_threshold") == "640 g active ingredient/L"
    assert "COP-12 (2025)" in _fields(chad, "1", "listed")
    hs = _fields(chad, "1", "hs_code")
    assert len(hs) == 1 and "38.08" in hs[0]
    assert any(n["topic"] == "HS code" for n in chad["drafting_notes"]), "what the reference table says of the missing code goes to the drafting notes"
    assert _table(chad, "1", "ingredients")["rows"] == [["fenthion", "55-38-9", "640 g/L"]]
    assert dm_html.document_html(chad).count(dm.TO_COMPLETE) >= 3


def test_section_2_one_proposal_from_one_region_suffices(chad):
    (basis,) = [b for b in _section(chad, "2.1")["blocks"] if b.get("basis")]
    assert (basis["party"], basis["region"], basis["status"], basis["eligibility"]) == ("Chad", "Africa", "met", "yes: developing country")
    text = " ".join(b["text"] for b in _section(chad, "2")["blocks"] if b["type"] == "p")
    assert "no proposal from a second PIC region is needed" in text and "Article 6.1" in text
    assert "The Chemical Review Committee concluded at CRC-9 that the proposal meets the criteria of Annex IV Part 3" in text
    assert _fields(chad, "1", "annex_iii_entry") in text


def test_section_2_1_has_the_incident_table_from_part_b(chad):
    table = _table(chad, "2.1", "incidents")
    assert [c["label"] for c in table["columns"]] == ["Report", "Date", "Place", "People or organisms affected", "Exposure route", "Outcome", "Conditions of use"]
    assert table["rows"] == [["B1", "20 August 2011", "Chad", "technician, male, 60 years (number affected: 1)", "dermal, inhalation", "death",
                              "Mixed and loaded the formulation and sprayed it onto bird nests during a control operation."]]
    assert table["party"] == "Chad"


def test_section_2_2_gives_the_part_3_conclusions_criterion_by_criterion(chad):
    texts = [b["text"] for b in _section(chad, "2.2")["blocks"] if b["type"] == "p"]
    assert [t.split(":")[0] for t in texts] == ["Criterion (a)", "Criterion (b)", "Criterion (c)", "Criterion (d)", "Criterion (e)"]
    assert all("the Committee concluded that the criterion is met" in t for t in texts)
    assert texts[4].endswith("The incident arose from use as intended, not from intentional misuse.")
    assert not [b for b in _section(chad, "2.2")["blocks"] if b["type"] in ("table", "chart")], "no criterion matrix in the DGD"


def test_sections_3_and_4_read_annex_iv_part_1_h_and_part_2(chad):
    (measures,) = [b for b in _section(chad, "3.1")["blocks"] if b["type"] == "fields"]
    assert measures["rows"][0]["label"] == "Chad" and measures["rows"][0]["value"].startswith("Proposal to list the formulation under Article 6")
    alt = {r["key"]: r["value"] for b in _section(chad, "3.3")["blocks"] if b["type"] == "fields" for r in b["rows"]}
    assert alt["source"].startswith("Cheke and Sidatt") and "cyanophos" in alt["summary"]
    restr = {r["key"]: r["value"] for b in _section(chad, "3.2")["blocks"] if b["type"] == "fields" and b.get("item") == "(b)" for r in b["rows"]}
    assert restr["source"].startswith("Replies of Australia") and restr["summary"] is None  # collected, not summarised: to be completed
    assert any("(b)" in n["topic"] and "not summarised" in n["text"] for n in chad["drafting_notes"])
    (hazards,) = [b for b in _section(chad, "4.1")["blocks"] if b["type"] == "table"]
    assert hazards["rows"][0][0].startswith("WHO") and hazards["rows"][0][1] is None


def test_annex_1_gives_part_2_item_by_item_and_says_not_collected(chad, hostile):
    blocks = [b for b in _section(chad, "annex1.7")["blocks"] if b["type"] == "fields" and b.get("key") == "part2"]
    assert [b["item"] for b in blocks] == ["(a)", "(b)", "(c)", "(d)", "(e)", "(f)", "(g)", "(h)", "(i)"]
    assert {b["item"]: b["status"] for b in blocks}["(f)"] == "none found"
    notes = [n["text"] for n in chad["drafting_notes"] if n["topic"] == "Annex IV Part 2 (f)"]
    assert notes[0].startswith("Chad: looked for, none found")
    awaited = [n["text"] for n in hostile["drafting_notes"] if n["topic"] == "Annex IV Part 2 (b)"]
    assert awaited == ["Ghana: awaited: the call for information still awaits replies from <em>two</em> Parties"]
    (finding,) = _checks(hostile["checks"], "Annex IV Part 2")
    assert finding["result"] == dm.RESULT_TO_COMPLETE and "(b) (Ghana)" in finding["message"]


def test_annex_2_has_the_proposal_and_each_incident_report_and_annex_3_the_authority(chad):
    annex2 = [b for b in _section(chad, "annex2")["blocks"] if b["type"] == "fields"]
    proposal = {r["key"]: r["value"] for r in annex2[0]["rows"] if r["key"]}
    assert proposal["formulation_as_proposed"] == "Fenthion 640 ULV" and proposal["cas_as_proposed"] == ["55-38-9"]
    incident = {r["key"]: r["value"] for r in annex2[1]["rows"]}
    assert annex2[1]["key"] == "incident" and incident["outcome"] == "death" and incident["circumstance"] == "use as intended" and incident["medically_confirmed"] == "yes"
    assert incident["exposure_route"] == ["dermal", "inhalation"]
    dna = _table(chad, "annex3", "dna")
    assert dna["rows"] == [["Chad", "Pesticides", "Ministry in charge of agriculture, Chad", None, None, None]], "the data's '(illustrative)' marker stays out"
    refs = [b for b in _section(chad, "annex4")["blocks"] if b.get("key") == "references"]
    assert "Chad" in refs[0]["parties"] and refs[0]["items"][0].startswith("Chad. Proposal to list Fenthion 640 ULV in Annex III")
    assert any(i.startswith("[1] UNEP/FAO/RC/CRC.14/INF/15") for b in refs for i in b["items"]), "the substance data's references are numbered"


def test_abbreviations_list_what_the_text_uses(chad):
    listed = [r[0] for r in _table(chad, "abbreviations", "abbreviations")["rows"]]
    assert {"ULV", "PIC", "CAS"} <= set(listed)
    assert listed == [a for a in dm.abbreviations_used(chad) if a in dm.ABBREVIATIONS]


# --------------------------------------------------------------------------- the consistency check of the variant


def test_consistency_check_passes_the_chad_draft(chad):
    results = {f["check"]: f["result"] for f in chad["checks"]}
    assert results == {"identity": "ok", "parties": "ok", "basis": "ok", "Annex IV Part 2": "to complete", "other uses": "ok", "abbreviations": "ok"}
    assert dm.find_section(chad, "checks") is None


def test_consistency_check_catches_a_missing_authority(chad):
    doc = copy.deepcopy(chad)
    dna = _table(doc, "annex3", "dna")
    dna["rows"][0][2] = None
    (f,) = _checks(checks.check_dgd(doc), "parties")
    assert f["result"] == dm.RESULT_PROBLEM and f["message"] == "Chad is presented as the basis in section 2 but lacks its designated national authority in Annex 3"
    dna["rows"].clear()
    dna["parties"].clear()
    (f,) = _checks(checks.check_dgd(doc), "parties")
    assert f["message"] == "Chad is presented as the basis in section 2 but lacks its designated national authority in Annex 3"


def test_consistency_check_from_the_data_a_proposal_without_authority(data):
    doc = documents.dgd_document(chemical="Gramoxone Super", category="shpf", data=data, today=TODAY)
    (f,) = _checks(doc["checks"], "parties")
    assert f["result"] == dm.RESULT_PROBLEM and "Burkina Faso" in f["message"] and "designated national authority in Annex 3" in f["message"]
    # The CRC-7 rationale prints the paraquat CAS numbers reversed; the sample now gives the dichloride its own (1910-42-5).
    (cas,) = _checks(doc["checks"], "CAS numbers")
    assert cas["result"] == dm.RESULT_OK and "paraquat dichloride (1910-42-5)" in cas["message"]
    # Other uses given only as a pointer to a document fail the check.
    (other,) = _checks(doc["checks"], "other uses")
    assert other["result"] == dm.RESULT_PROBLEM and "only points to a source" in other["message"]


def test_consistency_check_catches_missing_incidents_identity_and_basis(chad):
    doc = copy.deepcopy(chad)
    for s in doc["sections"]:
        if s["id"] == "annex2":
            s["blocks"] = [b for b in s["blocks"] if b.get("key") != "incident"]
            for b in s["blocks"]:
                if b.get("key") == "annex2":
                    for r in b["rows"]:
                        if r["key"] == "cas_as_proposed":
                            r["value"] = ["55-38-9", "50-00-0"]
                        if r["key"] == "type_as_proposed":
                            r["value"] = "EC (emulsifiable concentrate)"
    next(b for b in _section(doc, "2.1")["blocks"] if b.get("basis"))["status"] = "not_met"
    for b in _section(doc, "1")["blocks"]:
        if b["type"] == "fields":
            for r in b["rows"]:
                if r["key"] == "annex_iii_entry":
                    r["value"] = None
    findings = checks.check_dgd(doc)
    messages = [f["message"] for f in findings if f["result"] == dm.RESULT_PROBLEM]
    assert "Chad is presented as the basis in section 2 but lacks an incident report in Annex 2" in messages
    assert "Annex 2 (Chad) gives CAS number(s) 50-00-0 that section 1 does not list" in messages
    assert "Annex 2 (Chad) gives the formulation type 'EC (emulsifiable concentrate)', section 1 'UL (ultra-low volume (ULV) liquid)'" in messages
    assert "section 1 gives no Annex III entry (formulation type and concentration threshold)" in messages
    assert "Chad is presented as a basis for listing but its proposal is not concluded to meet Annex IV Part 3 (not_met) (Article 6.5)" in messages


def test_no_second_region_is_asked_for_and_a_stray_party_is_caught(chad):
    findings = checks.check_dgd(chad)
    assert not [f for f in findings if "region" in f["message"] and f["result"] == dm.RESULT_PROBLEM]
    doc = copy.deepcopy(chad)
    _section(doc, "annex2")["blocks"].append(dm.fields([dm.field("Proposal", "x")], party="Niger", key="annex2"))
    messages = [f["message"] for f in checks.check_dgd(doc) if f["result"] == dm.RESULT_PROBLEM]
    assert messages == ["Niger is presented in 2.1 or Annex 2 but is not a proposing Party named as the basis in section 2"]


def test_two_proposals_from_one_region_are_both_the_basis(tmp_path):
    """No two-region rule (Article 6): a second proposal for the formulation from the same region joins the basis."""
    chad_file = SAMPLE_PROPOSALS / "chad-fenthion-640-ulv.yaml"
    text = chad_file.read_text(encoding="utf-8")
    (tmp_path / "chad.yaml").write_text(text, encoding="utf-8")
    niger = (text.replace(CHAD, "NER-FENTHION-ULV-2013").replace("proposing_party: Chad", "proposing_party: Niger")
             .replace("name: Fenthion 640 ULV", "name: Fenthion ULV (Niger)").replace("Ministry in charge of agriculture, Chad (illustrative)", "Ministry of Agriculture, Niger"))
    (tmp_path / "niger.yaml").write_text(niger, encoding="utf-8")
    data = documents.CaseData.load([tmp_path], today=TODAY)
    doc = documents.dgd_document(chemical="fenthion", variant="shpf", data=data, today=TODAY)
    assert doc["meta"]["proposing_parties"] == ["Chad", "Niger"] and doc["meta"]["pic_regions"] == ["Africa"]
    assert [b["party"] for b in _section(doc, "2.1")["blocks"] if b.get("basis")] == ["Chad", "Niger"]
    assert "Fenthion ULV (Niger)" in _fields(doc, "1", "other_names")
    assert {f["check"] for f in doc["checks"] if f["result"] == dm.RESULT_PROBLEM} == set()
    (basis,) = _checks(doc["checks"], "basis")
    assert basis["message"] == "compared each proposal of section 2 with its Annex IV Part 3 conclusion: 2 meet(s) it; one proposal suffices (Article 6: no second PIC region is needed)"
    text2 = " ".join(b["text"] for b in _section(doc, "2")["blocks"] if b["type"] == "p")
    assert "proposals by Chad (Africa; a developing country) and the Niger (Africa; a developing country)" in text2


def test_other_uses_of_the_active_ingredient_come_from_annex_iii_and_notifications(tmp_path):
    """Article 7.1: the DGD covers the active ingredient's notifications and listings beside the formulation."""
    text = (TEST_PROPOSALS / "pending-proposal.yaml").read_text(encoding="utf-8").replace("name: pendingfos", "name: examplefos")
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    data = documents.CaseData.load([CASES, tmp_path], today=TODAY)
    doc = documents.dgd_document(chemical="Pendingfos 500 SL", category="shpf", data=data, today=TODAY)
    uses = _fields(doc, "1", "other_formulations")
    assert "Examplefos: notified as banned or severely restricted in the pesticide category by Canada, Ghana and Kenya (Article 5)." in uses
    sen = documents.dgd_document(chemical="Spinox T", category="shpf", data=documents.CaseData.load([SAMPLE_PROPOSALS], today=TODAY), today=TODAY)
    assert any(u.startswith("Carbofuran: listed in Annex III in the pesticide category") for u in _fields(sen, "1", "other_formulations"))


def test_a_proposal_from_a_party_flagged_under_article_6_1_is_a_problem(tmp_path):
    text = (SAMPLE_PROPOSALS / "chad-fenthion-640-ulv.yaml").read_text(encoding="utf-8").replace("proposing_party: Chad", "proposing_party: Norway")
    (tmp_path / "norway.yaml").write_text(text, encoding="utf-8")
    doc = documents.dgd_document(chemical="Fenthion 640 ULV", variant="shpf", data=documents.CaseData.load([tmp_path], today=TODAY), today=TODAY)
    (f,) = [f for f in doc["checks"] if f["check"] == "basis" and f["result"] == dm.RESULT_PROBLEM]
    assert f["message"].startswith("Norway is classified as neither a developing country nor an economy in transition; Article 6.1")
    assert any(n["topic"] == "Article 6.1" and n["text"].startswith("Norway is classified as developed") for n in doc["drafting_notes"])


def test_a_proposal_not_meeting_part_3_is_not_presented_as_the_basis(data):
    doc = documents.dgd_document(chemical="dimethoate", category="shpf", data=data, today=TODAY)
    assert any("has not concluded that a proposal for Dimethoate EC 400 g/L meets Annex IV Part 3" in n["text"] for n in doc["drafting_notes"])
    notes = [n["text"] for n in doc["drafting_notes"] if n["topic"] == "Proposals not presented"]
    assert notes and "GEO-DIMETHOATE-400-EC-2015" in notes[0] and "not a basis for this listing" in notes[0]
    assert not [b for b in _section(doc, "2.1")["blocks"] if b.get("party")]
    (f,) = _checks(doc["checks"], "parties")
    assert f["result"] == dm.RESULT_PROBLEM


# --------------------------------------------------------------------------- escaping, DOCX


def test_html_escapes_proposal_and_incident_text(hostile):
    html = dm_html.document_html(hostile)
    assert "&lt;script&gt;alert(&#x27;place&#x27;)&lt;/script&gt; district" in html
    assert "Dusted by hand, no gloves &lt;img src=x onerror=alert(2)&gt;" in html
    assert "Hostile &lt;b&gt;dust&lt;/b&gt; DP" in html
    for raw in ("<script", "<img", "<b>", "<h1>injected", "<em>", "javascript:alert(3)'>"):
        assert raw not in html, raw
    table = _table(hostile, "2.1", "incidents")
    assert table["rows"][0][2] == "<script>alert('place')</script> district"  # the model keeps the text as it is


def test_docx_has_the_shpf_section_headings(tmp_path, chad, hostile):
    import docx

    path = word.write_docx(chad, tmp_path / "shpf.docx")
    d = docx.Document(str(path))
    h1 = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    h2 = [p.text for p in d.paragraphs if p.style.name == "Heading 2"]
    for sid, title in SHPF_SECTIONS:
        if "." not in sid and sid not in ("cover", "title"):
            assert title in h1, title
    assert {"2.1 Incidents reported by the proposing Party", "3.3 Alternatives", "4.2 Exposure limits", "7 Information collected by the Secretariat (Annex IV Part 2)"} <= set(h2)
    assert d.core_properties.subject == "Draft decision guidance document for a severely hazardous pesticide formulation"
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    assert "death" in cells and dm.TO_COMPLETE in cells
    hd = docx.Document(str(word.write_docx(hostile, tmp_path / "hostile.docx")))
    text = "\n".join(c.text for t in hd.tables for row in t.rows for c in row.cells).replace("\u200b", "")
    assert "<script>alert('place')</script> district" in text  # plain text in a run, never markup


# --------------------------------------------------------------------------- selecting the variant


def test_variant_and_category_select_the_shpf_dgd(data, chad):
    by_category = documents.dgd_document(chemical="TCD-FENTHION-640-ULV-2012", category="shpf", data=data, today=TODAY)
    assert by_category["meta"]["chemical"] == "Fenthion 640 ULV" and by_category["sections"] == chad["sections"]
    assert documents.dgd_document(chemical="fenthion", variant="shpf", data=data, today=TODAY)["meta"]["chemical"] == "Fenthion 640 ULV"
    with pytest.raises(documents.DocumentDataError, match="is a severely hazardous pesticide formulation proposed under Article 6: draft its DGD with --variant shpf"):
        documents.dgd_document(chemical="Fenthion 640 ULV", data=data)
    with pytest.raises(UsageError, match="in the shpf category, not 'pesticide'"):
        documents.dgd_document(chemical="Fenthion 640 ULV", variant="shpf", category="pesticide", data=data)
    with pytest.raises(documents.DocumentDataError, match="no SHPF proposal in the data concerns 'Fenthoin 604'; did you mean"):
        documents.dgd_document(chemical="Fenthoin 604", variant="shpf", data=data)
    with pytest.raises(UsageError, match="unknown DGD variant 'pops'"):
        documents.dgd_document(chemical="x", variant="pops", data=data)
    assert set(documents.DGD_VARIANTS) == {"fra", "shpf"}


# --------------------------------------------------------------------------- synopsis Appendix II


def test_synopsis_appendix_ii_lists_the_proposals_of_the_period(data):
    doc = documents.synopsis_document(data=data, today=TODAY)
    assert (doc["meta"]["date_from"], doc["meta"]["date_to"]) == ("2024-01-01", "2024-06-30")
    assert [s["id"] for s in doc["sections"] if s["level"] == 1] == ["summary", "appendix-i", "appendix-ii", "appendix-v"]
    assert doc["sections"][0]["blocks"][0]["text"] == "Rotterdam Convention — PIC Circular, Appendices I, II and V (Articles 5.4 and 6.2)"
    heads = [b["text"] for b in _section(doc, "appendix-ii.a")["blocks"] if b["type"] == "heading"]
    assert heads == ["Hostile <b>dust</b> DP — Ghana (Africa)"]
    summary = {r["label"]: r["value"] for b in _section(doc, "appendix-ii.a")["blocks"] if b["type"] == "fields" for r in b["rows"]}
    assert summary["Date received"] == "1 February 2024" and summary["Verification (Article 6.2)"] == "verified by the Secretariat (recorded), 2 May 2024"
    assert summary["Description of the incidents (Annex IV Part 1 (g))"].endswith("(1 incident report(s))")
    (table,) = [b for b in _section(doc, "appendix-ii.b")["blocks"] if b["type"] == "table"]
    assert table["rows"] == [["Pendingfos 500 SL", "Peru", "Latin America and the Caribbean", "10 March 2024", "10 September 2024 (overdue)", "not yet verified", "(d)", "yes: developing country"]]
    html = dm_html.document_html(doc)
    assert "Hostile &lt;b&gt;dust&lt;/b&gt; DP" in html and "<b>dust" not in html


def test_synopsis_appendix_ii_for_chad_and_for_a_period_without_proposals(data):
    doc = documents.synopsis_document(data=data, date_from=dt.date(2012, 1, 1), date_to=dt.date(2012, 12, 31), today=TODAY)
    heads = [b["text"] for b in _section(doc, "appendix-ii.a")["blocks"] if b["type"] == "heading"]
    assert heads == ["Fenthion 640 ULV — Chad (Africa)"]
    fields = {r["label"]: r["value"] for b in _section(doc, "appendix-ii.a")["blocks"] if b["type"] == "fields" for r in b["rows"]}
    assert fields["Summary circulated"] == "PIC Circular XXXVI (December 2012)" and fields["Review by the Committee (Article 6.5)"] == "CRC-9: Annex IV Part 3 met"
    empty = documents.synopsis_document(data=documents.CaseData.load([CASES], today=TODAY), today=TODAY)
    assert [b["text"] for b in _section(empty, "appendix-ii.a")["blocks"]] == ["None in this period."]
    assert [b["text"] for b in _section(empty, "appendix-ii.b")["blocks"]] == ["None in this period."]


# --------------------------------------------------------------------------- rationale for a proposal


def test_rationale_for_a_proposal_in_numbered_paragraphs(data):
    doc = documents.rationale_document(notification_id=CHAD, data=data, today=TODAY)
    assert doc["title"] == "Rationale for the conclusion by the Chemical Review Committee that the proposal submitted by Chad to list Fenthion 640 ULV as a severely hazardous pesticide formulation meets the criteria of Annex IV Part 3 to the Rotterdam Convention"
    assert doc["meta"]["file_stem"] == f"rationale-{CHAD}-shpf" and doc["meta"]["part3_status"] == "met"
    assert [s["id"] for s in doc["sections"]] == ["title", "scope", "(a)", "(b)", "(c)", "(d)", "(e)", "conclusion"]
    paras = [b for s in doc["sections"] for b in s["blocks"] if b.get("number")]
    assert [b["number"] for b in paras] == [str(i) for i in range(1, len(paras) + 1)]
    assert paras[0]["text"].startswith("The proposal submitted by Chad (Africa) referred to Fenthion 640 ULV")
    assert "UNEP/FAO/RC/CRC.9/4" in paras[1]["text"], "the documents reviewed, with their symbols"
    for cid in ("(a)", "(b)", "(c)", "(d)", "(e)"):
        (p,) = [b for b in _section(doc, cid)["blocks"] if b.get("number")]
        assert p["text"].startswith(f"Criterion {cid}: the Committee concluded that the criterion is met for the proposal of Chad.")
        assert _section(doc, cid)["blocks"][0]["style"] == "legal"
    assert _table(doc, "scope", "incidents")["rows"][0][0] == "B1"
    concl = [b["text"] for b in _section(doc, "conclusion")["blocks"] if b.get("number")]
    assert concl[0].startswith("The Committee concluded at CRC-9 that the proposal by Chad meets the criteria of Annex IV Part 3")
    assert any(n["topic"].startswith("Aid") for n in doc["drafting_notes"])
    import nbformat

    from crc_tools.documents.render import template_path

    nb = nbformat.read(str(template_path("rationale")), as_version=4)
    shown = re.findall(r"doc\.show\('([^']+)'\)", "\n".join(c.source for c in nb.cells))
    assert shown == dm.parts(doc)


def test_rationale_for_a_proposal_not_meeting_part_3_and_unknown_ids(data):
    doc = documents.rationale_document(notification_id="GEO-DIMETHOATE-400-EC-2015", data=data, today=TODAY)
    assert "does not meet the criteria of Annex IV Part 3" in doc["title"]
    pending = documents.rationale_document(notification_id="PER-PENDINGFOS-SL-2024", category="shpf", data=data, today=TODAY)
    assert pending["title"].startswith("Draft rationale for the task group:")
    with pytest.raises(documents.DocumentDataError, match=f"no notification or SHPF proposal 'TCD-FENTHION-640-ULV' in the data; did you mean '{CHAD}'"):
        documents.rationale_document(notification_id="TCD-FENTHION-640-ULV", data=data)
    with pytest.raises(documents.DocumentDataError, match="no SHPF proposal 'KEN-EXAMPLEFOS'"):
        documents.rationale_document(notification_id="KEN-EXAMPLEFOS", category="shpf", data=data)
    # a notification id still gives the Annex II rationale
    assert "Annex II" in documents.rationale_document(notification_id="KEN-EXAMPLEFOS", data=data, today=TODAY)["title"]


def test_recommended_formulations_are_those_meeting_part_3(data):
    from crc_tools.documents.shpf_dgd import recommended_formulations

    assert recommended_formulations(data) == ["Fenthion 640 ULV", "Gramoxone Super (paraquat dichloride EC)", "Granox TBC / Spinox T (dustable powder)", "Hostile <b>dust</b> DP"]
    assert recommended_formulations(data, include_listed=False) == ["Gramoxone Super (paraquat dichloride EC)", "Hostile <b>dust</b> DP"]
