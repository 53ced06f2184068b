"""Articles 10-11: import responses, their due dates, and the export check.

Public API (loaded on first use)::

    from crc_tools.responses import read_responses, response_status, status_records, response_history
    from crc_tools.responses import export_check, chemical_responses, parties, dgd_dispatch, due_dates
"""

from ..lazy import exports

_PUBLIC = {
    "reader": "reader", "dates": "dates", "status": "status", "export": "export",
    "read_responses": "reader", "resolve_entry": "reader", "DECISION_LABELS": "reader", "KIND_LABELS": "reader",
    "response_status": "status", "status_records": "status", "response_history": "status", "current_responses": "status",
    "chemical_responses": "status", "RESPONSE_COLUMNS": "status", "from_intake": "status",
    "parties": "dates", "dgd_dispatch": "dates", "dispatch_of": "dates", "due_dates": "dates", "due_date": "dates", "DUE_RULE": "dates",
    "export_check": "export",
}
__all__ = sorted(_PUBLIC)
__getattr__ = exports(__name__, _PUBLIC)
