"""Which page the address asks for (no Panel).

Every view's state is in the page address (``?item=Aldicarb+(pesticide)&page=2``): a link opens
it, the browser's back and forward buttons move between views, a page can be bookmarked for
the next agenda item. Navigation is by ordinary links and GET forms.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from ..i18n import LANGUAGES
from .html import url

VIEWS = ("overview", "item", "shpf")
MAX_ARG_CHARS = 300


@dataclass(frozen=True)
class Route:
    """The state of a page, as its address holds it."""

    view: str = "overview"
    item: str = ""
    q: str = ""
    category: str = ""
    region: str = ""
    stage: str = ""
    meeting: str = ""
    page: int = 1
    proposal: str = ""
    lang: str = ""
    """The session's language (``fr``, ``es``, ``nl``; empty for English): kept in every link the page makes (:func:`crc_tools.dashboard.html.url`)."""

    @classmethod
    def from_arguments(cls, arguments: dict) -> Route:
        """Return the route of a request's query arguments (bytes or text values; anything odd ignored)."""

        def arg(name: str) -> str:
            values = arguments.get(name) or []
            value = values[-1] if values else ""
            if isinstance(value, bytes):
                value = value.decode("utf-8", "replace")
            return str(value).strip()[:MAX_ARG_CHARS]

        view = arg("view")
        item = arg("item")
        if view not in VIEWS:
            view = "item" if item else "overview"
        try:
            page = max(1, min(int(arg("page") or 1), 100_000))
        except ValueError:
            page = 1
        lang = arg("lang").casefold()
        lang = lang if lang in LANGUAGES and lang != "en" else ""
        return cls(view=view, item=item, q=arg("q"), category=arg("category"), region=arg("region"), stage=arg("stage"), meeting=arg("meeting"), page=page, proposal=arg("proposal"), lang=lang)

    def link(self, **changes) -> str:
        """Return the address of this route with some fields changed (the view's own fields only)."""
        r = replace(self, **changes)
        if r.view == "item":
            return url(item=r.item, page=r.page, lang=r.lang)
        if r.view == "shpf":
            return url(view="shpf", proposal=r.proposal, lang=r.lang)
        return url(q=r.q, category=r.category, region=r.region, stage=r.stage, meeting=r.meeting, page=r.page, lang=r.lang)

    def as_dict(self) -> dict:
        """Return the fields as a dict."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


__all__ = ["Route", "VIEWS"]
