"""Bulk tables: CSV files and XLSX workbooks read as text cells, within the documented limits.

A table is refused as a whole, with a message naming the limit, when it passes one of
:mod:`crc_tools.intake.limits` (checked before the rows are read: a CSV header's width, a
workbook's parts and declared dimensions). A workbook's visible sheets whose header matches a
table the suite reads are all read (and the command says which); a hidden sheet is not read
but named in a warning; ``sheet`` (``--sheet NAME``) chooses one.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import Problems
from .limits import MAX_COLUMNS, MAX_HEADER_BYTES, MAX_TABLE_BYTES, LimitExceeded, too_many_columns

CODED_TYPES = {"enum", "bool", "date", "cas_list", "hs_code", "party", "party_list", "formulation_type", "number"}
"""Field types whose columns hold few distinct values: read dictionary-encoded (see :func:`_read_csv`)."""

CODED_TEXT = {"chemical", "chemical_name"}
"""Text fields that also hold few distinct values (a table names a few hundred chemicals over many notifications)."""


# --------------------------------------------------------------------------- files


def _sniff(path: Path, problems: Problems, limit: int) -> bytes | None:
    """Return the first bytes of a file after basic checks, or ``None`` with a problem recorded."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(8192)
    except OSError as exc:
        problems.add(path, None, "", f"cannot read file: {exc.strerror or exc}")
        return None
    if size == 0:
        problems.add(path, None, "", "file is empty")
        return None
    if size > limit:
        problems.add(path, None, "", f"file is {size:,} bytes, more than the {limit:,} accepted for this kind of file")
        return None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.add(path, None, "", "file is UTF-16 text; save it as UTF-8 (with or without BOM)")
        return None
    if path.suffix.lower() != ".xlsx" and _looks_binary(head):
        problems.add(path, None, "", "file is binary, not text; expected UTF-8 YAML, JSON or CSV")
        return None
    return head


