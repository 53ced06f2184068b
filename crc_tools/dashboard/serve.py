"""Serving the committee dashboard: one or more server processes over one register.

:func:`serve` starts a Bokeh/Panel server with the suite's page at the root and its own
handlers (:mod:`~crc_tools.dashboard.web`): sign-in with argon2id-hashed logins, server-side
sessions, documents for signed-in users, security headers, an allowed-hosts list. With
``num_procs`` greater than one the server forks that many processes after loading the case
data once; each opens its own register connections and its own durable journal, and notices
conclusions recorded through the others by polling the register.

Sessions are bounded: a page whose websocket never opens (or that was closed) loses its session
after :data:`UNUSED_SESSION_MS`, checked every :data:`CHECK_SESSIONS_MS`. The page's Bokeh
token carries no cookie and no ``Cookie`` header: the login cookie stays HttpOnly.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from .. import config
from .data import MeetingData, default_state_dir
from .recording import Identity
from .route import Route
from .web import CSRF_COOKIE, DEFAULT_HOSTS, SESSION_COOKIE, WebSettings, identity_of, install, patterns

log = logging.getLogger(__name__)

UNUSED_SESSION_MS = 6_000
CHECK_SESSIONS_MS = 1_000
_SERVER: dict = {"data": None, "gate": None, "paths": None, "meeting": ""}
"""What :func:`serve` tells the sessions of its processes."""


def _session_request():
    """Return the Tornado request that started the current Panel session (``None`` in a notebook)."""
    import panel as pn

    doc = pn.state.curdoc
    ctx = getattr(doc, "session_context", None) if doc is not None else None
    request = getattr(ctx, "request", None) if ctx is not None else None
    return request


def current_identity() -> Identity:
    """Return who uses the current session: from the login cookie of the request that started it, checked on the server."""
    request = _session_request()
    raw = getattr(request, "_request", None) if request is not None else None
    if raw is None or _SERVER["gate"] is None:
        return Identity()
    return identity_of(_SERVER["gate"], raw)


def current_route() -> Route:
    """Return what the current session's address asks for."""
    request = _session_request()
    return Route.from_arguments(request.arguments if request is not None else {})


def build_app(data: MeetingData | None = None, *, paths=None, identity: Identity | None = None, route: Route | None = None, logins: bool | None = None, poll: bool = True):
    """Build one session's page (on a server), or the page to show in JupyterLab.

    Returns
    -------
    Dashboard
        ``.template`` is the page; in JupyterLab, show the returned object.
    """
    import panel as pn

    from .views.page import Dashboard

    if data is None:
        data = _SERVER["data"] or MeetingData.shared(paths, meeting=_SERVER["meeting"])
    app = Dashboard(
        data, identity=identity if identity is not None else current_identity(), route=route if route is not None else current_route(),
        logins=logins if logins is not None else _SERVER["gate"] is not None,
    )
    if poll:
        pn.state.onload(app.start_polling)
    return app


def _attach(template, title: str = "CRC meeting dashboard") -> None:
    """Put a page into the session's document with every stylesheet served by this server (none from a CDN)."""
    import panel as pn
    from panel.io.resources import LOCAL_DIST, patch_model_css

    doc = pn.state.curdoc
    template.server_doc(doc, title=title)
    dist_url = f"{pn.state.rel_path}/{LOCAL_DIST}" if pn.state.rel_path else LOCAL_DIST
    for root in doc.roots:
        patch_model_css(root, dist_url=dist_url)


def app_factory() -> None:
    """Build a new session's page in its document (what :func:`serve` gives Panel)."""
    try:
        page = build_app()
        _attach(page.template, page.title())
    except Exception:  # noqa: BLE001 - never a traceback on the page: a plain page that says so
        log.exception("the dashboard page could not be built")
        _attach(_failure_page())


def _failure_page():
    import panel as pn

    from .html import notice
    from .views.page import _template_text
    from .views.parts import html_pane

    t = pn.Template(_template_text())
    t.add_panel("main", html_pane(notice("This page could not be built. The server's log says why; the other pages of the dashboard still work.", "danger", extra_html=' <a href="./">Back to the agenda</a>')))
    for name, value in {"crc_nav": '<li><a href="./">Agenda</a></li>', "crc_skip": "", "crc_who": "", "crc_static": "crc-static/", "crc_has_record": False, "crc_meeting": "", "crc_lang_tag": ""}.items():
        t.add_variable(name, value)
    return t


def empty_page() -> None:
    """Build an empty page in the same template (the benchmark's baseline)."""
    import panel as pn

    from .views.page import _template_text
    from .views.parts import html_pane

    t = pn.Template(_template_text())
    t.add_panel("main", html_pane("<h1>Empty page</h1><p>empty</p>"))
    for name, value in {"crc_nav": "", "crc_skip": "", "crc_who": "", "crc_static": "crc-static/", "crc_has_record": False, "crc_meeting": "", "crc_lang_tag": ""}.items():
        t.add_variable(name, value)
    _attach(t)


