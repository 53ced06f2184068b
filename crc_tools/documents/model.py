"""Documents as plain data: the blocks a document is made of, and reading them back.

A *document model* is a JSON-compatible ``dict`` built by one model module per kind of
document (:mod:`~crc_tools.documents.dgd`, :mod:`~crc_tools.documents.shpf_dgd`,
:mod:`~crc_tools.documents.rationale`, :mod:`~crc_tools.documents.shpf_rationale`,
:mod:`~crc_tools.documents.synopsis`). The notebook templates in ``notebooks/templates/``
receive it as a papermill parameter and show it part by part (:mod:`~crc_tools.documents.html`);
:mod:`~crc_tools.documents.word` writes the same model to DOCX. So the HTML and the Word file say
the same thing, and the notebooks stay thin.

This module is deliberately light (no pandas, no papermill): it is what the template's
kernel imports.

Model layout::

    {
      "kind": "dgd" | "rationale" | "synopsis",
      "schema": 2,
      "title": str,
      "meta": {"file_stem": str, "chemical": str, "category": str, ...},
      "header": {"symbol": str, "date": str},   # running header of a meeting document
      "sections": [
        {"id": "2.1", "part": "2", "number": "2.1", "heading": "Final regulatory action",
         "level": 2, "blocks": [block, ...]},
        ...
      ],
      "checks": [{"check": str, "result": "ok" | "problem" | "to complete", "message": str}],
      "drafting_notes": [{"topic": str, "text": str}],   # never shown in the document
    }

Blocks (``type``): ``p`` (``text``, optional ``style``: ``note``, ``legal``, ``missing``,
``lead``, ``small``, ``cover-title``; optional ``number``: a numbered paragraph), ``heading``
(``text``, ``level`` 3 or 4), ``fields`` (``rows`` of ``{"label", "value", "key"}``, optional
``caption``), ``table`` (``columns`` of ``{"key", "label"}``, ``rows`` of cells, optional
``caption``), ``list`` (``items``) and ``chart`` (``title``, ``svg``, ``columns``, ``rows``).
A value or cell of ``None`` (or ``[]``) is shown as :data:`TO_COMPLETE`, highlighted. A block
may carry ``party``, ``region``, ``status`` and ``item`` (what it is about), which the
consistency check reads and no writer prints.

What documents never show: file names, field names, provenance notes and "illustrative"
markers. They stay in the data and go to the drafting notes written beside a draft
(:func:`scrub`, :mod:`~crc_tools.documents.notes`).
"""

from __future__ import annotations

import re

from ..i18n import N_, _, lookup

SCHEMA_VERSION = 2

TO_COMPLETE = N_("To be completed.")
"""What a draft says where the data lack an item: visible and highlighted, never a blank."""
MISSING = TO_COMPLETE
MISSING_PROPOSAL = TO_COMPLETE

RESULT_OK, RESULT_PROBLEM, RESULT_TO_COMPLETE = "ok", "problem", "to complete"

