"""Word (DOCX) output of a document model in the layout of a UN meeting document, for the Secretariat to edit.

* A4, from a reference Word template (:func:`reference_template`: styles for body text,
  headings kept with the next paragraph, table text; a template of the Secretariat's own can be
  given with ``CRC_DOCX_TEMPLATE``);
* a running header with the document symbol and the date (``--symbol UNEP/FAO/RC/CRC.22/…``),
  a footer "page X of Y" with PAGE and NUMPAGES fields, a table-of-contents field in DGDs and
  the synopsis (Word fills it when the document is opened);
* tables with column widths set from their content (no column narrower than its longest
  word: long tokens such as document symbols get break opportunities, wide tables a smaller
  type), header rows repeated on every page (``w:tblHeader``), rows never split across pages
  (``w:cantSplit``); a label/value block is headed by its caption;
* numbered paragraphs with hanging numbers; cells and paragraphs "To be completed."
  highlighted.

Every text from the data is plain text in a run, never markup; characters XML 1.0 forbids are
dropped.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..i18n import _, using
from ..writers import subject_tag
from . import model as dm

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
ZWSP = "\u200b"
PAGE_CM = (21.0, 29.7)
MARGIN_CM = 2.2
TEXT_TWIPS = int((PAGE_CM[0] - 2 * MARGIN_CM) / 2.54 * 1440)
CELL_PAD_TWIPS = 230
"""Left and right cell margins (108 twips each in Word's default table style) and a little air."""
EM_PER_CHAR = 0.62
"""Width of one character, in ems, that a column is sized for (generous for Times New Roman, bold included)."""
LONG_TOKEN = 22
BODY_PT = 10


def xml_safe(text) -> str:
    """Return text without the characters XML 1.0 (and so Word) cannot hold."""
    return _XML_INVALID.sub("", str(text))


def breakable(text: str) -> str:
    """Return text whose long tokens (document symbols, addresses) may break after / . @ - _ (a zero-width space)."""
    def split(m: re.Match) -> str:
        token = m.group(0)
        out = re.sub(r"([/.@_\-])(?=\S)", "\\1" + ZWSP, token)
        return re.sub(r"([^\s\u200b]{%d})(?=[^\s\u200b])" % LONG_TOKEN, "\\1" + ZWSP, out)

    return re.sub(r"\S{%d,}" % (LONG_TOKEN + 1), split, text)


def words(text: str) -> list[str]:
    """Return the unbreakable words of a text (split at spaces and zero-width spaces)."""
    return [w for w in re.split(r"[\s\u200b]+", str(text)) if w]


# --------------------------------------------------------------------------- XML helpers


def _el(tag: str, **attrs):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), str(v))
    return el


def _field(paragraph, instruction: str, placeholder: str = "1") -> None:
    """Append a complex field (PAGE, NUMPAGES, TOC …) to a paragraph, with its cached result."""
    for part in (("begin", None), ("instr", instruction), ("separate", None), ("text", placeholder), ("end", None)):
        run = paragraph.add_run()
        kind, value = part
        if kind == "instr":
            el = _el("w:instrText")
            el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            el.text = f" {value} "
            run._r.append(el)
        elif kind == "text":
            run.text = value
        else:
            run._r.append(_el("w:fldChar", fldCharType=kind, **({"dirty": "true"} if kind == "begin" and instruction.startswith("TOC") else {})))


# --------------------------------------------------------------------------- the reference template


def reference_template():
    """Return a new python-docx Document with the suite's UN meeting-document styles (or the ``CRC_DOCX_TEMPLATE`` file's)."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Cm, Pt

    custom = os.environ.get("CRC_DOCX_TEMPLATE")
    d = Document(custom) if custom and Path(custom).is_file() else Document()
    sec = d.sections[0]
    sec.page_width, sec.page_height = Cm(PAGE_CM[0]), Cm(PAGE_CM[1])
    sec.left_margin = sec.right_margin = Cm(MARGIN_CM)
    sec.top_margin = sec.bottom_margin = Cm(2.0)
    if custom and Path(custom).is_file():
        return d
    styles = d.styles
    normal = styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(BODY_PT)
    normal.paragraph_format.space_after = Pt(6)
    for level, size in ((0, 16), (1, 13), (2, 11), (3, 10), (4, 10)):
        st = styles["Title" if level == 0 else f"Heading {level}"]
        st.font.name = "Times New Roman"
        st.font.size = Pt(size)
        st.font.bold = True
        st.font.color.rgb = None
        st.paragraph_format.keep_with_next = True
        st.paragraph_format.keep_together = True
        st.paragraph_format.space_before = Pt(12 if level <= 1 else 8)
        st.paragraph_format.space_after = Pt(6)
    if "Caption" not in [s.name for s in styles]:
        styles.add_style("Caption", WD_STYLE_TYPE.PARAGRAPH)
    cap = styles["Caption"]
    cap.base_style = normal
    cap.font.italic = True
    cap.font.size = Pt(9)
    cap.paragraph_format.keep_with_next = True
    return d


def _header_footer(d, document: dict) -> None:
    """Write the running header (symbol left, date right) and the footer "page X of Y"."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
    from docx.shared import Pt, Twips

    h = document.get("header") or {}
    sec = d.sections[0]
    para = sec.header.paragraphs[0]
    para.paragraph_format.tab_stops.add_tab_stop(Twips(TEXT_TWIPS), WD_TAB_ALIGNMENT.RIGHT)
    para.add_run(xml_safe(h.get("symbol") or dm.TO_COMPLETE)).font.size = Pt(9)
    para.add_run("\t" + xml_safe(h.get("date") or "")).font.size = Pt(9)
    foot = sec.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for part in re.split(r"(\{page\}|\{pages\})", _("page {page} of {pages}")):
        if part in ("{page}", "{pages}"):
            _field(foot, "PAGE" if part == "{page}" else "NUMPAGES", "1")
        elif part:
            foot.add_run(part)


