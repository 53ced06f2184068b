"""The served dashboard in a real headless browser (Debian's chromium through Playwright).

One server per module (``crc dashboard`` in a subprocess, on a free port, with a throw-away
register, logins file and reports folder); every request the page makes to anything but
that server is aborted and recorded, every JavaScript dialog is recorded and dismissed, and
each test asserts there were none.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORDS = {"alice": "alice-test-password", "victor": "victor-test-password"}
CHRYSOTILE_URL = "?page=1&chemical=Chrysotile+asbestos+%28industrial%29"
TIMEOUT_MS = 30_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.xdist_group("dashboard-browser"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed (Debian package chromium; .ci/run installs it): the dashboard's browser tests need it"),
]

XSS_CASES = {
    "xss-script.yaml": """\
kind: notification
notification_id: XSS-SCRIPT-1
notifying_party: Canada
chemical:
  common_name: "<script>alert(1)</script>"
final_regulatory_action:
  type: ban
  summary: "<img src=x onerror=alert(3)>"
  entry_into_force: "2019-01-01"
  categories:
    - category: industrial
      uses_prohibited: "all uses"
secretariat:
  received_date: "2019-02-01"
  annex_i_verified: true
determinations:
  - {criterion: "(a)", status: not_met, role: committee, by: "<b>TG</b>", date: "2020-01-01", justification: "<img src=x onerror=alert(2)>"}
""",
    "xss-img.yaml": """\
kind: notification
notification_id: XSS-IMG-1
notifying_party: Japan
chemical:
  common_name: "<img src=x onerror=alert(1)>"
final_regulatory_action:
  type: ban
  entry_into_force: "2019-01-01"
  categories:
    - category: industrial
      uses_prohibited: "all uses"
secretariat:
  received_date: "2019-02-01"
  annex_i_verified: true
