"""Property tests of the intake: valid records round-trip, invalid ones are always reported."""

from __future__ import annotations

import csv
import datetime as dt

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crc_tools.convention import reference
from crc_tools.intake.reader import load

COUNTRIES = [p.country for p in reference.regions().parties if p.pic_region]
CAS = [c for e in reference.annex_iii() for c in e.cas_numbers][:40]
COLUMNS = ["notification_id", "chemical", "category", "notifying_party", "cas_number", "fra_type", "fra_date", "received_date", "annex_i_verified", "annex_ii_conclusion"]

text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp")), min_size=1, max_size=40).map(str.strip).filter(bool)
"""Names as a Party may write them: any script, no control or invisible format character (Cf, refused in names)."""
dates = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2026, 11, 1))
record = st.fixed_dictionaries(
    {
        "chemical": text,
        "category": st.sampled_from(["pesticide", "industrial"]),
        "notifying_party": st.sampled_from(COUNTRIES),
        "cas_number": st.sampled_from(CAS + [""]),
        "fra_type": st.sampled_from(["ban", "severe_restriction", ""]),
        "fra_date": dates,
        "received_date": dates,
        "annex_i_verified": st.sampled_from(["true", "false", ""]),
        "annex_ii_conclusion": st.sampled_from(["met", "not_met", "pending", ""]),
    }
)
PROP = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        for r in rows:
            w.writerow({k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in r.items()})


@PROP
@given(rows=st.lists(record, min_size=1, max_size=15))
def test_valid_records_round_trip(tmp_path, rows):
    rows = [{**r, "notification_id": f"N-{i}"} for i, r in enumerate(rows)]
    path = tmp_path / "t.csv"
    _write(path, rows)
    result = load([path], today=dt.date(2026, 11, 22))
    assert not result.problems.errors, [p.format() for p in result.problems.errors]
    got = result.notifications.set_index("notification_id")
    for r in rows:
        g = got.loc[r["notification_id"]]
        assert g["chemical"] == r["chemical"]
        assert g["category"] == r["category"]
        assert g["notifying_party"] == r["notifying_party"]
        assert (g["cas_number"] or "") == r["cas_number"]
        assert g["fra_date"].date() == r["fra_date"]
        assert (g["fra_type"] or "") == r["fra_type"]
        verified = g["annex_i_verified"]
        assert (None if pd.isna(verified) else bool(verified)) == {"true": True, "false": False, "": None}[r["annex_i_verified"]]


BAD = {
    "category": st.sampled_from(["pestcide", "chemical", "industrial-ish", "42"]),
    "notifying_party": st.sampled_from(["Narnia", "Atlantis", "Frnace", "EUROPA"]),
    "cas_number": st.sampled_from(["115-29-8", "50-29-4", "12-3", "abc"]),
    "fra_date": st.sampled_from(["2023-02-30", "31/12/2020", "tomorrow", "2020-13-01"]),
    "annex_i_verified": st.sampled_from(["maybe", "2", "verified?"]),
    "annex_ii_conclusion": st.sampled_from(["perhaps", "yes-ish"]),
}


@PROP
@given(rows=st.lists(record, min_size=2, max_size=10), data=st.data())
def test_an_invalid_record_is_always_reported_and_the_rest_kept(tmp_path, rows, data):
    rows = [{**r, "notification_id": f"N-{i}"} for i, r in enumerate(rows)]
    bad_at = data.draw(st.integers(min_value=0, max_value=len(rows) - 1))
    field = data.draw(st.sampled_from(sorted(BAD)))
    rows[bad_at] = {**rows[bad_at], field: data.draw(BAD[field])}
    path = tmp_path / "t.csv"
    _write(path, rows)
    result = load([path], today=dt.date(2026, 11, 22))
    errors = result.problems.errors
    assert [(e.record, e.field) for e in errors] == [(str(bad_at + 2), field)]
    assert sorted(result.notifications["notification_id"]) == sorted(r["notification_id"] for i, r in enumerate(rows) if i != bad_at)


@PROP
@given(name=text, invisible=st.characters(whitelist_categories=("Cf",)), at=st.integers(min_value=0, max_value=40))
def test_an_invisible_format_character_in_a_name_is_always_refused(tmp_path, name, invisible, at):
    """A bidirectional control or zero-width character anywhere in a chemical's name or an id is reported, never accepted."""
    bad = name[:at] + invisible + name[at:]
    rows = [{"notification_id": "N-1", "chemical": bad, "category": "pesticide", "notifying_party": "Japan"},
            {"notification_id": "N-2" + invisible, "chemical": "Endosulfan", "category": "pesticide", "notifying_party": "Japan"},
            {"notification_id": "N-3", "chemical": "Endosulfan", "category": "pesticide", "notifying_party": "Japan"}]
    path = tmp_path / "t.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["notification_id", "chemical", "category", "notifying_party"])
        w.writeheader()
        w.writerows(rows)
    result = load([path], today=dt.date(2026, 11, 22))
    assert list(result.notifications["notification_id"]) == ["N-3"]
    assert sorted((p.record, p.field) for p in result.problems.errors) == [("2", "chemical"), ("3", "notification_id")]
    assert all(f"U+{ord(invisible):04X}" in p.message for p in result.problems.errors)
