"""The Convention as data and rules: reference tables, PIC regions, Annex III, the Annexes' items, CAS and HS codes.

Public API (loaded on first use)::

    from crc_tools.convention import regions, search_annex_iii, items, PIC_REGIONS
    from crc_tools.convention import reference, cas, formulation   # the modules
"""

from ..lazy import exports

_PUBLIC = {
    "reference": "reference", "cas": "cas", "formulation": "formulation",
    "regions": "reference", "search_annex_iii": "reference", "items": "reference", "PIC_REGIONS": "reference",
    "annex_iii_matches": "reference", "ReferenceDataError": "reference", "split_cas": "cas", "cas_problem": "cas",
}
__all__ = sorted(_PUBLIC)
__getattr__ = exports(__name__, _PUBLIC)