def _contents(d) -> None:
    from docx.enum.text import WD_BREAK

    d.add_paragraph(_("Contents"), style="Heading 1")
    _field(d.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u', _("Right-click and choose Update Field to show the table of contents."))
    settings = d.settings.element
    settings.append(_el("w:updateFields", val="true"))
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


# --------------------------------------------------------------------------- blocks


def _highlight(run) -> None:
    from docx.enum.text import WD_COLOR_INDEX

    run.italic = True
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _shade(cell, fill: str = "FFF2CC") -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    tc_pr.append(_el("w:shd", val="clear", color="auto", fill=fill))


def _write_value(cell, value, missing: str, size) -> None:
    """Write a value into a table cell: one paragraph per item, the missing marker highlighted and shaded."""
    first = cell.paragraphs[0]
    if dm.is_missing(value):
        run = first.add_run(missing)
        run.font.size = size
        _highlight(run)
        _shade(cell)
        return
    for i, v in enumerate(value if isinstance(value, list) else [value]):
        para = first if i == 0 else cell.add_paragraph()
        lines = breakable(xml_safe(v)).split("\n")
        for j, line in enumerate(lines):
            run = para.add_run(line)
            run.font.size = size
            if j < len(lines) - 1:
                run.add_break()


def _cell_texts(value, missing: str) -> list[str]:
    if dm.is_missing(value):
        return [missing]
    return [breakable(xml_safe(v)) for v in (value if isinstance(value, list) else [value])]


def column_widths(header: list[str], rows: list[list], missing: str) -> tuple[list[int], int]:
    """Return column widths in twips from the content, and the type size (pt) that lets every longest word fit.

    Each column gets at least its longest word; the rest of the text width goes to the
    columns in proportion to how much text they hold.
    """
    n = len(header) if header else (len(rows[0]) if rows else 2)
    texts = [[*(header[i:i + 1] if header else [])] for i in range(n)]
    for row in rows:
        for i in range(n):
            texts[i] += _cell_texts(row[i] if i < len(row) else None, missing)
    longest = [max((len(w) for t in col for w in words(t)), default=4) for col in texts]
    volume = [max(sum(len(t) for t in col) / max(len(rows), 1), 4) for col in texts]
    for size in (BODY_PT, 9, 8, 7):
        char = EM_PER_CHAR * size * 20
        minimum = [int(w * char + CELL_PAD_TWIPS) for w in longest]
        if sum(minimum) <= TEXT_TWIPS:
            break
    spare = max(TEXT_TWIPS - sum(minimum), 0)
    extra = [v / sum(volume) * spare for v in volume]
    return [int(m + e) for m, e in zip(minimum, extra, strict=True)], size


def _set_widths(t, widths: list[int]) -> None:
    from docx.shared import Twips

    tbl_pr = t._tbl.tblPr
    tbl_pr.append(_el("w:tblLayout", type="fixed"))
    grid = t._tbl.tblGrid
    for gc, w in zip(grid.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}gridCol"), widths, strict=False):
        gc.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w", str(w))
    for row in t.rows:
        for cell, w in zip(row.cells, widths, strict=False):
            cell.width = Twips(w)


def _row_props(row, *, header: bool) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(_el("w:cantSplit"))
    if header:
        tr_pr.append(_el("w:tblHeader"))


def _table(d, header: list[str], rows: list[list], *, missing: str, label_column: bool = False, caption_row: str = ""):
    """Write a table: widths from content, header (or caption) row repeated on each page, rows kept whole."""
    from docx.shared import Pt

    n = len(header) if header else 2
    widths, size = column_widths(header or [caption_row, ""], rows, missing)
    t = d.add_table(rows=0, cols=n)
    t.style = d.styles["Table Grid"]
    if caption_row:
        cells = t.add_row().cells
        merged = cells[0].merge(cells[-1]) if n > 1 else cells[0]
        run = merged.paragraphs[0].add_run(breakable(xml_safe(caption_row)))
        run.bold, run.font.size = True, Pt(size)
        _shade(merged, "E8EEF4")
        _row_props(t.rows[-1], header=True)
    if header:
        cells = t.add_row().cells
        for c, h in zip(cells, header, strict=True):
            run = c.paragraphs[0].add_run(breakable(xml_safe(h)))
            run.bold, run.font.size = True, Pt(size)
        _row_props(t.rows[-1], header=True)
    for row in rows:
        cells = t.add_row().cells
        for k, c in enumerate(cells):
            v = row[k] if k < len(row) else None
            if label_column and k == 0:
                run = c.paragraphs[0].add_run(breakable(xml_safe(v)))
                run.bold, run.font.size = True, Pt(size)
            else:
                _write_value(c, v, missing, Pt(size))
        _row_props(t.rows[-1], header=False)
    _set_widths(t, widths)
    d.add_paragraph()
    return t


def _paragraph(d, b: dict) -> None:
    from docx.shared import Cm

    style = b.get("style", "")
    para = d.add_paragraph()
    if b.get("number"):
        para.paragraph_format.left_indent = Cm(1.0)
        para.paragraph_format.first_line_indent = Cm(-1.0)
        para.paragraph_format.tab_stops.add_tab_stop(Cm(1.0))
        para.add_run(f"{b['number']}.\t")
    run = para.add_run(xml_safe(b["text"]))
    if style in ("legal", "small", "note"):
        run.italic = True
    elif style in ("lead", "cover-title"):
        run.bold = True
    elif style == "missing":
        _highlight(run)


def _block(d, b: dict, missing: str, section_title: str) -> None:
    t = b.get("type")
    if t == "p":
        _paragraph(d, b)
    elif t == "heading":
        d.add_heading(xml_safe(b["text"]), level=min(max(int(b.get("level", 3)), 3), 4))
    elif t == "fields":
        rows = [[r["label"], r["value"]] for r in b["rows"]]
        caption = b.get("caption") or (section_title if len(rows) >= 3 else "")  # a table of three rows or more gets a header row
        _table(d, [], rows, missing=missing, label_column=True, caption_row=caption)
    elif t in ("table", "chart"):
        title = b.get("caption") or b.get("title") or ""
        if title:
            d.add_paragraph(xml_safe(title), style="Caption")
        _table(d, [c["label"] for c in b["columns"]], b["rows"], missing=missing)
    elif t == "list":
        if not b["items"]:
            _highlight(d.add_paragraph().add_run(missing))
        for item in b["items"]:
            d.add_paragraph(xml_safe(item), style="List Bullet")
    else:
        raise ValueError(f"unknown block type {t!r}")


def _cover(d, s: dict) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt

    for b in s["blocks"]:
        para = d.add_paragraph(style="Title" if b.get("style") == "cover-title" else None)
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = para.add_run(xml_safe(b.get("text", "")))
        if b.get("style") == "lead":
            run.font.size = Pt(14)
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _set_language(d, tag: str | None) -> None:
    """Give a translated document its language: the file's language property and the proofing language of its default run style."""
    if not tag:
        return
    from docx.oxml.ns import qn

    d.core_properties.language = tag
    styles = d.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = _el("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = _el("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = _el("w:rPr")
        rpr_default.append(rpr)
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    rpr.append(_el("w:lang", val=tag, eastAsia=tag, bidi=tag))


def build_docx(document: dict):
    """Return a python-docx ``Document`` for a document model, in the UN meeting-document layout (in the model's language)."""
    with using(document.get("meta", {}).get("lang") or "en"):
        return _build_docx(document)


def _build_docx(document: dict):
    dm.check_model(document)
    d = reference_template()
    props = d.core_properties
    props.title = xml_safe(document.get("title", ""))[:250]
    shpf = document.get("meta", {}).get("variant") == "shpf"
    props.subject = {
        "dgd": "Draft decision guidance document" + (" for a severely hazardous pesticide formulation" if shpf else ""),
        "rationale": "Rationale (Annex IV Part 3)" if shpf else "Rationale (Annex II)",
        "synopsis": "Synopsis of notifications (Article 5.4)",
    }.get(document["kind"], document["kind"])
    props.author = "crc-tools (draft)"
    props.identifier = xml_safe(subject_tag(dm.document_subject(document)))  # whose document this is: see crc_tools.writers
    props.comments = "Draft generated from the data; edit freely. Items marked 'To be completed.' need completing."
    _set_language(d, document.get("meta", {}).get("lang_tag"))
    _header_footer(d, document)
    missing = dm.missing_text(document)
    contents = document["kind"] in ("dgd", "synopsis")
    for s in document["sections"]:
        if s.get("id") == "cover":
            _cover(d, s)
            if contents:
                _contents(d)
                contents = False
            continue
        if contents:
            _contents(d)
            contents = False
        title = dm.section_title(s)
        d.add_heading(xml_safe(title), level=0 if int(s.get("level", 1)) == 0 else min(int(s.get("level", 1)), 2))
        for b in s.get("blocks", []):
            _block(d, b, missing, title)
    return d


def write_docx(document: dict, target: str | Path) -> Path:
    """Write a document model to a DOCX file atomically (:func:`crc_tools.writers.write_file`); return the path."""
    import io

    from ..writers import write_file

    buf = io.BytesIO()
    build_docx(document).save(buf)
    return write_file(target, buf.getvalue(), force=True)


__all__ = ["build_docx", "write_docx", "reference_template", "column_widths", "breakable", "words", "xml_safe"]
