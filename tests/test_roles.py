"""Who concludes (Articles 5.3, 5.6, 6.2, 6.5): the committee's conclusion held end to end.

Each defect of issue 13's list ("Who concluded what") is reproduced as a user hits it, through the
``crc`` command where the user would use it; the properties say what must never happen: an entry of
any role but the committee's changes no count, a conflict is never counted, a correction never
crosses subjects or criteria, and another Party's notification never removes a trigger.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crc_tools.convention.reference import items
from crc_tools.intake.reader import load
from crc_tools.notifications.criteria import annex_ii_aids, conclusions
from crc_tools.notifications.review import review_status
from crc_tools.notifications.verification import annex_i_items
from crc_tools.register.store import RefusedEntry, Register

from .conftest import run_crc, write_bulk

ANNEX_II = items("annex_ii").ids
COLUMNS = ["notification_id", "chemical", "category", "notifying_party", "annex_i_verified", "annex_ii_conclusion"]
CANADA = {"notification_id": "CAN-1", "chemical": "Chem-X", "category": "industrial", "notifying_party": "Canada", "annex_i_verified": "true"}
JAPAN = {**CANADA, "notification_id": "JPN-1", "notifying_party": "Japan"}


def _record(*argv) -> None:
    r = run_crc("register", "record", *argv)
    assert r.code == 0, r.err


def _status(path) -> dict:
    r = run_crc("status", path, "--format", "json")
    assert r.code == 0, r.err
    (row,) = r.json()
    return row


# --------------------------------------------------------------------------- the defects, as a user hits them


def test_nine_task_group_entries_do_not_make_a_notification_meet_annex_ii(tmp_path):
    """Nine `met` entries by a task group on each of two notifications from two regions: proposals, not a recommendation."""
    path = write_bulk(tmp_path / "b.csv", [CANADA, JAPAN], COLUMNS)
    for nid in ("CAN-1", "JPN-1"):
        for crit in ANNEX_II:
            _record(nid, "--criterion", crit, "--status", "met", "--by", "TG2", "--role", "task_group", "--data", path)
    row = _status(path)
    assert row["regions_meeting_criteria"] == [] and row["recommend_listing"] is False and row["recommend_new_listing"] is False
    assert row["stage"] != "recommended" and "task group proposes: met" in row["basis"]
    score = {o["notification_id"]: o for o in run_crc("score", path, "--format", "json").json()}
    assert score["CAN-1"]["annex_ii_status"] == "pending" and score["CAN-1"]["committee_conclusion"] == ""
    assert score["CAN-1"]["latest_proposal"] == "task group proposes: met (register entries 1, 2, 3, 4, 5, 6, 7, 8, 9)"
    table = run_crc("score", path).out
    assert "Annex II: pending (no committee conclusion recorded)" in table and "Latest proposal (not the committee's conclusion): task group proposes: met" in table
    csv_out = run_crc("score", path, "--format", "csv").out
    assert "committee_conclusion,latest_proposal,proposal_disagrees,conflict_entries" in csv_out.splitlines()[0]


def test_the_secretariat_records_no_annex_ii_criterion(tmp_path):
    path = write_bulk(tmp_path / "b.csv", [CANADA], COLUMNS)
    r = run_crc("register", "record", "CAN-1", "--criterion", "(b)(iii)", "--status", "met", "--by", "Secretariat", "--role", "secretariat", "--data", path)
    assert r.code == 1 and "Traceback" not in r.err
    assert "register: role: the Secretariat verifies Annex I / Annex IV Part 1 completeness (Articles 5.3, 6.2" in r.err
    assert Register().entries() == []
    # The same validation guards the import, the notebook and the dashboard (one function): an import row too.
    bad = tmp_path / "rows.csv"
    bad.write_text("notification_id,criterion,status,by,role\nCAN-1,(a),met,Secretariat,secretariat\n", encoding="utf-8")
    r = run_crc("register", "import", bad, "--data", path)
    assert r.code == 1 and f"{bad}:2: role: the Secretariat verifies" in r.err
    # A case file cannot record one either.
    case = tmp_path / "n.yaml"
    case.write_text(
        "notification_id: N-1\nchemical: {name: Chem-X}\nnotifying_party: Canada\nfinal_regulatory_action: {categories: [{category: industrial}]}\n"
        "determinations:\n  - {criterion: '(a)', status: met, role: secretariat, by: Secretariat}\n",
        encoding="utf-8",
    )
    result = load([case])
    assert any(p.field == "determinations[1].role" and p.message.startswith("the Secretariat verifies") for p in result.problems.errors)


def test_nothing_implies_verification(tmp_path):
    """Blank `annex_i_verified` and committee conclusions: `crc verify` and `crc status` agree it is not verified."""
    rows = [{**CANADA, "annex_i_verified": "", "annex_ii_conclusion": "met"}, {**JAPAN, "annex_i_verified": "", "annex_ii_conclusion": "met"}]
    path = write_bulk(tmp_path / "b.csv", rows, COLUMNS)
    verify = {r["notification_id"]: r for r in run_crc("verify", path, "--format", "json").json()}
    assert verify["CAN-1"]["verified"] is False and verify["CAN-1"]["verification_basis"] == "not yet verified"
    row = _status(path)
    assert row["regions_verified"] == [] and row["regions_meeting_criteria"] == [] and not row["forward_to_crc"] and not row["recommend_listing"]
    assert "not verified under Annex I" in row["basis"] and "CAN-1, JPN-1" in row["basis"]


def test_a_committee_not_met_after_a_case_files_overall_met_is_a_conflict(tmp_path):
    """A committee `not_met` on (b)(iii), recorded after the overall `met`: stated in every output, not counted, settled by a correction."""
    path = write_bulk(tmp_path / "b.csv", [{**CANADA, "annex_ii_conclusion": "met"}, {**JAPAN, "annex_ii_conclusion": "met"}], COLUMNS)
    assert _status(path)["recommend_listing"] is True
    _record("JPN-1", "--criterion", "(b)(iii)", "--status", "not_met", "--justification", "hazard evaluation only", "--by", "CRC-20", "--role", "committee", "--data", path)
    row = _status(path)
    assert row["regions_meeting_criteria"] == ["North America"] and row["recommend_listing"] is False
    assert row["missing"].startswith("the committee's entries on JPN-1 conflict") and "register entry 1 ((b)(iii): not met" in row["basis"]
    score = {o["notification_id"]: o for o in run_crc("score", path, "--format", "json").json()}
    assert (score["JPN-1"]["annex_ii_status"], score["JPN-1"]["annex_ii_conflict"], score["JPN-1"]["committee_conclusion"]) == ("conflict", True, "")
    assert "(overall: met)" in score["JPN-1"]["conflict_entries"] and "register entry 1 ((b)(iii): not met" in score["JPN-1"]["conflict_entries"]
    table = run_crc("score", path).out
    assert "Annex II: conflict (the committee's own entries conflict" in table
    assert "Conflict: the committee's overall conclusion" in table and "settle it by recording a new committee entry that supersedes one of them" in table
    csv_rows = run_crc("score", path, "--format", "csv").out
    assert ",conflict," in csv_rows
    # The committee settles it: its later overall conclusion, or a correction of its (b)(iii) entry.
    _record("JPN-1", "--criterion", "(b)(iii)", "--status", "met", "--by", "CRC-20", "--role", "committee", "--supersedes", "1", "--data", path)
    assert _status(path)["recommend_listing"] is True


def test_a_committee_not_met_after_the_sample_case_files_overall_met(tmp_path):
    """The shipped case file of Australia's chrysotile notification records the committee's overall `met` (CRC-1);
    a committee `not_met` on (b)(iii) recorded afterwards is a conflict in `crc score`'s table, not "met"."""
    _record("AUS-CHRYSOTILE-2003", "--criterion", "(b)(iii)", "--status", "not_met", "--justification", "replayed for the test", "--by", "CRC-99", "--role", "committee")
    table = run_crc("score").out
    block = table[table.index("AUS-CHRYSOTILE-2003 —"):]
    block = block[: block.index("\n\n", 1) if "\n\n" in block[1:] else len(block)]
    assert "Annex II: conflict (the committee's own entries conflict" in block and "Annex II: met" not in block
    assert "Conflict: the committee's overall conclusion" in block and "chrysotile-asbestos-australia.yaml (overall: met)" in block
    (row,) = [r for r in run_crc("status", "--format", "json").json() if r["chemical"] == "Chrysotile asbestos"]
    assert "AUS-CHRYSOTILE-2003" in row["basis"] and "Southwest Pacific" not in row["regions_meeting_criteria"]


