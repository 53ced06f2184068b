"""HTML writer of a document model: what the notebook templates display, part by part.

Every piece of text from the data reaches HTML through :func:`html.escape`: a chemical named
``<script>alert(1)</script>`` renders as text. A chart's SVG is shown through ``<img>`` (an SVG
so shown cannot run script). The page style (A4 print layout, ``@page``) is in the nbconvert
template ``nbconvert_templates/crc_document``.
"""

from __future__ import annotations

import base64
import html
import re

from . import model as dm


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _value_html(value, missing: str = dm.TO_COMPLETE) -> str:
    if dm.is_missing(value):
        return f'<span class="crc-missing">{_e(missing)}</span>'
    if isinstance(value, list):
        if len(value) == 1:
            return _text_html(value[0])
        return "<ul>" + "".join(f"<li>{_text_html(v)}</li>" for v in value) + "</ul>"
    return _text_html(value)


def _cell(value, missing: str, tag: str = "td") -> str:
    cls = ' class="crc-to-complete"' if dm.is_missing(value) else ""
    return f"<{tag}{cls}>{_value_html(value, missing)}</{tag}>"


def _text_html(text) -> str:
    return "<br>".join(_e(line) for line in str(text).split("\n"))


def _svg_img(svg: str, alt: str) -> str:
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img class="crc-chart" alt="{_e(alt)}" src="data:image/svg+xml;base64,{data}">'


def _paragraph(b: dict) -> str:
    style = b.get("style", "")
    cls = f' class="crc-{_e(style)}"' if style else ""
    if b.get("number"):
        return f'<p class="crc-numbered"><span class="crc-num">{_e(b["number"])}.</span> {_text_html(b["text"])}</p>'
    return f"<p{cls}>{_text_html(b['text'])}</p>"


def _fields(b: dict, missing: str) -> str:
    cap = f'<thead><tr><th colspan="2" scope="colgroup">{_e(b["caption"])}</th></tr></thead>' if b.get("caption") else ""
    rows = "".join(f'<tr><th scope="row">{_e(r["label"])}</th>{_cell(r["value"], missing)}</tr>' for r in b["rows"])
    return f'<table class="crc-fields">{cap}<tbody>{rows}</tbody></table>'


def _table(b: dict, missing: str) -> str:
    head = "".join(f'<th scope="col">{_e(c["label"])}</th>' for c in b["columns"])
    body = "".join("<tr>" + "".join(_cell(c, missing) for c in row) + "</tr>" for row in b["rows"])
    caption = b.get("caption") or ""
    cap = f"<caption>{_e(caption)}</caption>" if caption else ""
    return f'<table class="crc-table">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _chart(b: dict, missing: str) -> str:
    title = b.get("title", "")
    tbl = _table({**b, "caption": ""}, missing)
    out = [f'<figure class="crc-figure"><figcaption>{_e(title)}</figcaption>']
    if b.get("svg"):
        out.append(_svg_img(b["svg"], title))
        out.append(f"<details><summary>Data shown in the chart</summary>{tbl}</details>")
    else:
        out.append(tbl)
    out.append("</figure>")
    return "".join(out)


def block_html(b: dict, missing: str = dm.TO_COMPLETE) -> str:
    """Return one block as HTML, every text escaped (``missing``: what a missing value reads as)."""
    t = b.get("type")
    if t == "p":
        return _paragraph(b)
    if t == "heading":
        level = min(max(int(b.get("level", 3)), 3), 5) + 1
        return f"<h{level}>{_e(b['text'])}</h{level}>"
    if t == "fields":
        return _fields(b, missing)
    if t == "table":
        return _table(b, missing)
    if t == "chart":
        return _chart(b, missing)
    if t == "list":
        if not b["items"]:
            return f'<p><span class="crc-missing">{_e(missing)}</span></p>'
        return "<ul>" + "".join(f"<li>{_text_html(i)}</li>" for i in b["items"]) + "</ul>"
    raise ValueError(f"unknown block type {t!r}")


def section_html(s: dict, missing: str = dm.TO_COMPLETE) -> str:
    """Return a section (heading and blocks) as HTML."""
    level = int(s.get("level", 1))
    tag = {0: "h1", 1: "h2", 2: "h3"}.get(level, "h4")
    cls = "crc-cover" if s.get("id") == "cover" else "crc-section"
    head = ""
    if s.get("heading") and s.get("id") != "cover":
        head = f'<{tag} id="sec-{_e(_anchor(s["id"]))}">{_e(dm.section_title(s))}</{tag}>'
    body = "".join(block_html(b, missing) for b in s.get("blocks", []))
    return f'<section class="{cls}">{head}{body}</section>'


def _anchor(sid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", sid)


def header_html(document: dict) -> str:
    """Return the meeting-document header (symbol and date) shown above the first part."""
    h = document.get("header") or {}
    if not (h.get("symbol") or h.get("date")):
        return ""
    return f'<div class="crc-header"><span class="crc-symbol">{_e(h.get("symbol", ""))}</span><span class="crc-date">{_e(h.get("date", ""))}</span></div>'


def part_html(document: dict, part: str) -> str:
    """Return all sections of one part as HTML (the meeting-document header goes with the first part)."""
    out = []
    if part == dm.parts(document)[0]:
        out.append(header_html(document))
    missing = dm.missing_text(document)
    out.extend(section_html(s, missing) for s in dm.sections(document, part))
    return '<div class="crc-doc">' + "".join(out) + "</div>"


def document_html(document: dict) -> str:
    """Return the whole document as one HTML fragment (used by tests and previews)."""
    return "".join(part_html(document, part) for part in dm.parts(document))


class Renderer:
    """Show a document part by part in a notebook (one template cell per part).

    ``show_remaining()`` at the end of a template shows any part the template does not
    name, so a part added to a model later is never dropped.
    """

    def __init__(self, document: dict, *, kind: str | None = None):
        dm.check_model(document, kind)
        self.document = document
        self.shown: list[str] = []

    def html(self, part: str) -> str:
        """Return the HTML of one part and mark it shown."""
        if part not in dm.parts(self.document):
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

        rest = [p_ for p_ in dm.parts(self.document) if p_ not in self.shown]
        text = "".join(self.html(p_) for p_ in rest)
        return HTML(text) if text else None


__all__ = ["block_html", "section_html", "part_html", "document_html", "header_html", "Renderer"]
