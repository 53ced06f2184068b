"""Document models: the draft DGD, the rationale, the synopsis, their HTML and DOCX, the consistency check.

These tests build models and write DOCX without a kernel; the notebook templates are
executed in ``test_rendering.py``.
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

from .conftest import run_crc

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "data" / "documents" / "cases"
TODAY = dt.date(2025, 3, 1)

DGD_SECTIONS = [
    ("cover", ""),
    ("introduction", "Introduction"),
    ("purpose", "Purpose of the decision guidance document"),
    ("disclaimer", "Disclaimer"),
    ("abbreviations", "List of abbreviations that may be used in this document"),
    ("title", "Decision guidance document for a banned or severely restricted chemical"),
    ("1", "1 Identification and specifications"),
    ("2", "2 Reasons for inclusion in the PIC procedure"),
    ("2.1", "2.1 Final regulatory action"),
    ("2.2", "2.2 Risk evaluation"),
    ("3", "3 Protective measures that have been applied concerning the chemical"),
    ("3.1", "3.1 Regulatory measures to reduce exposure"),
    ("3.2", "3.2 Other measures to reduce exposure"),
    ("3.3", "3.3 Alternatives"),
    ("3.4", "3.4 Socio-economic effects"),
    ("4", "4 Hazards and risks to human health and the environment"),
    ("4.1", "4.1 Hazard classification"),
    ("4.2", "4.2 Exposure limits"),
    ("4.3", "4.3 Packaging and labelling"),
    ("4.4", "4.4 First aid"),
    ("4.5", "4.5 Waste management"),
    ("annex1", "Annex 1 Further information on the substance"),
    ("annex1.1", "1 Physico-chemical properties"),
    ("annex1.2", "2 Toxicological properties"),
    ("annex1.3", "3 Human exposure/Risk evaluation"),
    ("annex1.4", "4 Environmental fate"),
    ("annex1.5", "5 Effects on non-target organisms"),
    ("annex1.6", "6 Environmental exposure/Risk evaluation"),
    ("annex2", "Annex 2 Details on final regulatory actions reported"),
    ("annex3", "Annex 3 Addresses of designated national authorities"),
    ("annex4", "Annex 4 References"),
]


@pytest.fixture(scope="module")
def data():
    return documents.CaseData.load([CASES], today=TODAY)


@pytest.fixture(scope="module")
def chrysotile(data):
    return documents.dgd_document(chemical="Chrysotile asbestos", data=data, today=TODAY)


@pytest.fixture(scope="module")
def examplefos(data):
    return documents.dgd_document(chemical="Examplefos", data=data, today=TODAY)


@pytest.fixture(scope="module")
def hostile(data):
    return documents.dgd_document(chemical="<script>alert(1)</script>", data=data, today=TODAY)


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


def _checks(findings, check):
    return [f for f in findings if f["check"] == check]


def _notes(doc, topic):
    return [n["text"] for n in doc["drafting_notes"] if n["topic"] == topic]


# --------------------------------------------------------------------------- DGD layout


def test_dgd_follows_the_real_layout(chrysotile):
    got = [(s["id"], dm.section_title(s) if s["id"] != "cover" else "") for s in chrysotile["sections"]]
    assert got == DGD_SECTIONS
    assert chrysotile["meta"]["file_stem"] == "dgd-Chrysotile-asbestos-industrial"
    assert dm.find_section(chrysotile, "checks") is None, "the consistency check goes to the drafting notes, not into the DGD"


def test_section_1_identification(chrysotile):
    assert _fields(chrysotile, "1", "common_name") == "Chrysotile asbestos"
    assert _fields(chrysotile, "1", "cas_numbers") == ["12001-29-5"]
    assert _fields(chrysotile, "1", "category") == "Industrial"
    # The notification gave the code; the European Community notified it (received before 1 December 2009).
    assert _fields(chrysotile, "1", "hs_code") == ["2524.90 (as given in the notification of the European Community)"]
    uses = _fields(chrysotile, "1", "uses_regulated")
    assert any(u.startswith("Chile:") for u in uses) and any(u.startswith("European Community:") for u in uses)


def test_hs_code_from_the_reference_table_is_not_attributed_to_a_party():
    data = documents.CaseData.load(today=TODAY)
    doc = documents.dgd_document(chemical="Tributyltin compounds", category="industrial", data=data, today=TODAY)
    hs = _fields(doc, "1", "hs_code")
    assert hs and hs[0].startswith("2931.20 (HS 2022 subheading") and not any("notification" in h for h in hs), hs


def test_items_the_data_lack_are_said_visibly(chrysotile):
    # Chile gave no alternatives: the draft says so instead of leaving a blank.
    rows = {r["label"]: r["value"] for b in _section(chrysotile, "3.3")["blocks"] if b["type"] == "fields" for r in b["rows"]}
    assert rows["Chile"] is None and "Cellulose" in rows["European Community"]
    assert _fields(chrysotile, "1", "molecular_formula") is None
    html = dm_html.section_html(_section(chrysotile, "3.3"))
    assert html.count(dm.TO_COMPLETE) == 1 and 'class="crc-missing"' in html and 'class="crc-to-complete"' in html
    assert dm.TO_COMPLETE in dm_html.section_html(_section(chrysotile, "4.2"))


def test_section_2_names_only_parties_meeting_annex_ii(examplefos):
    basis = [b for b in _section(examplefos, "2.1")["blocks"] if b.get("basis")]
    assert [b["party"] for b in basis] == ["Canada", "Kenya"]
    assert {b["region"] for b in basis} == {"North America", "Africa"}
    parties_a2 = {b["party"] for b in _section(examplefos, "annex2")["blocks"] if b.get("party") and b["type"] == "fields"}
    assert parties_a2 == {"Canada", "Kenya"}
    lead = " ".join(b["text"] for b in _section(examplefos, "2")["blocks"] if b["type"] == "p")
    assert "Canada and Kenya" in lead and "Ghana" not in lead
    # What the review knows and the DGD does not say goes to the drafting notes.
    assert _notes(examplefos, "Notifications not presented") == ["Ghana (Africa), notification GHA-EXAMPLEFOS: Annex II not met; not a basis for this listing."]
    assert "inferred" not in dm_html.document_html(examplefos)


def test_uses_in_other_categories_article_7_1(examplefos, chrysotile):
    other = _fields(examplefos, "1", "uses_other_categories")
    assert other and "Japan" in other[0] and other[0].startswith("Industrial")
    assert _checks(examplefos["checks"], "uses in other categories")[0]["result"] == "ok"
    assert _fields(chrysotile, "1", "uses_other_categories") is None
    assert _checks(chrysotile["checks"], "uses in other categories")[0]["result"] == "to complete"


def test_abbreviations_list_what_the_text_uses(chrysotile):
    (tbl,) = [b for b in _section(chrysotile, "abbreviations")["blocks"] if b["type"] == "table"]
    listed = [r[0] for r in tbl["rows"]]
    assert {"CAS", "PIC", "UNEP", "FAO", "IARC"} <= set(listed)
    assert "SHPF" not in listed
    (f,) = _checks(chrysotile["checks"], "abbreviations")
    assert f["result"] == "ok" and "CAS" in f["message"], "an ok names what was compared"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Reviewed by the CSP of the CILSS and by NICNAS; see ILO guidance.", {"CSP", "CILSS", "NICNAS", "ILO"}),
        ("LD50 and DT50 values; ARfD and ADI; DNAs notified.", {"LD50", "DT50", "ARfD", "ADI", "DNA"}),
        ("Annex III, Appendix II and PIC Circular XXXVI; document UNEP/FAO/RC/CRC.12/3/Rev.1.", {"PIC"}),
        ("The grouping (C4H9)3Sn; pH 9; a Party.", set()),
    ],
)
def test_abbreviations_check_finds_every_all_capital_token(text, found):
    assert dm.capital_tokens(text) == found


def test_abbreviations_check_reports_each_token_missing_from_the_list(chrysotile):
    doc = copy.deepcopy(chrysotile)
    _section(doc, "3.2")["blocks"].append(dm.p("Training by the CSP and NICNAS under ILO and XYZW guidance."))
    (f,) = _checks(checks.check_dgd(doc), "abbreviations")
    assert f["result"] == "problem"
    assert f["message"] == "used in the text but not in the list of abbreviations: CSP, ILO, NICNAS, XYZW"


def test_not_recommended_chemical_is_drafted_with_a_note(data):
    doc = documents.dgd_document(chemical="Examplefos", category="industrial", data=data, today=TODAY)
    assert any("has not recommended" in n for n in _notes(doc, "Status"))
    assert any(f["result"] == "problem" for f in _checks(doc["checks"], "parties"))
    lead = [b for b in _section(doc, "2")["blocks"] if b.get("style") == "missing"]
    assert lead and "no basis for listing yet" in lead[0]["text"]


def test_unknown_chemical_and_category_errors(data):
    with pytest.raises(documents.DocumentDataError, match="no notification in the data concerns 'Chrysotyle'; did you mean 'Chrysotile asbestos'"):
        documents.dgd_document(chemical="Chrysotyle", data=data)
    with pytest.raises(documents.DocumentDataError, match="no notification of Chrysotile asbestos in the pesticide category"):
        documents.dgd_document(chemical="Chrysotile asbestos", category="pesticide", data=data)
    # by CAS number too
    assert documents.dgd_document(chemical="12001-29-5", data=data, today=TODAY)["meta"]["chemical"] == "Chrysotile asbestos"


# --------------------------------------------------------------------------- consistency check


def test_consistency_check_passes_a_consistent_draft(chrysotile):
    results = {f["check"]: f["result"] for f in chrysotile["checks"]}
    assert results == {"identity": "ok", "parties": "ok", "basis": "ok", "uses in other categories": "to complete", "abbreviations": "ok"}
    for f in chrysotile["checks"]:
        if f["result"] == "ok":
            assert re.search(r"compared|named alike|in the list|gives", f["message"]), f
    assert any(n.startswith("identity: ok") for n in _notes(chrysotile, "Internal-consistency check"))


def _drop_party(doc, sid, party):
    (dna,) = [b for b in _section(doc, sid)["blocks"] if b.get("key") == "dna"]
    keep = [i for i, p in enumerate(dna["parties"]) if p != party]
    dna["rows"] = [dna["rows"][i] for i in keep]
    dna["parties"] = [dna["parties"][i] for i in keep]


def test_consistency_check_catches_a_party_missing_from_annex_3(chrysotile):
    doc = copy.deepcopy(chrysotile)
    _drop_party(doc, "annex3", "Chile")
    (problem,) = [f for f in checks.check_dgd(doc) if f["result"] == "problem"]
    assert problem["check"] == "parties"
    assert problem["message"] == "Chile is presented as the basis in section 2 but lacks its designated national authority in Annex 3"


def test_consistency_check_from_the_data_a_party_without_authority(examplefos):
    problems = [f["message"] for f in examplefos["checks"] if f["result"] == "problem" and f["check"] == "parties"]
    assert problems == ["Canada is presented as the basis in section 2 but lacks its designated national authority in Annex 3"]


def test_consistency_check_catches_identity_basis_and_stray_parties(chrysotile):
    doc = copy.deepcopy(chrysotile)
    cover = _section(doc, "cover")
    next(b for b in cover["blocks"] if b.get("key") == "chemical")["text"] = "Crocidolite asbestos"
    next(b for b in _section(doc, "2.1")["blocks"] if b.get("basis"))["status"] = "not_met"
    _section(doc, "annex2")["blocks"].append(dm.fields([dm.field("Category", "Industrial", "category_as_notified")], party="Ghana", key="annex2"))
    a2 = next(b for b in _section(doc, "annex2")["blocks"] if b["type"] == "fields")
    next(r for r in a2["rows"] if r["key"] == "cas_as_notified")["value"] = ["12001-28-4"]
    problems = {(f["check"], f["message"]) for f in checks.check_dgd(doc) if f["result"] == "problem"}
    assert {c for c, _ in problems} == {"identity", "basis", "parties"}
    messages = " | ".join(m for _, m in problems)
    assert "the name differs between the cover" in messages and "Crocidolite asbestos" in messages
    assert "12001-28-4" in messages
    assert "Ghana is presented in 2.1 or Annex 2 but is not a notifying Party named as the basis in section 2" in messages
    assert "not concluded to meet Annex II" in messages


def test_consistency_check_one_region_is_not_a_basis(chrysotile):
    doc = copy.deepcopy(chrysotile)
    for b in _section(doc, "2.1")["blocks"]:
        if b.get("basis"):
            b["region"] = "Europe"
    (f,) = [f for f in checks.check_dgd(doc) if f["check"] == "basis"]
    assert f["result"] == "problem" and "1 PIC region(s)" in f["message"] and "Article 5.6" in f["message"]


def test_consistency_check_catches_the_cation_cas_number_given_for_the_salt(chrysotile):
    """Paraquat dichloride is 1910-42-5; 4685-14-7 is the cation (both valid CAS numbers: a check digit cannot tell)."""
    doc = copy.deepcopy(chrysotile)
    for b in _section(doc, "annex2")["blocks"]:
        if b["type"] == "fields":
            for r in b["rows"]:
                if r["key"] == "chemical_as_notified":
                    r["value"] = ["Paraquat dichloride"]
                if r["key"] == "cas_as_notified":
                    r["value"] = ["4685-14-7"]
    messages = [f["message"] for f in checks.check_dgd(doc) if f["check"] == "identity"]
    assert any("gives paraquat dichloride the CAS number 4685-14-7; the reference identity of paraquat dichloride is 1910-42-5 (4685-14-7 is paraquat (active moiety (cation)))" in m.replace("Paraquat", "paraquat") for m in messages), messages


# --------------------------------------------------------------------------- escaping and file names


def test_html_escapes_notification_text(hostile):
    html = dm_html.document_html(hostile)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.casefold()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<b>bold" not in html and "javascript:alert" not in html.replace("javascript:alert(4)&gt;", "")
    assert "</p><script>" not in html


def test_file_names_from_chemical_names_are_sanitised(hostile):
    stem = hostile["meta"]["file_stem"]
    assert stem == "dgd-script-alert-1-script-industrial"
    assert re.fullmatch(r"[A-Za-z0-9._-]+", stem)


def test_provenance_markers_in_values_go_to_the_drafting_notes(chrysotile):
    doc = copy.deepcopy(chrysotile)
    _section(doc, "3.2")["blocks"].append(dm.fields([dm.field("Authority", "Ministry of Health (illustrative, see sources)")]))
    dm.scrub(doc)
    html = dm_html.document_html(doc)
    assert "illustrative" not in html and "Ministry of Health" in html
    assert any("(illustrative, see sources)" in n["text"] for n in doc["drafting_notes"])


def test_the_criterion_matrix_is_in_the_rationale_and_not_in_the_dgd(data, chrysotile):
    assert not [b for s in chrysotile["sections"] for b in s["blocks"] if b["type"] == "chart"]
    doc = documents.rationale_document(notification_id="EU-CHRYSOTILE-TEST", data=data, today=TODAY)
    (chart,) = [b for b in _section(doc, "conclusion")["blocks"] if b["type"] == "chart"]
    assert chart["svg"].lstrip().startswith("<svg")
    html = dm_html.block_html(chart)
    assert '<img class="crc-chart"' in html and "data:image/svg+xml;base64," in html and "<svg" not in html


# --------------------------------------------------------------------------- DOCX


def _docx_outline(path):
    import docx

    d = docx.Document(str(path))
    heads = [(p.style.name, p.text) for p in d.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Title"]
    return d, heads


def test_docx_has_the_section_headings_and_tables(tmp_path, chrysotile):
    path = word.write_docx(chrysotile, tmp_path / "dgd.docx")
    d, heads = _docx_outline(path)
    h1 = [t for s, t in heads if s == "Heading 1"]
    h2 = [t for s, t in heads if s == "Heading 2"]
    assert h1 == [
        "Contents", "Introduction", "Purpose of the decision guidance document", "Disclaimer", "List of abbreviations that may be used in this document",
        "1 Identification and specifications", "2 Reasons for inclusion in the PIC procedure",
        "3 Protective measures that have been applied concerning the chemical",
        "4 Hazards and risks to human health and the environment", "Annex 1 Further information on the substance",
        "Annex 2 Details on final regulatory actions reported", "Annex 3 Addresses of designated national authorities",
        "Annex 4 References",
    ]
    assert h2[:4] == ["2.1 Final regulatory action", "2.2 Risk evaluation", "3.1 Regulatory measures to reduce exposure", "3.2 Other measures to reduce exposure"]
    assert h2[-6:] == ["1 Physico-chemical properties", "2 Toxicological properties", "3 Human exposure/Risk evaluation", "4 Environmental fate", "5 Effects on non-target organisms", "6 Environmental exposure/Risk evaluation"]
    captions = [t.rows[0].cells[0].text for t in d.tables]
    assert "Chile" in captions and "European Community" in captions, "each Party's block is headed by its name, repeated on each page"
    annex3 = [t for t in d.tables if t.rows[0].cells[0].text == "Notifying Party" and "Institution" in [c.text for c in t.rows[0].cells]]
    assert annex3 and {r.cells[0].text for r in annex3[0].rows[1:]} == {"Chile", "European Community"}
    assert d.core_properties.title == "Decision guidance document: Chrysotile asbestos (draft)"


def test_docx_text_is_plain_and_control_characters_are_dropped(tmp_path, hostile):
    import docx

    doc = copy.deepcopy(hostile)
    doc["sections"][0]["blocks"].append(dm.p("bell\x07 and nul\x00 removed"))
    path = word.write_docx(doc, tmp_path / "hostile.docx")
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "<script>alert(1)</script>" in text and "bell and nul removed" in text


@pytest.mark.parametrize("value", ["UNEP/FAO/RC/CRC.12/3/Rev.1", "pesticides.authority@agriculture.example.org", "Notification", "https://www.example.org/a/very/long/path/to/a/document.pdf"])
def test_docx_columns_fit_their_longest_word(value):
    header = ["Party", "Designated national authority for", "Institution", "Address", "Person in charge", "E-mail"]
    widths, size = word.column_widths(header, [["Burkina Faso", "Pesticides", value, value, "Director", value]], dm.TO_COMPLETE)
    assert sum(widths) <= word.TEXT_TWIPS
    for i, w in enumerate(widths):
        cells = [header[i], word.breakable(["Burkina Faso", "Pesticides", value, value, "Director", value][i])]
        longest = max(len(x) for c in cells for x in word.words(c))
        assert w >= longest * 0.5 * size * 20, (i, w, longest, size)


# --------------------------------------------------------------------------- rationale


def test_rationale_of_a_committee_conclusion_in_numbered_paragraphs(data):
    doc = documents.rationale_document(notification_id="EU-CHRYSOTILE-TEST", data=data, today=TODAY)
    assert doc["title"] == (
        "Rationale for the conclusion by the Chemical Review Committee that the notification of final regulatory action submitted by the European Community "
        "in respect of chrysotile asbestos under the industrial category meets the criteria of Annex II to the Rotterdam Convention"
    )
    paras = [b for s in doc["sections"] for b in s["blocks"] if b.get("number")]
    assert [b["number"] for b in paras] == [str(i) for i in range(1, len(paras) + 1)], "numbered on through the sections"
    assert paras[0]["text"].startswith("The notification of final regulatory action submitted by the European Community (Europe) in respect of chrysotile asbestos under the industrial category")
    (a,) = [b for b in _section(doc, "(a)")["blocks"] if b.get("number")]
    assert a["text"].startswith("Criterion (a): the Committee concluded that the criterion is met") and "protect human health" in a["text"]
    b_i = next(b for b in _section(doc, "(b)")["blocks"] if b.get("number"))
    assert b_i["style"] == "missing" and "No conclusion of the Committee and no proposal" in b_i["text"]
    concl = [b["text"] for b in _section(doc, "conclusion")["blocks"] if b.get("number")]
    assert concl == ["The Committee concluded at CRC-1 that the notification of final regulatory action by the European Community in respect of chrysotile asbestos meets the criteria of Annex II."]
    html = dm_html.document_html(doc)
    assert "reasons_human_health" not in html and "It reads" not in html
    assert any("criterion (a): supports" in n["text"] for n in doc["drafting_notes"])


def test_rationale_titles_follow_who_concluded(data):
    not_met = documents.rationale_document(notification_id="GHA-EXAMPLEFOS", data=data, today=TODAY)
    assert "does not meet the criteria of Annex II" in not_met["title"] and not_met["title"].startswith("Rationale for the conclusion by the Chemical Review Committee")
    pending = documents.rationale_document(notification_id="PER-LONELYZINE", data=data, today=TODAY)
    assert pending["title"].startswith("Draft rationale for the task group:")
    with pytest.raises(documents.DocumentDataError, match="did you mean 'KEN-EXAMPLEFOS'"):
        documents.rationale_document(notification_id="KEN-EXAMPLEFO", data=data)


def test_a_task_group_proposal_is_a_draft_with_who_proposed_it(tmp_path):
    text = (CASES / "chrysotile-european-union.yaml").read_text(encoding="utf-8")
    text = text.replace("role: committee", "role: task_group").replace("annex_ii_conclusion: met", "annex_ii_conclusion: pending")
    (tmp_path / "eu.yaml").write_text(text, encoding="utf-8")
    data = documents.CaseData.load([tmp_path], today=TODAY)
    doc = documents.rationale_document(notification_id="EU-CHRYSOTILE-TEST", data=data, today=TODAY)
    assert doc["title"].startswith("Draft rationale for the task group:")
    texts = [b["text"] for s in doc["sections"] for b in s["blocks"] if b.get("number")]
    proposals = [t for t in texts if "proposes that the criterion" in t]
    assert proposals and all("the task group" in t and "The Committee has not concluded on it." in t for t in proposals)
    assert not any("the Committee concluded that the criterion" in t for t in texts)
    assert texts[-1].startswith("The Committee has not concluded on the notification")


# --------------------------------------------------------------------------- synopsis


def test_synopsis_default_period_and_appendices(data):
    doc = documents.synopsis_document(data=data, today=TODAY)
    assert (doc["meta"]["date_from"], doc["meta"]["date_to"]) == ("2024-01-01", "2024-06-30")
    assert doc["title"] == "Synopsis of notifications of final regulatory action received from 1 January 2024 to 30 June 2024"
    heads = lambda sid: [b["text"] for b in _section(doc, sid)["blocks"] if b["type"] == "heading"]  # noqa: E731
    assert heads("appendix-i.a") == ["Examplefos — Canada (North America)", "Examplefos — Ghana (Africa)", "Examplefos — Kenya (Africa)", "Lonelyzine — Peru (Latin America and the Caribbean)"]
    assert heads("appendix-i.b") == ["Partialfen — India (Asia)"]
    b_fields = {r["label"]: r["value"] for b in _section(doc, "appendix-i.b")["blocks"] if b["type"] == "fields" for r in b["rows"]}
    assert b_fields["Annex I verification (Article 5.3)"] == "found incomplete by the Secretariat (recorded)"
    assert "2(a)(i)" in b_fields["Annex I items without information"]
    (awaiting,) = [b for b in _section(doc, "appendix-v")["blocks"] if b["type"] == "table"]
    assert [(r[0], r[1]) for r in awaiting["rows"]] == [("Examplefos", "Industrial"), ("Lonelyzine", "Pesticide")]
    (chart,) = [b for b in _section(doc, "summary")["blocks"] if b["type"] == "chart"]
    assert ["2024", "Africa", "2"] in chart["rows"]


def test_synopsis_period_options(data):
    from crc_tools.documents.synopsis import synopsis_period

    assert synopsis_period(data, dt.date(2024, 3, 1), None) == (dt.date(2024, 3, 1), dt.date(2024, 8, 31))
    assert synopsis_period(data, None, dt.date(2024, 6, 30)) == (dt.date(2024, 1, 1), dt.date(2024, 6, 30))
    doc = documents.synopsis_document(data=data, date_from=dt.date(2004, 7, 1), date_to=dt.date(2004, 12, 31), today=TODAY)
    assert doc["meta"]["received"] == 2 and doc["meta"]["verified"] == 2
    from crc_tools.errors import UsageError

    with pytest.raises(UsageError):
        synopsis_period(data, dt.date(2024, 6, 1), dt.date(2024, 1, 1))


# --------------------------------------------------------------------------- templates


@pytest.mark.parametrize("kind", ["dgd", "rationale", "synopsis"])
def test_templates_are_stored_without_outputs_and_document_their_parameters(kind):
    import nbformat
    import papermill as pm

    from crc_tools.documents.render import template_path

    path = template_path(kind)
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path}: outputs stored"
    params = pm.inspect_notebook(str(path))
    assert "document" in params and params["document"]["inferred_type_name"] == "dict"
    assert all(p["help"] for p in params.values()), "every parameter carries a comment for papermill --help-notebook"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1


def test_dgd_template_names_every_part_of_the_model(chrysotile):
    import nbformat

    from crc_tools.documents.render import template_path

    nb = nbformat.read(str(template_path("dgd")), as_version=4)
    shown = re.findall(r"doc\.show\('([^']+)'\)", "\n".join(c.source for c in nb.cells))
    assert shown == dm.parts(chrysotile)


# --------------------------------------------------------------------------- command line (no rendering)


def test_cli_unknown_chemical_exits_1_without_traceback():
    r = run_crc("dgd", "unobtainium", "--data", CASES)
    assert r.code == 1 and "Traceback" not in r.err
    assert r.err.strip().startswith("unobtainium: chemical: no notification in the data concerns 'unobtainium'")


def test_cli_usage_errors_exit_2():
    assert run_crc("dgd", "x", "--format", "html,odt").code == 2
    assert run_crc("report").code == 2
    assert run_crc("dgd", "x", "--category", "food").code == 2
    r = run_crc("rationale", "KEN-EXAMPLEFOS", "--data", CASES, "--category", "industrial")
    assert r.code == 1 and "does not cover the industrial category" in r.err


def test_demo_reports_a_failed_document_and_goes_on(tmp_path, monkeypatch):
    from crc_tools.documents import render as reports

    calls = {}

    def fake_render_many(requests, **kwargs):
        calls["requests"] = [(r.kind, r.chemical) for r in requests]
        return [reports.Failed(kind=r.kind, label=r.label, message="ValueError: boom", partial=str(tmp_path / "x.failed.ipynb")) for r in requests]

    import shutil

    shutil.copytree(CASES, tmp_path / "data" / "cases")
    monkeypatch.setenv("CRC_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(reports, "render_many", fake_render_many)
    r = run_crc("demo", "--out", tmp_path / "out")
    assert r.code == 1
    assert calls["requests"] == [("dgd", "<script>alert(1)</script>"), ("dgd", "Chrysotile asbestos"), ("dgd", "Examplefos"), ("synopsis", None)]
    assert f"synopsis: ValueError: boom; partial notebook: {tmp_path / 'x.failed.ipynb'}" in r.err
    assert "DGD Chrysotile asbestos (industrial): ValueError: boom" in r.err
    assert (tmp_path / "out" / "review-status.json").exists()


# --------------------------------------------------------------------------- the package


def test_model_modules_do_not_import_each_other_and_functions_stay_short():
    """One model module per document kind, shared parts below them, no import circle (DESIGN.md "Package layout")."""
    import ast

    package = ROOT / "crc_tools" / "documents"
    kinds = {"dgd", "shpf_dgd", "rationale", "shpf_rationale", "synopsis"}
    for name in kinds:
        tree = ast.parse((package / f"{name}.py").read_text(encoding="utf-8"))
        imported = {n.module.lstrip(".") for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 1 and n.module}
        assert not imported & (kinds - {name}), f"{name} imports {imported & kinds}"
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                assert node.end_lineno - node.lineno + 1 <= 80, f"{path.name}: {node.name} is {node.end_lineno - node.lineno + 1} lines"
