"""Intake: every bad record gets a clear error naming file, record and field; good records go on."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from crc_tools.intake.reader import load, load_text

GOOD = {"notification_id": "N1", "chemical": "Endosulfan", "category": "pesticide", "notifying_party": "Netherlands", "cas_number": "115-29-7", "fra_type": "ban",
        "fra_date": "2001-01-01", "received_date": "2001-02-01", "annex_i_verified": "true", "annex_ii_conclusion": "met"}


def _messages(result):
    return [p.format() for p in result.problems]


BAD_FIELDS = [
    pytest.param("notifying_party", "Frnace", "notifying_party: unknown country 'Frnace'; did you mean 'France'?", id="unknown country with suggestion"),
    pytest.param("notifying_party", "Atlantis", "notifying_party: unknown country 'Atlantis'", id="unknown country"),
    pytest.param("cas_number", "115-29-8", "cas_number: CAS number 115-29-8 has a wrong check digit (the digits give 7, not 8)", id="bad CAS check digit"),
    pytest.param("cas_number", "endosulfan", "cas_number: 'endosulfan' is not a CAS number", id="CAS not a number"),
    pytest.param("category", "pestcide", "category: 'pestcide' is not one of pesticide, industrial", id="unknown category"),
    pytest.param("category", "", "category: value is required", id="missing category"),
    pytest.param("chemical", "", "chemical: value is required", id="missing chemical"),
    pytest.param("notifying_party", "", "notifying_party: value is required", id="missing party"),
    pytest.param("fra_date", "2023-02-30", "fra_date: impossible date 2023-02-30", id="impossible date"),
    pytest.param("fra_date", "30/01/2020", "fra_date: '30/01/2020' is not a date in ISO form YYYY-MM-DD", id="non-ISO date"),
    pytest.param("received_date", "2999-01-01", "received_date: date is in the future", id="future received date"),
    pytest.param("annex_i_verified", "maybe", "annex_i_verified: 'maybe' is not true or false", id="bad boolean"),
    pytest.param("fra_type", "forbidden", "fra_type: 'forbidden' is not one of ban, severe_restriction", id="bad action type"),
    pytest.param("annex_ii_conclusion", "perhaps", "annex_ii_conclusion: 'perhaps' is not one of met, not_met, pending", id="bad conclusion"),
    pytest.param("fra_date", "1066-10-14", "fra_date: date 1066-10-14 is before 1900", id="date before 1900"),
]


@pytest.mark.parametrize("field,value,message", BAD_FIELDS)
def test_bad_record_is_reported_and_good_ones_go_on(bulk, field, value, message):
    path = bulk([{**GOOD, "notification_id": "OK1"}, {**GOOD, "notification_id": "BAD", field: value}, {**GOOD, "notification_id": "OK2", "notifying_party": "Thailand"}])
    result = load([path])
    assert list(result.notifications["notification_id"]) == ["OK1", "OK2"]
    errors = [p.format() for p in result.problems.errors]
    assert len(errors) == 1
    assert errors[0].startswith(f"{path}:3: {message}")


def test_every_bad_record_is_reported(bulk):
    path = bulk([{**GOOD, "notification_id": f"N{i}", "cas_number": "115-29-8"} for i in range(5)] + [{**GOOD, "notification_id": "fine"}])
    result = load([path])
    assert [p.record for p in result.problems.errors] == ["2", "3", "4", "5", "6"]
    assert list(result.notifications["notification_id"]) == ["fine"]


def test_duplicate_id_is_reported_with_the_first_occurrence(bulk):
    path = bulk([GOOD, {**GOOD, "notifying_party": "Thailand"}])
    result = load([path])
    (err,) = result.problems.errors
    assert err.format() == f"{path}:3: notification_id: duplicate notification_id 'N1' (first seen in {path}:2); this record is left out"
    assert len(result.notifications) == 1


def test_duplicate_across_files(tmp_path, bulk):
    a = bulk([GOOD], name="a.csv")
    b = bulk([GOOD], name="b.csv")
    result = load([a, b])
    assert len(result.notifications) == 1 and result.problems.errors[0].source == str(b)


def test_country_without_region_is_kept_and_reported_not_counted(bulk):
    result = load([bulk([{**GOOD, "notifying_party": "Mauritania"}])])
    assert not result.problems.errors
    (w,) = result.problems.warnings
    assert "no established PIC region" in w.message and w.field == "notifying_party"
    assert result.notifications.loc[0, "pic_region"] == ""


def test_missing_required_column_names_the_file(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("notification_id,chemical,category\nN1,Endosulfan,pesticide\n", encoding="utf-8")
    result = load([p])
    assert result.problems.errors[0].format().startswith(f"{p}: missing required column(s): notifying_party")


def test_extra_columns_are_reported_not_fatal(bulk):
    path = bulk([{**GOOD, "remarks": "x"}], columns=[*GOOD, "remarks"])
    result = load([path])
    assert len(result.notifications) == 1
    assert any("remarks" in w.message for w in result.problems.warnings)


def test_ragged_row_is_reported_and_others_kept(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("notification_id,chemical,category,notifying_party\nN1,Endosulfan,pesticide,Thailand\nN2,Endosulfan,pesticide,Thailand,extra,cells\nN3,Aldicarb,pesticide,Jamaica\n", encoding="utf-8")
    result = load([p])
    assert list(result.notifications["notification_id"]) == ["N1", "N3"]
    assert result.problems.errors[0].format() == f"{p}:3: row has 6 cells but the header has 4; row left out"


@pytest.mark.parametrize(
    "data,message",
    [
        pytest.param(b"", "file is empty", id="empty"),
        pytest.param(b"\x00\x01\x02binary\x00", "file is binary", id="binary"),
        pytest.param("notification_id,chemical\n".encode("utf-16"), "UTF-16", id="utf-16"),
        pytest.param("notification_id,chemical,category,notifying_party\nN1,Lindane,pesticide,Côte d'Ivoire\n".encode("latin-1"), "not UTF-8", id="latin-1"),
    ],
)
def test_bad_encodings(tmp_path, data, message):
    p = tmp_path / "t.csv"
    p.write_bytes(data)
    result = load([p])
    assert message in result.problems.errors[0].message


def test_utf8_bom_and_crlf_are_fine(tmp_path):
    p = tmp_path / "t.csv"
    p.write_bytes("\ufeffnotification_id,chemical,category,notifying_party\r\nN1,Lindane,pesticide,Côte d'Ivoire\r\n".encode("utf-8"))
    result = load([p])
    assert not result.problems and result.notifications.loc[0, "notifying_party"] == "Côte d'Ivoire"


def test_xlsx_bulk_table(tmp_path):
    p = tmp_path / "t.xlsx"
    pd.DataFrame([GOOD, {**GOOD, "notification_id": "N2", "cas_number": "115-29-8"}]).to_excel(p, index=False)
    result = load([p])
    assert list(result.notifications["notification_id"]) == ["N1"]
    assert result.problems.errors[0].format().startswith(f"{p}:3: cas_number:")


def test_not_a_workbook(tmp_path):
    p = tmp_path / "t.xlsx"
    p.write_text("hello", encoding="utf-8")
    assert "not an XLSX workbook" in load([p]).problems.errors[0].message


CASE = """
notification_id: C1
notifying_party: Thailand
chemical: {common_name: Endosulfan, cas_numbers: ["115-29-7"]}
final_regulatory_action:
  type: ban
  entry_into_force: "2004-01-01"
  categories:
    - {category: pesticide, uses_prohibited: all uses}
