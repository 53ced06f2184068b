"""The Convention's languages (issue 19): catalogues, official wording only, documents in French and Spanish.

Every DGD of the shipped sample data is built in French and in Spanish through a translator
that records each message asked for; each must be translated in the catalogue or marked as
awaiting an official text. The catalogues are checked against what ``pybabel extract`` finds
in the code, and every entry that names a local source must quote it verbatim.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from crc_tools import i18n
from crc_tools.documents import build
from crc_tools.documents import model as dm
from crc_tools.documents.casedata import CaseData

from .conftest import ROOT, run_crc

TODAY = dt.date(2026, 12, 31)
MONTHS = {
    "fr": "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre",
    "es": "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre",
}
LONG_DATE = {"fr": rf"\d{{1,2}} (?:{MONTHS['fr']}) \d{{4}}", "es": rf"\d{{1,2}} de (?:{MONTHS['es']}) de \d{{4}}"}
ENGLISH_DATE = r"\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December) \d{4}"
DGD_TITLE = {"fr": "Document d’orientation des décisions", "es": "Documento de orientación para la adopción de decisiones"}


@pytest.fixture(scope="module")
def data():
    return CaseData.load(None, today=TODAY)


def _subjects(data) -> list[tuple[str, str]]:
    """Every chemical and category of the sample notifications (each has a DGD, drafted or to complete)."""
    df = data.prepared
    return sorted({(data.identities[k].name, str(c)) for k, c in zip(df["chemical_key"], df["category"], strict=True)})


def _awaiting_or_translated(lang: str, messages) -> list[str]:
    entries = i18n.entries(lang)
    bad = []
    for m in messages:
        e = entries.get(m)
        if e is None:
            bad.append(f"not in the {lang} catalogue: {m!r}")
        elif (e.fuzzy or not e.msgstr) and not e.awaiting:
            bad.append(f"untranslated without 'awaiting an official text': {m!r}")
    return bad


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_sample_dgd_has_no_unexplained_english(lang, data):
    subjects = _subjects(data)
    assert len(subjects) >= 10
    translated = {e.msgstr for e in i18n.entries(lang).values() if e.msgstr and not e.fuzzy}
    awaiting = {m for m, e in i18n.entries(lang).items() if e.awaiting}
    for chemical, category in subjects:
        tr = i18n.Translator(lang)
        model = build.dgd_document(chemical=chemical, category=category, data=data, today=TODAY, lang=tr)
        assert tr.used, chemical
        assert _awaiting_or_translated(lang, tr.used) == [], (chemical, category)
        assert not tr.missing and tr.unexplained() == []
        assert model["meta"]["lang"] == lang and model["meta"]["lang_tag"].startswith(lang)
        # every section heading is the catalogue's: an official text, or English awaiting one
        for s in model["sections"]:
            assert s["heading"] in translated or s["heading"] in awaiting, (chemical, s["heading"])
        # the official title of the language's DGDs, on the cover
        cover = dm.find_section(model, "cover")
        assert DGD_TITLE[lang] in [b.get("text") for b in cover["blocks"]]
        # dates in the language's long form; no English month in the suite's own dates
        assert re.fullmatch(LONG_DATE[lang], model["header"]["date"]), model["header"]["date"]
        draft = [b["text"] for b in cover["blocks"] if b.get("style") == "small" and re.search(r"\d{4}", b["text"])]
        assert draft and all(re.search(LONG_DATE[lang], t) and not re.search(ENGLISH_DATE, t) for t in draft)
        # the official introduction's abbreviation is in the list, not a consistency problem
        assert not [c for c in model["checks"] if c["check"] == "abbreviations" and c["result"] != "ok" and re.search(r"\bPNU(E|MA)\b", c["message"])]
        # what is shown in English is said in the document and listed in the drafting notes
        fallbacks = model["meta"]["english_fallbacks"]
        if fallbacks:
            note = i18n.translator(lang).gettext("Some headings and texts of this document are shown in English pending official texts.")
            assert note in [b.get("text") for s in model["sections"] for b in s.get("blocks", [])]
            listed = {n["text"] for n in model["drafting_notes"] if n["topic"] == "Shown in English"}
            assert all(any(t.startswith(m) for t in listed) for m in fallbacks)


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_sample_rationale_and_shpf_document_has_no_unexplained_english(lang, data):
    ids = sorted(set(data.prepared["notification_id"].astype(str)))
    proposals = sorted(set(data.proposals.proposals["proposal_id"].astype(str))) if not data.proposals.empty else []
    assert ids and proposals
    builds = [(i, lambda tr, i=i: build.rationale_document(notification_id=i, data=data, today=TODAY, lang=tr)) for i in ids + proposals]
    builds += [(p, lambda tr, p=p: build.dgd_document(chemical=p, variant="shpf", data=data, today=TODAY, lang=tr)) for p in proposals]
    builds += [("synopsis", lambda tr: build.synopsis_document(data=data, today=TODAY, lang=tr))]
    for subject, make in builds:
        tr = i18n.Translator(lang)
        model = make(tr)
        assert model["meta"]["lang"] == lang, subject
        assert _awaiting_or_translated(lang, tr.used) == [] and tr.unexplained() == [], subject


def test_notification_content_stays_as_submitted(data):
    en = build.dgd_document(chemical="Chrysotile asbestos", data=data, today=TODAY)
    fr = build.dgd_document(chemical="Chrysotile asbestos", data=data, today=TODAY, lang="fr")
    s_en, s_fr = dm.find_section(en, "2.1"), dm.find_section(fr, "2.1")
    values_en = [r["value"] for b in s_en["blocks"] if b.get("type") == "fields" for r in b["rows"]]
    values_fr = [r["value"] for b in s_fr["blocks"] if b.get("type") == "fields" for r in b["rows"]]
    summaries = [v for v in values_en if isinstance(v, str) and "The chemical is" in v]
    assert summaries  # the sample has final regulatory actions presented
    submitted = [v.split(". ", 1)[1] for v in summaries if ". " in v]
    assert all(any(isinstance(x, str) and x.endswith(s) for x in values_fr) for s in submitted)
    # a French and an English draft are two documents, never one file
    assert dm.document_subject(en) != dm.document_subject(fr)


def test_english_is_the_identity(data):
    tr = i18n.Translator("en")
    model = build.dgd_document(chemical="Carbosulfan", data=data, today=TODAY, lang=tr)
    assert "lang" not in model["meta"] and not tr.used
    assert dm.find_section(model, "cover")["blocks"][2]["text"] == "Decision Guidance Document"
    assert model["header"]["date"] == "31 December 2026"


@pytest.mark.parametrize("lang, expected", [("fr", "31 décembre 2003"), ("es", "31 de diciembre de 2003"), ("en", "31 December 2003")])
def test_long_dates(lang, expected):
    assert i18n.format_date_long(dt.date(2003, 12, 31), lang) == expected


def test_numbers_per_language():
    assert i18n.format_number(1234.5, "en") == "1,234.5"
    assert i18n.format_number(1234.5, "es").replace("\xa0", " ") in ("1234,5", "1.234,5")
    assert i18n.format_number(1234.5, "fr").replace("\u202f", " ").replace("\xa0", " ") == "1 234,5"


def test_unknown_language_is_a_usage_error():
    assert run_crc("dgd", "Chrysotile asbestos", "--lang", "de").code == 2
    assert run_crc("rationale", "x", "--lang", "nl").code == 2  # Dutch is for labels and item texts, not documents
    assert run_crc("report", "synopsis", "--lang", "xx").code == 2
    with pytest.raises(Exception, match="unknown language"):
        build.dgd_document(chemical="Carbosulfan", lang="de")


def test_pybabel_extract_finds_nothing_missing_from_the_catalogues(tmp_path):
    pot = tmp_path / "crc_tools.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    proc = subprocess.run([str(pybabel), *i18n.extract_args(pot)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    with open(pot, "rb") as fh:
        extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    assert len(extracted) > 300  # the documents' fixed strings and the Convention's items
    assert "Decision Guidance Document" in extracted and "Common name" in extracted
    for lang in i18n.LANGUAGES[1:]:
        with open(i18n.po_path(lang), "rb") as fh:
            catalogue = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
        assert sorted(extracted - catalogue) == [], lang


def _normal(text: str) -> str:
    text = re.sub(r"<br\s*/?>|</?strong>", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("lang", ["fr", "es", "nl"])
def test_each_entry_is_official_reviewed_or_awaiting(lang):
    """A translated entry names its source (quoted verbatim from the local copy) or is the suite's own word marked for review."""
    with open(i18n.po_path(lang), "rb") as fh:
        catalogue = read_po(fh)
    sources = 0
    for m in catalogue:
        if not m.id:
            continue
        comments = " ".join(m.auto_comments)  # a long comment is written over several lines
        if m.fuzzy or not m.string:
            assert i18n.AWAITING in comments, m.id
            continue
        source = re.search(r"source: (.*?); file: (\S+)", comments)
        if not source:
            assert "crc-tools translation, to be reviewed" in comments, m.id
            continue
        sources += 1
        found = source
        path = ROOT / found.group(2)
        assert path.is_file(), path
        quoted = _normal(m.string).rstrip(".")
        assert quoted in _normal(path.read_text(encoding="utf-8")), (m.id, m.string)
    assert sources >= (50 if lang == "nl" else 20)


