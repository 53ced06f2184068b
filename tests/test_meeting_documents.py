"""Documents fit to circulate: the published DGD outline, the UN meeting-document layout, nothing internal.

The three sample DGDs (industrial: tributyltin compounds; pesticide: carbosulfan; severely
hazardous pesticide formulation: fenthion ULV), two rationales and the synopsis are rendered
from the shipped sample data, as a Secretariat officer would, and read back as files: the HTML
and the DOCX opened, the PDF LibreOffice makes of the DOCX read for its page numbers.
"""

from __future__ import annotations

import glob
import html as htmllib
import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml

from crc_tools.documents import render as reports
from crc_tools.documents.casedata import CaseData

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("rendering")]

ROOT = Path(__file__).resolve().parents[1]
SYMBOL = "UNEP/FAO/RC/CRC.22/3"
HAS_LIBREOFFICE = bool(shutil.which("soffice") or shutil.which("libreoffice"))

FRONT = ["Introduction", "Purpose of the decision guidance document", "Disclaimer", "List of abbreviations that may be used in this document"]
ANNEX_1 = ["1 Physico-chemical properties", "2 Toxicological properties", "3 Human exposure/Risk evaluation", "4 Environmental fate", "5 Effects on non-target organisms", "6 Environmental exposure/Risk evaluation"]
BODY_FRA = [
    "1 Identification and specifications",
    "2 Reasons for inclusion in the PIC procedure", "2.1 Final regulatory action", "2.2 Risk evaluation",
    "3 Protective measures that have been applied concerning the chemical", "3.1 Regulatory measures to reduce exposure", "3.2 Other measures to reduce exposure", "3.3 Alternatives", "3.4 Socio-economic effects",
    "4 Hazards and risks to human health and the environment", "4.1 Hazard classification", "4.2 Exposure limits", "4.3 Packaging and labelling", "4.4 First aid", "4.5 Waste management",
    "Annex 1 Further information on the substance", *ANNEX_1,
    "Annex 2 Details on final regulatory actions reported", "Annex 3 Addresses of designated national authorities", "Annex 4 References",
]
BODY_SHPF = [
    "1 Identification and specifications",
    "2 Reasons for inclusion in the PIC procedure", "2.1 Incidents reported by the proposing Party", "2.2 Conclusions of the Chemical Review Committee on the criteria of Annex IV Part 3",
    "3 Protective measures that have been applied concerning the formulation", "3.1 Regulatory and administrative measures taken by the proposing Party", "3.2 Handling or applicator restrictions", "3.3 Alternatives",
    "4 Hazards and risks to human health and the environment", "4.1 Hazard classification", "4.2 Exposure limits", "4.3 Packaging and labelling", "4.4 First aid", "4.5 Waste management",
    "Annex 1 Further information on the formulation", *ANNEX_1, "7 Information collected by the Secretariat (Annex IV Part 2)",
    "Annex 2 The proposal and its incident reports", "Annex 3 Addresses of designated national authorities", "Annex 4 References",
]
OUTLINE = {
    # The published DGD outline (research note outline.md §1-5; domain brief §3.2-3.3): cover, front matter,
    # title block, sections 1-4 with their subsections, Annexes 1-4.
    "industrial": ["Decision guidance document for a banned or severely restricted chemical", *BODY_FRA],
    "pesticide": ["Decision guidance document for a banned or severely restricted chemical", *BODY_FRA],
    "shpf": ["Decision guidance document for a severely hazardous pesticide formulation", *BODY_SHPF],
}
COVER = {
    "industrial": ("Operation of the prior informed consent procedure for banned or severely restricted chemicals", "Tributyltin compounds"),
    "pesticide": ("Operation of the prior informed consent procedure for banned or severely restricted chemicals", "Carbosulfan"),
    "shpf": ("Operation of the prior informed consent procedure for severely hazardous pesticide formulations", "Fenthion 640 ULV"),
}
REQUESTS = {
    "industrial": reports.Request(kind="dgd", chemical="Tributyltin compounds", category="industrial", symbol=SYMBOL),
    "pesticide": reports.Request(kind="dgd", chemical="Carbosulfan", symbol=SYMBOL),
    "shpf": reports.Request(kind="dgd", chemical="Fenthion 640 ULV", variant="shpf", symbol=SYMBOL),
    "rationale": reports.Request(kind="rationale", notification_id="CAN-TBT-IND-2013", symbol=SYMBOL),
    "shpf rationale": reports.Request(kind="rationale", notification_id="TCD-FENTHION-640-ULV-2012", symbol=SYMBOL),
    "synopsis": reports.Request(kind="synopsis", symbol=SYMBOL),
}
DGDS = ("industrial", "pesticide", "shpf")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("meeting-documents")
    data = CaseData.load()
    requests = dict(REQUESTS)
    formats = ("html", "docx", "pdf") if HAS_LIBREOFFICE else ("html", "docx")
    results = reports.render_many(list(requests.values()), data=data, out=out, formats=formats, jobs=1, progress=False)
    failed = [getattr(r, "message", "") for r in results if not isinstance(r, reports.Rendered)]
    assert not failed, failed
    return dict(zip(requests, results, strict=True))