def test_two_committee_entries_of_one_date_conflict_until_one_is_superseded(tmp_path):
    path = write_bulk(tmp_path / "b.csv", [CANADA, JAPAN], COLUMNS)
    for nid in ("CAN-1", "JPN-1"):
        for crit in ANNEX_II:
            _record(nid, "--criterion", crit, "--status", "met", "--by", "CRC-20", "--role", "committee", "--data", path)
    assert _status(path)["recommend_listing"] is True
    _record("CAN-1", "--criterion", "(a)", "--status", "not_met", "--justification", "economic reasons only", "--by", "CRC-20", "--role", "committee", "--data", path)
    row = _status(path)
    assert row["recommend_listing"] is False and "committee entries on (a) of one date disagree: register entry 1" in row["basis"]
    _record("CAN-1", "--criterion", "(a)", "--status", "met", "--by", "CRC-20", "--role", "committee", "--supersedes", "19", "--data", path)
    assert _status(path)["recommend_listing"] is True


def test_an_shpf_proposal_not_verified_is_not_recommended(tmp_path):
    """`part1_verified: false` and a Part 3 conclusion `met`: not recommended (Article 6.2, 6.5)."""
    columns = ["proposal_id", "formulation_name", "proposing_party", "active_ingredients", "active_ingredient_cas", "active_ingredient_concentrations", "formulation_type", "part1_verified", "part3_conclusion"]
    row = {"proposal_id": "P1", "formulation_name": "Test 500 EC", "proposing_party": "Chad", "active_ingredients": "chem-q", "active_ingredient_concentrations": "500 g/L", "formulation_type": "EC", "part3_conclusion": "met"}
    for verified in ("false", ""):
        path = write_bulk(tmp_path / f"p{verified}.csv", [{**row, "part1_verified": verified}], columns)
        (s,) = [r for r in run_crc("status", path, "--format", "json").json() if r["category"] == "shpf"]
        assert s["recommend_listing"] is False and s["recommend_new_listing"] is False and s["stage"] != "recommended" and s["forward_to_crc"] is False
        assert "P1 not counted: the proposal is not verified under Annex IV Part 1" in s["basis"]
    path = write_bulk(tmp_path / "ok.csv", [{**row, "part1_verified": "true"}], columns)
    (s,) = [r for r in run_crc("status", path, "--format", "json").json() if r["category"] == "shpf"]
    assert s["recommend_new_listing"] is True and s["stage"] == "recommended"


