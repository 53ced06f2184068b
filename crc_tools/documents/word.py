"""Word (DOCX) output of a document model, for the Secretariat to edit.

The document is built with python-docx from the same model the HTML shows
(:mod:`crc_tools.documents.model`): section headings use Word's ``Heading 1`` and ``Heading 2``
styles (so the navigation pane and a table of contents work), party sub-headings
``Heading 3``, label/value blocks and tables are real Word tables (``Table Grid``), and
every text from a notification is plain text in a run — never markup. Items the data
lack are written as :data:`crc_tools.documents.model.MISSING` (or the model's ``missing``), highlighted, so a drafter sees
them. A chart is written as the table of the data it shows.

Characters that XML 1.0 forbids (control characters) are removed, since Word cannot
store them. Writing goes through :mod:`crc_tools.writers`.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..writers import subject_tag
from . import model as dm

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text) -> str:
    """Return text without the characters XML 1.0 (and so Word) cannot hold."""
    return _XML_INVALID.sub("", str(text))


def build_docx(document: dict):
    """Return a python-docx ``Document`` for a document model."""
    from docx import Document
    from docx.enum.section import WD_ORIENT  # noqa: F401 - imported for readers extending page set-up
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Cm, Pt

    dm.check_model(document)
    d = Document()
    sec = d.sections[0]
    sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(sec, side, Cm(2.2))
    sec.top_margin = sec.bottom_margin = Cm(2.0)
    normal = d.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
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
    missing = dm.missing_text(document)
    props.comments = f"Draft generated from the data by crc-tools; edit freely. Items marked '{missing}' need completing."

    if document.get("notices"):
        for n in document["notices"]:
            para = d.add_paragraph()
            run = para.add_run(xml_safe(n))
            run.bold = True
    for s in document["sections"]:
        level = int(s.get("level", 1))
        if s.get("id") == "cover":
            for b in s["blocks"]:
                para = d.add_paragraph(style="Title" if b.get("style") == "cover-title" else None)
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = para.add_run(xml_safe(b.get("text", "")))
                if b.get("style") == "lead":
                    run.font.size = Pt(14)
                elif b.get("style") == "placeholder":
                    _highlight(run)
            d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            continue
        title = dm.section_title(s)
        if level == 0:
            d.add_heading(xml_safe(title), level=0)
        else:
            d.add_heading(xml_safe(title), level=min(level, 2))
        for b in s.get("blocks", []):
            _block(d, b, missing)
    return d


def _highlight(run) -> None:
    from docx.enum.text import WD_COLOR_INDEX

    run.italic = True
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _write_value(paragraph_or_cell, value, missing: str = dm.MISSING) -> None:
    """Write a value into a table cell: one paragraph per item, the missing marker highlighted."""
    cell = paragraph_or_cell
    first = cell.paragraphs[0]
    if dm.is_missing(value):
        _highlight(first.add_run(missing))
        return
    values = value if isinstance(value, list) else [value]
    for i, v in enumerate(values):
        para = first if i == 0 else cell.add_paragraph()
        lines = xml_safe(v).split("\n")
        for j, line in enumerate(lines):
            run = para.add_run(line)
            if j < len(lines) - 1:
                run.add_break()


def _table(d, header: list[str], rows: list[list], *, label_column: bool = False, missing: str = dm.MISSING):
    from docx.shared import Cm

    t = d.add_table(rows=0, cols=len(header) if header else 2)
    t.style = d.styles["Table Grid"]
    if header:
        cells = t.add_row().cells
        for c, h in zip(cells, header, strict=True):
            c.paragraphs[0].add_run(xml_safe(h)).bold = True
    for row in rows:
        cells = t.add_row().cells
        for k, (c, v) in enumerate(zip(cells, row, strict=True)):
            if label_column and k == 0:
                c.paragraphs[0].add_run(xml_safe(v)).bold = True
            else:
                _write_value(c, v, missing)
    if label_column:
        for r in t.rows:
            r.cells[0].width = Cm(5.5)
            r.cells[1].width = Cm(11.0)
    d.add_paragraph()
    return t


def _block(d, b: dict, missing: str = dm.MISSING) -> None:
    t = b.get("type")
    if t == "p":
        style = b.get("style", "")
        para = d.add_paragraph()
        run = para.add_run(xml_safe(b["text"]))
        if style in ("note", "aid", "small"):
            run.italic = True
        elif style in ("notice", "lead", "cover-title"):
            run.bold = True
        elif style == "legal":
            run.italic = True
        elif style in ("placeholder", "missing"):
            _highlight(run)
    elif t == "heading":
        d.add_heading(xml_safe(b["text"]), level=min(max(int(b.get("level", 3)), 3), 4))
    elif t == "fields":
        _table(d, [], [[r["label"], r["value"]] for r in b["rows"]], label_column=True, missing=missing)
    elif t == "table":
        if b.get("caption"):
            d.add_paragraph().add_run(xml_safe(b["caption"])).italic = True
        _table(d, [c["label"] for c in b["columns"]], b["rows"], missing=missing)
    elif t == "chart":
        d.add_paragraph().add_run(xml_safe(b.get("title", "")) + " (data of the chart)").italic = True
        _table(d, [c["label"] for c in b["columns"]], b["rows"], missing=missing)
    elif t == "list":
        if not b["items"]:
            _highlight(d.add_paragraph().add_run(missing))
        for item in b["items"]:
            d.add_paragraph(xml_safe(item), style="List Bullet")
    else:
        raise ValueError(f"unknown block type {t!r}")


def write_docx(document: dict, target: str | Path) -> Path:
    """Write a document model to a DOCX file atomically (:func:`crc_tools.writers.write_file`); return the path."""
    import io

    from ..writers import write_file

    buf = io.BytesIO()
    build_docx(document).save(buf)
    return write_file(target, buf.getvalue(), force=True)
