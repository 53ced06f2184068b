"""Altair charts with one house theme, shared by the rendered documents and the dashboard.

Charts are built from small, already aggregated tables (Altair refuses more than 5,000
rows, and a reader never needs more): notifications counted by PIC region and year, and
the criterion-by-notification matrix of Annex II.

Rendered documents must show their charts offline, so :func:`to_svg` converts a chart to
static SVG with ``vl-convert`` (no JavaScript, nothing fetched from the internet). The
dashboard uses the same charts and theme through Panel's bundled Vega pane.

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

CONFLICT_COLOUR = "#7b3294"
"""An overall Annex II status in conflict (committee entries that disagree, not yet settled)."""

REGION_COLOURS = ["#1f4e79", "#2e86c1", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7"]

MAX_ROWS = 5_000
"""Altair's own limit; tables are aggregated well below it before charting."""


def house_theme() -> dict:
    """Return the house theme as a Vega-Lite ``config`` (fonts, sizes, quiet axes)."""
    return {
        "config": {
            "font": "DejaVu Sans, Arial, Helvetica, sans-serif",
            "background": "#ffffff",
            "view": {"stroke": None, "continuousWidth": 420, "continuousHeight": 220},
            "title": {"fontSize": 13, "fontWeight": "bold", "anchor": "start", "color": "#1f2d3d"},
            "axis": {"labelFontSize": 11, "titleFontSize": 11, "labelColor": "#333333", "titleColor": "#333333", "gridColor": "#e6e6e6", "domainColor": "#999999"},
            "legend": {"labelFontSize": 11, "titleFontSize": 11, "orient": "right", "labelLimit": 280},
            "range": {"category": REGION_COLOURS},
            "bar": {"cornerRadiusEnd": 1},
        }
    }


def use_offline_renderer() -> None:
    """Render charts in notebooks as static SVG (vl-convert): no JavaScript fetched from the internet.

    Altair's default renderer loads Vega from a CDN, which a meeting room without internet
    cannot reach (STYLE.md); SVG works offline, in JupyterLab, in papermill outputs and in
    nbconvert exports alike. The dashboard uses Panel's bundled Vega for interactive charts.
    """
    import altair as alt

    use_house_theme()
    alt.renderers.enable("svg")


def use_house_theme() -> None:
    """Register and enable the house theme in Altair (idempotent)."""
    import altair as alt

    if THEME_NAME not in alt.theme.names():

        @alt.theme.register(THEME_NAME, enable=False)
        def _crc_theme():
            return alt.theme.ThemeConfig(house_theme())

    alt.theme.enable(THEME_NAME)


def _frame(records: list[dict]):
    import pandas as pd

    if len(records) > MAX_ROWS:
        raise ValueError(f"{len(records):,} rows to chart; aggregate to fewer than {MAX_ROWS:,} first")
    return pd.DataFrame.from_records(records)


def notifications_by_region_year(counts: list[dict], *, title: str = "Notifications received, by PIC region and year"):
    """Return a stacked bar chart of notification counts.

    Parameters
    ----------
    counts : list of dict
        Aggregated rows ``{"year": int, "pic_region": str, "notifications": int}``.
    title : str
        The chart's title (empty when the document captions the figure).
    """
    import altair as alt

    from .convention.reference import PIC_REGIONS

    use_house_theme()
    df = _frame(counts)
    # Every region keeps its colour in every chart: the domain is the seven PIC regions.
    domain = list(PIC_REGIONS) + sorted({r["pic_region"] for r in counts} - set(PIC_REGIONS))
    return (
        alt.Chart(df, title=title)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Year received"),
            y=alt.Y("notifications:Q", title="Notifications", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("pic_region:N", title="PIC region", scale=alt.Scale(domain=domain, range=REGION_COLOURS[: len(PIC_REGIONS)] + ["#9e9e9e"] * (len(domain) - len(PIC_REGIONS)))),
            tooltip=["year:O", "pic_region:N", "notifications:Q"],
        )
    )


def criteria_matrix(cells: list[dict], *, title: str = "Annex II criteria by notification", axis_title: str = "Annex II criterion"):
    """Return the criterion-by-notification matrix as a heat map.

    Parameters
    ----------
    cells : list of dict
        One row per notification and criterion: ``notification`` (a label),
        ``criterion`` (e.g. ``(b)(iii)``), ``status`` (a key of :data:`STATUS_COLOURS`)
        and ``order`` (the criterion's position in Annex II).
    title : str
        The chart's title (empty when the document captions the figure).
    axis_title : str
        The title of the criteria axis (``Annex IV Part 3 criterion`` for an SHPF proposal).
    """
    import altair as alt

    use_house_theme()
    df = _frame(cells)
    order = [c for c, _ in sorted({(r["criterion"], r["order"]) for r in cells}, key=lambda x: x[1])]
    colours = dict(STATUS_COLOURS)
    if any(r.get("status") == "conflict" for r in cells):  # an overall column with committee entries in conflict
        colours["conflict"] = CONFLICT_COLOUR
    return (
        alt.Chart(df, title=title)
        .mark_rect(stroke="#ffffff", strokeWidth=2)
        .encode(
            x=alt.X("criterion:N", sort=order, title=axis_title, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("notification:N", title=None),
            color=alt.Color("status:N", title="Recorded determination", scale=alt.Scale(domain=list(colours), range=list(colours.values()))),
            tooltip=["notification:N", "criterion:N", "status:N"],
        )
        .properties(width=alt.Step(46), height=alt.Step(28))
    )


def to_svg(chart) -> str:
    """Return a chart as static SVG (vl-convert; works offline, carries no script)."""
    import io

    buf = io.StringIO()
    chart.save(buf, format="svg")
    return buf.getvalue()


def failures_to_respond(counts: list[dict], *, title: str = "Parties that have not responded by the due date, by PIC region and chemical"):
    """Return a bar chart of failures to transmit an import response (Article 10.3, 10.10).

    ``counts`` are ``{"pic_region", "chemical", "parties_overdue"}`` records (aggregated:
    Altair refuses more than 5,000 rows).
    """
    import altair as alt

    from .convention.reference import PIC_REGIONS

    use_house_theme()
    df = _frame(counts)
    order = list(PIC_REGIONS) + sorted({r["pic_region"] for r in counts} - set(PIC_REGIONS))
    return (
        alt.Chart(df, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("pic_region:N", title="PIC region", sort=order),
            x=alt.X("parties_overdue:Q", title="Parties overdue", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("chemical:N", title="Annex III entry"),
            tooltip=["pic_region", "chemical", "parties_overdue"],
        )
    )
