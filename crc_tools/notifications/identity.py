"""Which notifications concern the same chemical: names, CAS numbers, salts and Annex III groups.

Notifications are one chemical when they share a normalised name, a CAS number, or an Annex
III entry (not an SHPF entry) they match — including through a group the entry covers (a salt
or ester of a chemical listed "and its salts and esters", a mercury compound under "Mercury
compounds", another CAS number of a listed group) — or when one names a salt or ester of the
chemical another names (``paraquat dichloride`` and ``paraquat``).

Everything is computed over distinct values with array operations: names and CAS cells are
normalised and matched by pyarrow's string kernels (:func:`crc_tools.text.normalize_names`,
:func:`crc_tools.convention.annex_iii_groups.match_entries`), and the chemicals are the
connected components of a graph of (name, CAS cell) pairs, names, CAS numbers and entries,
found by label propagation in NumPy. No Python loop runs per chemical, so a million
notifications naming a hundred thousand chemicals cost about what a thousand chemicals cost.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..codes import factorize, factorize_ints
from ..convention.annex_iii_groups import _index as annex_iii_index
from ..convention.annex_iii_groups import match_entries
from ..text import SALT_WORDS, normalize_names


@dataclass(frozen=True)
class ChemicalIdentity:
    """The chemical a group of notifications concerns."""

    key: str
    name: str
    cas_numbers: tuple[str, ...]
    annex_iii: tuple  # AnnexIIIEntry objects matched (pesticide, industrial)
    shpf_entries: tuple = ()  # SHPF entries naming formulations of it


def components(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Return the connected-component label (the smallest node id) of each of ``n`` nodes joined by edges ``u``-``v``.

    Label propagation with pointer jumping: each round hooks every edge's larger root onto
    the smaller, then flattens the trees; it ends when a round changes nothing.
    """
    labels = np.arange(n, dtype=np.int64)
    if not len(u):
        return labels
    u, v = np.asarray(u, dtype=np.int64), np.asarray(v, dtype=np.int64)
    while True:
        lu, lv = labels[u], labels[v]
        low, high = np.minimum(lu, lv), np.maximum(lu, lv)
        moving = low != high
        if not moving.any():
            return labels
        np.minimum.at(labels, high[moving], low[moving])
        while True:  # pointer jumping: every node points at its root
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped


