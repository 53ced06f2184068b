"""Reading XLSX workbooks safely: the Office Open XML parts streamed and bounded, cells placed by their reference.

A workbook is a zip of XML parts. Before anything is parsed the zip's entry count, each
part's declared size and each sheet's declared dimension are checked against
:mod:`crc_tools.intake.limits`; while a part is parsed (expat, in chunks) its real
uncompressed size, each cell's column and length and the number of rows are checked again,
so a lying header buys nothing. No DTD or entity is accepted. Rows are placed by their row
number (``<row r="7">``) and cells by their reference (``<c r="B7">``), not by their order in
the file, so rows stored out of order are read where they belong.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from .limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_ROWS,
    LimitExceeded,
    column_letters,
    too_many_columns,
    too_many_rows,
)
from .xlsxparts import Package, WorkbookError, _local  # noqa: F401 - WorkbookError kept importable from here

EXCEL_MAX_ROW = 1_048_576
_CELL_REF = re.compile(r"([A-Za-z]{1,3})(\d{1,7})")
_BUILTIN_DATE_FORMATS = set(range(14, 23)) | set(range(27, 37)) | {45, 46, 47} | set(range(50, 59))


@dataclass
class Sheet:
    """One sheet of a workbook: its name, whether it is hidden, and its part."""

    name: str
    hidden: bool
    part: str


@dataclass
class SheetCells:
    """The cells of a sheet that hold a value: three aligned lists (row number, column number, text)."""

    rows: list = field(default_factory=list)
    cols: list = field(default_factory=list)
    values: list = field(default_factory=list)
    too_long: list = field(default_factory=list)
    """(row, column) of cells whose text passed :data:`MAX_CELL_CHARS` (not kept)."""


class Workbook(Package):
    """An XLSX workbook opened for reading within the limits: its sheets, shared strings, date styles and cells."""

    def __init__(self, path: str | Path):
        super().__init__(path)
        self._strings: tuple[list, set] | None = None
        self._dates: set | None = None
        self.date1904 = False
        self.main = self._main_part()

    def _main_part(self) -> str:
        for target in self._relations("").values():
            if target.endswith(".xml") and target in self.parts and "workbook" in target.rsplit("/", 1)[-1]:
                return target
        if "xl/workbook.xml" in self.parts:
            return "xl/workbook.xml"
        raise WorkbookError("not an XLSX workbook (no workbook part)")

    def sheets(self) -> list[Sheet]:
        """Return the workbook's sheets in their order, each with its part."""
        rels = self._relations(self.main)
        found: list[Sheet] = []

        def start(name, attrs):
            local = _local(name)
            if local == "workbookPr" and attrs.get("date1904", "").lower() in ("1", "true"):
                self.date1904 = True
            elif local == "sheet":
                rid = next((v for k, v in attrs.items() if _local(k) == "id" and k != "sheetId"), "")
                found.append(Sheet(attrs.get("name", ""), attrs.get("state", "visible") != "visible", rels.get(rid, "")))

        self.parse(self.main, start)
        return found

    def shared_strings(self) -> tuple[list, set]:
        """Return the shared strings and the indexes of those longer than :data:`MAX_CELL_CHARS`."""
        if self._strings is None:
            part = next((t for t in self._relations(self.main).values() if t.endswith("sharedStrings.xml")), "xl/sharedStrings.xml")
            self._strings = _read_strings(self, part) if part in self.parts else ([], set())
        return self._strings

    def date_styles(self) -> set:
        """Return the cell-style indexes whose number format shows a date or a time."""
        if self._dates is None:
            part = next((t for t in self._relations(self.main).values() if t.endswith("styles.xml")), "xl/styles.xml")
            self._dates = _read_date_styles(self, part) if part in self.parts else set()
        return self._dates

    def cells(self, sheet: Sheet, *, header_only: bool = False) -> SheetCells:
        """Return the cells of a sheet that hold a value (only the first such row with ``header_only``)."""
        if not sheet.part or sheet.part not in self.parts:
            raise WorkbookError(f"sheet '{sheet.name}' has no part in the workbook")
        if not header_only:
            rows = self.count_rows(sheet.part)
            if rows > MAX_ROWS + 1:
                raise too_many_rows(rows, f"sheet '{sheet.name}'")
        strings, long_strings = self.shared_strings()
        reader = _SheetReader(sheet.name, strings, long_strings, self.date_styles(), self.date1904, header_only)
        try:
            self.parse(sheet.part, reader.start, reader.end, reader.data)
        except _HeaderRead:
            pass
        return reader.out


