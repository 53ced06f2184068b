"""Reading the reference files of ``data/reference/``: CSV and YAML, with errors naming file, row and field."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from .. import config
from ..errors import CrcError


class ReferenceDataError(CrcError):
    """The shipped or local reference data are malformed."""


def read_csv(path: Path) -> list[dict[str, str]]:
    """Return the rows of a reference CSV file, cells stripped; raise :class:`ReferenceDataError` when unreadable."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return [{k: (v or "").strip() for k, v in row.items() if k is not None} for row in csv.DictReader(fh)]
    except FileNotFoundError:
        raise ReferenceDataError(f"reference file is missing: {path}", source=str(path)) from None
    except UnicodeDecodeError as exc:
        raise ReferenceDataError(f"not UTF-8 text ({exc.reason})", source=str(path)) from None


def require_columns(path: Path, rows: list[dict], columns: tuple[str, ...]) -> None:
    """Raise :class:`ReferenceDataError` when a file has no rows or lacks a column."""
    if not rows:
        raise ReferenceDataError("file has no rows", source=str(path))
    missing = [c for c in columns if c not in rows[0]]
    if missing:
        raise ReferenceDataError(f"missing column(s): {', '.join(missing)}", source=str(path))


def ref_path(name: str) -> Path:
    """Return the path of a file in the reference folder (``config.reference_dir()``)."""
    return config.reference_dir() / name


@lru_cache(maxsize=None)
def read_reference_yaml(path: Path):
    """Return the content of a reference YAML file, parsed once per process.

    The suite's own declarations are read safely (no Python objects), by libyaml's C parser
    when PyYAML was built with it: the pure-Python parser took a tenth of a second per command.
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader)  # noqa: S506 - a safe loader

