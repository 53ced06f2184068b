"""Parties to the Convention (Articles 2(g), 5.1, 5.2, 5.5, 26): the data, the counting rule and the deadlines."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crc_tools import config
from crc_tools.convention import parties as parties_mod
from crc_tools.convention.files import ReferenceDataError
from crc_tools.convention.parties import CONVENTION_IN_FORCE, entry_into_force_for, parties, party_status
from crc_tools.convention.regions import regions
from crc_tools.intake.reader import load
from crc_tools.notifications.review import review_status

from .conftest import ROOT, run_crc, write_bulk

COLUMNS = ["notification_id", "chemical", "category", "notifying_party", "annex_i_verified", "annex_ii_conclusion", "fra_date", "received_date"]
CASES = list(csv.DictReader(open(ROOT / "tests" / "data" / "crc_cases.csv", encoding="utf-8")))


def _row(i, party, *, chem="Chem-X", cat="industrial", conclusion="met", verified="true", **extra):
    return {"notification_id": f"N{i}", "chemical": chem, "category": cat, "notifying_party": party, "annex_i_verified": verified, "annex_ii_conclusion": conclusion, **extra}


def _load(tmp_path, rows, name="t.csv"):
    result = load([write_bulk(tmp_path / name, rows, COLUMNS)])
    assert not result.problems.errors, [p.format() for p in result.problems]
    return result


def _status(tmp_path, rows, name="t.csv"):
    return review_status(_load(tmp_path, rows, name).notifications)


# ----------------------------------------------------------------------------- the data


def test_article_26_dates():
    """Instruments deposited by the fiftieth (26 Nov 2003) give 24 Feb 2004; later ones the 90th day after deposit."""
    assert entry_into_force_for(dt.date(2001, 1, 1)) == CONVENTION_IN_FORCE
    assert entry_into_force_for(dt.date(2003, 11, 26)) == dt.date(2004, 2, 24)
    assert entry_into_force_for(dt.date(2003, 11, 27)) == dt.date(2004, 2, 25)
    assert entry_into_force_for(dt.date(2010, 8, 9)) == dt.date(2010, 11, 7)  # Albania: Verdragenbank 07-11-2010


def test_every_country_has_a_status_and_every_date_its_basis():
    table = parties()
    assert set(regions().by_iso3) <= set(table)
    for p in table.values():
        assert p.basis in ("stated", "derived", "not_established")
        assert (p.entry_into_force is None) == (p.basis == "not_established")
        if p.basis == "derived":
            assert p.entry_into_force == entry_into_force_for(p.deposit_date)
        if p.entry_into_force is not None:
            assert p.is_party and p.entry_into_force >= CONVENTION_IN_FORCE and p.source
    assert party_status("EUU").entry_into_force == CONVENTION_IN_FORCE
    assert party_status("USA").not_a_party and party_status("USA").entry_into_force is None
    assert party_status("CAN").entry_into_force == CONVENTION_IN_FORCE and party_status("CAN").basis == "stated"
    assert party_status("CHL").entry_into_force == dt.date(2005, 4, 20)


def test_no_state_of_a_real_crc_case_is_a_non_party():
    """The committee reviewed these notifications: every identified notifying State was a Party then."""
    table = regions()
    for r in CASES:
        for name in (n.strip() for n in r["notifying_party"].split(";")):
            party = table.find(name)
            if party is None:
                continue  # "not identified in source"
            assert not party_status(party.iso3).not_a_party, name


@pytest.mark.parametrize(
    "column,old,new,message",
    [
        pytest.param("entry_into_force", "2010-11-07", "2010-11-08", "Article 26 gives 2010-11-07", id="derived date disagrees with Article 26"),
        pytest.param("status", "signatory", "member", "status must be one of", id="unknown status"),
        pytest.param("entry_into_force", "2004-02-24", "2003-01-01", "entered into force on 2004-02-24", id="date before 2004"),
    ],
)
def test_a_bad_row_is_named(tmp_path, monkeypatch, column, old, new, message):
    ref = tmp_path / "ref"
    shutil.copytree(config.reference_dir(), ref)
    rows = list(csv.DictReader(open(ref / "parties.csv", encoding="utf-8")))
    at = next(i for i, r in enumerate(rows) if r[column] == old)
    rows[at][column] = new
    with open(ref / "parties.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    monkeypatch.setattr(config, "reference_dir", lambda: ref)
    parties_mod._parties.cache_clear()
    try:
        with pytest.raises(ReferenceDataError) as exc:
            parties()
        assert str(exc.value).startswith(f"{ref / 'parties.csv'}:{at + 2}: {column}:") and message in str(exc.value)
    finally:
        parties_mod._parties.cache_clear()


# ----------------------------------------------------------------------------- counting


def test_a_non_party_is_reported_and_not_counted(tmp_path):
    """Two regions only with the United States of America (a signatory, not a Party): no trigger (Articles 2(g), 5.1, 5.5)."""
    result = _load(tmp_path, [_row(1, "Japan"), _row(2, "United States of America")])
    warnings = [p.format() for p in result.problems if "not a Party" in p.format()]
    assert len(warnings) == 1 and ":3: notifying_party: warning:" in warnings[0] and "Articles 2(g), 5.1 and 5.5" in warnings[0]
    row = review_status(result.notifications).iloc[0]
    assert row["regions_verified"] == ["Asia"] and row["regions_meeting_criteria"] == ["Asia"]
    assert not row["forward_to_crc"] and not row["recommend_listing"]
    assert row["non_parties"] == ["United States of America"] and "United States of America" not in row["parties"]
    assert "not a Party to the Convention" in row["missing"] and "not a Party" in row["basis"]


def test_a_state_of_unknown_status_counts_and_is_said(tmp_path):
    """India's status is not established in the data: its notification counts (only Parties notify) and basis says so."""
    assert not party_status("IND").status_established
    row = _status(tmp_path, [_row(1, "Canada"), _row(2, "India")]).iloc[0]
    assert row["recommend_listing"] and set(row["regions_meeting_criteria"]) == {"Asia", "North America"}
    assert "India, whose status as Party is not established" in row["basis"]


