"""SHPF proposals: which formulation a proposal concerns, and whether Annex III already covers it (Article 7).

One formulation = the same formulation type and active ingredients; an Annex III SHPF entry
covers a formulation of its type at or above its concentration threshold
(``annex_iii_shpf_scope.csv``), and a pesticide entry covers all formulations of it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..convention.formulation import Concentration, entry_wording, parse_concentration, split_list
from ..convention.reference import CATEGORY_LABELS, annex_iii, annex_iii_matches, annex_iii_shpf_scope, formulation_types
from ..notifications.review import _UnionFind
from ..text import normalize_name

__all__ = ["annex_iii_coverage", "identify_formulations", "ingredients", "wording"]


def ingredients(row) -> list[tuple[str, str, Concentration | None]]:
    """Return (name, CAS or '', concentration) per active ingredient of a proposal row."""
    names = [x for x in split_list(row.get("active_ingredients", "")) if x]
    concs = split_list(row.get("active_ingredient_concentrations", ""))
    cas = [c for c in str(row.get("active_ingredient_cas", "") or "").split(";") if c]
    aligned = len(cas) == len(names)
    out = []
    for j, name in enumerate(names):
        c = parse_concentration(concs[j]) if j < len(concs) else None
        out.append((name, cas[j] if aligned else "", c))
    return out


def _same_ingredient(name: str, cas: str, all_cas: set[str], scope_name: str, scope_cas: str) -> bool:
    if cas and cas == scope_cas:
        return True
    return normalize_name(name) == normalize_name(scope_name) or (not cas and scope_cas in all_cas and len(all_cas) == 1)


def annex_iii_coverage(row, *, as_of: dt.date | None = None) -> tuple[object | None, str]:
    """Return the Annex III entry that already covers a proposed formulation, and a note.

    A formulation is covered (Article 7, Annex III) when an SHPF entry names its formulation
    type and every active ingredient of the entry is in it at a concentration that meets the
    entry's threshold (``annex_iii_shpf_scope.csv``), or when every active ingredient is
    listed in Annex III as a pesticide (a pesticide entry covers all its formulations, as
    carbofuran's did for Colombia's SHPF proposal after COP-8). With ``as_of``, Annex III as
    it stood on that date. The note says why a near match does not count.
    """
    ftype = str(row.get("formulation_type", "") or "")
    ings = ingredients(row)
    all_cas = {c for c in str(row.get("active_ingredient_cas", "") or "").split(";") if c}
    entries = {e.entry_id: e for e in annex_iii() if e.category == "shpf" and (as_of is None or e.listed_on <= as_of)}
    notes = []
    by_entry: dict[str, list] = {}
    for sc in annex_iii_shpf_scope():
        if sc.entry_id in entries:
            by_entry.setdefault(sc.entry_id, []).append(sc)
    for entry_id, scopes in by_entry.items():
        entry = entries[entry_id]
        clauses = [s for s in scopes if s.formulation_type == ftype]
        entry_ingredients = {(s.active_ingredient, s.cas_number) for s in scopes}
        has_all = bool(ings) and all(any(_same_ingredient(n, c, all_cas, name, cas) for n, c, _ in ings) for name, cas in entry_ingredients)
        if not clauses:
            if has_all and ftype:
                notes.append(f"Annex III lists {entry.short_name} ({entry.concentration_threshold}); this formulation type ({ftype}) is not among the entry's")
            continue
        verdicts = []
        for s in clauses:
            match = [(n, c, conc) for n, c, conc in ings if _same_ingredient(n, c, all_cas, s.active_ingredient, s.cas_number)]
            if not match:
                verdicts.append(("absent", s, None))
                continue
            conc = match[0][2]
            limit = Concentration(s.value, s.unit)
            if conc is None:
                verdicts.append(("unknown", s, conc))
                continue
            ok = conc.at_or_above(limit) if s.comparison == "at_or_above" else conc.exceeds(limit)
            verdicts.append(("yes" if ok else "unknown" if ok is None else "below", s, conc))
        kinds = {v[0] for v in verdicts}
        if kinds == {"yes"}:
            return entry, f"{entry.chemical} — {entry.category_label}, {entry.listing}"
        if "absent" in kinds and len(kinds) == 1:
            continue
        if "below" in kinds:
            notes.append(f"Annex III lists {entry.short_name} ({entry.concentration_threshold}); this formulation is below the threshold")
        elif "unknown" in kinds:
            notes.append(f"Annex III lists {entry.short_name} ({entry.concentration_threshold}); the proposal's concentration cannot be compared with the threshold (different basis: % against g/L): check whether it falls under the entry")
        elif "absent" in kinds:
            notes.append(f"Annex III lists {entry.short_name} ({entry.concentration_threshold}); this formulation lacks one of the entry's active ingredients")
    if ings:
        covered = []
        for name, cas, _ in ings:
            hits = [e for e in annex_iii_matches(name, [cas] if cas else list(all_cas) if len(ings) == 1 else []) if e.category == "pesticide" and (as_of is None or e.listed_on <= as_of)]
            covered.append(hits[0] if hits else None)
        if all(covered):
            e = covered[0]
            names = ", ".join(x.short_name for x in covered)
            return e, f"{names} — {CATEGORY_LABELS['pesticide']}, {e.listing}: a pesticide entry covers all formulations"
        partly = [e.short_name for e in covered if e]
        if partly:
            notes.append(f"Annex III lists {', '.join(partly)} as a pesticide, but not every active ingredient of this formulation")
    return None, "; ".join(notes)


def identify_formulations(proposals: pd.DataFrame) -> np.ndarray:
    """Return a key per proposal: proposals with the same key concern one formulation.

    One formulation = the same formulation type and the same active ingredients (by name, or
    by the same set of CAS numbers); a proposal without active ingredients is known by its
    formulation name. Concentrations may differ: the Annex III entry gives a threshold.
    """
    uf = _UnionFind()
    nodes = []
    for row in proposals.to_dict("records"):
        ftype = str(row.get("formulation_type", "") or "")
        names = sorted({normalize_name(n) for n in split_list(row.get("active_ingredients", "")) if n})
        cas = sorted({c for c in str(row.get("active_ingredient_cas", "") or "").split(";") if c})
        node = f"n:{ftype}:{'+'.join(names)}" if names else f"f:{ftype}:{normalize_name(row.get('formulation_name', ''))}"
        uf.find(node)
        if cas:
            uf.union(node, f"c:{ftype}:{'+'.join(cas)}")
        nodes.append(node)
    return np.array([uf.find(n) for n in nodes], dtype=object)


def wording(group: pd.DataFrame, meeting: pd.Series) -> tuple[str, str, str]:
    """Return (formulation types, concentration threshold, Annex III wording) for a formulation."""
    types = formulation_types()
    pick = group[meeting] if meeting.any() else group
    recorded = pick["annex_iii_wording"].astype("string").fillna("")
    rec_types = pick["annex_iii_formulation_types"].astype("string").fillna("")
    rec_threshold = pick["annex_iii_concentration_threshold"].astype("string").fillna("")
    codes = next((v for v in rec_types if v), "") or next((v for v in pick["formulation_type"].astype("string").fillna("") if v), "")
    wordings = [types.by_code[c].annex_iii_wording for c in codes.split(";") if c in types.by_code]
    threshold = next((v for v in rec_threshold if v), "")
    # Without a threshold recorded by the committee: the lowest concentration proposed (at or above it).
    best = None
    for row in pick.to_dict("records"):
        ings = ingredients(row)
        if not ings:
            continue
        first = ings[0][2]
        if best is None or (first is not None and best[0][2] is not None and first.comparable(best[0][2]) and first.canonical() < best[0][2].canonical()):
            best = ings
    if not threshold and best:
        if len(best) == 1 and best[0][2] is not None:
            threshold = best[0][2].as_threshold()
        elif len(best) > 1:
            threshold = ", ".join(f"{n} {c.short()}" if c else n for n, _, c in best)
    text = next((v for v in recorded if v), "")
    if not text:
        if threshold and any(w for w in wordings) and (best is None or len(best) <= 1 or next((v for v in rec_threshold if v), "")):
            text = entry_wording([], [], wordings, threshold)
        elif best:
            text = entry_wording([n for n, _, _ in best], [c for _, _, c in best], wordings)
        elif wordings:
            text = " and ".join(wordings)
    return codes, threshold, text
