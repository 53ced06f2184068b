"""Rendering documents: papermill executes the notebook templates, nbconvert and python-docx export.

One keyword-only function renders one document, and the ``crc dgd``, ``crc rationale``
and ``crc report synopsis`` commands mirror it option for option::

    from crc_tools.documents.render import render
    render(document="dgd", chemical="Chrysotile asbestos", category="industrial",
           data=["data/cases"], out="reports", formats=("html", "docx"))

What happens:

1. the model of the document is built from the data (:mod:`crc_tools.documents.dgd`) while
   a ``python3`` kernel starts;
2. papermill executes the template (``notebooks/templates/<kind>.ipynb``) with the model
   as its ``document`` parameter; the template only displays it;
3. the executed notebook is exported to HTML without code cells (nbconvert with
   ``exclude_input`` and a page template that loads nothing from the internet and runs
   no script), and the model is written to DOCX in the layout of a UN meeting document
   (:mod:`crc_tools.documents.word`; PDF is that DOCX converted by LibreOffice,
   :mod:`crc_tools.documents.pdf`); the executed notebook itself is kept when ``ipynb`` is asked;
4. the drafting notes (provenance of the data, the consistency check, review notes) are
   written beside the document as ``<name>.notes.html`` (:mod:`crc_tools.documents.notes`):
   the document itself carries none of them.

Every output is written atomically: a failed or interrupted render never replaces a good
earlier file. A template that raises leaves its partial notebook beside the outputs as
``<name>.failed.ipynb`` and raises :class:`DocumentRenderError`, which the command line
reports without a traceback.

Many documents (:func:`render_many`, used by ``crc demo``) reuse one kernel per worker:
papermill runs each template in the already started kernel (the namespace is reset
between documents), and the work is spread over worker processes across the machine's
cores, with a progress bar. One failing document does not stop the others.
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import datetime as dt
import html
import json
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import config
from ..errors import CrcError, UsageError
from ..output import ensure_folder
from ..writers import SUBJECT_META, fit_stem, remove_own, subject_tag, write_set
from . import model as dm

KINDS = ("dgd", "rationale", "synopsis")
"""The documents the suite renders."""
FORMATS = ("html", "docx", "ipynb", "pdf")
"""Output formats: HTML without code, DOCX for Word, the executed notebook, PDF (the DOCX converted by LibreOffice)."""
DEFAULT_FORMATS = ("html", "docx")
KERNEL_NAME = "python3"
ENGINE_NAME = "crc-shared-kernel"
EXECUTION_TIMEOUT = 600
REMOVE_CELL_TAGS = ("remove-cell", "parameters", "injected-parameters")
NBCONVERT_TEMPLATES = Path(__file__).resolve().parent / "nbconvert_templates"
HTML_TEMPLATE = "crc_document"


class DocumentRenderError(CrcError):
    """A template raised (or its kernel died) while rendering; the partial notebook is kept.

    Attributes
    ----------
    template : str
        The template that was executed.
    partial : str or None
        Where the partial notebook was saved (``<name>.failed.ipynb``).
    cell : int or None
        The index of the cell that failed.
    ename, evalue : str
        The exception's name and value as the kernel reported them.
    """

    def __init__(self, message: str, *, template: str = "", partial: str | None = None, cell: int | None = None, ename: str = "", evalue: str = ""):
        super().__init__(message, source=template, record=f"cell {cell}" if cell is not None else "", field_name=ename)
        self.template = template
        self.partial = partial
        self.cell = cell
        self.ename = ename
        self.evalue = evalue


@dataclass
class Request:
    """One document to render: its kind and what selects it."""

    kind: str = "dgd"
    chemical: str | None = None
    category: str | None = None
    notification_id: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    variant: str = "fra"
    symbol: str | None = None
    lang: str = "en"

    @property
    def label(self) -> str:
        """Return a short description for messages."""
        if self.kind == "dgd":
            return f"DGD {self.chemical}" + (f" ({self.category})" if self.category else "")
        if self.kind == "rationale":
            return f"rationale {self.notification_id}"
        return "synopsis" + (f" {self.date_from}–{self.date_to}" if self.date_from or self.date_to else "")


@dataclass
class Rendered:
    """A document written: where each format went, and what its checks found."""

    kind: str
    title: str
    stem: str
    paths: dict[str, str] = field(default_factory=dict)
    checks: list[dict] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    ok: bool = True


@dataclass
class Failed:
    """A document that could not be rendered, with the path of its partial notebook if any."""

    kind: str
    label: str
    message: str
    partial: str | None = None
    ok: bool = False


# --------------------------------------------------------------------------- templates and formats


def template_path(kind: str) -> Path:
    """Return the notebook template of a kind of document."""
    if kind not in KINDS:
        raise UsageError(f"unknown document '{kind}'; known: {', '.join(KINDS)}")
    return config.templates_dir() / f"{kind}.ipynb"


def parse_formats(value) -> tuple[str, ...]:
    """Return output formats from ``"html,docx"`` or a sequence, checked."""
    if value is None:
        return DEFAULT_FORMATS
    parts = value.split(",") if isinstance(value, str) else list(value)
    out = []
    for p in parts:
        f = str(p).strip().casefold().lstrip(".")
        if not f:
            continue
        if f not in FORMATS:
            raise UsageError(f"unknown format '{p}'; choose from {', '.join(FORMATS)}")
        if f not in out:
            out.append(f)
    if not out:
        raise UsageError(f"no output format given; choose from {', '.join(FORMATS)}")
    if "pdf" in out:
        from .pdf import require_soffice

        require_soffice()
    return tuple(out)


def _load_template(path: Path):
    from papermill.inspection import _infer_parameters
    from papermill.iorw import load_notebook_node

    if not path.is_file():
        raise UsageError(f"{path}: template not found")
    try:
        nb = load_notebook_node(str(path))
    except Exception as exc:  # noqa: BLE001 - nbformat raises many types for a broken file
        raise CrcError(f"not a readable notebook: {exc}", source=str(path)) from None

    names = {p.name for p in _infer_parameters(nb)}
    if "document" not in names:
        raise CrcError("the template has no 'document' parameter in a cell tagged 'parameters'", source=str(path))
    return nb


# --------------------------------------------------------------------------- a kernel reused across documents


def _register_engine() -> None:
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger
    from papermill.utils import remove_args

    class _ReuseClient(PapermillNotebookClient):
        """Executes in a kernel that outlives the notebook, from a clean namespace."""

        def papermill_execute_cells(self):
            from jupyter_core.utils import ensure_async, run_sync

            msg_id = self.kc.execute("get_ipython().reset(new_session=False, aggressive=False)", silent=True, store_history=False, allow_stdin=False)
            if not isinstance(msg_id, str):
                msg_id = run_sync(lambda: ensure_async(msg_id))()
            self.wait_for_reply(msg_id)
            super().papermill_execute_cells()

    class SharedKernelEngine(NBClientEngine):
        """papermill engine that runs a notebook in a kernel started beforehand (``km``)."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            km = kwargs.pop("km")
            partial_path = kwargs.pop("partial_path", None)
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            client = _ReuseClient(
                nb_man,
                km=km,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                **kwargs,
            )
            try:
                return client.execute(cleanup_kc=False)
            except BaseException:
                # The kernel died or timed out: keep what ran so far. (Cells that raise are
                # handled by papermill, which writes the notebook with the error.)
                if partial_path:
                    with contextlib.suppress(Exception):
                        Path(partial_path).write_text(json.dumps(nb_man.nb, indent=1, ensure_ascii=False), encoding="utf-8")
                raise
            finally:
                if client.kc is not None:
                    with contextlib.suppress(Exception):
                        client.kc.stop_channels()

    papermill_engines.register(ENGINE_NAME, SharedKernelEngine)


