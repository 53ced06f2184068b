"""Hostile inputs: seconds and peak memory of `crc validate` on the worst generated inputs (issue 16).

Each input of ``tests/corpus/generate.py`` (spreadsheet bombs, wide CSV headers, a YAML of
many keys) is validated by the installed ``crc`` in a child process under a 1.5 GB
address-space limit; the child's peak resident memory (``ru_maxrss``) and wall time are
printed beside a plain ``crc validate`` of a one-row CSV (the floor: interpreter, pandas,
pyarrow). Target (issue 16): each refused in under 15 s, exit 1, with a message naming the
limit. Nothing is asserted here; the suite's tests check the outcomes.
"""

from __future__ import annotations

import importlib.util
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ADDRESS_SPACE = 1536 * 1024 * 1024
TARGET_SECONDS = 15


def _generated():
    spec = importlib.util.spec_from_file_location("corpus_generate", ROOT / "tests" / "corpus" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.GENERATED


def _limited():
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def _run_measured(path: Path) -> tuple[float, float, int, str]:
    """Run one child and read its own peak memory from wait4 (RUSAGE of that child alone)."""
    crc = Path(sys.executable).parent / "crc"
    t = time.perf_counter()
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([str(crc), "validate", str(path), "--format", "json"], stdout=subprocess.DEVNULL, stderr=err, preexec_fn=_limited)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        lines = [x for x in err.read().splitlines() if x.strip()]
    return time.perf_counter() - t, usage.ru_maxrss / 1024, proc.returncode, (lines[-1] if lines else "")


def main() -> int:
    generated = _generated()
    worst = [n for n in generated if not n.startswith(("out-of-order", "hidden-first"))]
    with tempfile.TemporaryDirectory(prefix="crc-hostile-") as tmp:
        folder = Path(tmp)
        floor = folder / "one-row.csv"
        floor.write_text("notification_id,chemical,category,notifying_party\nA1,Endosulfan,pesticide,Japan\n", encoding="utf-8")
        base, peak, code, _ = _run_measured(floor)
        print(f"floor: crc validate of a one-row CSV: {base:.1f} s, peak {peak:.0f} MB (exit {code})")
        print(f"{'input':34} {'size':>12} {'seconds':>8} {'-floor':>7} {'peak MB':>8} {'exit':>4}  answer")
        for name in worst:
            path = generated[name]["make"](folder / name)
            seconds, peak, code, last = _run_measured(path)
            flag = "" if seconds < TARGET_SECONDS and code == generated[name]["exit"] else "  <-- over target"
            print(f"{name:34} {path.stat().st_size:>12,} {seconds:>8.1f} {seconds - base:>7.1f} {peak:>8.0f} {code:>4}  {last.replace(str(path), 'FILE')[:100]}{flag}")
            path.unlink()
    print(f"(each under a {ADDRESS_SPACE // 1024 // 1024} MB address-space limit; target: under {TARGET_SECONDS} s and exit 1 with the limit named)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