""",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Serve the sample data and two hostile case files with ``crc dashboard``; yield its address."""
    tmp = tmp_path_factory.mktemp("dashboard")
    xss = tmp / "xss"
    xss.mkdir()
    for name, text in XSS_CASES.items():
        (xss / name).write_text(text, encoding="utf-8")
    logins = tmp / "logins.json"
    logins.write_text(json.dumps(PASSWORDS))
    logins.chmod(0o600)
    reports = tmp / "reports"
    reports.mkdir()
    (reports / "dgd-Chrysotile-asbestos-industrial.html").write_text("<html><body><h1>Draft DGD: Chrysotile asbestos</h1></body></html>")
    port = _free_port()
    from crc_tools.register.store import Register

    with Register(f"sqlite:///{tmp / 'register.sqlite'}", create=True) as reg:
        reg.init()  # a named register must exist (crc register init)
    env = {
        **os.environ,
        "CRC_DATABASE_URL": f"sqlite:///{tmp / 'register.sqlite'}",
        "CRC_REPORTS_DIR": str(reports),
        "CRC_REGION_OVERRIDES": "none",
        "CRC_DASHBOARD_ROLES": "alice=member,victor=viewer",
        "CRC_DASHBOARD_CREDENTIALS": "",
    }
    crc = Path(sys.executable).parent / "crc"
    log = open(tmp / "server.log", "w")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [str(crc), "dashboard", "--data", str(ROOT / "data" / "cases"), str(xss), "--port", str(port), "--basic-auth", str(logins)],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp,
    )
    base = f"http://localhost:{port}/"
    deadline = time.monotonic() + 90
    while True:
        if proc.poll() is not None:
            log.close()
            pytest.fail(f"crc dashboard exited with {proc.returncode}:\n{(tmp / 'server.log').read_text()}")
        try:
            with urllib.request.urlopen(base + "login", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            proc.terminate()
            log.close()
            pytest.fail(f"crc dashboard did not answer within 90 s:\n{(tmp / 'server.log').read_text()}")
        time.sleep(0.3)
    yield {"base": base, "port": port, "log": tmp / "server.log", "register": f"sqlite:///{tmp / 'register.sqlite'}"}
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


@pytest.fixture(scope="module")
def browser():
    pw_sync = pytest.importorskip("playwright.sync_api")
    with pw_sync.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Watch:
    """What a page tried that it should not have: requests beyond the server, dialogs (an alert that ran)."""

    def __init__(self):
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []


@pytest.fixture
def session(browser, server):
    """Return a function opening a new browser session (own cookies) that is watched."""
    contexts = []
    watch = Watch()
    base = server["base"]
    ws = base.replace("http://", "ws://")

    def open_session():
        ctx = browser.new_context(viewport={"width": 1400, "height": 2200})
        contexts.append(ctx)

        def route(r):
            url = r.request.url
            watch.requests.append(url)
            if url.startswith(base) or url.startswith(ws) or url.startswith("data:") or url.startswith("blob:"):
                r.continue_()
            else:
                watch.outside.append(url)
                r.abort()

        ctx.route("**/*", route)
        page = ctx.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.on("dialog", lambda d: (watch.dialogs.append(d.message), d.dismiss()))
        return page

    open_session.watch = watch
    yield open_session
    for ctx in contexts:
        ctx.close()
    assert watch.outside == [], f"the page asked servers other than its own: {watch.outside}"
    assert watch.dialogs == [], f"a dialog opened (script from the data ran?): {watch.dialogs}"


def _sign_in(page, base, user):
    page.goto(base + "login")
    page.fill("#username", user)
    page.fill("#password", PASSWORDS[user])
    page.click("button[type=submit]")


def _select(page, option_text):
    """Choose the option containing ``option_text`` in the select that has it."""
    select = page.locator("select", has=page.locator("option", has_text=option_text))
    select.select_option(value=select.locator("option", has_text=option_text).first.get_attribute("value"))


def test_viewer_sees_overview_chemical_and_shpf_pages_and_cannot_record(session, server):
    page = session()
    base = server["base"]
    page.goto(base)
    page.locator("text=Every chemical under review").wait_for()
    for name in ("Chrysotile asbestos", "Aldicarb", "Lead arsenate"):
        page.locator(".tabulator-cell[tabulator-field=chemical]", has_text=name).first.wait_for()
    page.locator("text=Where every chemical stands").wait_for()  # the stage chart (Vega) rendered
    page.locator("text=Sign in").first.wait_for()
    page.locator(".tabulator-cell[tabulator-field=chemical]", has_text="Chrysotile asbestos").first.click()
    page.locator("text=CHL-CHRYSOTILE-2001").first.wait_for()
    page.locator("text=Annex II: criterion by notification").wait_for()  # the heat map
    page.locator("text=dgd-Chrysotile-asbestos-industrial.html").wait_for()
    page.locator("text=You are viewing without signing in").wait_for()
    assert page.locator("button", has_text="Record the committee").count() == 0
    page.locator("button", has_text="History of this notification").click()
    page.locator("text=determination(s) on").wait_for()
    page.locator(".bk-tab", has_text="SHPF proposals").click()
    page.locator("text=Review status per formulation").wait_for()
    page.locator("text=Fenthion 640 ULV").first.wait_for()
    # The linked document is served by the dashboard itself.
    with urllib.request.urlopen(base + "reports/dgd-Chrysotile-asbestos-industrial.html", timeout=10) as r:
        assert b"Draft DGD" in r.read()
    # A signed-in user without a recording role sees the same and records nothing.
    viewer = session()
    _sign_in(viewer, base, "victor")
    viewer.locator("text=Signed in as victor (viewer: no recording role)").wait_for()
    viewer.goto(base + CHRYSOTILE_URL)
    viewer.locator("text=does not record conclusions").wait_for()
    assert viewer.locator("button", has_text="Record the committee").count() == 0


def test_member_records_a_conclusion_that_a_second_session_sees(session, server):
    base = server["base"]
    member = session()
    _sign_in(member, base, "alice")
    member.locator("text=Signed in as alice (member)").wait_for()
    member.locator(".tabulator-cell[tabulator-field=chemical]", has_text="Chrysotile asbestos").first.click()
    member.locator("text=Record a conclusion").wait_for()

    other = session()  # another browser, not signed in, on the same chemical
    other.goto(base + CHRYSOTILE_URL)
    other.locator("text=Determinations recorded").wait_for()

    _select(member, "CHL-CHRYSOTILE-2001 — Chile")
    _select(member, "(c)(iv) Whether there is evidence")
    member.get_by_role("button", name="not met", exact=True).click()
    member.get_by_placeholder("Why the committee concluded this").fill("Browser test 4711: no trade evidence was provided for chrysotile")
    member.locator("button", has_text="Record the committee").click()
    member.locator("text=Saved as register entry").wait_for()

    other.locator("text=Browser test 4711: no trade evidence was provided for chrysotile").first.wait_for()

    from crc_tools.register.store import Register

    entry = Register(server["register"]).history("CHL-CHRYSOTILE-2001").iloc[-1]
    assert (entry["criterion"], entry["status"], entry["recorded_by"], entry["role"]) == ("(c)(iv)", "not_met", "alice", "committee")
    # History is one click away, in either session.
    other.locator("select", has=other.locator("option", has_text="CHL-CHRYSOTILE-2001")).wait_for()
    _select(other, "CHL-CHRYSOTILE-2001 — Chile")
    other.locator("button", has_text="History of this notification").click()
    other.locator(".tabulator-cell", has_text="stands").first.wait_for()


def test_xss_payloads_in_the_data_show_as_text_and_do_not_run(session, server):
    page = session()
    base = server["base"]
    page.goto(base)
    page.locator(".tabulator-cell[tabulator-field=chemical]", has_text="<script>alert(1)</script>").first.wait_for()
    page.locator(".tabulator-cell[tabulator-field=chemical]", has_text="<img src=x onerror=alert(1)>").first.wait_for()
    page.goto(base + "?page=1&chemical=" + urllib.parse.quote_plus("<script>alert(1)</script> (industrial)"))
    page.locator("h2", has_text="<script>alert(1)</script>").wait_for()
    page.locator(".tabulator-cell", has_text="<img src=x onerror=alert(2)>").first.wait_for()  # a justification
    page.locator(".tabulator-cell", has_text="<b>TG</b>").first.wait_for()
    # Hover the heat map until the tooltip shows the (hostile) justification, as text.
    chart = page.locator(".vega-embed", has_text="Annex II: criterion by notification")
    chart.wait_for()
    box = chart.bounding_box()
    tooltip = page.locator("#vg-tooltip-element")
    found = False
    for dy in range(20, int(box["height"]), 8):
        for dx in range(20, min(int(box["width"]), 300), 12):
            page.mouse.move(box["x"] + dx, box["y"] + dy)
            if tooltip.count() and "onerror=alert(2)" in (tooltip.first.text_content() or ""):
                found = True
                break
        if found:
            break
    assert found, "no tooltip showed the justification"
    assert "<img" not in tooltip.first.inner_html()
    page.goto(base + "?page=1&chemical=" + urllib.parse.quote_plus("<img src=x onerror=alert(1)> (industrial)"))
    page.locator("h2", has_text="<img src=x onerror=alert(1)>").wait_for()
    page.wait_for_timeout(1000)
    assert not [u for u in session.watch.requests if u.rstrip("/").endswith("/x")], "an <img src=x> from the data was rendered"
