"""HTML the dashboard's pages are made of, built as text (no Panel).

Every value from the data goes through :func:`~crc_tools.dashboard.labels.esc`; the markup is
plain, semantic HTML — tables with captions and header cells, links for navigation (so the
browser's back and forward buttons and the keyboard work as everywhere), symbols beside words.
Addresses are relative query strings (``?item=…&page=2``), never server paths.
"""

from __future__ import annotations

import math
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from ..i18n import N_, _, current_lang, lookup
from .labels import STATUS_STYLES, esc, said, status_badge
from .tables import two_region_sentence


def url(**params) -> str:
    """Return a relative address holding the page's state (empty values left out); the session's language goes with it."""
    if "lang" not in params and current_lang() != "en":
        params["lang"] = current_lang()  # a link built while a page is drawn in French stays French
    kept = {k: v for k, v in params.items() if v not in (None, "") and not (k.endswith("page") and str(v) == "1")}
    return "?" + urllib.parse.urlencode(kept) if kept else "./"


def words(text) -> str:
    """Return the suite's words in the language in use: the whole text if it is a message, else each ``; ``-clause that is one.

    For texts composed of fixed clauses (what a chemical still needs); a clause that carries data
    (a Party's name, a register entry) stays as it is.
    """
    text = "" if text is None else str(text)
    whole = said(text)
    if whole != text or "; " not in text:
        return whole
    return "; ".join(said(part) for part in text.split("; "))


def notice(text: str, kind: str = "info", *, extra_html: str = "") -> str:
    """Return a notice box; ``text`` is escaped, ``extra_html`` is markup built here."""
    role = "alert" if kind == "danger" else "status"
    return f'<div class="crc-notice crc-{kind}" role="{role}">{esc(text)}{extra_html}</div>'


@dataclass(frozen=True)
class Column:
    """One column of an HTML table: the frame's column, its header, and how a cell is shown (default: escaped text).

    ``title`` and ``hint`` are the suite's words (messages, translated where the table is drawn);
    ``words`` says the cells hold the suite's words too (a stage, an action, "no conclusion yet"),
    shown through the catalogue; other cells are data and shown as they are.
    """

    key: str
    title: str
    cell: Callable | None = None
    hint: str = ""
    css: str = ""
    words: bool = False