def test_forwarding_says_when_part2_information_is_awaited(tmp_path):
    """A verified proposal is forwarded (Article 6.4); what Part 2 still awaits is said (Article 6.3)."""
    case = tmp_path / "p.yaml"
    case.write_text(
        "kind: shpf_proposal\nproposal_id: P2\nproposing_party: Chad\nformulation: {name: Test 640 ULV, type: UL, active_ingredients: [{name: chem-q, concentration: 640 g/L}]}\n"
        "secretariat: {part1_verified: true}\npart2:\n  - {item: '(a)', collected: true, source: FAO}\n  - {item: '(f)', collected: false, awaiting: national sales figures}\n",
        encoding="utf-8",
    )
    (s,) = [r for r in run_crc("status", case, "--format", "json").json() if r["category"] == "shpf"]
    assert s["forward_to_crc"] is True and "(f)" in s["part2_awaiting"]
    assert "forwarded with Annex IV Part 2 information still awaited: " in s["basis"] and "(Article 6.3-6.4)" in s["basis"]
    assert "Annex IV Part 2 items" in s["missing"]


def test_a_correction_on_another_notification_is_refused_and_hides_nothing(tmp_path):
    path = write_bulk(tmp_path / "b.csv", [CANADA, JAPAN], COLUMNS)
    _record("CAN-1", "--criterion", "(a)", "--status", "met", "--by", "CRC-20", "--role", "committee", "--data", path)
    for argv, reason in (
        (["JPN-1", "--criterion", "(a)", "--role", "committee"], "subject CAN-1 there, JPN-1 here"),
        (["CAN-1", "--criterion", "(d)", "--role", "committee"], "criterion (a) there, (d) here"),
        (["CAN-1", "--criterion", "(a)", "--role", "task_group"], "role precedence is not a correction"),
        (["CAN-1", "--criterion", "(a)", "--role", "committee", "--category", "pesticide"], "category every category there, pesticide here"),
    ):
        r = run_crc("register", "record", *argv, "--status", "not_met", "--justification", "x", "--by", "CRC-20", "--supersedes", "1", "--data", path)
        assert r.code == 1 and reason in r.err and "entry 1 cannot be superseded by this entry" in r.err, r.err
    current = run_crc("register", "current", "--format", "json").json()
    assert [e["entry_id"] for e in current] == [1]


