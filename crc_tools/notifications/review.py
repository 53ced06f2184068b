"""Review status per chemical and category (Article 5.5 and 5.6).

For each chemical and category:

* ``regions_verified`` — distinct PIC regions with at least one notification the
  Secretariat has verified under Annex I; ``forward_to_crc`` when there are two
  (Article 5.5);
* ``regions_meeting_criteria`` — distinct PIC regions with at least one notification
  the committee concluded meets Annex II; ``recommend_listing`` when there are two
  (Article 5.6 with Annex II);
* ``listed_in_annex_iii`` — whether Annex III already lists the chemical in that
  category (an SHPF entry does not list the chemical as a pesticide).

Regions are counted distinctly: several notifications from one region never make two;
the European Union counts once, for Europe, together with any of its member States.
A count that rests on an inferred region is flagged; a notification from a country
without an established region is reported and not counted.

One precedent is applied and named where it applies: a chemical already listed in
Annex III in one category can be recommended in another on one notification meeting
Annex II in the new category, because the two-region basis of the chemical was
established by the earlier listing (CRC-10/5: tributyltin compounds as industrial
chemicals, on Canada's notification, recalling RC-4/5).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pandas as pd

from ..codes import factorize, factorize_ints, flags
from ..convention.cas import split_cas
from ..convention.reference import CATEGORY_LABELS, PIC_REGIONS, annex_iii_matches
from ..text import normalize_name, salt_base
from .criteria import NONE_RECORDED, RECORDED, conclusions
from .verification import verification_status

PRECEDENT_ADDITIONAL_CATEGORY = (
    "additional category: the chemical is already listed in Annex III as {other}; one notification meeting "
    "Annex II in this category suffices (precedent CRC-10/5, tributyltin compounds as industrial chemicals)"
)

STATUS_COLUMNS = [
    "chemical",
    "category",
    "notifications",
    "parties",
    "regions_notified",
    "regions_verified",
    "regions_meeting_criteria",
    "forward_to_crc",
    "recommend_listing",
    "listed_in_annex_iii",
    "recommend_new_listing",
    "annex_iii_entry",
    "stage",
    "missing",
    "inferred_regions",
    "unplaced_parties",
    "basis",
    "cas_numbers",
    "conclusions",
]


class _UnionFind:
    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


# The keys of `crc status --format json` (the command-line contract in DESIGN.md, then the suite's own).
STATUS_JSON_COLUMNS = [
    "chemical", "category", "regions_verified", "regions_meeting_criteria", "forward_to_crc", "recommend_listing",
    "listed_in_annex_iii", "recommend_new_listing", "annex_iii_entry", "stage", "missing", "notifications", "parties", "regions_notified",
    "inferred_regions", "unplaced_parties", "basis", "cas_numbers", "conclusions",
]


@dataclass(frozen=True)
class ChemicalIdentity:
    """The chemical a group of notifications concerns."""

    key: str
    name: str
    cas_numbers: tuple[str, ...]
    annex_iii: tuple  # AnnexIIIEntry objects matched (pesticide, industrial)
    shpf_entries: tuple = ()  # SHPF entries naming formulations of it


def identify_chemicals(df: pd.DataFrame) -> tuple[np.ndarray, dict[int, ChemicalIdentity]]:
    """Group notifications that concern the same chemical.

    Notifications are the same chemical when they share a normalised name, a CAS
    number, or an Annex III entry (non-SHPF) they match, or when one names a salt or
    ester of the chemical another names (``paraquat dichloride``, ``paraquat``). Returns
    an integer key per row and the identity of each key.
    """
    if df.empty:
        return np.array([], dtype=np.int64), {}
    name_codes, name_uniques = factorize(df["chemical"])
    if "cas_number" in df.columns:
        cas_codes, cas_uniques = factorize(df["cas_number"])
    else:
        cas_codes, cas_uniques = np.zeros(len(df), dtype=np.int64), np.array([""], dtype=object)
    pair_codes, pair_uniques = pd.factorize(name_codes.astype(np.int64) * (len(cas_uniques) + 1) + cas_codes)
    uf = _UnionFind()
    pairs = []
    counts = np.bincount(pair_codes, minlength=len(pair_uniques))
    for code in pair_uniques:
        raw_name = name_uniques[code // (len(cas_uniques) + 1)]
        name = "" if raw_name is None or raw_name is pd.NA else str(raw_name)
        raw_cas = cas_uniques[code % (len(cas_uniques) + 1)]
        c = "" if raw_cas is None or raw_cas is pd.NA else str(raw_cas)
        cas_list = split_cas(c)
        matched = annex_iii_matches(name, cas_list)
        entries = tuple(e for e in matched if e.category != "shpf")
        shpf = tuple(e for e in matched if e.category == "shpf")
        node = "n:" + (normalize_name(name) or f"?{code}")
        uf.find(node)
        for x in cas_list:
            uf.union(node, "c:" + x)
        for e in entries:
            uf.union(node, "a:" + e.entry_id)
        pairs.append((node, name, cas_list, entries, shpf))
    # A salt named as such is the chemical another notification names without it
    # ("paraquat dichloride" and "paraquat"): Annex III lists chemicals with their salts.
    nodes = {p[0] for p in pairs}
    for node, name, *_ in pairs:
        parent = salt_base(name)
        if parent and "n:" + parent in nodes:
            uf.union(node, "n:" + parent)
    groups: dict[str, dict] = {}
    pair_key = []
    for i, (node, name, cas_list, entries, shpf) in enumerate(pairs):
        root = uf.find(node)
        g = groups.setdefault(root, {"names": {}, "cas": {}, "entries": {}, "shpf": {}})
        for e in shpf:
            g["shpf"][e.entry_id] = e
        g["names"][name] = g["names"].get(name, 0) + int(counts[i])
        for x in cas_list:
            g["cas"][x] = None
        for e in entries:
            g["entries"][(e.entry_id, e.category)] = e
        pair_key.append(root)
    identities: dict[int, ChemicalIdentity] = {}
    number = {root: i for i, root in enumerate(groups)}
    for root, g in groups.items():
        entries = tuple(g["entries"].values())
        if entries:
            display = entries[0].short_name
        else:
            display = max(g["names"].items(), key=lambda kv: (kv[1], -len(kv[0])))[0]
        identities[number[root]] = ChemicalIdentity(root, display, tuple(g["cas"]), entries, tuple(g["shpf"].values()))
    keys = np.array([number[r] for r in pair_key], dtype=np.int64)[pair_codes]
    return keys, identities


def _entries_for(identity: ChemicalIdentity, as_of: dt.date | None):
    entries = list(identity.annex_iii)
    if as_of is not None:
        entries = [e for e in entries if e.listed_on <= as_of]
    return entries


def prepare(notifications: pd.DataFrame, determinations: pd.DataFrame | None = None, *, today: dt.date | None = None, keys=None) -> pd.DataFrame:
    """Return the notifications with what the review needs: chemical key, verified, the committee's Annex II conclusion.

    ``verified`` is the Secretariat's recorded verification only (Article 5.3, 5.5): nothing
    implies it, not even an Annex II conclusion.
    """
    con_cols = ("annex_ii_status", "annex_ii_basis", "annex_ii_source", "committee_conclusion", "latest_proposal", "proposal_disagrees", "conflict_entries")
    if notifications.empty:
        return notifications.assign(chemical_key=pd.Series(dtype=object), verified=pd.Series(dtype=bool), **{c: pd.Series(dtype=object) for c in con_cols})
    ver = verification_status(notifications, today=today, with_items=False, with_deadlines=False)
    con = conclusions(notifications, determinations)
    if keys is None:
        keys, _ = identify_chemicals(notifications)
    return notifications.reset_index(drop=True).assign(
        chemical_key=keys,
        verified=ver["verified"].to_numpy(dtype=bool),
        verification_basis=pd.Categorical(ver["verification_basis"]),
        **{c: con[c].array for c in con_cols},
    )


def review_status(
    notifications: pd.DataFrame,
    determinations: pd.DataFrame | None = None,
    *,
    as_of: dt.date | None = None,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Return the review status: one row per chemical and category (Article 5.5-5.6).

    Parameters
    ----------
    notifications : DataFrame
        Validated notifications (:func:`crc_tools.intake.reader.load`).
    determinations : DataFrame, optional
        Recorded determinations (case files, register).
    as_of : datetime.date, optional
        Judge ``listed_in_annex_iii`` against Annex III as it stood on that date (to
        replay a past meeting); default: Annex III as in force now.
    today : datetime.date, optional
        Reference date for deadlines.
    """
    if notifications is None or notifications.empty:
        return pd.DataFrame(columns=STATUS_COLUMNS)
    keys, identities = identify_chemicals(notifications)
    df = prepare(notifications, determinations, today=today, keys=keys)
    t = _tally(df)
    notes = conclusion_notes(df, t.group_codes, t.reviewed_flag, t.disregarded_flag)
    listed_by_key = {key: {e.category: e for e in _entries_for(ident, as_of)} for key, ident in identities.items()}
    rows = [
        _status_row(t, g, identities[key], str(category), listed_by_key[key], notes.get(g, ("", [], [])), as_of)
        for g, (key, category) in enumerate(t.group_uniques)
    ]
    out = pd.DataFrame(rows, columns=STATUS_COLUMNS)
    return out.sort_values(["chemical", "category"], key=lambda s: s.str.casefold()).reset_index(drop=True)


