"""Which notifying States count: Parties only (Articles 2(g), 5.1, 5.5), judged per distinct notifying Party.

A notification from a State known not to be a Party (``signatory`` or ``non_party`` in
``data/reference/parties.csv``, e.g. the United States of America) is reported and not counted
towards the two PIC regions. A notifying State whose status is not established is counted —
only Parties notify (Article 5.1), so the Secretariat's receipt of its notification is taken as
a Party's — and every count resting on it says so (``basis``). A joint notification counts
in the regions of its Parties only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..codes import combine, factorize, factorize_ints
from ..convention.parties import party_status
from ..convention.regions import PIC_REGIONS, regions


@dataclass(frozen=True)
class PartyCodes:
    """Per row a code of its notifying Party (or joint Parties), and per code what the rules need."""

    codes: np.ndarray  # per row
    names: list  # per code: tuple of country names
    iso3s: list  # per code: the ISO alpha-3 codes, ";"-joined as the intake writes them
    counted_names: list  # per code: the names of those that are Parties or of unknown status
    non_party_names: list  # per code: the names of States that are not Parties
    unknown_names: list  # per code: the names of States whose status is not established
    counted: np.ndarray  # per code: at least one Party (or unknown) among them
    region_bits: np.ndarray  # per code: bits of PIC_REGIONS of the counted ones, -1 where the row's own regions stand


def _text(u) -> str:
    return "" if u is None or u is pd.NA or (isinstance(u, float) and u != u) else str(u)


def party_codes(df: pd.DataFrame) -> PartyCodes:
    """Return the notifying Parties of each row as codes, with their status under the Convention."""
    p_codes, p_uniques = factorize(df["notifying_party"])
    if "party_iso3" in df.columns:
        i_codes, i_uniques = factorize(df["party_iso3"])
    else:
        i_codes, i_uniques = np.zeros(len(df), dtype=np.int64), [""]
    width = len(i_uniques) + 1
    codes, combined = factorize_ints(p_codes * width + i_codes)
    names, iso3_text, counted_names, non_party, unknown, counted, bits = [], [], [], [], [], [], []
    region_index = {r: i for i, r in enumerate(PIC_REGIONS)}
    table = regions()
    for c in combined.tolist():
        countries = tuple(n for n in _text(p_uniques[c // width]).split(";") if n)
        iso3s = tuple(i for i in _text(i_uniques[c % width]).split(";") if i)
        if not iso3s:  # a frame made by hand, without the intake's party_iso3: the names say who
            found = [table.find(n) for n in countries]
            iso3s = tuple(f.iso3 for f in found if f is not None) if all(found) else ()
        iso3_text.append(";".join(iso3s))
        statuses = [party_status(i) for i in iso3s] if len(iso3s) == len(countries) else [None] * len(countries)
        out = tuple(n for n, s in zip(countries, statuses, strict=True) if s is not None and s.not_a_party)
        unk = tuple(n for n, s in zip(countries, statuses, strict=True) if s is None or not s.status_established)
        keep = [(n, i) for n, i, s in zip(countries, iso3s or ("",) * len(countries), statuses, strict=True) if s is None or not s.not_a_party]
        names.append(countries)
        counted_names.append(tuple(n for n, _ in keep))
        non_party.append(out)
        unknown.append(unk)
        counted.append(bool(keep) or not countries)
        if out and keep:  # a joint row with a non-Party: only its Parties' regions
            members = [table.by_iso3.get(i) for _, i in keep]
            bits.append(sum(1 << region_index[m.pic_region] for m in members if m is not None and m.pic_region in region_index))
        else:
            bits.append(-1)
    return PartyCodes(codes, names, iso3_text, counted_names, non_party, unknown, np.array(counted, dtype=bool), np.array(bits, dtype=np.int64))


def party_sets(group_codes: np.ndarray, n_groups: int, codes: np.ndarray, names_of_code: list, selector: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Return, per group, the sorted list of names its selected rows' codes carry, and a code per distinct set.

    Sets are built as bitsets over the codes, deduplicated by their words, and each distinct
    set is turned into a list once (shared by every group that has it): no Python work per group.
    Code 0 is the empty set.
    """
    empty: list = []
    out = np.empty(n_groups, dtype=object)
    out.fill(empty)
    set_code = np.zeros(n_groups, dtype=np.int64)
    if selector is not None:
        group_codes, codes = group_codes[selector], codes[selector]
    has = np.array([bool(n) for n in names_of_code], dtype=bool)
    if not len(codes) or not has.any():
        return out, set_code
    keep = has[codes]
    if not keep.any():
        return out, set_code
    n_codes = len(names_of_code)
    # Rank the codes by their names, so that a group's codes in rank order give its names in order.
    order = sorted(range(n_codes), key=lambda k: names_of_code[k])
    rank = np.empty(n_codes, dtype=np.int64)
    rank[order] = np.arange(n_codes)
    pairs = factorize_ints(group_codes[keep].astype(np.int64) * n_codes + rank[codes[keep]])[1]  # distinct, sorted
    g, r = np.divmod(pairs, n_codes)
    words = (n_codes + 63) // 64
    bitsets = np.zeros((n_groups, words), dtype=np.uint64)
    slot = g * words + r // 64  # sorted: distinct bits of one word add up to their OR
    starts = np.flatnonzero(np.r_[True, slot[1:] != slot[:-1]])
    bitsets.reshape(-1)[slot[starts]] = np.add.reduceat(np.left_shift(np.uint64(1), (r % 64).astype(np.uint64)), starts)
    present = g[np.r_[True, g[1:] != g[:-1]]]  # g is sorted
    which, first = combine(*(pd.factorize(bitsets[present, w])[0] for w in range(words)))
    reps = present[first]
    lo, hi = np.searchsorted(g, reps, "left"), np.searchsorted(g, reps, "right")
    by_rank = [names_of_code[k] for k in order]
    simple = all(len(n) == 1 for n in by_rank) and len({n[0] for n in by_rank}) == len(by_rank)
    flat = np.array([n[0] if simple else n for n in by_rank] + [None], dtype=object)[:-1][r]
    chosen = np.empty(len(first), dtype=object)
    for i, (a, b) in enumerate(zip(lo.tolist(), hi.tolist(), strict=True)):
        chosen[i] = flat[a:b].tolist() if simple else sorted({n for names in flat[a:b].tolist() for n in names})
    out[present] = chosen[which]
    set_code[present] = which + 1
    return out, set_code
    keep = has[codes]
    if not keep.any():
        return out, set_code
    n_codes = len(names_of_code)
    pairs = factorize_ints(group_codes[keep].astype(np.int64) * n_codes + codes[keep])[1]  # distinct, sorted
    g, c = np.divmod(pairs, n_codes)
    words = (n_codes + 63) // 64
    bitsets = np.zeros((n_groups, words), dtype=np.uint64)
    slot = g * words + c // 64  # sorted: distinct bits of one word add up to their OR
    starts = np.flatnonzero(np.r_[True, slot[1:] != slot[:-1]])
    bitsets.reshape(-1)[slot[starts]] = np.add.reduceat(np.left_shift(np.uint64(1), (c % 64).astype(np.uint64)), starts)
    present = g[np.r_[True, g[1:] != g[:-1]]]  # g is sorted
    word_codes = [pd.factorize(bitsets[present, w])[0] for w in range(words)]
    which, first = combine(*word_codes)
    chosen = np.empty(len(first), dtype=object)
    for i, at in enumerate(first.tolist()):
        row = bitsets[present[at]]
        members = [w * 64 + k for w in range(words) for k in range(64) if int(row[w]) >> k & 1]
        chosen[i] = sorted({n for k in members for n in names_of_code[k]})
    out[present] = chosen[which]
    set_code[present] = which + 1
    return out, set_code
