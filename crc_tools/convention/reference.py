"""Reference data of the Convention, declared once in ``data/reference/`` and validated on load.

This module re-exports, for existing importers, what now lives in focused modules:

* :mod:`.files` — reading the reference files (``ReferenceDataError``);
* :mod:`.items` — the Convention's criteria and information items (Annex I, II, IV Parts 1-3, V);
* :mod:`.regions` — the PIC regions of decision RC-1/2 with each country's basis and local overrides;
* :mod:`.parties` — Parties and the date the Convention entered into force for each (Article 26);
* :mod:`.annex_iii` — Annex III as in force after COP-12 (2025), with the COP that listed each entry;
* :mod:`.annex_iii_groups` — the chemicals each group entry covers (salts, esters, compounds, isomers) and the matcher;
* :mod:`.lookup` — ``crc annex3``: look-up by name, any covered CAS number or HS code;
* :mod:`.hs` — HS codes (Article 13.1), Stockholm listings, development status (Article 6.1);
* :mod:`.shpf_scope` — formulation types and the structured scope of each SHPF entry.
"""

from __future__ import annotations

from .annex_iii import ADOPTION_DATE, ANNEX_III_CATEGORIES, CATEGORIES, CATEGORY_LABELS, AnnexIIIEntry, annex_iii, cop_dates
from .annex_iii_groups import _index as _annex_iii_index
from .annex_iii_groups import annex_iii_groups, annex_iii_matches, covered_by, match_entries
from .files import ReferenceDataError, read_reference_yaml
from .hs import (
    DEVELOPMENT_STATUSES,
    HS_PROVENANCE,
    HsCode,
    StockholmListing,
    development_status,
    hs_codes,
    hs_codes_for,
    stockholm_for,
    stockholm_listings,
)
from .items import ITEM_SET_LABELS, Item, ItemSet, item_sets, items
from .lookup import annex_iii_record, search_annex_iii
from .parties import CONVENTION_IN_FORCE, PartyStatus, entry_into_force_for, parties, party_status
from .regions import (
    EUROPEAN_UNION_ISO3,
    PIC_REGIONS,
    REGION_BASES,
    Party,
    RegionNotEstablishedError,
    RegionTable,
    UnknownCountryError,
    _region_table,
    regions,
)
from .shpf_scope import (
    SCOPE_COMPARISONS,
    SCOPE_UNITS,
    FormulationType,
    FormulationTypes,
    ShpfScope,
    annex_iii_shpf_scope,
    formulation_types,
)

__all__ = [
    "ADOPTION_DATE", "ANNEX_III_CATEGORIES", "CATEGORIES", "CATEGORY_LABELS", "CONVENTION_IN_FORCE", "DEVELOPMENT_STATUSES",
    "EUROPEAN_UNION_ISO3", "HS_PROVENANCE", "ITEM_SET_LABELS", "PIC_REGIONS", "REGION_BASES", "SCOPE_COMPARISONS", "SCOPE_UNITS",
    "AnnexIIIEntry", "FormulationType", "FormulationTypes", "HsCode", "Item", "ItemSet", "Party", "PartyStatus", "ReferenceDataError",
    "RegionNotEstablishedError", "RegionTable", "ShpfScope", "StockholmListing", "UnknownCountryError",
    "_annex_iii_index", "_region_table", "annex_iii", "annex_iii_groups", "annex_iii_matches", "annex_iii_record", "annex_iii_shpf_scope",
    "cop_dates", "covered_by", "development_status", "entry_into_force_for", "formulation_types", "hs_codes", "hs_codes_for", "item_sets",
    "items", "match_entries", "parties", "party_status", "read_reference_yaml", "regions", "search_annex_iii", "stockholm_for",
    "stockholm_listings",
]
