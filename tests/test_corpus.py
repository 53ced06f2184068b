"""Hostile and malformed inputs (tests/corpus): each gets a clear error or is handled safely.

For every input in ``tests/corpus/inputs`` the manifest gives the exit status, how many
good records must come through, and the message. Every run is also checked for no
traceback, no hang, and no file written outside its own folder.
"""

from __future__ import annotations

import csv
import io
import json
import signal
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT, run_crc

CORPUS = ROOT / "tests" / "corpus"
MANIFEST = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))
INPUTS = sorted(p.name for p in (CORPUS / "inputs").iterdir())


def test_every_input_has_an_expected_outcome():
    assert sorted(MANIFEST) == INPUTS


class _Timeout(Exception):
    pass


def _run_bounded(*argv, seconds=60):
    def handler(signum, frame):
        raise _Timeout

    old = signal.signal(signal.SIGALRM, handler)
    signal.alarm(seconds)
    try:
        return run_crc(*argv)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("name", INPUTS)
def test_input_gets_its_expected_outcome(name, tmp_path, monkeypatch):
    expected = MANIFEST[name]
    monkeypatch.chdir(tmp_path)
    before = set(Path(tmp_path).rglob("*"))
    r = _run_bounded("validate", CORPUS / "inputs" / name, "--format", "json")
    assert "Traceback" not in r.err and "internal error" not in r.err, r.err
    assert r.code == expected["exit"], r.err
    assert len(json.loads(r.out)) == expected["good"]
    assert expected["stderr"] in r.err
    after = set(Path(tmp_path).rglob("*")) - {p for p in Path(tmp_path).rglob("*") if "register" in p.name}
    assert after <= before, "a file was written outside the test's folder"
    assert not Path("/tmp/crc-pwned").exists()


@pytest.mark.parametrize("command", ["status", "verify", "score"])
def test_every_command_survives_the_whole_corpus(command):
    r = _run_bounded(command, CORPUS / "inputs", "--format", "json", seconds=120)
    assert r.code == 1 and "Traceback" not in r.err and "internal error" not in r.err
    assert isinstance(json.loads(r.out), list)


def _cells(text):
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.parametrize("command", ["status", "verify", "validate", "score"])
def test_csv_output_neutralises_formulas(command):
    r = run_crc(command, CORPUS / "inputs" / "formula-injection.csv", "--format", "csv")
    cells = _cells(r.out)
    assert any("HYPERLINK" in c for c in cells) or command == "status"
    for c in cells:
        assert not c.startswith(("=", "+", "@")), c
        if c.startswith("-"):
            float(c)  # only negative numbers may start with a minus


def test_register_export_neutralises_formulas(tmp_path):
    from crc_tools.register import Register

    reg = Register()
    reg.record("G1", "(a)", "not_met", justification="=HYPERLINK(\"http://evil.example\",\"x\")", recorded_by="@evil", role="task_group")
    out = tmp_path / "export.csv"
    r = run_crc("register", "export", "--format", "csv", "--out", out)
    assert r.code == 0, r.err
    for c in _cells(out.read_text(encoding="utf-8")):
        assert not c.startswith(("=", "+", "@"))


def test_yaml_never_runs_code(tmp_path):
    target = Path("/tmp/crc-pwned")
    if target.exists():
        target.unlink()
    run_crc("validate", CORPUS / "inputs" / "python-object.yaml")
    assert not target.exists()


def test_a_huge_table_is_read_without_hanging(tmp_path):
    """200,000 rows with every field filled: read, validated and reviewed in bounded time."""
    header = "notification_id,chemical,category,notifying_party,cas_number,fra_date,received_date,annex_i_verified,annex_ii_conclusion\n"
    row = "{i},Endosulfan,pesticide,{p},115-29-7,2004-01-01,2004-02-01,true,met\n"
    parties = ["Thailand", "Netherlands", "Canada", "Japan", "Narnia"]
    path = tmp_path / "huge.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(header)
        for i in range(200_000):
            fh.write(row.format(i=i, p=parties[i % 5]))
    r = _run_bounded("status", path, "--format", "json", seconds=120)
    assert r.code == 1
    assert r.err.count("unknown country 'Narnia'") == 40_000  # every bad record reported
    (row_out,) = r.json()
    assert row_out["regions_verified"] == ["Asia", "Europe", "North America"]
