"""SHPF proposals (Article 6, Annex IV): intake errors, eligibility, Parts 1-3, review status, CLI."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crc_tools.convention import reference
from crc_tools.convention.formulation import Concentration, parse_concentration, parse_quantity
from crc_tools.intake.fields import incident_schema, part2_schema, proposal_schema
from crc_tools.intake.reader import load
from crc_tools.proposals import shpf

from .conftest import ROOT, run_crc, write_bulk

CASES = ROOT / "data" / "cases" / "proposals"
SHPF_CSV = list(csv.DictReader(open(ROOT / "tests" / "data" / "shpf_proposals.csv", encoding="utf-8")))
REGIONS = set(reference.PIC_REGIONS)
CONTRACT_KEYS = {"chemical", "category", "regions_verified", "regions_meeting_criteria", "forward_to_crc", "recommend_listing", "listed_in_annex_iii"}

COLUMNS = ["proposal_id", "formulation_name", "proposing_party", "active_ingredients", "active_ingredient_cas", "active_ingredient_concentrations", "formulation_type",
           "quantity_used", "received_date", "part1_verified", "part3_conclusion"]
GOOD = {"proposal_id": "P1", "formulation_name": "Fenthion 640 ULV", "proposing_party": "Chad", "active_ingredients": "fenthion", "active_ingredient_cas": "55-38-9",
        "active_ingredient_concentrations": "640 g/L", "formulation_type": "ULV", "received_date": "2012-02-15", "part1_verified": "true", "part3_conclusion": "met"}


def _bulk(tmp_path, rows, name="proposals.csv", columns=None):
    return write_bulk(tmp_path / name, rows, columns or COLUMNS)


def _load(*paths):
    result = load(list(paths))
    return result, shpf.from_intake(result)


def _status(tmp_path, rows, **kw):
    result, p = _load(_bulk(tmp_path, rows))
    assert not result.problems.errors, [x.format() for x in result.problems]
    return shpf.review_status(p, **kw)


# ----------------------------------------------------------------------------- declarations


def test_every_annex_iv_part1_field_is_a_declared_proposal_field():
    names = set(proposal_schema().names)
    for item in reference.items("annex_iv_part1").items:
        assert item.fields, item.id
        assert set(item.fields) <= names, item.id


def test_every_annex_iv_part1_item_is_carried_by_a_field():
    carried = {f.annex_iv for f in proposal_schema().fields if f.annex_iv}
    assert set(reference.items("annex_iv_part1").ids) <= carried


def test_only_item_e_is_asked_for_if_available():
    assert [i.id for i in reference.items("annex_iv_part1").items if i.optional] == ["(e)"]


@pytest.mark.parametrize("schema", [proposal_schema, incident_schema, part2_schema], ids=["proposal", "incident", "part2"])
def test_field_declarations_load_and_have_labels(schema):
    s = schema()
    assert s.fields and all(f.label for f in s.fields)


@pytest.mark.parametrize("ftype", reference.formulation_types().types, ids=lambda t: t.code)
def test_each_formulation_type_resolves_by_code_and_name(ftype):
    table = reference.formulation_types()
    assert table.find(ftype.code) is ftype
    assert table.find(ftype.code.lower()) is ftype
    assert table.find(ftype.name) is ftype
    assert table.find(ftype.label) is ftype


@pytest.mark.parametrize("given,code", [("ULV", "UL"), ("ultra low volume", "UL"), ("EC (emulsifiable concentrate)", "EC"), ("dusts", "DP"), ("soluble liquid", "SL"),
                                        ("ULV (ultra low volume)", "UL"), ("DP (dustable powder)", "DP"), ("SL (soluble liquid)", "SL")])
def test_formulation_type_aliases(given, code):
    assert reference.formulation_types().find(given).code == code


@pytest.mark.parametrize("scope", reference.annex_iii_shpf_scope(), ids=lambda s: f"{s.entry_id} {s.formulation_type} {s.active_ingredient}")
def test_shpf_scope_reads_the_annex_iii_entry(scope):
    """Each structured clause restates its Annex III entry: the type it names and the threshold in its words."""
    entry = next(e for e in reference.annex_iii() if e.entry_id == scope.entry_id and e.category == "shpf")
    types = [reference.formulation_types().find(t.strip()) for t in entry.formulation_type.split(";")]
    assert scope.formulation_type in {t.code for t in types if t}
    value = f"{scope.value:g}"
    assert re.search(rf"\b{re.escape(value)}\s*(%|g active ingredient/L)", entry.concentration_threshold), (value, entry.concentration_threshold)


def test_every_shpf_entry_has_a_scope():
    entries = {e.entry_id for e in reference.annex_iii() if e.category == "shpf"}
    assert entries == {s.entry_id for s in reference.annex_iii_shpf_scope()}


# ----------------------------------------------------------------------------- bad proposals: exact errors

TYPE_MSG = "is not a known formulation type (a CropLife International / FAO code such as EC, SL, DP, UL (ULV), WP, GR, SC; see data/reference/formulation_types.csv)"
CONC_FORMAT = "is not a concentration (a number with its unit: %, % w/v, g/L or g/kg, e.g. '640 g/L' or '7 %')"
BAD_PROPOSALS = [
    pytest.param({"active_ingredient_concentrations": ""}, "active_ingredient_concentrations: no concentration given for fenthion (Annex IV Part 1 (c): the relative amount of each active ingredient)", id="missing concentration"),
    pytest.param({"active_ingredients": "benomyl; carbofuran; thiram", "active_ingredient_cas": "", "active_ingredient_concentrations": "7 %; ; 15 %", "formulation_type": "DP"},
                 "active_ingredient_concentrations: no concentration given for carbofuran (Annex IV Part 1 (c): the relative amount of each active ingredient)", id="one of three concentrations missing"),
    pytest.param({"active_ingredients": "benomyl; carbofuran; thiram", "active_ingredient_cas": "", "active_ingredient_concentrations": "7 %; 10 %", "formulation_type": "DP"},
                 "active_ingredient_concentrations: no concentration given for thiram (Annex IV Part 1 (c): the relative amount of each active ingredient)", id="fewer concentrations than ingredients"),
    pytest.param({"active_ingredient_concentrations": "640 g/L; 20 g/L"}, "active_ingredient_concentrations: 2 concentrations for 1 active ingredient(s); give one concentration per active ingredient, in the same order", id="more concentrations than ingredients"),
    pytest.param({"active_ingredient_concentrations": "very strong"}, f"active_ingredient_concentrations: 'very strong' {CONC_FORMAT}", id="concentration not a number"),
    pytest.param({"active_ingredient_concentrations": "640"}, f"active_ingredient_concentrations: '640' {CONC_FORMAT}", id="concentration without unit"),
    pytest.param({"active_ingredients": "", "active_ingredient_cas": ""}, "active_ingredients: concentrations are given but no active ingredient is named (Annex IV Part 1 (b))", id="concentration without ingredient"),
    pytest.param({"formulation_type": "XYZ"}, f"formulation_type: 'XYZ' {TYPE_MSG}", id="unknown formulation type"),
    pytest.param({"formulation_type": "ECC"}, f"formulation_type: 'ECC' {TYPE_MSG}; did you mean 'EC'?", id="unknown formulation type with suggestion"),
    pytest.param({"formulation_type": "EC; SL"}, "formulation_type: a proposal concerns one formulation: give its one type (found EC, SL); the committee's recommended scope may name several (annex_iii_formulation_types)", id="two formulation types"),
    pytest.param({"formulation_name": ""}, "formulation_name: value is required", id="missing formulation name"),
    pytest.param({"proposing_party": ""}, "proposing_party: value is required", id="missing proposing party"),
    pytest.param({"proposing_party": "Atlantis"}, "proposing_party: unknown country 'Atlantis'", id="unknown party"),
    pytest.param({"proposing_party": "Chad; Niger"}, "proposing_party: a proposal comes from one Party (Article 6.1); give one proposing Party per proposal", id="two proposing parties"),
    pytest.param({"active_ingredient_cas": "55-38-8"}, "active_ingredient_cas: CAS number 55-38-8 has a wrong check digit", id="bad CAS number"),
    pytest.param({"part3_conclusion": "perhaps"}, "part3_conclusion: 'perhaps' is not one of met, not_met, pending", id="bad Part 3 conclusion"),
    pytest.param({"part1_verified": "maybe"}, "part1_verified: 'maybe' is not true or false", id="bad verification flag"),
    pytest.param({"received_date": "2012-02-30"}, "received_date: impossible date 2012-02-30", id="impossible received date"),
    pytest.param({"quantity_used": ""}, None, id="no quantity is not an error"),
]


@pytest.mark.parametrize("change,message", BAD_PROPOSALS)
def test_bad_proposal_is_reported_and_good_ones_go_on(tmp_path, change, message):
    path = _bulk(tmp_path, [{**GOOD, "proposal_id": "OK1"}, {**GOOD, "proposal_id": "BAD", **change}, {**GOOD, "proposal_id": "OK2", "proposing_party": "Niger"}])
    result, p = _load(path)
    errors = [e.format() for e in result.problems.errors]
    if message is None:
        assert not errors and len(p) == 3
        return
    assert list(p.proposals["proposal_id"]) == ["OK1", "OK2"]
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{path}:3: {message}"), errors[0]


def test_duplicate_proposal_id_names_the_first(tmp_path):
    path = _bulk(tmp_path, [GOOD, {**GOOD, "proposing_party": "Niger"}])
    result, p = _load(path)
    (err,) = result.problems.errors
    assert err.format() == f"{path}:3: proposal_id: duplicate proposal_id 'P1' (first seen in {path}:2); this record is left out"
    assert len(p) == 1


def test_case_files_and_tables_read_together(tmp_path):
    """Regression: table rows read beside case files are documents of their own, not duplicates of themselves."""
    table = _bulk(tmp_path, [GOOD, {**GOOD, "proposal_id": "P2", "proposing_party": "Niger"}])
    result, p = _load(CASES / "chad-fenthion-640-ulv.yaml", table)
    assert not result.problems, [x.format() for x in result.problems]
    assert len(p) == 3


def test_missing_required_column_of_a_proposal_table(tmp_path):
    path = write_bulk(tmp_path / "p.csv", [{"proposal_id": "P1", "formulation_name": "X"}], ["proposal_id", "formulation_name"])
    result, p = _load(path)
    assert result.problems.errors[0].format().startswith(f"{path}: missing required column(s) of a proposal table: proposing_party")
    assert p.empty


CASE = """\
kind: shpf_proposal
proposal_id: C1
proposing_party: Senegal
formulation:
  name: Test dustable powder
  active_ingredients:
    - {name: benomyl, cas_number: "17804-35-2", concentration: "7 %"}
    - {name: carbofuran, cas_number: "1563-66-2", concentration: "10 %"}
    - {name: thiram, cas_number: "137-26-8", concentration: "15 %"}
  type: DP
