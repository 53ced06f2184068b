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

import numpy as np
import pandas as pd

from .cas import split_cas
from .criteria import conclusions
from .reference import CATEGORY_LABELS, PIC_REGIONS, annex_iii_matches
from .text import normalize_name
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
    "annex_iii_entry",
    "stage",
    "missing",
    "inferred_regions",
    "unplaced_parties",
    "basis",
    "cas_numbers",
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


@dataclass(frozen=True)
class ChemicalIdentity:
    """The chemical a group of notifications concerns."""

    key: str
    name: str
    cas_numbers: tuple[str, ...]
    annex_iii: tuple  # AnnexIIIEntry objects matched (all categories)


def identify_chemicals(df: pd.DataFrame) -> tuple[np.ndarray, dict[str, ChemicalIdentity]]:
    """Group notifications that concern the same chemical.

    Notifications are the same chemical when they share a normalised name, a CAS
    number, or an Annex III entry (non-SHPF) they match. Returns a key per row and the
    identity of each key.
    """
    if df.empty:
        return np.array([], dtype=object), {}
    names = df["chemical"].astype("string").fillna("")
    cas = df["cas_number"].astype("string").fillna("") if "cas_number" in df.columns else pd.Series([""] * len(df), dtype="string")
    name_codes, name_uniques = pd.factorize(names)
    cas_codes, cas_uniques = pd.factorize(cas)
    pair_codes, pair_uniques = pd.factorize(name_codes.astype(np.int64) * (len(cas_uniques) + 1) + cas_codes)
    uf = _UnionFind()
    pairs = []
    counts = np.bincount(pair_codes, minlength=len(pair_uniques))
    for code in pair_uniques:
        name = str(name_uniques[code // (len(cas_uniques) + 1)])
        c = str(cas_uniques[code % (len(cas_uniques) + 1)]) if code % (len(cas_uniques) + 1) < len(cas_uniques) else ""
        cas_list = split_cas(c)
        entries = tuple(e for e in annex_iii_matches(name, cas_list) if e.category != "shpf")
        node = "n:" + (normalize_name(name) or f"?{code}")
        uf.find(node)
        for x in cas_list:
            uf.union(node, "c:" + x)
        for e in entries:
            uf.union(node, "a:" + e.entry_id)
        pairs.append((node, name, cas_list, entries))
    groups: dict[str, dict] = {}
    pair_key = []
    for i, (node, name, cas_list, entries) in enumerate(pairs):
        root = uf.find(node)
        g = groups.setdefault(root, {"names": {}, "cas": {}, "entries": {}})
        g["names"][name] = g["names"].get(name, 0) + int(counts[i])
        for x in cas_list:
            g["cas"][x] = None
        for e in entries:
            g["entries"][(e.entry_id, e.category)] = e
        pair_key.append(root)
    identities = {}
    for root, g in groups.items():
        entries = tuple(g["entries"].values())
        if entries:
            display = entries[0].short_name
        else:
            display = max(g["names"].items(), key=lambda kv: (kv[1], -len(kv[0])))[0]
        identities[root] = ChemicalIdentity(root, display, tuple(g["cas"]), entries)
    keys = np.array(pair_key, dtype=object)[pair_codes]
    return keys, identities


def _shpf_entries(identity: ChemicalIdentity):
    return [e for e in annex_iii_matches(identity.name, identity.cas_numbers) if e.category == "shpf"]


def _entries_for(identity: ChemicalIdentity, as_of: dt.date | None):
    entries = list(identity.annex_iii)
    if not entries:
        entries = [e for e in annex_iii_matches(identity.name, identity.cas_numbers) if e.category != "shpf"]
    if as_of is not None:
        entries = [e for e in entries if e.listed_on <= as_of]
    return entries


def prepare(notifications: pd.DataFrame, determinations: pd.DataFrame | None = None, *, today: dt.date | None = None) -> pd.DataFrame:
    """Return the notifications with what the review needs: chemical key, verified, Annex II status."""
    if notifications.empty:
        return notifications.assign(chemical_key=pd.Series(dtype=object), verified=pd.Series(dtype=bool), annex_ii_status=pd.Series(dtype=object))
    ver = verification_status(notifications, today=today, with_items=False)
    con = conclusions(notifications, determinations)
    keys, _ = identify_chemicals(notifications)
    out = notifications.reset_index(drop=True).copy()
    out["chemical_key"] = keys
    out["verified"] = ver["verified"].to_numpy()
    out["verification_basis"] = ver["verification_basis"].to_numpy()
    out["annex_ii_status"] = con["annex_ii_status"].to_numpy()
    out["annex_ii_basis"] = con["annex_ii_basis"].to_numpy()
    out["annex_ii_source"] = con["annex_ii_source"].to_numpy()
    return out


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
        Validated notifications (:func:`crc_tools.intake.load`).
    determinations : DataFrame, optional
        Recorded determinations (case files, register).
    as_of : datetime.date, optional
        Judge ``listed_in_annex_iii`` against Annex III as it stood on that date (to
        replay a past meeting); default: Annex III as in force now.
    today : datetime.date, optional
        Reference date for deadlines.
    """
    cols = STATUS_COLUMNS
    if notifications is None or notifications.empty:
        return pd.DataFrame(columns=cols)
    df = prepare(notifications, determinations, today=today)
    _, identities = identify_chemicals(notifications)
    region = df["pic_region"].astype("string").fillna("")
    basis = df["region_basis"].astype("string").fillna("")
    small = pd.DataFrame(
        {
            "key": df["chemical_key"].to_numpy(),
            "category": df["category"].astype("string").to_numpy(),
            "region": region.to_numpy(),
            "inferred": basis.str.contains("inferred").to_numpy(),
            "verified": df["verified"].to_numpy(dtype=bool),
            "met": (df["annex_ii_status"] == "met").to_numpy(),
            "reviewed": df["annex_ii_status"].isin(["met", "not_met"]).to_numpy(),
            "party": df["notifying_party"].astype("string").to_numpy(),
        }
    )
    if small["region"].str.contains(";").any():
        small["region"] = small["region"].str.split(";")
        small = small.explode("region")
    counts = small.groupby(["key", "category"], sort=False).size()
    parties = small.drop_duplicates(["key", "category", "party"])
    party_lists = parties.groupby(["key", "category"], sort=False)["party"].agg(lambda s: sorted(set(";".join(s).split(";"))))
    unplaced = small[small["region"] == ""].drop_duplicates(["key", "category", "party"]).groupby(["key", "category"], sort=False)["party"].agg(lambda s: sorted(set(s)))
    placed = small[small["region"] != ""]
    per_region = placed.groupby(["key", "category", "region"], sort=False).agg(verified=("verified", "any"), met=("met", "any"), reviewed=("reviewed", "any"))
    # A region rests on inference when every notification placing it there does,
    # judged separately for the verified and the met notifications.
    inf_v = placed[placed["verified"]].groupby(["key", "category", "region"], sort=False)["inferred"].all()
    inf_m = placed[placed["met"]].groupby(["key", "category", "region"], sort=False)["inferred"].all()
    per_region["inferred_v"] = inf_v.reindex(per_region.index).fillna(False).astype(bool)
    per_region["inferred_m"] = inf_m.reindex(per_region.index).fillna(False).astype(bool)
    region_order = {r: i for i, r in enumerate(PIC_REGIONS)}
    pr_groups = {k: g.droplevel([0, 1]) for k, g in per_region.groupby(level=[0, 1], sort=False)}
    empty_pr = per_region.iloc[0:0].droplevel([0, 1])

    # Say where a conclusion recorded in the register of determinations counts.
    from_register: dict[tuple, list[str]] = {}
    concluded = df[df["annex_ii_status"].isin(["met", "not_met"]) & df["annex_ii_source"].astype("string").str.contains("register entr", regex=False).fillna(False)]
    for r in concluded[["chemical_key", "category", "notification_id", "annex_ii_status", "annex_ii_source"]].itertuples(index=False):
        from_register.setdefault((r.chemical_key, str(r.category)), []).append(f"{r.notification_id} {r.annex_ii_status.replace('_', ' ')} ({r.annex_ii_source})")

    rows = []
    listed_cats_by_key: dict[str, dict[str, object]] = {}
    for key, ident in identities.items():
        listed_cats_by_key[key] = {e.category: e for e in _entries_for(ident, as_of)}
    for (key, category), n in counts.items():
        ident = identities[key]
        pr = pr_groups.get((key, category), empty_pr)
        notified = sorted(pr.index.tolist(), key=region_order.get)
        verified = sorted(pr.index[pr["verified"]].tolist(), key=region_order.get)
        met = sorted(pr.index[pr["met"]].tolist(), key=region_order.get)
        n_reviewed = int(pr["reviewed"].sum())
        inferred = sorted(set(pr.index[pr["verified"] & pr["inferred_v"]]) | set(pr.index[pr["met"] & pr["inferred_m"]]), key=region_order.get)
        listed = listed_cats_by_key[key]
        entry = listed.get(category)
        other = [c for c in listed if c != category and c in ("pesticide", "industrial")]
        forward = len(verified) >= 2
        recommend = len(met) >= 2
        basis_notes = []
        if not forward and len(verified) == 1 and other:
            forward = True
            basis_notes.append(PRECEDENT_ADDITIONAL_CATEGORY.format(other=", ".join(CATEGORY_LABELS[c].lower() for c in other)))
        if not recommend and len(met) == 1 and other:
            recommend = True
            note = PRECEDENT_ADDITIONAL_CATEGORY.format(other=", ".join(CATEGORY_LABELS[c].lower() for c in other))
            if note not in basis_notes:
                basis_notes.append(note)
        shpf = [e for e in _shpf_entries(ident) if as_of is None or e.listed_on <= as_of]
        if category == "pesticide" and entry is None and shpf:
            basis_notes.append("Annex III lists only formulations of it, as severely hazardous pesticide formulations: " + "; ".join(e.chemical for e in shpf))
        if (key, str(category)) in from_register:
            basis_notes.append("Annex II conclusions from the register of determinations: " + "; ".join(from_register[(key, str(category))]))
        if inferred:
            basis_notes.append("rests on inferred PIC region(s): " + ", ".join(inferred) + " (assigned from FAO groups and geography, not read from decision RC-1/2)")
        stage, missing = _stage_and_missing(len(verified), len(met), n_notified=len(notified), n_reviewed=n_reviewed, forward=forward, recommend=recommend, entry=entry, unplaced=unplaced.get((key, category), []))
        rows.append(
            {
                "chemical": ident.name,
                "category": str(category),
                "notifications": int(n),
                "parties": party_lists.get((key, category), []),
                "regions_notified": notified,
                "regions_verified": verified,
                "regions_meeting_criteria": met,
                "forward_to_crc": bool(forward),
                "recommend_listing": bool(recommend),
                "listed_in_annex_iii": entry is not None,
                "annex_iii_entry": f"{entry.chemical} — {entry.category_label}, {entry.listing}" if entry is not None else "",
                "stage": stage,
                "missing": missing,
                "inferred_regions": inferred,
                "unplaced_parties": unplaced.get((key, category), []),
                "basis": "; ".join(basis_notes),
                "cas_numbers": list(ident.cas_numbers),
            }
        )
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["chemical", "category"], key=lambda s: s.str.casefold()).reset_index(drop=True)


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
