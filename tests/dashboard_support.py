"""What the dashboard's browser tests share: a served ``crc dashboard``, a guarded chromium page, axe-core, screenshots.

Every request a page makes to anything but its own server is aborted and recorded; every
JavaScript dialog is recorded and dismissed; the tests assert there were none. axe-core is
vendored in ``tests/vendor/axe-core`` (``npm pack axe-core``; MPL-2.0): nothing is downloaded.
Screenshots go to ``reports/screenshots/`` (ignored by git), named by view and viewport.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "reports" / "screenshots"
TIMEOUT_MS = 90_000
VIEWPORTS = {"projector": (1280, 720), "large": (1600, 1000)}
PASSWORDS = {"alice": "alice-chair-password", "bob": "bob-member-password", "victor": "victor-viewer-password"}
ROLES = {"alice": "chair", "bob": "member", "victor": "viewer"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_logins(path: Path, users=("alice", "bob", "victor")) -> Path:
    from crc_tools.dashboard.auth import add_user

    for user in users:
        add_user(path, user, ROLES[user], PASSWORDS[user], replace=True)
    return path


def write_big_chemical(path: Path, n: int = 100) -> Path:
    """Write a bulk table of one chemical with ``n`` notifications from Parties of every PIC region."""
    parties = ["Canada", "Japan", "Chile", "Senegal", "Jordan", "Australia", "Norway", "European Union", "Brazil", "Thailand", "Peru", "Kenya"]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["notification_id", "chemical", "category", "notifying_party", "fra_type", "fra_date", "received_date", "annex_i_verified"])
        for i in range(n):
            w.writerow([f"BIG-{i:03d}", "Bigchemicalium", "pesticide", parties[i % len(parties)], "ban", "2019-01-01", "2019-03-01", "true"])
    return path


class Server:
    """``crc dashboard`` in a subprocess (started, stopped or killed by the test that owns it)."""

    def __init__(self, workdir: Path, args: list[str], env: dict, port: int | None = None, name: str = "server"):
        self.workdir, self.args, self.env = workdir, args, env
        self.port = port or free_port()
        self.base = f"http://localhost:{self.port}/"
        self.log_path = workdir / f"{name}.log"
        self.proc = None

    def start(self, timeout: float = 240) -> Server:
        crc = Path(sys.executable).parent / "crc"
        log = open(self.log_path, "a")  # noqa: SIM115 - closed when the process ends
        self.proc = subprocess.Popen([str(crc), "dashboard", *self.args, "--port", str(self.port)], stdout=log, stderr=subprocess.STDOUT, env=self.env, cwd=self.workdir)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"crc dashboard exited with {self.proc.returncode}:\n{self.log()}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(self.base + "health", timeout=5) as r:
                    if r.status == 200:
                        return self
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"crc dashboard did not answer within {timeout:.0f} s:\n{self.log()}")

    def health(self) -> dict:
        with urllib.request.urlopen(self.base + "health", timeout=20) as r:
            return json.loads(r.read())

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def kill(self) -> None:
        """End the server abruptly (SIGKILL), as a crash or a pulled plug would."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def server_env(tmp: Path, register_url: str, **extra) -> dict:
    """Return a server's environment; a SQLite register named there is created first, as ``crc register init`` would."""
    if register_url.startswith("sqlite:///") and not Path(register_url[len("sqlite:///"):]).exists():
        from crc_tools.register.store import Register

        with Register(register_url, create=True) as reg:
            reg.init()
    env = {
        **os.environ, "CRC_DATABASE_URL": register_url, "CRC_REPORTS_DIR": str(tmp / "reports"), "CRC_REGION_OVERRIDES": "none",
        "CRC_DASHBOARD_STATE": str(tmp / "state"), "CRC_DASHBOARD_LOGINS": "", "CRC_DASHBOARD_CREDENTIALS": "",
    }
    env.update(extra)
    return env


class Guard:
    """What pages tried that they should not have: requests beyond their server, dialogs (a script from the data that ran)."""

    def __init__(self, allowed: list[str]):
        self.allowed = allowed
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []

    def route(self, r) -> None:
        url = r.request.url
        self.requests.append(url)
        if url.startswith(tuple(self.allowed)) or url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            self.outside.append(url)
            r.abort()

    def check(self) -> None:
        assert self.outside == [], f"the page asked servers other than its own: {self.outside}"
        assert self.dialogs == [], f"a dialog opened (script from the data ran?): {self.dialogs}"


