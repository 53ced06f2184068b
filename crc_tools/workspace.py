"""Workspaces: a folder of one user's own work, found by its ``crc.toml``.

``crc init DIR`` makes one: ``cases/`` for the user's case files, ``reports/`` for rendered
documents, and ``crc.toml`` naming the data every command reads and the register it
writes to. Every entry point — the ``crc`` commands, the notebooks, the dashboard,
papermill runs — finds the nearest ``crc.toml`` (in the working folder or one of its
parents, or the one ``CRC_WORKSPACE`` names) and reads its settings unless told
otherwise (DESIGN.md, "Package layout").

Precedence, for each setting:

=========  =====================================================================================
data       paths given (command line, notebook parameter) > ``crc.toml`` ``[data] paths``
           > the shipped sample data (and one line on stderr says so)
register   ``CRC_DATABASE_URL`` > ``crc.toml`` ``[register] url`` > SQLite in ``data/local/``
reports    ``CRC_REPORTS_DIR`` > ``crc.toml`` ``[reports] dir`` > ``reports/``
=========  =====================================================================================

Paths in ``crc.toml`` are relative to the file; a relative SQLite URL
(``sqlite:///register.sqlite``) too. In notebooks, relative data paths resolve from the
workspace's root (or the repository's), never from the kernel's working folder
(:func:`root_paths`).

This module reads only the standard library: :mod:`crc_tools.config` asks it, so that
every caller of ``config.database_url()`` and ``config.reports_dir()`` follows the workspace.
"""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import CrcError

FILE_NAME = "crc.toml"
ENV_VAR = "CRC_WORKSPACE"
DEFAULT_REGISTER = "sqlite:///register.sqlite"


class WorkspaceError(CrcError):
    """A ``crc.toml`` that cannot be read, or a workspace that cannot be made."""


@dataclass(frozen=True)
class Workspace:
    """One workspace: its ``crc.toml`` and the settings read from it (paths made absolute)."""

    file: Path
    data_paths: tuple[Path, ...]
    register_url: str
    reports_dir: Path

    @property
    def root(self) -> Path:
        """Return the folder holding ``crc.toml``."""
        return self.file.parent

    @property
    def cases_dir(self) -> Path:
        """Return the folder ``crc new`` writes case files into."""
        return self.root / "cases"


# --------------------------------------------------------------------------- reading