def _html_headings(path: str) -> list[str]:
    """The section headings of a rendered HTML document (h1-h3, in order)."""
    page = Path(path).read_text(encoding="utf-8")
    return [htmllib.unescape(re.sub(r"<[^>]+>", "", m.group(2))).strip() for m in re.finditer(r"<(h[1-3])[^>]*>(.*?)</\1>", page, re.S)]


def _docx(path: str):
    import docx

    return docx.Document(path)


def _docx_headings(path: str) -> list[str]:
    out = []
    for p in _docx(path).paragraphs:
        if p.style.name in ("Heading 1", "Heading 2") and p.text != "Contents":
            out.append(p.text)
        elif p.style.name == "Title" and p.text.startswith("Decision guidance document for"):
            out.append(p.text)  # the title block (the cover's lines are not section headings)
    return out


@pytest.mark.parametrize("variant", DGDS)
def test_headings_of_each_dgd_equal_the_published_outline(rendered, variant):
    r = rendered[variant]
    assert _html_headings(r.paths["html"]) == FRONT + OUTLINE[variant], "HTML: a missing or extra section"
    assert _docx_headings(r.paths["docx"]) == FRONT + OUTLINE[variant], "DOCX: a missing or extra section"
    page = Path(r.paths["html"]).read_text(encoding="utf-8")
    operation, name = COVER[variant]
    cover = page[: page.find("Introduction")]
    assert operation in cover and "Decision Guidance Document" in cover and htmllib.escape(name) in cover


def _text_of(d) -> str:
    return "\n".join(p.text for p in d.paragraphs) + "\n" + "\n".join(c.text for t in d.tables for row in t.rows for c in row.cells)


def _xml_text(path: str) -> str:
    """All the text of a DOCX: body, headers and footers (w:t runs), zero-width spaces removed."""
    with zipfile.ZipFile(path) as z:
        parts = [z.read(n).decode("utf-8") for n in z.namelist() if re.match(r"word/(document|header\d*|footer\d*)\.xml$", n)]
    return "\n".join(htmllib.unescape(t) for x in parts for t in re.findall(r"<w:t[^>]*>([^<]*)</w:t>", x)).replace("\u200b", "")


@pytest.mark.parametrize("variant", DGDS)
def test_docx_is_a_un_meeting_document(rendered, variant):
    d = _docx(rendered[variant].paths["docx"])
    sec = d.sections[0]
    assert (round(sec.page_width.cm, 1), round(sec.page_height.cm, 1)) == (21.0, 29.7), "A4"
    header = "".join(p.text for p in sec.header.paragraphs)
    assert SYMBOL in header and re.search(r"\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}", header)
    footer = sec.footer._element.xml
    assert "page " in "".join(p.text for p in sec.footer.paragraphs)
    assert re.search(r"<w:instrText[^>]*>\s*PAGE\s*<", footer) and re.search(r"<w:instrText[^>]*>\s*NUMPAGES\s*<", footer)
    assert re.search(r"<w:instrText[^>]*>\s*TOC ", d.element.xml), "a table-of-contents field"
    for style in ("Heading 1", "Heading 2", "Heading 3"):
        assert d.styles[style].paragraph_format.keep_with_next, style


def _longest_word_twips(cell) -> float:
    longest = 0.0
    for p in cell.paragraphs:
        for run in p.runs:
            size = (run.font.size.pt if run.font.size else 10.0)
            for w in re.split(r"[\s\u200b]+", run.text):
                longest = max(longest, len(w) * 0.5 * size * 20)
    return longest


