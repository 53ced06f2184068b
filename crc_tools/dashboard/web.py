"""The dashboard's own web handlers and protections on the Bokeh/Tornado server (no Panel).

* ``/login`` and ``/logout``: the suite's pages. The login form carries a CSRF token (an HMAC of a
  random HttpOnly cookie, so no cookie value is in the page) and is accepted only from the
  dashboard's own origin (``Origin``, or ``Referer``); failures are rate-limited with a lockout
  (:mod:`~crc_tools.dashboard.auth`). Signing out ends the session on the server.
* ``/reports/``: the rendered documents (HTML, DOCX, PDF only), for signed-in users unless the
  server was started with ``--public-reports``; served sandboxed, without scripts.
* ``/crc-static/``: the dashboard's stylesheet; ``/health``: live sessions and the register's state (JSON).
* Every response carries a Content-Security-Policy (scripts only from the server and with the
  page's nonce, ``frame-ancestors 'none'``), ``X-Frame-Options: DENY``, ``nosniff`` and
  ``Referrer-Policy``; a request for a host name not in the allowed list gets 400.
* Cookies are HttpOnly and SameSite=Strict, and Secure when the request came over TLS (or
  ``secure_cookies`` is set, behind a TLS-terminating proxy).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import tornado.ioloop
import tornado.routing
import tornado.web

from ..i18n import BCP47, DASHBOARD, N_, _, check_language, ngettext, using
from .auth import MAX_FAILURES, MAX_FAILURES_PER_ADDRESS, Gate, token_hash
from .recording import Identity

SESSION_COOKIE = "crc_session"
CSRF_COOKIE = "crc_csrf"
STATIC_ROUTE = "crc-static"
REPORTS_ROUTE = "reports"
DOCUMENT_SUFFIXES = (".html", ".docx", ".pdf")
TEMPLATES_DIR = Path(__file__).resolve().parent / "dashboard_templates"
DEFAULT_HOSTS = ("localhost", "127.0.0.1", "[::1]", "::1")


@dataclass
class WebSettings:
    """What the handlers need to know."""

    gate: Gate | None
    secret: bytes
    allowed_hosts: tuple[str, ...] = DEFAULT_HOSTS
    reports_dir: Path | None = None
    public_reports: bool = False
    meeting: str = ""
    secure_cookies: bool = False
    status: Callable[[], dict] | None = None


@lru_cache(maxsize=1)
def _plain_template():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_callables(gettext=lambda m: _(m), ngettext=lambda s, p, n: ngettext(s, p, n), newstyle=True)  # the language in use
    return env.get_template("plain.html")


def language_of(handler) -> str:
    """Return the language a plain page is shown in: its ``lang`` argument, else the ``lang`` of the page it returns to (``next``)."""
    given = handler.get_argument("lang", "")
    if not given:
        nxt = urllib.parse.urlsplit(handler.get_argument("next", "") or "")
        given = (urllib.parse.parse_qs(nxt.query).get("lang") or [""])[0]
    try:
        return check_language(given) if given else "en"
    except ValueError:
        return "en"


def render_plain(handler, settings, **ctx) -> str:
    """Render a plain page in the visitor's language: ``title``, ``message`` and ``error`` are messages, formatted with ``fmt``."""
    lang = language_of(handler)
    fmt = ctx.pop("fmt", None) or {}
    with using(lang, context=DASHBOARD):
        for key in ("title", "message", "error"):
            if ctx.get(key):
                ctx[key] = _(ctx[key]).format(**fmt)
        home = "/" + (f"?lang={lang}" if lang != "en" else "")
        return _plain_template().render(root="/", home=home, meeting=settings.meeting, lang=lang, lang_tag=BCP47[lang] if lang != "en" else "en", **ctx)


def host_name(host: str) -> str:
    """Return the host name of a ``Host`` header value, without the port, lower case."""
    host = (host or "").strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def host_allowed(host: str, allowed) -> bool:
    """Return whether a ``Host`` header names one of the allowed hosts (``*`` allows any)."""
    names = {host_name(a) for a in allowed}
    return "*" in names or host_name(host) in names


