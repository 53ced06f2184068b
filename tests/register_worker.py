"""A separate process that writes to the register, for the concurrency and crash tests.

    python register_worker.py URL record N TAG [START_FILE]   record N entries, print "<entry_id> <uid>" after each commit
    python register_worker.py URL hold SUPERSEDES              insert a correction inside a transaction, print "inserted", then wait (to be killed)

With START_FILE the worker prints "ready" once the register is open, then waits until that
file exists, so that several workers start writing together.
"""

from __future__ import annotations

import sys
import time
import uuid
from pathlib import Path


def main(argv: list[str]) -> int:
    from crc_tools.register.store import Register, validate_entry

    url, mode = argv[0], argv[1]
    reg = Register(url)
    if mode == "record":
        n, tag = int(argv[2]), argv[3]
        start = Path(argv[4]) if len(argv) > 4 else None
        reg.schema_version()  # open (and migrate) before the start line
        if start is not None:
            print("ready", flush=True)
            while not start.exists():
                time.sleep(0.005)
        for i in range(n):
            e = reg.record(f"{tag}-{i % 7}", "(b)(iii)", "not_met", justification=f"{tag} entry {i}", references=[f"ref {i}"], recorded_by=tag, role="task_group")
            print(e.entry_id, e.uid, flush=True)
            if start is not None:
                time.sleep(0.001)  # give the other writer a chance at the lock between entries
        return 0
    if mode == "hold":
        supersedes = int(argv[2])
        # a correction concerns the entry's own subject, criterion and role (N1, (a), a task group's: see test_register)
        values, problems = validate_entry(dict(subject_id="N1", criterion="(a)", status="not_met", justification="half-written correction", recorded_by="killed", role="task_group"))
        assert not problems, problems
        values.update(supersedes=supersedes, uid=str(uuid.uuid4()))
        reg.schema_version()
        with reg._connect(write=True) as conn, conn.begin():
            reg._insert(conn, values)
            print("inserted", values["uid"], flush=True)
            time.sleep(600)
        return 0
    print(f"unknown mode {mode}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