def _looks_binary(head: bytes) -> bool:
    """Return whether the first bytes of a file are binary data rather than text.

    A stray NUL byte in one cell does not make a table binary (the cell is refused, the
    other rows go on); control bytes making up more than 1 % of the text do.
    """
    if b"\x00" not in head:
        return False
    controls = sum(head.count(bytes([b])) for b in range(32) if b not in (9, 10, 13))
    return controls > max(1, len(head) // 100)




def known_table(columns) -> bool:
    """Return whether a header names a table the suite reads (notifications, SHPF proposals, incidents, the Part 2 tracker, import responses)."""
    names = {str(c).strip() for c in columns}
    return bool(names & {"notification_id", "proposal_id", "response_id"})


def read_tables(path: Path, problems: Problems, *, sheet: str | None = None, known=known_table) -> list[tuple[str, pd.DataFrame]]:
    """Read the tables of a CSV file or an XLSX workbook as text cells with ``_row`` (the spreadsheet row number).

    Returns
    -------
    list of (source, DataFrame)
        One table per sheet read; ``source`` is the file, or ``FILE[SHEET]`` when a
        workbook gave several tables. Empty when the file is refused (problems say why).
    """
    path = Path(path)
    head = _sniff(path, problems, MAX_TABLE_BYTES)
    if head is None:
        return []
    if path.suffix.lower() == ".xlsx":
        if not head.startswith(b"PK"):
            problems.add(path, None, "", "not an XLSX workbook (expected an Office Open XML spreadsheet)")
            return []
        from .sheets import read_workbook

        tables = read_workbook(path, problems, sheet=sheet, known=known)
    else:
        if sheet is not None:
            problems.add(path, None, "", f"--sheet {sheet}: a CSV file has no sheets; the whole table was read", "warning")
        tables = [(str(path), df)] if (df := _read_csv_table(path, head, problems)) is not None else []
    out = []
    for source, df in tables:
        df = finish_table(df, source, problems)
        if df is not None:
            out.append((source, df))
    return out


def read_table(path: Path, problems: Problems, *, sheet: str | None = None, known=known_table) -> pd.DataFrame | None:
    """Read a CSV or XLSX table as text cells with ``_row``; of a workbook, the tables of its sheets one after the other."""
    tables = read_tables(path, problems, sheet=sheet, known=known)
    if not tables:
        return None
    if len(tables) == 1:
        return tables[0][1]
    return pd.concat([df.assign(_sheet=source) for source, df in tables], ignore_index=True, sort=False).fillna("")


def _read_csv_table(path: Path, head: bytes, problems: Problems) -> pd.DataFrame | None:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not merely a character cut at the sniff boundary
            line = head[: exc.start].count(b"\n") + 1
            problems.add(path, str(line), "", f"not UTF-8 text (byte 0x{head[exc.start]:02x} at line {line}); save the table as UTF-8 CSV")
            return None
    try:
        _csv_header_cells(path)
    except LimitExceeded as exc:
        problems.add(path, "1", "", str(exc))
        return None
    except OSError as exc:
        problems.add(path, None, "", f"cannot read file: {exc.strerror or exc}")
        return None
    return _read_csv(path, problems)


def _csv_header_cells(path: Path) -> list[str]:
    """Return a CSV file's header cells, read within :data:`MAX_HEADER_BYTES` and :data:`MAX_COLUMNS`."""
    with open(path, "rb") as fh:
        line = fh.readline(MAX_HEADER_BYTES + 1)
    if len(line) > MAX_HEADER_BYTES:
        if line.count(b",") >= MAX_COLUMNS:
            raise too_many_columns(f"at least {line.count(b',') + 1:,}", "the header")
        raise LimitExceeded(f"the header line is longer than {MAX_HEADER_BYTES:,} bytes (limit: {MAX_HEADER_BYTES // 1024 // 1024} MB header, {MAX_COLUMNS} columns)")
    if line.startswith(b"\xef\xbb\xbf"):
        line = line[3:]
    header = next(csv.reader([line.decode("utf-8", errors="replace").rstrip("\r\n")]), [])
    if len(header) > MAX_COLUMNS:
        raise too_many_columns(len(header), "the header")
    return header


def repeated_columns(names) -> list[str]:
    """Return the header names that occur more than once, in linear time (``x`` and pandas' ``x.1`` count as one name)."""
    named = [c for c in names if c]
    counts = Counter(named)
    present = set(named)
    twice = {c for c, n in counts.items() if n > 1}
    copies = {m.group(1) for c in present if (m := re.fullmatch(r"(.+)\.[1-9]\d*", c)) and m.group(1) in present}
    return sorted(twice | copies)


def finish_table(df: pd.DataFrame, source: str, problems: Problems) -> pd.DataFrame | None:
    """Clean a table just read: header names stripped, a repeated name refused, ``_row`` set, blank rows dropped."""
    df.columns = [str(c).strip().lstrip("\ufeff") for c in df.columns]
    repeated = repeated_columns(c for c in df.columns if c != "_row")
    if repeated:  # pandas renames a repeated header 'x' to 'x.1': either way two columns claim one field
        problems.add(source, "1", "", f"column(s) named more than once in the header: {', '.join(repeated)}; which one holds the data is ambiguous, so the table is not read (remove or rename the copies)")
        return None
    if "_row" not in df.columns:
        df["_row"] = np.arange(2, len(df) + 2)
    cells = [c for c in df.columns if c != "_row"]
    if len(df) and cells:  # blank rows (an empty line, a row of empty cells) separate records; they are none
        blank = np.ones(len(df), dtype=bool)
        for c in cells:
            blank &= (df[c] == "").to_numpy(dtype=bool, na_value=True)
        if blank.any():
            df = df.loc[~blank].reset_index(drop=True)
    return df


def _coded_columns() -> set[str]:
    from .fields import notification_schema

    names = {f.name for f in notification_schema().fields if f.type in CODED_TYPES} | CODED_TEXT
    try:
        from .fields import incident_schema, part2_schema, proposal_schema, response_schema

        for schema in (proposal_schema(), incident_schema(), part2_schema(), response_schema()):
            names |= {f.name for f in schema.fields if f.type in CODED_TYPES}
    except ImportError:  # pragma: no cover - older field declarations
        pass
    return names


def _read_csv_fast(path: Path) -> pd.DataFrame:
    """Read a well-formed UTF-8 CSV with pyarrow: multi-threaded, cells kept as text, no type guessing.

    Columns of few distinct values (countries, categories, dates, CAS numbers) are read
    dictionary-encoded, so a million rows carry a few thousand strings and every later
    step works on integer codes.
    """
    import pyarrow as pa
    import pyarrow.csv as pcsv

    header = _csv_header_cells(path)
    coded = _coded_columns()
    types = {c: (pa.dictionary(pa.int32(), pa.string()) if c.strip() in coded else pa.string()) for c in header}
    table = pcsv.read_csv(
        path,
        read_options=pcsv.ReadOptions(encoding="utf8"),
        parse_options=pcsv.ParseOptions(ignore_empty_lines=False),  # a blank line is a spreadsheet row: numbering stays right
        convert_options=pcsv.ConvertOptions(column_types=types, strings_can_be_null=False, quoted_strings_can_be_null=False),
    )
    df = table.to_pandas()
    for c in df.columns:
        if not isinstance(df[c].dtype, pd.CategoricalDtype):
            df[c] = df[c].astype("string[pyarrow]").fillna("")
    return df


def _read_csv(path: Path, problems: Problems) -> pd.DataFrame | None:
    try:
        return _read_csv_fast(path)
    except Exception:  # noqa: BLE001 - ragged rows, multi-line cells, odd encodings: the careful path below
        pass
    kwargs = dict(dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig", skipinitialspace=False, skip_blank_lines=False)
    try:
        return pd.read_csv(path, **kwargs)
    except UnicodeDecodeError as exc:
        problems.add(path, None, "", f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the table as UTF-8 CSV")
        return None
    except pd.errors.EmptyDataError:
        problems.add(path, None, "", "table has no header row")
        return None
    except pd.errors.ParserError:
        pass
    # Rows with the wrong number of cells: report each and keep the rest.
    bad: list[tuple[int, int]] = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            rows, numbers = [], []
            for number, row in enumerate(reader, start=2):  # the spreadsheet row: a quoted line break stays in its cell
                if len(row) != len(header):
                    if any(cell.strip() for cell in row):
                        bad.append((number, len(row)))
                    continue
                rows.append(row)
                numbers.append(number)
    except (UnicodeDecodeError, csv.Error) as exc:
        problems.add(path, None, "", f"cannot parse the table: {exc}")
        return None
    for line, n in bad:
        problems.add(path, str(line), "", f"row has {n} cells but the header has {len(header)}; row left out")
    df = pd.DataFrame(rows, columns=header, dtype=str)
    df["_row"] = numbers
    return df


__all__ = ["read_tables", "read_table", "finish_table", "known_table", "repeated_columns", "CODED_TEXT", "CODED_TYPES"]
