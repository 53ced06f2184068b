"""Benchmark: `crc status` on synthetic bulk tables against pandas reading the same file.

Both are measured in the same run, on the same file, twice over:

* in-process — `crc_tools.load` + `review_status` against `pandas.read_csv(path)`;
* as commands — `crc status PATH --format json` against
  `python -c "import pandas; pandas.read_csv(PATH)"` (both pay interpreter start-up).

Targets from the issues: at 1M rows `crc status` (the command) at most 3x the pandas read of
the same file (also as a command), and 1M at most 12x 100k. The in-process ratio is printed for
information.

Then the chemical-identity scale (issue 13): two tables of 1M notifications, one naming 1,000
chemicals and one naming 100,000 (each synthetic chemical with a CAS number of its own on a
third of its rows). Targets: on the 100,000-chemical table `crc status` at most 3x the pandas
read of the same file, and at most 1.5x `crc status` on the 1,000-chemical table, all as
commands in the same run. The script prints the ratios and whether each target holds; it never
fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
SIZES = [10_000, 100_000, 1_000_000]


def best_of(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


CHEMICALS = [1_000, 100_000]
"""Distinct chemicals named in the 1M-row identity tables."""


def table(n: int, chemicals: int | None = None) -> Path:
    sys.path.insert(0, str(HERE))
    from generate import synthetic_table

    OUT.mkdir(exist_ok=True)
    path = OUT / (f"notifications-{n}.csv" if chemicals is None else f"notifications-{n}-{chemicals}-chemicals.csv")
    if not path.exists():
        synthetic_table(n, chemicals=chemicals).to_csv(path, index=False)
    return path


def commands(path: Path, repeat: int, env: dict) -> tuple[float, float]:
    """Return (pandas read as a command, crc status as a command), best of ``repeat`` each, interleaved."""
    crc = str(Path(sys.executable).parent / "crc")
    base = crc_cmd = float("inf")
    for _ in range(repeat):  # interleaved, so a busy moment on the machine weighs on both alike
        base = min(base, best_of(lambda: subprocess.run([sys.executable, "-c", f"import pandas; pandas.read_csv({str(path)!r})"], check=True, env=env), 1))
        crc_cmd = min(crc_cmd, best_of(lambda: subprocess.run([crc, "status", str(path), "--format", "json"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env), 1))
    return base, crc_cmd


def identity_scale(env: dict, repeat: int = 3) -> dict:
    """Measure crc status on 1M notifications naming 1,000 and 100,000 chemicals; print the ratios against the targets."""
    print("\ncrc status on 1M notifications by number of distinct chemicals (commands, best of interleaved runs, seconds)")
    print(f"{'chemicals':>10}  {'read_csv':>9}  {'crc cmd':>8}  {'ratio':>6}")
    results = {}
    for chemicals in CHEMICALS:
        base, crc_cmd = commands(table(1_000_000, chemicals), repeat, env)
        results[chemicals] = (base, crc_cmd)
        print(f"{chemicals:>10,}  {base:9.3f}  {crc_cmd:8.3f}  {crc_cmd / base:6.2f}x")
    low, high = results[CHEMICALS[0]], results[CHEMICALS[-1]]
    r_read, r_growth = high[1] / high[0], high[1] / low[1]
    print(f"100,000 chemicals: crc status costs {r_read:.2f}x the pandas read of the same file (target <= 3x: {'met' if r_read <= 3 else 'NOT met'})")
    print(f"100,000 chemicals: crc status costs {r_growth:.2f}x crc status on 1,000 chemicals (target <= 1.5x: {'met' if r_growth <= 1.5 else 'NOT met'})")
    return results


def main(sizes=SIZES) -> dict:
    import pandas as pd

    from crc_tools.intake.reader import load
    from crc_tools.notifications.review import review_status

    crc = str(Path(sys.executable).parent / "crc")
    env = {**os.environ, "CRC_REGION_OVERRIDES": "none"}
    results = {}
    print("crc status vs pandas.read_csv of the same file (best of repeated runs, seconds)")
    print(f"{'rows':>10}  {'read_csv':>9}  {'status':>8}  {'ratio':>6}   {'py+read':>8}  {'crc cmd':>8}  {'ratio':>6}")
    for n in sizes:
        path = table(n)
        repeat = 5 if n < 1_000_000 else 3
        base = best_of(lambda p=path: pd.read_csv(p), repeat)
        lib = best_of(lambda p=path: review_status(*(lambda r: (r.notifications, r.determinations))(load([p]))), repeat)
        base_cmd = best_of(lambda p=path: subprocess.run([sys.executable, "-c", f"import pandas; pandas.read_csv({str(p)!r})"], check=True, env=env), repeat)
        crc_cmd = best_of(lambda p=path: subprocess.run([crc, "status", str(p), "--format", "json"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env), repeat)
        results[n] = (base, lib, base_cmd, crc_cmd)
        print(f"{n:>10,}  {base:9.3f}  {lib:8.3f}  {lib / base:6.1f}x  {base_cmd:8.3f}  {crc_cmd:8.3f}  {crc_cmd / base_cmd:6.1f}x")
    if 100_000 in results and 1_000_000 in results:
        g_lib = results[1_000_000][1] / results[100_000][1]
        g_cmd = results[1_000_000][3] / results[100_000][3]
        print(f"growth 100k -> 1M: in-process {g_lib:.1f}x, command {g_cmd:.1f}x (target <= 12x: {'met' if max(g_lib, g_cmd) <= 12 else 'NOT met'})")
        r_lib = results[1_000_000][1] / results[1_000_000][0]
        r_cmd = results[1_000_000][3] / results[1_000_000][2]
        print(f"1M rows: the crc status command costs {r_cmd:.2f}x the pandas read of the same file as a command (target <= 3x: {'met' if r_cmd <= 3 else 'NOT met'})")
        print(f"         in-process, validation and review cost {r_lib:.1f}x pandas.read_csv alone (for information: the library also checks every record)")
    if 1_000_000 in results:
        results["identity"] = identity_scale(env)
    return results


if __name__ == "__main__":
    if sys.argv[1:] == ["identity"]:  # only the chemical-identity tables
        identity_scale({**os.environ, "CRC_REGION_OVERRIDES": "none"})
    else:
        main([int(a) for a in sys.argv[1:]] or SIZES)
