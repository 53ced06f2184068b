"""The house Altair theme ("crc"), shared by the dashboard and the rendered documents.

Small and self-contained on purpose: the theme, the colours of the Annex II statuses and
of the PIC regions, and Altair's row limit. Charts are built from small, already
aggregated tables (Altair refuses more than 5,000 rows, and a reader never needs more);
the dashboard shows them with Panel's bundled Vega pane, so nothing is fetched from the
internet.

Altair is imported inside the functions, so ``import crc_tools.charts`` stays light.
"""

from __future__ import annotations

THEME_NAME = "crc"

STATUS_COLOURS = {
    "met": "#1b7837",
    "not met": "#b2182b",
    "insufficient information": "#e08214",
    "no determination": "#bdbdbd",
}
"""Colours of the Annex II statuses, the same in every view."""

REGION_COLOURS = ["#1f4e79", "#2e86c1", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7"]

MAX_ROWS = 5_000
"""Altair's own limit; tables are aggregated well below it before charting."""


def house_theme() -> dict:
    """Return the house theme as a Vega-Lite ``config`` (fonts, sizes, quiet axes).

    The fonts are ones installed with the browser or the system: no web font is asked for.
    """
    return {
        "config": {
            "font": "DejaVu Sans, Arial, Helvetica, sans-serif",
            "background": "#ffffff",
            "view": {"stroke": None, "continuousWidth": 420, "continuousHeight": 220},
            "title": {"fontSize": 13, "fontWeight": "bold", "anchor": "start", "color": "#1f2d3d"},
            "axis": {"labelFontSize": 11, "titleFontSize": 11, "labelColor": "#333333", "titleColor": "#333333", "gridColor": "#e6e6e6", "domainColor": "#999999"},
            "legend": {"labelFontSize": 11, "titleFontSize": 11, "orient": "right"},
            "range": {"category": REGION_COLOURS},
            "bar": {"cornerRadiusEnd": 1},
        }
    }


def use_house_theme() -> None:
    """Register and enable the house theme in Altair (idempotent)."""
    import altair as alt

    if THEME_NAME not in alt.theme.names():

        @alt.theme.register(THEME_NAME, enable=False)
        def _crc_theme():
            return alt.theme.ThemeConfig(house_theme())

    alt.theme.enable(THEME_NAME)
