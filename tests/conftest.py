"""Shared fixtures: a bulk-table writer and an in-process ``crc`` runner."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_CASES = ROOT / "tests" / "data" / "crc_cases.csv"
BULK_COLUMNS = ["notification_id", "chemical", "category", "notifying_party", "cas_number", "fra_type", "fra_date", "received_date", "annex_i_verified", "annex_ii_conclusion"]


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


def run_crc(*argv: str) -> Run:
    """Run ``crc`` in-process and capture what it prints."""
    from crc_tools.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:  # argparse usage errors
            code = exc.code if isinstance(exc.code, int) else 2
    return Run(code, out.getvalue(), err.getvalue())


def run_crc_process(*argv: str, cwd: Path | None = None, env: dict | None = None) -> Run:
    """Run the installed console script in a separate process."""
    exe = Path(sys.executable).parent / "crc"
    proc = subprocess.run([str(exe), *map(str, argv)], capture_output=True, text=True, cwd=cwd, env={**os.environ, **(env or {})}, timeout=600)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def write_bulk(path: Path, rows: list[dict], columns: list[str] | None = None) -> Path:
    columns = columns or BULK_COLUMNS
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in columns})
    return path


@pytest.fixture
def bulk(tmp_path):
    def make(rows, columns=None, name="bulk.csv"):
        return write_bulk(tmp_path / name, rows, columns)

    return make


@pytest.fixture
def crc():
    return run_crc


@pytest.fixture(scope="session")
def _empty_register(tmp_path_factory) -> Path:
    """An empty register made once (``crc register init``); each test gets a copy of it."""
    from crc_tools.register.store import Register

    path = tmp_path_factory.mktemp("register-template") / "register.sqlite"
    with Register(f"sqlite:///{path}", create=True) as reg:
        reg.init()
    return path


def new_register(path: Path, template: Path) -> str:
    """Copy the empty register to ``path``; return its URL."""
    import shutil

    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path, monkeypatch, _empty_register):
    """Keep tests away from the developer's register, overrides and reports (each test has an empty register of its own)."""
    monkeypatch.setenv("CRC_DATABASE_URL", new_register(tmp_path / "register.sqlite", _empty_register))
    monkeypatch.setenv("CRC_REPORTS_DIR", str(tmp_path / "reports"))
    monkeypatch.setenv("CRC_REGION_OVERRIDES", "none")
    monkeypatch.setenv("CRC_WORKSPACE", "none")  # no developer's crc.toml; tests of workspaces remove this (tests/test_workspace.py)
    from crc_tools.convention import reference

    reference._region_table.cache_clear()
    yield