def test_dutch_items_are_the_whole_convention_item_list():
    from crc_tools.convention.reference import items

    entries = i18n.entries("nl")
    for name in ("annex_i", "annex_ii", "annex_iv_part1", "annex_iv_part2", "annex_iv_part3", "annex_v"):
        for it in items(name).items:
            e = entries[it.text]
            assert e.msgstr and not e.fuzzy, (name, it.id)
            assert any("Trb. 1999, 30" in c and "vertaling" in c for c in e.comments)


def test_compiled_catalogue_is_cached_per_po_and_never_shared_between_checkouts(tmp_path, monkeypatch):
    """Two checkouts share ~/.cache/crc-tools: each reads the catalogue compiled from its own .po, whatever the file times say."""
    monkeypatch.setenv("CRC_TOOLS_CACHE", str(tmp_path / "cache"))
    first = i18n.compiled("fr")
    cached = list((tmp_path / "cache" / "locale" / "fr" / "LC_MESSAGES").glob("crc_tools-*.mo"))
    assert len(cached) == 1 and cached[0].read_bytes() == first
    assert i18n.compiled("fr") == first  # read from the cache
    other = tmp_path / "checkout" / "fr" / "LC_MESSAGES" / "crc_tools.po"  # another checkout's catalogue, edited
    other.parent.mkdir(parents=True)
    text = i18n.po_path("fr").read_text(encoding="utf-8").replace('msgstr "Se connecter"', 'msgstr "Se connecter (autre copie)"', 1)
    assert "autre copie" in text
    other.write_text(text, encoding="utf-8")
    import os

    os.utime(other, (1, 1))  # older than the cached .mo of the first checkout
    monkeypatch.setattr(i18n, "po_path", lambda lang: other)
    second = i18n.compiled("fr")
    assert second != first and "autre copie".encode() in second
    assert len(list(cached[0].parent.glob("crc_tools-*.mo"))) == 2


