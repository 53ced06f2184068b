r"""The dashboard as a script for ``panel serve`` (``crc dashboard`` is the usual way).

::

    CRC_DASHBOARD_DATA=data/cases:more/cases panel serve crc_tools/dashboard_app.py \
        --basic-auth logins.json --cookie-secret "$SECRET" --oauth-optional \
        --basic-login-template crc_tools/dashboard_templates/login.html \
        --logout-template crc_tools/dashboard_templates/logout.html

``CRC_DASHBOARD_DATA`` lists case files, folders and bulk tables separated by ``:`` (the
shipped sample data when unset); ``CRC_DASHBOARD_ROLES`` says who records. Panel's own
authentication options (basic auth, OAuth providers) apply; ``--oauth-optional`` lets
viewers in without a login. The data are read once per server process.
"""

import os

from crc_tools.dashboard.views import build_app

_paths = [p for p in os.environ.get("CRC_DASHBOARD_DATA", "").split(os.pathsep) if p] or None
build_app(paths=_paths).servable()
