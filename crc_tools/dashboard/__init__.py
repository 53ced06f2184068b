"""The committee dashboard: data (no Panel), views (Panel, Altair), logins, serving.

Public API (loaded on first use; Panel only when a view is used)::

    from crc_tools.dashboard import MeetingData, build_app, serve
"""

from ..lazy import exports

_PUBLIC = {
    "data": "data", "views": "views", "app": "app", "loadtest": "loadtest",
    "MeetingData": "data", "build_app": "views", "serve": "views",
}
__all__ = sorted(_PUBLIC)
__getattr__ = exports(__name__, _PUBLIC)
