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
without an established region is reported and not counted. Only Parties' notifications
count (Articles 2(g), 5.1, 5.5): one from a State that is not a Party is listed in
``non_parties`` and not counted; one from a State whose status is not established is
counted and ``basis`` says so (:mod:`crc_tools.notifications.party_rules`).

Every step works on codes over distinct values (chemical identity in
:mod:`crc_tools.notifications.identity`, the per-chemical words in
:mod:`crc_tools.notifications.status_parts`): no Python loop runs per chemical.

One precedent is applied and named where it applies: a chemical already listed in
Annex III in one category can be recommended in another on one notification meeting
Annex II in the new category, because the two-region basis of the chemical was
established by the earlier listing (CRC-10/5: tributyltin compounds as industrial
chemicals, on Canada's notification, recalling RC-4/5).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..codes import factorize, factorize_ints, flags
from ..convention.regions import PIC_REGIONS
from .conclusion_notes import conclusion_notes
from .criteria import conclusions
from .identity import ChemicalIdentity, identify_chemicals
from .party_rules import party_codes, party_sets
from .status_parts import PRECEDENT_ADDITIONAL_CATEGORY, basis_notes, listings, stages
from .verification import verification_status

__all__ = ["PRECEDENT_ADDITIONAL_CATEGORY", "ChemicalIdentity", "STATUS_COLUMNS", "STATUS_JSON_COLUMNS", "awaiting_second_region", "identify_chemicals", "prepare", "review_status"]

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
    "non_parties",
    "basis",
    "cas_numbers",
    "conclusions",
]

class _UnionFind:
    """Union-find over strings (used by the SHPF review to group proposals)."""

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
    "inferred_regions", "unplaced_parties", "non_parties", "basis", "cas_numbers", "conclusions",
]


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
    g = _groups(df)
    parties = party_codes(df)
    masks = _region_masks(df, g, parties)
    sets = {
        "parties": party_sets(g["codes"], g["n"], parties.codes, parties.counted_names),
        "unplaced_parties": party_sets(g["codes"], g["n"], parties.codes, parties.counted_names, masks["counted"] & ~masks["placed"]),
        "non_parties": party_sets(g["codes"], g["n"], parties.codes, parties.non_party_names),
        "unknown": party_sets(g["codes"], g["n"], parties.codes, parties.unknown_names, masks["placed"]),
    }
    people = {k: v[0] for k, v in sets.items()} | {"codes": {k: v[1] for k, v in sets.items()}}
    listed = listings(g, identities, as_of)
    decode = np.empty(1 << len(PIC_REGIONS), dtype=object)
    decode[:] = [[r for i, r in enumerate(PIC_REGIONS) if m >> i & 1] for m in range(1 << len(PIC_REGIONS))]
    bits = np.array([bin(m).count("1") for m in range(1 << len(PIC_REGIONS))], dtype=np.int64)
    n_verified, n_met = bits[masks["verified"]], bits[masks["met"]]
    has_other = listed["other"] != ""
    forward = (n_verified >= 2) | ((n_verified == 1) & has_other)
    recommend = (n_met >= 2) | ((n_met == 1) & has_other)
    stage, missing = stages(n_verified, n_met, bits[masks["notified"]], bits[masks["reviewed"]], forward, recommend, listed, people)
    notes = basis_notes(df, g, identities, masks, people, listed, as_of, decode, n_verified, n_met)
    conflict_missing, notes, concluded_on = _conclusion_columns(df, g, masks, listed["listed"] | recommend, missing, notes)
    columns = {
        "chemical": identities.names[g["key"]],
        "category": g["category"],
        "notifications": np.bincount(g["codes"], minlength=g["n"]),
        "parties": people["parties"],
        "regions_notified": decode[masks["notified"]],
        "regions_verified": decode[masks["verified"]],
        "regions_meeting_criteria": decode[masks["met"]],
        "forward_to_crc": forward,
        "recommend_listing": recommend,
        "listed_in_annex_iii": listed["listed"],
        "recommend_new_listing": recommend & ~listed["listed"],
        "annex_iii_entry": listed["label"],
        "stage": stage,
        "missing": conflict_missing,
        "inferred_regions": decode[masks["inferred"]],
        "unplaced_parties": people["unplaced_parties"],
        "non_parties": people["non_parties"],
        "basis": notes,
        "cas_numbers": identities.cas_lists[g["key"]],
        "conclusions": concluded_on,
    }
    # Text and list columns stay object arrays: converting 200,000 names to Arrow strings and back costs more than the review.
    out = pd.DataFrame({k: pd.Series(v, dtype=object if np.asarray(v).dtype == object else None, copy=False) for k, v in columns.items()}, columns=STATUS_COLUMNS)
    order = np.lexsort((columns["category"].astype(str), pd.Series(columns["chemical"], dtype=object).str.casefold().to_numpy(dtype=str)))
    return out.iloc[order].reset_index(drop=True)