def _tally(df: pd.DataFrame) -> SimpleNamespace:
    """Return per group (chemical and category) the PIC regions notified, verified, meeting Annex II, and the Parties.

    Regions are bits of :data:`PIC_REGIONS`, gathered over codes of the distinct values, never
    per row in Python (Article 5.5: distinct regions; several notifications of one region count once).
    """
    def codes_of(column: str):
        codes, uniques = factorize(df[column])
        return codes, ["" if u is None or u is pd.NA else str(u) for u in uniques]

    region_codes, region_uniques = codes_of("pic_region")
    basis_codes, basis_uniques = codes_of("region_basis")
    party_codes, party_uniques = codes_of("notifying_party")
    cat_codes, cat_uniques = codes_of("category")
    st_codes, st_uniques = codes_of("annex_ii_status")
    key_codes = df["chemical_key"].to_numpy(dtype=np.int64)
    verified_flag = df["verified"].to_numpy(dtype=bool)
    # Only a verified notification can have been forwarded and reviewed (Article 5.5, 5.6):
    # an Annex II conclusion on one the Secretariat recorded as incomplete does not count.
    is_met = flags(st_codes, st_uniques, lambda u: u == "met")
    concluded_flag = flags(st_codes, st_uniques, lambda u: u in ("met", "not_met"))
    disregarded_flag = concluded_flag & ~verified_flag
    met_flag = is_met & verified_flag
    reviewed_flag = concluded_flag & verified_flag
    inferred_flag = flags(basis_codes, basis_uniques, lambda b: "inferred" in b)
    region_index = {r: i for i, r in enumerate(PIC_REGIONS)}
    # A joint notification counts in each of its Parties' regions: its region text lists them.
    region_bits_u = np.array([sum(1 << region_index[r] for r in u.split(";") if r in region_index) for u in region_uniques], dtype=np.int64)
    bit = region_bits_u[region_codes]
    placed = bit > 0
    n_cat = len(cat_uniques) + 1
    group_codes, group_combined = factorize_ints(key_codes * n_cat + cat_codes)
    group_uniques = [(int(c // n_cat), cat_uniques[c % n_cat]) for c in group_combined]
    n_groups = len(group_uniques)

    n_bits = 1 << len(PIC_REGIONS)
    dense = n_groups * n_bits <= 4 * len(bit) + 1024  # a table of (group, regions) pairs costs less than bitwise_or.at
    bit_values = np.arange(n_bits, dtype=np.int64)

    def mask_of(selector: np.ndarray) -> np.ndarray:
        """Return the PIC regions (bits of PIC_REGIONS) of the selected notifications, per group."""
        if dense:
            seen = np.bincount(group_codes[selector] * n_bits + bit[selector], minlength=n_groups * n_bits).reshape(n_groups, n_bits)
            return np.bitwise_or.reduce(np.where(seen > 0, bit_values, 0), axis=1)
        out = np.zeros(n_groups, dtype=np.int64)
        np.bitwise_or.at(out, group_codes[selector], bit[selector])
        return out

    notified_m = mask_of(placed)
    verified_m = mask_of(placed & verified_flag)
    met_m = mask_of(placed & met_flag)
    reviewed_m = mask_of(placed & reviewed_flag)
    # A region rests on inference when every notification placing it there does.
    stated_v = mask_of(placed & verified_flag & ~inferred_flag)
    stated_m = mask_of(placed & met_flag & ~inferred_flag)
    inferred_m = (verified_m & ~stated_v) | (met_m & ~stated_m)
    counts = np.bincount(group_codes, minlength=n_groups)
    # The Parties of each group (a joint notification names several, separated by ";"),
    # and those without an established region: from the distinct (group, Party) pairs.
    n_p = len(party_uniques) + 1
    names_of_party = [tuple(u.split(";")) for u in party_uniques]
    pair = factorize_ints(group_codes.astype(np.int64) * n_p + party_codes.astype(np.int64))[1]
    pair_group, pair_party = np.divmod(pair, n_p)
    bounds = np.searchsorted(pair_group, np.arange(n_groups + 1))
    parties_of = [set().union(*(names_of_party[c] for c in pair_party[bounds[g]:bounds[g + 1]].tolist())) for g in range(n_groups)]
    unplaced_of: list[set] = [set() for _ in range(n_groups)]
    if not placed.all():
        upair = np.unique(group_codes[~placed].astype(np.int64) * n_p + party_codes[~placed].astype(np.int64))
        for g, c in zip(*(a.tolist() for a in np.divmod(upair, n_p)), strict=True):
            unplaced_of[g].update(names_of_party[c])
    return SimpleNamespace(
        group_codes=group_codes, group_uniques=group_uniques, reviewed_flag=reviewed_flag, disregarded_flag=disregarded_flag,
        notified_m=notified_m, verified_m=verified_m, met_m=met_m, reviewed_m=reviewed_m, inferred_m=inferred_m,
        counts=counts, parties_of=parties_of, unplaced_of=unplaced_of,
    )


_DECODE = [[r for i, r in enumerate(PIC_REGIONS) if m >> i & 1] for m in range(1 << len(PIC_REGIONS))]
"""The PIC regions of each bit mask, in the order of :data:`PIC_REGIONS`."""


def _status_row(t: SimpleNamespace, g: int, ident: ChemicalIdentity, category: str, listed: dict, notes: tuple, as_of) -> dict:
    """Return the status row of one chemical and category (Article 5.5, 5.6, 7; precedent CRC-10/5)."""
    decode, counts, parties_of, unplaced_of = _DECODE, t.counts, t.parties_of, t.unplaced_of
    verified_m, met_m, notified_m, inferred_m, reviewed_m = t.verified_m, t.met_m, t.notified_m, t.inferred_m, t.reviewed_m
    verified, met = decode[verified_m[g]], decode[met_m[g]]
    notified, inferred = decode[notified_m[g]], decode[inferred_m[g]]
    n_reviewed = bin(int(reviewed_m[g])).count("1")
    unplaced = sorted(unplaced_of[g])
    entry = listed.get(category)
    other = [c for c in listed if c != category and c in ("pesticide", "industrial")]
    forward = len(verified) >= 2
    recommend = len(met) >= 2
    basis_notes = []
    precedent = PRECEDENT_ADDITIONAL_CATEGORY.format(other=", ".join(CATEGORY_LABELS[c].lower() for c in other))
    if not forward and len(verified) == 1 and other:
        forward = True
        basis_notes.append(precedent)
    if not recommend and len(met) == 1 and other:
        recommend = True
        if precedent not in basis_notes:
            basis_notes.append(precedent)
    shpf = [e for e in ident.shpf_entries if as_of is None or e.listed_on <= as_of]
    if category == "pesticide" and entry is None and shpf:
        basis_notes.append("Annex III lists only formulations of it, as severely hazardous pesticide formulations: " + "; ".join(e.chemical for e in shpf))
    conflict_note, group_notes, concluded_on = notes
    basis_notes.extend(group_notes)
    if inferred:
        basis_notes.append("rests on inferred PIC region(s): " + ", ".join(inferred) + " (assigned from FAO groups and geography, not read from decision RC-1/2)")
    stage, missing = _stage_and_missing(len(verified), len(met), n_notified=len(notified), n_reviewed=n_reviewed, forward=forward, recommend=recommend, entry=entry, unplaced=unplaced)
    if conflict_note and entry is None and not recommend:
        missing = f"{conflict_note}; {missing}"
    return {
        "chemical": ident.name,
        "category": str(category),
        "notifications": int(counts[g]),
        "parties": sorted(parties_of[g]),
        "regions_notified": notified,
        "regions_verified": verified,
        "regions_meeting_criteria": met,
        "forward_to_crc": bool(forward),
        "recommend_listing": bool(recommend),
        "listed_in_annex_iii": entry is not None,
        "recommend_new_listing": bool(recommend) and entry is None,
        "annex_iii_entry": f"{entry.chemical} — {entry.category_label}, {entry.listing}" if entry is not None else "",
        "stage": stage,
        "missing": missing,
        "inferred_regions": inferred,
        "unplaced_parties": unplaced,
        "basis": "; ".join(basis_notes),
        "cas_numbers": list(ident.cas_numbers),
        "conclusions": concluded_on,
    }


def conclusion_notes(df: pd.DataFrame, group_codes: np.ndarray, reviewed: np.ndarray, disregarded: np.ndarray) -> dict[int, tuple[str, list[str], list[str]]]:
    """Return per group what ``missing`` and ``basis`` say about the committee's conclusions (Article 5.6).

    ``missing`` names the notifications whose committee entries conflict and how to settle it;
    ``basis`` names them with the entries concerned, the committee's conclusions read from the
    register, the latest task group / contact group proposals (shown, never counted), and the
    conclusions not counted because the notification is not verified under Annex I.
    The third item lists, per notification on which a determination is recorded (case file or
    register) or proposed, the committee's conclusion, the latest proposal and whether they
    disagree (a conclusion read from a bulk table's ``annex_ii_conclusion`` column alone is the
    table's own row, and is not repeated). Only the (few) notifications with such a note are visited.
    """
    out: dict[int, tuple[str, list[str]]] = {}
    ids = _At(df["notification_id"])  # values read at the few positions visited, not converted for every row

    def rows(mask: np.ndarray):
        at = np.flatnonzero(mask)
        return zip(group_codes[at].tolist(), at.tolist(), strict=True)

    def where(column: str, test) -> np.ndarray:
        codes, uniques = factorize(df[column])
        return flags(codes, ["" if u is None or u is pd.NA else str(u) for u in uniques], test)

    def add(g: int, kind: str, text: str) -> None:
        out.setdefault(g, {}).setdefault(kind, []).append(text)

    status, source = _At(df["annex_ii_status"]), _At(df["annex_ii_source"])
    conflict = np.asarray(df["annex_ii_status"] == "conflict", dtype=bool)
    for g, i in rows(conflict):
        add(g, "conflict", f"{ids[i]}: {df['conflict_entries'].iat[i]}")
    for g, i in rows(reviewed & where("annex_ii_source", lambda u: "register entr" in u)):
        add(g, "register", f"{ids[i]} {str(status[i]).replace('_', ' ')} ({source[i]})")
    for g, i in rows(where("latest_proposal", lambda u: u != "")):
        add(g, "proposal", f"{ids[i]}: {df['latest_proposal'].iat[i]}" + (" (the committee concluded otherwise)" if df["proposal_disagrees"].iat[i] else ""))
    for g, i in rows(disregarded):
        add(g, "disregarded", str(ids[i]))
    recorded = where("annex_ii_basis", lambda u: u not in (RECORDED, NONE_RECORDED)) | where("latest_proposal", lambda u: u != "")
    for g, i in rows(recorded):
        add(g, "conclusions", conclusion_line(ids[i], df["committee_conclusion"].iat[i], df["latest_proposal"].iat[i], bool(df["proposal_disagrees"].iat[i]), status[i]))
    result = {}
    for g, kinds in out.items():
        notes = []
        if "conflict" in kinds:
            notes.append("the committee's own entries conflict, not counted until settled: " + "; ".join(kinds["conflict"][:10]))
        if "register" in kinds:
            notes.append("Annex II conclusions from the register of determinations: " + _some(kinds["register"]))
        if "proposal" in kinds:
            notes.append("proposals, not the committee's conclusion (never counted): " + _some(kinds["proposal"]))
        if "disregarded" in kinds:
            notes.append(
                "Annex II conclusion(s) not counted, as the notification(s) are not verified under Annex I (no verification recorded, "
                "or found incomplete; Article 5.5 forwards only verified notifications): " + _some(kinds["disregarded"])
            )
        conflict_ids = [t.split(":", 1)[0] for t in kinds.get("conflict", [])]
        missing = f"the committee's entries on {_some(conflict_ids)} conflict: a new committee entry that supersedes one (see basis)" if conflict_ids else ""
        result[g] = (missing, notes, kinds.get("conclusions", []))
    return result


class _At:
    """A column read at single positions (``column[i]``) without converting the whole column."""

    def __init__(self, column: pd.Series):
        self.column = column

    def __getitem__(self, i: int):
        return self.column.iat[i]


def conclusion_line(subject_id, committee: str, proposal: str, disagrees: bool, status: str) -> str:
    """Return one notification's (or proposal's) conclusion in words: the committee's, the latest proposal, and whether they disagree."""
    if status == "conflict":
        head = "committee: its entries conflict"
    else:
        head = f"committee: {committee}" if committee else "committee: no conclusion yet"
    return f"{subject_id}: {head}" + (f"; {proposal}" if proposal else "") + ("; the committee's conclusion and the proposal disagree" if disagrees else "")


def _some(ids: list[str], shown: int = 10) -> str:
    """Return the first ``shown`` ids, and how many more there are."""
    more = len(ids) - shown
    return ", ".join(ids[:shown]) + (f" and {more:,} more" if more > 0 else "")


def _stage_and_missing(n_verified: int, n_met: int, *, n_notified: int, n_reviewed: int, forward: bool, recommend: bool, entry, unplaced) -> tuple[str, str]:
    if entry is not None:
        stage = "listed in Annex III"
        missing = f"already listed ({entry.listing}); not to be recommended again in this category"
        if recommend:
            missing = f"already listed ({entry.listing}); the committee's conclusions stand, no new listing needed"
        return stage, missing
    if recommend:
        return "recommended", "a draft decision guidance document (Article 7.1)"
    if n_met == 1:
        stage, missing = "criteria met in one region", "needs a notification meeting Annex II from a second PIC region"
    elif n_reviewed and n_met == 0 and n_reviewed >= n_verified:
        stage = "reviewed: Annex II not met"
        missing = "no notification meets Annex II; needs notifications meeting Annex II from two PIC regions"
    elif forward:
        stage = "forwarded to the CRC"
        missing = "the committee's review against Annex II (Article 5.6)"
    elif n_verified == 1:
        stage, missing = "verified", "needs a verified notification from a second PIC region (Article 5.5)"
    elif n_notified:
        stage, missing = "received", "Secretariat's verification under Annex I (Article 5.3)"
        if n_notified == 1:
            missing += "; and a notification from a second PIC region"
    else:
        stage, missing = "received", "a notification from a country with an established PIC region"
    if unplaced:
        missing += f"; notifications from {', '.join(unplaced)} are not counted until a PIC region is set"
    return stage, missing


def awaiting_second_region(status: pd.DataFrame) -> pd.DataFrame:
    """Return chemicals not in Annex III with verified notifications from one region only (PIC Circular Appendix V)."""
    if status.empty:
        return status
    mask = (~status["listed_in_annex_iii"]) & (status["regions_verified"].map(len) == 1) & (~status["forward_to_crc"])
    return status.loc[mask].reset_index(drop=True)
