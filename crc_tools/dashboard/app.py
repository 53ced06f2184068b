r"""The dashboard as a script for ``panel serve`` (``crc dashboard`` is the usual way).

::

    CRC_DASHBOARD_DATA=data/cases:more/cases panel serve crc_tools/dashboard/app.py

``CRC_DASHBOARD_DATA`` lists case files, folders and bulk tables separated by ``:`` (the
shipped sample data when unset). Served this way the page is for viewing: sign-in, the
documents, the security headers and the allowed-hosts list come with ``crc dashboard``.
"""

import os

from crc_tools.dashboard.data import MeetingData
from crc_tools.dashboard.serve import build_app

_paths = [p for p in os.environ.get("CRC_DASHBOARD_DATA", "").split(os.pathsep) if p] or None
build_app(MeetingData.shared(_paths)).servable()