def _salt_bases(keys: np.ndarray) -> np.ndarray:
    """Return, per name key, the key without its salt or ester words (``paraquat dichloride`` → ``paraquat``), or ``""``.

    The vectorised twin of :func:`crc_tools.text.salt_base`: ``""`` where the name has no such
    word, or nothing else.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(keys):
        return np.array([], dtype=object)
    lists = pc.split_pattern(pa.array(keys, type=pa.string()), " ")
    tokens = pc.list_flatten(lists)
    parent = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
    kept = ~pc.is_in(tokens, value_set=pa.array(sorted(SALT_WORDS))).to_numpy(zero_copy_only=False)
    n_tokens = np.bincount(parent, minlength=len(keys))
    n_kept = np.bincount(parent[kept], minlength=len(keys))
    offsets = np.concatenate([[0], np.cumsum(n_kept)]).astype(np.int32)
    joined = pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), tokens.filter(pa.array(kept))), " ")
    out = joined.to_numpy(zero_copy_only=False).astype(object)
    out[(n_kept == 0) | (n_kept == n_tokens)] = ""
    return out


class Identities(Mapping):
    """Chemical key → :class:`ChemicalIdentity`, held as arrays and built on access."""

    def __init__(self, names, keys, cas_lists, group_entry: np.ndarray, entry: np.ndarray, shpf_group: np.ndarray, shpf_entry: np.ndarray):
        self.names = names  # object array: display name per chemical
        self.keys = keys  # object array: comparison key per chemical
        self.cas_lists = cas_lists  # object array: list of CAS numbers per chemical (shared empty list where none)
        self.group_entry, self.entry = group_entry, entry  # chemical x entry position (non-SHPF)
        self.shpf_group, self.shpf_entry = shpf_group, shpf_entry  # chemical x entry position (SHPF)

    def __len__(self) -> int:
        return len(self.names)

    def __iter__(self):
        return iter(range(len(self.names)))

    def entries_of(self, g: int, *, shpf: bool = False) -> tuple:
        """Return the AnnexIIIEntry objects of chemical ``g`` (non-SHPF categories, or SHPF ones)."""
        index = annex_iii_index()
        groups, positions = (self.shpf_group, self.shpf_entry) if shpf else (self.group_entry, self.entry)
        out = []
        for p in positions[groups == g].tolist():
            out += [e for e in index.by_id[index.entry_ids[p]] if (e.category == "shpf") == shpf]
        return tuple(out)

    def __getitem__(self, g: int) -> ChemicalIdentity:
        if not 0 <= int(g) < len(self.names):
            raise KeyError(g)
        g = int(g)
        return ChemicalIdentity(self.keys[g], self.names[g], tuple(self.cas_lists[g]), self.entries_of(g), self.entries_of(g, shpf=True))


def _text_uniques(uniques) -> np.ndarray:
    """Return distinct values as an object array of text, missing values as ``""`` (at once)."""
    arr = np.array(list(uniques) + [None], dtype=object)[:-1]
    missing = pd.isna(arr)
    if missing.any():
        arr[missing] = ""
    if not all(isinstance(u, str) for u in arr[:1]) or pd.api.types.infer_dtype(arr, skipna=False) != "string":
        arr = np.array([str(u) for u in arr], dtype=object)
    return arr


@dataclass
class _Graph:
    """Nodes: pairs, distinct names, name keys, CAS cells, CAS numbers, entries; edges between them."""

    n: int
    u: list
    v: list

    def add(self, a, b) -> None:
        self.u.append(np.asarray(a, dtype=np.int64))
        self.v.append(np.asarray(b, dtype=np.int64))

    def labels(self) -> np.ndarray:
        if not self.u:
            return np.arange(self.n, dtype=np.int64)
        return components(self.n, np.concatenate(self.u), np.concatenate(self.v))


def identify_chemicals(df: pd.DataFrame) -> tuple[np.ndarray, Identities]:
    """Group notifications that concern the same chemical; return an integer key per row and the identities by key."""
    if df.empty:
        return np.array([], dtype=np.int64), Identities(np.array([], dtype=object), np.array([], dtype=object), np.array([], dtype=object), *(np.array([], dtype=np.int64),) * 4)
    name_codes, name_uniques = factorize(df["chemical"])
    if "cas_number" in df.columns:
        cas_codes, cas_uniques = factorize(df["cas_number"])
    else:
        cas_codes, cas_uniques = np.zeros(len(df), dtype=np.int64), [""]
    names, cells = _text_uniques(name_uniques), _text_uniques(cas_uniques)
    width = len(cells) + 1
    pair_codes, pair_uniques = pd.factorize(name_codes * width + cas_codes)
    pair_name, pair_cell = (pair_uniques // width).astype(np.int64), (pair_uniques % width).astype(np.int64)
    counts = np.bincount(pair_codes, minlength=len(pair_uniques))
    layout, graph, parts = _build_graph(names, cells, pair_name, pair_cell)
    labels = graph.labels()
    group_of_pair, roots = pd.factorize(labels[: len(pair_uniques)])
    identities = _identities(layout, parts, labels, roots, group_of_pair, names, pair_name, pair_cell, counts)
    return group_of_pair.astype(np.int64)[pair_codes], identities


def _build_graph(names, cells, pair_name, pair_cell):
    """Return node layout, the graph, and the matched parts (keys, CAS numbers, entries) it was built from."""
    index = annex_iii_index()
    n_pairs, n_names, n_cells, n_entries = len(pair_name), len(names), len(cells), len(index.entry_ids)
    keys = normalize_names(names)
    key_codes, key_uniques = pd.factorize(keys)
    cas_item, cas_value = _cas_numbers(cells)
    number_codes, number_uniques = pd.factorize(cas_value) if len(cas_value) else (np.array([], dtype=np.int64), np.array([], dtype=object))
    base = [0, n_pairs, n_pairs + n_names, n_pairs + n_names + len(key_uniques)]
    base += [base[-1] + n_cells, base[-1] + n_cells + len(number_uniques)]
    layout = {"pair": base[0], "name": base[1], "key": base[2], "cell": base[3], "number": base[4], "entry": base[5]}
    graph = _Graph(base[5] + n_entries, [], [])
    named = keys[pair_name] != ""  # a pair without a name is joined by its numbers only
    graph.add(np.flatnonzero(named), layout["name"] + pair_name[named])
    has_key = keys != ""
    graph.add(layout["name"] + np.flatnonzero(has_key), layout["key"] + key_codes[has_key])
    numbered = np.isin(pair_cell, cas_item)
    graph.add(np.flatnonzero(numbered), layout["cell"] + pair_cell[numbered])
    graph.add(layout["cell"] + cas_item, layout["number"] + number_codes)
    shpf_only = np.array([all(e.category == "shpf" for e in index.by_id[i]) for i in index.entry_ids], dtype=bool)
    by_name, by_cell = match_entries(names=names, keys=keys), match_entries(cas=cells)
    for found, kind in ((by_name, "name"), (by_cell, "cell")):
        joins = ~shpf_only[found.entry]
        graph.add(layout[kind] + found.item[joins], layout["entry"] + found.entry[joins])
    bases = _salt_bases(np.asarray(key_uniques, dtype=object))
    target = pd.Index(key_uniques).get_indexer(bases)
    salted = (bases != "") & (target >= 0)
    graph.add(layout["key"] + np.flatnonzero(salted), layout["key"] + target[salted])
    parts = {"key_codes": key_codes, "key_uniques": key_uniques, "cas_item": cas_item, "number_codes": number_codes,
             "number_uniques": number_uniques, "by_name": by_name, "by_cell": by_cell, "shpf_only": shpf_only}
    return layout, graph, parts


def _cas_numbers(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from ..convention.annex_iii_groups import _split_cas_cells

    return _split_cas_cells(cells)


def _identities(layout, parts, labels, roots, group_of_pair, names, pair_name, pair_cell, counts) -> Identities:
    """Return the identity arrays: display name, key, CAS numbers and entries of each chemical."""
    n_groups = len(roots)
    group_of_label = pd.Index(roots)
    # Annex III entries of each chemical: through its names and CAS cells.
    ge, gs = [], []
    for found, kind in ((parts["by_name"], "name"), (parts["by_cell"], "cell")):
        g = group_of_label.get_indexer(labels[layout[kind] + found.item])
        ok = g >= 0
        shpf = parts["shpf_only"][found.entry]
        ge.append(np.stack([g[ok & ~shpf], found.entry[ok & ~shpf]]))
        gs.append(np.stack([g[ok & shpf], found.entry[ok & shpf]]))
    group_entry = np.unique(np.concatenate(ge, axis=1), axis=1) if ge else np.zeros((2, 0), dtype=np.int64)
    group_shpf = np.unique(np.concatenate(gs, axis=1), axis=1) if gs else np.zeros((2, 0), dtype=np.int64)
    display = _display_names(n_groups, group_entry, group_of_pair, names, pair_name, counts)
    keys = np.asarray(parts["key_uniques"], dtype=object)[parts["key_codes"]] if len(names) else np.array([], dtype=object)
    first_pair = np.full(n_groups, len(group_of_pair), dtype=np.int64)
    np.minimum.at(first_pair, group_of_pair, np.arange(len(group_of_pair)))
    root_keys = keys[pair_name[first_pair]]
    cas_lists = _cas_lists(n_groups, layout, parts, labels, group_of_label, pair_cell)
    return Identities(display, root_keys, cas_lists, group_entry[0], group_entry[1], group_shpf[0], group_shpf[1])


def _display_names(n_groups, group_entry, group_of_pair, names, pair_name, counts) -> np.ndarray:
    """Return each chemical's name: its Annex III entry's short name, else its most used name (then the shortest, the first seen)."""
    index = annex_iii_index()
    width = len(names) + 1
    pair_combo, combo = factorize_ints(group_of_pair.astype(np.int64) * width + pair_name)
    used = np.bincount(pair_combo, weights=counts, minlength=len(combo))
    first = np.full(len(combo), len(pair_name), dtype=np.int64)
    np.minimum.at(first, pair_combo, np.arange(len(pair_name)))
    g, nm = combo // width, combo % width
    lengths = np.array([len(x) or 1 << 30 for x in names], dtype=np.int64)[nm]  # a blank name comes last
    order = np.lexsort((first, lengths, -used, g))
    ranked = g[order]
    head = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])  # the best name of each chemical leads its run
    best = np.zeros(n_groups, dtype=np.int64)
    best[g[order][head]] = nm[order][head]
    display = names[best].astype(object)
    if group_entry.shape[1]:
        lowest = np.full(n_groups, len(index.entry_ids), dtype=np.int64)
        np.minimum.at(lowest, group_entry[0], group_entry[1])
        listed = np.flatnonzero(lowest < len(index.entry_ids))
        short = np.array([index.by_id[i][0].short_name for i in index.entry_ids], dtype=object)
        display[listed] = short[lowest[listed]]
    return display


def _cas_lists(n_groups, layout, parts, labels, group_of_label, pair_cell) -> np.ndarray:
    """Return each chemical's CAS numbers in the order first seen (one shared empty list where it has none)."""
    empty: list = []
    out = np.empty(n_groups, dtype=object)
    out.fill(empty)
    number_uniques = parts["number_uniques"]
    if not len(number_uniques):
        return out
    n_numbers = len(number_uniques)
    g = group_of_label.get_indexer(labels[layout["number"] + np.arange(n_numbers)])
    # first seen: the first pair naming a cell that holds the number, then the number's place in that cell
    first_cell = np.full(layout["number"] - layout["cell"], len(pair_cell), dtype=np.int64)
    np.minimum.at(first_cell, pair_cell, np.arange(len(pair_cell)))
    cas_item, number_codes = parts["cas_item"], parts["number_codes"]
    place = np.arange(len(cas_item)) - np.searchsorted(cas_item, cas_item)
    seen = np.full(n_numbers, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(seen, number_codes, first_cell[cas_item] * 1024 + np.minimum(place, 1023))
    keep = g >= 0
    order = np.lexsort((seen[keep], g[keep]))
    gs, values = g[keep][order], np.asarray(number_uniques, dtype=object)[keep][order]
    starts = np.flatnonzero(np.r_[True, gs[1:] != gs[:-1]]) if len(gs) else np.array([], dtype=np.int64)
    single = np.diff(np.r_[starts, len(gs)]) == 1
    out[gs[starts[single]]] = np.array([[v] for v in values[starts[single]].tolist()] + [None], dtype=object)[:-1]
    for s, e in zip(starts[~single].tolist(), np.r_[starts, len(gs)][1:][~single].tolist(), strict=True):
        out[gs[s]] = values[s:e].tolist()
    return out