ABBREVIATIONS = {
    "ADI": "Acceptable daily intake",
    "AOEL": "Acceptable operator exposure level",
    "ARfD": "Acute reference dose",
    "CAS": "Chemical Abstracts Service",
    "CEPA": "Canadian Environmental Protection Act, 1999",
    "CICAD": "Concise International Chemical Assessment Document",
    "CILSS": "Permanent Interstate Committee for Drought Control in the Sahel",
    "CLP": "Classification, labelling and packaging (Regulation (EC) No 1272/2008)",
    "COP": "Conference of the Parties",
    "CRC": "Chemical Review Committee",
    "CSP": "Sahelian Pesticide Committee",
    "DGD": "Decision guidance document",
    "DNA": "Designated national authority",
    "DP": "Dustable powder (formulation)",
    "DT50": "Time for 50 per cent dissipation or degradation",
    "EC": "European Community; emulsifiable concentrate (formulation)",
    "EEC": "European Economic Community",
    "EFSA": "European Food Safety Authority",
    "EHC": "Environmental Health Criteria (IPCS)",
    "EPA": "Environmental Protection Agency (United States)",
    "EU": "European Union",
    "FAO": "Food and Agriculture Organization of the United Nations",
    "GHS": "Globally Harmonized System of Classification and Labelling of Chemicals",
    "HS": "Harmonized Commodity Description and Coding System (customs code)",
    "IARC": "International Agency for Research on Cancer",
    "ICSC": "International Chemical Safety Card",
    "ILO": "International Labour Organization",
    "IMDG": "International Maritime Dangerous Goods Code",
    "IPCS": "International Programme on Chemical Safety",
    "IPM": "Integrated pest management",
    "ISO": "International Organization for Standardization",
    "IUPAC": "International Union of Pure and Applied Chemistry",
    "JMPR": "Joint FAO/WHO Meeting on Pesticide Residues",
    "LC50": "Median lethal concentration",
    "LD50": "Median lethal dose",
    "LOAEL": "Lowest observed adverse effect level",
    "NICNAS": "National Industrial Chemicals Notification and Assessment Scheme (Australia)",
    "NOAEL": "No observed adverse effect level",
    "OECD": "Organisation for Economic Co-operation and Development",
    "OEL": "Occupational exposure limit",
    "OJ": "Official Journal of the European Union",
    "PIC": "Prior informed consent",
    # the French and Spanish DGD introductions (official texts, crc_tools/locale) spell UNEP out in their language
    "PNUE": "Programme des Nations Unies pour l’environnement",
    "PNUMA": "Programa de las Naciones Unidas para el Medio Ambiente",
    "POP": "Persistent organic pollutant",
    "POPRC": "Persistent Organic Pollutants Review Committee",
    "PPE": "Personal protective equipment",
    "SHPF": "Severely hazardous pesticide formulation",
    "SL": "Soluble concentrate (formulation)",
    "SOR": "Statutory Orders and Regulations (Canada)",
    "TBT": "Tributyltin",
    "TBTO": "Tributyltin oxide",
    "TWA": "Time-weighted average",
    "UL": "Ultra-low volume liquid (formulation code)",
    "ULV": "Ultra low volume (formulation)",
    "UN": "United Nations",
    "UNEP": "United Nations Environment Programme",
    "US": "United States of America",
    "WCO": "World Customs Organization",
    "WHO": "World Health Organization",
}
"""Abbreviations with their meaning; a DGD's list names those its text uses."""

_CAPITALS_RE = re.compile(r"(?<![\w/.-])([A-Z][A-Z]+[0-9]*)(?:s)?(?![\w])")
"""An all-capital token of two or more letters (digits may follow: LD50), alone or plural (DNAs)."""
_KNOWN_MIXED_RE = re.compile(r"(?<![\w])(" + "|".join(sorted((re.escape(a) for a in ABBREVIATIONS if not a.isupper()), key=len, reverse=True)) + r")s?(?![\w])")
_ROMAN_RE = re.compile(r"^[IVX]+$")
_SYMBOL_RE = re.compile(r"\b(?:UNEP/)?FAO/RC/[\w./-]+|\bUNEP/[A-Z][\w./-]+")
"""UN document symbols (UNEP/FAO/RC/CRC.12/3/Rev.1): their parts are not abbreviations of the text."""

FILE_NAME_RE = re.compile(r"[\w./-]+\.(?:ya?ml|csv|json|xlsx|ipynb|py)\b|\bdata/(?:cases|reference)/\S*", re.IGNORECASE)
"""A file name of the suite's data (``crc_cases.csv``, ``data/cases/x.yaml``): internal, never in a document."""


def is_internal(text) -> bool:
    """Return whether a text names one of the suite's data files (a provenance note, not a reference)."""
    return bool(FILE_NAME_RE.search(str(text or "")))


