"""The PIC Circular from the sample data: six appendices with the published titles, and the failures to respond computed.

The failures Appendix IV must list are computed here independently of the suite, from the
sample responses (``data/cases/responses/``), the Parties' dates (fixture: the research draft
of ``parties.csv``) and the DGD dispatch dates (``data/reference/dgd_dispatch.csv``): a Party in
force, an entry with a dispatch date, nine calendar months after the later of the two passed by
the end of the period, and no response of the Party on the entry by then.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt

import pytest

from .conftest import ROOT

PARTIES_DRAFT = ROOT / "tests" / "data" / "responses" / "parties.csv"
START, END = dt.date(2026, 7, 1), dt.date(2026, 12, 31)
TITLES = [
    ("Appendix I", "SYNOPSIS OF NOTIFICATIONS OF FINAL REGULATORY ACTION RECEIVED SINCE THE LAST PIC CIRCULAR"),
    ("Appendix II", "PROPOSALS FOR INCLUSION OF SEVERELY HAZARDOUS PESTICIDE FORMULATIONS IN THE PIC PROCEDURE"),
    ("Appendix III", "CHEMICALS SUBJECT TO THE PIC PROCEDURE"),
    ("Appendix IV", "LISTING OF ALL IMPORT RESPONSES RECEIVED FROM PARTIES AND CASES OF FAILURE TO SUBMIT RESPONSES"),
    ("Appendix V", "NOTIFICATIONS OF FINAL REGULATORY ACTION FOR CHEMICALS NOT LISTED IN ANNEX III"),
    ("Appendix VI", "INFORMATION EXCHANGE ON CHEMICALS RECOMMENDED BY THE CHEMICAL REVIEW COMMITTEE FOR LISTING IN ANNEX III BUT FOR WHICH THE CONFERENCE OF THE PARTIES HAS YET TO TAKE A FINAL DECISION"),
]


@pytest.fixture(autouse=True)
def _parties(monkeypatch):
    monkeypatch.setenv("CRC_PARTIES", str(PARTIES_DRAFT))


def _plus_nine_months(day: dt.date) -> dt.date:
    month = day.month - 1 + 9
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expected_failures() -> set[tuple[str, str]]:
    """(Party, entry_id) pairs that failed to respond by END, computed from the files alone."""
    from crc_tools.convention.reference import regions

    dispatch = {}
    with open(ROOT / "data" / "reference" / "dgd_dispatch.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["dgd_dispatch_date"]:
                dispatch[r["entry_id"]] = dt.date.fromisoformat(r["dgd_dispatch_date"])
    answered = set()
    with open(ROOT / "data" / "cases" / "responses" / "import-responses.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            date = r["received_date"] or r["published_date"] or r["issued_date"]
            if dt.date.fromisoformat(date) <= END:
                answered.add((regions().find(r["party"]).iso3, r["chemical"].casefold()))
    names = {"carbosulfan": {"carbosulfan", "55285-14-8"}, "fenthion-ulv-formulations": {"fenthion (ultra low volume (ulv) formulations at or above 640 g active ingredient/l)"}}
    out = set()
    with open(PARTIES_DRAFT, encoding="utf-8") as fh:
        for p in csv.DictReader(fh):
            if p["status"] != "party" or not p["entry_into_force"] or p["basis"] == "not_established":
                continue
            in_force = dt.date.fromisoformat(p["entry_into_force"])
            if in_force > END:
                continue
            for entry, sent in dispatch.items():
                if _plus_nine_months(max(sent, in_force)) < END and not any((p["iso3"], n) in answered for n in names[entry]):
                    out.add((regions().find(p["iso3"]).country, entry))
    return out


def _appendices(model) -> list[tuple[str, str]]:
    return [(s["number"], s["heading"]) for s in model["sections"] if s.get("level") == 1 and s.get("number", "").startswith("Appendix")]


def _failure_rows(model) -> set[tuple[str, str]]:
    from crc_tools.convention.reference import annex_iii

    by_heading = {f"{e.chemical} (": e.entry_id for e in annex_iii()}
    section = next(s for s in model["sections"] if s["id"] == "appendix-iv.b")
    out, entry = set(), None
    for b in section["blocks"]:
        if b["type"] == "heading":
            entry = next(v for k, v in by_heading.items() if b["text"].startswith(k))
        elif b["type"] == "table":
            out |= {(row[0], entry) for row in b["rows"]}
    return out


def test_circular_has_the_six_appendices_and_lists_the_computed_failures():
    from crc_tools.documents.circular import circular_document

    model = circular_document(date_from=START, date_to=END, today=dt.date(2026, 12, 3))
    assert _appendices(model) == TITLES
    failures = expected_failures()
    assert len(failures) > 50  # the sample: most Parties have not answered on carbosulfan and fenthion ULV
    assert _failure_rows(model) == failures
    assert ("Albania", "carbosulfan") in failures and ("Canada", "carbosulfan") not in failures
    part_a = next(s for s in model["sections"] if s["id"] == "appendix-iv.a")
    party_rows = {(r[0], r[2]) for b in part_a["blocks"] if b["type"] == "table" for r in b["rows"]}
    assert ("Armenia", "No consent to import") in party_rows and ("Brazil", "Consent to import") in party_rows


def test_circular_appendix_iii_is_annex_iii_at_the_period_end():
    from crc_tools.documents.circular import circular_document

    early = circular_document(date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 6, 30), today=dt.date(2026, 12, 3))
    late = circular_document(date_from=START, date_to=END, today=dt.date(2026, 12, 3))

    def chemicals(model):
        section = next(s for s in model["sections"] if s["id"] == "appendix-iii")
        return {r[0] for b in section["blocks"] if b["type"] == "table" for r in b["rows"]}

    assert "Carbosulfan" in chemicals(late) and "Carbosulfan" not in chemicals(early)  # listed at COP-12 (2025)
    vi = next(s for s in late["sections"] if s["id"] == "appendix-vi")
    assert any(r[0] == "Chrysotile asbestos" for b in vi["blocks"] if b["type"] == "table" for r in b["rows"])


@pytest.mark.slow
@pytest.mark.xdist_group("rendering")
def test_crc_report_circular_renders_html_docx_and_pdf(tmp_path, crc):
    import docx

    r = crc("report", "circular", "--from", START.isoformat(), "--to", END.isoformat(), "--out", tmp_path, "--format", "html,docx,pdf")
    assert r.code in (0, 1), r.err  # the sample notifications carry warnings only
    assert "Traceback" not in r.err
    stem = "pic-circular-2026-07-01-to-2026-12-31"
    html = (tmp_path / f"{stem}.html").read_text(encoding="utf-8")
    headings = [p.text for p in docx.Document(tmp_path / f"{stem}.docx").paragraphs if p.style.name.startswith("Heading")]
    for number, title in TITLES:
        assert f"{number} {title}" in html
        assert any(title in h for h in headings), title
    assert (tmp_path / f"{stem}.pdf").read_bytes().startswith(b"%PDF")
    assert "illustrative" not in html.casefold() and "import-responses.csv" not in html
    albania = html.index("Cases of failure to transmit a response")
    assert "Albania" in html[albania:]
