"""Documents as plain data, their HTML rendering, and the DGD internal-consistency check.

A *document model* is a JSON-compatible ``dict`` built by :mod:`crc_tools.documents.dgd`
(the draft decision guidance document, the rationale, the six-monthly synopsis). The
notebook templates in ``notebooks/templates/`` receive it as a papermill parameter and
display it part by part; :mod:`crc_tools.documents.word` writes the same model to DOCX. So the HTML
and the Word file say the same thing, and the notebooks stay thin.

This module is deliberately light (no pandas, no papermill): it is what the template's
kernel imports.

Model layout::

    {
      "kind": "dgd" | "rationale" | "synopsis",
      "schema": 1,
      "title": str,
      "meta": {"file_stem": str, "chemical": str, "category": str, ...},
      "notices": [str, ...],            # shown prominently at the top
      "sections": [
        {"id": "2.1", "part": "2", "number": "2.1", "heading": "Final regulatory action",
         "level": 2, "blocks": [block, ...]},
        ...
      ],
      "checks": [{"check": str, "result": "ok" | "problem" | "to complete", "message": str}],
      "missing": str,                   # optional: what a missing value reads as (default MISSING)
    }

Blocks (``type``): ``p`` (``text``, optional ``style``: ``note``, ``aid``, ``notice``,
``legal``, ``placeholder``, ``lead``), ``heading`` (``text``, ``level`` 3 or 4, optional
``party``), ``fields`` (``rows`` of ``{"label", "value", "key"}``; a value of ``None`` or
``[]`` is shown as :data:`MISSING`), ``table`` (``columns`` of ``{"key", "label"}`` and
``rows`` of cells), ``list`` (``items``) and ``chart`` (``title``, ``svg``, ``columns``,
``rows``: the chart's data, shown as a table where a chart cannot be).
A block may carry ``party`` (the Party it is about) and ``item`` (the Annex item), which the
consistency check reads.

Every piece of text from a notification reaches HTML through :func:`html.escape`: a
chemical named ``<script>alert(1)</script>`` renders as text.
"""

from __future__ import annotations

import base64
import html
import re

SCHEMA_VERSION = 1

MISSING = "Not provided in the notifications."
"""What a draft says where the data lack an item: visible, never a blank."""

MISSING_PROPOSAL = "Not provided in the proposal."
"""The same for a draft built from an SHPF proposal (Article 6): the model's ``missing``."""

PLACEHOLDER_PREFIX = "To be completed by the drafting group: "

RESULT_OK, RESULT_PROBLEM, RESULT_TO_COMPLETE = "ok", "problem", "to complete"

ABBREVIATIONS = {
    "ADI": "Acceptable daily intake",
    "ARfD": "Acute reference dose",
    "CAS": "Chemical Abstracts Service",
    "CLP": "Classification, labelling and packaging (Regulation (EC) No 1272/2008)",
    "COP": "Conference of the Parties",
    "CRC": "Chemical Review Committee",
    "DGD": "Decision guidance document",
    "DNA": "Designated national authority",
    "DP": "Dustable powder (formulation)",
    "EC": "European Community; EC number (European list of substances); emulsifiable concentrate (formulation)",
    "EPA": "Environmental Protection Agency (United States)",
    "EU": "European Union",
    "FAO": "Food and Agriculture Organization of the United Nations",
    "FRA": "Final regulatory action",
    "GHS": "Globally Harmonized System of Classification and Labelling of Chemicals",
    "HS": "Harmonized Commodity Description and Coding System (customs code)",
    "IARC": "International Agency for Research on Cancer",
    "IPCS": "International Programme on Chemical Safety",
    "IPM": "Integrated pest management",
    "IUPAC": "International Union of Pure and Applied Chemistry",
    "JMPR": "Joint FAO/WHO Meeting on Pesticide Residues",
    "LC50": "Median lethal concentration",
    "LD50": "Median lethal dose",
    "LOAEL": "Lowest observed adverse effect level",
    "NOAEL": "No observed adverse effect level",
    "OEL": "Occupational exposure limit",
    "PIC": "Prior informed consent",
    "POP": "Persistent organic pollutant",
    "POPRC": "Persistent Organic Pollutants Review Committee",
    "PPE": "Personal protective equipment",
    "SHPF": "Severely hazardous pesticide formulation",
    "SL": "Soluble concentrate (formulation)",
    "ULV": "Ultra low volume (formulation)",
    "UNEP": "United Nations Environment Programme",
    "WCO": "World Customs Organization",
    "WHO": "World Health Organization",
}
"""Abbreviations a DGD may use; its list names exactly those that occur in its text."""

