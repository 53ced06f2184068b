"""Load on the committee dashboard: many sessions recording conclusions at once.

Used by ``benchmarks/bench_load.py`` (``make bench``: 20 sessions for a minute) and by a
short test. Two kinds of client run together against one register:

* **recording sessions** — dashboard pages (:func:`crc_tools.dashboard.serve.build_app`, the
  object each browser connection gets) of signed-in members on agenda items, sharing one
  :class:`~crc_tools.dashboard.data.MeetingData` as the server's sessions do, each recording
  conclusions in a loop through their recording form — *Review*, then *Confirm and record*;
* **HTTP clients** — plain HTTP clients that keep opening the page of a real ``crc dashboard``
  server over the same register, so that server builds, polls and discards sessions while the
  register grows.

At the end every acknowledged entry must be in the register exactly once (nothing lost, nothing
duplicated) and the server's memory must stay bounded.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

CRITERIA = ["(a)", "(b)(i)", "(b)(ii)", "(b)(iii)", "(c)(i)", "(c)(ii)", "(c)(iii)", "(c)(iv)", "(d)"]


@dataclass
class LoadResult:
    """What a load run did and found."""

    sessions: int
    seconds: float
    acknowledged: int = 0
    stored: int = 0
    lost: int = 0
    duplicated: int = 0
    refused_or_pending: int = 0
    unaccounted: int = 0
    page_loads: int = 0
    page_errors: int = 0
    server_rss_mb: list[float] = field(default_factory=list)
    server_rss_settled_mb: float | None = None
    server_rss_second_wave_mb: float | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return whether nothing was lost or duplicated and no client failed."""
        return self.lost == 0 and self.duplicated == 0 and self.unaccounted == 0 and not self.errors

    def summary(self) -> str:
        """Return the figures in words."""
        mem = ""
        if self.server_rss_mb:
            first, last, peak = self.server_rss_mb[0], self.server_rss_mb[-1], max(self.server_rss_mb)
            mem = f"; server memory {first:.0f} MB at start, {last:.0f} MB at end (peak {peak:.0f} MB, {last / first:.2f}x)"
            if self.server_rss_settled_mb:
                mem += f", {self.server_rss_settled_mb:.0f} MB once the clients' sessions expired"
            if self.server_rss_second_wave_mb:
                mem += f", {self.server_rss_second_wave_mb:.0f} MB after a second wave of as many page loads"
        return (
            f"{self.sessions} sessions for {self.seconds:.0f} s: {self.acknowledged} conclusions acknowledged "
            f"({self.acknowledged / max(self.seconds, 1e-9):.1f}/s), {self.stored} in the register, {self.lost} lost, "
            f"{self.duplicated} duplicated, {self.unaccounted} stored unacknowledged, {self.refused_or_pending} refused or pending; {self.page_loads} page loads by HTTP clients "
            f"({self.page_errors} failed){mem}"
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _start_server(workdir: Path, env: dict) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    crc = Path(sys.executable).parent / "crc"
    log = open(workdir / "server.log", "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen([str(crc), "dashboard", "--port", str(port), "--address", "127.0.0.1"], stdout=log, stderr=subprocess.STDOUT, env=env, cwd=workdir)
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"crc dashboard exited: {(workdir / 'server.log').read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(base, timeout=10) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError(f"crc dashboard did not answer within 180 s: {(workdir / 'server.log').read_text(errors='replace')[-2000:]}")


def _recording_sessions(data, n: int):
    """Return ``n`` pages of signed-in members on agenda items, and the (item, notification) pairs they record on."""
    from .recording import Identity
    from .route import Route
    from .serve import build_app

    keys = list(data.overview()["key"])
    targets = [(k, nid) for k in keys for nid in data.notifications_of(k)["notification_id"]]
    pages = [build_app(data, identity=Identity(f"member{i}", "member"), route=Route(view="item", item=targets[(i * 7) % len(targets)][0]), logins=True, poll=False) for i in range(n)]
    return pages, targets


def _record_once(page, nid: str, i: int, n: int):
    """Record one conclusion through the form, as the Review and Confirm buttons do; return the outcome."""
    import asyncio

    form = page.view.form
    if nid not in form.subject.options.values():
        return None
    form.subject.value = nid
    form.criterion.value = CRITERIA[(i + n) % len(CRITERIA)]
    form.status.value = "not_met" if n % 3 == 0 else "met"
    form.justification.value = f"load session {i}, conclusion {n}"
    form.show_review()
    return asyncio.run(form.confirm_and_record())


def run_load(sessions: int = 20, seconds: float = 60.0, *, http_clients: int | None = None, serve: bool = True, settle: float = 0.0) -> LoadResult:
    """Run the load and return what was found.

    Parameters
    ----------
    sessions : int
        Recording sessions (signed-in members), each in its own thread.
    seconds : float
        How long they record.
    http_clients : int, optional
        HTTP clients opening pages of a real server meanwhile (default: as many as sessions).
    serve : bool
        Whether to start the real server for the HTTP clients.
    settle : float
        Seconds to keep the server idle after the load, to see its memory once the sessions
        of the HTTP clients have expired (``server_rss_settled_mb``).
    """
    from ..register.store import Register
    from .data import MeetingData

    result = LoadResult(sessions, seconds)
    with tempfile.TemporaryDirectory(prefix="crc-load-") as tmp:
        work = Path(tmp)
        url = f"sqlite:///{work / 'register.sqlite'}"
        with Register(url, create=True) as new:
            new.init()  # a named register must exist (crc register init)
        env = {**os.environ, "CRC_DATABASE_URL": url, "CRC_REGION_OVERRIDES": os.environ.get("CRC_REGION_OVERRIDES", "none"), "CRC_REPORTS_DIR": str(work / "reports"),
               "CRC_DASHBOARD_STATE": str(work / "state")}
        proc = base = None
        try:
            if serve:
                proc, base = _start_server(work, env)
                rss = _rss_mb(proc.pid)
                if rss:
                    result.server_rss_mb.append(rss)
            register = Register(url)
            data = MeetingData(register=register, reports_dir=work / "reports", state_dir=work / "own-state", poll_seconds=0.5)
            pages, targets = _recording_sessions(data, sessions)
            n_http = (http_clients if http_clients is not None else sessions) if serve else 0
            run = _Run(pages, targets, result, base, threading.Barrier(sessions + n_http + 1))
            threads = [threading.Thread(target=_recorder, args=(run, i), daemon=True) for i in range(sessions)]
            threads += [threading.Thread(target=_browser_less_client, args=(run,), daemon=True) for _ in range(n_http)]
            for t in threads:
                t.start()
            run.stop = time.monotonic() + seconds
            t0 = time.monotonic()
            run.gate.wait()
            _watch(threads, proc, result, seconds)
            result.seconds = min(time.monotonic() - t0, seconds + 120)
            if proc is not None and settle > 0:
                time.sleep(settle)
                result.server_rss_settled_mb = _rss_mb(proc.pid)
            _account(result, register, run.acknowledged)
            register.close()
        finally:
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
    return result


@dataclass
class _Run:
    """What the load's threads share."""

    pages: list
    targets: list
    result: LoadResult
    base: str | None
    gate: threading.Barrier
    stop: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    acknowledged: list = field(default_factory=list)

    def __post_init__(self):
        self.acknowledged = [[] for _ in self.pages]


def _recorder(run: _Run, i: int) -> None:
    """One recording session: record conclusions until the end, noting what the register acknowledged."""
    n = 0
    run.gate.wait()
    while time.monotonic() < run.stop:
        nid = run.targets[(i * 7 + n) % len(run.targets)][1]
        try:
            outcome = _record_once(run.pages[i], nid, i, n)
            if outcome is not None and outcome.state == "stored":
                run.acknowledged[i].append(outcome.entry_id)
            elif outcome is not None:
                with run.lock:
                    run.result.refused_or_pending += 1
            run.pages[i].poll()
        except Exception as exc:  # noqa: BLE001 - a failing session is a finding, not a crash
            with run.lock:
                run.result.errors.append(f"session {i}: {type(exc).__name__}: {exc}")
            return
        n += 1


def _browser_less_client(run: _Run) -> None:
    """Load the page again and again without ever opening its websocket (a client that runs no script)."""
    run.gate.wait()
    while time.monotonic() < run.stop:
        try:
            with urllib.request.urlopen(run.base, timeout=60) as r:
                r.read()
            with run.lock:
                run.result.page_loads += 1
        except OSError:
            with run.lock:
                run.result.page_errors += 1
        time.sleep(0.5)


def _watch(threads, proc, result: LoadResult, seconds: float) -> None:
    """Wait for the clients, noting the server's memory every second."""
    t0 = time.monotonic()
    while any(t.is_alive() for t in threads):
        time.sleep(1)
        if proc is not None and (rss := _rss_mb(proc.pid)):
            result.server_rss_mb.append(rss)
        if time.monotonic() - t0 > seconds + 120:
            result.errors.append("clients did not finish within two minutes after the end")
            return


def _account(result: LoadResult, register, acknowledged) -> None:
    """Compare what the sessions were told with what the register holds."""
    entries = register.history()
    ids_stored = list(entries["entry_id"].astype(int)) if len(entries) else []
    uids = list(entries["uid"]) if "uid" in entries.columns else ids_stored
    acked = [e for per in acknowledged for e in per]
    result.acknowledged = len(acked)
    result.stored = len(ids_stored)
    result.lost = len(set(acked) - set(ids_stored))
    result.duplicated = (len(acked) - len(set(acked))) + (len(uids) - len(set(uids)))
    result.unaccounted = len(set(ids_stored) - set(acked))


def main(argv=None) -> int:
    """``python -m crc_tools.dashboard.loadtest [SESSIONS] [SECONDS]``: run the load and print the figures as JSON too."""
    args = list(sys.argv[1:] if argv is None else argv)
    sessions = int(args[0]) if args else 20
    seconds = float(args[1]) if len(args) > 1 else 60.0
    result = run_load(sessions, seconds)
    print(result.summary())
    print(json.dumps({k: getattr(result, k) for k in ("sessions", "seconds", "acknowledged", "stored", "lost", "duplicated", "unaccounted", "page_loads", "page_errors", "errors")}))
    return 0 if result.ok else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


__all__ = ["LoadResult", "run_load"]
