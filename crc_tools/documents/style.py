"""UN editorial conventions the documents follow: dates, Party names, region names, lists.

* Dates are written day, month in full, year, without a comma: ``31 December 2003``
  (UN meeting documents, e.g. UNEP/FAO/RC/CRC.12/3/Rev.1 "20 October 2016").
* Party names in running text carry their article as UNTERM gives it: "the Gambia",
  "the Niger", "the Philippines" (``data/reference/party_names.csv``); in tables and run-in
  headings the short name stands alone.
* A notification the European Community made (received before the Treaty of Lisbon took
  effect, 1 December 2009) is the European Community's, not the European Union's; the data key
  stays ``European Union`` (one Party, counted for Europe).
* Decision RC-1/2 writes the region "South West Pacific" in prose; the data key (the
  command-line contract's region name) stays ``Southwest Pacific``.
"""

from __future__ import annotations

import csv
import datetime as dt
from functools import lru_cache

from .. import config
from ..i18n import current_lang, format_date_long

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
LISBON = dt.date(2009, 12, 1)
"""The Treaty of Lisbon took effect: the European Union succeeded the European Community."""
REGION_PROSE = {"Southwest Pacific": "South West Pacific"}


def un_date(value) -> str | None:
    """Return a date as UN documents write it (``31 December 2003``), or ``None`` for none.

    Accepts dates, timestamps and ISO strings; a text that is not a date is returned as given.
    """
    if value is None:
        return None
    try:
        if value != value:  # NaN, NaT
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            value = dt.date.fromisoformat(text[:10])
        except ValueError:
            return text
    if hasattr(value, "to_pydatetime"):
        try:
            value = value.to_pydatetime()
        except (ValueError, TypeError):
            return None
    if isinstance(value, float) and value != value:
        return None
    if not hasattr(value, "year"):
        return str(value)
    try:
        if current_lang() != "en":
            return format_date_long(dt.date(value.year, value.month, value.day))  # 31 décembre 2003, 31 de diciembre de 2003
        return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    except (ValueError, AttributeError, TypeError, IndexError):
        return None


@lru_cache(maxsize=1)
def _articles() -> dict[str, str]:
    path = config.reference_dir() / "party_names.csv"
    out: dict[str, str] = {}
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                prose = (row.get("name_en_with_article") or "").strip()
                if prose:
                    for key in (row.get("country"), row.get("name_en")):
                        if key and key.strip():
                            out[key.strip().casefold()] = prose
    except FileNotFoundError:
        return {}
    return out


def party_prose(name: str, *, received=None) -> str:
    """Return a Party's name as running text writes it: with its article, and the European Community where it notified.

    ``received`` is the date the notification was received: a notification of the
    European Union received before 1 December 2009 is the European Community's.
    """
    text = str(name or "").strip()
    if text in ("European Union", "European Community"):
        day = _as_date(received)
        if text == "European Community" or (day is not None and day < LISBON):
            return "the European Community"
        return "the European Union"
    return _articles().get(text.casefold(), text)


def party_label(name: str, *, received=None) -> str:
    """Return a Party's name for a table cell or run-in heading (no article; European Community where it notified)."""
    prose = party_prose(name, received=received)
    return prose[4:] if prose.startswith("the ") else prose


def sentence_start(text: str) -> str:
    """Return text with its first letter capital ("the Gambia" at the start of a sentence: "The Gambia")."""
    return text[:1].upper() + text[1:] if text else text


def name_in_prose(name: str) -> str:
    """Return a chemical's common name as running text writes it mid-sentence: "chrysotile asbestos", "carbosulfan"; "PFOA" and "DDT" unchanged."""
    text = str(name or "")
    if len(text) > 1 and text[0].isupper() and text[1].islower() and not any(c.isupper() for c in text[1:].split(" ")[0]):
        return text[0].lower() + text[1:]
    return text


def region_prose(region: str) -> str:
    """Return a PIC region as prose writes it (decision RC-1/2: "South West Pacific")."""
    return REGION_PROSE.get(str(region or ""), str(region or ""))


def join(parts, word: str = "and") -> str:
    """Return ``a, b and c``."""
    parts = [str(p) for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {word} " + parts[-1]


def _as_date(value) -> dt.date | None:
    if value is None:
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


__all__ = ["un_date", "name_in_prose", "party_prose", "party_label", "sentence_start", "region_prose", "join"]
