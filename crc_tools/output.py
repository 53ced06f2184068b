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


def _json_strings(arr):
    """Return a pyarrow string array as JSON string literals (``null`` for nulls), as ``json.dumps(..., ensure_ascii=False)`` writes them.

    A string holding no quote, backslash or control character is written as it is between
    quotes, by pyarrow; the others are encoded by the json module one by one.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    quoted = pc.binary_join_element_wise('"', arr, '"', "")
    dirty = pc.fill_null(pc.match_substring_regex(arr, r'["\\\x{00}-\x{1f}]'), False)
    if pc.any(dirty).as_py():
        at = np.flatnonzero(dirty.to_numpy(zero_copy_only=False))
        fixed = quoted.to_numpy(zero_copy_only=False).astype(object)
        raw = arr.to_numpy(zero_copy_only=False)
        fixed[at] = [json.dumps(raw[i], ensure_ascii=False) for i in at.tolist()]
        quoted = pa.array(fixed, type=pa.string())
    return pc.fill_null(quoted, "null")


def _json_text_columns(arr):
    """Return JSON texts for an object array of text or of lists of text, by pyarrow; ``None`` when it holds anything else."""
    import pyarrow as pa
    import pyarrow.compute as pc

    first = next((v for v in arr[: 1000] if v is not None), None)
    try:
        if isinstance(first, (list, tuple)):
            lists = pa.array(arr.tolist(), type=pa.list_(pa.string()))
            inner = _json_strings(lists.flatten())
            joined = pc.binary_join(pa.ListArray.from_arrays(lists.offsets, inner, mask=lists.is_null()), ", ")
            return pc.fill_null(pc.binary_join_element_wise("[", joined, "]", ""), "null")
        return _json_strings(pa.array(arr, type=pa.string(), from_pandas=True))
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeEncodeError):
        return None


def _json_fragments(col) -> object:
    """Return one column as a pyarrow array of JSON texts: text and lists of text by pyarrow, other values each distinct one once."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    if pd.api.types.is_bool_dtype(col.dtype) and not isinstance(col.dtype, pd.BooleanDtype):
        return pc.if_else(pa.array(col.to_numpy(dtype=bool)), "true", "false")
    if pd.api.types.is_integer_dtype(col.dtype) and not pd.api.types.is_extension_array_dtype(col.dtype):
        return pc.cast(pa.array(col.to_numpy()), pa.string())
    if pd.api.types.is_datetime64_any_dtype(col.dtype) or isinstance(col.dtype, pd.BooleanDtype) or (col.dtype != object and not pd.api.types.is_string_dtype(col.dtype)):
        values = records(col.to_frame(), [col.name])  # dates as ISO text, NA as null: few such columns in a status
        arr = np.array([r[col.name] for r in values] + [None], dtype=object)[:-1]
    else:
        arr = col.to_numpy(dtype=object)
        ids, distinct = pd.factorize(np.fromiter(map(id, arr), dtype=np.int64, count=len(arr)))
        if 4 * len(distinct) < len(arr):  # few distinct objects (lists shared by the producer): encode each once
            at = np.full(len(distinct), len(arr), dtype=np.int64)
            np.minimum.at(at, ids, np.arange(len(arr)))
            fast = _json_text_columns(arr[at])
            if fast is not None:
                return fast.take(pa.array(ids))
        fast = _json_text_columns(arr)
        if fast is not None:
            return fast
    try:
        codes, uniques = pd.factorize(arr, use_na_sentinel=False)
    except TypeError:  # lists: one object per distinct value where the producer shared them
        codes, ids = pd.factorize(np.fromiter(map(id, arr), dtype=np.int64, count=len(arr)))
        at = np.full(len(ids), len(arr), dtype=np.int64)
        np.minimum.at(at, codes, np.arange(len(arr)))
        uniques = arr[at]
    encoded = np.array([_json_value(u) for u in uniques] + [""], dtype=object)[:-1]
    return pa.array(encoded[codes], type=pa.string())


def _json_value(u) -> str:
    if u is None or (isinstance(u, float) and u != u):
        return "null"
    return json.dumps(u, ensure_ascii=False, default=_json_default)


def _json_rows(df, columns: list[str]):
    """Return the rows as a pyarrow string array of JSON objects, each but the last followed by a comma and a line break."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts: list = []
    for i, c in enumerate(columns):
        parts.append(("{" if i == 0 else ", ") + json.dumps(c, ensure_ascii=False) + ": ")
        parts.append(_json_fragments(df[c]))
    ends = pa.array([",\n"] * (len(df) - 1) + ["\n"], type=pa.string())
    parts += ["}", ends]
    return pc.binary_join_element_wise(*[p if isinstance(p, pa.Array) else pa.scalar(p) for p in parts], "")


def frame_to_json(df, columns: list[str]) -> str:
    """Return a DataFrame's rows as :func:`to_json` writes a list of records, encoded column by column.

    Text and lists of text are quoted by pyarrow, other values encoded by the json module once
    per distinct value, and the rows assembled by pyarrow: 200,000 rows cost about what their
    distinct values cost. The text is the same as ``to_json(records(df, columns))``.
    """
    cols = [c for c in columns if c in df.columns]
    if not len(df) or not cols:
        return to_json(records(df, cols))
    from .text import json_escape_format

    rows = _json_rows(df, cols)
    return json_escape_format("[\n" + "".join(rows.to_pylist()) + "]\n")


def write_frame_json(df, columns: list[str], stream) -> None:
    """Write :func:`frame_to_json`'s text to a binary stream as UTF-8, straight from pyarrow's buffer (no Python string of it)."""
    cols = [c for c in columns if c in df.columns]
    if not len(df) or not cols:
        stream.write(to_json(records(df, cols)).encode("utf-8"))
        return
    rows = _json_rows(df, cols)
    if _has_format_characters(rows):  # escaped as to_json escapes them (rare: go through Python text)
        stream.write(frame_to_json(df, columns).encode("utf-8"))
        return
    offsets, data = rows.buffers()[1], rows.buffers()[2]
    import numpy as np

    bounds = np.frombuffer(offsets, dtype=np.int32, count=len(rows) + 1, offset=rows.offset * 4)
    stream.write(b"[\n")
    stream.write(memoryview(data)[int(bounds[0]) : int(bounds[-1])])
    stream.write(b"]\n")


def _has_format_characters(rows) -> bool:
    """Return whether any of pyarrow's JSON rows holds an invisible format character (Unicode Cf), found by Arrow."""
    import pyarrow.compute as pc

    from .text import FORMAT_RE2

    return bool(len(rows)) and bool(pc.any(pc.match_substring_regex(rows, FORMAT_RE2)).as_py())