class KernelSession:
    """A ``python3`` kernel started once and reused for many documents.

    ``start()`` returns as soon as the kernel process is launched, so the caller can
    build its documents while the kernel boots.
    """

    def __init__(self, kernel_name: str = KERNEL_NAME, *, startup_timeout: int = 60):
        self.kernel_name = kernel_name
        self.startup_timeout = startup_timeout
        self.km = None
        self._ipc_dir: str | None = None

    def start(self) -> "KernelSession":
        """Launch the kernel (idempotent)."""
        if self.km is not None and self._alive():
            return self
        import nbformat
        from jupyter_core.utils import run_sync
        from nbclient import NotebookClient

        _ensure_engine()
        client = NotebookClient(nbformat.v4.new_notebook(), kernel_name=self.kernel_name, startup_timeout=self.startup_timeout)
        km = client.create_kernel_manager()
        # Talk to the kernel over Unix sockets in a private folder, not over TCP ports.
        self._ipc_dir = tempfile.mkdtemp(prefix="crc-kernel-")
        km.transport = "ipc"
        km.ip = os.path.join(self._ipc_dir, "k")
        try:
            run_sync(km.start_kernel)()
        except Exception as exc:  # noqa: BLE001 - no kernelspec, ipykernel missing, cannot spawn
            shutil.rmtree(self._ipc_dir, ignore_errors=True)
            self._ipc_dir = None
            raise CrcError(f"cannot start the '{self.kernel_name}' Jupyter kernel ({type(exc).__name__}: {exc}); run `make install` to install ipykernel in the environment") from None
        self.km = km
        return self

    def _alive(self) -> bool:
        from jupyter_core.utils import run_sync

        try:
            return bool(run_sync(self.km.is_alive)())
        except Exception:  # noqa: BLE001
            return False

    def execute(self, nb, *, parameters: dict, output_path: Path):
        """Execute a notebook with papermill in this kernel; return the executed notebook."""
        import papermill as pm

        self.start()
        return pm.execute_notebook(
            nb,
            str(output_path),
            parameters=parameters,
            engine_name=ENGINE_NAME,
            request_save_on_cell_execute=False,  # saving after every cell costs more than the cells
            partial_path=str(output_path),
            kernel_name=self.kernel_name,
            progress_bar=False,
            log_output=False,
            start_timeout=self.startup_timeout,
            execution_timeout=EXECUTION_TIMEOUT,
            km=self.km,
        )

    def restart_if_dead(self) -> None:
        """Start a fresh kernel when the current one has died (after a crash or time-out)."""
        if self.km is not None and not self._alive():
            self.shutdown()
            self.start()

    def shutdown(self) -> None:
        """Stop the kernel (idempotent)."""
        if self.km is None:
            return
        from jupyter_core.utils import run_sync

        km, self.km = self.km, None
        with contextlib.suppress(Exception):
            run_sync(km.shutdown_kernel)(now=True)
        with contextlib.suppress(Exception):
            run_sync(km.cleanup_resources)()
        if self._ipc_dir:
            shutil.rmtree(self._ipc_dir, ignore_errors=True)
            self._ipc_dir = None

    def __enter__(self) -> "KernelSession":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.shutdown()