_ABBREV_RE = re.compile(r"(?<![A-Za-z0-9])(" + "|".join(sorted(map(re.escape, ABBREVIATIONS), key=len, reverse=True)) + r")s?(?![A-Za-z0-9])")


# --------------------------------------------------------------------------- building blocks


def p(text: str, style: str = "") -> dict:
    """Return a paragraph block."""
    out = {"type": "p", "text": str(text)}
    if style:
        out["style"] = style
    return out


def heading(text: str, *, level: int = 3, party: str | None = None, key: str = "") -> dict:
    """Return a sub-heading block (below the section headings), optionally about one Party."""
    out = {"type": "heading", "text": str(text), "level": level}
    if party is not None:
        out["party"] = party
    if key:
        out["key"] = key
    return out


def field(label: str, value, key: str = "") -> dict:
    """Return one row of a fields block; ``value`` is text, a list of texts, or ``None`` (missing)."""
    return {"label": str(label), "value": _clean_value(value), "key": key}


def fields(rows: list[dict], *, key: str = "", party: str | None = None) -> dict:
    """Return a label/value block (a two-column table in Word)."""
    out = {"type": "fields", "rows": rows}
    if key:
        out["key"] = key
    if party is not None:
        out["party"] = party
    return out


def table(columns: list[tuple[str, str]], rows: list[list], *, key: str = "", caption: str = "") -> dict:
    """Return a table block; ``columns`` are ``(key, label)`` pairs, cells text or ``None`` (missing)."""
    return {
        "type": "table",
        "key": key,
        "caption": caption,
        "columns": [{"key": k, "label": label} for k, label in columns],
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
        "title": title,
        "svg": svg,
        "columns": [{"key": k, "label": label} for k, label in columns],
        "rows": [[_clean_value(c) for c in r] for r in rows],
    }


def section(sid: str, heading_text: str, *, number: str = "", level: int = 1, part: str | None = None, blocks: list | None = None) -> dict:
    """Return a section; ``part`` groups sections shown together by one template cell."""
    return {"id": sid, "part": part or sid, "number": number, "heading": heading_text, "level": level, "blocks": list(blocks or [])}


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
    """Return what a missing value reads as in this document (:data:`MISSING` by default)."""
    return str(document.get("missing") or MISSING)


def iter_text(document: dict, *, skip_sections: tuple[str, ...] = ()):
    """Yield every piece of visible text of a document (titles, headings, cells, items)."""
    missing = missing_text(document)
    yield document.get("title", "")
    yield from document.get("notices", [])
    for s in document.get("sections", []):
        if s.get("id") in skip_sections:
            continue
        yield section_title(s)
        for b in s.get("blocks", []):
            t = b.get("type")
            if t in ("p", "heading"):
                yield b.get("text", "")
            elif t == "fields":
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


def _value_texts(value, missing: str = MISSING):
    if value is None:
        return [missing]
    if isinstance(value, list):
        return value
    return [value]


def abbreviations_used(document: dict, *, skip_sections: tuple[str, ...] = ("abbreviations", "checks")) -> list[str]:
    """Return the known abbreviations that occur in the document's text (outside their own list), sorted."""
    found = set()
    for text in iter_text(document, skip_sections=skip_sections):
        for m in _ABBREV_RE.finditer(str(text)):
            found.add(m.group(1))
    return sorted(found, key=str.casefold)


# --------------------------------------------------------------------------- HTML


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _value_html(value, missing: str = MISSING) -> str:
    if is_missing(value):
        return f'<span class="crc-missing">{_e(missing)}</span>'
    if isinstance(value, list):
        if len(value) == 1:
            return _text_html(value[0])
        return "<ul>" + "".join(f"<li>{_text_html(v)}</li>" for v in value) + "</ul>"
    return _text_html(value)


def _text_html(text) -> str:
    return "<br>".join(_e(line) for line in str(text).split("\n"))


def _svg_img(svg: str, alt: str) -> str:
    # An SVG shown through <img> cannot run script, whatever text it carries.
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img class="crc-chart" alt="{_e(alt)}" src="data:image/svg+xml;base64,{data}">'


