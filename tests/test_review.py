"""Review status (Article 5.5-5.6) against real committee outcomes, and its invariants."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crc_tools.intake.reader import load
from crc_tools.notifications.review import awaiting_second_region, review_status

from .conftest import ROOT, write_bulk

CASES = list(csv.DictReader(open(ROOT / "tests" / "data" / "crc_cases.csv", encoding="utf-8")))
SKIPPED = {
    "not identified in source": "the notifying Party is not named in the source",
}
SINGLE_PARTY_KNOWN = {("Azinphos-methyl", "pesticide"): "the second notification that completed the two regions is not identified in the source"}


def _identified(rows):
    return [r for r in rows if r["notifying_party"] not in SKIPPED]


def _bulk_from_cases(path, rows):
    out = []
    for i, r in enumerate(rows):
        out.append({
            "notification_id": f"{r['crc_meeting']}-{i}",
            "chemical": r["chemical"],
            "cas_number": r["cas"].split(";")[0],
            "category": r["category"],
            "notifying_party": r["notifying_party"],
            # The committee reviewed each of them, so the Secretariat had verified and forwarded it
            # (Article 5.3, 5.5): recorded as such, since nothing implies a verification.
            "annex_i_verified": "true",
            "annex_ii_conclusion": {"yes": "met", "no": "not_met"}[r["annex_ii_met"]],
        })
    return write_bulk(path, out, ["notification_id", "chemical", "cas_number", "category", "notifying_party", "annex_i_verified", "annex_ii_conclusion"])


def _groups():
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in _identified(CASES):
        groups.setdefault((r["chemical"], r["category"]), []).append(r)
    return groups


GROUPS = [pytest.param(k, v, id=f"{k[0][:30]} ({k[1]})") for k, v in _groups().items() if k not in SINGLE_PARTY_KNOWN]


def test_skipped_case_rows_are_the_unidentified_ones():
    skipped = [r for r in CASES if r["notifying_party"] in SKIPPED]
    assert all(r["pic_region"] == "" for r in skipped)
    assert len(skipped) + len(_identified(CASES)) == len(CASES)


@pytest.mark.parametrize("key,rows", GROUPS)
def test_reproduces_the_committees_outcome(tmp_path, key, rows):
    """Each identified chemical and category gives the committee's recorded recommendation."""
    path = _bulk_from_cases(tmp_path / "cases.csv", rows)
    result = load([path])
    assert not result.problems.errors, [p.format() for p in result.problems]
    # Replayed against Annex III as it stood at the start of the meeting's year (the CSV gives the
    # year only): later listings, such as a COP's listing of the chemical itself, must not matter.
    status = review_status(result.notifications, as_of=dt.date(int(rows[0]["year"]), 1, 1))
    assert len(status) == 1, "the notifications of one chemical and category form one group"
    row = status.iloc[0]
    assert row["category"] == key[1]
    expected = any(r["committee_recommended_listing"] == "yes" for r in rows)
    assert bool(row["recommend_listing"]) is expected
    met_regions = {r["pic_region"] for r in rows if r["annex_ii_met"] == "yes" and r["pic_region"]}
    assert set(row["regions_meeting_criteria"]) == met_regions
    # The committee reviewed every one of them, so each was verified and forwarded (Article 5.5);
    # a joint row ("Burkina Faso; …; Togo") is one notification per Party.
    assert row["notifications"] == sum(len(r["notifying_party"].split(";")) for r in rows) and set(row["regions_verified"]) >= met_regions


def test_the_replay_is_not_vacuous():
    """Enough real outcomes are replayed, both recommendations and refusals."""
    outcomes = [any(r["committee_recommended_listing"] == "yes" for r in p.values[1]) for p in GROUPS]
    assert len(GROUPS) >= 10 and sum(outcomes) >= 5 and outcomes.count(False) >= 3


def test_all_cases_together(tmp_path):
    """Fed as one table, every identified chemical still gets the committee's outcome."""
    rows = [r for r in _identified(CASES)]
    result = load([_bulk_from_cases(tmp_path / "all.csv", rows)])
    status = review_status(result.notifications)
    got = {(r["chemical"], r["category"]): bool(r["recommend_listing"]) for r in status.to_dict("records")}
    assert got[("Chrysotile asbestos", "industrial")] is True
    assert got[("Endosulfan", "pesticide")] is True
    assert got[("Lead arsenate", "pesticide")] is False
    assert got[("Lead carbonate", "industrial")] is False
    assert got[("Cyhexatin", "pesticide")] is False
    assert got[("Tributyltin compounds", "industrial")] is True
    assert got[("PFOA", "industrial")] is True