_ENGINE_READY = False


def _ensure_engine() -> None:
    global _ENGINE_READY
    if not _ENGINE_READY:
        _register_engine()
        _ENGINE_READY = True


# --------------------------------------------------------------------------- exports


_EXPORTER = None


def html_exporter():
    """Return the HTML exporter: no code cells, no prompts, no scripts, the suite's page style."""
    global _EXPORTER
    if _EXPORTER is None:
        from nbconvert import HTMLExporter
        from nbconvert.preprocessors import TagRemovePreprocessor
        from traitlets.config import Config

        cfg = Config()
        cfg.CSSHTMLHeaderPreprocessor.enabled = False  # no code, so no syntax-highlighting styles
        exp = HTMLExporter(config=cfg, template_name=HTML_TEMPLATE, extra_template_basedirs=[str(NBCONVERT_TEMPLATES)])
        exp.exclude_input = True
        exp.exclude_input_prompt = True
        exp.exclude_output_prompt = True
        exp.exclude_markdown = False
        remover = TagRemovePreprocessor(remove_cell_tags=set(REMOVE_CELL_TAGS), enabled=True)
        exp.register_preprocessor(remover, enabled=True)
        _EXPORTER = exp
    return _EXPORTER


def notebook_to_html(nb, title: str) -> str:
    """Return an executed notebook as a self-contained HTML page without code."""
    body, _ = html_exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body


