"""One browser session's page: the header, the view its address asks for, the live register notice.

The page is a Panel template of the suite's own (``dashboard_templates/page.html``): skip
links, a header with the meeting's label and the navigation, a ``main`` landmark holding the
view, and on pages that record, a ``#record`` section the "Skip to recording" link reaches.
Every request it makes goes to its own server.
"""

from __future__ import annotations

import asyncio
import logging
import urllib.parse

from ...i18n import BCP47, DASHBOARD, LANGUAGE_NAMES, LANGUAGES, N_, _, speaking, using
from ..html import notice, url
from ..labels import esc
from ..recording import Identity
from ..route import Route
from ..web import STATIC_ROUTE, TEMPLATES_DIR
from .item import ItemView
from .overview import OverviewView
from .parts import html_pane
from .shpf import ShpfView

log = logging.getLogger(__name__)

TITLE = N_("CRC meeting dashboard")
POLL_MS = 500
"""How often each page looks for conclusions recorded elsewhere (the register is asked at most twice a second per process)."""
VIEW_CLASSES = {"overview": OverviewView, "item": ItemView, "shpf": ShpfView}


def _template_text() -> str:
    return (TEMPLATES_DIR / "page.html").read_text(encoding="utf-8")


class Dashboard:
    """One session's page.

    Parameters
    ----------
    data : MeetingData
        The meeting.
    identity : Identity
        Who uses the session.
    route : Route
        What the address asks for.
    logins : bool
        Whether the server offers sign-in.
    """

    def __init__(self, data, *, identity: Identity | None = None, route: Route | None = None, logins: bool = False):
        import panel as pn

        self.pn = pn
        self.data = data
        self.identity = identity or Identity()
        self.route = route or Route()
        self.logins = logins
        self.lang = self.route.lang or "en"
        self._serial = data.snapshot.serial
        self._poller = None
        with using(self.lang, context=DASHBOARD):  # the session's language: labels through the catalogue, links keep it
            self.notice = html_pane(self._notice_html())
            self.view = VIEW_CLASSES[self.route.view](data, self.route, self.identity)
        self.main = pn.Column(self.notice, self.view.panel, sizing_mode="stretch_width")
        self.record = getattr(self.view, "record_panel", None)

    @property
    def template(self):
        """Return the page (built on first use)."""
        if getattr(self, "_template", None) is None:
            with using(self.lang, context=DASHBOARD):
                self._template = self._build_template()
        return self._template

    def _build_template(self):
        pn = self.pn
        t = pn.Template(_template_text())
        t.add_panel("main", self.main)
        if self.record is not None:
            t.add_panel("record", self.record)
        for name, value in self.header().items():
            t.add_variable(name, value)
        return t

    @speaking
    def header(self) -> dict:
        """Return the header's parts as template variables (markup built here, data escaped)."""
        r = self.route
        views = [(url(), _("Agenda"), r.view == "overview")]
        if r.view == "item":
            views.append((url(item=r.item), _("Agenda item: {item}").format(item=r.item), True))
        views.append((url(view="shpf"), _("SHPF proposals"), r.view == "shpf"))
        nav = "".join(f'<li><a href="{esc(h)}"{" aria-current=" + chr(34) + "page" + chr(34) if cur else ""}>{esc(t)}</a></li>' for h, t, cur in views)
        skip = f'<a class="crc-skip" href="#main">{esc(_("Skip to the main content"))}</a>'
        if self.record is not None:
            skip += f'<a class="crc-skip" href="#record">{esc(_("Skip to recording"))}</a>'
        return {
            "crc_nav": nav, "crc_skip": skip, "crc_who": self._who(), "crc_static": f"{STATIC_ROUTE}/", "crc_has_record": self.record is not None,
            "crc_meeting": f'<span class="crc-meeting">{esc(self.data.meeting)}</span>' if self.data.meeting else "",
            "crc_brand": esc(_(TITLE)), "crc_lang": self.language_form(),
            "crc_nav_label": _("Dashboard pages"), "crc_record_label": _("Record the committee's conclusion"),  # the template escapes these
            "crc_lang_tag": BCP47[self.lang] if self.lang != "en" else "",  # Panel's page says lang="en": the header and main say which language they hold
        }

    def language_form(self) -> str:
        """Return the language switch: a GET form that keeps every other part of the address (the item, the page, the filters)."""
        link = self.route.link()
        keep = [(k, v) for k, v in urllib.parse.parse_qsl(link[1:] if link.startswith("?") else "") if k != "lang"]
        hidden = "".join(f'<input type="hidden" name="{esc(k)}" value="{esc(v)}">' for k, v in keep)
        opts = "".join(f'<option value="{code}" lang="{code}"{" selected" if code == self.lang else ""}>{esc(LANGUAGE_NAMES[code])}</option>' for code in LANGUAGES)
        return (
            f'<form class="crc-lang" method="get" action="./"><label for="crc-lang">{esc(_("Language"))}</label> '
            f'<select id="crc-lang" name="lang">{opts}</select>{hidden} <button type="submit">{esc(_("Switch"))}</button></form>'
        )

    def _who(self) -> str:
        if not self.logins:
            return esc(_("Viewing only: this server has no logins."))
        link = self.route.link()
        nxt = urllib.parse.quote("/" + (link if link.startswith("?") else ""), safe="")
        if self.identity.signed_in:
            out = "logout" + (f"?lang={self.lang}" if self.lang != "en" else "")
            return f'{esc(self.identity.describe())} · <a href="{esc(out)}">{esc(_("Sign out"))}</a>'
        return f'{esc(_("Viewing without signing in"))} · <a href="login?next={esc(nxt)}">{esc(_("Sign in"))}</a>'

    def _notice_html(self) -> str:
        text = self.data.notice()
        return notice(text, "warning") if text else ""

    # ----------------------------------------------------------------- live updates

    def poll(self) -> None:
        """Take up conclusions recorded elsewhere and stored after an outage (called periodically)."""
        self.data.refresh()
        self.after_poll()

    async def _poll_async(self) -> None:
        await asyncio.to_thread(self.data.refresh)
        self.after_poll()

    def after_poll(self) -> None:
        """Redraw what depends on the register when the process's snapshot changed (in the session's language)."""
        with using(self.lang, context=DASHBOARD):
            self.notice.object = self._notice_html()
            if self.data.snapshot.serial != self._serial:
                self._serial = self.data.snapshot.serial
                self.view.redraw()
            else:
                form = getattr(self.view, "form", None)
                if form is not None and (form.watching or self.data.waiting()):
                    form.refresh()

    def start_polling(self, period_ms: int = POLL_MS) -> None:
        """Look for new conclusions every ``period_ms`` while the session lives."""
        if self._poller is None:
            self._poller = self.pn.state.add_periodic_callback(self._poll_async, period=period_ms)

    @speaking
    def title(self) -> str:
        """Return the browser tab's title in the session's language."""
        return _(TITLE)

    @speaking
    def servable(self):
        """Mark the page servable (``panel serve``) and return it (its title in the session's language)."""
        return self.template.servable(title=_(TITLE))

    def _repr_mimebundle_(self, include=None, exclude=None):  # in JupyterLab: the view, without the served page
        return self.main._repr_mimebundle_(include, exclude)


__all__ = ["Dashboard", "TITLE", "POLL_MS"]