PROVENANCE_RE = re.compile(r"\s*\((?=[^()]*\b(?:illustrative|see sources|not read|not from a source|unverified)\b)[^()]*\)", re.IGNORECASE)
"""A parenthetical provenance marker in a value: ``(illustrative)``, ``(illustrative, see sources)``."""


# --------------------------------------------------------------------------- building blocks


def p(text: str, style: str = "", *, number: str = "") -> dict:
    """Return a paragraph block; ``number`` makes it a numbered paragraph (``1.``)."""
    out = {"type": "p", "text": str(text)}
    if style:
        out["style"] = style
    if number:
        out["number"] = str(number)
    return out


def heading(text: str, *, level: int = 3, party: str | None = None, key: str = "", **about) -> dict:
    """Return a sub-heading block (below the section headings), optionally about one Party."""
    out = {"type": "heading", "text": lookup(text), "level": level, **{k: v for k, v in about.items() if v is not None}}
    if party is not None:
        out["party"] = party
    if key:
        out["key"] = key
    return out


def field(label: str, value, key: str = "") -> dict:
    """Return one row of a fields block; ``value`` is text, a list of texts, or ``None`` (to be completed)."""
    return {"label": lookup(label), "value": _clean_value(value), "key": key}


def fields(rows: list[dict], *, key: str = "", party: str | None = None, caption: str = "") -> dict:
    """Return a label/value block (a two-column table; ``caption`` heads it and repeats on each page in Word)."""
    out = {"type": "fields", "rows": rows}
    if key:
        out["key"] = key
    if party is not None:
        out["party"] = party
    if caption:
        out["caption"] = lookup(caption)
    return out


def table(columns: list[tuple[str, str]], rows: list[list], *, key: str = "", caption: str = "") -> dict:
    """Return a table block; ``columns`` are ``(key, label)`` pairs, cells text or ``None`` (to be completed)."""
    return {
        "type": "table",
        "key": key,
        "caption": lookup(caption) if caption else caption,
        "columns": [{"key": k, "label": _(label)} for k, label in columns],
        "rows": [[_clean_value(c) for c in r] for r in rows],
    }


def bullet_list(items: list[str], *, key: str = "", party: str | None = None) -> dict:
    """Return a list block."""
    out = {"type": "list", "items": [str(i) for i in items]}
    if key:
        out["key"] = key
    if party is not None:
        out["party"] = party
    return out


def chart(title: str, columns: list[tuple[str, str]], rows: list[list], svg: str = "", *, key: str = "") -> dict:
    """Return a chart block: an SVG picture and the data it shows (the table is what Word gets)."""
    return {
        "type": "chart",
        "key": key,
        "title": lookup(title),
        "svg": svg,
        "columns": [{"key": k, "label": lookup(label)} for k, label in columns],
        "rows": [[_clean_value(c) for c in r] for r in rows],
    }


def section(sid: str, heading_text: str, *, number: str = "", level: int = 1, part: str | None = None, blocks: list | None = None, translated: bool = False) -> dict:
    """Return a section; ``part`` groups sections shown together by one template cell.

    The heading goes through the catalogue (:mod:`crc_tools.i18n`) unless ``translated`` says it
    was composed of translated parts already (``_("Criterion {group}: {title}").format(...)``).
    """
    heading_text = heading_text if translated or not heading_text else _(heading_text)
    return {"id": sid, "part": part or sid, "number": lookup(number) if number else number, "heading": heading_text, "level": level, "blocks": list(blocks or [])}


def to_complete(what: str = "") -> dict:
    """Return a highlighted paragraph saying what the drafting group has to complete."""
    return p(lookup(TO_COMPLETE) + (f" {lookup(what)}" if what else ""), "missing")


def _clean_value(value):
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value if v is not None and str(v).strip()]
        return items or None
    text = str(value)
    return text if text.strip() else None


def is_missing(value) -> bool:
    """Return whether a field or cell value carries nothing."""
    return value is None or (isinstance(value, list) and not value) or (isinstance(value, str) and not value.strip())


