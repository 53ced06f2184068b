"""The dashboard's charts (Altair, shown by Panel's bundled Vega): large text, symbols beside colours.

Chart text is at least 14 px; every chart has a title and a description (its text
alternative, read by screen readers), and the figures it shows are also in a table on the page.
"""

from __future__ import annotations

import pandas as pd

from ..labels import CELL_OUTLINE, CRITERION_OVERALL, STATUS_STYLES
from ..tables import STAGES

FONT = "DejaVu Sans, Noto Sans, Arial, Helvetica, sans-serif"
CATEGORY_COLOURS = {"pesticide": "#1f4e79", "industrial": "#b35900"}
"""Blue and dark orange: 8.6:1 and 4.3:1 on white, told apart under every common colour-vision deficiency."""


def _configure(chart):
    return (
        chart.configure(font=FONT, background="#ffffff")
        .configure_view(stroke=None)
        .configure_title(fontSize=19, anchor="start", color="#111111", offset=10)
        .configure_axis(labelFontSize=15, titleFontSize=15, labelColor="#111111", titleColor="#111111", domainColor="#333333", tickColor="#333333", gridColor="#d9d9d9")
        .configure_legend(labelFontSize=15, titleFontSize=15, labelColor="#111111", titleColor="#111111", orient="top", labelLimit=0)
    )


def stage_chart(counts: pd.DataFrame):
    """Return how many agenda items stand at each stage, per category (bars with their counts written)."""
    import altair as alt

    total = int(counts["chemicals"].sum()) if len(counts) else 0
    described = "; ".join(f"{r.stage}, {r.category}: {r.chemicals}" for r in counts.itertuples(index=False)) or "no chemicals"
    base = alt.Chart(counts, title="Where every chemical stands", description=f"Bar chart of {total} chemical-category pairs by stage: {described}.")
    y = alt.Y("stage:N", sort=list(STAGES), scale=alt.Scale(domain=list(STAGES)), title=None, axis=alt.Axis(labelLimit=220))
    colour = alt.Color("category:N", scale=alt.Scale(domain=list(CATEGORY_COLOURS), range=list(CATEGORY_COLOURS.values())), title="Category")
    bars = base.mark_bar(stroke=CELL_OUTLINE, strokeWidth=1).encode(y=y, yOffset="category:N", x=alt.X("chemicals:Q", title="chemical-category pairs", axis=alt.Axis(tickMinStep=1)), color=colour, tooltip=["stage:N", "category:N", "chemicals:Q"])
    labels = base.mark_text(align="left", dx=4, fontSize=15, color="#111111").encode(y=y, yOffset="category:N", x="chemicals:Q", text="chemicals:Q")
    return _configure(alt.layer(bars, labels).properties(width=460, height=34 * len(STAGES)))


def matrix_chart(cells: pd.DataFrame, *, title: str, description: str):
    """Return the criterion-by-notification matrix: one row per notification, one column per criterion.

    Each cell shows the committee's conclusion as a symbol on its colour; hovering shows the
    justification, a proposal and the rule-based aid (labelled as such). A click selects the
    cell (the named selection ``cell``, fields ``notification_id`` and ``criterion``), which the
    recording form reads to set both its notification and its criterion.
    """
    import altair as alt

    criteria = list(dict.fromkeys(cells["criterion"]))
    rows = list(dict.fromkeys(cells["notification"]))
    shown = cells.assign(
        fill_key=[s or "none" for s in cells["status"]],
        justification_short=cells["justification"].astype(str).str.slice(0, 300),
        criterion_short=cells["criterion_text"].astype(str).str.slice(0, 140),
    )[["notification_id", "notification", "criterion", "criterion_short", "fill_key", "symbol", "status_word", "justification_short", "recorded_by", "recorded_at", "proposal", "aid", "aid_reason"]]
    keys = [k or "none" for k in STATUS_STYLES]
    fill = alt.Color("fill_key:N", scale=alt.Scale(domain=keys, range=[s.fill for s in STATUS_STYLES.values()]), legend=None)
    ink = alt.Color("fill_key:N", scale=alt.Scale(domain=keys, range=[s.ink for s in STATUS_STYLES.values()]), legend=None)
    x = alt.X("criterion:N", sort=criteria, scale=alt.Scale(domain=criteria), title=None, axis=alt.Axis(orient="top", labelAngle=0, labelFontSize=15, labelFontWeight="bold"))
    y = alt.Y("notification:N", sort=rows, scale=alt.Scale(domain=rows), title=None, axis=alt.Axis(labelLimit=320, labelFontSize=15))
    tooltip = [
        alt.Tooltip("notification:N", title="notification"), alt.Tooltip("criterion:N"), alt.Tooltip("criterion_short:N", title="criterion text"),
        alt.Tooltip("status_word:N", title="committee's conclusion"), alt.Tooltip("justification_short:N", title="justification"),
        alt.Tooltip("recorded_by:N", title="by"), alt.Tooltip("recorded_at:N", title="on"), alt.Tooltip("proposal:N", title="proposal (not a conclusion)"),
        alt.Tooltip("aid:N", title="rule-based aid (not a conclusion)"), alt.Tooltip("aid_reason:N", title="the aid reads"),
    ]
    cell = alt.selection_point(name="cell", fields=["notification_id", "criterion"], on="click", toggle=False, empty=False, clear=False)
    base = alt.Chart(shown, title=title, description=description)
    rects = base.mark_rect(stroke=CELL_OUTLINE, strokeWidth=1, cursor="pointer").encode(x=x, y=y, color=fill, tooltip=tooltip).add_params(cell)
    picked = base.mark_rect(fill=None, stroke="#000000", strokeWidth=4).encode(x=x, y=y, opacity=alt.condition(cell, alt.value(1.0), alt.value(0.0)))
    symbols = base.mark_text(fontSize=20, fontWeight="bold", cursor="pointer").encode(x=x, y=y, text="symbol:N", color=ink, tooltip=tooltip)
    width = 62 * len(criteria)
    return _configure(alt.layer(rects, picked, symbols).resolve_scale(color="independent").properties(width=width, height=38 * max(1, len(rows))))


def criteria_order(ids: list[str]) -> list[str]:
    """Return the matrix's columns: the criteria then ``overall``."""
    return [*ids, CRITERION_OVERALL]


__all__ = ["stage_chart", "matrix_chart", "criteria_order", "CATEGORY_COLOURS"]