def _end_with_parent() -> None:
    """In a forked server process, end when the parent ends (Linux), so stopping ``crc dashboard`` stops every process."""
    import signal

    import tornado.process

    if tornado.process.task_id() is None:
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the parent's signal handler is the only way
        log.warning("this platform cannot end forked server processes with their parent; stop them by their process ids")
    if os.getppid() == 1:  # the parent ended before the setting took effect
        os.kill(os.getpid(), signal.SIGTERM)


def _status(data: MeetingData) -> dict:
    """Return the register's state for ``/health`` (counts and words only); opens this process's register and journal."""
    data.refresh()
    return {"register": "unreachable" if data.register_problem else "reachable", "waiting": len(data.waiting()), "latest_entry": data.snapshot.register_entry}


def allowed_hosts(address: str | None, extra=()) -> tuple[str, ...]:
    """Return the host names the server answers to: localhost, the address it listens on (unless a wildcard), and ``extra``."""
    hosts = list(DEFAULT_HOSTS)
    if address and address not in ("0.0.0.0", "::", ""):
        hosts.append(address)
    hosts.extend(h.strip() for h in extra if h and h.strip())
    return tuple(dict.fromkeys(hosts))


def serve(
    paths=None, *, port: int = 5006, address: str | None = "localhost", logins: str | Path | None = None, meeting: str = "", hosts=(),
    public_reports: bool = False, state_dir: Path | None = None, num_procs: int = 1, secure_cookies: bool = False, show: bool = False,
    start: bool = True, extra_routes: dict | None = None, report=None, **server_kwargs,
):
    """Serve the dashboard at the server root.

    Parameters
    ----------
    paths : list, optional
        Case files, folders and bulk tables (default: the shipped sample data).
    port, address : int, str
        Where to listen (default ``localhost:5006``; ``0.0.0.0`` for the meeting room's network).
    logins : path, optional
        The logins file written by ``crc dashboard add-user`` (without one nobody signs in and nobody records).
    meeting : str
        The meeting's label (``CRC-21``), shown on every page and noted with every conclusion.
    hosts : list of str
        Host names browsers use besides ``localhost`` (the allowed-hosts list; ``*`` allows any).
    public_reports : bool
        Serve the rendered documents to visitors who did not sign in.
    state_dir : Path, optional
        Journals and login sessions (default: ``CRC_DASHBOARD_STATE`` or ``data/local/dashboard``).
    num_procs : int
        Server processes (forked; 0 means one per CPU).
    secure_cookies : bool
        Mark cookies Secure although the request arrived over plain HTTP (behind a TLS-terminating proxy).
    show : bool
        Open a browser on the page.
    start : bool
        Run the server (blocking); ``False`` returns it unstarted.
    extra_routes : dict, optional
        More pages (path → function), e.g. the benchmark's empty page.
    report : callable, optional
        Called with the :class:`MeetingData` once the case data are read (``crc dashboard`` prints what it serves).
    **server_kwargs
        Passed to :func:`panel.serve` (``ssl_certfile``, ``ssl_keyfile``, ``use_xheaders`` …).

    Returns
    -------
    bokeh.server.server.Server
    """
    import panel as pn

    from .auth import Gate, Logins, LoginSessions

    state = Path(state_dir) if state_dir is not None else default_state_dir()
    gate = Gate(Logins(Path(logins)), LoginSessions(state / "logins.sqlite")) if logins else None
    data = MeetingData.shared(paths, meeting=meeting, state_dir=state, check_identity=gate.check if gate else None)
    _SERVER.update(data=data, gate=gate, paths=paths, meeting=meeting)
    if report is not None:
        report(data)
    if num_procs == 1:
        data.refresh(force=True)  # one process: open the register and the journal now
    secret = os.environ.get("CRC_DASHBOARD_SECRET", "").encode() or secrets.token_bytes(32)
    names = allowed_hosts(address, hosts)
    settings = WebSettings(gate, secret, names, config.reports_dir(), public_reports, meeting, secure_cookies, status=lambda: _status(data))
    kwargs = dict(server_kwargs)
    kwargs.setdefault("unused_session_lifetime_milliseconds", UNUSED_SESSION_MS)
    kwargs.setdefault("check_unused_sessions_milliseconds", CHECK_SESSIONS_MS)
    origins = ["*"] if "*" in names else [f"{h}:{port}" for h in names if ":" not in h and "[" not in h]
    server = pn.serve(
        {"/": app_factory, **(extra_routes or {})}, port=port, address=address, show=False, start=False, title="CRC meeting dashboard",
        websocket_origin=origins, extra_patterns=patterns(settings), num_procs=num_procs, include_cookies=[],
        exclude_headers=["Cookie", "Authorization"], **kwargs,
    )
    install(server._tornado, settings)
    if num_procs != 1:
        _end_with_parent()
    if start:
        if show:
            server.io_loop.add_callback(server.show, "/")
        server.start()
        server.io_loop.start()
    return server


__all__ = ["serve", "build_app", "app_factory", "empty_page", "current_identity", "allowed_hosts", "SESSION_COOKIE", "CSRF_COOKIE"]
