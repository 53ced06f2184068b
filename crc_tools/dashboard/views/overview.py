"""The agenda: every chemical and category under review, found by name, a page at a time."""

from __future__ import annotations

import copy

from ..html import Column, notice, page_slice, pager, table, url
from ..labels import esc
from ..route import Route
from ..tables import STAGES, search, stage_counts
from .charts import stage_chart
from .parts import html_pane

PAGE_SIZE = 12


def _regions_cell(r: dict) -> str:
    v, m = r["regions_verified"], r["regions_met"]
    verified = f"Verified in {len(v)}: {esc(', '.join(v))}" if v else "Verified in none"
    met = f"Annex II met in {len(m)}: {esc(', '.join(m))}" if m else "Annex II met in none"
    return f"{verified}<br>{met}"


OVERVIEW_COLUMNS = [
    Column("chemical", "Chemical", lambda r: f'<a href="{esc(url(item=r["key"]))}">{esc(r["chemical"])}</a>'),
    Column("category", "Category"),
    Column("stage", "Stage"),
    Column("regions", "PIC regions (Articles 5.5, 5.6)", _regions_cell),
    Column("missing", "What is missing"),
]


def search_form(route: Route, meetings: list[str]) -> str:
    """Return the search-by-name and filter form (GET: its state goes in the address)."""
    from ...convention.reference import PIC_REGIONS

    def select(name: str, label: str, everything: str, values, chosen: str) -> str:
        opts = "".join(f'<option value="{esc(v)}"{" selected" if v == chosen else ""}>{esc(v)}</option>' for v in values)
        return f'<div><label for="f-{name}">{esc(label)}</label><select id="f-{name}" name="{name}"><option value="">{esc(everything)}</option>{opts}</select></div>'

    parts = [
        f'<div><label for="f-q">Chemical name</label><input id="f-q" name="q" type="search" value="{esc(route.q)}" size="22"></div>',
        select("category", "Category", "every category", ["pesticide", "industrial"], route.category),
        select("stage", "Stage", "every stage", STAGES, route.stage),
        select("region", "PIC region notified", "every region", PIC_REGIONS, route.region),
    ]
    if meetings:
        parts.append(select("meeting", "CRC meeting", "any meeting", meetings, route.meeting))
    parts.append(f'<div><button type="submit">Show</button> <a href="{esc(url())}">Clear</a></div>' + (f'<input type="hidden" name="lang" value="{esc(route.lang)}">' if route.lang else ""))
    return f'<form class="crc-search" method="get" action="./" role="search" aria-label="Find chemicals">{"".join(parts)}</form>'


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
        filtered = f"{len(found)} of {len(everything)}" if len(found) != len(everything) else f"{len(found)}"
        self.head.object = (
            "<h1>Agenda: chemicals under review</h1>" + search_form(r, d.cases.meetings())
            + f"<p><strong>{filtered}</strong> chemical–category pairs · <strong>{forwarded}</strong> with verified notifications from two PIC regions · "
            f"<strong>{recommended}</strong> meeting Annex II in two regions, not yet listed. Open a chemical for its meeting view.</p>"
        )
        nav = pager(page, pages, lambda p: r.link(page=p), label="Pages of the agenda", total=len(found), noun="chemicals", start=start, size=PAGE_SIZE)
        empty = "no chemical matches; change the name or the filters" if len(everything) else "no notifications were loaded"
        self.table.object = nav + table(rows, OVERVIEW_COLUMNS, caption="Chemicals under review", row_header="chemical", empty=empty)
        counts = stage_counts(found)
        spec = self.data.cached("stage-spec", (r.q, r.category, r.region, r.stage, r.meeting), lambda: stage_chart(counts) if len(counts) else None)
        self.chart.object = copy.deepcopy(spec)
        figures = counts.assign(category=counts["category"].astype(str)) if len(counts) else counts
        self.figures.object = table(figures, [Column("stage", "Stage"), Column("category", "Category"), Column("chemicals", "Chemicals")], caption="The chart's figures", row_header="stage", empty="nothing to count")
        self.lists.object = self._deadlines() + self._recent()

    def _deadlines(self) -> str:
        d = self.data.deadlines()
        more = f"<p>… and {len(d) - 10} more.</p>" if len(d) > 10 else ""
        cols = [Column("chemical", "Chemical"), Column("party", "Party"), Column("received", "Received", css="crc-nowrap"), Column("verify_by", "Verify by", css="crc-nowrap"),
                Column("overdue", "Overdue", lambda r: "<strong>overdue</strong>" if r["overdue"] else "no"), Column("notification_id", "Notification")]
        return "<h2>Awaiting the Secretariat's verification (Article 5.3)</h2>" + table(d.head(10), cols, caption="Notifications to verify, earliest deadline first", row_header="chemical", empty="none") + more

    def _recent(self) -> str:
        cols = [Column("entry", "Entry"), Column("subject", "Notification or proposal"), Column("criterion", "Criterion"), Column("status", "Conclusion"),
                Column("recorded_by", "By", lambda r: f"{esc(r['recorded_by'])} ({esc(r['role'])})"), Column("state", "Stands?")]
        if self.data.register_problem:
            return "<h2>Latest entries in the register</h2>" + notice("The register cannot be reached: the latest entries are those read before.", "warning") + table(self.data.recent(), cols, caption="Latest register entries", empty="none read")
        return "<h2>Latest entries in the register</h2>" + table(self.data.recent(), cols, caption="Latest register entries, newest first", empty="none yet")


__all__ = ["OverviewView", "search_form", "PAGE_SIZE"]