def _mark_subject(page: str, subject: str) -> str:
    """Record the subject (its :func:`crc_tools.writers.subject_tag`) in an HTML page's head."""
    tag = f'<meta name="{SUBJECT_META}" content="{html.escape(subject_tag(subject), quote=True)}">'
    head = re.search(r"<head[^>]*>", page)
    return page[: head.end()] + tag + page[head.end():] if head else tag + page


def _mark_lang(page: str, model: dict) -> str:
    """Give an HTML page the document's language (``<html lang="fr-FR">``); English pages are left as the template writes them."""
    tag = (model.get("meta") or {}).get("lang_tag")
    if not tag:
        return page
    start = re.search(r"<html\b[^>]*>", page)
    if not start:
        return page
    opening = re.sub(r'\slang="[^"]*"', "", start.group(0))
    opening = opening[:-1] + f' lang="{html.escape(tag, quote=True)}">'
    return page[: start.start()] + opening + page[start.end():]


def document_stem(model: dict) -> str:
    """Return the file-name stem of a document: its kind first and its category last, whatever the name's length."""
    meta = model.get("meta", {}) or {}
    return fit_stem(meta.get("file_stem") or model["kind"], subject=dm.document_subject(model), keep_end=str(meta.get("category") or ""), default=model["kind"])


# --------------------------------------------------------------------------- rendering


def build_model(request: Request, data, *, today: dt.date | None = None) -> dict:
    """Return the document model a request asks for (see :mod:`crc_tools.documents.build`), with its document symbol."""
    from . import build

    if request.kind == "dgd":
        if not request.chemical:
            raise UsageError("a DGD needs a chemical")
        model = build.dgd_document(chemical=request.chemical, category=request.category, data=data, variant=request.variant, today=today, lang=request.lang)
    elif request.kind == "rationale":
        if not request.notification_id:
            raise UsageError("a rationale needs a notification id")
        model = build.rationale_document(notification_id=request.notification_id, category=request.category, data=data, today=today, lang=request.lang)
    elif request.kind == "synopsis":
        model = build.synopsis_document(data=data, date_from=request.date_from, date_to=request.date_to, today=today, lang=request.lang)
    else:
        raise UsageError(f"unknown document '{request.kind}'; known: {', '.join(KINDS)}")
    if request.symbol:
        model.setdefault("header", {})["symbol"] = " ".join(str(request.symbol).split())
    return model


