"""Writing results: readable tables, JSON and CSV, atomic files, spreadsheet-safe cells."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

from .text import printable

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formula(value):
    """Return a cell value that a spreadsheet will not execute as a formula.

    Text starting with ``= + - @`` (or a tab or carriage return) is prefixed with an
    apostrophe (OWASP CSV-injection advice). Numbers and dates are left alone, and so
    is text that is a plain negative number or an ISO date.
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_PREFIXES):
        stripped = value.lstrip("-+")
        if value[0] in "-+" and stripped.replace(".", "", 1).isdigit():
            return value
        return "'" + value
    return value


def render_table(rows: list[dict], columns: list[str] | None = None, *, max_width: int = 48) -> str:
    """Return rows as a plain-text table with a header line, cells cut at ``max_width``."""
    if not rows:
        return "(nothing to show)\n"
    columns = columns or list(rows[0].keys())

    def cell(v) -> str:
        if v is None:
            return ""
        if isinstance(v, bool):
            return "yes" if v else "no"
        if isinstance(v, (list, tuple)):
            v = ", ".join(str(x) for x in v)
        text = printable(" ".join(str(v).split()))
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [[cell(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=False)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=False)).rstrip())
    return "\n".join(lines) + "\n"


def to_json(data) -> str:
    r"""Return data as JSON (dates as ISO text); a list of records is written one record per line.

    One record per line keeps a long answer readable and greppable while it is encoded by
    the json module's C encoder (an ``indent`` would fall back to the pure-Python one).
    Invisible format characters (U+202E …) are written as ``\uXXXX`` escapes: the same
    JSON value, but nothing that reorders a terminal's line.
    """
    from .text import json_escape_format

    if isinstance(data, list) and data and all(isinstance(r, dict) for r in data):
        lines = (json.dumps(r, ensure_ascii=False, default=_json_default) for r in data)
        return json_escape_format("[\n" + ",\n".join(lines) + "\n]\n")
    return json_escape_format(json.dumps(data, indent=2, ensure_ascii=False, default=_json_default) + "\n")


def _json_default(o):
    if hasattr(o, "isoformat"):
        return o.isoformat()
    if hasattr(o, "item"):
        return o.item()
    if isinstance(o, set):
        return sorted(o)
    return str(o)


def to_csv(rows: list[dict], columns: list[str] | None = None) -> str:
    """Return rows as CSV text with every cell made spreadsheet-safe."""
    buf = io.StringIO()
    columns = columns or (list(rows[0].keys()) if rows else [])
    w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: neutralize_formula(_csv_cell(r.get(k))) for k in columns})
    return buf.getvalue()


def _csv_cell(v):
    if isinstance(v, (list, tuple)):
        return "; ".join(str(x) for x in v)
    if isinstance(v, bool):
        return "true" if v else "false"
    return v


def ensure_folder(path: str | os.PathLike) -> Path:
    """Create the output folder ``path`` if needed and return it.

    Raises
    ------
    UsageError
        When ``path`` is an existing file (``--out report.html``, ``--out /dev/null``) or
        cannot be created: a wrong option, reported as such (exit 2), not an internal error.
    """
    from .errors import UsageError

    path = Path(path)
    if path.exists() and not path.is_dir():
        raise UsageError(f"{path}: not a folder but an existing file; give a folder for the results (--out DIR)")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{path}: cannot create the folder for the results: {exc.strerror or exc}") from None
    return path


def write_text_atomic(target: str | os.PathLike, text: str, *, force: bool = True) -> Path:
    """Write text to ``target`` through :func:`crc_tools.writers.write_file`; return the path.

    With ``force`` (the default for library callers that name their file) an existing regular
    file is replaced; anything else in the way (a link, a device, a folder) never is.
    """
    from .writers import write_file

    return write_file(target, text, force=force)


def write_bytes_atomic(target: str | os.PathLike, data: bytes, *, force: bool = True) -> Path:
    """Write bytes to ``target`` through :func:`crc_tools.writers.write_file`; return the path."""
    from .writers import write_file

    return write_file(target, data, force=force)


def xlsx_bytes(sheets: dict) -> bytes:
    """Return DataFrames (sheet name → frame) as an XLSX workbook, formulas neutralised."""
    import pandas as pd

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        for name, frame in sheets.items():
            safe = frame.copy()
            for c in safe.columns:
                col = safe[c]
                if not (pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_datetime64_any_dtype(col.dtype)):
                    # every column that may hold text: object, string, categorical (ids, countries …)
                    safe[c] = col.astype(object).map(_xlsx_cell)
            safe.columns = [_xlsx_cell(str(c)) for c in safe.columns]
            safe.to_excel(xw, sheet_name=str(name)[:31], index=False)
    return buf.getvalue()


def write_xlsx_atomic(target: str | os.PathLike, sheets: dict, *, force: bool = True) -> Path:
    """Write DataFrames (sheet name → frame) to an XLSX workbook through :func:`crc_tools.writers.write_file`."""
    from .writers import write_file

    return write_file(target, xlsx_bytes(sheets), force=force)


def _xlsx_cell(value):
    """Return a cell value openpyxl writes as plain text: formulas neutralised, illegal control characters removed."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return neutralize_formula(ILLEGAL_CHARACTERS_RE.sub("", value))


def records(df, columns: list[str]) -> list[dict]:
    """Return rows as plain dicts: dates as ISO text, missing values as None (vectorised)."""
    import numpy as np
    import pandas as pd

    sub = df[[c for c in columns if c in df.columns]]
    out = {}
    for c in sub.columns:
        col = sub[c]
        if pd.api.types.is_datetime64_any_dtype(col.dtype):
            values = np.where(col.isna().to_numpy(), None, col.dt.strftime("%Y-%m-%d").to_numpy(dtype=object))
        elif isinstance(col.dtype, pd.BooleanDtype):
            values = np.where(col.isna().to_numpy(), None, col.to_numpy(dtype=object, na_value=None))
        else:
            arr = col.to_numpy(dtype=object)
            mask = pd.isna(col).to_numpy() if col.dtype != object else np.array([v is None or v is pd.NA or (isinstance(v, float) and v != v) for v in arr], dtype=bool)
            values = np.where(mask, None, arr)
            if values.dtype == object and len(values) and isinstance(values[0], np.generic):
                values = np.array([v.item() if isinstance(v, np.generic) else v for v in values], dtype=object)
        out[c] = values
    names = list(out)
    if not names:
        return [{} for _ in range(len(sub))]
    return [dict(zip(names, row, strict=False)) for row in zip(*(out[n] for n in names), strict=False)]
