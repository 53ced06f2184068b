"""Benchmark: `crc responses` on a table of 10 years of import responses against pandas reading it.

The table: every country the suite knows (195 with the European Union; the issue asks for 200,
and no more are known by name) as a Party in force since 2004, every Annex III entry (58, one
per category), one response each year for ten years: about 113,000 responses. Both are run as
commands in the same run, on the same file:

* `crc responses TABLE --format json --as-of 2026-12-31` (validation of every record, the
  supersession of older responses, due dates and who is overdue for every Party x entry);
* `python -c "import pandas; pandas.read_csv(TABLE)"`.

Target (issue 17): the crc command at most 2x the pandas read. The script prints the ratio and
whether the target holds; it never fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
YEARS = 10
DECISIONS = [("final", "no_consent"), ("final", "consent"), ("final", "consent_with_conditions"), ("interim", "under_review"), ("interim", "no_consent")]


def best_of(fn, repeat: int) -> tuple[float, float]:
    """Return the best wall-clock time and the best CPU time (user + system of the child process) of ``fn``."""
    import resource
    import time

    best, best_cpu = float("inf"), float("inf")
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        best_cpu = min(best_cpu, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return best, best_cpu


def tables(seed: int = 1) -> tuple[Path, Path]:
    """Write (once) the response table and a Parties table naming every country as a Party since 2004."""
    from crc_tools.convention.reference import annex_iii, regions

    OUT.mkdir(exist_ok=True)
    path, parties = OUT / "responses-10y.csv", OUT / "parties-all.csv"
    countries = [p.country for p in regions().parties]
    if not parties.exists():
        pd.DataFrame({"country": countries, "iso3": [p.iso3 for p in regions().parties], "status": "party", "entry_into_force": "2004-02-24", "basis": "stated"}).to_csv(parties, index=False)
    if path.exists():
        return path, parties
    entries = list(annex_iii())
    rng = np.random.default_rng(seed)
    n_p, n_e = len(countries), len(entries)
    party = np.repeat(np.array(countries, dtype=object), n_e * YEARS)
    entry_idx = np.tile(np.repeat(np.arange(n_e), YEARS), n_p)
    year = np.tile(np.arange(2016, 2016 + YEARS), n_p * n_e)
    pick = rng.integers(0, len(DECISIONS), len(party))
    kind = np.array([k for k, _ in DECISIONS], dtype=object)[pick]
    decision = np.array([d for _, d in DECISIONS], dtype=object)[pick]
    received = pd.to_datetime(year.astype(str) + "-01-01") + pd.to_timedelta(rng.integers(0, 360, len(party)), unit="D")
    df = pd.DataFrame({
        "response_id": np.char.add("IR-", np.arange(len(party)).astype(str)),
        "party": party,
        "chemical": np.array([e.chemical for e in entries], dtype=object)[entry_idx],
        "category": np.array([e.category for e in entries], dtype=object)[entry_idx],
        "kind": kind,
        "decision": decision,
        "conditions": np.where(decision == "consent_with_conditions", "Import only of registered products, for the registered uses.", ""),
        "legislative_measure": np.where(kind == "final", "National law on the registration of pesticides and industrial chemicals, as amended.", ""),
        "received_date": received.strftime("%Y-%m-%d"),
    })
    df.to_csv(path, index=False)
    return path, parties


def main() -> tuple[float, float]:
    path, parties = tables()
    crc = str(Path(sys.executable).parent / "crc")
    env = {**os.environ, "CRC_REGION_OVERRIDES": "none", "CRC_PARTIES": str(parties)}
    rows = sum(1 for _ in open(path, encoding="utf-8")) - 1
    base = best_of(lambda: subprocess.run([sys.executable, "-c", f"import pandas; pandas.read_csv({str(path)!r})"], check=True, env=env), 5)
    cmd = [crc, "responses", str(path), "--format", "json", "--as-of", "2026-12-31"]
    check = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if check.returncode != 0:
        print(f"crc responses exited {check.returncode}: {check.stderr[:500]}")
    answered = check.stdout.count('"party"')
    ours = best_of(lambda: subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env), 5)
    ratio, ratio_cpu = ours[0] / base[0], ours[1] / base[1]
    print(f"crc responses on {rows:,} responses ({answered:,} Party x entry objects out) vs pandas.read_csv of the same file, as commands (best of 5, seconds)")
    print(f"  {'':28}  {'wall':>6}  {'cpu':>6}")
    print(f"  python -c 'pandas.read_csv'   {base[0]:6.3f}  {base[1]:6.3f}")
    print(f"  crc responses --format json   {ours[0]:6.3f}  {ours[1]:6.3f}")
    print(f"  ratio: wall {ratio:.2f}x (target <= 2x: {'met' if ratio <= 2 else 'NOT met'}), cpu {ratio_cpu:.2f}x (for information: less sensitive to a loaded machine)")
    return base[0], ours[0]


if __name__ == "__main__":
    main()
