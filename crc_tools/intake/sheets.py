"""Which sheets of a workbook are read, and each read sheet as a table of text cells.

Every visible sheet whose header names a table the suite reads is read; the command says
which (a note) and names the sheets it left (a hidden sheet in a warning, since records there
would otherwise pass unseen). ``--sheet NAME`` reads that sheet alone, hidden or not. When no
visible sheet has a known header the first one is read, so that its missing columns are
reported as for any table.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import Problems
from .limits import MAX_CELL_CHARS, LimitExceeded, column_letters
from .xlsx import Sheet, SheetCells, Workbook, WorkbookError


def read_workbook(path: Path, problems: Problems, *, sheet: str | None, known) -> list[tuple[str, pd.DataFrame]]:
    """Return ``(source, table)`` for each sheet read from the workbook; refuse it whole past a limit."""
    try:
        with Workbook(path) as book:
            sheets = book.sheets()
            chosen = _choose(book, sheets, path, problems, sheet, known)
            out = []
            for sh in chosen:
                source = str(path) if len(chosen) == 1 else f"{path}[{sh.name}]"
                df = _frame(book.cells(sh), source, problems)
                if df is not None:
                    out.append((source, df))
            return out
    except LimitExceeded as exc:
        problems.add(path, None, "", f"{exc}; the workbook is not read")
    except WorkbookError as exc:
        problems.add(path, None, "", f"cannot read the workbook: {exc}")
    except OSError as exc:
        problems.add(path, None, "", f"cannot read file: {exc.strerror or exc}")
    return []


def _quoted(sheets) -> str:
    return ", ".join(f"'{s.name}'" for s in sheets)


def _choose(book: Workbook, sheets: list[Sheet], path: Path, problems: Problems, wanted: str | None, known) -> list[Sheet]:
    if wanted is not None:
        match = [s for s in sheets if s.name == wanted] or [s for s in sheets if s.name.casefold() == wanted.strip().casefold()]
        if not match:
            problems.add(path, None, "", f"no sheet named '{wanted}' in the workbook (its sheets: {_quoted(sheets) or 'none'})")
        return match[:1]
    for s in sheets:
        if s.hidden:
            problems.add(path, None, "", f"sheet '{s.name}' is hidden and was not read; give --sheet '{s.name}' to read it", "warning")
    visible = [s for s in sheets if not s.hidden]
    if not visible:
        problems.add(path, None, "", "the workbook has no visible sheet; give --sheet NAME to read a hidden one")
        return []
    matching = [s for s in visible if known(book.cells(s, header_only=True).values)]
    chosen = matching or visible[:1]
    if len(sheets) > 1:
        left = [s for s in visible if s not in chosen]
        rest = f"; not read: {_quoted(left)} (no header of a table the suite reads)" if left else ""
        problems.add(path, None, "", f"read sheet{'s' if len(chosen) > 1 else ''} {_quoted(chosen)}{rest}", "note")
    return chosen


def _frame(cells: SheetCells, source: str, problems: Problems) -> pd.DataFrame | None:
    """Return a sheet's cells as a table: header from its first row with a value, rows by their row number."""
    if not cells.values:
        problems.add(source, None, "", "the sheet holds no table (no header row)")
        return None
    rows = np.asarray(cells.rows, dtype=np.int64)
    cols = np.asarray(cells.cols, dtype=np.int64)
    values = np.asarray(cells.values, dtype=object)
    top = int(rows.min())
    header = {int(c): str(v).strip() for c, v in zip(cols[rows == top], values[rows == top], strict=True)}
    data = rows > top
    numbers, position = np.unique(rows[data], return_inverse=True)
    bad = _repeated_cells(rows[data], cols[data], source, header, problems) | _long_cells(cells, top, source, header, problems)
    names, arrays = [], []
    for c in sorted(set(header) | set(cols[data].tolist())):
        names.append(header.get(c) or f"(column {column_letters(c)})")
        column = np.full(len(numbers), "", dtype=object)
        here = cols[data] == c
        column[position[here]] = values[data][here]
        arrays.append(column)
    df = pd.DataFrame(dict(enumerate(arrays)), index=range(len(numbers)))
    df.columns = names
    df["_row"] = numbers
    if bad:
        df = df[~df["_row"].isin(bad)].reset_index(drop=True)
    return df


def _repeated_cells(rows, cols, source: str, header: dict, problems: Problems) -> set:
    """Report a cell stored twice (which value holds is ambiguous); return the rows left out."""
    keys = rows * 100_000 + cols
    unique, counts = np.unique(keys, return_counts=True)
    out = set()
    for key in unique[counts > 1].tolist():
        row, col = divmod(key, 100_000)
        problems.add(source, row, header.get(col, column_letters(col)), f"cell {column_letters(col)}{row} is stored twice in the sheet; which value holds is ambiguous, so the row is left out")
        out.add(row)
    return out


def _long_cells(cells: SheetCells, top: int, source: str, header: dict, problems: Problems) -> set:
    out = set()
    for row, col in cells.too_long:
        problems.add(source, row, header.get(col, column_letters(col)), f"cell {column_letters(col)}{row} holds more than {MAX_CELL_CHARS:,} characters (limit: {MAX_CELL_CHARS:,} characters in a cell); row left out")
        if row != top:
            out.add(row)
    return out


__all__ = ["read_workbook"]
