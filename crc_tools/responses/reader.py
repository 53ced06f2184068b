"""Reading import responses (Article 10): moved to :mod:`crc_tools.intake.responses` (reading is the intake's job).

Every name is kept importable from here (``from crc_tools.responses.reader import read_responses``);
importing this module registers the reader in :data:`crc_tools.intake.records.READERS`, as before.
"""

from __future__ import annotations

from ..intake.responses import (  # noqa: F401 - kept importable from here
    DECISION_LABELS,
    INTERIM_ONLY,
    KIND,
    KIND_LABELS,
    _check_response,
    _col,
    _frame,
    _per_value,
    _resolve,
    _rows_from_docs,
    read_responses,
    resolve_entry,
)

__all__ = ["KIND", "read_responses", "resolve_entry", "DECISION_LABELS", "KIND_LABELS", "INTERIM_ONLY"]
