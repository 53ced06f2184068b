"""The served dashboard in a real browser (Debian's chromium through Playwright): what a committee does with it.

One ``crc dashboard`` per module (SQLite register, argon2id logins for a chair, a member and a
viewer, the sample data, hostile case files and a chemical with 100 notifications). Every
request a page makes beyond the server is aborted and recorded, every dialog recorded; each
test asserts there were none. Screenshots of every view at 1280x720 and 1600x1000 go to
``reports/screenshots/``.
"""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from .dashboard_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORDS,
    ROOT,
    VIEWPORTS,
    Guard,
    Server,
    axe_violations,
    cut_headers,
    deep_text,
    goto,
    new_page,
    page_scrolls_sideways,
    screenshot,
    server_env,
    sign_in,
    wait_ready,
    write_big_chemical,
    write_logins,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.xdist_group("dashboard-browser"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed (Debian package chromium; .ci/run installs it)"),
]

CHRYSOTILE = "?item=" + urllib.parse.quote_plus("Chrysotile asbestos (industrial)")
BIG = "?item=" + urllib.parse.quote_plus("Bigchemicalium (pesticide)")
CHILE = "CHL-CHRYSOTILE-2001"
XSS_CASE = """\
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
  - {criterion: "(a)", status: not_met, role: task_group, by: "<b>TG</b>", date: "2020-01-01", justification: "<img src=x onerror=alert(2)>"}
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dashboard")
    (tmp / "xss").mkdir()
    (tmp / "xss" / "xss.yaml").write_text(XSS_CASE, encoding="utf-8")
    big = write_big_chemical(tmp / "big.csv")
    logins = write_logins(tmp / "logins.json")
    reports = tmp / "reports"
    reports.mkdir()
    (reports / "dgd-Chrysotile-asbestos-industrial.html").write_text("<html><body><h1>Draft DGD: Chrysotile asbestos</h1></body></html>")
    (reports / "dgd-Chrysotile-asbestos-industrial.failed.ipynb").write_text("{}")
    register = f"sqlite:///{tmp / 'register.sqlite'}"
    args = ["--data", str(ROOT / "data" / "cases"), str(tmp / "xss"), str(big), "--logins", str(logins), "--meeting", "CRC-21"]
    srv = Server(tmp, args, server_env(tmp, register)).start()
    srv.register, srv.logins, srv.tmp = register, logins, tmp
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser():
    pw_sync = pytest.importorskip("playwright.sync_api")
    with pw_sync.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def guard(server):
    g = Guard([server.base, server.base.replace("http://", "ws://")])
    yield g
    g.check()


def _history(server, subject=CHILE):
    from crc_tools.register.store import Register

    return Register(server.register).history(subject)


def _choose(page, label_text: str, option_text: str) -> None:
    """Choose an option in the Panel select whose label is ``label_text`` (a real select, as a user does)."""
    select = page.locator(".bk-input-group", has=page.locator("label", has_text=label_text)).locator("select").first
    value = select.locator("option", has_text=option_text).first.get_attribute("value")
    select.select_option(value=value)


def _selected(page, label_text: str) -> str:
    select = page.locator(".bk-input-group", has=page.locator("label", has_text=label_text)).locator("select").first
    return select.evaluate("s => s.options[s.selectedIndex].text")


def _click_cell(page, notification: str, criterion: str) -> None:
    """Click a matrix cell where a user would: on its centre, where the symbol is."""
    cell = page.locator(f'.vega-embed svg .mark-rect path[aria-label*="{notification}"][aria-label*="criterion: {criterion};"]').first
    cell.scroll_into_view_if_needed()
    box = cell.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


VIEWS = [
    pytest.param("agenda", None, "", id="agenda"),
    pytest.param("agenda-search", None, "?q=carbo&category=pesticide", id="agenda search"),
    pytest.param("item", None, CHRYSOTILE, id="agenda item, viewer"),
    pytest.param("item-chair", "alice", CHRYSOTILE, id="agenda item, chair"),
    pytest.param("item-100-notifications", "alice", BIG, id="100 notifications"),
    pytest.param("shpf", None, "?view=shpf", id="SHPF, viewer"),
    pytest.param("shpf-chair", "alice", "?view=shpf", id="SHPF, chair"),
    pytest.param("sign-in", None, "login", id="sign-in page"),
    pytest.param("documents-refused", None, "reports/dgd-Chrysotile-asbestos-industrial.html", id="documents without sign-in"),
]


@pytest.mark.parametrize(("name", "user", "path"), VIEWS)
def test_every_view_is_accessible_readable_on_a_projector_and_captured(server, browser, guard, name, user, path):
    page = new_page(browser, guard, VIEWPORTS["projector"])
    if user:
        sign_in(page, server.base, user)
    page.goto(server.base + path)
    bokeh = not path.startswith(("login", "reports"))
    if bokeh:
        wait_ready(page)
    text = deep_text(page)
    assert "Traceback" not in text and str(server.tmp) not in text and str(ROOT) not in text, "a traceback or a server path reached the page"
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)
    assert cut_headers(page) == []
    assert not page_scrolls_sideways(page), "the page scrolls sideways at 1280x720"
    screenshot(page, name)
    screenshot(page, name, full_page=True)
    page.set_viewport_size({"width": VIEWPORTS["large"][0], "height": VIEWPORTS["large"][1]})
    page.wait_for_timeout(500)
    assert not page_scrolls_sideways(page)
    screenshot(page, name)
    if bokeh:
        texts = page.locator("body").inner_text()
        assert "CRC-21" in texts  # the meeting's label on every page
    page.context.close()


def test_a_chemical_with_100_notifications_is_paged_and_never_scrolls_the_page_sideways(server, browser, guard):
    page = new_page(browser, guard, VIEWPORTS["projector"])
    goto(page, server.base + BIG)
    page.locator("text=Page 1 of 9").first.wait_for()
    assert page.locator(".vega-embed svg .mark-rect path[aria-label*='BIG-011']").count() > 0
    assert page.locator(".vega-embed svg .mark-rect path[aria-label*='BIG-012']").count() == 0  # the next page's
    assert not page_scrolls_sideways(page)
    page.locator("a[rel=next]").first.click()
    page.wait_for_url("**page=2**")
    wait_ready(page)
    page.locator("text=Page 2 of 9").first.wait_for()
    assert page.locator(".vega-embed svg .mark-rect path[aria-label*='BIG-012']").count() > 0
    page.go_back()  # the browser's own buttons move between pages
    wait_ready(page)
    page.locator("text=Page 1 of 9").first.wait_for()
    page.context.close()


def test_switching_to_french_keeps_the_chairs_place_and_shows_french_labels(server, browser, guard):
    """Issue 19: the language switch in the header keeps the agenda item and its page; the labels change, the data do not."""
    page = new_page(browser, guard, VIEWPORTS["projector"])
    goto(page, server.base + BIG + "&page=2")
    page.locator("text=Page 2 of 9").first.wait_for()
    assert page.locator(".crc-nav a[aria-current=page]").inner_text() == "Agenda item: Bigchemicalium (pesticide)"
    page.select_option("#crc-lang", "fr")  # a real select and a real button, as the chair does
    page.locator(".crc-lang button").click()
    page.wait_for_url("**lang=fr**")
    wait_ready(page)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)
    assert query["item"] == ["Bigchemicalium (pesticide)"] and query["page"] == ["2"] and query["lang"] == ["fr"]
    from crc_tools import i18n

    with i18n.using("fr", context=i18n.DASHBOARD):
        page_2 = i18n._("Page {page} of {pages}").format(page=2, pages=9)
    assert page_2 != "Page 2 of 9"  # the pager below the header speaks French too
    page.locator(f"text={page_2}").first.wait_for()  # the same item, the same page
    assert page.locator(".crc-nav a[aria-current=page]").inner_text() == "Point de l’ordre du jour : Bigchemicalium (pesticide)"
    assert page.locator(".crc-nav a").first.inner_text() == "Ordre du jour"
    assert page.locator("label[for=crc-lang]").inner_text() == "Langue"
    assert page.locator("#crc-lang").evaluate("s => s.value") == "fr"
    assert page.locator("main").get_attribute("lang") == "fr-FR" and page.locator("header.crc-top").get_attribute("lang") == "fr-FR"
    assert page.locator("html").get_attribute("lang") == "fr-FR"  # the page's own language, as screen readers read it
    with i18n.using("fr", context=i18n.DASHBOARD):
        assert page.title() == i18n._("CRC meeting dashboard") != "CRC meeting dashboard"  # the browser tab too
    # links the page makes keep the language: the next page of notifications stays French
    page.locator("a[rel=next]").first.click()
    page.wait_for_url("**page=3**")
    wait_ready(page)
    assert "lang=fr" in page.url and page.locator(".crc-nav a").first.inner_text() == "Ordre du jour"
    assert axe_violations(page) == []
    page.context.close()


def test_a_french_chair_signs_in_clicks_a_cell_and_records_and_the_page_stays_french(server, browser, guard):
    """Issue 19: below the header too — tables, tiles, the recording form and what its buttons answer — in French, also after a recording."""
    from crc_tools import i18n

    with i18n.using("fr", context=i18n.DASHBOARD):
        fr = {k: i18n._(k) for k in ("User name", "Criterion", "Conclusion", "— choose —", "Review before recording", "Confirm and record", "Party",
                                     "PIC regions", "Criterion-by-notification matrix", "met", "Stored as register entry {entry}.", "Justification (required unless met)")}
    assert all(v != k for k, v in fr.items() if k != "Conclusion")  # the catalogue holds French for each of them
    page = new_page(browser, guard)
    page.goto(server.base + "login?next=" + urllib.parse.quote("/" + CHRYSOTILE + "&lang=fr", safe=""))
    assert page.locator("label[for=username]").inner_text() == fr["User name"] and page.locator("html").get_attribute("lang") == "fr-FR"
    page.fill("#username", "alice")
    page.fill("#password", PASSWORDS["alice"])
    page.click("button[type=submit]")
    page.wait_for_url("**lang=fr**")
    wait_ready(page)
    page.locator("h2", has_text=fr["Criterion-by-notification matrix"]).first.wait_for()
    assert page.locator("h2", has_text=fr["PIC regions"]).count() >= 1 and page.locator("th", has_text=fr["Party"]).count() >= 1
    assert _selected(page, fr["Criterion"]) == fr["— choose —"]
    before = len(_history(server, "EUU-CHRYSOTILE-1999"))
    _click_cell(page, "EUU-CHRYSOTILE-1999", "(d)")
    for _attempt in range(40):
        if "EUU-CHRYSOTILE-1999" in _selected(page, "Notification") and _selected(page, fr["Criterion"]).startswith("(d)"):
            break
        page.wait_for_timeout(250)
    assert _selected(page, fr["Criterion"]).startswith("(d)")
    _choose(page, fr["Conclusion"], fr["met"])
    page.get_by_role("button", name=fr["Review before recording"]).click()
    confirm = page.locator(".crc-confirm")
    confirm.wait_for()
    assert "La conclusion du Comité" in confirm.inner_text() and "EUU-CHRYSOTILE-1999" in confirm.inner_text()
    page.get_by_role("button", name=fr["Confirm and record"]).click()
    page.locator("text=" + fr["Stored as register entry {entry}."].split("{")[0].strip()).first.wait_for()
    assert len(_history(server, "EUU-CHRYSOTILE-1999")) == before + 1
    # after the recording callbacks ran, the form and the page are still French
    assert _selected(page, fr["Criterion"]) == fr["— choose —"]
    assert page.get_by_role("button", name=fr["Review before recording"]).count() == 1
    assert page.locator("label", has_text=fr["Justification (required unless met)"]).count() == 1
    assert axe_violations(page) == []
    page.context.close()


def test_a_click_on_a_matrix_cell_sets_both_fields_and_a_confirmed_conclusion_is_recorded_once(server, browser, guard):
    from crc_tools.register.store import document_hash

    other = new_page(browser, guard)  # a viewer's page open on the same agenda item
    goto(other, server.base + CHRYSOTILE)
    page = new_page(browser, guard)
    sign_in(page, server.base, "alice", next_path="/" + CHRYSOTILE)
    wait_ready(page)
    assert _selected(page, "Notification") == "— choose —" and _selected(page, "Criterion") == "— choose —" and _selected(page, "Conclusion") == "— choose —"
    _click_cell(page, CHILE, "(b)(iii)")
    page.wait_for_function("() => true")
    for _ in range(40):
        if CHILE in _selected(page, "Notification") and _selected(page, "Criterion").startswith("(b)(iii)"):
            break
        page.wait_for_timeout(250)
    assert CHILE in _selected(page, "Notification") and _selected(page, "Criterion").startswith("(b)(iii)")
    _choose(page, "Conclusion", "not met")
    page.get_by_role("textbox", name="Justification").fill("Browser test 4711: the evaluation used no local exposure data")
    page.get_by_role("button", name="Review before recording").click()
    confirm = page.locator(".crc-confirm")
    confirm.wait_for()
    digest = document_hash(ROOT / "data" / "cases" / "notifications" / "chrysotile-asbestos-chile.yaml")
    sentence = confirm.inner_text()
    for part in ("Annex II criterion (b)(iii): not met", CHILE, "alice (chair)", "at CRC-21", digest.removeprefix("sha256:")[:12]):
        assert part in sentence
    assert len(_history(server)) == 0  # nothing recorded before confirmation
    page.get_by_role("button", name="Confirm and record").dblclick()
    page.locator("text=Stored as register entry").first.wait_for()
    page.wait_for_timeout(1500)
    h = _history(server)
    assert len(h) == 1, "a double click recorded twice"
    entry = h.iloc[0]
    assert (entry["criterion"], entry["status"], entry["recorded_by"], entry["role"], entry["document_hash"]) == ("(b)(iii)", "not_met", "alice", "committee", digest)
    assert _selected(page, "Notification") == "— choose —"  # the form is clear again
    # the viewer's page shows it within a few seconds, without reloading
    other.locator("svg .mark-rect path[aria-label*='CHL-CHRYSOTILE-2001'][aria-label*='criterion: (b)(iii);'][aria-label*='not met']").first.wait_for(timeout=15_000)
    page.context.close()
    other.context.close()


def test_a_committee_entry_is_corrected_from_the_dashboard_with_its_history_beside(server, browser, guard):
    from crc_tools.register.store import Register

    first = Register(server.register).record("AUS-CHRYSOTILE-2003", "(c)(iii)", "not_met", justification="local only", recorded_by="alice", role="committee", category="industrial")
    page = new_page(browser, guard)
    sign_in(page, server.base, "alice", next_path="/" + CHRYSOTILE)
    wait_ready(page)
    _choose(page, "Notification", "AUS-CHRYSOTILE-2003")
    page.locator("table", has_text="Recorded on").locator("td", has_text="local only").first.wait_for()
    _choose(page, "Corrects", f"entry {first.entry_id}:")
    for _ in range(40):
        if _selected(page, "Criterion").startswith("(c)(iii)"):
            break
        page.wait_for_timeout(250)
    _choose(page, "Conclusion", "met")
    page.get_by_role("textbox", name="Justification").fill("The concern is stated for other States too")
    page.get_by_role("button", name="Review before recording").click()
    page.locator(".crc-confirm", has_text=f"correcting register entry {first.entry_id}").wait_for()
    page.get_by_role("button", name="Confirm and record").click()
    page.locator("text=Stored as register entry").first.wait_for()
    _choose(page, "Notification", "AUS-CHRYSOTILE-2003")
    page.locator("td", has_text=f"superseded by entry {first.entry_id + 1} (correction)").first.wait_for()
    h = _history(server, "AUS-CHRYSOTILE-2003").set_index("entry_id")
    assert int(h.loc[first.entry_id + 1, "supersedes"]) == first.entry_id and not h.loc[first.entry_id, "current"]
    page.context.close()


DEEP_FOCUS_JS = """() => {
  let e = document.activeElement;
  while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
  if (!e) return null;
  const cs = getComputedStyle(e);
  const visible = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2) || (cs.boxShadow && cs.boxShadow !== 'none');
  const label = e.labels && e.labels.length ? e.labels[0].textContent : '';
  return {tag: e.tagName.toLowerCase(), text: (e.textContent || '').trim().slice(0, 60), label: label.trim(), visible: visible};
}"""


def _tab(page, times=1):
    for _ in range(times):
        page.keyboard.press("Tab")
    page.wait_for_timeout(150)
    return page.evaluate(DEEP_FOCUS_JS)


def test_keyboard_only_from_the_top_of_the_page_to_a_recorded_conclusion(server, browser, guard):
    page = new_page(browser, guard)
    sign_in(page, server.base, "bob", next_path="/" + CHRYSOTILE)
    wait_ready(page)
    stops = [_tab(page)]
    assert stops[0]["text"] == "Skip to the main content" and stops[0]["visible"]
    stops.append(_tab(page))
    assert stops[1]["text"] == "Skip to recording" and stops[1]["visible"]
    page.keyboard.press("Enter")
    focus = _tab(page)
    assert focus["tag"] == "select" and focus["label"] == "Notification" and focus["visible"], focus
    page.keyboard.press("ArrowDown")  # the first notification
    focus = _tab(page)
    assert focus["label"] == "Criterion" and focus["visible"]
    page.keyboard.press("ArrowDown")  # overall
    page.keyboard.press("ArrowDown")  # (a)
    focus = _tab(page)
    assert focus["label"] == "Conclusion" and focus["visible"]
    page.keyboard.press("ArrowDown")  # met
    focus = _tab(page)
    assert focus["tag"] == "textarea" and focus["visible"]
    page.keyboard.type("Keyboard test: the action protects human health")
    seen = []
    for _ in range(6):
        focus = _tab(page)
        seen.append(focus)
        assert focus["visible"], focus
        if focus["tag"] == "button" and "Review" in focus["text"]:
            break
    assert focus["text"] == "Review before recording", seen
    page.keyboard.press("Enter")
    page.locator(".crc-confirm").wait_for()
    focus = _tab(page)
    assert focus["text"] == "Confirm and record" and focus["visible"]
    page.keyboard.press("Enter")
    page.locator("text=Stored as register entry").first.wait_for()
    h = _history(server, "AUS-CHRYSOTILE-2003")
    assert ((h["recorded_by"] == "bob") & (h["criterion"] == "(a)") & (h["status"] == "met")).sum() == 1
    page.context.close()


def _post(server, path: str, fields: dict, *, cookie: str = "", origin: str | None = None) -> tuple[int, str, dict]:
    conn = http.client.HTTPConnection("localhost", server.port, timeout=60)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    if origin is not None:
        headers["Origin"] = origin
    conn.request("POST", path, urllib.parse.urlencode(fields), headers)
    r = conn.getresponse()
    out = dict(r.getheaders())
    out["Set-Cookie"] = "\n".join(r.msg.get_all("Set-Cookie") or [])
    return r.status, r.read().decode(), out


def test_sign_in_is_rate_limited_with_a_lockout_and_its_form_is_protected(server, browser, guard):
    page = new_page(browser, guard)
    for _ in range(5):
        sign_in(page, server.base, "victor", password="a wrong password")
        page.locator("text=Wrong user name or password").wait_for()
    sign_in(page, server.base, "victor")  # the right password, now refused
    page.locator("text=Too many failed sign-ins").wait_for()
    assert "Signed in as victor" not in page.content()
    # the form needs its token and this server's origin
    status, body, _ = _post(server, "/login", {"username": "alice", "password": PASSWORDS["alice"]}, origin=server.base.rstrip("/"))
    assert status == 403 and "Form refused" in body
    page.goto(server.base + "login")
    token = page.locator("input[name=csrf]").get_attribute("value")
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "crc_csrf")
    assert csrf not in page.content()  # the page carries an HMAC of the cookie, not the cookie
    status, body, _ = _post(server, "/login", {"username": "alice", "password": PASSWORDS["alice"], "csrf": token}, cookie=f"crc_csrf={csrf}", origin="http://evil.example")
    assert status == 403
    status, _, headers = _post(server, "/login", {"username": "alice", "password": PASSWORDS["alice"], "csrf": token}, cookie=f"crc_csrf={csrf}", origin=server.base.rstrip("/"))
    assert status == 302 and "crc_session=" in headers.get("Set-Cookie", "")
    cookie = next(c for c in headers["Set-Cookie"].splitlines() if c.startswith("crc_session="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    page.context.close()


def test_a_removed_user_is_refused_at_once_and_signing_out_ends_the_session(server, browser, guard):
    page = new_page(browser, guard)
    sign_in(page, server.base, "bob", next_path="/" + CHRYSOTILE)
    wait_ready(page)
    crc = Path(sys.executable).parent / "crc"
    subprocess.run([str(crc), "dashboard", "remove-user", "bob", "--logins", str(server.logins)], check=True, capture_output=True)
    try:
        before = len(_history(server, "EUU-CHRYSOTILE-1999"))
        _choose(page, "Notification", "EUU-CHRYSOTILE-1999")
        _choose(page, "Criterion", "(c)(i)")
        _choose(page, "Conclusion", "met")
        page.get_by_role("button", name="Review before recording").click()
        page.get_by_role("button", name="Confirm and record").click()
        page.locator("text=no longer valid").first.wait_for()
        assert len(_history(server, "EUU-CHRYSOTILE-1999")) == before
    finally:
        subprocess.run([str(crc), "dashboard", "add-user", "bob", "--role", "member", "--password-stdin", "--logins", str(server.logins)], input=PASSWORDS["bob"] + "\n", text=True, check=True, capture_output=True)
    # sign-out ends the session on the server: the old cookie no longer opens documents
    sign_in(page, server.base, "alice")
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "crc_session")
    assert _get(server, "/reports/dgd-Chrysotile-asbestos-industrial.html", cookie=f"crc_session={cookie}")[0] == 200
    page.goto(server.base + "logout")
    page.get_by_role("button", name="Sign out").click()
    page.locator("text=Your session has ended on the server").wait_for()
    assert _get(server, "/reports/dgd-Chrysotile-asbestos-industrial.html", cookie=f"crc_session={cookie}")[0] == 403
    page.context.close()


def _get(server, path: str, *, cookie: str = "", host: str | None = None) -> tuple[int, str, dict]:
    conn = http.client.HTTPConnection("localhost", server.port, timeout=60)
    headers = {"Cookie": cookie} if cookie else {}
    if host:
        headers["Host"] = host
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    return r.status, r.read().decode(errors="replace"), dict(r.getheaders())


def test_documents_need_a_sign_in_and_headers_protect_every_page(server, browser, guard):
    status, body, _ = _get(server, "/reports/dgd-Chrysotile-asbestos-industrial.html")
    assert status == 403 and "Sign in to open documents" in body
    page = new_page(browser, guard)
    sign_in(page, server.base, "alice")
    cookie = "crc_session=" + next(c["value"] for c in page.context.cookies() if c["name"] == "crc_session")
    status, body, headers = _get(server, "/reports/dgd-Chrysotile-asbestos-industrial.html", cookie=cookie)
    assert status == 200 and "Draft DGD" in body and "sandbox" in headers["Content-Security-Policy"]
    assert _get(server, "/reports/dgd-Chrysotile-asbestos-industrial.failed.ipynb", cookie=cookie)[0] == 404
    status, body, headers = _get(server, "/" + CHRYSOTILE, cookie=cookie)
    assert status == 200 and cookie.split("=", 1)[1] not in body
    from bokeh.util.token import get_token_payload

    tokens = re.findall(r'token[\\]*"\s*:\s*[\\]*"([A-Za-z0-9_.-]+)', body)
    assert tokens, "no Bokeh session token found in the page"
    for token in tokens:
        payload = repr(get_token_payload(token))
        assert cookie.split("=", 1)[1] not in payload and "crc_session" not in payload  # the token carries no cookie
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"] and "script-src 'self' 'nonce-" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    assert _get(server, "/", host="evil.example")[0] == 400
    page.context.close()


def test_a_page_whose_websocket_never_opens_loses_its_session_within_10_seconds(server):
    baseline, peak = server.health()["sessions"], 0
    for _ in range(6):
        assert _get(server, "/")[0] == 200
        peak = max(peak, server.health()["sessions"])
    assert peak > baseline  # each page load made a session
    started = time.monotonic()
    while server.health()["sessions"] > baseline and time.monotonic() - started < 20:
        time.sleep(0.5)
    assert server.health()["sessions"] <= baseline
    assert time.monotonic() - started <= 10, f"sessions lived {time.monotonic() - started:.1f} s"


def test_text_from_the_data_shows_as_text_and_never_runs(server, browser, guard):
    page = new_page(browser, guard)
    goto(page, server.base + "?q=" + urllib.parse.quote_plus("<script>"))
    page.locator("a", has_text="<script>alert(1)</script>").first.wait_for()
    page.locator("a", has_text="<script>alert(1)</script>").first.click()
    wait_ready(page)
    page.locator("h1", has_text="<script>alert(1)</script>").wait_for()
    page.locator("summary", has_text="The matrix as a table").click()
    page.locator("td", has_text="task group proposes: not met").first.wait_for()
    page.wait_for_timeout(500)
    assert not [u for u in guard.requests if u.rstrip("/").endswith("/x")], "an <img src=x> from the data was rendered"
    page.context.close()