def test_the_aid_says_no_evidence_where_the_notification_is_silent(tmp_path):
    rows = [
        {**CANADA, "notification_id": "SILENT"},
        {**CANADA, "notification_id": "SAYS", "trade_evidence": "The chemical is neither produced nor traded anywhere since 2010.", "evaluation_basis": "none"},
        {**CANADA, "notification_id": "EVAL", "evaluation_basis": "risk", "evaluation_summary": "A risk evaluation was made."},
    ]
    n = load([write_bulk(tmp_path / "a.csv", rows, [*COLUMNS, "trade_evidence", "evaluation_basis", "evaluation_summary"])]).notifications
    aid = {(r["notification_id"], r["criterion"]): r for r in annex_ii_aids(n).to_dict("records")}
    assert {aid[("SILENT", c)]["aid"] for c in ANNEX_II} == {"no evidence"}
    assert aid[("SILENT", "(c)(iv)")]["aid_reason"] == "no trade evidence is given" and aid[("SILENT", "(b)(i)")]["aid_reason"] == "no evaluation is referenced"
    assert aid[("SAYS", "(c)(iv)")]["aid"] == "against" and aid[("SAYS", "(b)(i)")]["aid"] == "against"
    assert aid[("EVAL", "(b)(i)")]["aid"] == "no evidence" and aid[("EVAL", "(b)(i)")]["aid_reason"] == "an evaluation is mentioned but its documents are not referenced"


def test_the_shpf_aid_says_no_evidence_where_the_proposal_is_silent(tmp_path):
    from crc_tools.proposals import shpf

    columns = ["proposal_id", "formulation_name", "proposing_party", "active_ingredients", "active_ingredient_concentrations", "formulation_type"]
    path = write_bulk(tmp_path / "p.csv", [{"proposal_id": "P1", "formulation_name": "X 50 EC", "proposing_party": "Chad", "active_ingredients": "chem-q", "active_ingredient_concentrations": "50 g/L", "formulation_type": "EC"}], columns)
    p = shpf.from_intake(load([path]))
    assert set(shpf.part3_aids(p)["aid"]) == {"no evidence"}


@pytest.mark.parametrize(
    "fields,present",
    [
        pytest.param({"evaluation_basis": "risk"}, False, id="basis without a reference to the documentation"),
        pytest.param({"evaluation_basis": "risk", "evaluation_references": "Risk evaluation report, 2019"}, True, id="basis and reference"),
        pytest.param({"evaluation_references": "Risk evaluation report, 2019"}, False, id="reference without the basis"),
        pytest.param({"evaluation_basis": "none"}, True, id="no evaluation was made: nothing to reference"),
    ],
)
def test_annex_i_2a_iv_needs_the_reference_to_the_evaluations_documentation(tmp_path, fields, present):
    """Annex I 2(a)(iv): "... and, if so, information on such evaluation, covering a reference to the relevant documentation"."""
    n = load([write_bulk(tmp_path / "a.csv", [{**CANADA, **fields}], [*COLUMNS, "evaluation_basis", "evaluation_references"])]).notifications
    checks = annex_i_items(n)
    assert bool(checks.loc[checks["item"] == "2(a)(iv)", "present"].iloc[0]) is present


