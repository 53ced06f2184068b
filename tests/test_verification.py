"""Annex I verification (Article 5.3) and the deadlines of Article 5.1-5.3."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from crc_tools.convention.reference import items
from crc_tools.intake.reader import load
from crc_tools.notifications.verification import add_months, annex_i_items, verification_status

from .conftest import write_bulk

COLUMNS = ["notification_id", "chemical", "category", "notifying_party", "fra_date", "received_date", "annex_i_verified"]


def _ver(tmp_path, rows, today=dt.date(2030, 1, 1)):
    result = load([write_bulk(tmp_path / "v.csv", rows, COLUMNS)])
    assert not result.problems.errors, [p.format() for p in result.problems]
    return verification_status(result.notifications, today=today).set_index("notification_id")


@pytest.mark.parametrize(
    "start,months,expected",
    [
        pytest.param("2024-03-31", 6, "2024-09-30", id="31-march-to-30-september"),
        pytest.param("2023-08-31", 6, "2024-02-29", id="31-august-to-29-february-leap"),
        pytest.param("2024-08-31", 6, "2025-02-28", id="31-august-to-28-february"),
        pytest.param("2024-02-29", 6, "2024-08-29", id="29-february-to-29-august"),
        pytest.param("2024-07-15", 6, "2025-01-15", id="over-the-year-end"),
    ],
)
def test_six_months_at_month_ends(start, months, expected):
    """Article 5.3 / 6.2: six calendar months after receipt, clipped to the last day of a shorter month."""
    got = add_months(pd.Series(pd.to_datetime([start])), months).iloc[0]
    assert got == pd.Timestamp(expected)


@pytest.mark.parametrize(
    "fra,received,deadline,late,rule",
    [
        pytest.param("2023-11-30", "2024-02-28", "2024-02-28", False, "Article 5.1", id="ninety-days-exactly"),
        pytest.param("2023-11-30", "2024-02-29", "2024-02-28", True, "Article 5.1", id="ninety-one-days-leap-year"),
        pytest.param("2023-12-01", "2024-02-29", "2024-02-29", False, "Article 5.1", id="ninety-days-to-29-february"),
        # Article 5.2: an action in effect when the Convention entered into force for the Party is due on that date (DESIGN.md)
        pytest.param("2003-01-01", "2004-03-01", "2004-02-24", True, "Article 5.2", id="in-effect-before-entry-into-force"),
    ],
)
def test_ninety_day_notification_deadline(tmp_path, fra, received, deadline, late, rule):
    """Article 5.1: notify within ninety days of the action taking effect; Article 5.2 for actions in effect before the Convention."""
    v = _ver(tmp_path, [{"notification_id": "N", "chemical": "X", "category": "industrial", "notifying_party": "Canada", "fra_date": fra, "received_date": received}]).loc["N"]
    assert v["notification_rule"].startswith(rule)
    assert bool(v["notified_late"]) is late
    assert (pd.isna(v["notification_deadline"]) if deadline is None else v["notification_deadline"] == pd.Timestamp(deadline))


def test_verification_overdue_only_when_open_past_six_months(tmp_path):
    rows = [
        {"notification_id": "open", "chemical": "X", "category": "industrial", "notifying_party": "Canada", "received_date": "2024-03-31"},
        {"notification_id": "done", "chemical": "X", "category": "industrial", "notifying_party": "Canada", "received_date": "2024-03-31", "annex_i_verified": "true"},
    ]
    before = _ver(tmp_path, rows, today=dt.date(2024, 9, 30))
    after = _ver(tmp_path, rows, today=dt.date(2024, 10, 1))
    assert not before.loc["open", "verification_overdue"] and after.loc["open", "verification_overdue"]
    assert not after.loc["done", "verification_overdue"]


def test_conditional_annex_i_items_are_marked_optional():
    """Annex I qualifies 1(b), 1(e), 2(b)(iii), 2(c) and 2(d); the other items are asked for as such."""
    optional = {i.id for i in items("annex_i").items if i.optional}
    assert optional == {"1(b)", "1(e)", "2(b)(iii)", "2(c)", "2(d)(i)", "2(d)(ii)"}


def test_missing_conditional_items_do_not_make_a_notification_incomplete(tmp_path):
    """Article 5.1 asks for Annex I information "where available": a notification carrying every unconditional
    item is complete for the check; the conditional items it lacks are reported apart."""
    required = [i for i in items("annex_i").items if not i.optional]
    row = {"notification_id": "N", "chemical": "Short-chain chlorinated paraffins", "category": "industrial", "notifying_party": "Canada"}
    for item in required:
        for f in item.fields:
            row.setdefault(f, "2012-01-01" if f == "fra_date" else ("risk" if f == "evaluation_basis" else {"cas_number": "85535-84-8", "hs_code": "3824.82"}.get(f, "given")))
    columns = list(row)
    result = load([write_bulk(tmp_path / "n.csv", [row], columns)])
    v = verification_status(result.notifications).iloc[0]
    checks = annex_i_items(result.notifications)
    assert v["annex_i_complete"], (v["missing_items"], [p.format() for p in result.problems])
    assert set(v["missing_if_available"].split(", ")) == {"1(b)", "1(e)", "2(b)(iii)", "2(c)", "2(d)(i)", "2(d)(ii)"}
    assert checks["optional"].sum() == 6
    # The Secretariat's recorded verification, not the check, is what counts (Article 5.3, 5.5).
    assert not v["verified"]