def table(frame: pd.DataFrame, columns: Sequence[Column], *, caption: str, row_header: str | None = None, empty: str = N_("Nothing to show."), css: str = "") -> str:
    """Return an HTML table with a caption, header cells (``scope``) and escaped cells (headings, caption and ``empty`` in the language in use)."""
    caption = lookup(caption)  # a literal caption is a message; a composed one (already in the language) is shown as given
    if frame is None or frame.empty:
        return f'<p class="crc-empty">{esc(caption)}: {esc(_(empty))}</p>'
    head = "".join(f'<th scope="col"{f" title={chr(34)}{esc(_(c.hint))}{chr(34)}" if c.hint else ""}>{esc(_(c.title))}</th>' for c in columns)
    rows = []
    for rec in frame.to_dict("records"):
        cells = []
        for c in columns:
            content = c.cell(rec) if c.cell else esc(words(rec.get(c.key, "")) if c.words else rec.get(c.key, ""))
            tag = "th" if c.key == row_header else "td"
            attrs = (' scope="row"' if tag == "th" else "") + (f' class="{c.css}"' if c.css else "")
            cells.append(f"<{tag}{attrs}>{content}</{tag}>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<div class="crc-table-box"><table class="crc-table {css}"><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'


def page_slice(n: int, page: int, size: int) -> tuple[int, int, int]:
    """Return (page, pages, start) for ``n`` rows shown ``size`` at a time (page clamped to 1..pages)."""
    pages = max(1, math.ceil(n / size))
    page = min(max(1, page), pages)
    return page, pages, (page - 1) * size


def pager(page: int, pages: int, link: Callable[[int], str], *, label: str, total: int, noun: str, start: int, size: int) -> str:
    """Return "Page x of y" with previous and next links (a navigation landmark); ``label`` and ``noun`` are messages."""
    noun = _(noun)
    shown = _("{noun} {first}–{last} of {total}").format(noun=noun, first=start + 1, last=min(start + size, total), total=total) if total else _("no {noun}").format(noun=noun)
    back, forward = _("← Previous page"), _("Next page →")
    prev = f'<a href="{esc(link(page - 1))}" rel="prev">{esc(back)}</a>' if page > 1 else f'<span class="crc-off">{esc(back)}</span>'
    nxt = f'<a href="{esc(link(page + 1))}" rel="next">{esc(forward)}</a>' if page < pages else f'<span class="crc-off">{esc(forward)}</span>'
    of = esc(_("Page {page} of {pages}").format(page=page, pages=pages))
    return f'<nav class="crc-pager" aria-label="{esc(_(label))}"><span class="crc-page-of"><strong>{of}</strong> ({esc(shown)})</span> {prev} {nxt}</nav>'


TILE_ANNEX_II = {"met": ("✓", N_("meets Annex II")), "not_met": ("✗", N_("Annex II not met")), "open": ("–", N_("Annex II: no conclusion yet")), "": ("–", N_("Annex II: nothing to review"))}


def tiles(regions: pd.DataFrame) -> str:
    """Return the seven PIC regions as a strip of tiles: notified, verified, Annex II — each a symbol and a word."""
    out = []
    for r in regions.to_dict("records"):
        lines = [
            ("✓", N_("notified"), True) if r["notified"] else ("–", N_("not notified"), False),
            ("✓", N_("verified"), True) if r["verified"] else ("–", N_("not verified"), False),
            (*TILE_ANNEX_II[r.get("annex_ii", "met" if r["met"] else "")], r["met"]),
        ]
        items = "".join(f'<li class="{"crc-yes" if ok else "crc-no"}"><span aria-hidden="true">{sym}</span> {esc(_(word))}</li>' for sym, word, ok in lines)
        parties = esc(r["parties"]) if r["parties"] else esc(_("no notification"))
        level = "crc-tile-met" if r["met"] else ("crc-tile-verified" if r["verified"] else ("crc-tile-notified" if r["notified"] else "crc-tile-none"))
        out.append(f'<li class="crc-tile {level}"><h3>{esc(lookup(r["pic_region"]))}</h3><p class="crc-tile-parties">{parties}</p><ul>{items}</ul></li>')
    return f'<section aria-labelledby="crc-regions-h"><h2 id="crc-regions-h">{esc(_("PIC regions"))}</h2><ul class="crc-tiles">{"".join(out)}</ul></section>'


def summary_card(item: dict, *, conflicts: int = 0, proposals: int = 0, waiting: int = 0) -> str:
    """Return an agenda item's summary card: stage, what is missing, the two-region status in one sentence."""
    if not item:
        return notice(_("This chemical is not in the loaded data."), "warning")
    extra = []
    if conflicts:
        extra.append(_("<strong>Conflict:</strong> committee entries disagree on {n} notification(s); record a new committee entry that supersedes one (see the notifications below).").format(n=conflicts))
    if proposals:
        extra.append(_("<strong>Proposals:</strong> {n} notification(s) carry a task or contact group proposal that the committee has not concluded on, or disagrees with.").format(n=proposals))
    if waiting:
        extra.append(_("<strong>Waiting to be stored:</strong> {n} conclusion(s) confirmed here wait for the register.").format(n=waiting))
    deadline = ""
    if item.get("next_deadline"):
        overdue = " " + _("({n} overdue)").format(n=int(item["overdue"])) if item.get("overdue") else ""
        deadline = f"<p><strong>{esc(_('Next verification deadline:'))}</strong> {esc(item['next_deadline'])}{esc(overdue)}</p>"
    lead = two_region_sentence(item["regions_verified"], item["regions_met"], bool(item["forward_to_crc"]), bool(item["recommend_listing"]), bool(item["listed_in_annex_iii"]))
    missing = words(item["missing"]) if item["missing"] else _("nothing")
    return (
        f'<section class="crc-card" aria-labelledby="crc-item-h"><h1 id="crc-item-h">{esc(item["chemical"])} <span class="crc-cat">({esc(lookup(item["category"]))})</span></h1>'
        f'<p class="crc-lead">{esc(lead)}</p>'
        f'<dl><dt>{esc(_("Stage"))}</dt><dd>{esc(lookup(item["stage"]))}</dd><dt>{esc(_("What is missing"))}</dt><dd>{esc(missing)}</dd>'
        f'<dt>{esc(_("Notifications"))}</dt><dd>{int(item["notifications"])}</dd></dl>{deadline}{"".join(f"<p>{e}</p>" for e in extra)}</section>'
    )


def status_legend() -> str:
    """Return the legend of the status symbols (words beside symbols)."""
    items = "".join(f'<li>{status_badge(k)}</li>' for k in ("met", "not_met", "insufficient_information", "conflict", ""))
    return f'<ul class="crc-legend" aria-label="{esc(_("What the symbols mean"))}">{items}</ul>'


def link_list(items: list[tuple[str, str]], *, label: str) -> str:
    """Return a list of links (href, text), escaped."""
    if not items:
        return ""
    lis = "".join(f'<li><a href="{esc(href)}">{esc(text)}</a></li>' for href, text in items)
    return f'<ul class="crc-links" aria-label="{esc(_(label))}">{lis}</ul>'


def badge_cell(key: str, word_key: str | None = None) -> Callable:
    """Return a table-cell renderer showing a status badge from the row's ``key`` (and optional words)."""

    def render(rec) -> str:
        status = rec.get(key, "")
        words = rec.get(word_key) if word_key else None
        return status_badge(status if status in STATUS_STYLES else "", word=words)

    return render


__all__ = ["url", "words", "notice", "Column", "table", "page_slice", "pager", "tiles", "summary_card", "status_legend", "link_list", "badge_cell"]