def render_model(model: dict, *, out: Path, formats=DEFAULT_FORMATS, template: str | Path | None = None, session: KernelSession | None = None) -> Rendered:
    """Execute the template on a model and write the asked formats; return what was written.

    Raises
    ------
    DocumentRenderError
        When the template raises or its kernel dies; the partial notebook is saved as
        ``<name>.failed.ipynb`` in ``out`` and no earlier output is replaced.
    """
    from papermill.exceptions import PapermillExecutionError

    from .model import check_model

    check_model(model)
    formats = parse_formats(formats)
    out = Path(out)
    ensure_folder(out)
    subject = dm.document_subject(model)
    stem = document_stem(model)
    template = Path(template) if template else template_path(model["kind"])
    nb = _load_template(template)
    nb.metadata["title"] = model.get("title", stem)
    own_session = session is None
    session = session or KernelSession()
    tmpdir = Path(tempfile.mkdtemp(prefix="crc-render-"))
    executed_path = tmpdir / "executed.ipynb"
    failed = (out, stem, subject)
    try:
        try:
            executed = session.execute(copy.deepcopy(nb), parameters={"document": model}, output_path=executed_path)
        except PapermillExecutionError as exc:
            partial = _keep_partial(executed_path, *failed)
            evalue = " ".join(str(exc.evalue).split())[:300]
            raise DocumentRenderError(
                f"{exc.ename}: {evalue}; the partial notebook is {partial or '(not saved)'}",
                template=str(template),
                partial=str(partial) if partial else None,
                cell=exc.cell_index,
                ename=exc.ename,
                evalue=evalue,
            ) from None
        except DocumentRenderError:
            raise
        except Exception as exc:  # kernel died, timed out, could not start
            partial = _keep_partial(executed_path, *failed)
            if not own_session:
                session.restart_if_dead()
            raise DocumentRenderError(
                f"the template did not run to its end ({type(exc).__name__}: {' '.join(str(exc).split())[:300]}); the partial notebook is {partial or '(not saved)'}",
                template=str(template),
                partial=str(partial) if partial else None,
                ename=type(exc).__name__,
                evalue=str(exc)[:300],
            ) from None
        stem, paths = write_outputs(out, stem, _payloads(model, executed, formats, stem, subject), subject)
        remove_own(out, f"{stem}.failed.ipynb")  # an earlier failure is superseded
        return Rendered(kind=model["kind"], title=model.get("title", ""), stem=stem, paths=paths, checks=list(model.get("checks", [])), notices=list(model.get("notices", [])), meta=dict(model.get("meta", {})))
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
        if own_session:
            session.shutdown()


def _payloads(model: dict, executed, formats: tuple, stem: str, subject: str) -> dict[str, str | bytes]:
    """Return every output of a document in memory, by file suffix (the drafting notes always)."""
    import io

    import nbformat

    from .notes import notes_html
    from .word import build_docx

    payloads: dict[str, str | bytes] = {}
    if "html" in formats:
        payloads["html"] = _mark_lang(_mark_subject(notebook_to_html(executed, model.get("title", stem)), subject), model)
    if "docx" in formats or "pdf" in formats:
        buf = io.BytesIO()
        build_docx(model).save(buf)
        docx = buf.getvalue()
        if "docx" in formats:
            payloads["docx"] = docx
        if "pdf" in formats:
            from .pdf import docx_to_pdf

            payloads["pdf"] = docx_to_pdf(docx, stem)
    if "ipynb" in formats:
        payloads["ipynb"] = nbformat.writes(executed)
    payloads["notes.html"] = notes_html(model)
    return payloads


def write_outputs(out: Path, stem: str, payloads: dict[str, str | bytes], subject: str) -> tuple[str, dict[str, str]]:
    """Write a document's outputs (suffix → text or bytes) as one set; return the stem used and the paths by format.

    The one place where rendering writes files (:func:`crc_tools.writers.write_set`): every
    output was built in memory first, the set is replaced all together or not at all, under a
    name reserved for the document's subject (two documents never share a name).
    """
    stem, written = write_set(out, stem, payloads, subject=subject)
    return stem, {("notes" if suffix == "notes.html" else suffix): str(path) for suffix, path in written.items()}


def _keep_partial(executed_path: Path, out: Path, stem: str, subject: str) -> Path | None:
    if not executed_path.exists():
        return None
    try:
        _, written = write_set(out, stem, {"failed.ipynb": executed_path.read_bytes()}, subject=subject)
    except (OSError, CrcError):
        return None
    return written["failed.ipynb"].resolve()


def _case_data(data, today: dt.date | None):
    from .casedata import CaseData

    if isinstance(data, CaseData):
        return data
    if data is not None and hasattr(data, "notifications") and hasattr(data, "determinations"):
        return CaseData.from_intake(data, today=today)
    return CaseData.load(data or None, today=today)