def test_tributyltin_industrial_rests_on_the_additional_category_precedent(tmp_path):
    rows = [r for r in _identified(CASES) if r["chemical"] == "Tributyltin compounds" and r["category"] == "industrial"]
    status = review_status(load([_bulk_from_cases(tmp_path / "tbt.csv", rows)]).notifications)
    row = status.iloc[0]
    assert row["regions_meeting_criteria"] == ["North America"]
    assert row["recommend_listing"] and "CRC-10/5" in row["basis"]


def test_precedent_needs_a_listing_in_another_category(tmp_path):
    """A chemical not in Annex III: one region never suffices, whatever the category."""
    rows = [{"notification_id": "1", "chemical": "Lead arsenate", "category": "pesticide", "notifying_party": "Peru", "annex_i_verified": "true", "annex_ii_conclusion": "met"}]
    status = review_status(load([write_bulk(tmp_path / "la.csv", rows)]).notifications)
    assert not status.iloc[0]["recommend_listing"]
    assert status.iloc[0]["missing"] == "needs a notification meeting Annex II from a second PIC region"


def _row(i, party, *, chem="Chem-X", cat="industrial", conclusion="met", verified="true"):
    return {"notification_id": f"N{i}", "chemical": chem, "category": cat, "notifying_party": party, "annex_i_verified": verified, "annex_ii_conclusion": conclusion}


def _status(tmp_path, rows, name="t.csv"):
    result = load([write_bulk(tmp_path / name, rows, ["notification_id", "chemical", "category", "notifying_party", "annex_i_verified", "annex_ii_conclusion"])])
    assert not result.problems.errors, [p.format() for p in result.problems]
    return review_status(result.notifications)


def test_eu_and_a_member_state_are_one_region(tmp_path):
    s = _status(tmp_path, [_row(1, "European Union"), _row(2, "France"), _row(3, "Germany")])
    row = s.iloc[0]
    assert row["regions_meeting_criteria"] == ["Europe"] and not row["recommend_listing"] and not row["forward_to_crc"]


def test_two_regions_trigger(tmp_path):
    s = _status(tmp_path, [_row(1, "European Union"), _row(2, "Canada")])
    row = s.iloc[0]
    assert row["forward_to_crc"] and row["recommend_listing"]
    assert row["regions_meeting_criteria"] == ["Europe", "North America"]


def test_categories_are_counted_apart(tmp_path):
    s = _status(tmp_path, [_row(1, "European Union", cat="pesticide"), _row(2, "Canada", cat="industrial")])
    assert len(s) == 2 and not s["forward_to_crc"].any() and not s["recommend_listing"].any()


def test_verified_and_met_are_separate(tmp_path):
    s = _status(tmp_path, [_row(1, "European Union", conclusion="not_met"), _row(2, "Canada", conclusion="pending")])
    row = s.iloc[0]
    assert row["forward_to_crc"] and not row["recommend_listing"] and row["regions_meeting_criteria"] == []


def test_unverified_notifications_do_not_forward(tmp_path):
    s = _status(tmp_path, [_row(1, "European Union", conclusion="", verified=""), _row(2, "Canada", conclusion="", verified="false")])
    row = s.iloc[0]
    assert not row["forward_to_crc"] and row["regions_verified"] == [] and row["stage"] == "received"


def test_country_without_region_is_not_counted(tmp_path):
    s = _status(tmp_path, [_row(1, "Egypt"), _row(2, "Canada")])
    row = s.iloc[0]
    assert row["regions_meeting_criteria"] == ["North America"] and not row["recommend_listing"]
    assert row["unplaced_parties"] == ["Egypt"] and "Egypt" in row["missing"]


def test_override_places_the_country(tmp_path, monkeypatch):
    f = tmp_path / "o.csv"
    f.write_text("country,pic_region,source\nEgypt,Near East,test\n", encoding="utf-8")
    monkeypatch.setenv("CRC_REGION_OVERRIDES", str(f))
    s = _status(tmp_path, [_row(1, "Egypt"), _row(2, "Canada")])
    assert s.iloc[0]["recommend_listing"]