incidents:
  - {date: "2000-06-20", place: Kolda, outcome: death, medically_confirmed: true, use_per_common_practice: true, circumstance: use_as_intended}
  - {place: Sedhiou, outcome: hospitalised}
"""


def _case(tmp_path, text, name="case.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_incident_without_a_date_names_file_record_and_field(tmp_path):
    path = _case(tmp_path, CASE)
    result, p = _load(path)
    assert [e.format() for e in result.problems.errors] == [f"{path}:incidents[2]: date: value is required (form Part B: Date of the incident)"]
    assert len(p) == 1 and list(p.incidents["incident_id"]) == ["1"]  # the proposal and its good report are kept
    assert p.proposals.loc[0, "incident_reports"] == 2  # Part 1 (g): the DNA sent two reports


def test_case_file_missing_concentration_names_the_ingredient(tmp_path):
    path = _case(tmp_path, CASE.replace(', concentration: "10 %"', ""))
    result, p = _load(path)
    assert result.problems.errors[0].format() == f"{path}: formulation.concentrations: no concentration given for carbofuran (Annex IV Part 1 (c): the relative amount of each active ingredient)"
    assert p.empty


def test_case_file_unknown_formulation_type(tmp_path):
    path = _case(tmp_path, CASE.replace("type: DP", "type: powder of doom"))
    result, _ = _load(path)
    assert result.problems.errors[0].format() == f"{path}: formulation.type: 'powder of doom' {TYPE_MSG} (form Part A, Annex IV Part 1 (d): Type of formulation)"


def test_case_file_ingredient_without_name(tmp_path):
    path = _case(tmp_path, CASE.replace("{name: thiram, ", "{"))
    result, p = _load(path)
    assert f"{path}: formulation.active_ingredients[3].name: value is required" in [e.format() for e in result.problems.errors]
    assert p.empty


def test_list_of_proposals_in_one_file_names_each_record(tmp_path):
    one = CASE.replace("  - {place: Sedhiou, outcome: hospitalised}\n", "")
    text = "- " + one.strip().replace("\n", "\n  ") + "\n- " + one.replace("C1", "C2").replace("type: DP", "type: QQ").strip().replace("\n", "\n  ") + "\n"
    result, p = _load(_case(tmp_path, text))
    assert list(p.proposals["proposal_id"]) == ["C1"]
    assert result.problems.errors[0].record == "2 (C2)"


@pytest.mark.parametrize(
    "extra,message",
    [
        pytest.param("determinations:\n  - {criterion: '(f)', status: met}\n", "determinations[1].criterion: '(f)' is not a criterion of Annex IV, Part 3 ((a), (b), (c), (d), (e), or 'overall')", id="criterion not in Part 3"),
        pytest.param("determinations:\n  - {criterion: '(a)', status: not_met}\n", "determinations[1].justification: a 'not_met' determination needs a justification", id="not met without justification"),
        pytest.param("part2:\n  - {item: '(j)', collected: true}\n", "item: '(j)' is not an item of Annex IV Part 2 ((a), (b), (c), (d), (e), (f), (g), (h), (i))", id="unknown Part 2 item"),
        pytest.param("part2:\n  - {item: '(a)', collected: perhaps}\n", "collected: 'perhaps' is not true or false", id="bad Part 2 flag"),
    ],
)
def test_determination_and_part2_errors(tmp_path, extra, message):
    path = _case(tmp_path, CASE.replace("  - {place: Sedhiou, outcome: hospitalised}\n", "") + extra)
    result, p = _load(path)
    assert any(e.format().endswith(message) and e.format().startswith(str(path)) for e in result.problems.errors), [e.format() for e in result.problems]
    assert len(p) == 1


def test_incident_table_rows_are_validated_and_matched_to_proposals(tmp_path):
    props = _bulk(tmp_path, [GOOD])
    inc = write_bulk(tmp_path / "incidents.csv", [
        {"proposal_id": "P1", "incident_id": "1", "incident_date": "2011-08-20", "outcome": "death", "medically_confirmed": "yes", "use_per_common_practice": "yes", "circumstance": "use_as_intended"},
        {"proposal_id": "P1", "incident_id": "2", "incident_date": "", "outcome": "recovered"},
        {"proposal_id": "NOPE", "incident_id": "1", "incident_date": "2011-08-21"},
        {"proposal_id": "P1", "incident_id": "1", "incident_date": "2011-08-22"},
        {"proposal_id": "P1", "incident_id": "5", "incident_date": "2011-08-22", "outcome": "fine"},
    ], ["proposal_id", "incident_id", "incident_date", "outcome", "medically_confirmed", "use_per_common_practice", "circumstance"])
    result, p = _load(props, inc)
    assert [e.format() for e in result.problems.errors] == [
        f"{inc}:3: incident_date: value is required",
        f"{inc}:4: proposal_id: no proposal with proposal_id 'NOPE' was read; the incident report is left out",
        f"{inc}:5: incident_id: duplicate proposal_id and incident_id 'P1/1' (first seen in {inc}:2); this record is left out",
        f"{inc}:6: outcome: 'fine' is not one of recovered, hospitalised, long_term_effects, death, unknown",
    ]
    assert list(p.incidents["incident_id"]) == ["1"] and p.proposals.loc[0, "incident_reports"] == 1


def test_part2_table(tmp_path):
    props = _bulk(tmp_path, [{**GOOD, "part3_conclusion": ""}])
    t = write_bulk(tmp_path / "part2.csv", [
        {"proposal_id": "P1", "part2_item": "a", "collected": "true", "source": "WHO"},
        {"proposal_id": "P1", "part2_item": "(f)", "collected": "false", "awaiting": "sales figures from the importers"},
    ], ["proposal_id", "part2_item", "collected", "source", "awaiting"])
    result, p = _load(props, t)
    assert not result.problems.errors
    items = shpf.part2_items(p.proposals, p.part2).set_index("item")["status"].to_dict()
    assert items["(a)"] == "collected" and items["(f)"] == "awaited" and items["(b)"] == "not recorded" and items["(i)"] == "not requested"
    row = shpf.review_status(p, as_of=dt.date(2013, 1, 1)).iloc[0]  # before COP-12 listed fenthion ULV
    assert row["forward_to_crc"] and row["stage"] == "verified: Part 2 information being collected"
    assert row["part2_awaiting"] == ["(b)", "(c)", "(d)", "(e)", "(f)", "(g)", "(h)"] and not row["part2_complete"]


# ----------------------------------------------------------------------------- Article 6.1


def test_proposal_from_a_developed_party_is_flagged_and_not_counted(tmp_path):
    path = _bulk(tmp_path, [{**GOOD, "proposing_party": "Germany"}])
    result, p = _load(path)
    assert not result.problems.errors and len(p) == 1
    (w,) = result.problems.warnings
    assert w.format().startswith(f"{path}:2: proposing_party: warning: Germany is classified as developed (UN DESA WESP classification")
    assert "Article 6.1 admits proposals only from developing countries or countries with economies in transition" in w.message
    elig = shpf.eligibility(p.proposals).iloc[0]
    assert elig["eligible"] is False and elig["development_status"] == "developed"
    row = shpf.review_status(p).iloc[0]
    assert not row["eligible"]
    assert row["ineligible_parties"] == ["Germany"] and "Article 6.1" in row["basis"]
    # Article 6.1: only a developing country or an economy in transition may propose, so the
    # proposal is kept and flagged but neither forwarded (Art. 6.4) nor recommended (Art. 6.5).
    assert not row["recommend_listing"] and not row["forward_to_crc"]


@pytest.mark.parametrize("party,status", [("Chad", "developing"), ("Georgia", "economy_in_transition"), ("Burkina Faso", "developing"), ("Senegal", "developing")])
def test_eligible_parties_are_not_flagged(tmp_path, party, status):
    result, p = _load(_bulk(tmp_path, [{**GOOD, "proposing_party": party}]))
    assert not result.problems
    elig = shpf.eligibility(p.proposals).iloc[0]
    assert elig["eligible"] is True and elig["development_status"] == status


# ----------------------------------------------------------------------------- the committee's outcomes

SAMPLE_FILES = sorted(CASES.glob("*.yaml"))


def _expected(party: str) -> dict:
    return next(r for r in SHPF_CSV if r["proposing_party"] == party)


def test_there_are_four_sample_proposals_each_with_sources():
    assert len(SAMPLE_FILES) == 4
    for f in SAMPLE_FILES:
        text = f.read_text(encoding="utf-8")
        assert "sources:" in text and "illustrative:" in text, f.name


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda f: f.stem)
def test_sample_proposal_reproduces_the_committees_outcome(path):
    result, p = _load(path)
    assert not result.problems, [x.format() for x in result.problems]
    (row,) = shpf.review_status(p).to_dict("records")
    party = p.proposals.loc[0, "proposing_party"]
    expected = _expected(party)
    assert row["recommend_listing"] == (expected["committee_recommended_listing"] == "yes")
    assert row["part3_status"] == {"yes": "met", "no": "not_met"}[expected["annex_iv_part3_met"]]
    assert row["category"] == "shpf" and row["forward_to_crc"] and row["eligible"]
    assert row["regions_verified"] == [p.proposals.loc[0, "pic_region"]]
    assert row["listed_in_annex_iii"] == ("listed" in expected["cop_outcome"] and "not listed" not in expected["cop_outcome"])


def test_sample_annex_iii_wording():
    _, p = _load(CASES)
    rows = {r["chemical"]: r for r in shpf.review_status(p).to_dict("records")}
    assert rows["Fenthion 640 ULV"]["annex_iii_wording"] == "ultra low volume (ULV) formulations at or above 640 g active ingredient/L"
    assert rows["Dimethoate EC 400 g/L"]["annex_iii_wording"] == "emulsifiable concentrates (EC) at or above 400 g active ingredient/L"
    assert rows["Gramoxone Super (paraquat dichloride EC)"]["annex_iii_wording"].startswith("Liquid formulations (emulsifiable concentrate and soluble concentrate)")


def test_fenthion_replayed_at_crc9_is_recommended_not_yet_listed():
    _, p = _load(CASES / "chad-fenthion-640-ulv.yaml")
    then = shpf.review_status(p, as_of=dt.date(2013, 10, 25)).iloc[0]
    now = shpf.review_status(p).iloc[0]
    assert then["recommend_listing"] and not then["listed_in_annex_iii"] and then["stage"] == "recommended"
    assert now["listed_in_annex_iii"] and "COP-12" in now["annex_iii_entry"]


SKIPPED = {"not identified in source": "the proposing Party is not named in the source"}
_CODE = re.compile(r"\b(EC|SL|DP|ULV|SC|WP|GR)\b")


def _bulk_row(i, r):
    concs = []
    for part in r["concentration"].split(";"):
        m = re.search(r"(\d+(?:\.\d+)?)\s*(%|g(?: active ingredient)?/L)", part)
        concs.append(f"{m.group(1)} {m.group(2)}" if m else "")
    return {
        "proposal_id": f"CSV-{i}",
        "formulation_name": r["formulation"],
        "proposing_party": r["proposing_party"],
        "active_ingredients": "; ".join(a.strip() for a in re.sub(r"\(.*?\)", "", r["active_ingredients"]).split(";")),
        "active_ingredient_concentrations": "; ".join(concs),
        "formulation_type": _CODE.search(r["formulation_type"]).group(1),
        "part3_conclusion": {"yes": "met", "no": "not_met"}.get(r["annex_iv_part3_met"], ""),
        # The committee reviewed only proposals the Secretariat had verified (Article 6.2, 6.4):
        # recorded as such, since nothing implies a verification.
        "part1_verified": "true" if r["annex_iv_part3_met"] in ("yes", "no") else "",
    }


CSV_ROWS = [pytest.param(i, r, id=f"{r['crc_meeting']} {r['proposing_party']}") for i, r in enumerate(SHPF_CSV) if r["proposing_party"] not in SKIPPED]


def test_skipped_csv_rows_are_the_unidentified_ones():
    skipped = [r for r in SHPF_CSV if r["proposing_party"] in SKIPPED]
    assert all(r["committee_recommended_listing"] == "no" for r in skipped)
    assert len(skipped) + len(CSV_ROWS) == len(SHPF_CSV)


@pytest.mark.parametrize("i,r", CSV_ROWS)
def test_every_identified_real_proposal_gets_the_committees_outcome(tmp_path, i, r):
    row = _status(tmp_path, [_bulk_row(i, r)]).iloc[0]
    assert row["recommend_listing"] == (r["committee_recommended_listing"] == "yes")


def test_colombia_carbofuran_sc_is_covered_by_the_later_pesticide_listing(tmp_path):
    r = next(x for x in SHPF_CSV if x["proposing_party"] == "Colombia")
    before = _status(tmp_path, [_bulk_row(0, r)], as_of=dt.date(2016, 9, 30)).iloc[0]
    after = _status(tmp_path, [_bulk_row(0, r)]).iloc[0]
    assert before["recommend_listing"] and not before["listed_in_annex_iii"]
    assert after["listed_in_annex_iii"] and "a pesticide entry covers all formulations" in after["annex_iii_entry"]


# ----------------------------------------------------------------------------- no two-region rule


def test_two_proposals_for_one_formulation_from_one_region_recommend(tmp_path):
    rows = [{**GOOD, "proposal_id": "TCD", "part3_conclusion": "met"}, {**GOOD, "proposal_id": "NER", "proposing_party": "Niger", "formulation_name": "Fenthion ULV 640 g/L", "part3_conclusion": ""}]
    s = _status(tmp_path, rows)
    assert len(s) == 1
    row = s.iloc[0]
    assert row["proposals"] == 2 and sorted(row["proposal_ids"]) == ["NER", "TCD"]
    assert row["regions_verified"] == ["Africa"] and row["regions_meeting_criteria"] == ["Africa"]
    assert row["forward_to_crc"] and row["recommend_listing"]
    assert "2 proposals from one PIC region (Africa); a second region is not needed" in row["basis"]


def test_one_verified_proposal_is_forwarded_and_pending(tmp_path):
    row = _status(tmp_path, [{**GOOD, "part3_conclusion": ""}], as_of=dt.date(2013, 1, 1)).iloc[0]
    assert row["forward_to_crc"] and not row["recommend_listing"] and row["regions_meeting_criteria"] == []
    assert row["stage"] == "verified: Part 2 information being collected"  # nothing recorded of Part 2 yet
    assert row["missing"].startswith("Annex IV Part 2 items (a), (b), (c), (d), (e), (f), (g), (h) (Article 6.3)")


def test_unverified_proposal_has_a_six_month_deadline(tmp_path):
    rows = [{**GOOD, "part1_verified": "", "part3_conclusion": "", "received_date": "2020-01-15"}]
    _, p = _load(_bulk(tmp_path, rows))
    ver = shpf.verification_status(p, today=dt.date(2020, 8, 1)).iloc[0]
    assert ver["verification_deadline"] == dt.datetime(2020, 7, 15) and ver["verification_overdue"]
    row = shpf.review_status(p, today=dt.date(2020, 8, 1), as_of=dt.date(2020, 8, 1)).iloc[0]
    assert not row["forward_to_crc"] and row["stage"] == "received"
    assert row["missing"].startswith("Secretariat's verification under Annex IV Part 1 (Article 6.2), due by 2020-07-15 (overdue)")


def test_part1_check_names_the_missing_items(tmp_path):
    rows = [{**GOOD, "active_ingredients": "", "active_ingredient_cas": "", "active_ingredient_concentrations": "", "formulation_type": ""}]
    _, p = _load(_bulk(tmp_path, rows))
    ver = shpf.verification_status(p).iloc[0]
    assert ver["missing_items"] == "(b), (c), (d), (f), (g), (h)" and not ver["part1_complete"]  # (e) only if available
    checks = shpf.part1_items(p.proposals)
    assert checks.loc[checks["item"] == "(e)", "optional"].item()


# ----------------------------------------------------------------------------- Part 3: aid apart from determinations


def _aids(tmp_path, proposal: dict, incidents: list[dict]):
    props = _bulk(tmp_path, [{**GOOD, "part3_conclusion": "", **proposal}])
    cols = ["proposal_id", "incident_id", "incident_type", "incident_date", "number_affected", "outcome", "medically_confirmed", "use_per_common_practice", "circumstance", "use_conditions"]
    paths = [props]
    if incidents:
        paths.append(write_bulk(tmp_path / "inc.csv", [{"proposal_id": "P1", "incident_id": str(i), "incident_date": "2011-01-01", **x} for i, x in enumerate(incidents)], cols))
    result, p = _load(*paths)
    assert not result.problems.errors, [e.format() for e in result.problems]
    return {r["criterion"]: r for r in shpf.part3_aids(p).to_dict("records")}, p


def test_d_relates_effects_to_the_quantity_used(tmp_path):
    aids, p = _aids(tmp_path, {"quantity_used": "about 20 000 L per year"}, [{"number_affected": "40", "outcome": "recovered"}])
    assert aids["(d)"]["aid"] == "supports"
    assert "40 person(s) affected" in aids["(d)"]["aid_reason"] and "2 person(s) affected per 1,000 L" in aids["(d)"]["aid_reason"]
    ev = shpf.effects_vs_quantity(p).iloc[0]
    assert ev["quantity"] == 20000 and ev["quantity_unit"] == "L" and ev["affected_per_1000"] == pytest.approx(2.0)


def test_d_without_a_quantity_is_no_evidence(tmp_path):
    aids, _ = _aids(tmp_path, {}, [{"number_affected": "3", "outcome": "death"}])
    assert aids["(d)"]["aid"] == "no evidence" and "cannot be related to the quantity used" in aids["(d)"]["aid_reason"]


def test_d_few_mild_effects_for_a_large_quantity_is_left_to_the_expert(tmp_path):
    aids, _ = _aids(tmp_path, {"quantity_used": "5 000 t sold in 2014"}, [{"number_affected": "1", "outcome": "recovered"}])
    assert aids["(d)"]["aid"] == "no evidence" and "the expert judges their significance" in aids["(d)"]["aid_reason"]


@pytest.mark.parametrize(
    "incidents,criterion,aid",
    [
        pytest.param([{"circumstance": "suicide_attempt"}, {"circumstance": "intentional_misuse"}], "(e)", "against", id="misuse only is not enough"),
        pytest.param([{"circumstance": "suicide_attempt"}, {"circumstance": "use_as_intended"}], "(e)", "supports", id="use as intended"),
        pytest.param([], "(e)", "no evidence", id="no reports for (e)"),
        pytest.param([{"medically_confirmed": "true", "use_per_common_practice": "true"}], "(a)", "supports", id="confirmed under common practice"),
        pytest.param([{"medically_confirmed": "false"}, {"medically_confirmed": "false"}], "(a)", "against", id="all unconfirmed"),
        pytest.param([{"medically_confirmed": "true", "use_per_common_practice": "false"}], "(a)", "against", id="use against the label"),
        pytest.param([{"use_conditions": "sprayed without protective equipment"}], "(c)", "supports", id="no protective equipment"),
    ],
)
def test_part3_aid_rules(tmp_path, incidents, criterion, aid):
    aids, _ = _aids(tmp_path, {}, incidents)
    assert aids[criterion]["aid"] == aid, aids[criterion]["aid_reason"]


@pytest.mark.parametrize(
    "relevance,aid,reason",
    [
        pytest.param("Shared by other States of the Sahel using the same campaigns", "supports", "relevance to other States", id="stated"),
        pytest.param("Only relevant to local conditions in the north", "no evidence", "relevant only locally; the expert judges", id="local only: left to the expert"),
        pytest.param("", "no evidence", "relevance to other States is not stated", id="not stated"),
    ],
)
def test_b_reads_the_stated_relevance(tmp_path, relevance, aid, reason):
    text = CASE.replace("  - {place: Sedhiou, outcome: hospitalised}\n", "") + (f"relevance_to_other_states: {relevance}\n" if relevance else "")
    _, p = _load(_case(tmp_path, text))
    row = shpf.part3_aids(p).set_index("criterion").loc["(b)"]
    assert row["aid"] == aid and reason in row["aid_reason"]


def test_incident_table_without_proposal_id_is_named_as_such(tmp_path):
    inc = write_bulk(tmp_path / "inc.csv", [{"incident_date": "2011-01-01"}], ["incident_date", "outcome"])
    result, _ = _load(inc)
    assert result.problems.errors[0].format().startswith(f"{inc}: missing required column(s) of a Part B incident table: proposal_id")


def test_every_declared_part3_criterion_has_an_aid_rule(tmp_path):
    aids, _ = _aids(tmp_path, {}, [])
    assert list(aids) == reference.items("annex_iv_part3").ids


DET = """
determinations:
  - {criterion: '(a)', status: met, role: task_group, justification: "confirmed"}
  - {criterion: '(a)', status: not_met, role: committee, justification: "the incidents followed use against the label"}
  - {criterion: '(b)', status: met, role: committee}
  - {criterion: '(c)', status: met, role: committee}
  - {criterion: '(d)', status: met, role: committee}
  - {criterion: '(e)', status: met, role: committee}
