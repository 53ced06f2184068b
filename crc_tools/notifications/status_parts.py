"""The words of the review status, per chemical and category, composed over distinct combinations.

A million notifications may name a hundred thousand chemicals, but the words they need — the
stage, what is missing, the basis of a count — come from a few hundred distinct combinations
of counts, regions and Parties: each combination is put into words once and given to every
chemical that has it. Only notes that name notifications (conclusions from the register,
conclusions not counted) are written per chemical, for the chemicals that have them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..codes import combine
from ..convention.annex_iii import CATEGORY_LABELS
from ..convention.annex_iii_groups import _index as annex_iii_index
from ..convention.parties import NON_PARTY_RULE, unknown_status_words
from ..i18n import N_

PRECEDENT_ADDITIONAL_CATEGORY = (
    "additional category: the chemical is already listed in Annex III as {other}; one notification meeting "
    "Annex II in this category suffices (precedent CRC-10/5, tributyltin compounds as industrial chemicals)"
)
INFERRED_NOTE = "rests on inferred PIC region(s): {regions} (assigned from FAO groups and geography, not read from decision RC-1/2)"
NON_PARTY_NOTE = "not counted: notification(s) from {names}, not a Party to the Convention ({rule})"


def listings(g: dict, identities, as_of: dt.date | None) -> dict:
    """Return per group its Annex III entry in the group's category (``entry``, ``listed``, ``label``) and the other categories listed (``other``)."""
    n = g["n"]
    entry = np.full(n, None, dtype=object)
    other = np.full(n, "", dtype=object)
    index = annex_iii_index()
    by_chemical: dict[int, dict] = {}
    for chem, pos in zip(identities.group_entry.tolist(), identities.entry.tolist(), strict=True):
        for e in index.by_id[index.entry_ids[pos]]:
            if e.category != "shpf" and (as_of is None or e.listed_on <= as_of):
                by_chemical.setdefault(chem, {}).setdefault(e.category, e)
    if by_chemical:
        keys = pd.Index(g["key"])
        for at in np.flatnonzero(keys.isin(list(by_chemical))).tolist():
            listed = by_chemical[int(g["key"][at])]
            entry[at] = listed.get(g["category"][at])
            others = [c for c in listed if c != g["category"][at] and c in ("pesticide", "industrial")]
            other[at] = ", ".join(CATEGORY_LABELS[c].lower() for c in others)
    code = np.zeros(n, dtype=np.int64)  # 0: not listed in the group's category; k: the k-th distinct entry
    distinct: dict = {}
    label = np.full(n, "", dtype=object)
    for at in np.flatnonzero(entry != None).tolist():  # noqa: E711 - an object array compared element-wise
        e = entry[at]
        code[at] = distinct.setdefault((e.entry_id, e.category), len(distinct) + 1)
        label[at] = f"{e.chemical} — {e.category_label}, {e.listing}"
    return {"entry": entry, "entry_code": code, "listed": code > 0, "label": label, "other": other}


def stages(n_verified, n_met, n_notified, n_reviewed, forward, recommend, listed: dict, people: dict) -> tuple[np.ndarray, np.ndarray]:
    """Return per group the stage and what is missing, each distinct combination put into words once."""
    entry_codes = listed["entry_code"]
    unplaced, non_parties = people["unplaced_parties"], people["non_parties"]
    which, first = combine(n_verified, n_met, n_notified, n_reviewed, forward, recommend, entry_codes, people["codes"]["unplaced_parties"], people["codes"]["non_parties"])
    stage, missing = np.empty(len(first), dtype=object), np.empty(len(first), dtype=object)
    for i, at in enumerate(first.tolist()):
        stage[i], missing[i] = stage_and_missing(
            int(n_verified[at]), int(n_met[at]), n_notified=int(n_notified[at]), n_reviewed=int(n_reviewed[at]), forward=bool(forward[at]),
            recommend=bool(recommend[at]), entry=listed["entry"][at], unplaced=unplaced[at], non_parties=non_parties[at],
        )
    return stage[which], missing[which]


