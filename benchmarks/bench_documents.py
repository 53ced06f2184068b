"""Document benchmark: `crc dgd` against a floor measured in the same run, and batch against single renders.

Targets (issue 6):

* one DGD end to end (`crc dgd CHEMICAL`, a fresh process) takes at most 1.5x the
  floor: papermill executing a one-cell notebook plus nbconvert exporting it to HTML
  (`papermill one.ipynb out.ipynb -k python3`, then `jupyter nbconvert --to html`);
* 20 DGDs in one batch (`crc dgd C1 ... C20`, kernels reused across documents) take at
  most 0.6x the time of 20 single `crc dgd` renders.

Run: `make bench-docs` or `.venv/bin/python benchmarks/bench_documents.py [--singles N] [--repeat N] [--check]`.
It prints the times and ratios; `--check` exits 1 when a target is missed. Timings are
never asserted in the unit tests.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
OUT = ROOT / "benchmarks" / "out" / "documents"

# Two notifications per chemical from two PIC regions, both concluded to meet Annex II.
PAIRS = [("Canada", "Kenya"), ("European Union", "Brazil"), ("Japan", "Chile"), ("Norway", "Australia"), ("Thailand", "Senegal")]


def make_data(n: int) -> Path:
    """Write a bulk table with ``n`` recommended chemicals; return its path."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"bench-{n}-chemicals.csv"
    columns = [
        "notification_id", "chemical", "category", "notifying_party", "fra_type", "fra_date", "received_date", "annex_i_verified", "annex_ii_conclusion",
        "fra_summary", "uses", "uses_prohibited", "uses_allowed", "evaluation_basis", "evaluation_summary", "reasons_human_health", "reasons_environment",
        "alternatives", "dna_institution", "regulatory_document", "committee_meeting",
    ]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns)
        w.writeheader()
        for i in range(1, n + 1):
            chem = f"Benchmarkofos-{i:02d}"
            for j, party in enumerate(PAIRS[i % len(PAIRS)]):
                w.writerow(
                    {
                        "notification_id": f"BENCH-{i:02d}-{j}",
                        "chemical": chem,
                        "category": "pesticide",
                        "notifying_party": party,
                        "fra_type": "ban",
                        "fra_date": "2020-01-01",
                        "received_date": "2020-03-01",
                        "annex_i_verified": "true",
                        "annex_ii_conclusion": "met",
                        "fra_summary": f"All uses of {chem} as a pesticide are prohibited.",
                        "uses": "Insecticide on field crops",
                        "uses_prohibited": "All uses",
                        "uses_allowed": "none",
                        "evaluation_basis": "risk",
                        "evaluation_summary": "Occupational and dietary risk evaluation under national conditions of use.",
                        "reasons_human_health": "Acute poisoning of applicators.",
                        "reasons_environment": "Toxic to aquatic organisms.",
                        "alternatives": "Integrated pest management.",
                        "dna_institution": f"Pesticide authority of {party}",
                        "regulatory_document": "Regulation No. 1 (benchmark)",
                        "committee_meeting": "CRC-20",
                    }
                )
    return path


def one_cell_notebook() -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("x = 1"))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = OUT / "one-cell.ipynb"
    nbformat.write(nb, str(path))
    return path


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"benchmark command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return elapsed


def floor_once(nb: Path) -> float:
    executed = OUT / "one-cell-out.ipynb"
    t = timed([str(BIN / "papermill"), str(nb), str(executed), "-k", "python3", "--no-progress-bar"])
    t += timed([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)])
    return t


def crc_dgd(chemicals: list[str], data: Path, out: Path, *extra: str) -> float:
    if out.exists():
        shutil.rmtree(out)
    return timed([str(BIN / "crc"), "dgd", *chemicals, "--data", str(data), "--out", str(out), "--format", "html,docx", *extra])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--batch", type=int, default=20, help="DGDs in the batch (default 20)")
    p.add_argument("--singles", type=int, default=None, help="single renders actually timed for the batch comparison (default: as many as --batch; fewer are scaled up)")
    p.add_argument("--repeat", type=int, default=3, help="repetitions of the floor and of one DGD (median; default 3)")
    p.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = p.parse_args(argv)

    data = make_data(args.batch)
    chems = [f"Benchmarkofos-{i:02d}" for i in range(1, args.batch + 1)]
    nb = one_cell_notebook()
    # warm the file-system caches once, so the first timed run is not penalised
    floor_once(nb)
    crc_dgd(chems[:1], data, OUT / "warm")

    floors, ones = [], []
    for _ in range(args.repeat):  # interleaved, so both see the same machine load
        floors.append(floor_once(nb))
        ones.append(crc_dgd(chems[:1], data, OUT / "one"))
    floor, one = statistics.median(floors), statistics.median(ones)

    n_single = min(args.singles or args.batch, args.batch)
    singles = [crc_dgd([c], data, OUT / "single") for c in chems[:n_single]]
    singles_total = sum(singles) * args.batch / n_single
    batch = crc_dgd(chems, data, OUT / "batch")

    r1, r2 = one / floor, batch / singles_total
    scaled = "" if n_single == args.batch else f" ({n_single} timed, scaled)"
    rows = [
        (f"floor: papermill one-cell notebook + nbconvert to HTML (median of {args.repeat})", floor, ""),
        (f"one DGD end to end: crc dgd, html+docx (median of {args.repeat})", one, f"ratio {r1:.2f} (target <= 1.5)"),
        (f"{args.batch} single renders{scaled}", singles_total, ""),
        (f"{args.batch} DGDs in one batch: crc dgd C1 ... C{args.batch}", batch, f"ratio {r2:.2f} (target <= 0.6)"),
    ]
    width = max(len(r[0]) for r in rows)
    for label, seconds, note in rows:
        print(f"{label:<{width}}  {seconds:7.2f} s  {note}".rstrip())
    ok = r1 <= 1.5 and r2 <= 0.6
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