def test_a_joint_row_with_a_non_party_counts_for_its_parties_only(tmp_path):
    row = _status(tmp_path, [_row(1, "Canada; United States of America"), _row(2, "Japan")]).iloc[0]
    assert row["regions_meeting_criteria"] == ["Asia", "North America"] and row["non_parties"] == ["United States of America"]
    row = _status(tmp_path, [_row(1, "Mexico; United States of America"), _row(2, "Japan")], "b.csv").iloc[0]
    assert row["regions_meeting_criteria"] == ["Asia", "Latin America and the Caribbean"]  # Mexico's region, not the USA's


PROP = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
STATES = ["Canada", "Japan", "Brazil", "Kenya", "European Union", "Australia", "Jordan", "India"]
NON_PARTIES = ["United States of America", "Angola", "Andorra", "Bangladesh"]
records = st.lists(
    st.tuples(st.sampled_from(["Chem-A", "Chem-B"]), st.sampled_from(["pesticide", "industrial"]), st.sampled_from(STATES), st.sampled_from(["", "true", "false"]), st.sampled_from(["", "met", "not_met"])),
    max_size=10,
)


def _flags(tmp_path, recs, name):
    rows = [_row(i, p, chem=c, cat=cat, verified=v, conclusion=a) for i, (c, cat, p, v, a) in enumerate(recs)]
    if not rows:
        return {}
    status = _status(tmp_path, rows, name)
    return {(r["chemical"], r["category"]): (r["forward_to_crc"], r["recommend_listing"], tuple(r["regions_notified"]), tuple(r["regions_verified"]), tuple(r["regions_meeting_criteria"])) for r in status.to_dict("records")}


@PROP
@given(recs=records, extra=st.lists(st.tuples(st.sampled_from(["Chem-A", "Chem-B", "Chem-C"]), st.sampled_from(["pesticide", "industrial"]), st.sampled_from(NON_PARTIES), st.just("true"), st.just("met")), min_size=1, max_size=6))
def test_a_non_party_never_counts(tmp_path, recs, extra):
    """Notifications from States that are not Parties change no region, no trigger and no recommendation."""
    before = _flags(tmp_path, recs, "a.csv")
    after = _flags(tmp_path, recs + extra, "b.csv")
    for key, flags in after.items():
        assert flags == before.get(key, (False, False, (), (), ()))


@PROP
@given(recs=st.lists(st.tuples(st.sampled_from(["Chem-A", "Chem-B"]), st.sampled_from(["pesticide", "industrial"]), st.sampled_from(STATES + NON_PARTIES), st.sampled_from(["", "true", "false"]), st.sampled_from(["", "met", "not_met"])), max_size=10), extra=records)
def test_adding_a_partys_notification_never_removes_a_trigger(tmp_path, recs, extra):
    before = _flags(tmp_path, recs, "a.csv")
    after = _flags(tmp_path, recs + extra, "b.csv")
    for key, (fwd, rec, rn, rv, rm) in before.items():
        fwd2, rec2, rn2, rv2, rm2 = after[key]
        assert fwd <= fwd2 and rec <= rec2 and set(rn) <= set(rn2) and set(rv) <= set(rv2) and set(rm) <= set(rm2)


# ----------------------------------------------------------------------------- deadlines (Article 5.1, 5.2)

DEADLINES = [
    pytest.param("Canada", "2003-01-01", "2004-02-24", "Article 5.2", id="Canada: action before 2004 due on 24 Feb 2004"),
    pytest.param("Canada", "2005-01-01", "2005-04-01", "Article 5.1", id="Canada: 90 days"),
    pytest.param("Chile", "2005-01-01", "2005-04-20", "Article 5.2", id="Chile: in force 20 Apr 2005, earlier action due that date"),
    pytest.param("Chile", "2005-04-20", "2005-07-19", "Article 5.1", id="Chile: action on the day of entry into force has 90 days"),
    pytest.param("Mozambique", "2009-01-01", "2010-07-14", "Article 5.2", id="Mozambique: derived date (deposit 15 Apr 2010)"),
    pytest.param("Japan", "2006-01-01", None, "not established", id="Japan: date not established, no deadline"),
    pytest.param("Japan", "2001-01-01", None, "Article 5.2", id="Japan: action before 2004 is Article 5.2 whatever the date"),
    pytest.param("United States of America", "2006-01-01", None, "not a Party", id="USA: no deadline"),
]


@pytest.mark.parametrize("party,fra,deadline,rule", DEADLINES)
def test_notification_deadline_from_the_partys_own_date(tmp_path, party, fra, deadline, rule):
    path = write_bulk(tmp_path / "d.csv", [_row(1, party, fra_date=fra, received_date="2010-12-01")], COLUMNS)
    r = run_crc("verify", str(path), "--format", "json")
    (rec,) = json.loads(r.out)
    assert rec["notification_deadline"] == deadline and rule in rec["notification_rule"]
    if deadline is None and party != "United States of America":
        assert "not established" in rec["notification_rule"] and "2004-02-24" not in rec["notification_rule"]