"""


def test_committee_determination_stands_and_decides(tmp_path):
    path = _case(tmp_path, CASE.replace("  - {place: Sedhiou, outcome: hospitalised}\n", "") + DET)
    result, p = _load(path)
    assert not result.problems.errors, [e.format() for e in result.problems]
    table = shpf.assess(p).set_index("criterion")
    assert table.loc["(a)", "status"] == "not_met" and table.loc["(a)", "role"] == "committee"
    assert table.loc["(a)", "aid"] == "supports"  # the aid says otherwise; it is shown, it does not decide
    con = shpf.conclusions(p).iloc[0]
    assert con["part3_status"] == "not_met" and con["part3_basis"] == "follows from the committee's criterion conclusions"
    assert table.loc["(a)", "proposal_status"] == "met" and table.loc["(a)", "proposed_by"] == "task group"  # a proposal, shown apart
    assert not shpf.review_status(p).iloc[0]["recommend_listing"]


def test_a_recorded_conclusion_against_a_committee_criterion_is_a_conflict(tmp_path):
    """The committee's recorded overall met beside its own (a) not met: stated as a conflict, not counted (Article 6.5)."""
    path = _case(tmp_path, CASE.replace("  - {place: Sedhiou, outcome: hospitalised}\n", "") + "secretariat: {part1_verified: true}\ncommittee: {part3_conclusion: met}\n" + DET)
    _, p = _load(path)
    con = shpf.conclusions(p).iloc[0]
    assert con["part3_status"] == "conflict" and con["part3_conflict"]
    assert "((a): not met)" in con["conflict_entries"] and "supersedes one of them" in con["conflict_entries"]
    row = shpf.review_status(p, as_of=dt.date(2003, 1, 1)).iloc[0]
    assert not row["recommend_listing"] and row["part3_status"] == "conflict" and "conflict" in row["missing"]