def _sqlite_url(url: str, base: Path) -> str:
    """Return ``url`` with a relative SQLite path made absolute against ``base``."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url.startswith("sqlite:////") or url == "sqlite:///:memory:":
        return url
    rest = url[len(prefix):]
    query = ""
    if "?" in rest:
        rest, query = rest.split("?", 1)
        query = "?" + query
    return f"{prefix}{(base / rest).resolve()}{query}"


def _section(doc: dict, file: Path, name: str) -> dict:
    value = doc.get(name, {})
    if not isinstance(value, dict):
        raise WorkspaceError(f"expected a [{name}] table", source=str(file), field_name=name)
    return value


def read(file: str | Path) -> Workspace:
    """Read one ``crc.toml``; raise :class:`WorkspaceError` naming the key that is wrong."""
    file = Path(file).expanduser().resolve()
    try:
        doc = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise WorkspaceError(f"cannot read the workspace file: {exc.strerror or exc}", source=str(file)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise WorkspaceError(f"not valid TOML: {exc}", source=str(file)) from None
    base = file.parent
    data = _section(doc, file, "data")
    raw_paths = data.get("paths", ["cases"])
    if isinstance(raw_paths, str):
        raw_paths = [raw_paths]
    if not isinstance(raw_paths, list) or not all(isinstance(p, str) and p.strip() for p in raw_paths):
        raise WorkspaceError("expected a list of paths, e.g. paths = [\"cases\"]", source=str(file), field_name="data.paths")
    paths = tuple((base / Path(p).expanduser()).resolve() for p in raw_paths)
    register = _section(doc, file, "register").get("url", DEFAULT_REGISTER)
    if not isinstance(register, str) or not register.strip():
        raise WorkspaceError("expected a database URL, e.g. url = \"sqlite:///register.sqlite\"", source=str(file), field_name="register.url")
    reports = _section(doc, file, "reports").get("dir", "reports")
    if not isinstance(reports, str) or not reports.strip():
        raise WorkspaceError("expected a folder, e.g. dir = \"reports\"", source=str(file), field_name="reports.dir")
    return Workspace(file=file, data_paths=paths, register_url=_sqlite_url(register.strip(), base), reports_dir=(base / reports).resolve())


def find(start: str | Path | None = None) -> Path | None:
    """Return the nearest ``crc.toml`` in ``start`` (default: the working folder) or its parents."""
    try:
        here = Path(start or os.getcwd()).resolve()
    except OSError:  # the working folder was removed
        return None
    for folder in (here, *here.parents):
        candidate = folder / FILE_NAME
        if candidate.is_file():
            return candidate
    return None


def current() -> Workspace | None:
    """Return the workspace in force: ``CRC_WORKSPACE`` (a folder or a ``crc.toml``), else the nearest ``crc.toml``.

    ``CRC_WORKSPACE=none`` switches workspaces off (the shipped sample data and the
    defaults). A ``CRC_WORKSPACE`` that names no workspace is an error, not silence.
    """
    named = os.environ.get(ENV_VAR, "").strip()
    if named.casefold() in ("none", "off"):
        return None
    if named:
        path = Path(named).expanduser()
        file = path / FILE_NAME if path.is_dir() else path
        if not file.is_file():
            raise WorkspaceError(f"{ENV_VAR} names '{named}', which holds no {FILE_NAME} (crc init DIR makes one)", source=ENV_VAR)
        return read(file)
    file = find()
    return read(file) if file else None


# --------------------------------------------------------------------------- data paths


def as_paths(value, *, name: str = "data_paths") -> list[str | Path]:
    """Return data paths given as a list, or as one path; never the characters of a string.

    Papermill's ``-p data_paths '["data/cases"]'`` passes the text, not a list: a text that
    looks like a list and names no file is refused with what to type instead (STYLE.md).
    """
    if value is None or (isinstance(value, (str, list, tuple)) and not value):
        return []
    if isinstance(value, (str, os.PathLike)):
        text = os.fspath(value)
        if text.strip()[:1] in ("[", "{") and not Path(text).exists():
            raise CrcError(
                f"'{text}' is text, not a list of paths (papermill -p passes text): give one path "
                f"(-p {name} data/cases) or a list in YAML (-y '{name}: [data/cases, my-cases]')",
                source="parameter",
                field_name=name,
            )
        return [text if isinstance(value, str) else value]
    if isinstance(value, (bytes, dict)) or not hasattr(value, "__iter__"):
        raise CrcError(f"expected a path or a list of paths, found {type(value).__name__}", source="parameter", field_name=name)
    value = list(value)
    bad = [v for v in value if not isinstance(v, (str, os.PathLike)) or not os.fspath(v).strip()]
    if bad:
        raise CrcError(f"expected paths (text), found {bad[0]!r}", field_name=name)
    return value


_NOTICED: set[str] = set()


def reset_notice() -> None:
    """Let the next use of the sample data say so again (each ``crc`` command says it once)."""
    _NOTICED.clear()


def notice_sample_data(sample: Path) -> None:
    """Say, once, on stderr, that the shipped sample data are read because no workspace was found."""
    if "sample" in _NOTICED:
        return
    _NOTICED.add("sample")
    print(f"crc: no {FILE_NAME} in {_here()} or its parents: reading the shipped sample data in {sample} (crc init DIR makes a workspace for your own cases)", file=sys.stderr)


def _here() -> str:
    try:
        return os.getcwd()
    except OSError:
        return "the working folder"


def data_paths(paths=None, *, sample: Path) -> list:
    """Return the data to read: ``paths`` if given, else the workspace's, else ``[sample]`` (said once on stderr)."""
    given = as_paths(paths, name="paths")
    if given:
        return given
    ws = current()
    if ws is not None:
        return list(ws.data_paths)
    notice_sample_data(sample)
    return [sample]


def root_paths(value, *, root: Path, name: str = "data_paths") -> list[Path]:
    """Return notebook data paths resolved from ``root`` (the workspace's or repository's), never the kernel's folder."""
    return [p if (p := Path(os.fspath(v)).expanduser()).is_absolute() else (root / p) for v in as_paths(value, name=name)]


