"""Small pieces every view uses: the stylesheet, HTML panes, the Vega selection's shape."""

from __future__ import annotations

from functools import lru_cache

from ..web import STATIC_ROUTE, TEMPLATES_DIR

STYLESHEET_URL = f"{STATIC_ROUTE}/dashboard.css"


@lru_cache(maxsize=1)
def _css_text() -> str:
    return (TEMPLATES_DIR / "dashboard.css").read_text(encoding="utf-8")


def stylesheets() -> list[str]:
    """Return the dashboard's stylesheet for a component's shadow root (its address on a server, its text in a notebook)."""
    import panel as pn

    doc = pn.state.curdoc
    served = doc is not None and getattr(doc, "session_context", None) is not None and getattr(doc.session_context, "server_context", None) is not None
    return [STYLESHEET_URL] if served else [_css_text()]


def html_pane(text: str = "", **kwargs):
    """Return an HTML pane styled by the dashboard's stylesheet (text built from escaped data only)."""
    import panel as pn

    kwargs.setdefault("sizing_mode", "stretch_width")
    return pn.pane.HTML(text, stylesheets=stylesheets(), **kwargs)


def styled(widget_class, **kwargs):
    """Return a Panel widget styled by the dashboard's stylesheet (16 px and more, visible focus)."""
    return widget_class(stylesheets=stylesheets(), **kwargs)


def cell_from_selection(value) -> tuple[str, str] | None:
    """Return (notification or proposal id, criterion) of a clicked matrix cell, or ``None``.

    Panel's Vega pane sends a point selection as a list of one-field objects
    (``[{"notification_id": "X"}, {"criterion": "(b)(iii)"}]``); a merged object is accepted
    too. Two different values for one field (several cells) give ``None``.
    """
    parts = value if isinstance(value, list) else [value]
    merged: dict = {}
    for part in parts:
        if not isinstance(part, dict):
            return None
        for k, v in part.items():
            if k in merged and merged[k] != v:
                return None
            merged[k] = v
    subject = merged.get("notification_id", merged.get("proposal_id"))
    criterion = merged.get("criterion")
    if isinstance(subject, str) and isinstance(criterion, str) and subject and criterion:
        return subject, criterion
    return None


__all__ = ["stylesheets", "html_pane", "styled", "cell_from_selection", "STYLESHEET_URL"]