def test_trigger_on_inferred_region_is_flagged(tmp_path):
    s = _status(tmp_path, [_row(1, "Canada"), _row(2, "Mozambique")])
    row = s.iloc[0]
    assert row["inferred_regions"] == ["Africa"] and "inferred" in row["basis"]


def test_same_chemical_by_cas_or_name_variant(tmp_path):
    rows = [
        {"notification_id": "1", "chemical": "Endosulfan", "cas_number": "115-29-7", "category": "pesticide", "notifying_party": "Thailand", "annex_i_verified": "true", "annex_ii_conclusion": "met"},
        {"notification_id": "2", "chemical": "endosulfan (technical)", "cas_number": "115-29-7", "category": "pesticide", "notifying_party": "Netherlands", "annex_i_verified": "true", "annex_ii_conclusion": "met"},
    ]
    s = review_status(load([write_bulk(tmp_path / "e.csv", rows, ["notification_id", "chemical", "cas_number", "category", "notifying_party", "annex_i_verified", "annex_ii_conclusion"])]).notifications)
    assert len(s) == 1 and s.iloc[0]["chemical"] == "Endosulfan" and s.iloc[0]["recommend_listing"]


def test_listed_chemical_is_flagged_and_listing_as_of(tmp_path):
    rows = [{"notification_id": "1", "chemical": "Endosulfan", "category": "pesticide", "notifying_party": "Thailand", "annex_ii_conclusion": "met"}]
    path = write_bulk(tmp_path / "e.csv", rows, ["notification_id", "chemical", "category", "notifying_party", "annex_ii_conclusion"])
    now = review_status(load([path]).notifications).iloc[0]
    then = review_status(load([path]).notifications, as_of=dt.date(2006, 2, 17)).iloc[0]
    assert now["listed_in_annex_iii"] and not then["listed_in_annex_iii"]
    assert "COP-5" in now["annex_iii_entry"]


def test_shpf_entry_does_not_list_the_pesticide(tmp_path):
    rows = [{"notification_id": "1", "chemical": "Methyl parathion", "cas_number": "298-00-0", "category": "pesticide", "notifying_party": "Panama", "annex_ii_conclusion": "not_met"}]
    s = review_status(load([write_bulk(tmp_path / "m.csv", rows, ["notification_id", "chemical", "cas_number", "category", "notifying_party", "annex_ii_conclusion"])]).notifications)
    assert not s.iloc[0]["listed_in_annex_iii"] and "severely hazardous pesticide formulations" in s.iloc[0]["basis"]


def test_awaiting_second_region(tmp_path):
    s = _status(tmp_path, [_row(1, "Canada", chem="Chem-A"), _row(2, "Canada", chem="Chem-B"), _row(3, "Japan", chem="Chem-B")])
    assert list(awaiting_second_region(s)["chemical"]) == ["Chem-A"]


# ----------------------------------------------------------------------------- properties

PARTIES = ["European Union", "France", "Germany", "Canada", "United States of America", "Japan", "Thailand", "Brazil", "Jamaica", "Mozambique", "Kenya", "Jordan", "Australia", "Egypt"]
records = st.lists(
    st.tuples(st.sampled_from(["Chem-A", "Chem-B"]), st.sampled_from(["pesticide", "industrial"]), st.sampled_from(PARTIES), st.sampled_from(["", "true", "false"]), st.sampled_from(["", "met", "not_met", "pending"])),
    min_size=0,
    max_size=12,
)


def _frame(tmp_path, recs, name):
    rows = [{"notification_id": f"P{i}", "chemical": c, "category": cat, "notifying_party": p, "annex_i_verified": v, "annex_ii_conclusion": a} for i, (c, cat, p, v, a) in enumerate(recs)]
    result = load([write_bulk(tmp_path / name, rows, ["notification_id", "chemical", "category", "notifying_party", "annex_i_verified", "annex_ii_conclusion"])])
    return review_status(result.notifications)


def _flags(status):
    return {(r["chemical"], r["category"]): (r["forward_to_crc"], r["recommend_listing"], tuple(r["regions_verified"]), tuple(r["regions_meeting_criteria"])) for r in status.to_dict("records")}


