"""Workbooks read whole and right: every visible table sheet, hidden ones named, --sheet, rows by number (issue 16)."""

from __future__ import annotations

import datetime as dt
import importlib.util

import openpyxl
import pytest

from crc_tools.intake.reader import load
from crc_tools.intake.tables import repeated_columns

from .conftest import ROOT, run_crc

_spec = importlib.util.spec_from_file_location("corpus_generate", ROOT / "tests" / "corpus" / "generate.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

HEADER = ["notification_id", "chemical", "category", "notifying_party", "fra_date"]


def _book(path, sheets: dict, hidden=()):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def test_every_visible_table_sheet_is_read_and_the_command_says_which(tmp_path):
    path = _book(tmp_path / "two.xlsx", {
        "2023": [HEADER, ["A1", "Endosulfan", "pesticide", "Japan", dt.date(2004, 1, 1)]],
        "2024": [HEADER, ["B1", "Endosulfan", "pesticide", "Canada", None], ["B2", "Endosulfan", "pesticide", "Narnia", None]],
        "notes": [["who", "what"], ["me", "a note"]],
        "archive": [HEADER, ["H1", "Endosulfan", "pesticide", "Japan", None]],
    }, hidden=("archive",))
    r = run_crc("validate", path, "--format", "json")
    assert r.code == 1
    assert sorted(x["notification_id"] for x in r.json()) == ["A1", "B1"]
    assert f"{path}: note: read sheets '2023', '2024'; not read: 'notes' (no header of a table the suite reads)" in r.err
    assert f"{path}: warning: sheet 'archive' is hidden and was not read; give --sheet 'archive' to read it" in r.err
    assert f"{path}[2024]:3: notifying_party: unknown country 'Narnia'" in r.err
    intake = load([path])
    a1 = intake.notifications.set_index("notification_id").loc["A1"]
    assert a1["fra_date"] == dt.datetime(2004, 1, 1), "a date cell is read as its date"
    r = run_crc("validate", path, "--sheet", "archive", "--format", "json")
    assert r.code == 0 and [x["notification_id"] for x in r.json()] == ["H1"]
    r = run_crc("status", path, "--sheet", "nope")
    assert r.code == 1 and f"{path}: no sheet named 'nope' in the workbook (its sheets: '2023', '2024', 'notes', 'archive')" in r.err


def test_rows_stored_out_of_order_are_read_as_their_rows(tmp_path):
    path = generate.out_of_order(tmp_path / "ooo.xlsx")
    intake = load([path])
    assert sorted(intake.notifications["notification_id"]) == ["N2", "N3"]
    assert [p.format().split(";")[0] for p in intake.problems.errors] == [f"{path}:4: notifying_party: unknown country 'Narnia'"]


def test_a_hidden_first_sheet_is_not_all_that_is_read(tmp_path):
    path = generate.hidden_first_sheet(tmp_path / "hidden.xlsx")
    intake = load([path])
    assert list(intake.notifications["notification_id"]) == ["V1"]
    assert any("sheet 'old' is hidden and was not read" in p.message for p in intake.problems.warnings)


def test_a_declared_dimension_past_the_column_limit_is_refused_before_reading_and_says_why(tmp_path):
    """The declared dimension is checked before parsing: a far formatted cell widens it, and the message says what to clear."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER[:4])
    ws.append(["A1", "Endosulfan", "pesticide", "Japan"])
    ws["XFD2"].number_format = "0.00"  # formatted, no value: Excel and openpyxl count it in the dimension
    wb.save(tmp_path / "styled.xlsx")
    intake = load([tmp_path / "styled.xlsx"])
    (error,) = intake.problems.errors
    assert "(its declared dimension A1:XFD2) has 16,384 columns, more than the 200 a table may have (limit: 200 columns)" in error.message
    assert "clear the formatting of the unused columns" in error.message


def test_register_import_reads_its_sheets_and_names_them(tmp_path):
    cols = ["subject_id", "criterion", "status", "recorded_by", "role"]
    path = _book(tmp_path / "det.xlsx", {
        "tg1": [cols, ["THA-ENDOSULFAN-2004", "(a)", "met", "TG1", "task_group"]],
        "tg2": [cols, ["THA-ENDOSULFAN-2004", "(b)(i)", "maybe", "TG2", "task_group"]],
    })
    r = run_crc("register", "import", path, "--format", "json")
    assert r.code == 1 and [e["criterion"] for e in r.json()] == ["(a)"]
    assert f"{path}:tg2!2: status: 'maybe' is not a status" in r.err
    r = run_crc("register", "import", path, "--sheet", "tg1", "--format", "json")
    assert r.code == 0 and [e["criterion"] for e in r.json()] == ["(a)"]


def test_repeated_header_names_are_found_in_linear_time():
    names = [f"c{i}" for i in range(1_000_000)]
    assert repeated_columns(names) == []
    assert repeated_columns(names + ["c5", "c7.1"]) == ["c5", "c7"]


@pytest.mark.parametrize("columns", [201, 40_000])
def test_a_wide_csv_is_refused_naming_the_column_limit(tmp_path, columns):
    path = generate.wide_csv(tmp_path / "wide.csv", columns)
    r = run_crc("validate", path)
    assert r.code == 1 and f"{path}:1: the header has {columns:,} columns, more than the 200 a table may have (limit: 200 columns)" in r.err
