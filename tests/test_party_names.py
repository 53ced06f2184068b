"""Party names in French and Spanish as the UN terminology (UNTERM) gives them, and their use in the documents (issue 19).

The expected names are read from the verbatim local copy of UNTERM's short names
(``data/reference/i18n/unterm_names_fr_es.csv``) and the EUR-Lex excerpts for the European
Union (``party_names_eu.csv``), never from a list in this file.
"""

from __future__ import annotations

import csv
import datetime as dt
import gettext
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crc_tools import i18n
from crc_tools.convention import party_names as pn
from crc_tools.documents import build, style
from crc_tools.documents.casedata import CaseData
from crc_tools.documents.substance import SCHEMES

from .conftest import ROOT

TODAY = dt.date(2026, 12, 31)
REF = ROOT / "data" / "reference"
COLUMN = {"fr": "UNTERM French Short", "es": "UNTERM Spanish Short"}
SKIP_KEYS = {"party", "parties", "meta", "drafting_notes", "checks", "notifying_parties", "proposing_parties"}
"""Model keys that hold data keys or the Secretariat's English working notes, not the document's text."""


def _rows(name: str) -> list[dict]:
    with open(REF / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _unmarked(text: str) -> str:
    return re.sub(r"\s*\*+$", "", text.strip())


def _as_unterm(name: pn.PartyName) -> str:
    """Write a name back in UNTERM's form (article in parentheses after the name)."""
    if name.prose == name.label:
        return name.label
    assert name.prose.endswith(name.label)
    return f"{name.label} ({name.prose[: -len(name.label)].strip()})"


@pytest.fixture(scope="module")
def data():
    return CaseData.load(None, today=TODAY)


# --------------------------------------------------------------------------- the names


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_party_unterm_lists_has_its_unterm_name(lang):
    unterm = {_unmarked(r["official_name_en"]).removesuffix(" (the)").casefold(): _unmarked(r[COLUMN[lang]]) for r in _rows("i18n/unterm_names_fr_es.csv")}
    names = {r["name_en"] for r in _rows("party_names.csv")} | {r["country"] for r in _rows("parties.csv")}
    codes = {r.get("country") or r["name_en"]: r["iso3"] for r in [*_rows("parties.csv"), *_rows("party_names.csv")]}
    codes.update({r["name_en"]: r["iso3"] for r in _rows("party_names.csv")})
    m49 = {r["ISO3166-1-Alpha-3"]: r[f"official_name_{lang}"] for r in _rows("i18n/m49_names_fr_es.csv")}
    matched, from_m49, unmatched = 0, [], []
    for name in sorted(names):
        if name in pn.EUROPEAN:
            continue
        got = pn.party_name(name, lang)
        if name.casefold() in unterm:
            assert got.in_language, name
            assert _as_unterm(got) == unterm[name.casefold()], name
            matched += 1
        elif m49.get(codes.get(name, "")):
            assert got.in_language and got.label == got.prose == m49[codes[name]], name  # M49's name, verbatim (no article)
            from_m49.append(name)
        else:
            assert not got.in_language and got.label == got.prose == name, name  # never a guessed name
            unmatched.append(name)
    assert matched >= 190
    assert {"Netherlands (Kingdom of the)", "Türkiye"} <= set(from_m49)  # UNTERM's copy predates their names
    assert sorted(unmatched) == [n for n in pn.shown_in_english(lang) if n not in pn.EUROPEAN]


@pytest.mark.parametrize(
    ("short", "lang", "label", "prose"),
    [
        ("Argentine (l')", "fr", "Argentine", "l'Argentine"),
        ("Canada (le)", "fr", "Canada", "le Canada"),
        ("Gambie (la)", "fr", "Gambie", "la Gambie"),
        ("Bahamas (les)", "fr", "Bahamas", "les Bahamas"),
        ("Îles Cook (les) **", "fr", "Îles Cook", "les Îles Cook"),
        ("Bolivie (État plurinational de)", "fr", "Bolivie (État plurinational de)", "Bolivie (État plurinational de)"),
        ("Cuba", "fr", "Cuba", "Cuba"),
        ("Canadá (el)", "es", "Canadá", "el Canadá"),
        ("Argentina (la)", "es", "Argentina", "la Argentina"),
        ("Emiratos Árabes Unidos (los)", "es", "Emiratos Árabes Unidos", "los Emiratos Árabes Unidos"),
        ("Bahamas (las)", "es", "Bahamas", "las Bahamas"),
        ("Chile", "es", "Chile", "Chile"),
        ("Gambia (the)", "en", "Gambia", "the Gambia"),
    ],
)
def test_the_article_moves_to_the_front(short, lang, label, prose):
    got_label, article = pn.split_article(short, lang)
    assert (got_label, pn.with_article(got_label, article)) == (label, prose)


@pytest.mark.parametrize(("name", "lang", "label", "prose"), [("Argentina", "fr", "Argentine", "l'Argentine"), ("Bahamas", "fr", "Bahamas", "les Bahamas"), ("Argentina", "es", "Argentina", "la Argentina"), ("Canada", "es", "Canadá", "el Canadá"), ("Chile", "fr", "Chili", "le Chili")])
def test_real_parties_in_french_and_spanish(name, lang, label, prose):
    assert (pn.party_label(name, lang), pn.party_prose(name, lang)) == (label, prose)
    with i18n.using(lang):
        assert (pn.party_label(name), pn.party_prose(name)) == (label, prose)  # the language in use


def test_english_is_what_it_was():
    for row in _rows("party_names.csv"):
        with i18n.using("en"):
            assert style.party_prose(row["country"]) == row["name_en_with_article"]
            assert style.party_label(row["country"]) == row["name_en"]
    assert style.party_prose("European Union", received="2005-03-01") == "the European Community"
    assert style.party_prose("European Union", received="2010-03-01") == "the European Union"
    assert style.party_label("European Union", received=dt.date(2009, 11, 30)) == "European Community"


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_european_union_and_community_come_from_their_eur_lex_excerpts(lang):
    rows = {r["name_en"]: r for r in _rows("i18n/party_names_eu.csv")}
    for english, received in (("European Union", "2015-01-01"), ("European Community", "2005-01-01")):
        got = pn.party_name("European Union", lang, received=received)
        assert got.in_language and _as_unterm(got) == rows[english][f"name_{lang}"]
        assert got.prose in rows[english][f"excerpt_{lang}"].replace("’", "'")
        assert rows[english][f"url_{lang}"].startswith(("https://eur-lex.europa.eu/", "http://eur-lex.europa.eu/"))


# --------------------------------------------------------------------------- what must never happen

NAME = st.text(alphabet=st.characters(categories=("Lu", "Ll"), include_characters=" -'’"), min_size=1, max_size=30).filter(lambda s: s.strip() and s.strip()[0].isalpha())


@settings(max_examples=200, deadline=None)
@given(lang=st.sampled_from(["en", "fr", "es"]), name=NAME, data=st.data())
def test_label_has_no_parenthesis_and_prose_never_starts_with_one(lang, name, data):
    article = data.draw(st.sampled_from(pn.ARTICLES[lang]))
    label, art = pn.split_article(f"{name} ({article}){data.draw(st.sampled_from(['', ' *', ' **']))}", lang)
    prose = pn.with_article(label, art)
    assert "(" not in label and ")" not in label
    assert not prose.startswith("(") and prose.endswith(label)
    assert " " not in prose[: len(art)] if art.endswith("'") else True  # l'Argentine: elided, no space


@settings(max_examples=200, deadline=None)
@given(lang=st.sampled_from(["en", "fr", "es"]), text=st.text(max_size=40))
def test_any_text_gives_a_label_without_a_parenthesised_article(lang, text):
    label, art = pn.split_article(text, lang)
    assert not any(label.casefold().endswith(f"({a})") for a in pn.ARTICLES[lang])
    assert not pn.with_article(label, art).startswith("(") or text.strip().startswith("(")


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_no_real_party_label_carries_its_article(lang):
    for name in {r["name_en"] for r in _rows("party_names.csv")} | {r["country"] for r in _rows("parties.csv")}:
        got = pn.party_name(name, lang)
        assert not re.search(r"\((?:the|le|la|les|l'|el|los|las)\)", got.label + got.prose), (name, got)
        assert not got.prose.startswith("("), (name, got)


# --------------------------------------------------------------------------- in the documents


def _texts(node, key=""):
    """Every string of a document model a reader sees (not the data keys, metadata or drafting notes).

    The list of abbreviations is left out: its expansions ("EC: European Community; emulsifiable
    concentrate") are not yet through the catalogue at all (docs/languages.md).
    """
    if key in SKIP_KEYS:
        return
    if isinstance(node, dict) and node.get("id") == "abbreviations":
        return
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _texts(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from _texts(v, key)
    elif isinstance(node, str):
        yield node


def _submitted(data) -> list[str]:
    """Every text the sample data hold (notification content is shown as submitted, whatever the language)."""
    out: set[str] = set()

    def walk(x):
        if isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, (list, tuple)):
            for v in x:
                walk(v)
        elif isinstance(x, str) and x.strip():
            out.add(x.strip())
            out.update(p.strip() for p in re.split(r"[\n;|]", x) if p.strip())

    for frame in (data.notifications, data.prepared):
        walk(frame.astype(str).to_dict("records"))
    walk(data.substances.records if data.substances is not None else [])
    walk(list(SCHEMES.values()))  # the 4.1 scheme names ("GHS / European Union (Regulation (EC) No 1272/2008)") name a regulation, not a Party, and are not yet in the catalogue
    return sorted(out, key=len, reverse=True)


def _english_left(text: str, english: str, submitted: list[str]) -> bool:
    """Return whether a Party's English name is in a text outside the submitted content it quotes."""
    for s in submitted:
        if english in s and s.strip() != english and s in text:  # a data cell that is just the Party's name is a name the suite prints
            text = text.replace(s, " ")
    return re.search(rf"(?<![\w-]){re.escape(english)}(?![\w-])", text) is not None


@pytest.mark.parametrize("lang", ["fr", "es"])
@pytest.mark.parametrize("chemical", ["Chrysotile asbestos", "Carbosulfan", "Endosulfan", "PFOA"])
def test_dgd_names_its_parties_in_the_document_language(lang, chemical, data):
    model = build.dgd_document(chemical=chemical, data=data, today=TODAY, lang=lang)
    texts = list(_texts(model))
    whole = "\n".join(texts)
    submitted = _submitted(data)
    parties = model["meta"]["notifying_parties"]
    assert parties
    for party in parties:
        for received in ("2005-01-01", "2015-01-01") if party == "European Union" else (None,):
            n = pn.party_name(party, lang, received=received)
            english = pn.party_name(party, "en", received=received).label
            if received is None:
                assert n.label in whole, (party, n.label)
            if n.in_language and n.label != english:
                bad = [t for t in texts if _english_left(t, english, submitted)]
                assert bad == [], (party, bad[:3])
    for t in texts:  # the article form is for translated messages only, and none with a Party is translated yet
        for party in parties:
            n = pn.party_name(party, lang)
            if n.prose != n.label:
                assert n.prose not in t, (party, t)
    notes = [n["text"] for n in model.get("drafting_notes", []) if "Party names shown in English" in str(n.get("text"))]
    english_parties = [p for p in parties if not pn.party_name(p, lang).in_language]
    assert bool(notes) == bool(english_parties)
    assert all(p in notes[0] for p in english_parties)


def test_chile_is_chili_in_the_french_dgd_of_chrysotile(data):
    model = build.dgd_document(chemical="Chrysotile asbestos", data=data, today=TODAY, lang="fr")
    annex2 = [b for s in model["sections"] for b in s.get("blocks", []) if b.get("key") == "annex2"]
    assert [b["caption"] for b in annex2 if b.get("party") == "Chile"] == ["Chili"]
    assert [b["caption"] for b in annex2 if b.get("party") == "European Union"] == ["Communauté européenne"]  # notified before 1 December 2009


def test_english_dgd_keeps_english_names(data):
    model = build.dgd_document(chemical="Chrysotile asbestos", data=data, today=TODAY)
    annex2 = [b for s in model["sections"] for b in s.get("blocks", []) if b.get("key") == "annex2"]
    assert sorted(b["caption"] for b in annex2) == ["Australia", "Chile", "European Community"]
    assert not [n for n in model.get("drafting_notes", []) if "Party names" in str(n.get("text"))]


# --------------------------------------------------------------------------- the rule for running text


class _Catalogue(gettext.NullTranslations):
    def __init__(self, mapping):
        super().__init__()
        self.mapping = mapping

    def gettext(self, message):
        return self.mapping.get(message, message)

    def ngettext(self, singular, plural, n):
        return self.mapping.get(singular if n == 1 else plural, singular if n == 1 else plural)


def _translator_with(lang: str, mapping: dict) -> i18n.Translator:
    tr = i18n.Translator(lang)
    tr._t = _Catalogue(mapping)
    tr._entries = {**tr._entries, **{m: i18n.Entry(s, False, False) for m, s in mapping.items()}}
    return tr


def test_article_form_only_inside_a_translated_message():
    translated = "{category}, notified by {party}: "
    untranslated = "{code} (as given in the notification of {party})"
    tr = _translator_with("fr", {translated: "{category}, notifié par {party} : "})
    with i18n.using(tr):
        chile, argentina = style.party_prose("Chile"), style.party_prose("Argentina")
        assert style.with_parties(translated, category="Industriel", party=chile) == "Industriel, notifié par le Chili : "
        assert style.with_parties(translated, category="X", party=style.join([argentina, chile], "et")) == "X, notifié par l'Argentine et le Chili : "
        assert style.with_parties(untranslated, code="2524.10", party=chile) == "2524.10 (as given in the notification of Chili)"
        assert style.sentence_start(argentina).running == "L'Argentine"
        assert f"in {chile}" == "in Chili"  # any other use of the name: the label
    with i18n.using("en"):
        assert style.with_parties(untranslated, code="2524.10", party=style.party_prose("Gambia")) == "2524.10 (as given in the notification of the Gambia)"


def test_with_parties_n_follows_the_same_rule():
    one, many = "notified by {parties}.", "notified by {parties} (several)."
    tr = _translator_with("es", {one: "notificado por {parties}.", many: "notificado por {parties} (varias)."})
    with i18n.using(tr):
        canada = style.party_prose("Canada")
        assert style.with_parties_n(one, many, 1, parties=canada) == "notificado por el Canadá."
    with i18n.using("es"):
        assert style.with_parties_n(one, many, 1, parties=style.party_prose("Canada")) == "notified by Canadá."