def block_html(b: dict, missing: str = MISSING) -> str:
    """Return one block as HTML, every text escaped (``missing``: what a missing value reads as)."""
    t = b.get("type")
    if t == "p":
        style = b.get("style", "")
        cls = f' class="crc-{_e(style)}"' if style else ""
        return f"<p{cls}>{_text_html(b['text'])}</p>"
    if t == "heading":
        level = min(max(int(b.get("level", 3)), 3), 5) + 1
        return f"<h{level}>{_e(b['text'])}</h{level}>"
    if t == "fields":
        rows = "".join(f'<tr><th scope="row">{_e(r["label"])}</th><td>{_value_html(r["value"], missing)}</td></tr>' for r in b["rows"])
        return f'<table class="crc-fields"><tbody>{rows}</tbody></table>'
    if t in ("table", "chart"):
        head = "".join(f'<th scope="col">{_e(c["label"])}</th>' for c in b["columns"])
        body = "".join("<tr>" + "".join(f"<td>{_value_html(c, missing)}</td>" for c in row) + "</tr>" for row in b["rows"])
        caption = b.get("caption") or ""
        cap = f"<caption>{_e(caption)}</caption>" if caption else ""
        tbl = f'<table class="crc-table">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
        if t == "chart":
            title = b.get("title", "")
            parts_ = [f'<figure class="crc-figure"><figcaption>{_e(title)}</figcaption>']
            if b.get("svg"):
                parts_.append(_svg_img(b["svg"], title))
                parts_.append(f"<details><summary>Data shown in the chart</summary>{tbl}</details>")
            else:
                parts_.append(tbl)
            parts_.append("</figure>")
            return "".join(parts_)
        return tbl
    if t == "list":
        if not b["items"]:
            return f'<p><span class="crc-missing">{_e(missing)}</span></p>'
        return "<ul>" + "".join(f"<li>{_text_html(i)}</li>" for i in b["items"]) + "</ul>"
    raise ValueError(f"unknown block type {t!r}")


def section_html(s: dict, missing: str = MISSING) -> str:
    """Return a section (heading and blocks) as HTML."""
    level = int(s.get("level", 1))
    tag = {0: "h1", 1: "h2", 2: "h3"}.get(level, "h4")
    cls = "crc-cover" if s.get("id") == "cover" else "crc-section"
    head = ""
    if s.get("heading") and s.get("id") != "cover":
        head = f'<{tag} id="sec-{_e(_anchor(s["id"]))}">{_e(section_title(s))}</{tag}>'
    body = "".join(block_html(b, missing) for b in s.get("blocks", []))
    return f'<section class="{cls}">{head}{body}</section>'


