"""A document in one of the Convention's languages: the language in its model, and what stayed English.

A document is built inside :func:`crc_tools.i18n.using`, so every fixed string goes through
the catalogue (:mod:`crc_tools.i18n`) and dates take the language's long form. Notification
content stays as submitted. What the catalogue holds no official text for is shown in English:
the document says so in one short note on its cover (or first section), and the drafting notes
list each such text, so the Secretariat knows what awaits an official translation.
"""

from __future__ import annotations

from ..convention.party_names import recording
from ..errors import UsageError
from ..i18n import AWAITING, BCP47, DOCUMENT_LANGUAGES, N_, Translator, _, check_language, using
from . import model as dm

ENGLISH_NOTE = N_("Some headings and texts of this document are shown in English pending official texts.")
"""The note a document carries when part of its fixed wording is shown in English (the suite's own sentence)."""
PARTY_NAMES_NOTE = (
    "Party names shown in English: {names}. No {language} name for them is held "
    "(data/reference/i18n/unterm_names_fr_es.csv, UNTERM; data/reference/i18n/party_names_eu.csv) ({status})."
)
"""The drafting note listing the Parties a document names in English for want of a name in its language (crc_tools.convention.party_names)."""
LANGUAGE_NAMES_EN = {"fr": "French", "es": "Spanish"}


def document_language(lang) -> str:
    """Return a document language (``en``, ``fr``, ``es``), or raise :class:`~crc_tools.errors.UsageError`."""
    try:
        return check_language(lang, DOCUMENT_LANGUAGES)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def build_in(lang, build, **kwargs) -> dict:
    """Build a document model in a language (``build(**kwargs)`` inside :func:`crc_tools.i18n.using`) and mark it.

    ``lang`` is a language code or a :class:`~crc_tools.i18n.Translator` (whose record of the
    messages used the caller then reads, as the tests do).
    """
    if isinstance(lang, Translator):
        document_language(lang.lang)
        tr_or_lang = lang
    else:
        tr_or_lang = document_language(lang)
    with using(tr_or_lang) as tr, recording() as english_parties:
        lang = tr.lang
        model = build(**kwargs)
        if lang != "en":
            mark(model, tr, english_parties)
    return model


def mark(model: dict, tr: Translator, english_parties=()) -> None:
    """Record the language in a model and say what is shown in English (a note in the document, a list in the drafting notes).

    ``english_parties``: the Parties the document names in English, no name in its language
    being held (:func:`crc_tools.convention.party_names.recording`).
    """
    meta = model.setdefault("meta", {})
    meta["lang"] = tr.lang
    meta["lang_tag"] = BCP47[tr.lang]
    stem = str(meta.get("file_stem") or model.get("kind", ""))
    kind = str(model.get("kind", ""))
    meta["file_stem"] = f"{kind}-{tr.lang}-{stem[len(kind) + 1:]}" if stem.startswith(kind + "-") else f"{stem}-{tr.lang}"
    model["missing"] = tr.gettext(dm.TO_COMPLETE)
    english = tr.fallbacks()
    meta["english_fallbacks"] = english
    if english:
        note = dm.p(_(ENGLISH_NOTE), "note")
        sections_ = model.get("sections") or []
        target = next((s for s in sections_ if s.get("id") in ("cover", "title")), sections_[0] if sections_ else None)
        if target is not None:
            target.setdefault("blocks", []).append(note)
    for m in english:
        entry = tr.entry(m)
        why = AWAITING if entry is not None and entry.awaiting else "not yet in the catalogue"
        dm.add_note(model, "Shown in English", f"{m} ({why})")
    if english_parties:
        names = ", ".join(sorted(english_parties, key=str.casefold))
        dm.add_note(model, "Shown in English", PARTY_NAMES_NOTE.format(names=names, language=LANGUAGE_NAMES_EN.get(tr.lang, tr.lang), status=AWAITING))


__all__ = ["document_language", "build_in", "mark", "ENGLISH_NOTE"]
