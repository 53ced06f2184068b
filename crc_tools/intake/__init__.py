"""Reading case files and bulk tables (YAML, JSON, CSV, XLSX): field declarations, limits, validation.

Public API (loaded on first use)::

    from crc_tools.intake import load, load_text, read_table, Intake
    from crc_tools.intake import notification_schema, proposal_schema, response_schema, write_template
"""

from ..lazy import exports

_PUBLIC = {
    "reader": "reader", "fields": "fields", "template": "template",
    "load": "reader", "load_text": "reader", "read_table": "reader", "Intake": "reader", "empty_determinations": "reader",
    "notification_schema": "fields", "proposal_schema": "fields", "incident_schema": "fields", "part2_schema": "fields",
    "response_schema": "fields",
    "write_template": "template", "template_columns": "template",
}
__all__ = sorted(_PUBLIC)
__getattr__ = exports(__name__, _PUBLIC)