"""


def _case(tmp_path, text, name="case.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_case_file_is_read(tmp_path):
    result = load([_case(tmp_path, CASE)])
    assert not result.problems.errors
    row = result.notifications.iloc[0]
    assert (row["chemical"], row["category"], row["pic_region"], row["uses_prohibited"]) == ("Endosulfan", "pesticide", "Asia", "all uses")


def test_case_file_with_two_categories_gives_two_rows(tmp_path):
    text = CASE.replace("    - {category: pesticide, uses_prohibited: all uses}", "    - {category: pesticide}\n    - {category: industrial}")
    result = load([_case(tmp_path, text)])
    assert sorted(result.notifications["category"]) == ["industrial", "pesticide"]
    assert not result.problems.errors


def test_case_file_bad_field_names_path(tmp_path):
    result = load([_case(tmp_path, CASE.replace("115-29-7", "115-29-8"))])
    assert result.problems.errors[0].format() == f"{tmp_path / 'case.yaml'}: chemical.cas_numbers: CAS number 115-29-8 has a wrong check digit (the digits give 7, not 8) (form 1.4.1, Annex I 1(d): CAS number(s))"


def test_case_file_unknown_key_is_a_warning(tmp_path):
    result = load([_case(tmp_path, CASE + "colour: blue\n")])
    assert len(result.notifications) == 1
    assert result.problems.warnings[0].field == "colour"


def test_case_file_wrong_shape(tmp_path):
    result = load([_case(tmp_path, CASE.replace("chemical: {common_name: Endosulfan, cas_numbers: [\"115-29-7\"]}", "chemical: [1, 2]"))])
    assert result.problems.errors[0].field == "chemical"


def test_yaml_python_object_is_refused(tmp_path):
    p = _case(tmp_path, "notification_id: !!python/object/apply:os.system ['echo pwned']\n")
    result = load([p])
    assert "YAML tag not allowed" in result.problems.errors[0].message
    assert result.notifications.empty


def test_yaml_billion_laughs_is_refused_quickly(tmp_path):
    lol = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8))
    result = load([_case(tmp_path, lol)])
    assert "aliases" in result.problems.errors[0].message


def test_invalid_yaml_names_line(tmp_path):
    result = load([_case(tmp_path, "notification_id: [unclosed\n")])
    err = result.problems.errors[0]
    assert err.message.startswith("not valid YAML") and err.record


def test_json_case_file(tmp_path):
    import yaml

    doc = yaml.safe_load(CASE)
    p = tmp_path / "case.json"
    p.write_text(json.dumps(doc), encoding="utf-8")
    assert len(load([p]).notifications) == 1


def test_list_of_case_documents_names_each_record(tmp_path):
    text = "- " + CASE.strip().replace("\n", "\n  ") + "\n- " + CASE.strip().replace("C1", "C2").replace("115-29-7", "115-29-8").replace("\n", "\n  ") + "\n"
    result = load([_case(tmp_path, text)])
    assert list(result.notifications["notification_id"]) == ["C1"]
    assert result.problems.errors[0].record == "2 (C2)"


def test_determination_checks(tmp_path):
    text = CASE + "determinations:\n  - {criterion: '(e)', status: met}\n  - {criterion: '(a)', status: not_met}\n  - {criterion: '(b)(i)', status: met, justification: ok, role: committee}\n"
    result = load([_case(tmp_path, text)])
    msgs = [p.format() for p in result.problems.errors]
    assert any("determinations[1].criterion: '(e)' is not a criterion of Annex II" in m for m in msgs)
    assert any("determinations[2].justification: a 'not_met' determination needs a justification" in m for m in msgs)
    assert list(result.determinations["criterion"]) == ["(b)(i)"]


def test_huge_field_is_refused(bulk):
    path = bulk([{**GOOD, "chemical": "x" * 200_000}])
    assert "more than the 100,000 accepted" in load([path]).problems.errors[0].message


def test_missing_path_and_wrong_suffix(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    result = load([tmp_path / "nope.csv", tmp_path / "notes.txt"])
    assert [p.message.split(" (")[0] for p in result.problems.errors] == ["no such file or folder", "not a case file or table"]


def test_eu_names_all_resolve_to_one_party(bulk):
    rows = [{**GOOD, "notification_id": f"N{i}", "notifying_party": p} for i, p in enumerate(["EU", "European Union", "European Community", "EUU", "European Union (European Community)"])]
    result = load([bulk(rows)])
    assert set(result.notifications["notifying_party"]) == {"European Union"}


def test_joint_notification_of_several_parties_is_split_per_party(bulk):
    """Annex II (b)(iii) is judged per Party: a joint row becomes one notification per Party, ids suffixed, and says so."""
    result = load([bulk([{**GOOD, "notification_id": "J1", "notifying_party": "Canada; Mexico"}, {**GOOD, "notification_id": "N2", "notifying_party": "Japan"}])])
    n = result.notifications
    assert list(n["notification_id"]) == ["J1-CAN", "J1-MEX", "N2"]
    assert list(n["notifying_party"]) == ["Canada", "Mexico", "Japan"] and list(n["party_iso3"]) == ["CAN", "MEX", "JPN"]
    assert list(n["pic_region"]) == ["North America", "Latin America and the Caribbean", "Asia"]
    (msg,) = [p.format() for p in result.problems]
    assert msg.endswith(":2: notifying_party: warning: joint notification of Canada, Mexico split into one notification per Party: J1-CAN, J1-MEX (Annex II (b)(iii) and the PIC regions are judged per Party)")
    assert result.ok


def test_a_split_id_already_taken_is_refused(bulk):
    result = load([bulk([{**GOOD, "notification_id": "J1", "notifying_party": "Canada; Mexico"}, {**GOOD, "notification_id": "J1-MEX", "notifying_party": "Mexico"}])])
    assert list(result.notifications["notification_id"]) == ["J1-MEX"]
    assert any(p.field == "notification_id" and "J1-MEX is already the id of another notification" in p.message for p in result.problems.errors)


def test_the_annotated_notification_example_is_a_valid_case_file(tmp_path):
    """The notification example in data/cases/README.md reads without a problem (the documentation cannot rot)."""
    import re

    from .conftest import ROOT

    text = (ROOT / "data" / "cases" / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if "kind: notification" in b)
    result = load([_case(tmp_path, block)])
    assert not result.problems, [p.format() for p in result.problems]
    assert len(result.notifications) == 1 and len(result.determinations) == 1


def test_a_warning_repeated_on_many_rows_is_reported_once_per_file_and_message(tmp_path):
    """Repeated warnings are grouped by file and by message; different messages and files stay apart."""
    from .conftest import write_bulk

    def rows(prefix, n):
        out = []
        for i in range(n):
            party = "Mauritania" if i % 2 == 0 else "Algeria"  # two unplaced countries: two messages
            out.append({**GOOD, "notification_id": f"{prefix}{i}", "notifying_party": party})
        return out

    a = write_bulk(tmp_path / "a.csv", rows("A", 20), list(GOOD))
    b = write_bulk(tmp_path / "b.csv", rows("B", 14), list(GOOD))
    result = load([a, b])
    warnings = [p for p in result.problems if p.field == "notifying_party"]
    assert len(result.notifications) == 34 and not result.problems.errors
    grouped = {(p.source.rsplit("/", 1)[-1], p.message.split(" has no")[0]): p.message for p in warnings}
    assert len(warnings) == 4 and set(grouped) == {("a.csv", "Mauritania"), ("a.csv", "Algeria"), ("b.csv", "Mauritania"), ("b.csv", "Algeria")}
    assert "[the same on 9 more record(s) of this file" in grouped[("a.csv", "Mauritania")]
    assert "[the same on 6 more record(s) of this file" in grouped[("b.csv", "Algeria")]


def test_bulk_table_cells_are_kept_as_their_text(tmp_path):
    """Ids, HS codes and numbers that look numeric keep their exact text; true/false words are read as given."""
    path = tmp_path / "text.csv"
    path.write_text(
        "notification_id,chemical,category,notifying_party,hs_code,annex_i_verified,fra_date\n"
        "0012,Endosulfan,pesticide,Netherlands,2920.30,TRUE,2001-01-01\n"
        '0013,"Lead arsenate, basic",pesticide,Peru,2842.90,false,2001-01-02\n'
        "14,\"Chrysotile\nasbestos\",industrial,Chile,2524.90,True,2001-01-03\n",
        encoding="utf-8",
    )
    result = load([path])
    assert not result.problems.errors, _messages(result)
    n = result.notifications.set_index("notification_id")
    assert list(n.index) == ["0012", "0013", "14"]
    assert list(n["hs_code"].astype(str)) == ["2920.30", "2842.90", "2524.90"]
    assert list(n["chemical"].astype(str)) == ["Endosulfan", "Lead arsenate, basic", "Chrysotile\nasbestos"]
    assert list(n["annex_i_verified"]) == [True, False, True]


def test_blank_rows_are_skipped_and_rows_keep_their_spreadsheet_numbers(tmp_path):
    """A blank line or a row of empty cells is no record; the rows after it keep the number a spreadsheet shows."""
    p = tmp_path / "t.csv"
    p.write_text("notification_id,chemical,category,notifying_party\nN1,Endosulfan,pesticide,Thailand\n\n,,,\nN2,Endosulfan,pesticide,Atlantis\n", encoding="utf-8")
    result = load([p])
    assert [e.format().split(";")[0] for e in result.problems.errors] == [f"{p}:5: notifying_party: unknown country 'Atlantis'"]
    assert list(result.notifications["notification_id"]) == ["N1"]


def test_ids_differing_only_in_case_or_spaces_are_duplicates(tmp_path, bulk):
    a = bulk([GOOD], name="a.csv")
    b = bulk([{**GOOD, "notification_id": " n1 ", "notifying_party": "Thailand"}], name="b.csv")
    result = load([a, b])
    (err,) = result.problems.errors
    assert err.format() == f"{b}:2: notification_id: duplicate notification_id 'n1' (first seen in {a}:2 as 'N1'); this record is left out"
    assert list(result.notifications["notification_id"]) == ["N1"]


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_is_refused_without_reading_it(device):
    (err,) = load([device]).problems.errors
    assert err.format() == f"{device}: not a regular file or folder (a pipe, socket or device); give a case file, a table or a folder"


@pytest.mark.parametrize("name", ["..", "", ".", "/", "a/.."])
def test_load_text_with_a_name_that_is_no_file_name(name):
    result = load_text("notification_id,chemical,category,notifying_party\nN1,Endosulfan,pesticide,Japan\n", name)
    assert list(result.notifications["notification_id"]) == ["N1"]


def test_a_folder_that_cannot_be_listed_is_reported(tmp_path, monkeypatch, bulk):
    """Permission denied on a sub-folder: reported, the readable files still read (root cannot be denied, so simulated)."""
    import os

    bulk([GOOD], name="a.csv")
    locked = tmp_path / "locked"
    locked.mkdir()
    bulk([{**GOOD, "notification_id": "N2"}], name="locked/b.csv")
    real = os.scandir

    def scandir(path="."):
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = load([tmp_path])
    assert list(result.notifications["notification_id"]) == ["N1"]
    assert [p.format() for p in result.problems.errors] == [f"{locked}: cannot read folder: Permission denied"]
