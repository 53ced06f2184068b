"""The documented limits of what the intake reads (SECURITY.md, "Limits").

Each limit is checked before the work it bounds (a workbook's declared dimension and the
uncompressed size of each part before parsing, a CSV header's width before reading the
rows), and a table past one is refused as a whole with a message naming the limit: a
spreadsheet bomb costs seconds, never gigabytes.
"""

from __future__ import annotations

MAX_TABLE_BYTES = 2 * 1024 * 1024 * 1024
"""Largest bulk-table file (CSV or XLSX, as stored)."""
MAX_COLUMNS = 200
"""Most columns a table may have (the declared fields number about 100)."""
MAX_ROWS = 1_000_000
"""Most data rows a table (or one sheet of a workbook) may have."""
MAX_HEADER_BYTES = 1024 * 1024
"""Longest header line of a CSV table."""
MAX_XLSX_PART_BYTES = 50 * 1024 * 1024
"""Largest uncompressed part of a workbook that is read (a sheet, the shared strings, the styles)."""
MAX_XLSX_PARTS = 10_000
"""Most files inside a workbook (a real one has a few dozen)."""
MAX_CELL_CHARS = 100_000
"""Longest text in one cell (the longest text a field accepts)."""


class LimitExceeded(ValueError):
    """Input past a documented limit; the message names the limit and what was found."""


def column_letters(index: int) -> str:
    """Return the spreadsheet letters of a 1-based column number (1 → A, 27 → AA)."""
    out = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def too_many_columns(found: int | str, where: str = "the table") -> LimitExceeded:
    """Return the refusal of a table wider than :data:`MAX_COLUMNS`."""
    shown = f"{found:,}" if isinstance(found, int) else found
    return LimitExceeded(f"{where} has {shown} columns, more than the {MAX_COLUMNS} a table may have (limit: {MAX_COLUMNS} columns); remove the extra columns")


def too_many_rows(found: int | str, where: str = "the table") -> LimitExceeded:
    """Return the refusal of a table longer than :data:`MAX_ROWS`."""
    shown = f"{found:,}" if isinstance(found, int) else found
    return LimitExceeded(f"{where} has {shown} rows, more than the {MAX_ROWS:,} a table may have (limit: {MAX_ROWS:,} rows); split it")


__all__ = [
    "MAX_TABLE_BYTES", "MAX_COLUMNS", "MAX_ROWS", "MAX_HEADER_BYTES", "MAX_XLSX_PART_BYTES", "MAX_XLSX_PARTS", "MAX_CELL_CHARS",
    "LimitExceeded", "column_letters", "too_many_columns", "too_many_rows",
]
