"""Looking Annex III up: by name, by any CAS number an entry covers, by HS code; and an entry as plain data."""

from __future__ import annotations

from ..text import normalize_name
from .annex_iii import AnnexIIIEntry, annex_iii
from .annex_iii_groups import annex_iii_groups, annex_iii_matches, covered_by
from .cas import cas_problem
from .hs import hs_codes, hs_codes_for, stockholm_for


def search_annex_iii(query: str = "") -> list[AnnexIIIEntry]:
    """Look up Annex III by name (part of it will do), CAS number or HS code; empty query lists all.

    A CAS number finds the entry that lists it or whose group covers it (``131-52-2``, sodium
    pentachlorophenate, finds "Pentachlorophenol and its salts and esters").
    """
    q = str(query or "").strip()
    if not q:
        return list(annex_iii())
    if cas_problem(q) is None:
        return annex_iii_matches("", [q])
    digits = q.replace(".", "").replace(" ", "")
    if digits.isdigit() and len(digits) >= 4:
        names = {h.chemical for h in hs_codes() if h.hs_code and h.hs_code.replace(".", "").startswith(digits)}
        return [e for e in annex_iii() if e.chemical in names]
    exact = annex_iii_matches(q)
    if exact:
        return sorted(exact, key=lambda e: (e.listed_on, e.chemical))
    key = normalize_name(q)
    return [
        e
        for e in annex_iii()
        if key in normalize_name(e.chemical) or key in normalize_name(e.short_name) or any(key in normalize_name(a) for a in e.aliases)
    ]


def annex_iii_record(entry: AnnexIIIEntry, query: str = "") -> dict:
    """Return an entry as plain data with its HS codes, Stockholm listings, group members and, for a query, what matched it."""
    group = annex_iii_groups().get(entry.entry_id)
    record = entry.as_dict()
    record["hs_codes"] = [h.as_dict() for h in hs_codes_for(entry.chemical)]
    record["stockholm"] = [s.as_dict() for s in stockholm_for(entry.chemical, entry.cas_numbers)]
    record["covers"] = [
        {"name": m.name, "cas_number": m.cas_number, "relation": m.relation, "source": m.source} for m in (group.members if group else ())
    ]
    record["group_rules"] = [r.wording for r in (group.rules if group else ())]
    if query:
        q = str(query).strip()
        how = covered_by("" if cas_problem(q) is None else q, [q] if cas_problem(q) is None else [])
        record["matched_by"] = next((h["matched_by"] for h in how if h["entry_id"] == entry.entry_id), [])
    return record
