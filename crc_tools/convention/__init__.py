"""The Convention as data and rules.

Reference tables, PIC regions, Parties and their dates, Annex III and the groups its entries
cover, the Annexes' items, CAS and HS codes.

Public API (loaded on first use)::

    from crc_tools.convention import search_annex_iii, annex_iii_matches, party_status, PIC_REGIONS
    from crc_tools.convention.reference import regions, items, parties     # the main functions
    from crc_tools.convention import reference, regions, items, parties    # the modules

``regions``, ``items`` and ``parties`` are modules of this package (Python binds a loaded
submodule to its name here); their main functions of the same names are in each module and in
``reference``.

Modules, lowest first (no import circles): ``files``, ``cas``, ``items``, ``regions``, ``parties``,
``annex_iii``, ``annex_iii_groups``, ``hs``, ``shpf_scope``, ``lookup``; ``reference`` re-exports them all.
"""

from ..lazy import exports

_PUBLIC = {
    "reference": "reference", "cas": "cas", "formulation": "formulation",
    "regions": "regions", "search_annex_iii": "lookup", "annex_iii_record": "lookup", "items": "items", "PIC_REGIONS": "regions",
    "annex_iii_matches": "annex_iii_groups", "match_entries": "annex_iii_groups", "annex_iii_groups": "annex_iii_groups",
    "parties": "parties", "party_status": "parties", "entry_into_force_for": "parties",
    "ReferenceDataError": "files", "split_cas": "cas", "cas_problem": "cas",
}
__all__ = sorted(_PUBLIC)
__getattr__ = exports(__name__, _PUBLIC)
