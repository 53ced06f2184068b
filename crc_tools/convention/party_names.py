"""Party names in the Convention's languages: the short name for tables, the name with its article for running text.

French and Spanish are authentic languages of the Convention (Article 30); the Secretariat's
documents name a Party as the UN terminology database (UNTERM) does. UNTERM writes a short
name with its article in parentheses — ``Argentine (l')``, ``Bahamas (les)``, ``Canadá (el)``,
``Gambia (the)`` — and this module derives both forms from it:

* the **label** (a table cell, a run-in heading): the short name without the article,
  ``Argentine``, ``Bahamas``, ``Canadá``;
* the **running-text form**: the article in front, ``l'Argentine`` (French elision, no space),
  ``les Bahamas``, ``el Canadá``, ``the Gambia``.

Sources, kept verbatim under ``data/reference/``:

* English: ``party_names.csv`` (``name_en``, ``name_en_with_article``), UNTERM's English short
  names with the article moved to the front;
* French and Spanish: ``i18n/unterm_names_fr_es.csv``, UNTERM's French and Spanish short names
  as compiled in datasets/country-codes (``data/unterm_names.csv``, commit a09b84ab), matched to
  a Party through its English UNTERM short name (``"Gambia (the)"`` is ``Gambia``; UNTERM's
  footnote marks ``*`` and ``**`` are not part of a name);
* where UNTERM's copy has no name for a Party (it predates "Netherlands (Kingdom of the)" and
  "Türkiye"), the UN Statistics Division's M49 name (``i18n/m49_names_fr_es.csv``, the columns
  ``official_name_fr`` and ``official_name_es`` of datasets/country-codes
  ``data/country-codes.csv``, commit caa72d1e), matched by the Party's ISO 3166 code; M49 names
  carry no article, so both forms are the same;
* the European Union and the European Community, which UNTERM's country list does not hold:
  ``i18n/party_names_eu.csv`` (EUR-Lex, each name with its excerpt).

A Party no source gives a French or Spanish name for keeps its English label in those
languages (never a guessed name) and is reported (:func:`shown_in_english`, and the drafting
notes of a document). A notification the European Community made (received before the Treaty
of Lisbon took effect, 1 December 2009) is the European Community's, in every language.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from ..i18n import current_lang
from .files import read_csv, ref_path, require_columns

LISBON = dt.date(2009, 12, 1)
"""The Treaty of Lisbon took effect: the European Union succeeded the European Community."""
NAME_LANGUAGES = ("en", "fr", "es")
"""The languages Party names are given in (the Convention's document languages)."""
UNTERM_FILE = "i18n/unterm_names_fr_es.csv"
M49_FILE = "i18n/m49_names_fr_es.csv"
"""The UN Statistics Division's M49 names in French and Spanish, by ISO code: the fallback for a Party UNTERM's copy lacks
(it predates "Netherlands (Kingdom of the)" and "Türkiye"). M49 names carry no article."""
EU_FILE = "i18n/party_names_eu.csv"
UNTERM_COLUMNS = {"fr": "UNTERM French Short", "es": "UNTERM Spanish Short"}
ARTICLES = {"en": ("the",), "fr": ("l'", "le", "la", "les"), "es": ("el", "la", "los", "las")}
"""The articles UNTERM writes in parentheses after a short name, per language."""
EUROPEAN = ("European Union", "European Community")
_ARTICLE = re.compile(r"^(?P<name>.*\S)\s*\((?P<article>[^()]+)\)$")
_MARKS = re.compile(r"\s*\*+$")


@dataclass(frozen=True)
class PartyName:
    """A Party's name in one language: ``label`` for tables and headings, ``prose`` for running text."""

    label: str
    prose: str
    lang: str
    in_language: bool
    """False when no source gives the name in this language and the English label stands in."""


def split_article(short: str, lang: str) -> tuple[str, str]:
    """Return a UNTERM short name's label and article: ``"Argentine (l')"`` -> ``("Argentine", "l'")``.

    Only an article of the language counts: ``"Bolivie (État plurinational de)"`` has none and
    stays whole, as UNTERM lists it. UNTERM's footnote marks (``*``, ``**``) are dropped.
    """
    text = _MARKS.sub("", str(short or "").strip())
    m = _ARTICLE.match(text)
    if m and m.group("article").strip().casefold() in ARTICLES.get(lang, ()):
        return m.group("name").strip(), m.group("article").strip().casefold()
    return text, ""


def with_article(label: str, article: str) -> str:
    """Return a name with its article in front: ``l'Argentine`` (elided, no space), ``les Bahamas``, ``el Canadá``."""
    if not article:
        return label
    return f"{article}{label}" if article.endswith("'") else f"{article} {label}"


@lru_cache(maxsize=1)
def _english() -> dict[str, tuple[str, str]]:
    """Return, per data key (casefolded country or name), ``(name_en, name_en_with_article)`` from ``party_names.csv``."""
    path = ref_path("party_names.csv")
    rows = read_csv(path)
    require_columns(path, rows, ("country", "iso3", "name_en", "name_en_with_article"))
    out: dict[str, tuple[str, str]] = {}
    for row in rows:
        name, prose = row["name_en"] or row["country"], row["name_en_with_article"] or row["name_en"] or row["country"]
        for key in (row["country"], row["name_en"]):
            if key:
                out[key.casefold()] = (name, prose)
    return out


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    """Return the data's Party and State names, casefolded (``party_names.csv`` and ``parties.csv``): the names a document may show in English for want of a translation."""
    return frozenset(_english()) | {row["country"].casefold() for row in read_csv(ref_path("parties.csv")) if row.get("country")}


@lru_cache(maxsize=4)
def unterm_names(lang: str) -> dict[str, str]:
    """Return, for French or Spanish, each English UNTERM short name without article and marks (``Gambia``) -> the UNTERM short name verbatim."""
    path = ref_path(UNTERM_FILE)
    rows = read_csv(path)
    require_columns(path, rows, ("official_name_en", *UNTERM_COLUMNS.values()))
    out = {}
    for row in rows:
        key = split_article(row["official_name_en"], "en")[0]
        if key and row[UNTERM_COLUMNS[lang]]:
            out[key.casefold()] = row[UNTERM_COLUMNS[lang]]
    return out


@lru_cache(maxsize=1)
def _codes() -> dict[str, str]:
    """Return, per data key (casefolded country or name), the ISO 3166 alpha-3 code (``party_names.csv``, ``parties.csv``)."""
    out = {}
    for file in ("party_names.csv", "parties.csv"):
        for row in read_csv(ref_path(file)):
            for key in (row.get("country"), row.get("name_en")):
                if key and row.get("iso3"):
                    out[key.casefold()] = row["iso3"]
    return out


@lru_cache(maxsize=4)
def m49_names(lang: str) -> dict[str, str]:
    """Return, for French or Spanish, each ISO 3166 alpha-3 code -> the M49 name verbatim (the fallback where UNTERM's copy has none)."""
    path = ref_path(M49_FILE)
    rows = read_csv(path)
    column = f"official_name_{lang}"
    require_columns(path, rows, ("ISO3166-1-Alpha-3", column))
    return {row["ISO3166-1-Alpha-3"]: row[column] for row in rows if row["ISO3166-1-Alpha-3"] and row[column]}


@lru_cache(maxsize=1)
def _european() -> dict[str, dict[str, str]]:
    path = ref_path(EU_FILE)
    rows = read_csv(path)
    require_columns(path, rows, ("name_en", "name_fr", "name_es"))
    return {row["name_en"]: {"fr": row["name_fr"], "es": row["name_es"]} for row in rows}


def _as_date(value) -> dt.date | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "to_pydatetime"):
        try:
            return value.to_pydatetime().date()
        except (ValueError, TypeError):
            return None
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def _european_name(text: str, received) -> str | None:
    """Return ``European Community`` or ``European Union`` for the EU's data names (the Community before 1 December 2009), else ``None``."""
    if text not in EUROPEAN:
        return None
    day = _as_date(received)
    return "European Community" if text == "European Community" or (day is not None and day < LISBON) else "European Union"


