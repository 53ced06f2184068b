"""Faults: a render killed mid-way leaves the previous good documents in place."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = [pytest.mark.slow]


def test_a_render_killed_mid_way_leaves_the_previous_documents(tmp_path):
    crc = str(Path(sys.executable).parent / "crc")
    out = tmp_path / "reports"
    args = [crc, "dgd", "Chrysotile asbestos", "--data", str(ROOT / "data" / "cases"), "--out", str(out), "--format", "html,docx"]
    first = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    good = {p.name: p.read_bytes() for p in out.iterdir() if p.suffix in (".html", ".docx")}
    assert {"dgd-Chrysotile-asbestos-industrial.html", "dgd-Chrysotile-asbestos-industrial.docx"} <= set(good)

    for delay in (0.5, 1.5, 3.0):  # kill it at several moments of the render
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        now = {p.name: p.read_bytes() for p in out.iterdir() if p.suffix in (".html", ".docx")}
        assert set(now) == set(good)
        for name, data in now.items():
            # either the earlier good file or a complete new one — never a torn write
            assert data == good[name] or (name.endswith(".html") and data.rstrip().endswith(b"</html>")) or (name.endswith(".docx") and data[:2] == b"PK")
    import docx

    docx.Document(str(out / "dgd-Chrysotile-asbestos-industrial.docx"))
