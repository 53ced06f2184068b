"""Rendering: the notebook templates executed by papermill, HTML without code, DOCX, atomic writes.

Each test module here starts few kernels: the documents share one kernel session.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from crc_tools.documents import render as reports
from crc_tools.documents.dgd import CaseData

from .conftest import run_crc

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("rendering")]

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "data" / "documents" / "cases"
CODE_MARKERS = ("jp-InputArea", "jp-InputPrompt", "In&nbsp;[", "In [", "doc.show(", "Renderer(", "from crc_tools", "import datetime", "papermill", 'class="highlight')


@pytest.fixture(scope="module")
def session():
    with reports.KernelSession() as s:
        yield s


@pytest.fixture(scope="module")
def data():
    return CaseData.load([CASES])


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, session, data):
    """Four documents rendered in one kernel: two DGDs, a rationale, the synopsis."""
    out = tmp_path_factory.mktemp("reports")
    docs = {
        "chrysotile": reports.build_model(reports.Request(kind="dgd", chemical="Chrysotile asbestos"), data),
        "hostile": reports.build_model(reports.Request(kind="dgd", chemical="<script>alert(1)</script>"), data),
        "rationale": reports.build_model(reports.Request(kind="rationale", notification_id="EU-CHRYSOTILE-TEST"), data),
        "synopsis": reports.build_model(reports.Request(kind="synopsis"), data),
    }
    return out, {name: reports.render_model(model, out=out, formats=("html", "docx", "ipynb"), session=session) for name, model in docs.items()}


def _html(path) -> str:
    return Path(path).read_text(encoding="utf-8")


def test_outputs_land_in_the_folder_with_sanitised_names(rendered):
    out, r = rendered
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        f"{stem}.{ext}"
        for stem in ("dgd-Chrysotile-asbestos-industrial", "dgd-script-alert-1-script-industrial", "rationale-EU-CHRYSOTILE-TEST-industrial", "synopsis-2024-01-01-to-2024-06-30")
        for ext in ("html", "docx", "ipynb")
    )
    for res in r.values():
        for path in res.paths.values():
            assert Path(path).parent == out.resolve()
            assert oct(Path(path).stat().st_mode & 0o044) != "0o0", "readable by others as a plain write would be"


def test_html_contains_no_code_and_no_script(rendered):
    _, r = rendered
    for name, res in r.items():
        html = _html(res.paths["html"])
        for marker in CODE_MARKERS:
            assert marker not in html, f"{name}: {marker!r} in the HTML"
        assert "<script" not in html.casefold(), name
        assert "https://" not in html.split("<main>")[0], f"{name}: the page head fetches from the internet"


def test_html_has_the_dgd_sections_in_order(rendered):
    _, r = rendered
    html = _html(r["chrysotile"].paths["html"])
    headings = ["Introduction", "1 Identification and specifications", "2 Reasons for inclusion in the PIC procedure", "2.1 Final regulatory action", "2.2 Risk evaluation",
                "3.1 Regulatory measures to reduce exposure", "4.5 Waste management", "Annex 1 Further information on the substance",
                "Annex 2 Details on final regulatory actions reported", "Annex 3 Addresses of designated national authorities", "Annex 4 References",
                "Draft only: internal-consistency check"]
    positions = [html.find(h) for h in headings]
    assert all(p > 0 for p in positions) and positions == sorted(positions)
    assert html.count("Not provided in the notifications.") > 5
    assert "<title>Decision guidance document: Chrysotile asbestos (draft)</title>" in html


def test_html_escapes_script_in_a_chemical_name(rendered):
    _, r = rendered
    html = _html(r["hostile"].paths["html"])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.casefold()
    assert "<img src=x" not in html and "onerror=alert(2)>" not in html
    assert "<title>Decision guidance document: &lt;script&gt;alert(1)&lt;/script&gt; (draft)</title>" in html


def test_docx_opens_with_the_section_headings(rendered):
    import docx

    _, r = rendered
    d = docx.Document(r["chrysotile"].paths["docx"])
    h1 = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    h2 = [p.text for p in d.paragraphs if p.style.name == "Heading 2"]
    for h in ("1 Identification and specifications", "2 Reasons for inclusion in the PIC procedure", "3 Protective measures that have been applied concerning the chemical",
              "4 Hazards and risks to human health and the environment", "Annex 1 Further information on the substance", "Annex 2 Details on final regulatory actions reported",
              "Annex 3 Addresses of designated national authorities", "Annex 4 References"):
        assert h in h1
    assert {"2.1 Final regulatory action", "2.2 Risk evaluation", "3.3 Alternatives", "4.1 Hazard classification"} <= set(h2)
    rd = docx.Document(r["rationale"].paths["docx"])
    assert "6 Conclusion" in [p.text for p in rd.paragraphs if p.style.name == "Heading 1"]


def test_executed_notebook_keeps_its_outputs_and_parameters(rendered):
    _, r = rendered
    nb = nbformat.read(r["synopsis"].paths["ipynb"], as_version=4)
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert ["injected-parameters"] in tags
    html_outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "text/html" in o.get("data", {})]
    assert len(html_outputs) == 5  # title, summary, appendix I, appendix II (SHPF proposals), appendix V
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]


@pytest.mark.skipif(not (shutil.which("libreoffice") or shutil.which("soffice")), reason="LibreOffice is not installed (Debian: apt-get install libreoffice-writer-nogui)")
def test_docx_converts_with_libreoffice(rendered, tmp_path):
    _, r = rendered
    exe = shutil.which("libreoffice") or shutil.which("soffice")
    profile = tmp_path / "lo-profile"
    proc = subprocess.run(
        [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), r["chrysotile"].paths["docx"]],
        capture_output=True, text=True, timeout=240,
    )
    pdf = tmp_path / "dgd-Chrysotile-asbestos-industrial.pdf"
    assert proc.returncode == 0 and pdf.exists(), proc.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000


@pytest.mark.skipif(reports.chromium_path() is None, reason="chromium is not installed (Debian: apt-get install chromium)")
def test_pdf_through_chromium(session, data, tmp_path):
    model = reports.build_model(reports.Request(kind="rationale", notification_id="KEN-EXAMPLEFOS"), data)
    res = reports.render_model(model, out=tmp_path, formats=("pdf",), session=session)
    assert list(res.paths) == ["pdf"] and Path(res.paths["pdf"]).read_bytes()[:5] == b"%PDF-"


# --------------------------------------------------------------------------- failures and atomic writes


RAISING_TEMPLATE = {
    "cells": [
        {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "document: dict = {}  # the model", "outputs": [], "execution_count": None},
        {"cell_type": "code", "metadata": {}, "source": "print('first part rendered')", "outputs": [], "execution_count": None},
        {"cell_type": "code", "metadata": {}, "source": "raise ValueError('the template broke on ' + document['kind'])", "outputs": [], "execution_count": None},
        {"cell_type": "code", "metadata": {}, "source": "print('never reached')", "outputs": [], "execution_count": None},
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "nbformat": 4,
    "nbformat_minor": 4,
}


def _write_template(path: Path, content: dict) -> Path:
    nb = nbformat.from_dict(content)
    for i, c in enumerate(nb.cells):
        c["id"] = f"cell-{i}"
    nbformat.write(nb, str(path))
    return path


def test_a_raising_template_keeps_the_good_file_and_its_partial_output(tmp_path, session, data):
    out = tmp_path / "reports"
    model = reports.build_model(reports.Request(kind="dgd", chemical="Examplefos"), data)
    good = reports.render_model(model, out=out, formats=("html", "docx"), session=session)
    before = {fmt: Path(p).read_bytes() for fmt, p in good.paths.items()}
    template = _write_template(tmp_path / "raising.ipynb", RAISING_TEMPLATE)
    with pytest.raises(reports.DocumentRenderError) as info:
        reports.render_model(model, out=out, formats=("html", "docx"), template=template, session=session)
    err = info.value
    assert err.ename == "ValueError" and err.evalue == "the template broke on dgd" and err.cell is not None
    partial = out / "dgd-Examplefos-pesticide.failed.ipynb"
    assert err.partial == str(partial.resolve()) and partial.exists()
    nb = nbformat.read(str(partial), as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert any(o.get("text", "").startswith("first part rendered") for o in outputs)
    assert any(o.output_type == "error" and o.ename == "ValueError" for o in outputs)
    assert "never reached" not in json.dumps([o for o in outputs])
    # the earlier good files are untouched, and no temporary file is left behind
    assert {fmt: Path(p).read_bytes() for fmt, p in good.paths.items()} == before
    assert sorted(p.name for p in out.iterdir()) == ["dgd-Examplefos-pesticide.docx", "dgd-Examplefos-pesticide.failed.ipynb", "dgd-Examplefos-pesticide.html"]
    message = str(err)
    assert message.startswith(f"{template}:cell {err.cell}: ValueError: ValueError: the template broke on dgd; the partial notebook is {partial.resolve()}")
    # a later good render supersedes the failure
    reports.render_model(model, out=out, formats=("html",), session=session)
    assert not partial.exists()


def test_the_reused_kernel_starts_each_document_from_a_clean_namespace(tmp_path, session, data):
    leak = {
        "cells": [
            {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "document: dict = {}  # the model", "outputs": [], "execution_count": None},
            {"cell_type": "code", "metadata": {}, "source": "assert 'leftover' not in globals(), 'state leaked from the previous document'\nleftover = 1", "outputs": [], "execution_count": None},
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 4,
    }
    template = _write_template(tmp_path / "leak.ipynb", leak)
    model = reports.build_model(reports.Request(kind="synopsis"), data)
    for _ in range(2):
        reports.render_model(model, out=tmp_path / "out", formats=("ipynb",), template=template, session=session)


def test_templates_run_by_hand_build_their_own_model(tmp_path, session):
    """Opened in JupyterLab with only `chemical` set, the DGD template builds the model itself."""
    from papermill.iorw import load_notebook_node

    nb = load_notebook_node(str(reports.template_path("dgd")))
    executed = session.execute(nb, parameters={"chemical": "Chrysotile asbestos", "data": [str(CASES)]}, output_path=tmp_path / "by-hand.ipynb")
    html = "".join(o["data"]["text/html"] for c in executed.cells if c.cell_type == "code" for o in c.outputs if "text/html" in o.get("data", {}))
    assert "1 Identification and specifications" in html and "Chrysotile asbestos" in html and "Annex 4 References" in html


def test_render_many_reports_a_failure_and_goes_on(tmp_path, data):
    reqs = [reports.Request(kind="dgd", chemical="nonexistent"), reports.Request(kind="rationale", notification_id="CHL-CHRYSOTILE-TEST"), reports.Request(kind="rationale", notification_id="CHL-CHRYSOTILE-TEST")]
    results = reports.render_many(reqs, data=data, out=tmp_path, formats=("html",), jobs=1, progress=False)
    assert isinstance(results[0], reports.Failed) and "no notification in the data concerns 'nonexistent'" in results[0].message
    assert isinstance(results[1], reports.Rendered) and Path(results[1].paths["html"]).exists()
    # the same file name twice in a batch: the second does not overwrite the first
    assert [Path(r.paths["html"]).name for r in results[1:]] == ["rationale-CHL-CHRYSOTILE-TEST-industrial.html", "rationale-CHL-CHRYSOTILE-TEST-industrial-2.html"]


# --------------------------------------------------------------------------- commands


def test_crc_dgd_end_to_end_reports_the_consistency_check(tmp_path):
    r = run_crc("dgd", "Examplefos", "--data", CASES, "--out", tmp_path, "--format", "html,docx", "--strict")
    assert r.code == 1, r.err  # --strict: Canada has no authority in Annex 3
    assert (tmp_path / "dgd-Examplefos-pesticide.html").exists() and (tmp_path / "dgd-Examplefos-pesticide.docx").exists()
    assert "Internal consistency of the draft: 5 finding(s): 1 problem(s), 0 to complete" in r.out
    assert "consistency: parties: Canada is named in section 2 but lacks the name of its designated national authority in Annex 3" in r.err
    assert "Traceback" not in r.err


def test_crc_demo_renders_each_recommended_dgd_and_the_synopsis_in_parallel(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "cases", data_dir / "cases")
    for f in CASES.glob("*.yaml"):
        shutil.copy(f, data_dir / "cases" / "notifications" / f.name)
    monkeypatch.setenv("CRC_DATA_DIR", str(data_dir))
    monkeypatch.setenv("CRC_JOBS", "2")
    out = tmp_path / "reports"
    r = run_crc("demo", "--out", out)
    assert r.code == 0, r.err
    names = {p.name for p in out.iterdir()}
    status = json.loads((out / "review-status.json").read_text(encoding="utf-8"))
    recommended = [s for s in status if s["recommend_listing"]]
    assert {"Chrysotile asbestos", "Examplefos", "<script>alert(1)</script>"} <= {s["chemical"] for s in recommended}
    for stem in ("dgd-Chrysotile-asbestos-industrial", "dgd-Examplefos-pesticide", "dgd-script-alert-1-script-industrial"):
        assert {f"{stem}.html", f"{stem}.docx"} <= names
    dgds = {n for n in names if n.startswith("dgd-") and n.endswith(".html") and not n.endswith("-shpf.html")}
    assert len(dgds) == len(recommended)  # one draft per recommended chemical and category
    # and one SHPF draft per formulation whose proposal meets Annex IV Part 3 (Article 6.5)
    shpf = json.loads((out / "shpf-review-status.json").read_text(encoding="utf-8"))
    formulations = sorted(s["chemical"] for s in shpf if s["recommend_listing"])
    assert formulations == ["Fenthion 640 ULV", "Gramoxone Super (paraquat dichloride EC)", "Granox TBC / Spinox T (dustable powder)"]
    shpf_dgds = {n for n in names if n.startswith("dgd-") and n.endswith("-shpf.html")}
    assert shpf_dgds == {"dgd-Fenthion-640-ULV-shpf.html", "dgd-Gramoxone-Super-paraquat-dichloride-EC-shpf.html", "dgd-Granox-TBC-Spinox-T-dustable-powder-shpf.html"}
    assert {n.replace(".html", ".docx") for n in shpf_dgds} <= names
    assert "Decision guidance document for a severely hazardous pesticide formulation" in (out / "dgd-Fenthion-640-ULV-shpf.html").read_text(encoding="utf-8")
    assert f"{len(formulations)} for the recommended severely hazardous pesticide formulations (Article 6)" in r.out
    assert "Fenthion 640 ULV (shpf): internal consistency: 6 finding(s): 0 problem(s), 0 to complete" in r.out
    assert any(n.startswith("synopsis-") and n.endswith(".html") for n in names)
    assert any(n.startswith("synopsis-") and n.endswith(".docx") for n in names)
    assert not any(n.endswith(".failed.ipynb") for n in names)
    assert f"Documents: {len(recommended)} draft decision guidance document(s)" in r.out
    assert os.environ.get("CRC_JOBS") == "2"


def test_crc_dgd_reports_a_raising_template_without_traceback(tmp_path):
    template = _write_template(tmp_path / "raising.ipynb", RAISING_TEMPLATE)
    out = tmp_path / "out"
    r = run_crc("dgd", "Chrysotile asbestos", "--data", CASES, "--out", out, "--template", template)
    assert r.code == 1 and "Traceback" not in r.err
    partial = (out / "dgd-Chrysotile-asbestos-industrial.failed.ipynb").resolve()
    assert r.err.strip().endswith(f"ValueError: ValueError: the template broke on dgd; the partial notebook is {partial}")
    assert partial.exists() and not (out / "dgd-Chrysotile-asbestos-industrial.html").exists()


def test_chemicals_whose_names_sanitise_alike_keep_their_own_drafts_across_runs(tmp_path):
    """Two chemicals named in a script the file names cannot carry both give dgd-document-...: a later run for one never replaces the other's draft."""
    from crc_tools.documents.render import render

    from .conftest import write_bulk

    rows = []
    for n, chem in enumerate(("Хлорфос", "Фосфамидон")):
        for i, party in enumerate(("Canada", "Kenya")):
            rows.append({"notification_id": f"RU-{n}-{i}", "chemical": chem, "category": "industrial", "notifying_party": party, "annex_i_verified": "true", "annex_ii_conclusion": "met"})
    data = write_bulk(tmp_path / "two.csv", rows, ["notification_id", "chemical", "category", "notifying_party", "annex_i_verified", "annex_ii_conclusion"])
    out = tmp_path / "out"
    first = render(document="dgd", chemical="Хлорфос", category="industrial", data=[data], out=out, formats="html,docx")
    second = render(document="dgd", chemical="Фосфамидон", category="industrial", data=[data], out=out, formats="html,docx")
    assert Path(first.paths["html"]).name == "dgd-document-industrial.html"
    assert Path(second.paths["html"]).name == "dgd-document-industrial-2.html"
    assert "Хлорфос" in Path(first.paths["html"]).read_text(encoding="utf-8")
    assert "Фосфамидон" in Path(second.paths["html"]).read_text(encoding="utf-8")
    again = render(document="dgd", chemical="Хлорфос", category="industrial", data=[data], out=out, formats="html,docx")
    assert again.paths == first.paths  # the same document replaces itself
    import docx

    assert "Фосфамидон" in docx.Document(second.paths["docx"]).core_properties.identifier
