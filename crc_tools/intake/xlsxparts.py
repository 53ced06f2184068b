"""Office Open XML packages read safely: a zip of XML parts, each streamed through expat within the limits.

Before anything is parsed the zip's entry count and each part's declared size are checked
against :mod:`crc_tools.intake.limits`; while a part is parsed its real uncompressed size is
checked again, so a lying header buys nothing. No DTD or entity is accepted. Used by
:class:`crc_tools.intake.xlsx.Workbook`.
"""

from __future__ import annotations

import posixpath
import struct
import zipfile
from pathlib import Path
from xml.parsers import expat

from .limits import MAX_XLSX_PART_BYTES, MAX_XLSX_PARTS, LimitExceeded

_CHUNK = 1 << 20
_ROW_TAGS = (b"<row ", b"<row>", b"<row/", b":row ", b":row>", b":row/")


class WorkbookError(ValueError):
    """The file is not a workbook that can be read (a broken zip, a missing part, a DTD …)."""


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _entry_count(path: Path) -> int:
    """Return how many entries the zip's end record declares, read before the central directory is loaded."""
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 65_557))
        tail = fh.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        raise WorkbookError("not an XLSX workbook (no zip directory found)")
    return struct.unpack("<H", tail[at + 10: at + 12])[0]


class Package:
    """A zip of XML parts (Office Open XML) opened for reading within the limits: its parts streamed, bounded and related."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        count = _entry_count(self.path)
        if count >= min(MAX_XLSX_PARTS, 0xFFFF):
            raise LimitExceeded(f"the workbook holds {count:,} parts, more than the {MAX_XLSX_PARTS:,} a workbook may have (limit: {MAX_XLSX_PARTS:,} parts)")
        try:
            self.zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise WorkbookError(f"not a readable XLSX workbook ({exc})") from None
        self.parts = {info.filename: info for info in self.zip.infolist()}

    def close(self) -> None:
        """Close the zip."""
        self.zip.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _chunks(self, info: zipfile.ZipInfo, name: str):
        """Yield a part's uncompressed bytes in chunks, refusing it once it passes :data:`MAX_XLSX_PART_BYTES` (a lying header buys nothing)."""
        total = 0
        with self.zip.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                total += len(chunk)
                if total > MAX_XLSX_PART_BYTES:
                    raise LimitExceeded(f"part {name} is more than {MAX_XLSX_PART_BYTES:,} bytes uncompressed (limit: {MAX_XLSX_PART_BYTES // 1024 // 1024} MB uncompressed)")
                yield chunk

    def parse(self, name: str, start, end=None, data=None) -> None:
        """Stream one part through expat with the given handlers, within :data:`MAX_XLSX_PART_BYTES`."""
        info = self.parts.get(name)
        if info is None:
            raise WorkbookError(f"the workbook has no part {name}")
        if info.file_size > MAX_XLSX_PART_BYTES:
            raise LimitExceeded(f"part {name} is {info.file_size:,} bytes uncompressed, more than the {MAX_XLSX_PART_BYTES:,} a workbook part may have (limit: {MAX_XLSX_PART_BYTES // 1024 // 1024} MB uncompressed)")
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = start
        if end is not None:
            parser.EndElementHandler = end
        if data is not None:
            parser.CharacterDataHandler = data

        def refuse(*_args):
            raise WorkbookError(f"part {name} declares a DTD or an entity, which a workbook never needs; not read")

        parser.StartDoctypeDeclHandler = refuse
        parser.EntityDeclHandler = refuse
        try:
            for chunk in self._chunks(info, name):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise WorkbookError(f"part {name} is not well-formed XML ({expat.ErrorString(exc.code)}, line {exc.lineno})") from None
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            raise WorkbookError(f"part {name} cannot be read ({exc})") from None

    def count_rows(self, name: str) -> int:
        """Return how many row elements a sheet part holds, counted in its bytes before it is parsed.

        A sheet of a million tiny rows is refused in the time it takes to decompress it, not
        to parse it. The part's size is bounded first, as for :meth:`parse`.
        """
        info = self.parts[name]
        if info.file_size > MAX_XLSX_PART_BYTES:
            raise LimitExceeded(f"part {name} is {info.file_size:,} bytes uncompressed, more than the {MAX_XLSX_PART_BYTES:,} a workbook part may have (limit: {MAX_XLSX_PART_BYTES // 1024 // 1024} MB uncompressed)")
        count, tail = 0, b""
        try:
            for chunk in self._chunks(info, name):
                window = tail + chunk
                count += sum(window.count(p) - tail.count(p) for p in _ROW_TAGS)
                tail = window[-8:]
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            raise WorkbookError(f"part {name} cannot be read ({exc})") from None
        return count

    def _relations(self, part: str) -> dict[str, str]:
        """Return the relationships of a part: id → target part name."""
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        out: dict[str, str] = {}
        if rels_name not in self.parts:
            return out

        def start(name, attrs):
            if _local(name) == "Relationship" and attrs.get("TargetMode") != "External":
                target = attrs.get("Target", "")
                out[attrs.get("Id", "")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))

        self.parse(rels_name, start)
        return out