def test_a_joint_row_is_judged_per_party(tmp_path):
    """"Canada; Mauritania": Canada's region counts, Mauritania (no established region) is named as unplaced."""
    path = write_bulk(tmp_path / "j.csv", [{**CANADA, "notification_id": "J1", "notifying_party": "Canada; Mauritania", "annex_ii_conclusion": "met"}], COLUMNS)
    r = run_crc("status", path, "--format", "json")
    (row,) = r.json()
    assert row["regions_meeting_criteria"] == ["North America"] and row["unplaced_parties"] == ["Mauritania"] and row["notifications"] == 2
    assert "joint notification of Canada, Mauritania split into one notification per Party: J1-CAN, J1-MRT" in r.err
    _record("J1-CAN", "--criterion", "(b)(iii)", "--status", "not_met", "--justification", "hazard only", "--by", "CRC-20", "--role", "committee", "--data", path)
    score = {o["notification_id"]: o["annex_ii_status"] for o in run_crc("score", path, "--format", "json").json()}
    assert score == {"J1-CAN": "conflict", "J1-MRT": "met"}


# --------------------------------------------------------------------------- properties

PROP = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
PARTIES = ["European Union", "Canada", "Japan", "Brazil", "Kenya", "Australia", "Jordan", "Canada; Japan", "Mauritania"]
notification = st.tuples(st.sampled_from(["Chem-A", "Chem-B"]), st.sampled_from(PARTIES), st.sampled_from(["", "true", "false"]), st.sampled_from(["", "met", "not_met"]))
CRITERIA = [*ANNEX_II, "overall"]
DAYS = [pd.NaT, pd.Timestamp("2020-01-01"), pd.Timestamp("2024-06-01"), pd.Timestamp("2024-06-01 15:00")]
entry = st.tuples(st.integers(0, 7), st.sampled_from(CRITERIA), st.sampled_from(["met", "not_met", "insufficient_information"]), st.sampled_from(range(len(DAYS))))


def _notifications(recs, directory: Path, name: str) -> pd.DataFrame:
    rows = [{"notification_id": f"P{i}", "chemical": c, "category": "industrial", "notifying_party": p, "annex_i_verified": v, "annex_ii_conclusion": a} for i, (c, p, v, a) in enumerate(recs)]
    return load([write_bulk(directory / name, rows, COLUMNS)]).notifications


def _determinations(n: pd.DataFrame, entries, role: str) -> pd.DataFrame:
    ids = list(n["notification_id"])
    rows = [
        {"notification_id": ids[i % len(ids)], "criterion": c, "status": s, "role": role, "recorded_at": DAYS[d], "category": "", "determination_source": f"register entry {role}-{k}", "recorded_by": "X"}
        for k, (i, c, s, d) in enumerate(entries)
    ] if ids else []
    return pd.DataFrame(rows, columns=["notification_id", "criterion", "status", "role", "recorded_at", "category", "determination_source", "recorded_by"])


def _counts(status: pd.DataFrame) -> dict:
    return {(r["chemical"], r["category"]): (tuple(r["regions_meeting_criteria"]), r["recommend_listing"], r["recommend_new_listing"]) for r in status.to_dict("records")}


@PROP
@given(recs=st.lists(notification, min_size=1, max_size=8), committee=st.lists(entry, max_size=10), others=st.lists(entry, min_size=1, max_size=12), role=st.sampled_from(["task_group", "contact_group"]))
def test_no_entry_but_the_committees_changes_a_count(recs, committee, others, role):
    with tempfile.TemporaryDirectory() as tmp:
        n = _notifications(recs, Path(tmp), "n.csv")
    com = _determinations(n, committee, "committee")
    with_proposals = pd.concat([com, _determinations(n, others, role)], ignore_index=True)
    assert _counts(review_status(n, com)) == _counts(review_status(n, with_proposals))


@PROP
@given(recs=st.lists(notification, min_size=1, max_size=8), committee=st.lists(entry, max_size=14))
def test_a_conflict_is_never_counted(recs, committee):
    """Leaving out every notification in conflict changes no count: a conflict never counts."""
    with tempfile.TemporaryDirectory() as tmp:
        n = _notifications(recs, Path(tmp), "n.csv")
    det = _determinations(n, committee, "committee")
    con = conclusions(n, det)
    in_conflict = set(con.loc[con["annex_ii_status"] == "conflict", "notification_id"])
    assert (con["annex_ii_status"] == "conflict").eq(con["annex_ii_conflict"]).all()
    assert all(c == "" for c in con.loc[con["annex_ii_status"] == "conflict", "committee_conclusion"])
    rest = n[~n["notification_id"].isin(in_conflict)]
    full, without = _counts(review_status(n, det)), _counts(review_status(rest, det[~det["notification_id"].isin(in_conflict)]))
    for key, counted in full.items():
        assert counted == without.get(key, ((), False, False))


