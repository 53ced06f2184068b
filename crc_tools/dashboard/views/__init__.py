"""The dashboard's pages in Panel: the agenda, the meeting view of an agenda item, the SHPF proposals.

Public API::

    from crc_tools.dashboard.views import Dashboard, RecordingForm
"""

from ...lazy import exports

_PUBLIC = {
    "Dashboard": "page", "RecordingForm": "form", "OverviewView": "overview", "ItemView": "item", "ShpfView": "shpf",
    "stage_chart": "charts", "matrix_chart": "charts", "cell_from_selection": "parts",
}
__all__ = sorted(_PUBLIC)
__getattr__ = exports(__name__, _PUBLIC)
