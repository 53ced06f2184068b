"""Article 6: severely hazardous pesticide formulation proposals — Annex IV Part 1 verification, Part 2 tracker, Part 3 criteria, review.

Reading proposals is the intake's (:mod:`crc_tools.intake.proposals`); ``shpf`` gathers every public name.

Public API (loaded on first use)::

    from crc_tools.proposals import from_intake, Proposals, review_status, verification_status, assess, conclusions
"""

from ..lazy import exports

_PUBLIC = {
    "shpf": "shpf", "verification": "verification", "tracker": "tracker", "criteria": "criteria", "listing": "listing", "review": "review",
    "from_intake": "review", "Proposals": "shpf", "review_status": "review", "verification_status": "verification",
    "assess": "criteria", "conclusions": "criteria", "STATUS_COLUMNS": "review", "part2_items": "tracker", "eligibility": "verification",
}
__all__ = sorted(_PUBLIC)
__getattr__ = exports(__name__, _PUBLIC)