class _HeaderRead(Exception):
    """Raised to stop parsing once the header row is read."""


def _read_strings(book: Workbook, part: str) -> tuple[list, set]:
    strings: list[str] = []
    long_ones: set[int] = set()
    state = {"buf": None, "size": 0, "rph": 0, "collect": False}

    def start(name, attrs):
        local = _local(name)
        if local == "si":
            state["buf"], state["size"] = [], 0
        elif local == "rPh":
            state["rph"] += 1
        elif local == "t" and state["buf"] is not None and not state["rph"]:
            state["collect"] = True

    def data(text):
        if state["collect"]:
            state["size"] += len(text)
            if state["size"] <= MAX_CELL_CHARS:
                state["buf"].append(text)

    def end(name):
        local = _local(name)
        if local == "t":
            state["collect"] = False
        elif local == "rPh":
            state["rph"] -= 1
        elif local == "si":
            if state["size"] > MAX_CELL_CHARS:
                long_ones.add(len(strings))
            strings.append("".join(state["buf"]) if state["size"] <= MAX_CELL_CHARS else "")
            state["buf"] = None

    book.parse(part, start, end, data)
    return strings, long_ones


def _is_date_format(code: str) -> bool:
    text = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.', "", code)
    return bool(re.search(r"[dmyhs]", text, re.IGNORECASE)) and "general" not in text.lower()


def _read_date_styles(book: Workbook, part: str) -> set:
    formats: dict[int, str] = {}
    xfs: list[int] = []
    state = {"in_xfs": False}

    def start(name, attrs):
        local = _local(name)
        if local == "numFmt":
            try:
                formats[int(attrs.get("numFmtId", "-1"))] = attrs.get("formatCode", "")
            except ValueError:
                pass
        elif local == "cellXfs":
            state["in_xfs"] = True
        elif local == "xf" and state["in_xfs"]:
            try:
                xfs.append(int(attrs.get("numFmtId", "0")))
            except ValueError:
                xfs.append(0)

    def end(name):
        if _local(name) == "cellXfs":
            state["in_xfs"] = False

    book.parse(part, start, end)
    return {i for i, fmt in enumerate(xfs) if fmt in _BUILTIN_DATE_FORMATS or (fmt in formats and _is_date_format(formats[fmt]))}