def new_page(browser, guard: Guard, viewport=(1280, 720)):
    ctx = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    ctx.route("**/*", guard.route)
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    page.on("dialog", lambda d: (guard.dialogs.append(d.message), d.dismiss()))
    return page


def wait_ready(page) -> None:
    """Wait until the Panel page has rendered and is idle."""
    page.wait_for_function("() => window.Bokeh && Bokeh.index && Object.values(Bokeh.index).length && Object.values(Bokeh.index).every(v => v.is_idle)", timeout=TIMEOUT_MS)
    page.wait_for_timeout(300)


def goto(page, url: str) -> None:
    page.goto(url)
    wait_ready(page)


def sign_in(page, base: str, user: str, password: str | None = None, next_path: str = "/") -> None:
    page.goto(base + "login?next=" + urllib.request.quote(next_path, safe=""))
    page.fill("#username", user)
    page.fill("#password", password or PASSWORDS[user])
    page.click("button[type=submit]")
    page.wait_for_load_state()


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page; return the violations of the given impacts."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async () => { const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}, resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' >>> ') + ' :: ' + (n.failureSummary || '').slice(0, 240))})); }"""
    )
    return [v for v in found if v["impact"] in impacts]


def screenshot(page, name: str, *, full_page: bool = False) -> Path:
    """Write what the screen shows (or the whole page, ``-full``) to ``reports/screenshots/NAME-WxH.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    path = SCREENSHOTS / f"{name}-{size['width']}x{size['height']}{'-full' if full_page else ''}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def page_scrolls_sideways(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth + 1")


CUT_HEADERS_JS = """() => {
  const out = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('th, caption, h1, h2, h3, label, .crc-nav a')) {
      const cs = getComputedStyle(el);
      if (el.scrollWidth > el.clientWidth + 1 && cs.overflow !== 'visible') out.push(el.textContent.trim().slice(0, 60));
      if (cs.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1) out.push(el.textContent.trim().slice(0, 60));
      const r = el.getBoundingClientRect();
      if (r.width > 0 && (r.right > window.innerWidth + 1 || r.left < -1)) out.push('off screen: ' + el.textContent.trim().slice(0, 60));
    }
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
  };
  walk(document);
  return out;
}"""


def deep_text(page) -> str:
    """Return the page's text, shadow roots included (Panel renders its components in shadow DOM)."""
    return page.evaluate("""() => { const parts = [];
      const walk = (root) => { parts.push(root.textContent || ''); for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot); };
      walk(document.documentElement); return parts.join(' '); }""")


def cut_headers(page) -> list[str]:
    """Return headers, captions, headings and labels whose text is cut (hidden overflow, ellipsis, or off screen)."""
    return page.evaluate(CUT_HEADERS_JS)


class TcpProxy:
    """A TCP forwarder in front of PostgreSQL that the test can take down (the register unreachable) and up again."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self._listener = None
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self.up()

    def up(self) -> None:
        if self._listener is not None:
            return
        lst = socket.socket()
        lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lst.bind(("127.0.0.1", self.port))
        lst.listen(64)
        self._listener = lst
        threading.Thread(target=self._accept, args=(lst,), daemon=True).start()

    def down(self) -> None:
        """Refuse new connections and cut the open ones."""
        lst, self._listener = self._listener, None
        if lst is not None:
            with contextlib.suppress(OSError):
                lst.shutdown(socket.SHUT_RDWR)
            lst.close()
        with self._lock:
            for c in self._conns:
                with contextlib.suppress(OSError):
                    c.shutdown(socket.SHUT_RDWR)
                c.close()
            self._conns.clear()

    def _accept(self, lst) -> None:
        while True:
            try:
                client, _ = lst.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src, dst) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                dst.shutdown(socket.SHUT_WR)


def fresh_postgres_database(base_url: str, suffix: str) -> tuple[str, callable]:
    """Create a throw-away database next to the one ``base_url`` names; return its URL and a function dropping it."""
    import uuid

    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    url = make_url(base_url)
    name = f"{url.database}_{suffix}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    new = url.set(database=name).render_as_string(hide_password=False)
    from crc_tools.register.store import Register

    with Register(new, create=True) as reg:
        reg.init()  # a named register must exist (crc register init)
    return new, drop