@pytest.mark.parametrize("variant", DGDS)
def test_docx_tables_repeat_headers_keep_rows_and_fit_words(rendered, variant):
    d = _docx(rendered[variant].paths["docx"])
    assert len(d.tables) > 10
    for n, t in enumerate(d.tables):
        rows = t._tbl.findall(f"{W}tr")
        for tr in rows:
            assert tr.find(f"{W}trPr/{W}cantSplit") is not None, f"table {n}: a row may split across pages"
        if len(rows) >= 3:
            assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None, f"table {n} ({len(rows)} rows): no repeated header row"
        grid = [int(g.get(f"{W}w")) for g in t._tbl.tblGrid.findall(f"{W}gridCol")]
        for row in t.rows:
            cells = row.cells
            if len({id(c._tc) for c in cells}) < len(cells):
                continue  # a merged caption row spans every column
            for k, cell in enumerate(cells):
                need = _longest_word_twips(cell)
                assert grid[k] >= need, f"table {n}, column {k}: {grid[k]} twips for a word of {need:.0f} ({cell.text[:40]!r})"


@pytest.mark.skipif(not HAS_LIBREOFFICE, reason="LibreOffice is not installed (Debian: apt-get install libreoffice-writer-nogui)")
@pytest.mark.parametrize("variant", DGDS)
def test_libreoffice_converts_the_dgd_and_the_pdf_has_page_numbers(rendered, variant):
    import pypdf

    reader = pypdf.PdfReader(rendered[variant].paths["pdf"])
    n = len(reader.pages)
    assert n > 5
    for i in (0, 1, n - 1):
        text = reader.pages[i].extract_text()
        assert f"page {i + 1} of {n}" in text, (i, text[-200:])
        assert SYMBOL in text


def _field_names() -> list[str]:
    names = set()
    for path in glob.glob(str(ROOT / "data" / "reference" / "*fields.yaml")):
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        for section in doc.values():
            for f in section or []:
                names.add(f["name"])
    # Single English words ("chemical", "category", "uses", "alternatives") are the document's own words;
    # a suite field name is a compound (reasons_human_health, dna_institution, un_number).
    return sorted(n for n in names if "_" in n)


FILE_NAME = re.compile(r"[\w./-]+\.(?:ya?ml|csv|json|xlsx|ipynb|py|docx)\b|\bdata/(?:cases|reference)\b", re.IGNORECASE)


def _visible_html(path: str) -> str:
    page = Path(path).read_text(encoding="utf-8")
    body = page[page.find("<body"):]
    body = re.sub(r"<style.*?</style>", " ", body, flags=re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.mark.parametrize("name", list(REQUESTS))
def test_no_document_carries_a_file_name_illustrative_or_a_field_name(rendered, name):
    r = rendered[name]
    fields = _field_names()
    assert len(fields) > 60
    for fmt, text in (("html", _visible_html(r.paths["html"])), ("docx", _xml_text(r.paths["docx"]))):
        assert "illustrative" not in text.casefold(), f"{name} {fmt}"
        assert not FILE_NAME.search(text), f"{name} {fmt}: {FILE_NAME.search(text).group(0)!r}"
        found = [f for f in fields if re.search(rf"(?<![\w]){re.escape(f)}(?![\w])", text)]
        assert not found, f"{name} {fmt}: field names {found}"
    notes = Path(r.paths["notes"]).read_text(encoding="utf-8")
    assert "Drafting notes" in notes


def test_the_drafting_notes_hold_the_provenance(rendered):
    notes = Path(rendered["pesticide"].paths["notes"]).read_text(encoding="utf-8")
    assert "Sources of the notification" in notes and "Internal-consistency check" in notes
    assert "ILLUSTRATIVE" in notes or "illustrative" in notes, "the data's provenance notes are kept for the drafting group"
    assert "Substance data: Carbosulfan" in notes


def test_sample_dgds_carry_the_substance_data_with_references(rendered):
    page = _visible_html(rendered["pesticide"].paths["html"])
    assert "Solubility in water" in page and "0.11 mg/L" in page and "[1] UNEP/FAO/RC/CRC.12/3/Rev.1" in page
    assert "Carbosulfan is a systemic insecticide" in page
    tbt = _visible_html(rendered["industrial"].paths["html"])
    assert "extremely toxic to aquatic organisms" in tbt and "Environment Canada (2009)" in tbt
    fen = _visible_html(rendered["shpf"].paths["html"])
    assert "Lethal intoxication of a 60-year-old technician" in fen and "UNEP/FAO/RC/CRC.14/INF/15" in fen
    for page in (tbt, fen):
        assert page.count("To be completed.") > 5, "values not held are said, highlighted"