def _conclusion_columns(df: pd.DataFrame, g: dict, masks: dict, settled: np.ndarray, missing: np.ndarray, notes: np.ndarray):
    """Return ``missing``, ``basis`` and ``conclusions`` with what the committee's conclusions add (Article 5.6).

    Only the groups with a note are visited: conflicts among the committee's own entries (and
    how to settle them, in ``missing`` unless the chemical is listed or recommended anyway), the
    conclusions read from the register, proposals (shown, never counted), and conclusions on
    notifications not verified under Annex I.
    """
    missing, notes = missing.copy(), notes.copy()
    concluded_on = np.empty(g["n"], dtype=object)
    concluded_on[:] = [[] for _ in range(g["n"])]
    for at, (conflict, words, lines) in conclusion_notes(df, g["codes"], masks["reviewed_rows"], masks["disregarded"]).items():
        if conflict and not settled[at]:
            missing[at] = f"{conflict}; {missing[at]}"
        if words:
            notes[at] = "; ".join([*words, *([notes[at]] if notes[at] else [])])
        concluded_on[at] = lines
    return missing, notes, concluded_on


def _groups(df: pd.DataFrame) -> dict:
    """Return the (chemical, category) group of each row: codes, count, and per group its chemical key and category."""
    cat_codes, cat_uniques = factorize(df["category"])
    cats = ["" if u is None or u is pd.NA else str(u) for u in cat_uniques]
    n_cat = len(cats) + 1
    key_codes = df["chemical_key"].to_numpy(dtype=np.int64)
    codes, combined = factorize_ints(key_codes * n_cat + cat_codes)
    return {
        "codes": codes,
        "n": len(combined),
        "key": (combined // n_cat).astype(np.int64),
        "category": np.array(cats + [""], dtype=object)[combined % n_cat],
    }


def _region_masks(df: pd.DataFrame, g: dict, parties) -> dict:
    """Return per group the PIC regions (bits of PIC_REGIONS) notified, verified, meeting Annex II, reviewed, inferred."""
    def codes_of(column: str):
        codes, uniques = factorize(df[column])
        return codes, ["" if u is None or u is pd.NA else str(u) for u in uniques]

    region_codes, region_uniques = codes_of("pic_region")
    basis_codes, basis_uniques = codes_of("region_basis")
    st_codes, st_uniques = codes_of("annex_ii_status")
    verified_flag = df["verified"].to_numpy(dtype=bool)
    # Only a verified notification can have been forwarded and reviewed (Article 5.5, 5.6):
    # an Annex II conclusion on one the Secretariat recorded as incomplete does not count.
    is_met = flags(st_codes, st_uniques, lambda u: u == "met")
    concluded_flag = flags(st_codes, st_uniques, lambda u: u in ("met", "not_met"))
    met_flag = is_met & verified_flag
    reviewed_flag = concluded_flag & verified_flag
    inferred_flag = flags(basis_codes, basis_uniques, lambda b: "inferred" in b)
    region_index = {r: i for i, r in enumerate(PIC_REGIONS)}
    # A joint notification counts in each of its Parties' regions: its region text lists them.
    region_bits_u = np.array([sum(1 << region_index[r] for r in u.split(";") if r in region_index) for u in region_uniques], dtype=np.int64)
    bit = region_bits_u[region_codes]
    own = parties.region_bits[parties.codes]  # a joint row with a State that is not a Party: its Parties' regions only
    bit = np.where(own >= 0, own, bit)
    counted = parties.counted[parties.codes]
    placed = (bit > 0) & counted
    n_groups, group_codes = g["n"], g["codes"]
    n_bits = 1 << len(PIC_REGIONS)
    dense = n_groups * n_bits <= 4 * len(bit) + 1024  # a table of (group, regions) pairs costs less than bitwise_or.at
    bit_values = np.arange(n_bits, dtype=np.int64)

    def mask_of(selector: np.ndarray) -> np.ndarray:
        if dense:
            seen = np.bincount(group_codes[selector] * n_bits + bit[selector], minlength=n_groups * n_bits).reshape(n_groups, n_bits)
            return np.bitwise_or.reduce(np.where(seen > 0, bit_values, 0), axis=1)
        out = np.zeros(n_groups, dtype=np.int64)
        np.bitwise_or.at(out, group_codes[selector], bit[selector])
        return out

    verified_m, met_m = mask_of(placed & verified_flag), mask_of(placed & met_flag)
    # A region rests on inference when every notification placing it there does.
    inferred_m = (verified_m & ~mask_of(placed & verified_flag & ~inferred_flag)) | (met_m & ~mask_of(placed & met_flag & ~inferred_flag))
    return {
        "notified": mask_of(placed), "verified": verified_m, "met": met_m, "reviewed": mask_of(placed & reviewed_flag), "inferred": inferred_m,
        "placed": placed, "counted": counted, "disregarded": concluded_flag & ~verified_flag, "reviewed_rows": reviewed_flag,
    }


def awaiting_second_region(status: pd.DataFrame) -> pd.DataFrame:
    """Return chemicals not in Annex III with verified notifications from one region only (PIC Circular Appendix V)."""
    if status.empty:
        return status
    mask = (~status["listed_in_annex_iii"]) & (status["regions_verified"].map(len) == 1) & (~status["forward_to_crc"])
    return status.loc[mask].reset_index(drop=True)