PROP = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROP
@given(recs=records, extra=records)
def test_adding_notifications_never_removes_a_trigger(tmp_path, recs, extra):
    before = _flags(_frame(tmp_path, recs, "a.csv"))
    after = _flags(_frame(tmp_path, recs + extra, "b.csv"))
    for key, (fwd, rec, rv, rm) in before.items():
        fwd2, rec2, rv2, rm2 = after[key]
        assert (fwd <= fwd2) and (rec <= rec2) and set(rv) <= set(rv2) and set(rm) <= set(rm2)


@PROP
@given(recs=records, data=st.data())
def test_order_of_records_never_matters(tmp_path, recs, data):
    shuffled = data.draw(st.permutations(recs))
    assert _flags(_frame(tmp_path, recs, "a.csv")) == _flags(_frame(tmp_path, list(shuffled), "b.csv"))


@PROP
@given(recs=st.lists(st.tuples(st.just("Chem-A"), st.sampled_from(["pesticide", "industrial"]), st.sampled_from(["European Union", "France", "Germany", "Norway", "Latvia"]), st.sampled_from(["true", ""]), st.sampled_from(["met", "not_met", ""])), min_size=1, max_size=10))
def test_one_region_never_triggers(tmp_path, recs):
    for fwd, rec, rv, rm in _flags(_frame(tmp_path, recs, "a.csv")).values():
        assert not fwd and not rec and set(rv) <= {"Europe"} and set(rm) <= {"Europe"}


@PROP
@given(recs=records)
def test_regions_are_distinct_and_drawn_from_the_seven(tmp_path, recs):
    from crc_tools.convention.reference import PIC_REGIONS

    for fwd, rec, rv, rm in _flags(_frame(tmp_path, recs, "a.csv")).values():
        assert len(set(rv)) == len(rv) and set(rv) <= set(PIC_REGIONS)
        assert fwd == (len(rv) >= 2) and rec == (len(rm) >= 2)
        assert set(rm) <= set(rv)  # Annex II is judged only on verified, forwarded notifications (Article 5.5)


def test_listed_chemical_is_flagged_not_recommended_anew(tmp_path):
    """Annex III already lists endosulfan as a pesticide: the criteria outcome stands, no new listing is recommended."""
    rows = [
        {"notification_id": "1", "chemical": "Endosulfan", "category": "pesticide", "notifying_party": "Thailand", "annex_i_verified": "true", "annex_ii_conclusion": "met"},
        {"notification_id": "2", "chemical": "Endosulfan", "category": "pesticide", "notifying_party": "Netherlands", "annex_i_verified": "true", "annex_ii_conclusion": "met"},
    ]
    s = review_status(load([write_bulk(tmp_path / "e.csv", rows, ["notification_id", "chemical", "category", "notifying_party", "annex_i_verified", "annex_ii_conclusion"])]).notifications).iloc[0]
    assert s["listed_in_annex_iii"] and s["recommend_listing"] and not s["recommend_new_listing"]
    assert s["stage"] == "listed in Annex III" and "no new listing" in s["missing"]


@pytest.mark.parametrize(
    "verified,counted",
    [
        pytest.param("true", True, id="recorded-verified"),
        pytest.param("", False, id="no-verification-recorded"),
        pytest.param("false", False, id="recorded-not-verified"),
    ],
)
def test_only_verified_notifications_meet_the_criteria(tmp_path, verified, counted):
    """Trichlorfon, CRC-8: Brazil and the EC met Annex II; the committee reviews only notifications
    the Secretariat verified and forwarded (Article 5.5, Annex II opening words), so a conclusion
    on a notification recorded as not verified under Annex I is not counted."""
    rows = [
        _row(1, "Brazil", chem="Trichlorfon", cat="pesticide"),
        _row(2, "European Community", chem="Trichlorfon", cat="pesticide", verified=verified),
    ]
    row = _status(tmp_path, rows).iloc[0]
    assert bool(row["recommend_listing"]) is counted and bool(row["forward_to_crc"]) is counted
    assert ("Europe" in row["regions_meeting_criteria"]) is counted
    if not counted:
        assert "not verified under Annex I" in row["basis"] and "N2" in row["basis"]