def safe_next(value: str | None) -> str:
    """Return a local path to go to after signing in (anything else: the dashboard's root)."""
    text = (value or "").strip()
    if not text.startswith("/") or text.startswith("//") or "\\" in text or any(ord(c) < 32 for c in text):
        return "/"
    return text


def identity_of(gate: Gate | None, request) -> Identity:
    """Return who a request comes from (a visitor without a valid login session)."""
    if gate is None:
        return Identity()
    morsel = request.cookies.get(SESSION_COOKIE)
    return gate.identity(morsel.value if morsel is not None else None)


class _Page(tornado.web.RequestHandler):
    """A plain page of the dashboard (login, logout, refusals)."""

    def initialize(self, settings: WebSettings):
        self.crc = settings

    def page(self, status: int = 200, **ctx) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(render_plain(self, self.crc, **ctx))

    def _cookie(self, name: str, value: str, **kw) -> None:
        self.set_cookie(name, value, path="/", httponly=True, samesite="Strict", secure=self.crc.secure_cookies or self.request.protocol == "https", **kw)

    def same_origin(self) -> bool:
        """Return whether a form was sent from this server's own pages (``Origin``, else ``Referer``)."""
        mine = f"{self.request.protocol}://{self.request.host}".lower()
        origin = self.request.headers.get("Origin")
        if origin:
            return origin.lower() == mine
        ref = self.request.headers.get("Referer", "")
        parts = urllib.parse.urlsplit(ref)
        return bool(ref) and f"{parts.scheme}://{parts.netloc}".lower() == mine

    def csrf_field(self) -> str:
        """Return the form's CSRF token, an HMAC of the (new or existing) CSRF cookie."""
        morsel = self.request.cookies.get(CSRF_COOKIE)
        raw = morsel.value if morsel is not None and len(morsel.value) >= 32 else secrets.token_urlsafe(32)
        self._cookie(CSRF_COOKIE, raw)
        return hmac.new(self.crc.secret, raw.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self) -> bool:
        morsel = self.request.cookies.get(CSRF_COOKIE)
        given = self.get_body_argument("csrf", "")
        if morsel is None or not given:
            return False
        return hmac.compare_digest(given, hmac.new(self.crc.secret, morsel.value.encode(), hashlib.sha256).hexdigest())

    def refuse_form(self) -> bool:
        """Refuse a form from elsewhere or without its token; return whether it was refused."""
        if self.same_origin() and self.csrf_ok():
            return False
        self.page(403, title=N_("Form refused"), error=N_("This form was not sent from this dashboard's own page, or it expired. Open the page again and retry."))
        return True


class LoginHandler(_Page):
    """``/login``: sign in with a user name and password from the logins file."""

    def get(self):
        if self.crc.gate is None:
            return self.page(404, title=N_("No sign-in here"), message=N_("This dashboard has no logins file: everyone views, nobody records here."))
        who = identity_of(self.crc.gate, self.request)
        message = N_("You are signed in as {user} ({role}).") if who.signed_in else ""
        self.page(title=N_("Sign in to record"), form="login", csrf=self.csrf_field(), next=safe_next(self.get_argument("next", "/")), message=message, fmt={"user": who.user, "role": who.role})

    async def post(self):
        if self.crc.gate is None or self.refuse_form():
            return None if self.crc.gate is not None else self.page(404, title=N_("No sign-in here"))
        user = self.get_body_argument("username", "").strip()[:200]
        password = self.get_body_argument("password", "")[:1000]
        address = self.request.remote_ip or "unknown"
        keys = [(f"user:{user.casefold()}|from:{address}", MAX_FAILURES), (f"from:{address}", MAX_FAILURES_PER_ADDRESS)]
        sessions = self.crc.gate.sessions
        wait = sessions.locked_for(keys)
        if wait > 0:
            minutes = max(1, round(wait / 60))
            return self.page(429, title=N_("Sign in to record"), form="login", csrf=self.csrf_field(), next=safe_next(self.get_body_argument("next", "/")),
                             error=N_("Too many failed sign-ins. Sign-in is locked for about {minutes} minute(s); try again later."), fmt={"minutes": minutes})
        login = await tornado.ioloop.IOLoop.current().run_in_executor(None, self.crc.gate.logins.check, user, password)
        if login is None:
            sessions.failed([k for k, _limit in keys])
            return self.page(401, title=N_("Sign in to record"), form="login", csrf=self.csrf_field(), next=safe_next(self.get_body_argument("next", "/")),
                             error=N_("Wrong user name or password."))
        sessions.succeeded([keys[0][0]])
        self._cookie(SESSION_COOKIE, sessions.start(login.user))
        self.clear_cookie(CSRF_COOKIE, path="/")
        self.redirect(safe_next(self.get_body_argument("next", "/")))


