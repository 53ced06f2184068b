"""Import responses (Article 10), due dates, who is overdue, and the export check (Articles 11-13).

Parties and their dates come from a fixture (the research draft of ``parties.csv``, with its
sources) or from small tables written here; DGD dispatch dates from ``data/reference/dgd_dispatch.csv``
(carbosulfan and fenthion ULV formulations: announced for 22 October 2025, so due 22 July 2026).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import ROOT

PARTIES_DRAFT = ROOT / "tests" / "data" / "responses" / "parties.csv"
SAMPLE = ROOT / "data" / "cases" / "responses"
COLUMNS = ["response_id", "party", "chemical", "category", "kind", "decision", "conditions", "legislative_measure", "received_date", "published_date", "applies_from"]
DUE = dt.date(2026, 7, 22)  # carbosulfan: DGD dispatch announced for 2025-10-22, + 9 months


@pytest.fixture(autouse=True)
def _parties(monkeypatch):
    monkeypatch.setenv("CRC_PARTIES", str(PARTIES_DRAFT))


def write(path: Path, rows: list[dict], columns=COLUMNS) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in columns})
    return path


def parties_file(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    """A Parties table: (country, iso3, status, entry_into_force)."""
    cols = ["country", "iso3", "status", "deposit_date", "instrument", "entry_into_force", "basis", "source", "source_url", "notes"]
    return write(path, [{"country": c, "iso3": i, "status": s, "entry_into_force": e, "basis": "stated" if e else "not_established"} for c, i, s, e in rows], cols)


def R(rid, party, chemical="Carbosulfan", kind="final", decision="no_consent", received="2026-03-01", **kw) -> dict:
    return {"response_id": rid, "party": party, "chemical": chemical, "kind": kind, "decision": decision, "received_date": received,
            "legislative_measure": "national law (test)", **kw}


def status_of(tmp_path, rows, *, as_of, parties=None, **kw):
    from crc_tools.errors import Problems
    from crc_tools.intake.reader import load
    from crc_tools.responses.dates import _parties_table
    from crc_tools.responses.status import from_intake, response_status

    path = write(tmp_path / "responses.csv", rows)
    intake = load([path], today=dt.date(2026, 12, 31))
    problems = Problems(list(intake.problems.items))
    table = _parties_table(str(parties)) if parties else None
    return response_status(from_intake(intake), as_of=as_of, problems=problems, party_table=table, **kw), problems


def row(status, party, entry="carbosulfan") -> dict:
    hit = status[(status["party"] == party) & (status["entry_id"] == entry)]
    assert len(hit) == 1, (party, entry, len(hit))
    return hit.iloc[0].to_dict()


# --------------------------------------------------------------------------- due dates (Article 10.2)


@pytest.mark.parametrize(
    ("dispatch", "in_force", "due"),
    [
        pytest.param("2025-10-22", "2004-02-24", "2026-07-22", id="carbosulfan: nine months after the announced dispatch"),
        pytest.param("2023-05-31", "2004-02-24", "2024-02-29", id="31 May + 9 months = 29 February in a leap year"),
        pytest.param("2022-05-31", "2004-02-24", "2023-02-28", id="31 May + 9 months = 28 February"),
        pytest.param("2025-01-31", "2004-02-24", "2025-10-31", id="31 January + 9 months = 31 October"),
        pytest.param("2024-11-30", "2004-02-24", "2025-08-30", id="30 November + 9 months = 30 August"),
        pytest.param("2025-10-22", "2026-03-31", "2026-12-31", id="late-joining Party: nine months after its entry into force"),
        pytest.param("2025-10-22", "2026-05-31", "2027-02-28", id="late-joining Party, month end to February"),
        pytest.param("2025-10-22", "2025-10-22", "2026-07-22", id="entry into force on the day of dispatch"),
    ],
)
def test_due_date(dispatch, in_force, due):
    from crc_tools.responses.dates import due_date

    assert due_date(dt.date.fromisoformat(dispatch), dt.date.fromisoformat(in_force)) == dt.date.fromisoformat(due)


def test_due_date_not_established_without_either_date():
    from crc_tools.responses.dates import due_date

    assert due_date(None, dt.date(2004, 2, 24)) is None
    assert due_date(dt.date(2025, 10, 22), None) is None


@settings(max_examples=200, deadline=None)
@given(st.dates(dt.date(1998, 1, 1), dt.date(2090, 12, 31)), st.dates(dt.date(1998, 1, 1), dt.date(2090, 12, 31)))
def test_due_date_is_nine_calendar_months_after_the_later_date(dispatch, in_force):
    from crc_tools.responses.dates import due_date

    due = due_date(dispatch, in_force)
    start = max(dispatch, in_force)
    months = (due.year - start.year) * 12 + due.month - start.month
    assert months == 9
    assert due.day == start.day or (due.day < start.day and (due + dt.timedelta(days=1)).day == 1)  # clipped to the month's end only


def test_late_joining_party_is_due_nine_months_after_its_entry_into_force(tmp_path):
    parties = parties_file(tmp_path / "parties.csv", [("Albania", "ALB", "party", "2004-02-24"), ("Belarus", "BLR", "party", "2026-03-31"), ("Japan", "JPN", "party", "")])
    status, _ = status_of(tmp_path, [R("r1", "Canada", "Terbufos")], as_of=dt.date(2026, 12, 31), parties=parties)
    assert row(status, "Albania")["due_date"] == pd.Timestamp(DUE)
    assert row(status, "Albania")["overdue"] is True
    belarus = row(status, "Belarus")
    assert belarus["due_date"] == pd.Timestamp("2026-12-31")
    assert belarus["overdue"] is False  # due on the as-of day: not yet past it
    japan = row(status, "Japan")  # a Party whose date of entry into force is not established
    assert pd.isna(japan["due_date"]) and pd.isna(japan["overdue"])


def test_party_not_yet_in_force_is_not_listed(tmp_path):
    parties = parties_file(tmp_path / "parties.csv", [("Albania", "ALB", "party", "2004-02-24"), ("Belarus", "BLR", "party", "2027-03-31")])
    status, _ = status_of(tmp_path, [R("r1", "Albania")], as_of=dt.date(2026, 12, 31), parties=parties)
    assert set(status["party"]) == {"Albania"}


def test_entry_without_dispatch_date_has_no_due_date_and_says_so(tmp_path, crc):
    status, _ = status_of(tmp_path, [R("r1", "Canada", "Terbufos")], as_of=dt.date(2026, 12, 31), chemicals=["terbufos"])
    assert status["due_date"].isna().all() and status["overdue"].isna().all()
    r = crc("responses", tmp_path / "responses.csv", "--chemical", "terbufos", "--party", "Canada", "Chile", "--as-of", "2026-12-31", "--format", "json")
    assert r.code == 0, r.err
    by = {o["party"]: o for o in r.json()}
    assert by["Canada"]["decision"] == "no_consent" and by["Canada"]["due_date"] is None and by["Canada"]["overdue"] is None
    assert by["Chile"]["decision"] is None and by["Chile"]["overdue"] is None
    table = crc("responses", tmp_path / "responses.csv", "--chemical", "terbufos", "--party", "Chile", "--as-of", "2026-12-31")
    assert "not established" in table.out


# --------------------------------------------------------------------------- overdue at the boundary


@pytest.mark.parametrize(
    ("as_of", "received", "overdue"),
    [
        pytest.param(DUE, None, False, id="on the due date, nothing received: not yet overdue"),
        pytest.param(DUE + dt.timedelta(days=1), None, True, id="the day after the due date, nothing received: overdue"),
        pytest.param(DUE + dt.timedelta(days=1), DUE, False, id="received on the due date: not overdue"),
        pytest.param(DUE + dt.timedelta(days=30), DUE + dt.timedelta(days=10), False, id="received late, before the as-of date: the failure has ended"),
        pytest.param(DUE + dt.timedelta(days=5), DUE + dt.timedelta(days=10), True, id="received after the as-of date: not yet received"),
    ],
)
def test_overdue_exactly_at_the_boundary(tmp_path, as_of, received, overdue):
    parties = parties_file(tmp_path / "parties.csv", [("Albania", "ALB", "party", "2004-02-24"), ("Canada", "CAN", "party", "2004-02-24")])
    rows = [R("other", "Canada", received="2026-01-05")]
    if received:
        rows.append(R("r1", "Albania", received=received.isoformat()))
    status, _ = status_of(tmp_path, rows, as_of=as_of, parties=parties)
    assert row(status, "Albania")["overdue"] is overdue


# --------------------------------------------------------------------------- supersession, interim and final


def test_newer_response_supersedes_the_older_and_history_is_kept(tmp_path):
    from crc_tools.intake.reader import load
    from crc_tools.responses.status import from_intake, response_history

    rows = [  # the newer one first in the file: order in the data does not decide, the date does
        R("arm-2", "Armenia", kind="final", decision="no_consent", received="2026-10-05"),
        R("arm-1", "Armenia", kind="interim", decision="consent_with_conditions", conditions="registered products only", received="2026-02-10"),
    ]
    before, _ = status_of(tmp_path, rows, as_of=dt.date(2026, 6, 1))
    assert (row(before, "Armenia")["kind"], row(before, "Armenia")["decision"], row(before, "Armenia")["conditions"]) == ("interim", "consent_with_conditions", "registered products only")
    after, _ = status_of(tmp_path, rows, as_of=dt.date(2026, 11, 1))
    assert (row(after, "Armenia")["kind"], row(after, "Armenia")["decision"]) == ("final", "no_consent")
    history = response_history(from_intake(load([tmp_path / "responses.csv"])))
    assert dict(zip(history["response_id"], history["superseded_by"], strict=True)) == {"arm-2": "", "arm-1": "arm-2"}


def test_a_newer_interim_response_supersedes_a_final_one(tmp_path):
    rows = [R("f", "Canada", kind="final", decision="consent", received="2026-01-10"), R("i", "Canada", kind="interim", decision="under_review", received="2026-04-10")]
    status, _ = status_of(tmp_path, rows, as_of=dt.date(2026, 5, 1))
    assert (row(status, "Canada")["kind"], row(status, "Canada")["decision"]) == ("interim", "under_review")


@pytest.mark.parametrize(
    ("kind", "decision", "conditions", "field", "message"),
    [
        pytest.param("final", "under_review", "", "decision", "is an interim response (Article 10.4 (b))", id="under_review is interim only"),
        pytest.param("final", "request_information", "", "decision", "is an interim response", id="request_information is interim only"),
        pytest.param("final", "consent_with_conditions", "", "conditions", "states the conditions (Article 10.4 (a) (iii))", id="conditions required"),
        pytest.param("interim", "consent_with_conditions", "", "conditions", "states the conditions", id="conditions required in an interim decision"),
        pytest.param("provisional", "consent", "", "kind", "is not one of final, interim", id="unknown kind"),
        pytest.param("final", "maybe", "", "decision", "is not one of", id="unknown decision"),
    ],
)
def test_bad_response_is_reported_and_the_good_ones_kept(tmp_path, crc, kind, decision, conditions, field, message):
    path = write(tmp_path / "r.csv", [R("good", "Canada"), R("bad", "Chile", kind=kind, decision=decision, conditions=conditions)])
    r = crc("responses", path, "--party", "Canada", "Chile", "--chemical", "carbosulfan", "--as-of", "2026-12-31", "--format", "json")
    assert r.code == 1
    line = next(x for x in r.err.splitlines() if f"{path}:3: {field}: " in x)
    assert message in line
    by = {o["party"]: o for o in r.json()}
    assert by["Canada"]["decision"] == "no_consent" and by["Chile"]["decision"] is None


@pytest.mark.parametrize(
    ("chemical", "category", "message"),
    [
        pytest.param("Chrysotile asbestos", "", "is not a chemical listed in Annex III", id="not in Annex III"),
        pytest.param("12001-29-5", "", "is not a chemical listed in Annex III", id="a CAS number not in Annex III"),
        pytest.param("Tributyltin compounds", "", "names more than one Annex III entry", id="two categories, none given"),
        pytest.param("Carbosulfan", "industrial", "has no Annex III entry in the category 'industrial'", id="wrong category"),
    ],
)
def test_response_to_something_not_an_annex_iii_entry_is_refused(tmp_path, chemical, category, message):
    from crc_tools.intake.reader import load

    path = write(tmp_path / "r.csv", [R("x", "Canada", chemical, category=category)])
    intake = load([path])
    (p,) = intake.problems.errors
    assert (p.record, p.field) == ("2", "chemical") and message in p.message


def test_interim_and_final_in_the_output_and_by_cas_number(tmp_path):
    rows = [R("a", "Canada", "55285-14-8", kind="interim", decision="no_consent"), R("b", "Chile", "carbosulfan", kind="final", decision="consent")]
    status, problems = status_of(tmp_path, rows, as_of=dt.date(2026, 12, 31))
    assert not problems.errors
    assert (row(status, "Canada")["kind"], row(status, "Chile")["kind"]) == ("interim", "final")


def test_case_file_response(tmp_path):
    from crc_tools.intake.reader import load
    from crc_tools.responses.status import from_intake

    (tmp_path / "r.yaml").write_text(
        "kind: import_response\nresponse_id: CAN-PHORATE\nparty: Canada\nchemical: {name: Phorate, category: pesticide}\n"
        "response: {kind: final, decision: consent_with_conditions, conditions: registered uses only, legislative_measure: Pest Control Products Act}\n"
        "secretariat: {received_date: '2021-03-04'}\n",
        encoding="utf-8",
    )
    intake = load([tmp_path / "r.yaml"])
    assert not intake.problems.errors, [p.format() for p in intake.problems]
    r = from_intake(intake).iloc[0]
    assert (r["entry_id"], r["decision"], r["conditions"]) == ("phorate", "consent_with_conditions", "registered uses only")


# --------------------------------------------------------------------------- non-Parties (decision RC-1/13)


def test_non_parties_responses_are_not_compiled(tmp_path, crc):
    rows = [R("usa", "United States of America"), R("and", "Andorra"), R("can", "Canada")]
    status, problems = status_of(tmp_path, rows, as_of=dt.date(2026, 12, 31))
    assert "United States of America" not in set(status["party"]) and "Andorra" not in set(status["party"])
    assert row(status, "Canada")["decision"] == "no_consent"
    notes = [p.message for p in problems.warnings]
    assert any("United States of America is a signatory, not a Party" in m and "RC-1/13" in m for m in notes)
    assert any("Andorra is not a Party" in m for m in notes)
    r = crc("responses", tmp_path / "responses.csv", "--format", "json", "--as-of", "2026-12-31", "--chemical", "carbosulfan")
    assert r.code == 0 and {"United States of America", "Andorra"}.isdisjoint({o["party"] for o in r.json()})
    assert "RC-1/13" in r.err


def test_responses_json_keys_exactly(crc):
    r = crc("responses", SAMPLE, "--format", "json", "--as-of", "2026-11-30")
    assert r.code == 0, r.err
    objs = r.json()
    assert objs and all(list(o) == ["party", "chemical", "category", "decision", "kind", "conditions", "received_date", "due_date", "overdue"] for o in objs)
    assert len({(o["party"], o["chemical"], o["category"]) for o in objs}) == len(objs)  # one object per Party x entry
    carbo = {o["party"]: o for o in objs if o["chemical"] == "Carbosulfan"}
    assert carbo["Albania"]["overdue"] is True and carbo["Canada"]["overdue"] is False and carbo["Costa Rica"]["received_date"] == "2026-07-22"


# --------------------------------------------------------------------------- the export check


@pytest.mark.parametrize(
    ("query", "to", "allowed", "matched_by"),
    [
        pytest.param("55285-14-8", "Brazil", "yes", "cas_number", id="yes, by CAS number"),
        pytest.param("Carbosulfan", "Brazil", "yes", "name", id="yes, by name"),
        pytest.param("2920.30", "Albania", "no", "hs_code", id="no, by HS code"),
        pytest.param("endosulfan", "ARG", "no", "name", id="no, by name and ISO code"),
        pytest.param("terbufos", "Costa Rica", "with_conditions", "name", id="with_conditions, by name"),
        pytest.param("13071-79-9", "Costa Rica", "with_conditions", "cas_number", id="with_conditions, by CAS number"),
        pytest.param("2852.10", "Argentina", "with_conditions", "hs_code", id="with_conditions, by HS code (an interim decision)"),
        pytest.param("carbosulfan", "Chile", "conditional", "name", id="conditional: an interim response without an interim decision"),
        pytest.param("55285-14-8", "Albania", "conditional", "cas_number", id="conditional: no response, by CAS number"),
        pytest.param("2852.90", "Brazil", "conditional", "hs_code", id="conditional: no response, by HS code"),
    ],
)
def test_export_check(crc, query, to, allowed, matched_by):
    r = crc("export-check", query, "--to", to, "--as-of", "2026-11-30", "--format", "json")
    assert r.code == 0, r.err
    out = r.json()
    assert out["in_annex_iii"] is True and out["matched_by"] == matched_by
    assert out["export_allowed"] == allowed
    (entry,) = out["entries"]
    assert entry["export_allowed"] == allowed and out["entry_id"] == entry["entry_id"] and out["category"] == entry["category"]
    assert (entry["article_11_2"] != []) == (allowed == "conditional")
    if allowed == "with_conditions":
        assert out["conditions"]
    assert any("Article 13.1" in a for a in out["accompany"]) and any("safety data sheet" in a for a in out["accompany"])


def test_export_check_conditional_names_the_article_11_2_cases_in_words(crc):
    r = crc("export-check", "Carbosulfan", "--to", "Albania", "--as-of", "2026-11-30")
    assert r.code == 0
    assert "export_allowed: conditional" in r.out
    for words in ("registered as a chemical in the importing Party", "previously been used in, or imported into", "explicit consent", "was due by 2026-07-22"):
        assert words in r.out
    assert "HS customs code" in r.out and "Labelling" in r.out


@pytest.mark.parametrize("query", ["Chrysotile asbestos", "12001-29-5", "aspirin", "50-78-2"])
def test_export_check_never_answers_for_a_chemical_not_in_annex_iii(crc, query):
    r = crc("export-check", query, "--to", "Brazil", "--format", "json")
    assert r.code == 0
    out = r.json()
    assert out["in_annex_iii"] is False and out["export_allowed"] is None and out["entries"] == []
    assert "is not in Annex III" in out["note"] and "PIC procedure does not apply" in out["note"]
    text = crc("export-check", query, "--to", "Brazil").out
    assert "Not in Annex III" in text and "export_allowed" not in text


def test_export_check_hs_code_of_several_entries_asks_for_the_chemical(crc):
    out = crc("export-check", "3824.88", "--to", "European Union", "--as-of", "2026-11-30", "--format", "json").json()
    assert out["in_annex_iii"] and len(out["entries"]) == 2 and out["export_allowed"] is None
    assert {e["entry_id"] for e in out["entries"]} == {"commercial-pentabromodiphenyl-ether", "commercial-octabromodiphenyl-ether"}
    assert "name the chemical" in out["note"]
    deca = crc("export-check", "2909.30", "--to", "European Union", "--as-of", "2026-11-30", "--format", "json").json()
    assert (deca["entry_id"], deca["export_allowed"]) == ("decabromodiphenyl-ether", "with_conditions")


def test_export_check_to_a_non_party(crc):
    out = crc("export-check", "aldrin", "--to", "United States of America", "--format", "json").json()
    assert out["in_annex_iii"] and out["export_allowed"] is None and "not a Party" in out["note"]


def test_export_check_unknown_country_is_a_usage_error(crc):
    r = crc("export-check", "aldrin", "--to", "Atlantis")
    assert r.code == 2 and "unknown country 'Atlantis'" in r.err


# --------------------------------------------------------------------------- template, dashboard data


def test_template_responses_columns_are_the_declared_fields(crc):
    from crc_tools.intake.fields import response_schema

    r = crc("template", "responses")
    assert r.code == 0
    header = r.out.strip().split(",")
    assert set(header) == set(response_schema().names) and header[:5] == ["response_id", "party", "chemical", "kind", "decision"]


def test_chemical_responses_for_the_dashboard():
    from crc_tools.intake.reader import load
    from crc_tools.responses.status import chemical_responses, from_intake

    responses = from_intake(load([SAMPLE]))
    table = chemical_responses("phorate", responses, as_of=dt.date(2026, 11, 30))
    answered = table[table["decision"].notna()]
    assert set(answered["party"]) >= {"Australia", "Botswana", "Brazil", "European Union"}
    assert chemical_responses("chrysotile asbestos", responses).empty


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=12), st.text(alphabet='ab{}[],:"\\/ é\n', max_size=20), st.booleans() | st.none()), min_size=1, max_size=6))
def test_json_output_is_the_records_whatever_the_text(values):
    import json

    from crc_tools.responses.status import RESPONSE_COLUMNS, status_json, status_records

    frame = pd.DataFrame({c: [None] * len(values) for c in RESPONSE_COLUMNS})
    frame["party"] = [v[0] for v in values]
    frame["conditions"] = [v[1] for v in values]
    frame["overdue"] = pd.array([v[2] for v in values], dtype="boolean")
    frame["due_date"] = pd.Series([pd.Timestamp("2026-07-22")] * len(values), dtype="datetime64[s]")
    assert json.loads(status_json(frame)) == status_records(frame)


def test_dashboard_chemical_page_shows_the_parties_responses(tmp_path):
    pytest.importorskip("panel")
    from crc_tools.dashboard.data import MeetingData
    from crc_tools.dashboard.views import build_app

    data = MeetingData(reports_dir=tmp_path / "reports", today=dt.date(2026, 11, 30))
    phorate = data.responses_of("Phorate (pesticide)")
    answered = dict(zip(phorate["party"], phorate["decision"], strict=True))
    assert answered["Brazil"] == "no_consent" and answered["Australia"] == "consent_with_conditions"
    assert list(phorate["decision"] != "")[: len([d for d in answered.values() if d])] == [True] * len([d for d in answered.values() if d])  # answered first
    assert data.responses_of("Chrysotile asbestos (industrial)").empty  # not in Annex III: no responses
    dash = build_app(data, auth_enabled=False, poll=False)
    dash.chemical_select.value = "Carbosulfan (pesticide)"
    shown = dash.responses_table.value
    assert dash.responses_table.visible and {"Canada", "Albania"} <= set(shown["party"])
    assert dict(zip(shown["party"], shown["overdue"], strict=True))["Albania"] == "yes"
    dash.chemical_select.value = "Chrysotile asbestos (industrial)"
    assert not dash.responses_table.visible and "Not listed in Annex III" in dash.responses_note.object


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["Canada", "Chile", "Brazil"]), st.sampled_from(["Carbosulfan", "Phorate"]), st.sampled_from(["2026-01-01", "2026-02-01", "2026-03-01", ""]), st.sampled_from(["", "2026-05-01"])), min_size=1, max_size=12))
def test_current_response_is_the_one_no_other_supersedes(rows):
    import tempfile

    from crc_tools.intake.reader import load
    from crc_tools.responses.status import current_responses, from_intake, response_history

    records = [R(f"r{i}", party, chem, received=received, published_date="2025-12-12" if not received else "", applies_from=applies) for i, (party, chem, received, applies) in enumerate(rows)]
    with tempfile.TemporaryDirectory() as tmp:
        responses = from_intake(load([write(Path(tmp) / "r.csv", records)]))
    current = set(current_responses(responses)["response_id"])
    history = response_history(responses)
    assert current == set(history.loc[history["superseded_by"] == "", "response_id"])
    assert len(current) == len({(p, c) for p, c, _, _ in rows})  # one current response per Party and entry
