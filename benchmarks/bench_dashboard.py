"""Dashboard benchmark: overview render time against an empty page, and server memory over 50 sessions.

Issue 8's targets, printed as ratios (never asserted in the tests):

* time from request to a rendered overview (its table and stage chart on screen) in headless
  chromium, with 2,000 notifications of 200 chemicals, against an empty Panel page in the same
  template served by the same server — target: at most 2x;
* the server's resident memory after 50 sessions opened and closed, against after the first —
  target: within 1.2x.

Run with ``make bench`` (all benchmarks) or ``python benchmarks/run.py dashboard``. Needs
Debian's chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
N_NOTIFICATIONS = 2_000
N_CHEMICALS = 200
REPEAT = 7
SESSIONS = 50
SESSION_LIFETIME_MS = 5_000
"""Closed sessions are discarded after this long (the dashboard's default is 60 s; shortened so the run is quick)."""

SERVER = """
import sys
from crc_tools.dashboard.views import empty_page, serve
serve([sys.argv[1]], port=int(sys.argv[2]), extra_routes={"/empty": empty_page}, start=True,
      unused_session_lifetime_milliseconds=int(sys.argv[3]), check_unused_sessions_milliseconds=int(sys.argv[3]) // 2)
"""


def table(path: Path) -> Path:
    """Write 2,000 synthetic notifications of 200 chemicals as a bulk table."""
    from generate import CHEMICALS, synthetic_table

    df = synthetic_table(N_NOTIFICATIONS, seed=8)
    rng = np.random.default_rng(8)
    chem = rng.integers(0, N_CHEMICALS, N_NOTIFICATIONS)
    real = chem < len(CHEMICALS)
    df["chemical"] = np.where(real, np.array([c[0] for c in CHEMICALS])[np.minimum(chem, len(CHEMICALS) - 1)], np.char.add("Chemical-", chem.astype(str)))
    df["cas_number"] = np.where(real, np.array([c[1] for c in CHEMICALS])[np.minimum(chem, len(CHEMICALS) - 1)], "")
    df.to_csv(path, index=False)
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _wait_ready(base: str, proc, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "empty", timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("server did not answer")


def _open(browser, url: str, marker: str, base: str) -> float:
    """Return seconds from request to ``marker`` visible, in a fresh context; nothing beyond the server is fetched."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    outside = []
    ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith((base, base.replace("http", "ws"), "data:", "blob:")) else (outside.append(r.request.url), r.abort()))
    page = ctx.new_page()
    t = time.perf_counter()
    page.goto(url)
    for text in marker.split("|"):
        page.locator(f"text={text}").first.wait_for(timeout=60_000)
    elapsed = time.perf_counter() - t
    ctx.close()
    if outside:
        raise RuntimeError(f"the page asked other servers: {outside}")
    return elapsed


def main() -> dict:
    """Run the benchmark and print the figures and ratios."""
    if not Path(CHROMIUM).exists():
        print(f"skipped: {CHROMIUM} is not installed")
        return {}
    from playwright.sync_api import sync_playwright

    out = HERE / "out"
    out.mkdir(exist_ok=True)
    data = table(out / "dashboard-2000.csv")
    port = _free_port()
    base = f"http://localhost:{port}/"
    with tempfile.TemporaryDirectory() as tmp:
        from crc_tools.register.store import Register

        with Register(f"sqlite:///{tmp}/register.sqlite", create=True) as new:
            new.init()  # a named register must exist (crc register init)
        env = {**os.environ, "CRC_DATABASE_URL": f"sqlite:///{tmp}/register.sqlite", "CRC_REGION_OVERRIDES": "none", "CRC_REPORTS_DIR": tmp}
        log = open(Path(tmp) / "server.log", "w")  # noqa: SIM115
        proc = subprocess.Popen([sys.executable, "-c", SERVER, str(data), str(port), str(SESSION_LIFETIME_MS)], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        try:
            _wait_ready(base, proc)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                overview_marker = 'Every chemical under review|Where every chemical stands|PIC regions covered|"Aldicarb"'
                # Warm up both pages (first imports, caches), then alternate.
                _open(browser, base, overview_marker, base)
                _open(browser, base + "empty", "empty", base)
                time.sleep(SESSION_LIFETIME_MS / 1000 * 2.5)
                rss_first = _rss_mb(proc.pid)
                empty, overview = [], []
                for _ in range(REPEAT):
                    empty.append(_open(browser, base + "empty", "empty", base))
                    overview.append(_open(browser, base, overview_marker, base))
                t_empty, t_overview = statistics.median(empty), statistics.median(overview)
                for _ in range(SESSIONS - REPEAT - 1):
                    _open(browser, base, overview_marker, base)
                time.sleep(SESSION_LIFETIME_MS / 1000 * 2.5)
                rss_after = _rss_mb(proc.pid)
                browser.close()
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
    ratio_time, ratio_mem = t_overview / t_empty, rss_after / rss_first
    print(f"data: {N_NOTIFICATIONS:,} notifications, {N_CHEMICALS} chemicals ({data})")
    print(f"empty template page : {t_empty:6.2f} s (median of {REPEAT})")
    print(f"overview rendered   : {t_overview:6.2f} s (median of {REPEAT})")
    print(f"ratio overview/empty: {ratio_time:6.2f}  (target <= 2)")
    print(f"server memory after the first session: {rss_first:7.1f} MB")
    print(f"server memory after {SESSIONS} sessions    : {rss_after:7.1f} MB")
    print(f"ratio                                : {ratio_mem:7.2f}  (target <= 1.2)")
    return {"empty_s": t_empty, "overview_s": t_overview, "time_ratio": ratio_time, "rss_first_mb": rss_first, "rss_after_mb": rss_after, "memory_ratio": ratio_mem}


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
