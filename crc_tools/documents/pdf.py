"""PDF output: the DOCX converted by LibreOffice (headless), so the PDF has the same UN meeting-document layout.

A4, the running header with the document symbol and the date, "page X of Y" in the footer,
header rows repeated: everything :mod:`crc_tools.documents.word` lays out. Where LibreOffice is
not installed the ``pdf`` format is refused with a clear message (``apt-get install
libreoffice-writer``); nothing is written.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import CrcError, UsageError

CONVERT_TIMEOUT = 180


def soffice_path() -> str | None:
    """Return the path of LibreOffice's ``soffice`` (or ``libreoffice``), or ``None``."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def require_soffice() -> str:
    """Return LibreOffice's path, or raise a usage error saying how to install it."""
    exe = soffice_path()
    if exe is None:
        raise UsageError("the pdf format converts the DOCX with LibreOffice, which is not installed (apt-get install libreoffice-writer); use docx and print it from Word, or html")
    return exe


def docx_to_pdf(docx_bytes: bytes, stem: str = "document") -> bytes:
    """Return the PDF LibreOffice makes of a DOCX (given as bytes), in a private profile and folder."""
    exe = require_soffice()
    with tempfile.TemporaryDirectory(prefix="crc-pdf-") as tmp:
        src = Path(tmp) / f"{stem}.docx"
        src.write_bytes(docx_bytes)
        profile = Path(tmp) / "profile"
        proc = subprocess.run(
            [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--convert-to", "pdf", "--outdir", tmp, str(src)],
            capture_output=True,
            text=True,
            timeout=CONVERT_TIMEOUT,
        )
        out = Path(tmp) / f"{stem}.pdf"
        if proc.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            raise CrcError(f"LibreOffice could not convert the document to PDF: {(proc.stderr or proc.stdout).strip()[-300:]}", source=str(src.name))
        return out.read_bytes()


__all__ = ["soffice_path", "require_soffice", "docx_to_pdf"]
