"""The register goes away during a meeting: the dashboard keeps working and loses nothing (real chromium, real PostgreSQL).

The register is a PostgreSQL database reached through a TCP proxy the test takes down and up
again. Needs ``CRC_TEST_POSTGRES_URL`` (CI sets it; the test creates and drops a database of
its own next to the one named).
"""

from __future__ import annotations

import os
import time
import urllib.parse
from pathlib import Path

import pytest

from .dashboard_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    Guard,
    Server,
    TcpProxy,
    fresh_postgres_database,
    new_page,
    screenshot,
    server_env,
    sign_in,
    wait_ready,
    write_logins,
)

PG = os.environ.get("CRC_TEST_POSTGRES_URL", "")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.xdist_group("dashboard-outage"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed"),
    pytest.mark.skipif(not PG, reason="CRC_TEST_POSTGRES_URL is not set (a PostgreSQL server for the register tests)"),
]
CHRYSOTILE = "?item=" + urllib.parse.quote_plus("Chrysotile asbestos (industrial)")


@pytest.fixture
def register(tmp_path):
    from sqlalchemy.engine import make_url

    url, drop = fresh_postgres_database(PG, "outage")
    u = make_url(url)
    proxy = TcpProxy(u.host or "127.0.0.1", u.port or 5432)
    yield u.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False), url, proxy
    proxy.down()
    drop()


@pytest.fixture
def browser():
    pw_sync = pytest.importorskip("playwright.sync_api")
    with pw_sync.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _record(page, notification: str, criterion: str, status: str, why: str) -> None:
    for label, text in (("Notification", notification), ("Criterion", criterion), ("Conclusion", status)):
        select = page.locator(".bk-input-group", has=page.locator("label", has_text=label)).locator("select").first
        select.select_option(value=select.locator("option", has_text=text).first.get_attribute("value"))
    page.get_by_role("textbox", name="Justification").fill(why)
    page.get_by_role("button", name="Review before recording").click()
    page.locator(".crc-confirm").wait_for()
    page.get_by_role("button", name="Confirm and record").click()


def _entries(url: str, text: str) -> int:
    from crc_tools.register.store import Register

    reg = Register(url)
    try:
        h = reg.history()
        return int((h["justification"] == text).sum()) if len(h) else 0
    finally:
        reg.close()


def _wait(predicate, timeout: float, what: str) -> float:
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > timeout:
            pytest.fail(f"{what}: not within {timeout:.0f} s")
        time.sleep(0.5)
    return time.monotonic() - started


def test_register_unreachable_at_start_mid_meeting_and_across_a_restart(tmp_path, register, browser):
    via_proxy, direct, proxy = register
    logins = write_logins(tmp_path / "logins.json", users=("alice",))
    args = ["--data", str(ROOT / "data" / "cases"), "--logins", str(logins), "--meeting", "CRC-21"]
    env = server_env(tmp_path, via_proxy)
    guard = Guard(["http://localhost:"])
    proxy.down()
    server = Server(tmp_path, args, env).start()
    try:
        page = new_page(browser, guard)
        sign_in(page, server.base, "alice", next_path="/" + CHRYSOTILE)
        wait_ready(page)
        notice = page.locator(".crc-notice", has_text="register of determinations cannot be reached").first
        notice.wait_for()
        text = notice.inner_text()
        assert "postgresql" not in text and "127.0.0.1" not in text and "/" not in text.replace("…", "")
        assert "Traceback" not in page.content()
        page.locator("h2", has_text="PIC regions").wait_for()  # the case files are shown as usual
        screenshot(page, "register-unreachable")
        _record(page, "CHL-CHRYSOTILE-2001", "(c)(iv)", "not met", "Outage test: taken while the register was down at start")
        page.locator("text=Waiting to be stored").first.wait_for()
        assert _entries(direct, "Outage test: taken while the register was down at start") == 0
        proxy.up()
        page.locator("text=It had waited for the register").first.wait_for(timeout=60_000)
        assert _entries(direct, "Outage test: taken while the register was down at start") == 1
        # mid-meeting: the register goes away again; a conclusion waits; the server is killed
        proxy.down()
        page.locator(".crc-notice", has_text="cannot be reached").first.wait_for(timeout=60_000)
        _record(page, "EUU-CHRYSOTILE-1999", "(c)(i)", "met", "Outage test: taken mid-meeting, stored after a restart")
        page.locator("text=Waiting to be stored").first.wait_for()
        page.context.close()
    finally:
        server.kill()
    assert list((tmp_path / "state").glob("journal-*.sqlite")), "no journal file beside the server"
    proxy.up()
    restarted = Server(tmp_path, args, env, port=server.port, name="restarted").start()
    try:
        _wait(lambda: _entries(direct, "Outage test: taken mid-meeting, stored after a restart") == 1, 60, "the journal was not replayed after the restart")
        time.sleep(3)
        assert _entries(direct, "Outage test: taken mid-meeting, stored after a restart") == 1
        assert _entries(direct, "Outage test: taken while the register was down at start") == 1  # replayed without duplicates
        page = new_page(browser, guard)
        page.goto(restarted.base + CHRYSOTILE)
        wait_ready(page)
        page.locator("summary", has_text="The matrix as a table").click()
        page.locator("td", has_text="Outage test: taken mid-meeting, stored after a restart").first.wait_for()
        page.context.close()
    finally:
        restarted.stop()
    guard.check()