@settings(max_examples=10, deadline=None)
@given(attempts=st.lists(st.tuples(st.sampled_from(["N1", "N2"]), st.sampled_from(["(a)", "(d)", "overall"]), st.sampled_from(["", "pesticide"]), st.sampled_from(["task_group", "committee", "contact_group"]), st.integers(1, 8)), min_size=1, max_size=10))
def test_a_correction_never_crosses_subjects_or_criteria(attempts):
    with tempfile.TemporaryDirectory() as tmp:
        reg = Register(f"sqlite:///{Path(tmp) / 'r.sqlite'}", create=True)
        try:
            for subject, criterion, category, role, target in attempts:
                reg.record(subject, criterion, "met", recorded_by="X", role=role, category=category)
                try:
                    reg.record(subject, criterion, "not_met", justification="correction", recorded_by="X", role=role, category=category, supersedes=target)
                except RefusedEntry:
                    pass
            entries = {e.entry_id: e for e in reg.entries()}
            for e in entries.values():
                if e.supersedes is not None:
                    t = entries[e.supersedes]
                    assert (e.subject_kind, e.subject_id, e.criterion, e.category, e.role) == (t.subject_kind, t.subject_id, t.criterion, t.category, t.role)
            # nothing current is hidden by an entry about another question
            cur = reg.current()
            keys = {(r.subject_id, r.criterion, r.category, r.role) for r in cur.itertuples()}
            assert keys == {(e.subject_id, e.criterion, e.category, e.role) for e in entries.values()}
        finally:
            reg.close()


@PROP
@given(recs=st.lists(notification, max_size=6), extra=st.lists(notification, min_size=1, max_size=4), committee=st.lists(entry, max_size=8), proposals=st.lists(entry, max_size=6))
def test_another_partys_notification_never_removes_a_trigger(recs, extra, committee, proposals):
    with tempfile.TemporaryDirectory() as tmp:
        before_n = _notifications(recs, Path(tmp), "a.csv")
        after_n = _notifications(recs + extra, Path(tmp), "b.csv")
    det = pd.concat([_determinations(before_n, committee, "committee"), _determinations(before_n, proposals, "task_group")], ignore_index=True)
    before = {(r["chemical"], r["category"]): r for r in review_status(before_n, det).to_dict("records")}
    after = {(r["chemical"], r["category"]): r for r in review_status(after_n, det).to_dict("records")}
    for key, b in before.items():
        a = after[key]
        assert b["forward_to_crc"] <= a["forward_to_crc"] and b["recommend_listing"] <= a["recommend_listing"]
        assert set(b["regions_verified"]) <= set(a["regions_verified"]) and set(b["regions_meeting_criteria"]) <= set(a["regions_meeting_criteria"])


def test_the_replay_of_real_outcomes_holds_with_a_joint_row(tmp_path):
    """The CILSS carbosulfan row of tests/data/crc_cases.csv names eight Parties: split per Party, the outcome stands."""
    import csv

    from .conftest import ROOT

    rows = [r for r in csv.DictReader(open(ROOT / "tests" / "data" / "crc_cases.csv", encoding="utf-8")) if ";" in r["notifying_party"]]
    assert rows, "the replay data hold a joint row"
    bulk = [{"notification_id": f"J{i}", "chemical": r["chemical"], "category": r["category"], "notifying_party": r["notifying_party"], "annex_i_verified": "true",
             "annex_ii_conclusion": {"yes": "met", "no": "not_met"}[r["annex_ii_met"]]} for i, r in enumerate(rows)]
    result = load([write_bulk(tmp_path / "j.csv", bulk, COLUMNS)])
    assert len(result.notifications) == sum(len(r["notifying_party"].split(";")) for r in rows)
    status = review_status(result.notifications, as_of=dt.date(int(rows[0]["year"]), 1, 1))
    assert set(status.iloc[0]["regions_meeting_criteria"]) == {r["pic_region"] for r in rows if r["annex_ii_met"] == "yes"}