def party_name(name, lang: str | None = None, *, received=None) -> PartyName:
    """Return a data Party name in a language (the language in use when not given): its label and running-text form.

    English keeps the data's forms (``the Gambia`` / ``Gambia``). French and Spanish take UNTERM's
    short name (``la Gambie`` / ``Gambie``, ``Gambia``); a Party without one keeps its English label
    in both forms and is recorded (:func:`recording`). A name that is not a Party in the data is
    returned as given. ``received``: the notification's date of receipt (the European Community
    before 1 December 2009).
    """
    lang = lang or current_lang()
    text = str(name or "").strip()
    european = _european_name(text, received)
    if lang not in ("fr", "es"):
        if european:
            return PartyName(european, f"the {european}", "en", True)
        label, prose = _english().get(text.casefold(), (text, text))
        return PartyName(label, prose, "en", True)
    if european:
        short = _european().get(european, {}).get(lang, "")
        english = european
    else:
        english = _english().get(text.casefold(), (text, text))[0]
        short = unterm_names(lang).get(english.casefold(), "") if text.casefold() in _english() else ""
        short = short or m49_names(lang).get(_codes().get(text.casefold(), ""), "")
    if not short:
        if european or text.casefold() in _known():
            _record(english)
        return PartyName(english, english, lang, False)
    label, article = split_article(short, lang)
    return PartyName(label, with_article(label, article), lang, True)


def party_label(name, lang: str | None = None, *, received=None) -> str:
    """Return a Party's name for a table cell or run-in heading in a language: ``Argentine``, ``Bahamas``, ``Gambia``."""
    return party_name(name, lang, received=received).label


def party_prose(name, lang: str | None = None, *, received=None) -> str:
    """Return a Party's name for running text in a language: ``l'Argentine``, ``les Bahamas``, ``el Canadá``, ``the Gambia``."""
    return party_name(name, lang, received=received).prose


def shown_in_english(lang: str) -> list[str]:
    """Return the data's Parties (and the European Union and Community) that have no name in a language: their English label stands in."""
    if lang not in ("fr", "es"):
        return []
    names = sorted({label for label, _prose in _english().values()} | {row["country"] for row in read_csv(ref_path("parties.csv")) if row.get("country")} | set(EUROPEAN), key=str.casefold)
    return [n for n in names if not party_name(n, lang).in_language]


# --------------------------------------------------------------------------- what a document showed in English

_SHOWN: contextvars.ContextVar[set | None] = contextvars.ContextVar("crc_tools_party_names_shown_in_english", default=None)


def _record(english: str) -> None:
    shown = _SHOWN.get()
    if shown is not None:
        shown.add(english)


@contextlib.contextmanager
def recording():
    """Collect, inside the block, the Parties named in English for want of a name in the language in use; yield the set."""
    shown: set = set()
    token = _SHOWN.set(shown)
    try:
        yield shown
    finally:
        _SHOWN.reset(token)


__all__ = ["PartyName", "party_name", "party_label", "party_prose", "split_article", "with_article", "unterm_names", "shown_in_english", "recording", "LISBON", "ARTICLES", "NAME_LANGUAGES"]