class LogoutHandler(_Page):
    """``/logout``: a confirmation page (GET) and the sign-out itself (POST), which ends the session on the server."""

    def get(self):
        who = identity_of(self.crc.gate, self.request)
        if not who.signed_in:
            return self.page(title=N_("Signed out"), message=N_("You are not signed in."))
        self.page(title=N_("Sign out"), form="logout", csrf=self.csrf_field(), message=N_("Signed in as {user} ({role})."), fmt={"user": who.user, "role": who.role})

    def post(self):
        if self.refuse_form():
            return
        morsel = self.request.cookies.get(SESSION_COOKIE)
        if morsel is not None and self.crc.gate is not None:
            self.crc.gate.sessions.end(token_hash(morsel.value))
        self.clear_cookie(SESSION_COOKIE, path="/")
        self.clear_cookie(CSRF_COOKIE, path="/")
        self.page(title=N_("Signed out"), message=N_("You are signed out. Your session has ended on the server."))


class ReportsHandler(tornado.web.StaticFileHandler):
    """``/reports/NAME``: a rendered document, for signed-in users (or everyone with ``--public-reports``)."""

    def initialize(self, path: str, settings: WebSettings):
        super().initialize(path)
        self.crc = settings

    def prepare(self):
        if self.crc.public_reports or identity_of(self.crc.gate, self.request).signed_in:
            return
        self.set_status(403)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(render_plain(self, self.crc, title=N_("Sign in to open documents"),
                                 message=N_("The documents are for signed-in users of this dashboard. Sign in, then open the document again.")))

    def validate_absolute_path(self, root: str, absolute_path: str):
        name = Path(absolute_path).name
        if name.startswith(".") or name.endswith(".failed.ipynb") or Path(name).suffix.lower() not in DOCUMENT_SUFFIXES:
            raise tornado.web.HTTPError(404)
        return super().validate_absolute_path(root, absolute_path)

    def set_extra_headers(self, path):
        self.set_header("Content-Security-Policy", "sandbox; default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'")


class HealthHandler(tornado.web.RequestHandler):
    """``/health``: this process's live page sessions and the register's state, as JSON (for a proxy's health check)."""

    def initialize(self, settings: WebSettings):
        self.crc = settings

    def get(self):
        sessions = sum(len(list(ctx.sessions)) for ctx in self.application.applications.values())
        body = {"pid": os.getpid(), "sessions": sessions, **(self.crc.status() if self.crc.status else {})}
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(body))


class RefusedHostHandler(tornado.web.RequestHandler):
    """Answers a request whose ``Host`` is not in the allowed list."""

    def prepare(self):
        self.set_status(400)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish("This dashboard is not served under this host name.\n")


class _HostNotAllowed(tornado.routing.Matcher):
    def __init__(self, allowed):
        self.allowed = tuple(allowed)

    def match(self, request):
        return None if host_allowed(request.host, self.allowed) else {}


