"""The ``crc`` command-line contract (``../shared/DESIGN.md``)."""

from __future__ import annotations

import json

import pytest

from .conftest import run_crc, run_crc_process, write_bulk

GOOD = {"notification_id": "N1", "chemical": "Chem-X", "category": "industrial", "notifying_party": "Canada", "annex_i_verified": "true", "annex_ii_conclusion": "met"}
STATUS_KEYS = {"chemical", "category", "regions_verified", "regions_meeting_criteria", "forward_to_crc", "recommend_listing", "listed_in_annex_iii"}
REGIONS = {"Africa", "Asia", "Europe", "Latin America and the Caribbean", "Near East", "North America", "Southwest Pacific"}


def test_region_contract():
    r = run_crc("region", "MOZ", "Sri Lanka", "EU", "--format", "json")
    assert r.code == 0 and r.json() == {"MOZ": "Africa", "Sri Lanka": "Asia", "EU": "Europe"}
    table = run_crc("region", "MOZ", "Sri Lanka", "EU")
    assert [line.split()[0] for line in table.out.splitlines()[2:]] == ["MOZ", "Sri", "EU"]
    assert "Africa" in table.out and "Asia" in table.out and "Europe" in table.out


def test_region_unknown_country_exits_1_with_suggestion_and_prints_the_rest():
    r = run_crc("region", "Frnace", "Kenya", "--format", "json")
    assert r.code == 1 and r.json() == {"Kenya": "Africa"}
    assert r.err.strip() == "Frnace: country: unknown country 'Frnace'; did you mean 'France'?"


def test_region_not_established_explains_how_to_set_it():
    r = run_crc("region", "Tunisia")
    assert r.code == 1 and "region_overrides.csv" in r.err and "Traceback" not in r.err


def test_annex3_by_cas():
    r = run_crc("annex3", "115-29-7", "--format", "json")
    (entry,) = r.json()
    assert (entry["short_name"], entry["category"], entry["cop_listed"]) == ("Endosulfan", "pesticide", "COP-5")
    assert "COP-5" in run_crc("annex3", "115-29-7").out


def test_annex3_no_match_exits_1():
    r = run_crc("annex3", "unobtainium")
    assert r.code == 1 and "no Annex III entry matches" in r.err


def test_status_json_keys_and_region_names(tmp_path):
    path = write_bulk(tmp_path / "b.csv", [GOOD, {**GOOD, "notification_id": "N2", "notifying_party": "Japan"}], list(GOOD))
    r = run_crc("status", path, "--format", "json")
    assert r.code == 0, r.err
    (row,) = r.json()
    assert STATUS_KEYS <= set(row)
    assert row["regions_verified"] == ["Asia", "North America"] and set(row["regions_meeting_criteria"]) <= REGIONS
    assert row["forward_to_crc"] is True and row["recommend_listing"] is True and row["listed_in_annex_iii"] is False


def test_status_with_bad_records_prints_good_ones_and_exits_1(tmp_path):
    path = write_bulk(tmp_path / "b.csv", [GOOD, {**GOOD, "notification_id": "N2", "notifying_party": "Atlantis"}], list(GOOD))
    r = run_crc("status", path, "--format", "json")
    assert r.code == 1
    assert [x["chemical"] for x in r.json()] == ["Chem-X"]
    assert r.err.startswith(f"{path}:3: notifying_party: unknown country 'Atlantis'")


def test_status_csv(tmp_path):
    path = write_bulk(tmp_path / "b.csv", [GOOD], list(GOOD))
    r = run_crc("status", path, "--format", "csv")
    assert r.out.splitlines()[0].startswith("chemical,category,regions_verified")


def test_usage_error_exits_2():
    assert run_crc("status", "--format", "yaml").code == 2
    assert run_crc("nonsense").code == 2
    assert run_crc().code == 2


def test_validate_verify_score_on_a_table(tmp_path):
    path = write_bulk(tmp_path / "b.csv", [GOOD], list(GOOD))
    assert run_crc("validate", path).code == 0
    v = run_crc("verify", path, "--format", "json").json()
    assert v[0]["verified"] is True and any(i["item"] == "2(a)(iii)" and not i["present"] for i in v[0]["items"])
    s = run_crc("score", path, "--format", "json").json()
    assert s[0]["annex_ii_status"] == "met" and len(s[0]["criteria"]) == 9 and s[0]["criteria"][0]["aid"] in {"supports", "against", "no evidence"}


def test_garbage_input_never_gives_a_traceback(tmp_path):
    p = tmp_path / "x.yaml"
    p.write_bytes(b"\x00\xff\xfe garbage")
    for cmd in ("validate", "verify", "score", "status"):
        r = run_crc(cmd, p)
        assert r.code == 1 and "Traceback" not in r.err and str(p) in r.err


@pytest.mark.slow
def test_console_script_from_another_directory(tmp_path):
    r = run_crc_process("region", "MOZ", "--format", "json", cwd=tmp_path)
    assert r.code == 0 and json.loads(r.out) == {"MOZ": "Africa"}
    r = run_crc_process("status", "--format", "json", cwd=tmp_path)
    assert r.code in (0, 1) and isinstance(json.loads(r.out), list) and "Traceback" not in r.err
