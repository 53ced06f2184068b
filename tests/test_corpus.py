"""Hostile and malformed inputs (tests/corpus): each gets a clear error or is handled safely.

For every input in ``tests/corpus/inputs`` the manifest gives the exit status, how many
good records must come through, and the message. Every run is also checked for no
traceback, no hang, and no file written outside its own folder.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT, run_crc

CORPUS = ROOT / "tests" / "corpus"
MANIFEST = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))
INPUTS = sorted(p.name for p in (CORPUS / "inputs").iterdir())
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


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
    assert not CONTROL.search(r.out + r.err.replace("\n", "")), "a control character from the data reached the terminal"
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
    from crc_tools.register.store import Register

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


@pytest.mark.parametrize(
    "make,message",
    [
        pytest.param(lambda p: os.mkfifo(p), "not a regular file", id="fifo"),
        pytest.param(lambda p: p.symlink_to("/dev/zero"), "not a regular file", id="dev-zero"),
        pytest.param(lambda p: p.write_text("[" * 100_000 + "]" * 100_000), "JSON nested too deeply", id="deep"),
        pytest.param(lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "file is binary", id="binary"),
    ],
)
def test_register_import_of_a_hostile_file_is_refused_without_hanging(tmp_path, make, message):
    path = tmp_path / "determinations.json"
    make(path)
    r = _run_bounded("register", "import", path, seconds=60)
    assert r.code == 1 and "Traceback" not in r.err and "internal error" not in r.err, r.err
    assert f"{path}: {message}" in r.err


def test_register_import_refuses_impossible_entry_ids_and_control_characters(tmp_path):
    base = {"subject_id": "THA-ENDOSULFAN-2004", "criterion": "(a)", "status": "met", "recorded_by": "TG1", "role": "task_group"}
    rows = [
        {**base, "supersedes": "1e400"},
        {**base, "supersedes": 10**30},
        {**base, "recorded_by": "TG1\u001b[2J"},
        base,
    ]
    path = tmp_path / "determinations.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    r = run_crc("register", "import", path, "--format", "json")
    assert r.code == 1 and "internal error" not in r.err, r.err
    assert [e["recorded_by"] for e in r.json()] == ["TG1"]
    assert f"{path}:1: supersedes: '1e400' is not an entry id" in r.err
    assert f"{path}:2: supersedes: '{10**30}' is not an entry id" in r.err
    assert f"{path}:3: recorded_by: text holds the control character U+001B (ESC)" in r.err
    assert "\x1b" not in r.err


def test_xlsx_export_neutralises_formulas_in_every_column(tmp_path):
    """Ids and countries are categorical columns: their cells are neutralised too, and no cell is a formula."""
    import openpyxl

    from crc_tools.workbench import Workbench, export_analysis_table

    table = tmp_path / "t.csv"
    table.write_text(
        "notification_id,chemical,category,notifying_party\n=1+1,-1+1,industrial,Canada\n@SUM(A1),+cmd|' /C calc'!A0,pesticide,Japan\n",
        encoding="utf-8",
    )
    path = export_analysis_table(Workbench.load([CORPUS / "inputs" / "formula-injection.csv", table], register=False), tmp_path / "analysis.xlsx")
    cells = [c for ws in openpyxl.load_workbook(path) for row in ws.iter_rows() for c in row]
    assert any(isinstance(c.value, str) and "HYPERLINK" in c.value for c in cells)
    for c in cells:
        assert c.data_type != "f", c.value
        assert not (isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))), c.value


def test_megabyte_values_are_refused_with_short_messages(tmp_path):
    """1 MB in coded fields (country, category, CAS, date, boolean): each refused, none echoed whole."""
    big = "ab" * 500_000
    path = tmp_path / "huge.csv"
    path.write_text(
        "notification_id,chemical,category,notifying_party,cas_number,fra_date,fra_type,annex_i_verified\n"
        f"A1,Endosulfan,pesticide,{big},,,,\nA2,Endosulfan,{big},Japan,{big},{big},{big},{big}\nA3,Endosulfan,pesticide,Japan,,,,\n",
        encoding="utf-8",
    )
    r = _run_bounded("validate", path, "--format", "json", seconds=60)
    assert r.code == 1 and [x["notification_id"] for x in r.json()] == ["A3"]
    lines = [x for x in r.err.splitlines() if x.startswith(str(path))]
    assert len(lines) == 6 and all(len(x) < 2_000 for x in lines)
    assert "message cut" in lines[0]


# --------------------------------------------------------------------------- generated inputs (tests/corpus/generate.py)

ADDRESS_SPACE = 1536 * 1024 * 1024
"""Every generated input is read under a 1.5 GB address-space limit (issue 16): a bomb must be refused, not fill memory."""


def _generated():
    import importlib.util

    spec = importlib.util.spec_from_file_location("corpus_generate", CORPUS / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.GENERATED


GENERATED = _generated()


@pytest.fixture(scope="module")
def generated_inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated-corpus")
    for name, case in GENERATED.items():
        case["make"](folder / name)
    return folder


def _limited():
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


@pytest.mark.xdist_group("generated-corpus")
@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_input_gets_its_expected_outcome_within_1_5_gb(name, generated_inputs, tmp_path):
    import subprocess
    import sys

    expected = GENERATED[name]
    crc = Path(sys.executable).parent / "crc"
    r = subprocess.run([str(crc), "validate", str(generated_inputs / name), "--format", "json"], capture_output=True, text=True, cwd=tmp_path, preexec_fn=_limited, timeout=120)
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr and "MemoryError" not in r.stderr, r.stderr[-2000:]
    assert r.returncode == expected["exit"], r.stderr[-2000:]
    assert len(json.loads(r.stdout)) == expected["good"]
    assert expected["stderr"] in r.stderr, r.stderr[-2000:]
    assert len(r.stderr.splitlines()) < 50, "one line per problem kind, not one per key or cell"


FORMAT_CHARACTERS = re.compile("[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_free_text_may_hold_bidirectional_controls_but_the_terminal_gets_them_escaped(fmt):
    """U+202E was accepted in names and shown reversed, in the terminal too."""
    from crc_tools.intake.reader import load

    (summary,) = load([CORPUS / "inputs" / "bidi-in-free-text.csv"]).notifications["fra_summary"]
    assert "\u202e" in summary  # free text keeps it
    justification = "the notification says \u202etxet desrever\u202c; see \u2066p. 3\u2069"
    r = run_crc("register", "record", "THA-ENDOSULFAN-2004", "--criterion", "(a)", "--status", "not_met", "--justification", justification, "--by", "TG1", "--role", "task_group")
    assert r.code == 0, r.err
    r = run_crc("register", "current", "--format", fmt)
    assert r.code == 0 and not FORMAT_CHARACTERS.search(r.out + r.err)
    if fmt == "json":
        assert r.json()[0]["justification"] == justification and "\\u202e" in r.out
    else:
        assert "\\u202etxet desrever" in r.out
    r = run_crc("register", "record", "THA-ENDOSULFAN-2004", "--criterion", "(a)", "--status", "met", "--by", "TG\u202e1", "--role", "task_group")
    assert r.code == 1 and "recorded_by: text holds the invisible format character U+202E" in r.err and not FORMAT_CHARACTERS.search(r.err)