_SCRIPT_TAG = re.compile(rb"<script(?=[\s>])")
_HTML_LANG = re.compile(rb'<html lang="en"')


def page_language(chunk: bytes, query: str) -> bytes:
    """Return a served page with its ``<html lang>`` set to the language its address asks for (Panel's template writes ``en``).

    Screen readers and browsers read the page's language from the ``html`` element; the
    dashboard's language is part of the address (``?lang=fr``), so the element follows it.
    """
    given = (urllib.parse.parse_qs(query).get("lang") or [""])[0]
    try:
        lang = check_language(given) if given else "en"
    except ValueError:
        return chunk
    if lang == "en":
        return chunk
    return _HTML_LANG.sub(b'<html lang="' + BCP47[lang].encode() + b'"', chunk, count=1)
_BUNDLED_SCRIPT = re.compile(r"/static/extensions/panel/bundled/[^?]*/[^/.?]+@[0-9][^/?]*$")


def security_transform(settings: WebSettings):
    """Return the Tornado output transform that adds the security headers (and the nonce to the page's scripts)."""

    class SecurityHeaders(tornado.web.OutputTransform):
        def __init__(self, request):
            self.request = request
            self.nonce = secrets.token_urlsafe(18)

        def transform_first_chunk(self, status_code, headers, chunk, finishing):
            if _BUNDLED_SCRIPT.search(self.request.path) and headers.get("Content-Type", "application/octet-stream") == "application/octet-stream":
                headers["Content-Type"] = "application/javascript"  # Panel's bundled Vega files have no suffix; nosniff needs their type
            html = headers.get("Content-Type", "").startswith("text/html")
            if html and chunk and b"<script" in chunk and finishing:
                chunk = page_language(_SCRIPT_TAG.sub(b'<script nonce="' + self.nonce.encode() + b'"', chunk), self.request.query)
                headers["Content-Length"] = str(len(chunk))
            host = self.request.host
            if "Content-Security-Policy" not in headers:
                headers["Content-Security-Policy"] = (
                    f"default-src 'self'; script-src 'self' 'nonce-{self.nonce}' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
                    f"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws://{host} wss://{host}; "
                    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
                )
            headers["X-Frame-Options"] = "DENY"
            headers["X-Content-Type-Options"] = "nosniff"
            headers["Referrer-Policy"] = "same-origin"
            if html:
                headers.setdefault("Cache-Control", "no-store")
            if self.request.protocol == "https":
                headers["Strict-Transport-Security"] = "max-age=31536000"
            return status_code, headers, chunk

    return SecurityHeaders


def patterns(settings: WebSettings) -> list:
    """Return the extra URL patterns the dashboard serves (login, logout, documents, stylesheet)."""
    out = [
        (r"/login", LoginHandler, {"settings": settings}),
        (r"/logout", LogoutHandler, {"settings": settings}),
        (r"/health", HealthHandler, {"settings": settings}),
        (rf"/{STATIC_ROUTE}/(dashboard\.css)", tornado.web.StaticFileHandler, {"path": str(TEMPLATES_DIR)}),
    ]
    if settings.reports_dir is not None:
        out.append((rf"/{REPORTS_ROUTE}/(.*)", ReportsHandler, {"path": str(settings.reports_dir), "settings": settings}))
    return out


def install(app: tornado.web.Application, settings: WebSettings) -> None:
    """Put the host check in front of every route and the security headers on every response."""
    from tornado.routing import Rule

    rule = app.default_router.process_rule(Rule(_HostNotAllowed(settings.allowed_hosts), RefusedHostHandler))
    app.default_router.rules.insert(0, rule)
    app.transforms.insert(0, security_transform(settings))


__all__ = [
    "WebSettings", "patterns", "install", "identity_of", "host_allowed", "safe_next", "SESSION_COOKIE", "CSRF_COOKIE",
    "REPORTS_ROUTE", "STATIC_ROUTE", "DEFAULT_HOSTS",
]
