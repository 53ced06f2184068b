"""Benchmark: 20 dashboard sessions recording conclusions for a minute (issues 9 and 15).

Recording sessions (the dashboard's own page objects for signed-in members on agenda items,
sharing one MeetingData as the server's do) record through the recording form (Review, then
Confirm and record) while HTTP clients keep opening pages of a real `crc dashboard` server over
the same register — clients that never open the websocket, whose sessions the server drops
within seconds. Reports conclusions acknowledged and stored, lost and duplicated entries
(both must be 0), and the server's memory under the load against its start (target: <= 1.5x).
"""

from __future__ import annotations

import sys


def main(sessions: int = 20, seconds: float = 60.0) -> dict:
    from crc_tools.dashboard.loadtest import run_load

    result = run_load(sessions, seconds, settle=15.0)
    print(result.summary())
    verdict = "holds" if result.ok else "FAILS"
    print(f"no lost or duplicated entries: {verdict}" + (f" ({'; '.join(result.errors[:3])})" if result.errors else ""))
    if result.server_rss_mb:
        start, peak = result.server_rss_mb[0], max(result.server_rss_mb)
        print(f"server memory under the load: peak {peak:.0f} MB, {peak / start:.2f}x its start of {start:.0f} MB (target <= 1.5)")
        if result.server_rss_settled_mb:
            print(f"server memory once the load ended: {result.server_rss_settled_mb:.0f} MB ({result.server_rss_settled_mb / start:.2f}x its start)")
    return vars(result)


if __name__ == "__main__":
    args = sys.argv[1:]
    main(int(args[0]) if args else 20, float(args[1]) if len(args) > 1 else 60.0)
