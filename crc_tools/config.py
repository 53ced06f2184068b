"""The one place where paths and settings are built.

Notebooks, commands and tests import these names rather than hard-coding paths
(cookiecutter-data-science habit, see ``../shared/STYLE.md``).

Settings read from the environment:

``CRC_WORKSPACE``
    The workspace (a folder holding ``crc.toml``, or the file itself; ``none`` for none).
    Default: the nearest ``crc.toml`` in the working folder or its parents
    (:mod:`crc_tools.workspace`). A workspace names the data every command reads, its
    register and its reports folder.
``CRC_DATA_DIR``
    Where the project's data lives (default: ``data/`` beside the package).
``CRC_REPORTS_DIR``
    Where rendered documents go (default: the workspace's ``reports/``, else ``reports/``).
``CRC_REGION_OVERRIDES``
    A CSV file (``country,pic_region,source``) that sets or corrects PIC regions
    locally (default: ``data/local/region_overrides.csv`` when it exists; ``none``
    switches overrides off).
``CRC_PARTIES``
    The table of Parties and the dates the Convention entered into force for them
    (default: ``data/reference/parties.csv``; read by :mod:`crc_tools.responses.parties`,
    which says so when the file is absent).
``CRC_DATABASE_URL``
    The register of determinations (default: the workspace's register, else SQLite under
    ``data/local/``).
``CRC_DASHBOARD_LOGINS``
    The dashboard's logins file: roles and argon2id password hashes written by
    ``crc dashboard add-user`` (default: the workspace's ``local/dashboard_logins.json``, else
    ``data/local/dashboard_logins.json``). Never committed: both folders are ignored by git.
``CRC_DASHBOARD_STATE``
    The dashboard's state folder: its durable journals and login sessions (default: the
    workspace's ``local/dashboard``, else ``data/local/dashboard``).
``CRC_DASHBOARD_SECRET``
    The secret behind the sign-in form's CSRF token (default: a new random secret per server
    start); servers behind one proxy share it.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import workspace

PROJ_ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = Path(__file__).resolve().parent


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def data_dir() -> Path:
    """Return the data directory (``CRC_DATA_DIR`` or ``data/``)."""
    return _env_path("CRC_DATA_DIR", PROJ_ROOT / "data")


def reference_dir() -> Path:
    """Return the folder of reference data shipped with the suite.

    Reference data (the Convention's items, PIC regions, Annex III) is part of
    the suite, so it is looked up beside the package even when ``CRC_DATA_DIR``
    points elsewhere; an installed copy carries it as package data.
    """
    for candidate in (PROJ_ROOT / "data" / "reference", PACKAGE_DIR / "_reference"):
        if candidate.is_dir():
            return candidate
    return PROJ_ROOT / "data" / "reference"


def cases_dir() -> Path:
    """Return the folder of sample case files (the default input of every command)."""
    return data_dir() / "cases"


def local_dir() -> Path:
    """Return the folder for local, uncommitted state (register, overrides)."""
    return data_dir() / "local"


def templates_dir() -> Path:
    """Return the folder of the document templates (papermill notebooks).

    ``notebooks/templates/`` in a checkout; an installed copy carries them as package
    data in ``crc_tools/_templates``.
    """
    for candidate in (PROJ_ROOT / "notebooks" / "templates", PACKAGE_DIR / "_templates"):
        if candidate.is_dir():
            return candidate
    return PROJ_ROOT / "notebooks" / "templates"


def reports_dir() -> Path:
    """Return the folder that receives rendered documents (``CRC_REPORTS_DIR``, the workspace's, or ``reports/``)."""
    if os.environ.get("CRC_REPORTS_DIR"):
        return _env_path("CRC_REPORTS_DIR", PROJ_ROOT / "reports")
    ws = workspace.current()
    return ws.reports_dir if ws is not None else PROJ_ROOT / "reports"


def data_paths(paths=None) -> list:
    """Return the data a command reads: ``paths`` if given, else the workspace's, else the shipped sample data.

    A string is one path, never its characters; using the sample data is said once on stderr.
    """
    return workspace.data_paths(paths, sample=cases_dir())


def describe_data(paths=None) -> str:
    """Return, in words, which data :func:`data_paths` reads for ``paths`` (for messages)."""
    return workspace.describe_data(paths, sample=cases_dir())


def project_root() -> Path:
    """Return the folder notebooks resolve relative paths from: the workspace's root, else the repository's."""
    ws = workspace.current()
    return ws.root if ws is not None else PROJ_ROOT


def region_overrides_path() -> Path | None:
    """Return the local PIC-region override file, if one is configured or present."""
    value = os.environ.get("CRC_REGION_OVERRIDES")
    if value is not None:
        if value.strip().casefold() in ("", "none", "off"):
            return None
        return Path(value).expanduser()
    default = local_dir() / "region_overrides.csv"
    return default if default.exists() else None


def parties_path() -> Path:
    """Return the table of Parties and their entry-into-force dates (``CRC_PARTIES`` or ``data/reference/parties.csv``)."""
    return _env_path("CRC_PARTIES", reference_dir() / "parties.csv")


def database_url() -> str:
    """Return the register's database URL (``CRC_DATABASE_URL``, the workspace's, or SQLite in ``data/local``)."""
    value = os.environ.get("CRC_DATABASE_URL")
    if value:
        return value
    ws = workspace.current()
    if ws is not None:
        return ws.register_url
    return f"sqlite:///{local_dir() / 'register.sqlite'}"


def dashboard_logins_path() -> Path:
    """Return the dashboard's logins file (``CRC_DASHBOARD_LOGINS``, the workspace's ``local/``, or ``data/local/dashboard_logins.json``)."""
    value = os.environ.get("CRC_DASHBOARD_LOGINS")
    return Path(value).expanduser() if value else _workspace_local() / "dashboard_logins.json"


def dashboard_state_dir() -> Path:
    """Return the dashboard's state folder: journals and login sessions (``CRC_DASHBOARD_STATE`` or ``data/local/dashboard``)."""
    value = os.environ.get("CRC_DASHBOARD_STATE")
    return Path(value).expanduser() if value else _workspace_local() / "dashboard"


def _workspace_local() -> Path:
    """Return the folder of local state: the workspace's ``local/`` (beside its register), else ``data/local/``."""
    ws = workspace.current()
    return ws.root / "local" if ws is not None else local_dir()


# Convenience constants for notebooks (evaluated at import, like cookiecutter's config).
DATA_DIR = data_dir()
REFERENCE_DIR = reference_dir()
CASES_DIR = cases_dir()
try:
    REPORTS_DIR = reports_dir()
except workspace.WorkspaceError:  # a broken crc.toml is reported where it is used, not at import
    REPORTS_DIR = PROJ_ROOT / "reports"