def render(
    *,
    document: str = "dgd",
    chemical: str | None = None,
    category: str | None = None,
    notification_id: str | None = None,
    data=None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    out: str | Path | None = None,
    formats=DEFAULT_FORMATS,
    template: str | Path | None = None,
    variant: str = "fra",
    symbol: str | None = None,
    lang: str = "en",
    today: dt.date | None = None,
) -> Rendered:
    """Render one document and write it in the asked formats.

    Parameters
    ----------
    document : {"dgd", "rationale", "synopsis"}
        The draft DGD of a chemical (Article 7.1), a rationale (Annex II), the synopsis (Article 5.4).
    chemical, category : str, optional
        The chemical (name, CAS number or Annex III name) and category of a DGD; with
        ``variant="shpf"`` (or ``category="shpf"``) the formulation (its name, a trade
        name, its Annex III entry or a proposal id).
    notification_id : str, optional
        The notification of a rationale (``category`` when it covers both), or an SHPF
        proposal id (the rationale against Annex IV Part 3).
    data : list of paths, Intake or CaseData, optional
        Case files, folders and bulk tables (default: the shipped sample data).
    date_from, date_to : datetime.date, optional
        The synopsis period (default: the half-year of the latest receipt).
    out : path, optional
        Output folder (default: ``reports/``).
    formats : str or sequence
        Any of ``html``, ``docx``, ``ipynb``, ``pdf`` (``"html,docx"`` works too).
    template : path, optional
        Another notebook template (it needs a ``document`` parameter).
    variant : str
        Which DGD: ``fra`` (a banned or severely restricted chemical, the default) or
        ``shpf`` (a severely hazardous pesticide formulation, Article 6 with Annex IV).
    symbol : str, optional
        The running header's document symbol (``UNEP/FAO/RC/CRC.22/3``); default a placeholder.
    lang : str
        ``en`` (default), ``fr`` or ``es``: the suite's own words (:mod:`crc_tools.documents.language`).
    today : datetime.date, optional
        The date printed on the document.

    Returns
    -------
    Rendered
        The paths written, the document's internal-consistency findings, and the
        problems found in the data (bad records were left out).

    Raises
    ------
    DocumentRenderError
        The template raised; its partial notebook is kept as ``<name>.failed.ipynb``.
    crc_tools.documents.casedata.DocumentDataError
        The data hold no such chemical or notification.
    """
    formats = parse_formats(formats)
    request = Request(kind=document, chemical=chemical, category=category, notification_id=notification_id, date_from=date_from, date_to=date_to, variant=variant, symbol=symbol, lang=lang)
    if document not in KINDS:
        raise UsageError(f"unknown document '{document}'; known: {', '.join(KINDS)}")
    session = KernelSession().start()  # boots while the data are read
    try:
        case_data = _case_data(data, today)
        try:
            model = build_model(request, case_data, today=today)
            result = render_model(model, out=Path(out or config.reports_dir()), formats=formats, template=template, session=session)
        except CrcError as exc:
            exc.problems = list(case_data.problems)  # the bad records may explain the error
            raise
        result.problems = list(case_data.problems)
        return result
    finally:
        session.shutdown()


# --------------------------------------------------------------------------- many documents


_WORKER_SESSION: KernelSession | None = None


def _worker_session() -> KernelSession:
    global _WORKER_SESSION
    if _WORKER_SESSION is None:
        _WORKER_SESSION = KernelSession().start()
        atexit.register(_WORKER_SESSION.shutdown)
    return _WORKER_SESSION


def _render_job(model: dict, out: str, formats: tuple, template: str | None, session: KernelSession | None = None):
    label = model.get("title", model.get("kind", "document"))
    try:
        return render_model(model, out=Path(out), formats=formats, template=template, session=session or _worker_session())
    except DocumentRenderError as exc:
        return Failed(kind=model.get("kind", ""), label=label, message=str(exc), partial=exc.partial)
    except Exception as exc:  # noqa: BLE001 - one document must not stop the others
        return Failed(kind=model.get("kind", ""), label=label, message=f"{type(exc).__name__}: {exc}")


