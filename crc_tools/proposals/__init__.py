"""Article 6: severely hazardous pesticide formulation proposals — Annex IV Part 1 verification, Part 2 tracker, Part 3 criteria, review.

Public API (loaded on first use)::

    from crc_tools.proposals import from_intake, Proposals, review_status, verification_status, assess, conclusions
"""

from ..lazy import exports

_PUBLIC = {
    "shpf": "shpf",
    "from_intake": "shpf", "Proposals": "shpf", "review_status": "shpf", "verification_status": "shpf",
    "assess": "shpf", "conclusions": "shpf", "STATUS_COLUMNS": "shpf",
}
__all__ = sorted(_PUBLIC)
__getattr__ = exports(__name__, _PUBLIC)