def test_aid_alone_never_recommends(tmp_path):
    path = _case(tmp_path, CASE.replace("  - {place: Sedhiou, outcome: hospitalised}\n", "") + "secretariat: {part1_verified: true}\nrelevance_to_other_states: shared\nuse: {quantity_used: 10 kg, handling_restrictions: closed systems}\n")
    _, p = _load(path)
    assert set(shpf.part3_aids(p)["aid"]) == {"supports"}
    row = shpf.review_status(p, as_of=dt.date(2003, 1, 1)).iloc[0]
    assert row["forward_to_crc"] and not row["recommend_listing"] and row["part3_status"] == "pending"


# ----------------------------------------------------------------------------- Annex III


@pytest.mark.parametrize(
    "change,listed,note",
    [
        pytest.param({"active_ingredients": "methyl-parathion", "active_ingredient_cas": "298-00-0", "active_ingredient_concentrations": "50 %", "formulation_type": "EC"}, True, "", id="methyl-parathion EC above 19.5%"),
        pytest.param({"active_ingredients": "methyl-parathion", "active_ingredient_cas": "298-00-0", "active_ingredient_concentrations": "10 %", "formulation_type": "EC"}, False, "below the threshold", id="methyl-parathion EC below 19.5%"),
        pytest.param({"active_ingredients": "methyl-parathion", "active_ingredient_cas": "298-00-0", "active_ingredient_concentrations": "2 %", "formulation_type": "dust"}, True, "", id="methyl-parathion dust above 1.5%"),
        pytest.param({"active_ingredients": "methyl-parathion", "active_ingredient_cas": "298-00-0", "active_ingredient_concentrations": "500 g/L", "formulation_type": "EC"}, False, "cannot be compared", id="methyl-parathion EC in g/L"),
        pytest.param({"active_ingredients": "methyl-parathion", "active_ingredient_cas": "298-00-0", "active_ingredient_concentrations": "40 %", "formulation_type": "WP"}, False, "not among the entry's", id="methyl-parathion WP"),
        pytest.param({"active_ingredients": "phosphamidon", "active_ingredient_cas": "13171-21-6", "active_ingredient_concentrations": "1000 g/L", "formulation_type": "SL"}, False, "below the threshold", id="phosphamidon SL exactly 1000 g/L"),
        pytest.param({"active_ingredients": "phosphamidon", "active_ingredient_cas": "13171-21-6", "active_ingredient_concentrations": "1100 g/L", "formulation_type": "SL"}, True, "", id="phosphamidon SL above 1000 g/L"),
        pytest.param({"formulation_type": "EC"}, False, "not among the entry's", id="fenthion EC"),
        pytest.param({"active_ingredient_concentrations": "500 g/L"}, False, "below the threshold", id="fenthion ULV 500 g/L"),
        pytest.param({"active_ingredients": "benomyl; carbofuran", "active_ingredient_cas": "", "active_ingredient_concentrations": "7 %; 10 %", "formulation_type": "DP"}, False, "lacks one of the entry's active ingredients", id="two of three ingredients"),
    ],
)
def test_listed_in_annex_iii_by_the_shpf_entries(tmp_path, change, listed, note):
    row = _status(tmp_path, [{**GOOD, **change}]).iloc[0]
    assert row["listed_in_annex_iii"] == listed
    assert note in row["basis"]


