"""Benchmark: 20 dashboard sessions recording conclusions for a minute (issue 9).

Recording sessions (the dashboard's own session objects for signed-in members, sharing one
MeetingData as the server's do) record through the Record button's code path while HTTP
clients keep opening pages of a real `crc dashboard` server over the same register. Reports
conclusions acknowledged and stored, lost and duplicated entries (both must be 0), and the
server's memory over the minute.
"""

from __future__ import annotations

import sys


def main(sessions: int = 20, seconds: float = 60.0) -> dict:
    from crc_tools.dashboard.loadtest import run_load

    result = run_load(sessions, seconds, settle=75.0)  # sessions not connected by a browser expire after 60 s
    print(result.summary())
    verdict = "holds" if result.ok else "FAILS"
    print(f"no lost or duplicated entries: {verdict}" + (f" ({'; '.join(result.errors[:3])})" if result.errors else ""))
    if result.server_rss_mb:
        growth = result.server_rss_mb[-1] / result.server_rss_mb[0]
        print(f"server memory over the run: {growth:.2f}x its start (page loads by clients that never open the websocket keep a session each for 60 s)")
        if result.server_rss_second_wave_mb:
            peak = max(result.server_rss_mb)
            print(f"server memory after a second wave of page loads: {result.server_rss_second_wave_mb / peak:.2f}x the first wave's peak (bounded when close to 1)")
    return vars(result)


if __name__ == "__main__":
    args = sys.argv[1:]
    main(int(args[0]) if args else 20, float(args[1]) if len(args) > 1 else 60.0)
