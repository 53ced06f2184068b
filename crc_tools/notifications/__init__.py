"""Article 5: Annex I verification, Annex II criteria and the rule-based aid, review status (two PIC regions).

Public API (loaded on first use)::

    from crc_tools.notifications import verification_status, annex_i_items, assess, conclusions
    from crc_tools.notifications import review_status, awaiting_second_region, STATUS_JSON_COLUMNS
"""

from ..lazy import exports

_PUBLIC = {
    "verification": "verification", "criteria": "criteria", "review": "review",
    "verification_status": "verification", "annex_i_items": "verification",
    "assess": "criteria", "annex_ii_aids": "criteria", "conclusions": "criteria",
    "review_status": "review", "awaiting_second_region": "review", "STATUS_JSON_COLUMNS": "review",
}
__all__ = sorted(_PUBLIC)
__getattr__ = exports(__name__, _PUBLIC)
