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


def _run(name: str, tmp_path: Path, *, cwd: Path | None = None, **parameters) -> nbformat.NotebookNode:
    import papermill

    nb = jupytext.read(NOTEBOOKS / name)
    src = tmp_path / (Path(name).stem + ".ipynb")
    nbformat.write(nb, src)
    out = tmp_path / (Path(name).stem + ".out.ipynb")
    papermill.execute_notebook(str(src), str(out), parameters=parameters, kernel_name="python3", cwd=str(cwd or tmp_path), progress_bar=False)
    return nbformat.read(out, as_version=4)


def _html(nb) -> str:
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_notebook_node(nb)
    return body


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
    rationale = [p for p in (tmp_path / "reports").glob("rationale-*THA-ENDOSULFAN-2004*.html") if not p.name.endswith(".notes.html")]
    text = rationale[0].read_text(encoding="utf-8") if rationale else ""
    assert "the task group (TG2 test, register entry 1) proposes that the criterion is not met for the notification of Thailand. No trade evidence in the notification." in text
    assert "Recorded register entry" in _text(nb)


@pytest.mark.parametrize("where", ["notebooks", "root"])
def test_review_notification_reads_relative_data_paths_from_the_root_wherever_it_runs(tmp_path, where):
    """Issue 18: JupyterLab runs the kernel in notebooks/, papermill wherever it is started: the same relative paths work."""
    cwd = NOTEBOOKS if where == "notebooks" else ROOT
    data = "data/cases" if where == "notebooks" else ["data/cases"]  # papermill -p gives one path as text; -y a list
    nb = _run("10-review-notification.py", tmp_path, cwd=cwd, notification_id="PER-PHORATE-2021", data_paths=data, render_rationale=False)
    text = _text(nb)
    assert "Notifications you can review:" in text and "EUU-CHRYSOTILE-1999" in text
    assert "Annex III already lists this chemical" in json.dumps([c.get("outputs", []) for c in nb.cells])  # said before the review


def test_review_notification_refuses_a_list_given_as_text(tmp_path):
    import papermill

    with pytest.raises(papermill.PapermillExecutionError, match=r"is text, not a list of paths"):
        _run("10-review-notification.py", tmp_path, cwd=NOTEBOOKS, data_paths='["data/cases"]', render_rationale=False)


def test_review_notification_in_a_workspace_records_once_and_exports_static_html(tmp_path, monkeypatch):
    from crc_tools.register.store import Register

    from .conftest import run_crc

    monkeypatch.delenv("CRC_DATABASE_URL")
    monkeypatch.delenv("CRC_REPORTS_DIR")
    monkeypatch.delenv("CRC_WORKSPACE")  # found from the kernel's working folder
    work = tmp_path / "work"
    assert run_crc("init", work).code == 0
    monkeypatch.chdir(work)
    assert run_crc("new", "notification", "--party", "Kenya", "--chemical", "carbofuran", "--category", "pesticide", "--fra-type", "ban", "--date", "2024-06-01").code == 0
    params = dict(notification_id="KEN-CARBOFURAN-2024", record=True, criterion="(a)", status="met", recorded_by="TG test", render_rationale=True)
    for _ in range(2):  # re-running the notebook does not repeat the entry
        nb = _run("10-review-notification.py", tmp_path, cwd=work / "notebooks", **params)
    monkeypatch.setenv("CRC_DATABASE_URL", f"sqlite:///{work / 'register.sqlite'}")  # the workspace's register
    assert [(e.subject_id, e.criterion) for e in Register().entries()] == [("KEN-CARBOFURAN-2024", "(a)")]
    text = _text(nb)
    assert "Not recorded again: the same determination is already register entry 1" in text
    assert list((work / "reports").glob("rationale-*KEN-CARBOFURAN-2024*.html"))  # the workspace's reports/
    html = _html(nb)
    assert "Recording form for KEN-CARBOFURAN-2024" in html  # a static summary where the widget would be blank
    assert "unpkg" not in html and "widget-view+json" not in html and "widgets" not in nb.metadata  # no widget CDN
    assert 'href="../reports/rationale-' in html  # a printed path is a link, relative to the notebook


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
    svgs = [o["data"]["image/svg+xml"] for c in nb.cells for o in c.get("outputs", []) if "image/svg+xml" in o.get("data", {})]
    assert len(svgs) == 1 and "Endosulfan (pesticide)" in svgs[0] and "overall" in svgs[0]  # one matrix per chemical, the conclusion as a column
    assert "cdn.jsdelivr" not in outputs and "<script" not in outputs  # nothing fetched from the internet