def describe_data(paths=None, *, sample: Path) -> str:
    """Return, in words, which data a command read: the paths given, the workspace's, or the sample data."""
    given = as_paths(paths, name="paths")
    if given:
        return "the data given (" + ", ".join(str(p) for p in given) + ")"
    ws = current()
    if ws is not None:
        return f"the workspace's data ({', '.join(str(p) for p in ws.data_paths)}; {ws.file})"
    return f"the shipped sample data ({sample})"


HOW_TO_ADD = (
    "add its case file to your workspace's cases/ folder (crc init DIR makes one), "
    "list its folder under [data] paths in crc.toml, or name the data on the command line (PATH... or --data PATH...)"
)
"""How to make more data visible to a command (said where an id is not found)."""


# --------------------------------------------------------------------------- making one


def _toml_text(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def toml_text(data_paths: list[str], register_url: str, reports: str = "reports") -> str:
    """Return the text of a new ``crc.toml``, commented for the person who will edit it."""
    paths = ", ".join(_toml_text(p) for p in data_paths)
    return (
        "# crc-tools workspace, made by `crc init`. Every crc command run in this folder or below it,\n"
        "# the notebooks and the dashboard read these settings unless told otherwise.\n"
        "# Paths are relative to this file.\n"
        "\n[data]\n"
        "# Case files, folders of them and bulk tables (CSV/XLSX) that every command reads.\n"
        f"paths = [{paths}]\n"
        "\n[register]\n"
        "# The register of determinations: a SQLite file (relative to this file), or a shared\n"
        "# PostgreSQL server (postgresql+psycopg://user@host/db). CRC_DATABASE_URL, when set, wins.\n"
        f"url = {_toml_text(register_url)}\n"
        "\n[reports]\n"
        "# Where rendered documents go (DGDs, rationales, the synopsis). CRC_REPORTS_DIR, when set, wins.\n"
        f"dir = {_toml_text(reports)}\n"
    )


def _write_new(path: Path, text: str) -> None:
    """Write a file that must not exist yet (``O_EXCL``): nothing is ever overwritten."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


def init(directory: str | Path, *, register_url: str = DEFAULT_REGISTER, extra_data: tuple = (), notebooks: Path | None = None) -> Workspace:
    """Make a workspace in ``directory``: ``cases/``, ``reports/`` and ``crc.toml``; return it.

    ``extra_data`` adds data paths after ``cases`` (e.g. the shipped sample data); with
    ``notebooks`` (the suite's notebook folder) the workspace gets a ``notebooks/`` folder
    linking to each numbered notebook, so JupyterLab started at the workspace shows them.
    A folder that is already a workspace is refused; nothing is overwritten.
    """
    root = Path(directory).expanduser().resolve()
    file = root / FILE_NAME
    if file.exists():
        raise WorkspaceError(f"already a workspace ({FILE_NAME} exists); edit it, or choose another folder", source=str(file))
    try:
        root.mkdir(parents=True, exist_ok=True)
        for sub in ("cases", "reports"):
            (root / sub).mkdir(exist_ok=True)
        paths = ["cases", *(os.fspath(p) for p in extra_data)]
        _write_new(file, toml_text(paths, register_url))
        if not (root / ".gitignore").exists():  # the dashboard's logins (password hashes) and journals stay out of version control
            _write_new(root / ".gitignore", "local/\n")
    except FileExistsError:
        raise WorkspaceError(f"already a workspace ({FILE_NAME} exists)", source=str(file)) from None
    except OSError as exc:
        raise WorkspaceError(f"cannot make the workspace: {exc.strerror or exc}", source=str(exc.filename or root)) from None
    if notebooks is not None and notebooks.is_dir():
        _link_notebooks(root / "notebooks", notebooks)
    return read(file)


def _link_notebooks(target: Path, source: Path) -> None:
    """Link each numbered notebook of the suite into the workspace (nothing replaced; a failure is not fatal)."""
    try:
        target.mkdir(exist_ok=True)
        for nb in sorted(source.glob("[0-9]*.py")):
            link = target / nb.name
            if not link.exists() and not link.is_symlink():
                link.symlink_to(nb)
    except OSError as exc:  # a file system without symbolic links: the notebooks stay in the suite's folder
        print(f"crc init: notebooks: not linked ({exc.strerror or exc}); open them from {source}", file=sys.stderr)
