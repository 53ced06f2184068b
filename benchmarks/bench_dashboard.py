"""Dashboard benchmark: the agenda's render time against an empty page, and server memory over 50 sessions.

Issue 15's targets, printed as ratios (never asserted in the tests):

* the agenda (overview) page, from navigation start to its table rows and its stage chart
  painted, measured in the page with the Performance API (``performance.now()``, whose origin
  is the navigation start), against an empty page in the same template served by the same
  server, in the same run — target: at most 1.5x. Data: 2,000 notifications of 200 chemicals;
* the server's resident memory after 50 sessions opened and closed, against after the first
  — target: within 1.2x.

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

SERVER = """
import sys
from crc_tools.dashboard.serve import empty_page, serve
serve([sys.argv[1]], port=int(sys.argv[2]), extra_routes={"/empty": empty_page}, start=True)
"""

PAINTED = """
(() => {
  const deep = (root, sel) => { const f = root.querySelector(sel); if (f) return f;
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) { const g = deep(el.shadowRoot, sel); if (g) return g; } return null; };
  const want = location.pathname.endsWith('/empty') ? ['h1.crc-empty-marker, h1'] : ['.crc-table tbody tr', '.vega-embed svg .mark-rect path'];
  const tick = () => {
    if (want.every(sel => deep(document, sel))) { requestAnimationFrame(() => { window.__crcPainted = performance.now(); }); return; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
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


def _wait_ready(base: str, proc, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "health", timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("server did not answer")


def _open(browser, url: str, base: str) -> float:
    """Return milliseconds from navigation start to the page's content painted (Performance API), in a fresh context."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    outside = []
    ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith((base, base.replace("http", "ws"), "data:", "blob:")) else (outside.append(r.request.url), r.abort()))
    page = ctx.new_page()
    page.add_init_script(PAINTED)
    page.goto(url, timeout=120_000)
    page.wait_for_function("() => window.__crcPainted !== undefined", timeout=120_000)
    painted = page.evaluate("() => window.__crcPainted")
    ctx.close()
    if outside:
        raise RuntimeError(f"the page asked other servers: {outside}")
    return painted


def _sessions_gone(base: str, timeout: float = 60) -> None:
    import json

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(base + "health", timeout=10) as r:
            if json.loads(r.read())["sessions"] == 0:
                return
        time.sleep(0.5)


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
        env = {**os.environ, "CRC_DATABASE_URL": f"sqlite:///{tmp}/register.sqlite", "CRC_REGION_OVERRIDES": "none", "CRC_REPORTS_DIR": tmp, "CRC_DASHBOARD_STATE": f"{tmp}/state"}
        log = open(Path(tmp) / "server.log", "w")  # noqa: SIM115
        proc = subprocess.Popen([sys.executable, "-c", SERVER, str(data), str(port)], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        try:
            _wait_ready(base, proc)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                _open(browser, base, base)  # warm up both pages (first imports, caches), then alternate
                _open(browser, base + "empty", base)
                _sessions_gone(base)
                rss_first = _rss_mb(proc.pid)
                empty, overview = [], []
                for _ in range(REPEAT):
                    empty.append(_open(browser, base + "empty", base))
                    overview.append(_open(browser, base, base))
                for _ in range(SESSIONS - 2 * REPEAT - 2):
                    _open(browser, base, base)
                _sessions_gone(base)
                rss_after = _rss_mb(proc.pid)
                browser.close()
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
    t_empty, t_overview = statistics.median(empty), statistics.median(overview)
    ratio_time, ratio_mem = t_overview / t_empty, rss_after / rss_first
    print(f"data: {N_NOTIFICATIONS:,} notifications, {N_CHEMICALS} chemicals ({data})")
    print(f"empty template page painted : {t_empty:7.0f} ms after navigation start (median of {REPEAT}, Performance API)")
    print(f"agenda rows and chart painted: {t_overview:7.0f} ms after navigation start (median of {REPEAT})")
    print(f"ratio agenda/empty           : {ratio_time:7.2f}  (target <= 1.5)")
    print(f"server memory after the first sessions: {rss_first:7.1f} MB")
    print(f"server memory after {SESSIONS} sessions     : {rss_after:7.1f} MB (every session closed and discarded)")
    print(f"ratio                                 : {ratio_mem:7.2f}  (target <= 1.2)")
    return {"empty_ms": t_empty, "overview_ms": t_overview, "time_ratio": ratio_time, "rss_first_mb": rss_first, "rss_after_mb": rss_after, "memory_ratio": ratio_mem}


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
