"""Every notebook in notebooks/ is executed with papermill on the sample data, and must produce its result."""

from __future__ import annotations

import json
from pathlib import Path

import jupytext
import nbformat
import pytest

from .conftest import ROOT

NOTEBOOKS = ROOT / "notebooks"
pytestmark = [pytest.mark.slow]


def _run(name: str, tmp_path: Path, **parameters) -> nbformat.NotebookNode:
    import papermill

    nb = jupytext.read(NOTEBOOKS / name)
    src = tmp_path / (Path(name).stem + ".ipynb")
    nbformat.write(nb, src)
    out = tmp_path / (Path(name).stem + ".out.ipynb")
    papermill.execute_notebook(str(src), str(out), parameters=parameters, kernel_name="python3", cwd=str(tmp_path), progress_bar=False)
    return nbformat.read(out, as_version=4)


def _text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            parts.append(o.get("text", "") if isinstance(o.get("text", ""), str) else "")
            data = o.get("data", {})
            parts.append(data.get("text/plain", "") if isinstance(data.get("text/plain", ""), str) else "")
    return "\n".join(parts)


def test_every_notebook_is_covered():
    covered = {"10-review-notification.py", "20-review-shpf-proposal.py", "30-meeting-preparation.py", "40-secretariat-documents.py", "50-import-responses.py"}
    assert {p.name for p in NOTEBOOKS.glob("*.py")} == covered


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.py")), ids=lambda p: p.name)
def test_notebook_has_a_tagged_parameters_cell_and_no_outputs(path):
    nb = jupytext.read(path)
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


def test_review_notification_records_a_determination_and_renders_the_rationale(tmp_path):
    from crc_tools.register.store import Register

    nb = _run("10-review-notification.py", tmp_path, notification_id="THA-ENDOSULFAN-2004", record=True, criterion="(c)(iv)", status="not_met",
              justification="no trade evidence in the notification", references=["notification §2.5"], recorded_by="TG2 test", role="task_group",
              output_dir=str(tmp_path / "reports"))
    entries = [e for e in Register().entries() if e.subject_id == "THA-ENDOSULFAN-2004"]
    assert [(e.criterion, e.status, e.recorded_by) for e in entries] == [("(c)(iv)", "not_met", "TG2 test")]
    assert entries[0].document_hash.startswith("sha256:")
    rationale = list((tmp_path / "reports").glob("rationale-*THA-ENDOSULFAN-2004*.html"))
    assert rationale and "no trade evidence in the notification" in rationale[0].read_text(encoding="utf-8")  # the new determination is in it
    assert "Recorded register entry" in _text(nb)


def test_review_proposal_records_a_part3_determination(tmp_path):
    from crc_tools.register.store import Register

    _run("20-review-shpf-proposal.py", tmp_path, proposal_id="BFA-GRAMOXONE-SUPER-2010", record=True, criterion="(d)", status="met",
         justification="53 incidents among applicators over the quantity sold", recorded_by="TG3 test", role="task_group")
    (entry,) = [e for e in Register().entries() if e.subject_id == "BFA-GRAMOXONE-SUPER-2010"]
    assert (entry.subject_kind, entry.criterion, entry.status) == ("shpf_proposal", "(d)", "met")


def test_meeting_preparation_exports_the_analysis_table(tmp_path):
    import pandas as pd

    target = tmp_path / "tg-analysis.xlsx"
    nb = _run("30-meeting-preparation.py", tmp_path, chemical="Endosulfan", export_path=str(target))
    table = pd.read_excel(target, sheet_name="analysis table")
    assert set(table["notification_id"]) == {"NLD-ENDOSULFAN-2004", "THA-ENDOSULFAN-2004"}
    assert "(b)(iii)" in table.columns and table["(b)(iii)"].str.startswith("met").all()
    outputs = json.dumps([c.get("outputs", []) for c in nb.cells])
    assert "image/svg+xml" in outputs  # the matrix chart, as static SVG
    assert "cdn.jsdelivr" not in outputs and "<script" not in outputs  # nothing fetched from the internet


def test_secretariat_notebook_renders_a_dgd_and_the_synopsis(tmp_path):
    out = tmp_path / "reports"
    _run("40-secretariat-documents.py", tmp_path, chemicals=["Chrysotile asbestos"], output_dir=str(out))
    names = {p.name for p in out.iterdir()}
    assert {"dgd-Chrysotile-asbestos-industrial.html", "dgd-Chrysotile-asbestos-industrial.docx"} <= names
    assert any(n.startswith("synopsis-") and n.endswith(".docx") for n in names)


def test_import_responses_notebook_shows_who_is_overdue_by_region_and_chemical(tmp_path, monkeypatch):
    import pandas as pd

    monkeypatch.setenv("CRC_PARTIES", str(ROOT / "tests" / "data" / "responses" / "parties.csv"))  # the kernel inherits it
    target = tmp_path / "failures.csv"
    nb = _run("50-import-responses.py", tmp_path, as_of="2026-11-30", export_path=str(target))
    failures = pd.read_csv(target)
    assert {"Albania", "Argentina"} <= set(failures.loc[failures["chemical"] == "Carbosulfan", "party"])
    assert "Canada" not in set(failures.loc[failures["chemical"] == "Carbosulfan", "party"])  # it answered (an illustrative sample record)
    outputs = json.dumps([c.get("outputs", []) for c in nb.cells])
    assert "image/svg+xml" in outputs and "Parties overdue" in outputs  # the Altair chart, as static SVG
    assert "cdn.jsdelivr" not in outputs and "<script" not in outputs
