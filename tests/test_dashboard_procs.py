"""More than one server process over one PostgreSQL register (real chromium).

``crc dashboard --num-procs 2`` and a second ``crc dashboard`` share the register and the state
folder: a conclusion recorded through one appears in pages served by the other within 5
seconds, and each process keeps its own journal. Needs ``CRC_TEST_POSTGRES_URL``.
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
    fresh_postgres_database,
    new_page,
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
    pytest.mark.xdist_group("dashboard-procs"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed"),
    pytest.mark.skipif(not PG, reason="CRC_TEST_POSTGRES_URL is not set (a PostgreSQL server for the register tests)"),
]
ALDICARB = "?item=" + urllib.parse.quote_plus("Aldicarb (pesticide)")


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
    page.locator("text=Stored as register entry").first.wait_for()


def _seen_within(page, notification: str, criterion: str, word: str, seconds: float) -> float:
    started = time.monotonic()
    page.locator(f"svg .mark-rect path[aria-label*='{notification}'][aria-label*='criterion: {criterion};'][aria-label*=\"committee's conclusion: {word}\"]").first.wait_for(timeout=seconds * 1000)
    return time.monotonic() - started


def test_two_server_processes_over_one_register_see_each_others_conclusions(tmp_path, browser):
    url, drop = fresh_postgres_database(PG, "procs")
    logins = write_logins(tmp_path / "logins.json", users=("alice", "bob"))
    args = ["--data", str(ROOT / "data" / "cases"), "--logins", str(logins)]
    env = server_env(tmp_path, url)
    forked = Server(tmp_path, [*args, "--num-procs", "2"], env, name="forked")
    single = Server(tmp_path, args, env, name="single")
    try:
        forked.start()
        single.start()
        guard = Guard(["http://localhost:"])
        a, b = new_page(browser, guard), new_page(browser, guard)
        sign_in(a, forked.base, "alice", next_path="/" + ALDICARB)
        sign_in(b, single.base, "bob", next_path="/" + ALDICARB)
        wait_ready(a)
        wait_ready(b)
        _record(b, "JAM-ALDICARB-2007", "(c)(iv)", "not met", "Recorded through the single process")
        took = _seen_within(a, "JAM-ALDICARB-2007", "(c)(iv)", "not met", 5)
        print(f"seen through the other process after {took:.1f} s")
        _record(a, "JAM-ALDICARB-2007", "(c)(iii)", "insufficient information", "Recorded through the forked processes")
        took = _seen_within(b, "JAM-ALDICARB-2007", "(c)(iii)", "insufficient information", 5)
        print(f"seen through the other process after {took:.1f} s")
        pids = {forked.health()["pid"] for _ in range(12)}
        journals = list((tmp_path / "state").glob("journal-*.sqlite"))
        assert len(journals) >= 1 + len(pids), "each process keeps its own journal"
        a.context.close()
        b.context.close()
        guard.check()
        forked.stop()
        _wait_gone(pids - {forked.proc.pid})  # stopping the server stops every process it forked
    finally:
        forked.stop()
        single.stop()
        drop()


def _wait_gone(pids: set[int], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = set()
        for pid in pids:
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state != "Z":  # a zombie has ended; only its parent's reaping is left
                alive.add(pid)
        if not alive:
            return
        time.sleep(0.5)
    for pid in alive:
        os.kill(pid, 9)
    pytest.fail(f"forked server processes {sorted(alive)} outlived their parent")