# ----------------------------------------------------------------------------- the crc command


def test_status_json_has_proposals_beside_notifications():
    r = run_crc("status", "--format", "json")
    assert r.code == 0, r.err
    rows = r.json()
    shpf_rows = [x for x in rows if x["category"] == "shpf"]
    notif_rows = [x for x in rows if x["category"] != "shpf"]
    assert len(shpf_rows) == 4 and notif_rows
    from crc_tools.notifications.review import STATUS_JSON_COLUMNS

    for x in notif_rows:
        assert list(x) == STATUS_JSON_COLUMNS  # notification rows unchanged
    for x in shpf_rows:
        assert CONTRACT_KEYS <= set(x) and list(x)[: len(STATUS_JSON_COLUMNS)] == STATUS_JSON_COLUMNS
        assert set(x["regions_verified"]) <= REGIONS and set(x["regions_meeting_criteria"]) <= REGIONS
        assert all(isinstance(x[k], bool) for k in ("forward_to_crc", "recommend_listing", "listed_in_annex_iii"))
    got = {x["chemical"]: x["recommend_listing"] for x in shpf_rows}
    assert got == {"Dimethoate EC 400 g/L": False, "Fenthion 640 ULV": True, "Gramoxone Super (paraquat dichloride EC)": True, "Granox TBC / Spinox T (dustable powder)": True}


