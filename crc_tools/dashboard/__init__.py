"""The committee dashboard: data (no Panel), views (Panel, Altair), logins, serving.

* data without Panel: :mod:`.cases` (the case files), :mod:`.snapshot`, :mod:`.tables`,
  :mod:`.records`, :mod:`.shpf_tables`, :mod:`.live` and :mod:`.data` (``MeetingData``),
  :mod:`.recording` and :mod:`.journal` (conclusions, durable when the register is down),
  :mod:`.html`, :mod:`.labels`, :mod:`.route`;
* logins: :mod:`.auth` (argon2id, sessions, rate limit) and :mod:`.web` (handlers, headers);
* views: :mod:`.views` (Panel);
* serving: :mod:`.serve`.

Public API (loaded on first use; Panel only when a view is used)::

    from crc_tools.dashboard import MeetingData, build_app
    from crc_tools.dashboard.serve import serve
"""

from ..lazy import exports

_PUBLIC = {
    "data": "data", "views": "views", "serve": "serve", "loadtest": "loadtest", "auth": "auth", "web": "web",
    "MeetingData": "data", "build_app": "serve", "add_user": "auth", "remove_user": "auth",
    "Identity": "recording", "Conclusion": "recording",
}
__all__ = sorted(_PUBLIC)
__getattr__ = exports(__name__, _PUBLIC)
