"""The agenda: every chemical and category under review, found by name, a page at a time."""

from __future__ import annotations

import copy

from ...i18n import N_, _, current_lang, lookup
from ..html import Column, notice, page_slice, pager, table, url
from ..labels import esc, party_shown
from ..route import Route
from ..tables import STAGES, search, stage_counts
from .charts import stage_chart
from .parts import html_pane

PAGE_SIZE = 12


def _regions_cell(r: dict) -> str:
    v, m = [lookup(x) for x in r["regions_verified"]], [lookup(x) for x in r["regions_met"]]
    verified = _("Verified in {n}: {regions}").format(n=len(v), regions=", ".join(v)) if v else _("Verified in none")
    met = _("Annex II met in {n}: {regions}").format(n=len(m), regions=", ".join(m)) if m else _("Annex II met in none")
    return f"{esc(verified)}<br>{esc(met)}"


OVERVIEW_COLUMNS = [
    Column("chemical", "Chemical", lambda r: f'<a href="{esc(url(item=r["key"]))}">{esc(r["chemical"])}</a>'),
    Column("category", "Category", words=True),
    Column("stage", "Stage", words=True),
    Column("regions", "PIC regions (Articles 5.5, 5.6)", _regions_cell),
    Column("missing", "What is missing", words=True),
]


def search_form(route: Route, meetings: list[str]) -> str:
    """Return the search-by-name and filter form (GET: its state goes in the address); values stay the data's, labels are translated."""
    from ...convention.reference import PIC_REGIONS

    def select(name: str, label: str, everything: str, values, chosen: str, shown=lookup) -> str:
        opts = "".join(f'<option value="{esc(v)}"{" selected" if v == chosen else ""}>{esc(shown(v))}</option>' for v in values)
        return f'<div><label for="f-{name}">{esc(label)}</label><select id="f-{name}" name="{name}"><option value="">{esc(everything)}</option>{opts}</select></div>'

    parts = [
        f'<div><label for="f-q">{esc(_("Chemical name"))}</label><input id="f-q" name="q" type="search" value="{esc(route.q)}" size="22"></div>',
        select("category", _("Category"), _("every category"), ["pesticide", "industrial"], route.category),
        select("stage", _("Stage"), _("every stage"), STAGES, route.stage),
        select("region", _("PIC region notified"), _("every region"), PIC_REGIONS, route.region),
    ]
    if meetings:
        parts.append(select("meeting", _("CRC meeting"), _("any meeting"), meetings, route.meeting, shown=str))
    keep = f'<input type="hidden" name="lang" value="{esc(route.lang)}">' if route.lang else ""
    parts.append(f'<div><button type="submit">{esc(_("Show"))}</button> <a href="{esc(url())}">{esc(_("Clear"))}</a></div>' + keep)
    return f'<form class="crc-search" method="get" action="./" role="search" aria-label="{esc(_("Find chemicals"))}">{"".join(parts)}</form>'


class OverviewView:
    """The agenda page for one session."""

    def __init__(self, data, route: Route, identity=None):
        import panel as pn

        self.data, self.route = data, route
        self.head, self.table, self.figures, self.lists = html_pane(), html_pane(), html_pane(), html_pane()
        self.chart = pn.pane.Vega(None, show_actions=False)
        charts = pn.FlexBox(self.chart, self.figures, flex_wrap="wrap", gap="24px", sizing_mode="stretch_width")
        self.panel = pn.Column(self.head, self.table, charts, self.lists, sizing_mode="stretch_width")
        self.record_panel = None
        self.redraw()

    def redraw(self) -> None:
        """Draw (again) everything that depends on the register."""
        d, r = self.data, self.route
        everything = d.overview()
        found = search(everything, query=r.q, category=r.category, region=r.region, stage=r.stage, meeting=r.meeting)
        page, pages, start = page_slice(len(found), r.page, PAGE_SIZE)
        rows = found.iloc[start : start + PAGE_SIZE].assign(regions="")
        forwarded, recommended = int(found["forward_to_crc"].sum()), int((found["recommend_listing"] & ~found["listed_in_annex_iii"]).sum())
        filtered = _("{shown} of {total}").format(shown=len(found), total=len(everything)) if len(found) != len(everything) else f"{len(found)}"
        lead = _("<strong>{pairs}</strong> chemical–category pairs · <strong>{forwarded}</strong> with verified notifications from two PIC regions · "
                 "<strong>{recommended}</strong> meeting Annex II in two regions, not yet listed. Open a chemical for its meeting view.")
        self.head.object = f"<h1>{esc(_('Agenda: chemicals under review'))}</h1>" + search_form(r, d.cases.meetings()) + "<p>" + lead.format(pairs=filtered, forwarded=forwarded, recommended=recommended) + "</p>"
        nav = pager(page, pages, lambda p: r.link(page=p), label="Pages of the agenda", total=len(found), noun="chemicals", start=start, size=PAGE_SIZE)
        empty = N_("no chemical matches; change the name or the filters") if len(everything) else N_("no notifications were loaded")
        self.table.object = nav + table(rows, OVERVIEW_COLUMNS, caption="Chemicals under review", row_header="chemical", empty=empty)
        counts = stage_counts(found)
        lang = current_lang()
        spec = self.data.cached("stage-spec", (r.q, r.category, r.region, r.stage, r.meeting, lang), lambda: stage_chart(counts) if len(counts) else None)
        self.chart.object = copy.deepcopy(spec)
        figures = counts.assign(category=counts["category"].astype(str)) if len(counts) else counts
        self.figures.object = table(figures, [Column("stage", "Stage", words=True), Column("category", "Category", words=True), Column("chemicals", "Chemicals")], caption="The chart's figures", row_header="stage", empty="nothing to count")
        self.lists.object = self._deadlines() + self._recent()

    def _deadlines(self) -> str:
        d = self.data.deadlines()
        more = "<p>" + esc(_("… and {n} more.").format(n=len(d) - 10)) + "</p>" if len(d) > 10 else ""
        cols = [Column("chemical", "Chemical"), Column("party", "Party", lambda r: esc(party_shown(r["party"]))), Column("received", "Received", css="crc-nowrap"), Column("verify_by", "Verify by", css="crc-nowrap"),
                Column("overdue", "Overdue", lambda r: f"<strong>{esc(_('overdue'))}</strong>" if r["overdue"] else esc(_("no"))), Column("notification_id", "Notification")]
        head = "<h2>" + esc(_("Awaiting the Secretariat's verification (Article 5.3)")) + "</h2>"
        return head + table(d.head(10), cols, caption="Notifications to verify, earliest deadline first", row_header="chemical", empty="none") + more

    def _recent(self) -> str:
        cols = [Column("entry", "Entry"), Column("subject", "Notification or proposal"), Column("criterion", "Criterion"), Column("status", "Conclusion", words=True),
                Column("recorded_by", "By", lambda r: f"{esc(r['recorded_by'])} ({esc(lookup(r['role']))})"), Column("state", "Stands?", words=True)]
        head = f"<h2>{esc(_('Latest entries in the register'))}</h2>"
        if self.data.register_problem:
            return head + notice(_("The register cannot be reached: the latest entries are those read before."), "warning") + table(self.data.recent(), cols, caption="Latest register entries", empty="none read")
        return head + table(self.data.recent(), cols, caption="Latest register entries, newest first", empty="none yet")


__all__ = ["OverviewView", "search_form", "PAGE_SIZE"]