def new_document(kind: str, title: str, sections_: list[dict], *, meta: dict, header: dict | None = None, notes: list | None = None) -> dict:
    """Return a document model (see the module docstring)."""
    return {
        "kind": kind,
        "schema": SCHEMA_VERSION,
        "title": title,
        "meta": meta,
        "header": {"symbol": "", "date": "", **(header or {})},
        "sections": sections_,
        "checks": [],
        "drafting_notes": list(notes or []),
    }


def add_note(document: dict, topic: str, text: str) -> None:
    """Add a note for the drafting group (written beside the draft, never in it)."""
    entry = {"topic": str(topic), "text": str(text)}
    if entry not in document.setdefault("drafting_notes", []):
        document["drafting_notes"].append(entry)


# --------------------------------------------------------------------------- reading a model


def sections(document: dict, part: str | None = None) -> list[dict]:
    """Return the document's sections, or those of one part."""
    return [s for s in document.get("sections", []) if part is None or s.get("part") == part]


def parts(document: dict) -> list[str]:
    """Return the parts of a document in order (each shown by one template cell)."""
    out: list[str] = []
    for s in document.get("sections", []):
        if s.get("part") not in out:
            out.append(s.get("part"))
    return out


def find_section(document: dict, sid: str) -> dict | None:
    """Return the section with this id, or ``None``."""
    for s in document.get("sections", []):
        if s.get("id") == sid:
            return s
    return None


def section_title(s: dict) -> str:
    """Return a section's heading with its number, as printed."""
    return f"{s['number']} {s['heading']}".strip() if s.get("number") else s.get("heading", "")


def missing_text(document: dict) -> str:
    """Return what a missing value reads as (:data:`TO_COMPLETE`)."""
    return str(document.get("missing") or TO_COMPLETE)


def iter_text(document: dict, *, skip_sections: tuple[str, ...] = ()):
    """Yield every piece of visible text of a document (titles, headings, cells, items)."""
    missing = missing_text(document)
    yield document.get("title", "")
    for s in document.get("sections", []):
        if s.get("id") in skip_sections:
            continue
        yield section_title(s)
        for b in s.get("blocks", []):
            yield from block_texts(b, missing)


def block_texts(b: dict, missing: str = TO_COMPLETE):
    """Yield the visible texts of one block."""
    t = b.get("type")
    if t in ("p", "heading"):
        yield b.get("text", "")
    elif t == "fields":
        yield b.get("caption", "")
        for r in b["rows"]:
            yield r["label"]
            yield from _value_texts(r["value"], missing)
    elif t in ("table", "chart"):
        yield b.get("caption", "") or b.get("title", "")
        for c in b["columns"]:
            yield c["label"]
        for row in b["rows"]:
            for cell in row:
                yield from _value_texts(cell, missing)
    elif t == "list":
        yield from b["items"]


def _value_texts(value, missing: str = TO_COMPLETE):
    if value is None:
        return [missing]
    if isinstance(value, list):
        return value
    return [value]


def capital_tokens(text: str) -> set[str]:
    """Return the abbreviations a text uses: every all-capital token of two or more letters, and the known mixed-case ones (ARfD).

    Roman numerals (Annex III, Appendix II) and the parts of UN document symbols
    (UNEP/FAO/RC/CRC.12/3) are not abbreviations of the text.
    """
    text = _SYMBOL_RE.sub(" ", str(text))
    found = {m.group(1) for m in _CAPITALS_RE.finditer(text)}
    found |= {m.group(1) for m in _KNOWN_MIXED_RE.finditer(text)}
    return {t for t in found if not _ROMAN_RE.match(t)}


def abbreviations_used(document: dict, *, skip_sections: tuple[str, ...] = ("abbreviations",)) -> list[str]:
    """Return the abbreviations that occur in the document's text (outside their own list), sorted."""
    found: set[str] = set()
    for text in iter_text(document, skip_sections=skip_sections):
        found |= capital_tokens(text)
    return sorted(found, key=str.casefold)


class ModelError(ValueError):
    """A document model that is not what a template expects."""