def test_status_awaiting_leaves_proposals_out():
    rows = run_crc("status", "--awaiting", "--format", "json").json()
    assert all(x["category"] != "shpf" for x in rows)


def test_status_table_and_csv_show_proposals():
    table = run_crc("status", CASES)
    assert table.code == 0 and "Fenthion 640 ULV" in table.out and "shpf" in table.out
    header = run_crc("status", CASES, "--format", "csv").out.splitlines()[0].split(",")
    assert header[:3] == ["chemical", "category", "regions_verified"] and "annex_iii_wording" in header


def test_validate_verify_score_handle_proposals():
    v = run_crc("validate", CASES, "--format", "json")
    assert v.code == 0 and {x["proposal_id"] for x in v.json()} == {"BFA-GRAMOXONE-SUPER-2010", "TCD-FENTHION-640-ULV-2012", "GEO-DIMETHOATE-400-EC-2015", "SEN-GRANOX-SPINOX-DP-2001"}
    ver = {x["proposal_id"]: x for x in run_crc("verify", CASES, "--format", "json").json()}
    chad = ver["TCD-FENTHION-640-ULV-2012"]
    assert chad["verified"] and chad["eligible"] is True and [i["item"] for i in chad["items"]] == list(reference.items("annex_iv_part1").ids)
    assert [i["item"] for i in chad["part2"]] == reference.items("annex_iv_part2").ids
    sc = {x["proposal_id"]: x for x in run_crc("score", CASES, "--format", "json").json()}
    geo = sc["GEO-DIMETHOATE-400-EC-2015"]
    assert geo["part3_status"] == "not_met" and [c["criterion"] for c in geo["criteria"]] == ["(a)", "(b)", "(c)", "(d)", "(e)"]
    assert geo["criteria"][0]["aid"] in {"supports", "against", "no evidence"} and "effects_vs_quantity" in geo
    assert "Annex IV Part 3: met" in run_crc("score", CASES).out
    assert "proposal_id" in run_crc("score", CASES, "--format", "csv").out.splitlines()[0]