def basis_notes(df, g, identities, masks, people, listed, as_of, decode, n_verified, n_met) -> np.ndarray:
    """Return per group the basis of its status in words: precedent, SHPF entries, inferred regions, non-Parties, unknown status."""
    precedent = (listed["other"] != "") & ((n_verified == 1) | (n_met == 1))  # CRC-10/5: one region suffices in an additional category
    # The words shared by many chemicals: inferred regions, non-Parties, Parties of unknown status.
    which, first = combine(masks["inferred"], people["codes"]["non_parties"], people["codes"]["unknown"])
    common = np.empty(len(first), dtype=object)
    for i, at in enumerate(first.tolist()):
        words = []
        if decode[masks["inferred"][at]]:
            words.append(INFERRED_NOTE.format(regions=", ".join(decode[masks["inferred"][at]])))
        if people["non_parties"][at]:
            words.append(NON_PARTY_NOTE.format(names=", ".join(people["non_parties"][at]), rule=NON_PARTY_RULE))
        if people["unknown"][at]:
            words.append(unknown_status_words(people["unknown"][at]))
        common[i] = "; ".join(words)
    notes = common[which]
    special = _special_notes(df, g, identities, listed, as_of, precedent, masks)
    for at, words in special.items():
        notes[at] = "; ".join(words + ([notes[at]] if notes[at] else []))
    return notes


def _special_notes(df, g, identities, listed, as_of, precedent, masks) -> dict[int, list[str]]:
    """Return the notes only some chemicals have, by group: precedent, SHPF entries (the committee's conclusions: conclusion_notes)."""
    out: dict[int, list[str]] = {}
    for at in np.flatnonzero(precedent).tolist():
        out.setdefault(at, []).append(PRECEDENT_ADDITIONAL_CATEGORY.format(other=listed["other"][at]))
    if len(identities.shpf_group):
        pesticide = np.flatnonzero((g["category"] == "pesticide") & ~listed["listed"] & np.isin(g["key"], identities.shpf_group))
        for at in pesticide.tolist():
            shpf = [e for e in identities.entries_of(int(g["key"][at]), shpf=True) if as_of is None or e.listed_on <= as_of]
            if shpf:
                out.setdefault(at, []).append("Annex III lists only formulations of it, as severely hazardous pesticide formulations: " + "; ".join(e.chemical for e in shpf))
    return out


def some(ids: list[str], shown: int = 10) -> str:
    """Return the first ``shown`` ids, and how many more there are."""
    more = len(ids) - shown
    return ", ".join(ids[:shown]) + (f" and {more:,} more" if more > 0 else "")


def stage_and_missing(n_verified: int, n_met: int, *, n_notified: int, n_reviewed: int, forward: bool, recommend: bool, entry, unplaced, non_parties=()) -> tuple[str, str]:
    """Return the stage a chemical has reached in a category, and what it still needs (Articles 5.3-5.6, 7.1)."""
    if entry is not None:
        stage = "listed in Annex III"
        missing = f"already listed ({entry.listing}); " + N_("not to be recommended again in this category")
        if recommend:
            missing = f"already listed ({entry.listing}); " + N_("the committee's conclusions stand, no new listing needed")
        return stage, missing
    if recommend:
        return "recommended", N_("a draft decision guidance document (Article 7.1)")
    if n_met == 1:
        stage, missing = "criteria met in one region", N_("needs a notification meeting Annex II from a second PIC region")
    elif n_reviewed and n_met == 0 and n_reviewed >= n_verified:
        stage = "reviewed: Annex II not met"
        missing = N_("no notification meets Annex II; needs notifications meeting Annex II from two PIC regions")
    elif forward:
        stage = "forwarded to the CRC"
        missing = N_("the committee's review against Annex II (Article 5.6)")
    elif n_verified == 1:
        stage, missing = "verified", N_("needs a verified notification from a second PIC region (Article 5.5)")
    elif n_notified:
        stage, missing = "received", N_("Secretariat's verification under Annex I (Article 5.3)")
        if n_notified == 1:
            missing += "; " + N_("and a notification from a second PIC region")
    elif non_parties and not unplaced:
        stage, missing = "received", N_("a notification from a Party to the Convention")
    else:
        stage, missing = "received", N_("a notification from a country with an established PIC region")
    if unplaced:
        missing += f"; notifications from {', '.join(unplaced)} are not counted until a PIC region is set"
    if non_parties:
        missing += f"; notifications from {', '.join(non_parties)} are not counted: not a Party to the Convention ({NON_PARTY_RULE})"
    return stage, missing