def _column(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _number(raw: str) -> str:
    text = raw.strip()
    try:
        return str(int(text))
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return text
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def _date(raw: str, date1904: bool) -> str:
    """Return a date serial as ISO text (``YYYY-MM-DD``, with the time when there is one)."""
    try:
        serial = float(raw)
    except ValueError:
        return raw.strip()
    if not 0 <= serial < 2_958_466:
        return _number(raw)
    base = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
    when = base + dt.timedelta(days=serial)
    when = when.replace(microsecond=0) + dt.timedelta(seconds=round(when.microsecond / 1e6))
    return when.date().isoformat() if when.time() == dt.time(0) else when.isoformat(sep=" ")


class _SheetReader:
    """Expat handlers for one sheet part: cells placed by reference, limits checked as they come."""

    def __init__(self, name: str, strings: list, long_strings: set, date_styles: set, date1904: bool, header_only: bool):
        self.name, self.strings, self.long_strings = name, strings, long_strings
        self.date_styles, self.date1904, self.header_only = date_styles, date1904, header_only
        self.out = SheetCells()
        self.row = self.col = 0
        self.type = self.style = None
        self.buf: list | None = None
        self.size = 0
        self.collect = False
        self.rph = 0
        self.rows_with_values = 0
        self.row_had_value = False

    def start(self, name, attrs):
        local = _local(name)
        if local == "c":
            self._cell(attrs)
        elif local == "v":
            self.buf, self.size, self.collect = [], 0, True
        elif local == "is":
            self.buf, self.size = [], 0
        elif local == "t" and self.buf is not None and not self.rph:
            self.collect = True
        elif local == "rPh":
            self.rph += 1
        elif local == "row":
            self._row(attrs)
        elif local == "dimension":
            self._dimension(attrs.get("ref", ""))

    def data(self, text):
        if self.collect:
            self.size += len(text)
            if self.size <= MAX_CELL_CHARS:
                self.buf.append(text)

    def end(self, name):
        local = _local(name)
        if local in ("v", "t"):
            self.collect = False
        elif local == "rPh":
            self.rph -= 1
        elif local == "c":
            self._store()
        elif local == "row":
            if self.row_had_value:
                self.rows_with_values += 1
                if self.header_only:
                    raise _HeaderRead
                if self.rows_with_values > MAX_ROWS + 1:
                    raise too_many_rows(f"more than {MAX_ROWS + 1:,}", f"sheet '{self.name}'")

    def _dimension(self, ref: str) -> None:
        m = _CELL_REF.fullmatch(ref.split(":")[-1].strip())
        if not m:
            return
        cols, rows = _column(m.group(1)), int(m.group(2))
        if cols > MAX_COLUMNS:  # checked before any cell is read; where only formatting reaches that far, clearing it lets the sheet be read
            raise LimitExceeded(f"{too_many_columns(cols, f'sheet {self.name!r} (its declared dimension {ref})')} (if only formatting reaches that far, clear the formatting of the unused columns)")
        if rows > MAX_ROWS + 1:
            raise too_many_rows(rows, f"sheet '{self.name}' (its declared dimension {ref})")

    def _row(self, attrs) -> None:
        r = attrs.get("r")
        try:
            self.row = int(r) if r is not None else self.row + 1
        except ValueError:
            raise WorkbookError(f"sheet '{self.name}': row number '{r[:20]}' is not a number") from None
        if not 1 <= self.row <= EXCEL_MAX_ROW:
            raise WorkbookError(f"sheet '{self.name}': row number {self.row:,} is outside a sheet (1 to {EXCEL_MAX_ROW:,})")
        self.col = 0
        self.row_had_value = False

    def _cell(self, attrs) -> None:
        ref = attrs.get("r")
        if ref is not None:
            m = _CELL_REF.fullmatch(ref)
            if not m:
                raise WorkbookError(f"sheet '{self.name}': '{ref[:20]}' is not a cell reference")
            self.col = _column(m.group(1))
        else:
            self.col += 1
        self.type = attrs.get("t", "n")
        self.style = attrs.get("s")
        self.buf, self.size, self.collect = None, 0, False

    def _store(self) -> None:
        if self.buf is None:
            return
        where = (self.row, self.col)
        raw = "".join(self.buf)
        long_text = self.size > MAX_CELL_CHARS
        if not long_text and not raw.strip() and self.type not in ("s",):
            return
        if self.col > MAX_COLUMNS:
            raise too_many_columns(self.col, f"sheet '{self.name}' (cell {column_letters(self.col)}{self.row} holds a value)")
        value = self._value(raw) if not long_text else ""
        if long_text or (self.type == "s" and value is None):
            self.out.too_long.append(where)
            value = ""
        if not value and not long_text:
            return
        self.row_had_value = True
        self.out.rows.append(self.row)
        self.out.cols.append(self.col)
        self.out.values.append(value)

    def _value(self, raw: str):
        kind = self.type
        if kind == "s":
            try:
                index = int(raw)
            except ValueError:
                raise WorkbookError(f"sheet '{self.name}': cell {column_letters(self.col)}{self.row} names shared string '{raw[:20]}', not a number") from None
            if not 0 <= index < len(self.strings):
                raise WorkbookError(f"sheet '{self.name}': cell {column_letters(self.col)}{self.row} names shared string {index:,}, which the workbook does not have")
            return None if index in self.long_strings else self.strings[index]
        if kind in ("str", "inlineStr", "e", "d"):
            return raw
        if kind == "b":
            return "true" if raw.strip() in ("1", "true", "TRUE") else "false"
        if self.style is not None and self.style.isdigit() and int(self.style) in self.date_styles:
            return _date(raw, self.date1904)
        return _number(raw)


__all__ = ["Workbook", "Sheet", "SheetCells", "WorkbookError"]
