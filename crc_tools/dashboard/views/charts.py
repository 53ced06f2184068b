"""The dashboard's charts as Vega-Lite specifications (shown by Panel's bundled Vega): large text, symbols beside colours.

The specifications are written as plain data — no Altair object, no schema validation per
page — and cached per snapshot by :class:`~crc_tools.dashboard.data.MeetingData`, so a
page costs little to build. Chart text is at least 14 px; every chart has a title and a
description (its text alternative, read by screen readers), and its figures are also in a
table on the page.
"""

from __future__ import annotations

import pandas as pd

from ...i18n import N_, _, lookup
from ..labels import CELL_OUTLINE, STATUS_STYLES
from ..tables import STAGES

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
FONT = "DejaVu Sans, Noto Sans, Arial, Helvetica, sans-serif"
CATEGORY_COLOURS = {"pesticide": "#1f4e79", "industrial": "#b35900"}
"""Blue and dark orange: 8.6:1 and 4.3:1 on white, told apart under every common colour-vision deficiency."""
CONFIG = {
    "font": FONT, "background": "#ffffff", "view": {"stroke": None},
    "title": {"fontSize": 19, "anchor": "start", "color": "#111111", "offset": 10},
    "axis": {"labelFontSize": 15, "titleFontSize": 15, "labelColor": "#111111", "titleColor": "#111111", "domainColor": "#333333", "tickColor": "#333333", "gridColor": "#d9d9d9"},
    "legend": {"labelFontSize": 15, "titleFontSize": 15, "labelColor": "#111111", "titleColor": "#111111", "orient": "top", "labelLimit": 0},
}
TOOLTIP = [
    ("notification", N_("notification")), ("criterion", N_("criterion")), ("criterion_short", N_("criterion text")), ("status_word", N_("committee's conclusion")),
    ("justification_short", N_("justification")), ("recorded_by", N_("by")), ("recorded_at", N_("on")), ("proposal", N_("proposal (not a conclusion)")),
    ("aid", N_("rule-based aid (not a conclusion)")), ("aid_reason", N_("the aid reads")),
]


def _nominal(field: str, **kw) -> dict:
    return {"field": field, "type": "nominal", **kw}


def stage_chart(counts: pd.DataFrame, *, title: str = N_("Where every chemical stands")) -> dict:
    """Return how many agenda items stand at each stage, per category (bars with their counts written), in the language in use."""
    total = int(counts["chemicals"].sum()) if len(counts) else 0
    counts = counts.assign(stage=[lookup(v) for v in counts["stage"]], category=[lookup(v) for v in counts["category"].astype(str)])
    stages, categories = [lookup(v) for v in STAGES], [lookup(v) for v in CATEGORY_COLOURS]
    described = "; ".join(f"{r.stage}, {r.category}: {r.chemicals}" for r in counts.itertuples(index=False)) or _("no chemicals")
    y = _nominal("stage", sort=stages, scale={"domain": stages}, title=None, axis={"labelLimit": 220})
    x = {"field": "chemicals", "type": "quantitative"}
    return {
        "$schema": SCHEMA, "config": CONFIG, "title": _(title), "description": _("Bar chart of {total} chemical-category pairs by stage: {counts}.").format(total=total, counts=described),
        "data": {"values": counts[["stage", "category", "chemicals"]].astype({"chemicals": int}).to_dict("records")},
        "width": 460, "height": 34 * len(STAGES),
        "layer": [
            {"mark": {"type": "bar", "stroke": CELL_OUTLINE, "strokeWidth": 1},
             "encoding": {"y": y, "yOffset": _nominal("category"), "x": {**x, "title": _("chemical-category pairs"), "axis": {"tickMinStep": 1}},
                          "color": _nominal("category", scale={"domain": categories, "range": list(CATEGORY_COLOURS.values())}, title=_("Category")),
                          "tooltip": [_nominal("stage", title=_("Stage")), _nominal("category", title=_("Category")), {**x, "title": _("Chemicals")}]}},
            {"mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 15, "color": "#111111"},
             "encoding": {"y": y, "yOffset": _nominal("category"), "x": x, "text": x}},
        ],
    }


def matrix_chart(cells: pd.DataFrame, *, title: str, description: str) -> dict:
    """Return the criterion-by-notification matrix: one row per notification, one column per criterion.

    Each cell shows the committee's conclusion as a symbol on its colour; hovering shows the
    justification, a proposal and the rule-based aid (labelled as such). A click selects the
    cell (the point selection ``cell`` on ``notification_id`` and ``criterion``), which the
    recording form reads to set both its notification and its criterion.
    """
    criteria = list(dict.fromkeys(cells["criterion"]))
    rows = list(dict.fromkeys(cells["notification"]))
    shown = cells.assign(
        fill_key=[s or "none" for s in cells["status"]],
        justification_short=cells["justification"].astype(str).str.slice(0, 300),
        criterion_short=cells["criterion_text"].astype(str).str.slice(0, 140),
    )[["notification_id", "notification", "criterion", "fill_key", "symbol", *[f for f, _title in TOOLTIP if f not in ("notification", "criterion")]]]
    keys = [k or "none" for k in STATUS_STYLES]
    x = _nominal("criterion", sort=criteria, scale={"domain": criteria}, title=None, axis={"orient": "top", "labelAngle": 0, "labelFontSize": 15, "labelFontWeight": "bold"})
    y = _nominal("notification", sort=rows, scale={"domain": rows}, title=None, axis={"labelLimit": 320, "labelFontSize": 15})
    tooltip = [_nominal(f, title=_(t)) for f, t in TOOLTIP]
    fill = _nominal("fill_key", scale={"domain": keys, "range": [s.fill for s in STATUS_STYLES.values()]}, legend=None)
    ink = _nominal("fill_key", scale={"domain": keys, "range": [s.ink for s in STATUS_STYLES.values()]}, legend=None)
    return {
        "$schema": SCHEMA, "config": CONFIG, "title": title, "description": description,
        "data": {"values": shown.astype(str).to_dict("records")},
        "width": 62 * len(criteria), "height": 38 * max(1, len(rows)),
        "params": [{"name": "cell", "select": {"type": "point", "fields": ["notification_id", "criterion"], "on": "click", "toggle": False, "clear": False}, "views": ["cells"]}],
        "resolve": {"scale": {"color": "independent"}},
        "layer": [
            {"name": "cells", "mark": {"type": "rect", "stroke": CELL_OUTLINE, "strokeWidth": 1, "cursor": "pointer"}, "encoding": {"x": x, "y": y, "color": fill, "tooltip": tooltip}},
            {"mark": {"type": "rect", "fill": None, "stroke": "#000000", "strokeWidth": 4},
             "encoding": {"x": x, "y": y, "opacity": {"condition": {"param": "cell", "value": 1.0, "empty": False}, "value": 0.0}}},
            {"mark": {"type": "text", "fontSize": 20, "fontWeight": "bold", "cursor": "pointer"}, "encoding": {"x": x, "y": y, "text": _nominal("symbol"), "color": ink, "tooltip": tooltip}},
        ],
    }


__all__ = ["stage_chart", "matrix_chart", "CATEGORY_COLOURS"]
