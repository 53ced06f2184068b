"""UN editorial conventions the documents follow: dates, Party names, region names, lists.

* Dates are written day, month in full, year, without a comma: ``31 December 2003``
  (UN meeting documents, e.g. UNEP/FAO/RC/CRC.12/3/Rev.1 "20 October 2016").
* Party names in running text carry their article as UNTERM gives it: "the Gambia",
  "the Niger", "the Philippines" (``data/reference/party_names.csv``); in tables and run-in
  headings the short name stands alone. French and Spanish take UNTERM's names
  (:mod:`crc_tools.convention.party_names`): the label ("Gambie") everywhere, the article form
  ("la Gambie") only inside a message the catalogue translates (:func:`with_parties`).
* A notification the European Community made (received before the Treaty of Lisbon took
  effect, 1 December 2009) is the European Community's, not the European Union's; the data key
  stays ``European Union`` (one Party, counted for Europe).
* Decision RC-1/2 writes the region "South West Pacific" in prose; the data key (the
  command-line contract's region name) stays ``Southwest Pacific``.
"""

from __future__ import annotations

import datetime as dt

from ..convention.party_names import LISBON, party_name
from ..i18n import _, current, current_lang, format_date_long, ngettext

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
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


class PartyText(str):
    """A Party's name (or several, joined) as a document prints it, which also knows its running-text form in the document's language.

    The text itself is what any sentence may carry: in English the name with its article ("the
    Gambia"), in French and Spanish the label ("Gambie"), because a sentence still shown in
    English must not carry "la Gambie". :func:`with_parties` puts ``running`` ("la Gambie")
    into a message only where the catalogue translates the message.
    """

    running: str

    def __new__(cls, text: str, running: str | None = None):
        """Return the text, with ``running`` as its form inside a translated message (the text itself when not given)."""
        obj = super().__new__(cls, text)
        obj.running = str(text) if running is None else str(running)
        return obj

    def __add__(self, other):
        if isinstance(other, str) and not isinstance(other, PartyText):
            return PartyText(str(self) + other, self.running + other)
        return str.__add__(self, other)


def party_prose(name: str, *, received=None) -> PartyText:
    """Return a Party's name for running text in the language in use (:func:`crc_tools.convention.party_names.party_name`).

    English: with its article and the European Community where it notified ("the Gambia").
    French and Spanish: the label ("Gambie"), with the article form ("la Gambie") kept for a
    translated message (:func:`with_parties`). ``received`` is the date the notification was
    received: a notification of the European Union received before 1 December 2009 is the
    European Community's.
    """
    n = party_name(name, received=received)
    return PartyText(n.prose if n.lang == "en" else n.label, n.prose)


def party_label(name: str, *, received=None) -> str:
    """Return a Party's name for a table cell or run-in heading in the language in use (no article; European Community where it notified)."""
    return party_name(name, received=received).label


def _in_language(message: str) -> bool:
    """Return whether a message is shown in the language in use (English, or a translation the catalogue holds, not fuzzy)."""
    tr = current()
    if tr.lang == "en":
        return True
    entry = tr.entry(message)
    return entry is not None and bool(entry.msgstr) and not entry.fuzzy


def _fill(text: str, in_language: bool, fields: dict) -> str:
    return text.format(**{k: (v.running if in_language and isinstance(v, PartyText) else v) for k, v in fields.items()})


def with_parties(message: str, **fields) -> str:
    """Return ``_(message).format(**fields)``, a Party's name (:class:`PartyText`) with its article only where the message is translated.

    A message the catalogue translates reads "notifié par le Chili"; one still shown in English
    reads "notified by Chili" (the label), never "notified by le Chili".
    """
    return _fill(_(message), _in_language(message), fields)


def with_parties_n(singular: str, plural: str, n: int, **fields) -> str:
    """Return ``ngettext(singular, plural, n).format(**fields)`` with the rule of :func:`with_parties`."""
    return _fill(ngettext(singular, plural, n), _in_language(singular), fields)


def party_lead(prose: str) -> str:
    """Return a Party's name opening a line outside the catalogue (a title's lead line): "The Gambia" in English, the label ("Gambie") otherwise."""
    return sentence_start(prose) if current_lang() == "en" else str(prose)


def sentence_start(text: str) -> str:
    """Return text with its first letter capital ("the Gambia" at the start of a sentence: "The Gambia"; "l'Argentine": "L'Argentine")."""
    if isinstance(text, PartyText):
        return PartyText(sentence_start(str(text)), sentence_start(text.running))
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
    """Return ``a, b and c`` (Party names joined stay a :class:`PartyText`, their running forms joined alike)."""
    parts = [p for p in parts if p]
    if parts and all(isinstance(p, PartyText) for p in parts):
        return PartyText(_join([str(p) for p in parts], word), _join([p.running for p in parts], word))
    return _join([str(p) for p in parts], word)


def _join(parts: list[str], word: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {word} " + parts[-1]


__all__ = ["un_date", "name_in_prose", "party_prose", "party_label", "PartyText", "with_parties", "with_parties_n", "party_lead", "sentence_start", "region_prose", "join", "LISBON"]
