"""Blank bulk tables (crc template): built from the declared fields, so what is filled in validates."""

from __future__ import annotations

import csv
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest

from crc_tools.intake.fields import incident_schema, notification_schema, part2_schema, proposal_schema
from crc_tools.intake.reader import load
from crc_tools.intake.template import template_columns, write_template

CRC = [sys.executable, "-m", "crc_tools.cli.main"]


@pytest.mark.parametrize(
    "kind,schema",
    [("notifications", notification_schema), ("proposals", proposal_schema), ("incidents", incident_schema), ("part2", part2_schema)],
    ids=["notifications", "proposals", "incidents", "part2"],
)
def test_every_declared_field_is_a_column_required_ones_first(kind, schema):
    columns = template_columns(kind)
    declared = schema()
    assert sorted(columns) == sorted(declared.names)
    n_required = len(declared.required)
    assert set(columns[:n_required]) == set(declared.required)


def test_a_filled_in_csv_template_validates(tmp_path):
    path = write_template("notifications", tmp_path / "fra.csv")
    with open(path, newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    row = dict.fromkeys(header, "")
    row.update(notification_id="NLD-2004-ENDO", chemical="Endosulfan", category="pesticide", notifying_party="Netherlands", cas_number="115-29-7", fra_type="ban")
    with open(path, "a", newline="", encoding="utf-8") as fh:
        csv.DictWriter(fh, fieldnames=header).writerow(row)
    result = load([path])
    assert not result.problems.errors, [p.format() for p in result.problems]
    assert not [p for p in result.problems if "not used by the suite" in p.message]
    assert list(result.notifications["notification_id"]) == ["NLD-2004-ENDO"]


def test_an_xlsx_template_has_the_columns_and_a_guide_and_validates_when_filled(tmp_path):
    path = write_template("notifications", tmp_path / "fra.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["notifications", "fields"]
    header = [c.value for c in wb["notifications"][1]]
    assert header == template_columns("notifications")
    guide = pd.read_excel(path, sheet_name="fields", dtype=str, keep_default_na=False)
    category = guide.set_index("column").loc["category"]
    assert category["required"] == "yes" and category["allowed values"] == "pesticide, industrial"
    ws = wb["notifications"]
    values = {"notification_id": "CAN-2013-TBT", "chemical": "Tributyltin compounds", "category": "industrial", "notifying_party": "CAN"}
    ws.append([values.get(c, None) for c in header])
    wb.save(path)
    result = load([path])
    assert not result.problems.errors, [p.format() for p in result.problems]
    assert result.notifications.iloc[0]["pic_region"] == "North America"


def test_an_incident_template_is_read_as_incident_reports(tmp_path):
    path = write_template("incidents", tmp_path / "incidents.csv")
    assert path.read_text(encoding="utf-8").startswith("proposal_id,")
    result = load([path])
    assert not result.problems.errors


def test_the_command_refuses_to_overwrite_and_writes_to_standard_output(tmp_path):
    target = tmp_path / "t.csv"
    target.write_text("keep me", encoding="utf-8")
    run = subprocess.run([*CRC, "template", "notifications", "--out", str(target)], capture_output=True, text=True)
    assert run.returncode == 2 and "exists" in run.stderr and "Traceback" not in run.stderr
    assert target.read_text(encoding="utf-8") == "keep me"
    run = subprocess.run([*CRC, "template", "notifications", "--out", str(target), "--force"], capture_output=True, text=True)
    assert run.returncode == 0 and target.read_text(encoding="utf-8").startswith("notification_id,")
    run = subprocess.run([*CRC, "template", "part2"], capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.startswith("proposal_id,part2_item")
    run = subprocess.run([*CRC, "template", "notifications", "--out", str(tmp_path / "missing" / "x.csv")], capture_output=True, text=True)
    assert run.returncode == 2 and "does not exist" in run.stderr
