"""Generate the hostile inputs too large (or too binary) to commit: workbooks, wide CSV headers, a YAML of many keys.

    python tests/corpus/generate.py OUTDIR      # writes every input of GENERATED into OUTDIR

Each workbook is written by a small zip writer that takes deflate data as it is, so a
gigabyte of whitespace is a few megabytes made by repeating one compressed block (its CRC
computed by combining, not by reading a gigabyte). ``HOSTILE`` maps each file name to the
text its refusal must contain (naming the limit); ``GENERATED`` adds the other generated inputs
with their whole expected outcome (as ``manifest.yaml`` gives it for the committed ones).
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER = ["notification_id", "chemical", "category", "notifying_party"]

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)


# --------------------------------------------------------------------------- a zip writer for precompressed data


def _gf2_times(matrix, vector):
    out = 0
    i = 0
    while vector:
        if vector & 1:
            out ^= matrix[i]
        vector >>= 1
        i += 1
    return out


def _gf2_square(matrix):
    return [_gf2_times(matrix, m) for m in matrix]


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """Return the CRC-32 of A+B from crc(A), crc(B) and len(B) (zlib's crc32_combine)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << i for i in range(31)]
    even = _gf2_square(odd)
    odd = _gf2_square(even)
    while True:
        even = _gf2_square(odd)
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _gf2_square(even)
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


class Part:
    """One zip entry: raw deflate bytes, the uncompressed size and CRC."""

    def __init__(self, name: str, deflated: bytes, size: int, crc: int):
        self.name, self.deflated, self.size, self.crc = name, deflated, size, crc

    @classmethod
    def of(cls, name: str, data: bytes | str) -> "Part":
        raw = data.encode("utf-8") if isinstance(data, str) else data
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return cls(name, c.compress(raw) + c.flush(), len(raw), zlib.crc32(raw))

    @classmethod
    def padded(cls, name: str, head: str, filler: bytes, blocks: int, tail: str) -> "Part":
        """Return ``head + filler * blocks + tail``, deflated by repeating one compressed block."""
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        a = head.encode()
        first = c.compress(a) + c.flush(zlib.Z_FULL_FLUSH)
        block = c.compress(filler) + c.flush(zlib.Z_FULL_FLUSH)  # history reset: every block compresses alike
        last = c.compress(tail.encode()) + c.flush()
        crc, crc_block, n = zlib.crc32(a), zlib.crc32(filler), len(filler)
        crc_all_blocks, total, power, k = 0, 0, (crc_block, n), blocks  # CRC of filler*blocks by doubling
        while k:
            if k & 1:
                crc_all_blocks = crc32_combine(crc_all_blocks, power[0], power[1]) if total else power[0]
                total += power[1]
            power = (crc32_combine(power[0], power[0], power[1]), power[1] * 2)
            k >>= 1
        crc = crc32_combine(crc, crc_all_blocks, total)
        crc = crc32_combine(crc, zlib.crc32(tail.encode()), len(tail.encode()))
        return cls(name, first + block * blocks + last, len(a) + total + len(tail.encode()), crc)


def write_zip(path: Path, parts: list[Part]) -> Path:
    """Write a zip of deflated parts (zip64 sizes where a part passes 4 GB)."""
    central, offset = [], 0
    with open(path, "wb") as fh:
        for p in parts:
            name = p.name.encode()
            big = p.size >= 0xFFFFFFFF or len(p.deflated) >= 0xFFFFFFFF
            extra = struct.pack("<HHQQ", 1, 16, p.size, len(p.deflated)) if big else b""
            sizes = (0xFFFFFFFF, 0xFFFFFFFF) if big else (len(p.deflated), p.size)
            fh.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45 if big else 20, 0, 8, 0, 0x21, p.crc, *sizes, len(name), len(extra)) + name + extra)
            fh.write(p.deflated)
            cextra = struct.pack("<HHQQQ", 1, 24, p.size, len(p.deflated), offset) if big else b""
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45 if big else 20, 45 if big else 20, 0, 8, 0, 0x21, p.crc, *sizes, len(name), len(cextra), 0, 0, 0, 0, 0xFFFFFFFF if big else offset) + name + cextra)
            offset = fh.tell()
        start = offset
        for entry in central:
            fh.write(entry)
        size = fh.tell() - start
        n = len(parts)
        fh.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(n, 0xFFFF), min(n, 0xFFFF), size, start, 0))
    return path


def workbook(path: Path, sheet: Part, *, extra: list[Part] = (), sheets_xml: str | None = None, rels_xml: str | None = None) -> Path:
    """Write a minimal workbook whose first sheet is ``sheet`` (a part named xl/worksheets/sheet1.xml)."""
    sheets_xml = sheets_xml or '<sheet name="notifications" sheetId="1" r:id="rId1"/>'
    rels_xml = rels_xml or '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    book = f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheets_xml}</sheets></workbook>'
    rels = f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels_xml}</Relationships>'
    parts = [Part.of("[Content_Types].xml", CONTENT_TYPES), Part.of("_rels/.rels", ROOT_RELS), Part.of("xl/workbook.xml", book), Part.of("xl/_rels/workbook.xml.rels", rels), sheet, *extra]
    return write_zip(path, parts)


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _header_row() -> str:
    return '<row r="1">' + "".join(_cell(f"{chr(65 + i)}1", h) for i, h in enumerate(HEADER)) + "</row>"


