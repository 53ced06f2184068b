"""The six-monthly synopsis of notifications and proposals (Articles 5.4 and 6.2; PIC Circular style).

A title, a summary of the period (counts per PIC region and category, and a chart of all
notifications held by region and year), then the appendices of
:mod:`~crc_tools.documents.appendices` in the order of the PIC Circular: I (notifications
received), II (SHPF proposals) and V (chemicals awaiting a second region).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..errors import UsageError
from ..i18n import N_, _
from . import model as dm
from .appendices import APPENDICES, place, rank, region_counts
from .casedata import CaseData, case_data
from .parts import finish
from .style import join, un_date


def half_year(day: dt.date) -> tuple[dt.date, dt.date]:
    """Return the calendar half-year (January-June or July-December) holding a day."""
    if day.month <= 6:
        return dt.date(day.year, 1, 1), dt.date(day.year, 6, 30)
    return dt.date(day.year, 7, 1), dt.date(day.year, 12, 31)


def synopsis_period(data: CaseData, date_from: dt.date | None = None, date_to: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """Return the period of a synopsis (Article 5.4: every six months).

    With both dates, that period; with one, the six months from or to it; with none, the
    calendar half-year of the latest receipt date of a notification or an SHPF proposal in
    the data (or of today).
    """
    if date_from and date_to:
        if date_to < date_from:
            raise UsageError(f"--to {date_to} is before --from {date_from}")
        return date_from, date_to
    try:
        if date_from:
            return date_from, (pd.Timestamp(date_from) + pd.DateOffset(months=6) - pd.Timedelta(days=1)).date()
        if date_to:
            return (pd.Timestamp(date_to) + pd.Timedelta(days=1) - pd.DateOffset(months=6)).date(), date_to
    except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):  # six months past 9999-12-31 or before year 1
        given = f"--from {date_from}" if date_from else f"--to {date_to}"
        raise UsageError(f"{given}: six months from it fall outside the calendar; give both --from and --to") from None
    dates = []
    for frame in (data.notifications, data.proposals.proposals):
        if "received_date" in frame.columns:
            rec = frame["received_date"].dropna()
            if len(rec):
                dates.append(pd.Timestamp(rec.max()).date())
    return half_year(max(dates) if dates else (data.today or dt.date.today()))


def _region_year_chart(df: pd.DataFrame) -> dict | None:
    if df.empty or "received_date" not in df.columns:
        return None
    dated = df[df["received_date"].notna()]
    if dated.empty:
        return None
    counts: dict[tuple[int, str], int] = {}
    for year, regions in zip(dated["received_date"].dt.year, dated["pic_region"].astype(str), strict=True):
        for reg in (regions or "no established PIC region").split(";"):
            counts[(int(year), reg)] = counts.get((int(year), reg), 0) + 1
    records = [{"year": y, "pic_region": r, "notifications": n} for (y, r), n in sorted(counts.items())]
    svg = ""
    try:
        from ..charts import notifications_by_region_year, to_svg

        svg = to_svg(notifications_by_region_year(records, title=""))
    except Exception:  # noqa: BLE001 - the table stands in for a chart that cannot be drawn
        svg = ""
    return dm.chart(
        "Notifications received, by PIC region and year (all notifications held up to the end of the period)",
        [("year", N_("Year received")), ("pic_region", N_("PIC region")), ("notifications", N_("Notifications"))],
        [[str(r["year"]), r["pic_region"], str(r["notifications"])] for r in records],
        svg,
        key="region_year",
    )


def _summary(data: CaseData, start: dt.date, end: dt.date) -> dict:
    df = data.prepared
    rec = df["received_date"] if "received_date" in df.columns else pd.Series(pd.NaT, index=df.index)
    in_period = df[(rec >= pd.Timestamp(start)) & (rec <= pd.Timestamp(end))] if len(df) else df
    verified = {(str(r["notification_id"]), str(r["category"])) for r in data.verification.to_dict("records") if bool(r.get("verified"))}
    n_ok = sum(1 for n, c in zip(in_period["notification_id"].astype(str), in_period["category"].astype(str), strict=True) if (n, c) in verified) if len(in_period) else 0
    rows = region_counts(in_period)
    blocks = [
        dm.p(
            "Under Article 5.4 the Secretariat circulates, every six months, a synopsis of the notifications of final regulatory action it has received. "
            f"In this period {len(in_period)} notification record(s) were received: {n_ok} verified as containing the information required by Annex I "
            f"and {len(in_period) - n_ok} found incomplete or not yet verified (Article 5.3)."
        ),
        dm.table([("pic_region", N_("PIC region")), ("category", N_("Category")), ("notifications", N_("Notifications received"))], rows, key="summary", caption="Notifications received in the period") if rows else dm.p("No notification was received in this period."),
    ]
    undated = int(rec.isna().sum()) if len(df) else 0
    if undated:
        blocks.append(dm.p(f"{undated} notification record(s) carry no date of receipt and are not placed in any period."))
    chart = _region_year_chart(df[rec <= pd.Timestamp(end)] if len(df) else df)
    if chart:
        blocks.append(chart)
    return dm.section("summary", "Summary", blocks=blocks), {"received": len(in_period), "verified": n_ok, "incomplete": len(in_period) - n_ok}


def synopsis_document(*, data=None, date_from: dt.date | None = None, date_to: dt.date | None = None, today: dt.date | None = None) -> dict:
    """Return the model of the six-monthly synopsis (Articles 5.4, 6.2; see the module docstring).

    Parameters
    ----------
    data : CaseData, Intake or list of paths, optional
        The notifications and proposals (default: the shipped sample data).
    date_from, date_to : datetime.date, optional
        The period (see :func:`synopsis_period`).
    today : datetime.date, optional
        The date printed on the synopsis.
    """
    data = case_data(data)
    today = today or dt.date.today()
    start, end = synopsis_period(data, date_from, date_to)
    title = _("Synopsis of notifications of final regulatory action received from {start} to {end}").format(start=un_date(start), end=un_date(end))
    summary, counts = _summary(data, start, end)
    sections_ = [dm.section("title", title, level=0, translated=True, blocks=[dm.p("", "lead"), dm.p(_("Prepared on {date} for the Secretariat's review before publication.").format(date=un_date(today)), "small")]), summary]
    for build in APPENDICES.values():
        place(sections_, build(data, start, end))
    numbers = [s["number"].split()[1] for s in sections_ if s.get("level") == 1 and rank(s.get("number", "")) is not None]
    sections_[0]["blocks"][0]["text"] = _("Rotterdam Convention — PIC Circular, Appendices {numbers} ({articles})").format(numbers=join(numbers), articles=_("Articles 5.4 and 6.2") if "II" in numbers else _("Article 5.4"))
    waiting = next((s for s in sections_ if s["id"] == "appendix-v"), {"blocks": []})
    meta = {
        "date_from": start.isoformat(), "date_to": end.isoformat(), **counts,
        "awaiting_second_region": sum(len(b["rows"]) for b in waiting["blocks"] if b.get("key") == "awaiting"),
        "file_stem": f"synopsis-{start.isoformat()}-to-{end.isoformat()}", "generated_on": today.isoformat(),
    }
    return finish(dm.new_document("synopsis", title, sections_, meta=meta))


__all__ = ["synopsis_document", "synopsis_period", "half_year"]
