"""Annex III entries that cover a group of chemicals, declared once as data, and the matcher that uses them.

Many Annex III entries list more than their headline chemical: "Dinoseb *and its salts and
esters*", "*Mercury compounds*, including inorganic mercury compounds, alkyl mercury
compounds and alkyloxyalkyl and aryl mercury compounds", "*Tributyltin compounds* (all,
including …)", "Perfluorooctane sulfonic acid, *perfluorooctane sulfonates, … sulfonamides
and … sulfonyls*", "*Polybrominated biphenyls*", "Commercial pentabromodiphenyl ether
(*including* tetrabromodiphenyl ether and pentabromodiphenyl ether)". Annex III prints only
the parent CAS numbers (its footnote sends the reader to the decision guidance document).
``data/reference/annex_iii_groups.csv`` declares, per group entry, its known members (names
and CAS numbers, each with its source) and the rules that match a name to the entry:

``salts_and_esters``  the name is a stem (``dinoseb``, ``pentachlorophenate``) plus words that
                      name a salt (a cation, ``salt``) or an ester (an alcohol radical, an acid
                      anion, ``ester``): ``dinoseb acetate``, ``sodium pentachlorophenate``;
``salts``             the same with salt words only ("and its salts": ``DNOC sodium salt``);
``contains``          the name contains a stem, also inside a word (``methylmercury chloride``,
                      ``phenylmercuric acetate``), and none of the excluded words
                      (``mercury-free``, ``elemental mercury``), and is not the stem alone
                      (elemental mercury is not a mercury compound).

:func:`match_entries` answers for many names and CAS numbers at once, by vectorised string
operations over the distinct values (pyarrow), so a million notifications naming a hundred
thousand chemicals cost no Python loop per chemical.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..text import name_variants, normalize_name, normalize_names
from .annex_iii import AnnexIIIEntry, annex_iii
from .cas import cas_problem, split_cas
from .files import ReferenceDataError, read_csv, ref_path, require_columns

RELATIONS = ("parent", "salt", "ester", "compound", "isomer", "mixture", "related", "pattern")
RULE_KINDS = ("salts_and_esters", "salts", "contains")

SALT_WORDS = (
    "salt salts sodium disodium trisodium potassium dipotassium ammonium lithium calcium magnesium barium copper zinc iron "
    "na k li nh4 amine amines alkanolamine ethanolamine diethanolamine triethanolamine dimethylamine diethylamine triethylamine "
    "isopropylamine trimethylamine olamine diolamine trolamine chloride bromide sulfate sulphate"
).split()
"""Words that name a salt of a parent acid or base; any word ending in ``ammonium`` or ``amine`` also counts."""

ESTER_WORDS = (
    "ester esters methyl ethyl propyl isopropyl butyl isobutyl sec tert pentyl amyl hexyl heptyl octyl isooctyl ethylhexyl "
    "butoxyethyl butoxypropyl propylene glycol acetate laurate propionate benzoate oleate"
).split()
"""Words that name an ester (the alcohol radical, or the acid of a phenol's ester)."""


@dataclass(frozen=True)
class GroupMember:
    """A chemical an Annex III group entry covers, named by a source."""

    entry_id: str
    name: str
    cas_number: str
    relation: str
    source: str
    source_url: str = ""
    notes: str = ""


@dataclass(frozen=True)
class GroupRule:
    """How names are matched to a group entry (a ``pattern`` row of the data file)."""

    entry_id: str
    kind: str
    stems: tuple[str, ...]
    exclude: tuple[str, ...]
    wording: str
    source: str

    def pattern(self) -> str:
        """Return the RE2 regular expression a normalised name must match."""
        stems = "|".join(sorted(self.stems, key=len, reverse=True))
        if self.kind == "contains":
            return f"(?:{stems})"
        words = SALT_WORDS + (ESTER_WORDS if self.kind == "salts_and_esters" else [])
        w = "(?:" + "|".join(sorted(words, key=len, reverse=True)) + r"|[0-9]+|[a-z]*ammonium|[a-z]*amine)"
        return f"^(?:(?:{w} )+(?:{stems})(?: {w})*|(?:{stems})(?: {w})+)$"


@dataclass(frozen=True)
class AnnexIIIGroup:
    """A group entry of Annex III: its members and rules."""

    entry_id: str
    members: tuple[GroupMember, ...]
    rules: tuple[GroupRule, ...]

    @property
    def cas_numbers(self) -> tuple[str, ...]:
        """Return every CAS number the group's members carry."""
        return tuple(dict.fromkeys(m.cas_number for m in self.members if m.cas_number))


def _split(text: str) -> tuple[str, ...]:
    return tuple(k for k in (normalize_name(p) for p in str(text or "").split(";")) if k)


def _check_row(path, n: int, row: dict, entries: dict) -> None:
    def fail(message: str, field_name: str):
        raise ReferenceDataError(message, source=str(path), record=str(n), field_name=field_name)

    if row["entry_id"] not in entries:
        fail(f"'{row['entry_id']}' is not an entry of annex_iii.csv", "entry_id")
    if row["relation"] not in RELATIONS:
        fail(f"relation must be one of {', '.join(RELATIONS)}", "relation")
    if not row["source"]:
        fail("every member and rule names its source", "source")
    if row["cas_number"] and cas_problem(row["cas_number"]):
        fail(cas_problem(row["cas_number"]), "cas_number")
    if row["relation"] == "pattern":
        if row["rule"] not in RULE_KINDS:
            fail(f"rule must be one of {', '.join(RULE_KINDS)}", "rule")
        if not _split(row["stems"]):
            fail("a rule names at least one stem", "stems")
    elif row["rule"] or row["stems"]:
        fail("only a pattern row carries a rule", "rule")
    if row["relation"] != "pattern" and not (row["member_name"] or row["cas_number"]):
        fail("a member has a name or a CAS number", "member_name")


@lru_cache(maxsize=None)
def annex_iii_groups() -> dict[str, AnnexIIIGroup]:
    """Return the group entries of ``annex_iii_groups.csv`` by entry id, validated.

    Every ``entry_id`` is an Annex III entry; every CAS number is valid and belongs to one
    entry only (no CAS number of another entry's own listing either), so a chemical can never
    be matched to two entries by its number.
    """
    path = ref_path("annex_iii_groups.csv")
    rows = read_csv(path)
    require_columns(path, rows, ("entry_id", "member_name", "cas_number", "relation", "rule", "stems", "exclude", "source", "source_url", "notes"))
    entries = {e.entry_id: e for e in annex_iii()}
    owner = {c: e.entry_id for e in annex_iii() for c in e.cas_numbers}
    members: dict[str, list[GroupMember]] = {}
    rules: dict[str, list[GroupRule]] = {}
    for n, row in enumerate(rows, start=2):
        _check_row(path, n, row, entries)
        entry_id, cas = row["entry_id"], row["cas_number"]
        if cas and owner.setdefault(cas, entry_id) != entry_id:
            raise ReferenceDataError(f"CAS number {cas} belongs to the entry '{owner[cas]}' already", source=str(path), record=str(n), field_name="cas_number")
        if row["relation"] == "pattern":
            rules.setdefault(entry_id, []).append(GroupRule(entry_id, row["rule"], _split(row["stems"]), _split(row["exclude"]), row["member_name"], row["source"]))
        else:
            members.setdefault(entry_id, []).append(GroupMember(entry_id, row["member_name"], cas, row["relation"], row["source"], row["source_url"], row["notes"]))
    ids = list(dict.fromkeys(r["entry_id"] for r in rows))
    return {i: AnnexIIIGroup(i, tuple(members.get(i, ())), tuple(rules.get(i, ()))) for i in ids}


# --------------------------------------------------------------------------- the index


@dataclass(frozen=True)
class _Index:
    entry_ids: tuple[str, ...]  # distinct entry ids, in the order of annex_iii()
    by_id: dict  # entry id -> tuple of AnnexIIIEntry (one per category)
    name_keys: object  # pandas Index of name keys
    name_targets: tuple  # per key: tuple of entry positions
    cas_keys: object  # pandas Index of CAS numbers
    cas_targets: np.ndarray  # per CAS number: entry position
    rules: tuple  # (entry position, GroupRule, pattern, exclusion pattern, stems)
    any_stem: str  # a pattern matching a name that holds any rule's stem


def _heading_keys(e: AnnexIIIEntry) -> set[str]:
    keys = set(name_variants(e.chemical)) | set(name_variants(e.short_name)) | {normalize_name(a) for a in e.aliases}
    if e.category != "shpf":
        # "Dinoseb and its salts and esters" is found as "dinoseb".
        for suffix in (" and its salts and esters", " and its salts", ", its salts and pfoa-related compounds"):
            if e.chemical.casefold().endswith(suffix):
                keys.add(normalize_name(e.chemical[: -len(suffix)]))
    return keys - {""}


@lru_cache(maxsize=None)
def _index() -> _Index:
    import pandas as pd

    by_id: dict[str, list[AnnexIIIEntry]] = {}
    for e in annex_iii():
        by_id.setdefault(e.entry_id, []).append(e)
    entry_ids = tuple(by_id)
    position = {i: k for k, i in enumerate(entry_ids)}
    names: dict[str, set[int]] = {}
    cas: dict[str, int] = {}
    for entry_id, es in by_id.items():
        for e in es:
            for k in _heading_keys(e):
                names.setdefault(k, set()).add(position[entry_id])
            for c in e.cas_numbers:
                cas.setdefault(c, position[entry_id])
    groups = annex_iii_groups()
    rules = []
    for entry_id, group in groups.items():
        for m in group.members:
            for k in name_variants(m.name):
                names.setdefault(k, set()).add(position[entry_id])
            if m.cas_number:
                cas.setdefault(m.cas_number, position[entry_id])
        for r in group.rules:
            exclusion = r"\b(?:" + "|".join(r.exclude) + r")\b" if r.exclude else ""
            rules.append((position[entry_id], r, r.pattern(), exclusion, frozenset(r.stems)))
    name_list = list(names)
    return _Index(
        entry_ids=entry_ids,
        by_id={k: tuple(v) for k, v in by_id.items()},
        name_keys=pd.Index(name_list, dtype=object),
        name_targets=tuple(tuple(sorted(names[k])) for k in name_list),
        cas_keys=pd.Index(list(cas), dtype=object),
        cas_targets=np.array(list(cas.values()), dtype=np.int64),
        rules=tuple(rules),
        any_stem="|".join(sorted({st for r in rules for st in r[4]}, key=len, reverse=True)) or "$^",
    )


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class Matches:
    """Which Annex III entries each of many chemicals matches: pairs of (chemical, entry), with how.

    ``item`` indexes the chemicals asked about, ``entry`` the distinct entry ids
    (:attr:`entry_ids`); ``how`` says what matched (``CAS number 131-52-2``, ``name``, ``rule``).
    """

    item: np.ndarray
    entry: np.ndarray
    how: np.ndarray
    entry_ids: tuple[str, ...]

    def entries_of(self, i: int) -> list[str]:
        """Return the entry ids chemical ``i`` matches, in the order found."""
        return list(dict.fromkeys(self.entry_ids[e] for e in self.entry[self.item == i].tolist()))


def _name_variant_keys(names: np.ndarray, whole: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (item, key) for each name's comparison keys: the whole, and for ``A (B)`` also A and B."""
    import pyarrow as pa
    import pyarrow.compute as pc

    raw = pa.array(names, type=pa.string(), from_pandas=True)
    items = [np.arange(len(whole))]
    keys = [whole]
    has_paren = pc.fill_null(pc.match_substring(raw, "("), False).to_numpy(zero_copy_only=False)
    if has_paren.any():
        at = np.flatnonzero(has_paren)
        parts = pc.extract_regex(raw.take(pa.array(at)), r"^(?P<head>.*?)\s*\((?P<inner>.*)\)\s*$")
        for field in ("head", "inner"):
            part = pc.struct_field(parts, field)
            items.append(at)
            keys.append(normalize_names(part))
    item, key = np.concatenate(items), np.concatenate(keys)
    keep = key != ""
    return item[keep], key[keep]


def _rule_matches(keys: np.ndarray, index: _Index) -> tuple[list, list, list]:
    import pyarrow as pa
    import pyarrow.compute as pc

    items, entries, hows = [], [], []
    if not len(keys) or not index.rules:
        return items, entries, hows
    # One pass finds the few names holding any stem; each rule is then tried on those only.
    candidates = np.flatnonzero(pc.match_substring_regex(pa.array(keys, type=pa.string()), index.any_stem).to_numpy(zero_copy_only=False))
    if not len(candidates):
        return items, entries, hows
    keys = np.asarray(keys, dtype=object)[candidates]
    arr = pa.array(keys, type=pa.string())
    for position, rule, pattern, exclusion, stems in index.rules:
        hit = pc.match_substring_regex(arr, pattern).to_numpy(zero_copy_only=False)
        if not hit.any():
            continue
        if exclusion:
            hit &= ~pc.match_substring_regex(arr, exclusion).to_numpy(zero_copy_only=False)
        if rule.kind == "contains":  # the stem alone is the element or parent itself, not a compound of it
            hit &= ~np.isin(keys, list(stems))
        at = candidates[np.flatnonzero(hit)]
        items.append(at)
        entries.append(np.full(len(at), position))
        hows.append(np.full(len(at), f"rule: {rule.wording}", dtype=object))
    return items, entries, hows


def match_entries(names=None, cas=None, *, keys=None) -> Matches:
    """Return the Annex III entries matched by each of many chemicals, named and/or numbered.

    ``names`` and ``cas`` are equally long sequences (either may be ``None``); a CAS cell may
    hold several numbers. A chemical matches an entry by any CAS number the entry or its group
    covers, by its name (or, for ``A (B)``, by A or B) being the entry's name, short name, an
    alias or a named member, or by a group rule (salts, esters, compounds). Work is done over
    the values given, which callers make distinct; ``keys``, when given, are the names already
    normalised (:func:`crc_tools.text.normalize_names`).
    """
    index = _index()
    items, entries, hows = [], [], []
    if cas is not None and len(cas):
        cas_item, cas_value = _split_cas_cells(cas)
        pos = index.cas_keys.get_indexer(cas_value)
        ok = pos >= 0
        items.append(cas_item[ok])
        entries.append(index.cas_targets[pos[ok]])
        hows.append(np.array([f"CAS number {c}" for c in cas_value[ok].tolist()], dtype=object))
    if names is not None and len(names):
        names = np.asarray(names, dtype=object)
        whole = normalize_names(names) if keys is None else np.asarray(keys, dtype=object)
        item, key = _name_variant_keys(names, whole)
        pos = index.name_keys.get_indexer(key)
        ok = np.flatnonzero(pos >= 0)
        if len(ok):
            counts = np.array([len(index.name_targets[p]) for p in pos[ok].tolist()], dtype=np.int64)
            items.append(np.repeat(item[ok], counts))
            entries.append(np.array([e for p in pos[ok].tolist() for e in index.name_targets[p]], dtype=np.int64))
            hows.append(np.full(int(counts.sum()), "name", dtype=object))
        unmatched = np.setdiff1d(np.arange(len(names)), item[ok]) if len(ok) else np.arange(len(names))
        r_items, r_entries, r_hows = _rule_matches(whole[unmatched], index)
        items += [unmatched[i] for i in r_items]
        entries += r_entries
        hows += r_hows
    if not items:
        empty = np.array([], dtype=np.int64)
        return Matches(empty, empty, np.array([], dtype=object), index.entry_ids)
    return Matches(np.concatenate(items).astype(np.int64), np.concatenate(entries).astype(np.int64), np.concatenate(hows), index.entry_ids)


def _split_cas_cells(cells) -> tuple[np.ndarray, np.ndarray]:
    """Return (item, CAS number) for every number in cells that may hold several (``;``, ``,`` or spaces)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pc.utf8_trim_whitespace(pc.fill_null(pa.array(cells, type=pa.string(), from_pandas=True), ""))
    lists = pc.split_pattern_regex(arr, r"[;,\s]+")
    flat = pc.list_flatten(lists).to_numpy(zero_copy_only=False).astype(object)
    item = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False).astype(np.int64)
    keep = flat != ""
    return item[keep], flat[keep]


def annex_iii_matches(name: str = "", cas_numbers=(), *, as_of: dt.date | None = None) -> list[AnnexIIIEntry]:
    """Return the Annex III entries (any category) for a chemical named or numbered so.

    A chemical matches an entry by any of its CAS numbers, including one a group entry covers
    (``131-52-2``, sodium pentachlorophenate), by its name, short name, an alias or a named
    member, or by a group rule (``dinoseb acetate``, ``methylmercury chloride``). With
    ``as_of``, only entries listed on or before that date count (the Annex III then in force).
    """
    index = _index()
    found = match_entries([str(name or "")], [";".join(split_cas(list(cas_numbers)))])
    out = [e for entry_id in found.entries_of(0) for e in index.by_id[entry_id]]
    if as_of is not None:
        out = [e for e in out if e.listed_on <= as_of]
    return out


def covered_by(name: str = "", cas_numbers=()) -> list[dict]:
    """Return how a chemical is covered by Annex III: per entry id, what matched it (for messages and ``crc annex3``)."""
    found = match_entries([str(name or "")], [";".join(split_cas(list(cas_numbers)))])
    out: dict[str, list[str]] = {}
    for e, how in zip(found.entry.tolist(), found.how.tolist(), strict=True):
        out.setdefault(found.entry_ids[e], [])
        if how not in out[found.entry_ids[e]]:
            out[found.entry_ids[e]].append(how)
    return [{"entry_id": k, "matched_by": v} for k, v in out.items()]
