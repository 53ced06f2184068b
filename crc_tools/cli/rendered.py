"""What the document commands print for a rendered document: its title, where each format went, a DGD's consistency findings.

Shared by :mod:`crc_tools.cli.reports` (``crc dgd``, ``crc rationale``, ``crc report synopsis``) and
:mod:`crc_tools.cli.responses` (``crc report circular``).
"""

from __future__ import annotations

import sys


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _print_rendered(r, *, show_checks: bool = True) -> int:
    """Print one rendered document; return the number of consistency problems."""
    from ..documents.model import RESULT_OK, RESULT_PROBLEM, check_summary
    from ..output import render_table

    _out(r.title)
    for fmt, path in r.paths.items():
        _out(f"  {fmt:<6} {path}")
    problems = 0
    if r.kind == "dgd" and r.checks and show_checks:
        _out(f"Internal consistency of the draft: {check_summary(r.checks)}")
        rows = [{"check": f["check"], "result": f["result"], "details": f["message"]} for f in r.checks]
        _out(render_table(rows, ["check", "result", "details"], max_width=110).rstrip())
        where = r.paths.get("html") or r.paths.get("docx") or r.stem
        for f in r.checks:
            if f["result"] == RESULT_PROBLEM:
                problems += 1
                print(f"{where}: consistency: {f['check']}: {f['message']}", file=sys.stderr)
            elif f["result"] != RESULT_OK:
                print(f"{where}: consistency: warning: {f['check']}: {f['message']}", file=sys.stderr)
    return problems