@pytest.mark.slow
def test_crc_dgd_in_french_writes_french_html_and_docx(tmp_path):
    r = run_crc("dgd", "Chrysotile asbestos", "--lang", "fr", "--out", tmp_path, "--format", "html,docx")
    assert r.code == 0, r.err
    html = next(tmp_path.glob("dgd-fr-*.html"))
    page = html.read_text(encoding="utf-8")
    assert re.search(r'<html\b[^>]*\blang="fr-FR"', page)
    assert "Document d’orientation des décisions" in page
    docx = next(tmp_path.glob("dgd-fr-*.docx"))
    with zipfile.ZipFile(docx) as z:
        core = z.read("docProps/core.xml").decode("utf-8")
        styles = z.read("word/styles.xml").decode("utf-8")
        body = z.read("word/document.xml").decode("utf-8")
    assert "<dc:language>fr-FR</dc:language>" in core
    assert 'w:val="fr-FR"' in styles
    assert "Document d’orientation des décisions" in body
    assert re.search(LONG_DATE["fr"], body)
    assert "Table des Matières" in body  # the published French table of contents' heading
    with zipfile.ZipFile(docx) as z:
        footer = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/footer"))
    assert "sur" in footer and " of " not in footer


def test_rationale_synopsis_and_circular_in_french_and_spanish(data):
    from crc_tools.documents.circular import circular_document
    from crc_tools.documents.language import build_in

    nid = str(data.prepared["notification_id"].iloc[0])
    fr = build.rationale_document(notification_id=nid, data=data, today=TODAY, lang="fr")
    legal = [b["text"] for s in fr["sections"] for b in s["blocks"] if b.get("style") == "legal"]
    # Annex II (b) as the Secretariat quotes the French text; (a), (c), (d) await an official text (English)
    assert any(t.startswith("Vérifie que la mesure de réglementation finale") for t in legal)
    assert any(t.startswith("Confirm that the final regulatory action") for t in legal)
    es = build.synopsis_document(data=data, today=TODAY, lang="es")
    assert es["meta"]["lang"] == "es" and re.search(LONG_DATE["es"], es["sections"][0]["heading"])
    circ = build_in("fr", circular_document, data=None, date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 6, 30), today=TODAY)
    assert circ["title"] == "Circulaire PIC – juin 2026"
    assert "CIRCULAIRE PIC – juin 2026" in [b["text"] for b in circ["sections"][0]["blocks"]]


def test_update_keeps_sources_and_marks_new_messages_awaiting():
    """``python -m crc_tools.i18n update`` must not drop a source comment (``pybabel update`` would)."""
    from babel.messages.catalog import Catalog

    catalog = i18n._read_po(i18n.po_path("fr"))
    official = next(m for m in catalog if m.id == "Decision Guidance Document")
    template = Catalog(locale="fr", domain=i18n.DOMAIN)
    template.add("Decision Guidance Document", locations=[("crc_tools/documents/parts.py", 1)])
    template.add("A sentence the code has just added", locations=[("crc_tools/x.py", 2)])
    merged = i18n.merge_template(catalog, template)
    kept = merged.get("Decision Guidance Document")
    assert kept.string == official.string == "Document d’orientation des décisions" and not kept.fuzzy
    assert any("source:" in c for c in kept.auto_comments)
    new = merged.get("A sentence the code has just added")
    assert new.fuzzy and new.string == "" and i18n.AWAITING in new.auto_comments
    assert merged.get("Common name") is None  # no longer in the code: dropped
