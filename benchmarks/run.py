"""`make bench`: run every benchmark in this folder and print its figures.

Each `bench_*.py` module has a `main()` that measures the suite against a baseline taken in
the same run and prints ratios. Timings are never asserted in unit tests.
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main() -> int:
    only = sys.argv[1:]
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem
        if only and name not in only and name.removeprefix("bench_") not in only:
            continue
        print(f"\n=== {name} ===")
        t = time.perf_counter()
        module = importlib.import_module(name)
        sys.argv = [str(path)]  # a benchmark with options of its own reads none of run.py's arguments
        module.main()
        print(f"({name} took {time.perf_counter() - t:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