@pytest.mark.parametrize("verified,counted", [pytest.param("", False, id="nothing-recorded"), pytest.param("true", True, id="recorded")])
def test_only_a_recorded_verification_counts(tmp_path, verified, counted):
    """Case files carry the committee's criterion conclusions; without a recorded ``annex_i_verified``
    nothing implies the Secretariat's verification (Article 5.3, 5.5): the conclusions are named, not counted."""
    import pandas as pd

    rows = [_row(1, "Canada", conclusion="", verified=verified), _row(2, "Norway", conclusion="", verified=verified)]
    notifications = load([write_bulk(tmp_path / "d.csv", rows, ["notification_id", "chemical", "category", "notifying_party", "annex_i_verified", "annex_ii_conclusion"])]).notifications
    from crc_tools.convention.reference import items

    det = pd.DataFrame(
        [{"notification_id": nid, "category": "industrial", "criterion": c, "status": "met", "role": "committee", "recorded_at": "2014-10-22", "source_file": "x"} for nid in ("N1", "N2") for c in items("annex_ii").ids]
    )
    row = review_status(notifications, det).iloc[0]
    assert bool(row["forward_to_crc"]) is counted and bool(row["recommend_listing"]) is counted
    assert row["regions_meeting_criteria"] == (["Europe", "North America"] if counted else [])
    if not counted:
        assert "not verified under Annex I" in row["basis"] and "N1, N2" in row["basis"]


@pytest.mark.parametrize(
    "name,entry",
    [
        pytest.param("Dinoseb ammonium", "Dinoseb and its salts and esters", id="dinoseb-salt"),
        pytest.param("Dinoseb acetate", "Dinoseb and its salts and esters", id="dinoseb-ester"),
        pytest.param("Pentachlorophenol sodium", "Pentachlorophenol and its salts and esters", id="pcp-sodium"),
        pytest.param("2,4,5-T sodium salt", "2,4,5-T and its salts and esters", id="245t-sodium-salt"),
        pytest.param("PFOA ammonium salt", "Perfluorooctanoic acid (PFOA), its salts and PFOA-related compounds", id="pfoa-ammonium"),
    ],
)
def test_salt_of_a_listed_chemical_is_flagged(tmp_path, name, entry):
    """Annex III lists these chemicals "and its salts (and esters)": a notification naming a salt is of a listed chemical."""
    cat = "industrial" if "PFOA" in name else "pesticide"
    row = _status(tmp_path, [_row(1, "Canada", chem=name, cat=cat)]).iloc[0]
    assert row["listed_in_annex_iii"] and row["annex_iii_entry"].startswith(entry) and not row["recommend_new_listing"]


def test_salt_and_parent_named_apart_are_one_chemical(tmp_path):
    """Paraquat dichloride (the Gramoxone Super proposal, CRC-7) and paraquat are one chemical for the two-region count."""
    s = _status(tmp_path, [_row(1, "Burkina Faso", chem="Paraquat dichloride", cat="pesticide"), _row(2, "European Union", chem="Paraquat", cat="pesticide")])
    assert len(s) == 1 and s.iloc[0]["regions_meeting_criteria"] == ["Africa", "Europe"] and s.iloc[0]["recommend_listing"]


def test_a_salt_word_alone_groups_nothing(tmp_path):
    """Methyl bromide is not a salt of some chemical "methyl"; ethylene dichloride stays apart from ethylene oxide."""
    s = _status(tmp_path, [_row(1, "Canada", chem="Methyl bromide"), _row(2, "Japan", chem="Ethylene dichloride"), _row(3, "Brazil", chem="Ethylene oxide")])
    assert sorted(s["chemical"]) == ["Ethylene dichloride", "Ethylene oxide", "Methyl bromide"]
    assert all(len(r) == 1 for r in s["regions_meeting_criteria"])


def test_chemicals_named_in_other_scripts_are_told_apart_and_grouped(tmp_path):
    """Names are compared by their letters in any script: two Cyrillic names are two chemicals, one name in two regions triggers."""
    s = _status(tmp_path, [_row(1, "Canada", chem="Хлорфос"), _row(2, "Kenya", chem="ХЛОРФОС"), _row(3, "Japan", chem="Фосфамидон")])
    by_name = {r["chemical"].casefold(): r for r in s.to_dict("records")}
    assert set(by_name) == {"хлорфос", "фосфамидон"}
    assert by_name["хлорфос"]["recommend_listing"] and by_name["хлорфос"]["regions_meeting_criteria"] == ["Africa", "North America"]
    assert not by_name["фосфамидон"]["recommend_listing"]