def _anchor(sid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", sid)


def part_html(document: dict, part: str) -> str:
    """Return all sections of one part as HTML (the notices go with the first part)."""
    out = []
    if part == parts(document)[0] and document.get("notices"):
        out.append('<div class="crc-notices">' + "".join(f'<p class="crc-notice">{_text_html(n)}</p>' for n in document["notices"]) + "</div>")
    missing = missing_text(document)
    out.extend(section_html(s, missing) for s in sections(document, part))
    return '<div class="crc-doc">' + "".join(out) + "</div>"


def document_html(document: dict) -> str:
    """Return the whole document as one HTML fragment (used by tests and previews)."""
    return "".join(part_html(document, part) for part in parts(document))


class Renderer:
    """Show a document part by part in a notebook (one template cell per part).

    ``show_remaining()`` at the end of a template shows any part the template does not
    name, so a part added to a model later (an SHPF variant, say) is never dropped.
    """

    def __init__(self, document: dict, *, kind: str | None = None):
        check_model(document, kind)
        self.document = document
        self.shown: list[str] = []

    def html(self, part: str) -> str:
        """Return the HTML of one part and mark it shown."""
        if part not in parts(self.document):
            return ""
        self.shown.append(part)
        return part_html(self.document, part)

    def show(self, part: str):
        """Display one part (an IPython HTML object; nothing when the model has no such part)."""
        from IPython.display import HTML

        text = self.html(part)
        return HTML(text) if text else None

    def show_remaining(self):
        """Display the parts not shown yet, in order."""
        from IPython.display import HTML

        rest = [p_ for p_ in parts(self.document) if p_ not in self.shown]
        text = "".join(self.html(p_) for p_ in rest)
        return HTML(text) if text else None


class ModelError(ValueError):
    """A document model that is not what a template expects."""


def check_model(document, kind: str | None = None) -> None:
    """Raise :class:`ModelError` unless ``document`` is a document model (of ``kind``)."""
    if not isinstance(document, dict) or "sections" not in document or "kind" not in document:
        raise ModelError("not a document model: build one with crc_tools.documents.dgd (or set the template's parameters)")
    if document.get("schema") != SCHEMA_VERSION:
        raise ModelError(f"document model schema {document.get('schema')!r}; this version reads schema {SCHEMA_VERSION}")
    if kind is not None and document["kind"] != kind:
        raise ModelError(f"this template renders a {kind} document, not a {document['kind']} document")


# --------------------------------------------------------------------------- DGD internal consistency


def _norm(text) -> str:
    return re.sub(r"[^0-9a-z]+", " ", str(text or "").casefold()).strip()


def _table_column(block: dict, key: str) -> list:
    """Return one column of a table block by its key (``None`` cells when the column is absent)."""
    keys = [c["key"] for c in block["columns"]]
    if key not in keys:
        return [None] * len(block["rows"])
    i = keys.index(key)
    return [row[i] if i < len(row) else None for row in block["rows"]]


def _blocks(document: dict, sid_prefix: str, *, type_: str | None = None, key: str | None = None) -> list[dict]:
    out = []
    for s in document.get("sections", []):
        if s["id"] == sid_prefix or s["id"].startswith(sid_prefix + "."):
            for b in s.get("blocks", []):
                if (type_ is None or b.get("type") == type_) and (key is None or b.get("key") == key):
                    out.append(b)
    return out


def _field_value(document: dict, sid: str, key: str):
    for b in _blocks(document, sid, type_="fields"):
        for r in b["rows"]:
            if r.get("key") == key:
                return r["value"]
    return None


def _as_list(value) -> list[str]:
    if is_missing(value):
        return []
    return list(value) if isinstance(value, list) else [value]


def _split_cas(value) -> set[str]:
    return set(re.findall(r"\b\d{2,7}-\d{2}-\d\b", " ".join(_as_list(value))))


def check_dgd(document: dict) -> list[dict]:
    """Return the internal-consistency findings of a draft DGD (domain brief §3.4).

    The check reads the document as rendered, not the data behind it:

    * identity — the chemical's name and category are the same on the cover, in the
      title block and in section 1, and every Annex 2 block notifies the chemical by a
      name and CAS number that section 1 lists;
    * Parties — every notifying Party named in section 2 has its final regulatory
      action in 2.1, its block in Annex 2, its designated national authority in Annex 3
      and its documents in Annex 4; no Party appears in 2.1 or Annex 2 as a basis for
      listing without being named in section 2;
    * basis — every Party in section 2 has a notification that meets Annex II (Article
      5.6), and they come from two PIC regions (or the additional-category precedent
      applies);
    * uses in other categories are present (Article 7.1);
    * every abbreviation used is in the list of abbreviations.

    Returns
    -------
    list of dict
        One finding per check and subject: ``check``, ``result`` (``ok``, ``problem`` or
        ``to complete``) and ``message``.
    """
    check_model(document, "dgd")
    if document.get("meta", {}).get("variant") == "shpf":
        return check_shpf_dgd(document)
    out: list[dict] = []

    def add(check: str, result: str, message: str) -> None:
        out.append({"check": check, "result": result, "message": message})

    # identity ---------------------------------------------------------------
    cover = find_section(document, "cover") or {"blocks": []}
    cover_name = next((b["text"] for b in cover["blocks"] if b.get("key") == "chemical"), None)
    cover_cat = next((b["text"] for b in cover["blocks"] if b.get("key") == "category"), None)
    title = find_section(document, "title") or {"blocks": []}
    title_name = next((b["text"] for b in title["blocks"] if b.get("key") == "chemical"), None)
    common = _field_value(document, "1", "common_name")
    common_name = _as_list(common)[0] if _as_list(common) else None
    sec1_cat = _field_value(document, "1", "category")
    names = {_norm(n) for n in [common_name, *_as_list(_field_value(document, "1", "synonyms")), *_as_list(_field_value(document, "1", "chemical_name"))] if n}
    sec1_cas = _split_cas(_field_value(document, "1", "cas_numbers"))
    seen = {"cover": cover_name, "title block": title_name, "section 1": common_name}
    missing_places = [k for k, v in seen.items() if not v]
    if missing_places:
        add("identity", RESULT_PROBLEM, f"the chemical's name is missing from: {', '.join(missing_places)}")
    distinct = {_norm(v) for v in seen.values() if v}
    if len(distinct) > 1:
        add("identity", RESULT_PROBLEM, "the chemical is named differently on the cover, in the title block and in section 1: " + "; ".join(f"{k}: '{v}'" for k, v in seen.items() if v))
    if cover_cat:
        cover_cat = re.sub(r"^\s*category\s*:\s*", "", cover_cat, flags=re.I)
    cats = {"cover": cover_cat, "section 1": _as_list(sec1_cat)[0] if _as_list(sec1_cat) else None}
    sec2_cat = _field_value(document, "2", "category")
    cats["section 2"] = _as_list(sec2_cat)[0] if _as_list(sec2_cat) else None
    if len({_norm(v) for v in cats.values() if v}) > 1 or any(v is None for v in cats.values()):
        add("identity", RESULT_PROBLEM, "the category differs or is missing: " + "; ".join(f"{k}: '{v or 'missing'}'" for k, v in cats.items()))
    for b in _blocks(document, "annex2", type_="fields"):
        party = b.get("party", "?")
        rows = {r.get("key"): r["value"] for r in b["rows"]}
        notified = _as_list(rows.get("chemical_as_notified"))
        if notified and not any(_norm(n) in names for n in notified):
            add("identity", RESULT_PROBLEM, f"Annex 2 ({party}) names the chemical '{notified[0]}', which section 1 does not list among its names")
        cas = _split_cas(rows.get("cas_as_notified"))
        extra = sorted(cas - sec1_cas)
        if extra:
            add("identity", RESULT_PROBLEM, f"Annex 2 ({party}) gives CAS number(s) {', '.join(extra)} that section 1 does not list")
        cat = _as_list(rows.get("category_as_notified"))
        if cat and cats["section 1"] and _norm(cat[0]) != _norm(cats["section 1"]):
            add("identity", RESULT_PROBLEM, f"Annex 2 ({party}) is in the {cat[0]} category, the document in the {cats['section 1']} category")
    if not any(f["check"] == "identity" for f in out):
        add("identity", RESULT_OK, f"'{common_name}' ({cats['section 1']}) is named alike on the cover, in the title block, in section 1 and in Annex 2" + (f"; CAS {', '.join(sorted(sec1_cas))}" if sec1_cas else ""))

    # Parties ----------------------------------------------------------------
    basis_tables = _blocks(document, "2", type_="table", key="basis")
    basis_parties: list[str] = []
    basis_status: list = []
    basis_regions: list = []
    for b in basis_tables:
        basis_parties += [str(v) for v in _table_column(b, "party")]
        basis_status += _table_column(b, "annex_ii")
        basis_regions += _table_column(b, "region")
    in_21 = {b.get("party") for b in _blocks(document, "2.1", type_="heading") if b.get("party")}
    in_annex2 = {b.get("party") for b in _blocks(document, "annex2", type_="heading") if b.get("party")}
    annex3 = {}
    for b in _blocks(document, "annex3", type_="table", key="dna"):
        for party, inst in zip(_table_column(b, "party"), _table_column(b, "institution"), strict=True):
            annex3[str(party)] = inst
    annex4 = {}
    for b in _blocks(document, "annex4", type_="list", key="references"):
        if b.get("party"):
            annex4[b["party"]] = b.get("items", [])
    if not basis_parties:
        add("parties", RESULT_PROBLEM, "section 2 names no notifying Party whose final regulatory action is the basis for listing")
    for party in basis_parties:
        gaps = []
        if party not in in_21:
            gaps.append("its final regulatory action in 2.1")
        if party not in in_annex2:
            gaps.append("its block in Annex 2")
        if party not in annex3:
            gaps.append("its designated national authority in Annex 3")
        elif is_missing(annex3[party]):
            gaps.append("the name of its designated national authority in Annex 3")
        if not annex4.get(party):
            gaps.append("its documents in Annex 4")
        if gaps:
            add("parties", RESULT_PROBLEM, f"{party} is named in section 2 but lacks " + ", ".join(gaps))
    for party in sorted((in_21 | in_annex2) - set(basis_parties)):
        add("parties", RESULT_PROBLEM, f"{party} is presented in 2.1 or Annex 2 but is not a notifying Party named in section 2")
    if basis_parties and not any(f["check"] == "parties" for f in out):
        add("parties", RESULT_OK, f"{len(basis_parties)} notifying Part{'y' if len(basis_parties) == 1 else 'ies'} ({', '.join(basis_parties)}), each in 2.1, Annex 2, Annex 3 and Annex 4")

    # basis for listing --------------------------------------------------------
    for party, status in zip(basis_parties, basis_status, strict=True):
        if _norm(_as_list(status)[0] if _as_list(status) else "") != "met":
            add("basis", RESULT_PROBLEM, f"{party} is presented as a basis for listing but its notification is not concluded to meet Annex II ({status or 'no conclusion'}) (Article 5.6)")
    regions = set()
    for r in basis_regions:
        for x in _as_list(r):
            regions.update(v.strip() for v in str(x).split(";") if v.strip())
    precedent = bool(document.get("meta", {}).get("additional_category_precedent"))
    if basis_parties and len(regions) < 2 and not precedent:
        add("basis", RESULT_PROBLEM, f"the notifications presented as the basis come from {len(regions)} PIC region(s) ({', '.join(sorted(regions)) or 'none'}); listing needs two (Article 5.6)")
    if basis_parties and not any(f["check"] == "basis" for f in out):
        how = "one notification in an additional category (precedent CRC-10/5)" if precedent and len(regions) < 2 else f"{len(regions)} PIC regions ({', '.join(sorted(regions))})"
        add("basis", RESULT_OK, f"every Party in section 2 has a notification meeting Annex II; {how}")

    # uses in other categories (Article 7.1) ------------------------------------
    other = _field_value(document, "1", "uses_other_categories")
    if is_missing(other):
        add("uses in other categories", RESULT_TO_COMPLETE, "section 1 gives no uses in other categories; Article 7.1 asks the DGD to cover them")
    else:
        add("uses in other categories", RESULT_OK, "section 1 gives uses in other categories (Article 7.1)")

    _check_abbreviations(document, add)
    return out


def _check_abbreviations(document: dict, add) -> None:
    """Every abbreviation the text uses is in the list of abbreviations."""
    listed = set()
    for b in _blocks(document, "abbreviations", type_="table", key="abbreviations"):
        listed.update(str(v) for v in _table_column(b, "abbreviation"))
    used = set(abbreviations_used(document))
    unlisted = sorted(used - listed)
    if unlisted:
        add("abbreviations", RESULT_PROBLEM, f"used but not in the list of abbreviations: {', '.join(unlisted)}")
    else:
        add("abbreviations", RESULT_OK, f"every abbreviation used ({len(used)}) is in the list")


def _keyed_text(section: dict | None, key: str) -> str | None:
    return next((b["text"] for b in (section or {"blocks": []})["blocks"] if b.get("key") == key), None)


def _first(value) -> str | None:
    values = _as_list(value)
    return values[0] if values else None


def check_shpf_dgd(document: dict) -> list[dict]:
    """Return the internal-consistency findings of a draft DGD for a severely hazardous pesticide formulation.

    The SHPF variant (Article 6 with Annex IV) is checked as the notification variant is,
    on what the draft says:

    * identity — the formulation's name and category are the same on the cover, in the
      title block and in section 1; the Annex III entry (formulation type and
      concentration threshold) is worded alike in sections 1 and 2; every proposal in
      Annex 2 names the formulation by a name section 1 gives, its active ingredients and
      CAS numbers among those of section 1, and the same formulation type;
    * the proposing Party — every Party named in section 2 has its incidents in 2.1, its
      proposal and at least one incident report in Annex 2, its designated national
      authority in Annex 3 and its documents in Annex 4; no Party appears in 2.1 or
      Annex 2 without being named in section 2;
    * basis — every proposal named in section 2 is concluded to meet Annex IV Part 3
      (Article 6.5); one suffices (no second PIC region is needed); a proposal from a
      Party that is neither a developing country nor an economy in transition is flagged
      (Article 6.1);
    * Annex IV Part 2 — items the Secretariat has not collected are named (to complete);
    * other formulations and uses are present (Article 7.1);
    * every abbreviation used is in the list of abbreviations.
    """
    check_model(document, "dgd")
    out: list[dict] = []

    def add(check: str, result: str, message: str) -> None:
        out.append({"check": check, "result": result, "message": message})

    # identity ---------------------------------------------------------------
    cover = find_section(document, "cover")
    name = _first(_field_value(document, "1", "formulation_name"))
    seen = {"cover": _keyed_text(cover, "chemical"), "title block": _keyed_text(find_section(document, "title"), "chemical"), "section 1": name}
    missing_places = [k for k, v in seen.items() if not v]
    if missing_places:
        add("identity", RESULT_PROBLEM, f"the formulation's name is missing from: {', '.join(missing_places)}")
    if len({_norm(v) for v in seen.values() if v}) > 1:
        add("identity", RESULT_PROBLEM, "the formulation is named differently on the cover, in the title block and in section 1: " + "; ".join(f"{k}: '{v}'" for k, v in seen.items() if v))
    cover_cat = _keyed_text(cover, "category")
    cats = {
        "cover": re.sub(r"^\s*category\s*:\s*", "", cover_cat, flags=re.I) if cover_cat else None,
        "section 1": _first(_field_value(document, "1", "category")),
        "section 2": _first(_field_value(document, "2", "category")),
    }
    if len({_norm(v) for v in cats.values() if v}) > 1 or any(v is None for v in cats.values()):
        add("identity", RESULT_PROBLEM, "the category differs or is missing: " + "; ".join(f"{k}: '{v or 'missing'}'" for k, v in cats.items()))
    entries = {"section 1": _first(_field_value(document, "1", "annex_iii_entry")), "section 2": _first(_field_value(document, "2", "annex_iii_entry"))}
    if any(v is None for v in entries.values()):
        add("identity", RESULT_PROBLEM, "the Annex III entry (formulation type and concentration threshold) is missing from: " + ", ".join(k for k, v in entries.items() if v is None))
    elif _norm(entries["section 1"]) != _norm(entries["section 2"]):
        add("identity", RESULT_PROBLEM, "the Annex III entry is worded differently in section 1 ('{}') and section 2 ('{}')".format(entries["section 1"], entries["section 2"]))
    names = {_norm(n) for n in [name, *_as_list(_field_value(document, "1", "other_names")), *_as_list(_field_value(document, "1", "trade_names"))] if n}
    ingredients = {_norm(n) for n in _as_list(_field_value(document, "1", "active_ingredients"))}
    sec1_cas = _split_cas(_field_value(document, "1", "cas_numbers"))
    sec1_type = _first(_field_value(document, "1", "formulation_type"))
    for b in _blocks(document, "annex2", type_="fields", key="annex2"):
        party = b.get("party", "?")
        rows = {r.get("key"): r["value"] for r in b["rows"]}
        proposed = _first(rows.get("formulation_as_proposed"))
        if proposed and _norm(proposed) not in names:
            add("identity", RESULT_PROBLEM, f"Annex 2 ({party}) names the formulation '{proposed}', which section 1 does not give among its names")
        stray = [n for n in _as_list(rows.get("ingredients_as_proposed")) if _norm(n) not in ingredients]
        if stray:
            add("identity", RESULT_PROBLEM, f"Annex 2 ({party}) gives active ingredient(s) {', '.join(stray)} that section 1 does not list")
        extra = sorted(_split_cas(rows.get("cas_as_proposed")) - sec1_cas)
        if extra:
            add("identity", RESULT_PROBLEM, f"Annex 2 ({party}) gives CAS number(s) {', '.join(extra)} that section 1 does not list")
        ftype = _first(rows.get("type_as_proposed"))
        if ftype and sec1_type and _norm(ftype) != _norm(sec1_type):
            add("identity", RESULT_PROBLEM, f"Annex 2 ({party}) gives the formulation type '{ftype}', section 1 '{sec1_type}'")
    if not any(f["check"] == "identity" for f in out):
        add("identity", RESULT_OK, f"'{name}' ({cats['section 1']}) is named alike on the cover, in the title block, in section 1 and in Annex 2; Annex III entry '{entries['section 1']}'" + (f"; CAS {', '.join(sorted(sec1_cas))}" if sec1_cas else ""))

    # the proposing Party ------------------------------------------------------
    basis_parties: list[str] = []
    basis_part3: list = []
    basis_eligible: list = []
    for b in _blocks(document, "2", type_="table", key="basis"):
        basis_parties += [str(v) for v in _table_column(b, "party")]
        basis_part3 += _table_column(b, "part3")
        basis_eligible += _table_column(b, "eligibility")
    incidents_21 = {}
    for b in _blocks(document, "2.1", type_="table", key="incidents"):
        if b.get("party"):
            incidents_21[b["party"]] = incidents_21.get(b["party"], 0) + len(b["rows"])
    in_21 = {b.get("party") for b in _blocks(document, "2.1", type_="heading") if b.get("party")}
    in_annex2 = {b.get("party") for b in _blocks(document, "annex2", type_="heading") if b.get("party") and b.get("key") != "incident"}
    reports_annex2: dict[str, int] = {}
    for b in _blocks(document, "annex2", type_="fields", key="incident"):
        reports_annex2[b.get("party")] = reports_annex2.get(b.get("party"), 0) + 1
    annex3 = {}
    for b in _blocks(document, "annex3", type_="table", key="dna"):
        for party, inst in zip(_table_column(b, "party"), _table_column(b, "institution"), strict=True):
            annex3[str(party)] = inst
    annex4 = {b["party"]: b.get("items", []) for b in _blocks(document, "annex4", type_="list", key="references") if b.get("party")}
    if not basis_parties:
        add("proposing Party", RESULT_PROBLEM, "section 2 names no proposing Party whose proposal is the basis for listing")
    for party in basis_parties:
        gaps = []
        if party not in in_21 or not incidents_21.get(party):
            gaps.append("its incidents in 2.1")
        if party not in in_annex2:
            gaps.append("its proposal in Annex 2")
        if not reports_annex2.get(party):
            gaps.append("an incident report in Annex 2")
        if party not in annex3:
            gaps.append("its designated national authority in Annex 3")
        elif is_missing(annex3[party]):
            gaps.append("the name of its designated national authority in Annex 3")
        if not annex4.get(party):
            gaps.append("its documents in Annex 4")
        if gaps:
            add("proposing Party", RESULT_PROBLEM, f"{party} is named in section 2 but lacks " + ", ".join(gaps))
    for party in sorted((in_21 | in_annex2 | set(reports_annex2)) - set(basis_parties) - {None}):
        add("proposing Party", RESULT_PROBLEM, f"{party} is presented in 2.1 or Annex 2 but is not a proposing Party named in section 2")
    if basis_parties and not any(f["check"] == "proposing Party" for f in out):
        add("proposing Party", RESULT_OK, f"{', '.join(basis_parties)}: incidents in 2.1, proposal and incident reports in Annex 2, authority in Annex 3, documents in Annex 4")

    # basis for listing --------------------------------------------------------
    for party, status, eligible in zip(basis_parties, basis_part3, basis_eligible, strict=True):
        if _norm(_first(status) or "") != "met":
            add("basis", RESULT_PROBLEM, f"{party} is presented as a basis for listing but its proposal is not concluded to meet Annex IV Part 3 ({_first(status) or 'no conclusion'}) (Article 6.5)")
        note = _norm(_first(eligible) or "")
        if not note or note.startswith("not classified"):
            add("basis", RESULT_TO_COMPLETE, f"{party}: no development classification, so Article 6.1 eligibility is not checked")
        elif note.split()[0] == "no":
            add("basis", RESULT_PROBLEM, f"{party} is classified as neither a developing country nor an economy in transition; Article 6.1 admits proposals from those only (flagged: the classification is contestable)")
    if basis_parties and not any(f["check"] == "basis" and f["result"] == RESULT_PROBLEM for f in out):
        add("basis", RESULT_OK, f"every proposal in section 2 meets Annex IV Part 3; {'one proposal suffices' if len(basis_parties) == 1 else f'{len(basis_parties)} proposals'} (Article 6: no second PIC region is needed)")

    # Annex IV Part 2 -----------------------------------------------------------
    open_items = []
    for b in _blocks(document, "annex1", type_="fields", key="part2"):
        status = {r.get("key"): r["value"] for r in b["rows"]}.get("status")
        if _norm(_first(status) or "").startswith(("awaited", "not recorded")):
            open_items.append(f"{b.get('item', '?')}" + (f" ({b['party']})" if b.get("party") else ""))
    if open_items:
        add("Annex IV Part 2", RESULT_TO_COMPLETE, f"information not yet collected by the Secretariat for item(s) {', '.join(open_items)} (Article 6.3)")
    elif _blocks(document, "annex1", type_="fields", key="part2"):
        add("Annex IV Part 2", RESULT_OK, "every Annex IV Part 2 item is collected or was looked for (Article 6.3)")
    elif basis_parties:
        add("Annex IV Part 2", RESULT_PROBLEM, "Annex 1 gives no Annex IV Part 2 item for the proposals named in section 2")

    # other formulations and uses (Article 7.1) ----------------------------------
    if is_missing(_field_value(document, "1", "other_formulations")):
        add("other uses", RESULT_TO_COMPLETE, "section 1 gives no other formulations or uses of the active ingredient(s); Article 7.1 asks the DGD to cover them")
    else:
        add("other uses", RESULT_OK, "section 1 gives other formulations and uses of the active ingredient(s) (Article 7.1)")

    _check_abbreviations(document, add)
    return out


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
    parts = [model.get("kind", ""), meta.get("variant", ""), meta.get("chemical", ""), meta.get("category", ""), meta.get("notification_id", "") or meta.get("proposal_id", "")]
    if model.get("kind") == "synopsis":
        parts.append(str(meta.get("file_stem", "")))
    return " | ".join(" ".join(str(p).split()) for p in parts)