def test_bad_proposal_file_prints_the_good_ones_and_exits_1(tmp_path):
    path = _bulk(tmp_path, [GOOD, {**GOOD, "proposal_id": "P2", "formulation_type": "XYZ"}])
    for cmd in ("validate", "verify", "score", "status"):
        r = run_crc(cmd, path, "--format", "json")
        assert r.code == 1 and "Traceback" not in r.err, cmd
        assert any(line.startswith(f"{path}:3: formulation_type: 'XYZ' is not a known formulation type") for line in r.err.splitlines()), r.err
        assert json.loads(r.out), cmd


def test_notification_commands_unchanged_without_proposals(tmp_path):
    path = write_bulk(tmp_path / "n.csv", [{"notification_id": "N1", "chemical": "Chem-X", "category": "industrial", "notifying_party": "Canada"}], ["notification_id", "chemical", "category", "notifying_party"])
    r = run_crc("status", path, "--format", "csv")
    from crc_tools.notifications.review import STATUS_JSON_COLUMNS

    assert r.out.splitlines()[0] == ",".join(STATUS_JSON_COLUMNS)
    assert "SHPF" not in run_crc("validate", path).out


# ----------------------------------------------------------------------------- properties

PROP = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
PARTIES = ["Chad", "Niger", "Senegal", "Mali", "Burkina Faso", "Georgia", "Colombia", "India", "Germany"]
proposal_records = st.lists(st.tuples(st.sampled_from(PARTIES), st.sampled_from(["", "true", "false"]), st.sampled_from(["", "met", "not_met", "pending"])), min_size=1, max_size=8)