def check_model(document, kind: str | None = None) -> None:
    """Raise :class:`ModelError` unless ``document`` is a document model (of ``kind``)."""
    if not isinstance(document, dict) or "sections" not in document or "kind" not in document:
        raise ModelError("not a document model: build one with crc_tools.documents (or set the template's parameters)")
    if document.get("schema") != SCHEMA_VERSION:
        raise ModelError(f"document model schema {document.get('schema')!r}; this version reads schema {SCHEMA_VERSION}")
    if kind is not None and document["kind"] != kind:
        raise ModelError(f"this template renders a {kind} document, not a {document['kind']} document")


# --------------------------------------------------------------------------- provenance stays out


def scrub(document: dict) -> dict:
    """Remove provenance markers (``(illustrative)``, ``(see sources)``) from every text of a model; note where.

    The data say which of their values are illustrative or unverified; a document does
    not. Each marker removed is recorded in the drafting notes with the section it was in.
    """
    for s in document.get("sections", []):
        where = section_title(s) or s.get("id", "")
        s["heading"] = _scrub_text(s.get("heading", ""), document, where)
        for b in s.get("blocks", []):
            _scrub_block(b, document, where)
    document["title"] = _scrub_text(document.get("title", ""), document, "title")
    return document


def _scrub_block(b: dict, document: dict, where: str) -> None:
    for key in ("text", "caption", "title"):
        if isinstance(b.get(key), str):
            b[key] = _scrub_text(b[key], document, where)
    if b.get("type") == "fields":
        for r in b["rows"]:
            r["value"] = _scrub_value(r["value"], document, f"{where}, {r['label']}")
    elif b.get("type") in ("table", "chart"):
        b["rows"] = [[_scrub_value(c, document, where) for c in row] for row in b["rows"]]
    elif b.get("type") == "list":
        kept = [i for i in b["items"] if not is_internal(i)]
        for i in b["items"]:
            if is_internal(i):
                add_note(document, "Internal references left out", f"{where}: {i}")
        b["items"] = [_scrub_text(i, document, where) for i in kept]


def _scrub_value(value, document: dict, where: str):
    if isinstance(value, list):
        return [_scrub_text(v, document, where) for v in value]
    if isinstance(value, str):
        return _scrub_text(value, document, where)
    return value


def _scrub_text(text: str, document: dict, where: str) -> str:
    if "(" not in text:
        return text
    out = PROVENANCE_RE.sub("", text)
    if out != text:
        marker = "; ".join(m.group(0).strip() for m in PROVENANCE_RE.finditer(text))
        add_note(document, "Values marked in the data", f"{where}: the data mark this value {marker}: check it against a source before circulating. Value as printed: '{_short(out)}'.")
    return out


def _short(text: str, n: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def check_summary(findings: list[dict]) -> str:
    """Return a one-line summary of consistency findings."""
    n_problem = sum(1 for f in findings if f["result"] == RESULT_PROBLEM)
    n_todo = sum(1 for f in findings if f["result"] == RESULT_TO_COMPLETE)
    return f"{len(findings)} finding(s): {n_problem} problem(s), {n_todo} to complete"


def document_subject(model: dict) -> str:
    """Return what a document is about, as one line: kind, variant, chemical, category, notification or proposal.

    Two documents with the same subject are the same document (a later render replaces the
    earlier one); two with different subjects never share a file (:func:`crc_tools.writers.write_set`).
    """
    meta = model.get("meta", {}) or {}
    parts_ = [model.get("kind", ""), meta.get("variant", ""), meta.get("chemical", ""), meta.get("category", ""), meta.get("notification_id", "") or meta.get("proposal_id", "")]
    if model.get("kind") == "synopsis":
        parts_.append(str(meta.get("file_stem", "")))
    if meta.get("lang") and meta.get("lang") != "en":
        parts_.append(str(meta["lang"]))  # a translation is its own document
    return " | ".join(" ".join(str(x).split()) for x in parts_)