def sheet_xml(rows: str, dimension: str | None = None) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{dim}<sheetData>{rows}</sheetData></worksheet>'


def good_row(r: int, nid: str, party: str = "Japan") -> str:
    return f'<row r="{r}">' + "".join(_cell(f"{chr(65 + i)}{r}", v) for i, v in enumerate((nid, "Endosulfan", "pesticide", party))) + "</row>"


# --------------------------------------------------------------------------- the hostile workbooks


def far_cells(path: Path, *, declared: bool = True, rows: int = 20_000) -> Path:
    """One far cell (column XFD) on every row: a grid of 16,384 columns for a reader that fills it."""
    body = _header_row() + "".join(f'<row r="{r}">{_cell(f"XFD{r}", "x")}</row>' for r in range(2, rows + 2))
    return workbook(path, Part.of("xl/worksheets/sheet1.xml", sheet_xml(body, f"A1:XFD{rows + 1}" if declared else None)))


def whitespace(path: Path, megabytes_uncompressed: int) -> Path:
    """A sheet padded with whitespace: a megabyte of zip for each gigabyte of XML."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>{_header_row()}'
    sheet = Part.padded("xl/worksheets/sheet1.xml", head, b" " * (1 << 20), megabytes_uncompressed, "</sheetData></worksheet>")
    return workbook(path, sheet)


def huge_cell(path: Path, megabytes: int = 40, shared: bool = False) -> Path:
    """One cell of tens of megabytes (within the part limit): refused as a cell, the other rows read."""
    if shared:
        strings = Part.padded("xl/sharedStrings.xml", f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}"><si><t>', b"A" * (1 << 20), megabytes, "</t></si></sst>")
        body = _header_row() + '<row r="2"><c r="A2" t="inlineStr"><is><t>N1</t></is></c><c r="B2" t="s"><v>0</v></c><c r="C2" t="inlineStr"><is><t>pesticide</t></is></c><c r="D2" t="inlineStr"><is><t>Japan</t></is></c></row>' + good_row(3, "N2")
        rels = ('<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>')
        return workbook(path, Part.of("xl/worksheets/sheet1.xml", sheet_xml(body)), extra=[strings], rels_xml=rels)
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>{_header_row()}<row r="2"><c r="A2" t="inlineStr"><is><t>N1</t></is></c><c r="B2" t="inlineStr"><is><t>'
    tail = '</t></is></c><c r="C2" t="inlineStr"><is><t>pesticide</t></is></c><c r="D2" t="inlineStr"><is><t>Japan</t></is></c></row>' + good_row(3, "N2") + "</sheetData></worksheet>"
    return workbook(path, Part.padded("xl/worksheets/sheet1.xml", head, b"A" * (1 << 20), megabytes, tail))


def many_rows(path: Path, rows: int = 1_048_575, *, declared: bool = True) -> Path:
    """A full sheet of tiny rows (Excel's 1,048,576): past the row limit."""
    body = _header_row() + "".join(f'<row r="{r}"><c><v>1</v></c></row>' for r in range(2, rows + 2))
    return workbook(path, Part.of("xl/worksheets/sheet1.xml", sheet_xml(body, f"A1:D{rows + 1}" if declared else None)))


def many_parts(path: Path, parts: int = 20_000) -> Path:
    """A zip of tens of thousands of tiny entries (its directory alone would fill memory at millions)."""
    sheet = Part.of("xl/worksheets/sheet1.xml", sheet_xml(_header_row() + good_row(2, "N1")))
    return workbook(path, sheet, extra=[Part.of(f"xl/media/p{i}.xml", "<x/>") for i in range(parts)])


def with_dtd(path: Path) -> Path:
    xml = f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><worksheet xmlns="{MAIN}"><sheetData>{_header_row()}<row r="2">{_cell("A2", "&b;")}</row></sheetData></worksheet>'
    return workbook(path, Part.of("xl/worksheets/sheet1.xml", xml))


HOSTILE = {
    "far-cell-per-row.xlsx": (lambda p: far_cells(p), "16,384 columns, more than the 200 a table may have (limit: 200 columns)"),
    "far-cell-no-dimension.xlsx": (lambda p: far_cells(p, declared=False), "cell XFD2 holds a value) has 16,384 columns, more than the 200 a table may have (limit: 200 columns)"),
    "whitespace-1gb.xlsx": (lambda p: whitespace(p, 1_100), "bytes uncompressed, more than the 52,428,800 a workbook part may have (limit: 50 MB uncompressed)"),
    "whitespace-4gb.xlsx": (lambda p: whitespace(p, 4_300), "bytes uncompressed, more than the 52,428,800 a workbook part may have (limit: 50 MB uncompressed)"),
    "huge-cell.xlsx": (lambda p: huge_cell(p), "cell B2 holds more than 100,000 characters (limit: 100,000 characters in a cell); row left out"),
    "huge-shared-string.xlsx": (lambda p: huge_cell(p, shared=True), "cell B2 holds more than 100,000 characters (limit: 100,000 characters in a cell); row left out"),
    "million-rows.xlsx": (lambda p: many_rows(p), "has 1,048,576 rows, more than the 1,000,000 a table may have (limit: 1,000,000 rows)"),
    "million-rows-no-dimension.xlsx": (lambda p: many_rows(p, declared=False), "rows, more than the 1,000,000 a table may have (limit: 1,000,000 rows)"),
    "many-parts.xlsx": (lambda p: many_parts(p), "parts, more than the 10,000 a workbook may have (limit: 10,000 parts)"),
    "dtd-entities.xlsx": (lambda p: with_dtd(p), "declares a DTD or an entity, which a workbook never needs"),
}
"""File name → (how to make it, the text its refusal must contain)."""


def out_of_order(path: Path) -> Path:
    """Rows stored 4, 2, 3 in the sheet XML: each is read as its row (before, rows out of order were dropped)."""
    body = _header_row() + good_row(4, "N4", "Narnia") + good_row(2, "N2") + good_row(3, "N3", "Canada")
    return workbook(path, Part.of("xl/worksheets/sheet1.xml", sheet_xml(body, "A1:D4")))


def hidden_first_sheet(path: Path) -> Path:
    """A hidden first sheet of records and a visible second one: before, only the hidden one was read."""
    hidden = Part.of("xl/worksheets/sheet1.xml", sheet_xml(_header_row() + good_row(2, "HIDDEN-1")))
    visible = Part.of("xl/worksheets/sheet2.xml", sheet_xml(_header_row() + good_row(2, "V1") + good_row(3, "V2", "Narnia")))
    guide = Part.of("xl/worksheets/sheet3.xml", sheet_xml('<row r="1">' + _cell("A1", "column") + _cell("B1", "description") + "</row>"))
    sheets = ('<sheet name="old" sheetId="1" state="hidden" r:id="rId1"/><sheet name="current" sheetId="2" r:id="rId2"/>'
              '<sheet name="fields" sheetId="3" r:id="rId3"/>')
    rels = "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in (1, 2, 3))
    return workbook(path, hidden, extra=[visible, guide], sheets_xml=sheets, rels_xml=rels)


def wide_csv(path: Path, columns: int) -> Path:
    """A CSV header of many columns (20,000 took 17 s, 1M did not finish in 300 s) and one row."""
    names = HEADER + [f"c{i}" for i in range(columns - len(HEADER))]
    path.write_text(",".join(names) + "\n" + ",".join(["N1", "Endosulfan", "pesticide", "Japan"] + [""] * (columns - 4)) + "\n", encoding="utf-8")
    return path


def many_keys(path: Path, keys: int) -> Path:
    """One YAML case file with hundreds of thousands of unknown keys (printed 400,000 warning lines)."""
    lines = ["notification_id: K-1", "notifying_party: Japan", "chemical: {common_name: Endosulfan}", "final_regulatory_action: {categories: [{category: pesticide}]}"]
    path.write_text("\n".join(lines + [f"k{i}: 1" for i in range(keys)]) + "\n", encoding="utf-8")
    return path


GENERATED = {
    **{name: {"make": make, "exit": 1, "good": 1 if name.startswith("huge-") else 0, "stderr": message} for name, (make, message) in HOSTILE.items()},
    "out-of-order-rows.xlsx": {"make": out_of_order, "exit": 1, "good": 2, "stderr": "out-of-order-rows.xlsx:4: notifying_party: unknown country 'Narnia'"},
    "hidden-first-sheet.xlsx": {"make": hidden_first_sheet, "exit": 1, "good": 1, "stderr": "hidden-first-sheet.xlsx: warning: sheet 'old' is hidden and was not read; give --sheet 'old' to read it"},
    "wide-header-20k.csv": {"make": lambda p: wide_csv(p, 20_000), "exit": 1, "good": 0, "stderr": "wide-header-20k.csv:1: the header has 20,000 columns, more than the 200 a table may have (limit: 200 columns)"},
    "wide-header-1m.csv": {"make": lambda p: wide_csv(p, 1_000_000), "exit": 1, "good": 0, "stderr": "wide-header-1m.csv:1: the header has at least"},
    "many-unknown-keys.yaml": {"make": lambda p: many_keys(p, 90_000), "exit": 0, "good": 1, "stderr": "unknown field (ignored); see data/cases/README.md [and 89,995 more warning(s) like it in this file, not listed]"},
    "400k-unknown-keys.yaml": {"make": lambda p: many_keys(p, 400_000), "exit": 1, "good": 0, "stderr": "more than 200,000 keys and values in one case file"},
}
"""File name → how to make it and what `crc validate` must answer: exit status, good records, a line on stderr."""


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else ".")
    out.mkdir(parents=True, exist_ok=True)
    for name, case in GENERATED.items():
        path = case["make"](out / name)
        print(f"{path}  {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