def test_secretariat_notebook_renders_a_dgd_and_the_synopsis(tmp_path):
    out = tmp_path / "reports"
    nb = _run("40-secretariat-documents.py", tmp_path, chemicals=["Chrysotile asbestos"], formulations=["Gramoxone Super"], output_dir=str(out))
    names = {p.name for p in out.iterdir()}
    assert {"dgd-Chrysotile-asbestos-industrial.html", "dgd-Chrysotile-asbestos-industrial.docx"} <= names
    assert any(n.startswith("dgd-Gramoxone-Super") and n.endswith("-shpf.html") for n in names), names  # SHPF DGDs too
    assert "rendering: 3 of 3 (" in _text(nb) and "widgets" not in nb.metadata  # the progress bar leaves a static line
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


@pytest.mark.parametrize("lang", ["fr", "es", "nl"])
@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.py")), ids=lambda p: p.name)
def test_a_notebooks_headings_come_in_each_language_and_nothing_else_changes(path, lang, tmp_path):
    """Issue 19: a notebook's headings through the catalogue (``python -m crc_tools.i18n notebook SRC DEST LANG``); prose and code as they were."""
    from crc_tools import i18n

    target = tmp_path / f"{path.stem}-{lang}.ipynb"
    english = i18n.translate_notebook(path, target, lang)
    assert english == []  # every heading has a translation in the catalogue
    before, after = jupytext.read(path), jupytext.read(target)
    assert [c.source for c in before.cells if c.cell_type == "code"] == [c.source for c in after.cells if c.cell_type == "code"]
    assert [c.get("metadata", {}).get("tags") for c in before.cells] == [c.get("metadata", {}).get("tags") for c in after.cells]
    headings = [(b, a) for cb, ca in zip(before.cells, after.cells, strict=True) if cb.cell_type == "markdown"
                for b, a in zip(cb.source.splitlines(), ca.source.splitlines(), strict=True) if b.startswith("#")]
    assert headings and all(b != a and b.split(" ")[0] == a.split(" ")[0] for b, a in headings)  # same level, other words
    prose = [(b, a) for cb, ca in zip(before.cells, after.cells, strict=True) if cb.cell_type == "markdown"
             for b, a in zip(cb.source.splitlines(), ca.source.splitlines(), strict=True) if not b.startswith("#")]
    assert all(b == a for b, a in prose)
    with pytest.raises(FileExistsError):
        i18n.translate_notebook(path, path, lang)  # never over a notebook it did not write


def test_a_french_notebook_runs_like_the_english_one(tmp_path):
    from crc_tools import i18n

    french = tmp_path / "50-fr.py"
    i18n.translate_notebook(NOTEBOOKS / "50-import-responses.py", french, "fr")
    import papermill

    src = tmp_path / "50-fr.ipynb"
    nbformat.write(jupytext.read(french), src)
    out = tmp_path / "50-fr.out.ipynb"
    papermill.execute_notebook(str(src), str(out), parameters={"as_of": "2026-11-30", "export_path": str(tmp_path / "overdue.csv")}, kernel_name="python3", cwd=str(tmp_path), progress_bar=False)
    nb = nbformat.read(out, as_version=4)
    assert any(c.cell_type == "markdown" and "Secrétariat" in c.source for c in nb.cells)
    assert (tmp_path / "overdue.csv").is_file()