def _flags(tmp_path, recs, name):
    rows = [{**GOOD, "proposal_id": f"X{i}", "proposing_party": party, "part1_verified": v, "part3_conclusion": c} for i, (party, v, c) in enumerate(recs)]
    result, p = _load(_bulk(tmp_path, rows, name=name))
    assert not result.problems.errors
    s = shpf.review_status(p, as_of=dt.date(2013, 1, 1))
    assert len(s) == 1  # one formulation, however many Parties propose it
    return s.iloc[0]


@PROP
@given(recs=proposal_records)
def test_recommendation_rests_on_part3_alone(tmp_path, recs):
    row = _flags(tmp_path, recs, "a.csv")
    # Only proposals from developing countries or economies in transition count (Article 6.1).
    ok = [r for r in recs if reference.development_status()[reference.regions().resolve(r[0]).iso3]["status"] != "developed"]
    # Only a proposal verified under Annex IV Part 1 counts (Article 6.2, 6.5): nothing implies the verification.
    assert row["recommend_listing"] == any(c == "met" and v == "true" for _, v, c in ok)
    assert row["forward_to_crc"] == any(v == "true" for _, v, c in ok)
    assert set(row["regions_meeting_criteria"]) <= set(row["regions_notified"]) <= REGIONS


@PROP
@given(recs=proposal_records, extra=proposal_records)
def test_adding_proposals_never_removes_a_recommendation(tmp_path, recs, extra):
    before = _flags(tmp_path, recs, "a.csv")
    after = _flags(tmp_path, recs + extra, "b.csv")
    assert before["recommend_listing"] <= after["recommend_listing"] and before["forward_to_crc"] <= after["forward_to_crc"]


@PROP
@given(recs=proposal_records, data=st.data())
def test_order_of_proposals_never_matters(tmp_path, recs, data):
    shuffled = data.draw(st.permutations(recs))
    a, b = _flags(tmp_path, recs, "a.csv"), _flags(tmp_path, list(shuffled), "b.csv")
    keys = ["recommend_listing", "forward_to_crc", "regions_verified", "regions_meeting_criteria", "ineligible_parties", "part3_status"]
    assert [a[k] for k in keys] == [b[k] for k in keys]


@PROP
@given(recs=proposal_records)
def test_a_party_is_flagged_exactly_when_classified_developed(tmp_path, recs):
    row = _flags(tmp_path, recs, "a.csv")
    status = reference.development_status()
    table = reference.regions()
    expected = sorted({p for p, _, _ in recs if status[table.resolve(p).iso3]["status"] == "developed"})
    assert row["ineligible_parties"] == expected


@settings(max_examples=200, deadline=None)
@given(value=st.decimals(min_value="0.1", max_value="2000", places=1), unit=st.sampled_from(["%", "g/L", "g/kg", "% w/v", "g ai/L", "g active ingredient/L"]))
def test_concentrations_read_back(value, unit):
    c = parse_concentration(f"{value} {unit}")
    assert c is not None and c.value == pytest.approx(float(value))
    again = parse_concentration(c.short())
    assert (again.value, again.unit) == (c.value, c.unit)


@settings(max_examples=200, deadline=None)
@given(a=st.floats(min_value=0.1, max_value=1000), b=st.floats(min_value=0.1, max_value=1000), unit=st.sampled_from(["%", "g/L"]))
def test_threshold_comparison_is_a_total_order_on_one_basis(a, b, unit):
    x, y = Concentration(a, unit), Concentration(b, unit)
    assert x.at_or_above(y) or y.at_or_above(x)
    assert not (x.exceeds(y) and y.exceeds(x))
    assert Concentration(a, "%").at_or_above(Concentration(b, "g/L")) is None


@pytest.mark.parametrize("text,expected", [("about 40 000 L per year", (40000.0, "L")), ("12 t sold in 2010", (12000.0, "kg")), ("2 to 3 L/ha", None), ("unknown", None)])
def test_quantity_reading(text, expected):
    assert parse_quantity(text) == expected


def test_reading_the_samples_is_fast():
    import time

    t = time.perf_counter()
    _load(CASES)
    assert time.perf_counter() - t < 5
    assert Path(CASES).is_dir()


def test_the_annotated_case_file_format_is_a_valid_proposal(tmp_path):
    """The example in data/cases/README.md reads without a problem (the documentation cannot rot)."""
    text = (ROOT / "data" / "cases" / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if "kind: shpf_proposal" in b)
    result, p = _load(_case(tmp_path, block))
    assert not result.problems, [x.format() for x in result.problems]
    assert (len(p), len(p.incidents), len(p.part2), len(p.determinations)) == (1, 1, 3, 1)
    assert shpf.effects_vs_quantity(p).iloc[0]["quantity"] == 40000


def test_a_proposal_table_read_with_proposal_case_files(tmp_path):
    """A bulk table of proposals (dictionary-encoded columns) beside a proposal case file: both read."""
    from crc_tools.intake.reader import load

    table = tmp_path / "proposals.csv"
    table.write_text(
        "proposal_id,proposing_party,formulation_name,active_ingredients,active_ingredient_concentrations,formulation_type,received_date\n"
        "T1,Senegal,Granox,carbofuran,200 g/kg,DP,2012-02-15\n",
        encoding="utf-8",
    )
    case = tmp_path / "p.yaml"
    case.write_text(
        "kind: shpf_proposal\nproposal_id: C1\nproposing_party: Chad\nformulation:\n  name: Fenthion 640 ULV\n"
        "  active_ingredients: [{name: fenthion, cas_number: '55-38-9', concentration: 640 g/L}]\n  type: ULV\n",
        encoding="utf-8",
    )
    result = load([case, table])
    assert not result.problems.errors, [p.format() for p in result.problems]
    assert sorted(result.extra["shpf_proposal"].proposals["proposal_id"]) == ["C1", "T1"]
