"""Substance case files (kind: substance): what a DGD says beyond the notifications, each value with its reference."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from crc_tools.documents import build as documents
from crc_tools.documents import html as dm_html
from crc_tools.documents import model as dm
from crc_tools.intake.reader import load
from crc_tools.intake.template import substance_template

from .conftest import run_crc

ROOT = Path(__file__).resolve().parents[1]
CHEMICALS = ROOT / "data" / "cases" / "chemicals"
TODAY = dt.date(2025, 3, 1)

GOOD = {
    "kind": "substance",
    "chemical": "Examplefos",
    "cas_numbers": ["50-00-0"],
    "physico_chemical_properties": [{"property": "Solubility in water", "value": "0.11 mg/L", "conditions": "pH 9", "source": "r1"}],
    "hazard_classifications": [{"scheme": "WHO", "classification": "Class Ib", "source": "r1"}],
    "exposure_limits": [{"type": "ADI", "value": "0.01", "unit": "mg/kg bw", "body": "JMPR", "source": "r1"}],
    "transport": {"un_number": "2783", "transport_hazard_class": "6.1", "source": "r1"},
    "evaluations": [{"party": "Canada", "topic": "toxicology", "summary": "Inhibits <b>cholinesterase</b>.", "source": ["r1"]}],
    "references": [{"id": "r1", "citation": "A report (2020)."}],
    "sources": ["where the facts come from, never printed"],
}


def _load(tmp_path, doc, name="s.yaml"):
    (tmp_path / name).write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return load([tmp_path])


def test_the_sample_substance_files_are_valid():
    intake = load([CHEMICALS])
    assert [p.format() for p in intake.problems.items] == []
    names = sorted(r["chemical"] for r in intake.extra["substance"].records)
    assert names == ["Carbosulfan", "Fenthion", "Tributyltin compounds"]
    carbo = next(r for r in intake.extra["substance"].records if r["chemical"] == "Carbosulfan")
    assert all(p["source"] == "crc12_dgd" for p in carbo["physico_chemical_properties"])
    assert all(e["source"] for r in intake.extra["substance"].records for e in r["evaluations"]), "each value with its reference"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"physico_chemical_properties": [{"property": "Density", "value": "1", "source": "nowhere"}]}, "physico_chemical_properties[1]: source: names reference 'nowhere', which the file's references do not define; entry left out", id="unknown reference"),
        pytest.param({"cas_numbers": ["50-00-1"]}, "substance_cas_numbers:", id="bad CAS check digit"),
        pytest.param({"evaluations": [{"party": "Canada", "topic": "economics", "summary": "x", "source": ["r1"]}]}, "evaluation_topic: 'economics' is not one of", id="unknown Annex 1 topic"),
        pytest.param({"chemical": ""}, "substance_chemical: required", id="no chemical"),
        pytest.param({"exposure_limits": "ADI 0.01"}, "exposure_limits: expected a list, found str", id="not a list"),
    ],
)
def test_bad_substance_data_is_reported_and_the_rest_used(tmp_path, change, message):
    intake = _load(tmp_path, {**GOOD, **change})
    lines = [p.format() for p in intake.problems.items]
    assert any(message in line and line.startswith(str(tmp_path / "s.yaml")) for line in lines), lines
    if change.get("chemical") != "":
        (rec,) = intake.extra["substance"].records
        assert rec["references"] and rec["chemical"] == "Examplefos"


def test_unknown_keys_warn_and_a_second_file_for_one_chemical_is_left_out(tmp_path):
    _load(tmp_path, {**GOOD, "colour": "white"}, "a.yaml")
    intake = _load(tmp_path, {**GOOD, "chemical": "EXAMPLEFOS"}, "b.yaml")
    lines = [p.format() for p in intake.problems.items]
    assert any("colour: warning: not a field of a substance case file; ignored" in line for line in lines)
    assert any("already has substance data in" in line for line in lines)
    assert len(intake.extra["substance"].records) == 1


def test_crc_template_substance_gives_a_case_file_that_reads_once_filled(tmp_path):
    r = run_crc("template", "substance")
    assert r.code == 0 and r.out == substance_template()
    doc = yaml.safe_load(r.out)
    assert doc["kind"] == "substance" and set(doc) >= {"physico_chemical_properties", "hazard_classifications", "exposure_limits", "evaluations", "references", "transport", "first_aid", "waste_management"}
    doc["chemical"] = "Examplefos"
    for key in ("physico_chemical_properties", "hazard_classifications", "exposure_limits", "evaluations", "references"):
        doc[key] = []
    intake = _load(tmp_path, doc)
    assert intake.problems.errors == [] and intake.extra["substance"].records[0]["chemical"] == "Examplefos"
    assert run_crc("template", "substance", "--format", "csv").code == 2


def test_substance_values_reach_the_dgd_with_their_reference_and_escaped(tmp_path):
    cases = ROOT / "tests" / "data" / "documents" / "cases"
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(GOOD, allow_unicode=True), encoding="utf-8")
    data = documents.CaseData.load([cases, tmp_path], today=TODAY)
    doc = documents.dgd_document(chemical="Examplefos", data=data, today=TODAY)
    (hz,) = [b for b in dm.find_section(doc, "4.1")["blocks"] if b["type"] == "table"]
    assert hz["rows"][0] == ["WHO", "Class Ib", None, "[1]"]
    assert [r[0] for r in hz["rows"][1:]] == ["IARC", "GHS / European Union (Regulation (EC) No 1272/2008)", "US EPA"], "the usual schemes not given are rows to complete"
    (lim,) = [b for b in dm.find_section(doc, "4.2")["blocks"] if b["type"] == "table"]
    assert lim["rows"][0] == ["ADI", "0.01", "mg/kg bw", "JMPR", "[1]"] and [r[0] for r in lim["rows"][1:]] == ["ARfD", "AOEL"]
    transport = {r["label"]: r["value"] for b in dm.find_section(doc, "4.3")["blocks"] for r in b["rows"]}
    assert transport == {"UN number": "2783", "Transport hazard class": "6.1", "Packing group": None, "Reference": "[1]"}
    annex4 = [i for b in dm.find_section(doc, "annex4")["blocks"] if b["type"] == "list" for i in b["items"]]
    assert "[1] A report (2020)." in annex4
    html = dm_html.document_html(doc)
    assert "Inhibits &lt;b&gt;cholinesterase&lt;/b&gt;." in html and "never printed" not in html
    assert any("never printed" in n["text"] for n in doc["drafting_notes"])


def test_a_chemical_without_substance_data_says_to_complete_everywhere(tmp_path):
    cases = ROOT / "tests" / "data" / "documents" / "cases"
    doc = documents.dgd_document(chemical="Chrysotile asbestos", data=documents.CaseData.load([cases], today=TODAY), today=TODAY)
    for sid in ("4.1", "4.2", "4.3", "4.4", "annex1.1", "annex1.2"):
        assert dm.TO_COMPLETE in dm_html.section_html(dm.find_section(doc, sid)), sid
    assert any("No substance case file" in n["text"] for n in doc["drafting_notes"])