def default_jobs(n_documents: int) -> int:
    """Return how many worker processes to use (``CRC_JOBS`` or the machine's cores).

    Starting a worker costs a few seconds (imports and a kernel), so small batches
    render in-process on one kernel.
    """
    env = os.environ.get("CRC_JOBS")
    if env and env.strip().isdigit() and int(env) > 0:
        return min(int(env), max(n_documents, 1))
    if n_documents < 6:
        return 1
    return max(1, min(os.cpu_count() or 1, n_documents, 8))


def _build_models(requests: list, case_data, today, results: list) -> list[tuple[int, dict]]:
    """Build the model of each request; a request that cannot be built becomes a :class:`Failed` in ``results``."""
    models: list[tuple[int, dict]] = []
    for i, req in enumerate(requests):
        try:
            model = build_model(req, case_data, today=today)
        except CrcError as exc:
            results[i] = Failed(kind=req.kind, label=req.label, message=str(exc))
            continue
        # Two names that sanitise alike ("A/B", "A-B") never overwrite each other: each
        # render reserves its name for its subject when it writes (crc_tools.writers).
        models.append((i, model))
    return models


def render_many(
    requests,
    *,
    data=None,
    out: str | Path | None = None,
    formats=DEFAULT_FORMATS,
    jobs: int | None = None,
    progress: bool | None = None,
    template: str | Path | None = None,
    today: dt.date | None = None,
) -> list[Rendered | Failed]:
    """Render many documents; one that fails is reported and the others go on.

    Models are built once from the data; the templates then run in reused kernels: in
    this process with one kernel (``jobs=1``) or in ``jobs`` worker processes with one
    kernel each. A progress bar goes to stderr (``progress=None``: when it is a
    terminal).

    Returns
    -------
    list of Rendered or Failed
        In the order of ``requests``.
    """
    formats = parse_formats(formats)
    requests = list(requests)
    out = Path(out or config.reports_dir())
    ensure_folder(out)
    jobs = jobs or default_jobs(len(requests))
    in_process = jobs == 1 or len(requests) <= 1
    local: KernelSession | None = KernelSession().start() if in_process and requests else None
    results: list = [None] * len(requests)
    try:
        models = _build_models(requests, _case_data(data, today), today, results)
        from tqdm import tqdm

        bar = tqdm(total=len(requests), desc="documents", unit="doc", file=sys.stderr, disable=(not progress) if progress is not None else None, leave=False)
        bar.update(len(requests) - len(models))
        tmpl = str(template) if template else None
        try:
            if in_process:
                for i, model in models:
                    results[i] = _render_job(model, str(out), formats, tmpl, local)
                    bar.update(1)
            else:
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor, as_completed

                ctx = multiprocessing.get_context("spawn")
                with ProcessPoolExecutor(max_workers=min(jobs, len(models)), mp_context=ctx) as pool:
                    futures = {pool.submit(_render_job, model, str(out), formats, tmpl): i for i, model in models}
                    try:
                        for fut in as_completed(futures):
                            i = futures[fut]
                            try:
                                results[i] = fut.result()
                            except Exception as exc:  # noqa: BLE001 - a worker that died
                                results[i] = Failed(kind=requests[i].kind, label=requests[i].label, message=f"worker failed: {type(exc).__name__}: {exc}")
                            bar.update(1)
                    except BaseException:
                        pool.shutdown(wait=False, cancel_futures=True)
                        raise
        finally:
            bar.close()
    finally:
        if local is not None:
            local.shutdown()
    return results


__all__ = [
    "KINDS",
    "FORMATS",
    "DEFAULT_FORMATS",
    "DocumentRenderError",
    "Request",
    "Rendered",
    "Failed",
    "KernelSession",
    "render",
    "render_many",
    "render_model",
    "build_model",
    "template_path",
    "parse_formats",
    "notebook_to_html",
]
