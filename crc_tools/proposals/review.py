"""SHPF proposals: the review status per formulation (Articles 6.2-6.5, 7).

``forward_to_crc`` once a proposal is verified under Annex IV Part 1 (Article 6.2-6.4: one
proposal is enough, and ``missing`` says which Part 2 items are still awaited);
``recommend_listing`` when the committee concluded that a *verified* proposal meets Annex IV
Part 3 (Article 6.5); the wording an Annex III entry needs; whether Annex III already lists
the formulation (Article 7).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..convention.formulation import split_list
from ..convention.reference import PIC_REGIONS, formulation_types
from ..i18n import N_
from ..intake.proposals import CATEGORY, KIND, Proposals, empty_proposals
from ..notifications.conclusion_notes import conclusion_line
from .criteria import conclusions
from .listing import annex_iii_coverage, identify_formulations, ingredients, wording
from .verification import verification_status

__all__ = ["STATUS_COLUMNS", "review_status", "proposal_rows", "from_intake", "with_register"]


STATUS_COLUMNS = [
    "chemical", "category", "regions_verified", "regions_meeting_criteria", "forward_to_crc", "recommend_listing",
    "listed_in_annex_iii", "recommend_new_listing", "annex_iii_entry", "stage", "missing", "notifications", "parties", "regions_notified",
    "inferred_regions", "unplaced_parties", "non_parties", "basis", "cas_numbers", "conclusions",
    # proposal-specific
    "proposals", "proposal_ids", "formulation_type", "formulation_type_name", "active_ingredients", "concentrations",
    "concentration_threshold", "annex_iii_wording", "eligible", "ineligible_parties", "part1_complete", "part2_complete",
    "part2_awaiting", "part3_status",
]
"""Keys of an SHPF status row: the ``crc status`` contract keys first (``chemical`` is the
formulation name, ``category`` is ``shpf``), then what a proposal adds."""


def _stage_and_missing(*, entry, listed_note, recommend, n_reviewed, n_met, n_verified, part2_open, missing_part1, deadline, overdue) -> tuple[str, str]:
    if entry is not None:
        note = f"already listed ({listed_note}); " + N_("not to be recommended again")
        if recommend:
            note = f"already listed ({listed_note}); " + N_("the committee's conclusion stands, no new listing needed")
        return "listed in Annex III", note
    if recommend:
        return "recommended", "a draft decision guidance document (Article 7.1)"
    if n_reviewed and n_met == 0 and n_reviewed >= n_verified:
        return N_("reviewed: Annex IV Part 3 not met"), N_("no proposal meets Annex IV Part 3; a listing would need a proposal with evidence meeting Part 3 (Article 6.5)")
    if n_verified:
        if part2_open:
            return N_("verified: Part 2 information being collected"), f"Annex IV Part 2 items {', '.join(part2_open)} (Article 6.3); then the committee's review against Annex IV Part 3 (Article 6.5)"
        return N_("forwarded to the CRC"), N_("the committee's review against Annex IV Part 3 (Article 6.5)")
    missing = N_("Secretariat's verification under Annex IV Part 1 (Article 6.2)")
    if deadline:
        missing += f", due by {deadline}" + (" (overdue)" if overdue else "")
    if missing_part1:
        missing += f"; Part 1 items missing: {missing_part1}"
    return "received", missing


def review_status(p: Proposals, *, as_of: dt.date | None = None, today: dt.date | None = None) -> pd.DataFrame:
    """Return the review status of SHPF proposals: one row per formulation (Article 6, Annex IV).

    Parameters
    ----------
    p : Proposals
        Validated proposals (``intake.load(...).extra["shpf_proposal"]``).
    as_of : datetime.date, optional
        Judge ``listed_in_annex_iii`` against Annex III as it stood on that date.
    today : datetime.date, optional
        Reference date for the six-month verification deadline (Article 6.2).

    Returns
    -------
    DataFrame
        :data:`STATUS_COLUMNS`. ``regions_*`` hold the proposing Parties' PIC regions, for
        information only: there is no two-region rule. ``forward_to_crc`` is true once a
        proposal is verified under Annex IV Part 1 (Article 6.2-6.4: one proposal is enough;
        ``part2_awaiting``, ``missing`` and ``basis`` say which Part 2 items are still
        awaited); ``recommend_listing`` is true when the committee concluded that a verified
        proposal meets Annex IV Part 3 (Article 6.5) — one suffices, and two from one region do
        not count less. A Part 3 conclusion on a proposal not verified under Part 1 is named
        in ``basis`` and not counted; a task group's or contact group's determination is a
        proposal, never counted. ``annex_iii_wording`` is the entry an Annex III listing needs.
    """
    if p is None or p.empty:
        return pd.DataFrame(columns=STATUS_COLUMNS)
    df = _prepared(p, today)
    types = formulation_types()
    rows = [_formulation_row(g, as_of, types) for _, g in df.groupby("_key", sort=False)]
    out = pd.DataFrame(rows, columns=STATUS_COLUMNS)
    return out.sort_values(["chemical"], key=lambda s: s.str.casefold()).reset_index(drop=True)


def _prepared(p: Proposals, today: dt.date | None) -> pd.DataFrame:
    """Return the proposals with what the review reads: formulation key, verification, Part 3 conclusion."""
    df = p.proposals.reset_index(drop=True)
    ver = verification_status(p, today=today)
    con = conclusions(p)
    return df.assign(
        _key=identify_formulations(df),
        _verified=ver["verified"].to_numpy(dtype=bool),
        _eligible=ver["eligible"].to_numpy(dtype=object),
        _part1_complete=ver["part1_complete"].to_numpy(dtype=bool),
        _missing=ver["missing_items"].to_numpy(dtype=object),
        _deadline=ver["verification_deadline"].to_numpy(),
        _overdue=ver["verification_overdue"].to_numpy(dtype=bool),
        _part2_complete=ver["part2_complete"].to_numpy(dtype=bool),
        _part2_awaiting=ver["part2_awaiting"].to_numpy(dtype=object),
        _part3=con["part3_status"].to_numpy(dtype=object),
        _conflict=con["conflict_entries"].to_numpy(dtype=object),
        _proposal=con["latest_proposal"].to_numpy(dtype=object),
        _committee=con["committee_conclusion"].to_numpy(dtype=object),
        _disagrees=con["proposal_disagrees"].to_numpy(dtype=bool),
        _non_party=_not_a_party(df),
    )


def _not_a_party(df: pd.DataFrame) -> np.ndarray:
    """Return per proposal whether every proposing State is known not to be a Party (Articles 2(g), 6.1), judged per distinct value."""
    from ..convention.parties import party_status

    if "party_iso3" not in df.columns or df.empty:
        return np.zeros(len(df), dtype=bool)
    codes, uniques = pd.factorize(df["party_iso3"].astype("string").fillna(""))
    out = [bool(u) and all((s := party_status(i)) is not None and s.not_a_party for i in str(u).split(";") if i) for u in uniques]
    return np.array(out, dtype=bool)[codes] if len(codes) else np.zeros(0, dtype=bool)


def _flags(g: pd.DataFrame) -> dict[str, np.ndarray]:
    """Return per proposal of one formulation what counts (Article 6.1, 6.2, 6.5)."""
    verified = g["_verified"].to_numpy(dtype=bool)
    # Article 6.1: a proposal from a Party classified as developed, or from a State that is not a
    # Party, is kept and flagged, not counted.
    admissible = np.array([ok is not False for ok in g["_eligible"]], dtype=bool) & ~g["_non_party"].to_numpy(dtype=bool)
    concluded = g["_part3"].isin(["met", "not_met"]).to_numpy()
    return {
        "verified": verified,
        "admissible": admissible,
        "met": (g["_part3"] == "met").to_numpy() & verified,  # Article 6.2, 6.5: only a verified proposal
        "reviewed": concluded & verified,
        "disregarded": concluded & ~verified,
        "conflict": (g["_part3"] == "conflict").to_numpy(),
        "placed": (g["pic_region"].astype("string").fillna("") != "").to_numpy(),
    }


def _formulation_row(g: pd.DataFrame, as_of, types) -> dict:
    """Return the status row of one formulation (the proposals in ``g``)."""
    f = _flags(g)
    region_order = {r: i for i, r in enumerate(PIC_REGIONS)}
    region = g["pic_region"].astype("string").fillna("")
    inferred_mask = g["region_basis"].astype("string").fillna("").str.contains("inferred").to_numpy()

    def regions_of(mask):
        return sorted({r for r in region[mask & f["placed"]]}, key=region_order.get)

    notified, reg_verified, reg_met = regions_of(np.ones(len(g), bool)), regions_of(f["verified"]), regions_of(f["met"])
    inferred = regions_of((f["verified"] | f["met"]) & inferred_mask)
    names = g["formulation_name"].value_counts()
    first = g.iloc[0].to_dict()
    entry, listed_note = annex_iii_coverage(first, as_of=as_of)
    codes, threshold, annex_iii_wording = wording(g, pd.Series(f["met"], index=g.index))
    forward = bool((f["verified"] & f["admissible"]).any())
    recommend = bool((f["met"] & f["admissible"]).any())
    ineligible = sorted({party for party, ok in zip(g["proposing_party"], g["_eligible"], strict=True) if ok is False})
    unclassified = sorted({party for party, ok in zip(g["proposing_party"], g["_eligible"], strict=True) if ok is None})
    non_parties = sorted({party for party, out in zip(g["proposing_party"], g["_non_party"], strict=True) if out})
    part2_open = sorted({i for lst, v in zip(g["_part2_awaiting"], f["verified"], strict=True) if v for i in lst})
    stage, missing = _stage_and_missing(
        entry=entry, listed_note=_listing(entry), recommend=recommend, n_reviewed=int(f["reviewed"].sum()), n_met=int(f["met"].sum()),
        n_verified=int(f["verified"].sum()), part2_open=part2_open, missing_part1=", ".join(sorted({m for s in g["_missing"] for m in str(s).split(", ") if m})),
        **_deadline(g[~f["verified"]]),
    )
    if f["conflict"].any() and not recommend and entry is None:
        missing += "; the committee's own entries conflict on " + ", ".join(g["proposal_id"][f["conflict"]]) + ": a new committee entry that supersedes one"
    basis = _basis(g, f, recommend=recommend, notified=notified, ineligible=ineligible, unclassified=unclassified, entry=entry, listed_note=listed_note, inferred=inferred, part2_open=part2_open, forward=forward)
    if non_parties:
        basis.append(f"proposed by {', '.join(non_parties)}, not a Party to the Convention: Article 6.1 admits proposals from Parties only (kept, not counted)")
    ftype = str(first.get("formulation_type", "") or "")
    return {
        "chemical": names.index[0] if len(names) else "", "category": CATEGORY, "regions_verified": reg_verified, "regions_meeting_criteria": reg_met,
        "forward_to_crc": forward, "recommend_listing": recommend, "listed_in_annex_iii": entry is not None,
        "recommend_new_listing": bool(recommend) and entry is None, "annex_iii_entry": listed_note if entry is not None else "",
        "stage": stage, "missing": missing, "notifications": 0, "parties": sorted(set(g["proposing_party"])), "regions_notified": notified,
        "inferred_regions": inferred, "unplaced_parties": sorted({party for party, pl in zip(g["proposing_party"], f["placed"], strict=True) if not pl}),
        "non_parties": non_parties, "basis": "; ".join(basis), "conclusions": _conclusions(g), "cas_numbers": sorted({c for v in g["active_ingredient_cas"].astype("string").fillna("") for c in str(v).split(";") if c}),
        "proposals": len(g), "proposal_ids": list(g["proposal_id"]), "formulation_type": ftype,
        "formulation_type_name": types.by_code[ftype].name if ftype in types.by_code else "",
        "active_ingredients": [n for n in split_list(first.get("active_ingredients", "")) if n],
        "concentrations": list(dict.fromkeys(f"{n} {c.short()}" if c else n for row in g.to_dict("records") for n, _, c in ingredients(row))),
        "concentration_threshold": threshold, "annex_iii_wording": annex_iii_wording, "eligible": not ineligible and not unclassified,
        "ineligible_parties": ineligible, "part1_complete": bool(g["_part1_complete"].all()),
        "part2_complete": bool(g["_part2_complete"][f["verified"]].all()) if f["verified"].any() else False, "part2_awaiting": part2_open,
        "part3_status": _part3_status(g, f, recommend),
    }


def _conclusions(g: pd.DataFrame) -> list[str]:
    """Return per proposal the committee's Part 3 conclusion, the latest proposal, and whether they disagree."""
    return [
        conclusion_line(pid, committee, proposal, bool(disagrees), status)
        for pid, committee, proposal, disagrees, status in zip(g["proposal_id"], g["_committee"], g["_proposal"], g["_disagrees"], g["_part3"], strict=True)
        if committee or proposal or status == "conflict"
    ]


def _listing(entry) -> str:
    if entry is None:
        return ""
    return entry.listing + (", as a pesticide (all formulations)" if entry.category == "pesticide" else "")


def _deadline(unverified: pd.DataFrame) -> dict:
    """Return the earliest verification deadline of the unverified proposals, and whether one is overdue."""
    if not len(unverified):
        return {"deadline": "", "overdue": False}
    d = pd.to_datetime(unverified["_deadline"]).min()
    return {"deadline": d.date().isoformat() if pd.notna(d) else "", "overdue": bool(unverified["_overdue"].any())}


def _part3_status(g: pd.DataFrame, f: dict, recommend: bool) -> str:
    if recommend:
        return "met"
    counted = g["_part3"][f["verified"]]
    if (counted == "conflict").any():
        return "conflict"
    if f["reviewed"].any() and not (counted == "pending").any():
        return "not_met"
    return "pending"


def _basis(g, f, *, recommend, notified, ineligible, unclassified, entry, listed_note, inferred, part2_open, forward) -> list[str]:
    """Return the notes of ``basis``: what the status rests on and what was not counted, in words."""
    basis = ["Article 6: one verified proposal suffices, no two-region rule; the recommendation rests on the committee's Annex IV Part 3 conclusion alone"]
    if recommend and len(g) > 1 and len(notified) == 1:
        basis.append(f"{len(g)} proposals from one PIC region ({notified[0]}); a second region is not needed")
    if forward and part2_open:
        basis.append("forwarded with Annex IV Part 2 information still awaited: " + ", ".join(part2_open) + " (Article 6.3-6.4)")
    if f["disregarded"].any():
        ids = ", ".join(g["proposal_id"][f["disregarded"]])
        basis.append(f"Annex IV Part 3 conclusion(s) on {ids} not counted: the proposal is not verified under Annex IV Part 1 (Article 6.2 and 6.5; record part1_verified)")
    for pid, text in zip(g["proposal_id"][f["conflict"]], g["_conflict"][f["conflict"]], strict=True):
        basis.append(f"{pid}: {text}")
    proposals = [f"{pid}: {text}" for pid, text in zip(g["proposal_id"], g["_proposal"], strict=True) if text]
    if proposals:
        basis.append("proposals, not the committee's conclusion: " + "; ".join(proposals))
    if ineligible:
        basis.append(
            f"proposed by {', '.join(ineligible)}, classified as developed: Article 6.1 admits proposals from developing countries and economies in transition only "
            "(kept and flagged, not counted towards forwarding or a recommendation; the classification is contestable, correct it in party_development_status.csv)"
        )
    if unclassified:
        basis.append(f"no development classification for {', '.join(unclassified)} (Article 6.1 not checked)")
    if entry is None and listed_note:
        basis.append(listed_note)
    if entry is not None and "pesticide entry" in listed_note:
        basis.append(f"covered by a pesticide listing: {listed_note}")
    if inferred:
        basis.append("proposing Party's PIC region rests on inference: " + ", ".join(inferred) + " (regions are shown for information; they do not decide)")
    return basis


def proposal_rows(p: Proposals) -> list[dict]:
    """Return one plain row per proposal for ``crc validate`` (what was read, from where)."""
    rows = []
    for r in p.proposals.to_dict("records"):
        rows.append(
            {
                "proposal_id": r["proposal_id"],
                "chemical": r["formulation_name"],
                "category": CATEGORY,
                "proposing_party": r["proposing_party"],
                "pic_region": r["pic_region"],
                "region_basis": r["region_basis"],
                "formulation_type": r["formulation_type"],
                "active_ingredients": [n for n in split_list(r["active_ingredients"]) if n],
                "concentrations": split_list(r["active_ingredient_concentrations"]),
                "incident_reports": int(r["incident_reports"]) if pd.notna(r["incident_reports"]) else 0,
                "source": r["_source"],
            }
        )
    return rows


def from_intake(intake, *, register=None) -> Proposals:
    """Return the proposals an :class:`~crc_tools.intake.reader.Intake` read (empty when none).

    With ``register`` (a :class:`~crc_tools.register.store.Register`, or ``True`` for the configured
    one) the Annex IV Part 3 determinations recorded in the register are added to those of
    the case files, each naming its source (``register entry N``).
    """
    found = intake.extra.get(KIND) if intake is not None else None
    if found is None:
        return empty_proposals()
    if register is None or register is False or found.empty:
        return found
    return with_register(found, None if register is True else register)


def with_register(p: Proposals, register=None) -> Proposals:
    """Return the proposals with the register's current Part 3 determinations added (Article 6.5)."""
    from ..register.store import Register

    reg = register if register is not None else Register()
    own = register is None
    try:
        cur = reg.current("shpf_proposal")
    finally:
        if own:
            reg.close()
    if cur.empty:
        return p
    cur = cur[cur["proposal_id"].isin(set(p.proposals["proposal_id"].astype(str)))]
    if cur.empty:
        return p
    case = p.determinations.copy()
    if "determination_source" not in case.columns:
        case["determination_source"] = case["source_file"].astype("string") if "source_file" in case.columns else ""
    columns = list(dict.fromkeys([*case.columns, "determination_source"]))
    extra = cur[[c for c in columns if c in cur.columns]]
    merged = pd.concat([case, extra], ignore_index=True) if len(case) else extra.reset_index(drop=True)
    merged["recorded_at"] = pd.to_datetime(merged["recorded_at"]).astype("datetime64[ns]")
    for c in ("proposal_id", "criterion", "status", "justification", "references", "recorded_by", "role", "category", "source_file", "determination_source"):
        if c in merged.columns:
            merged[c] = merged[c].astype("string").fillna("")
    return Proposals(p.proposals, p.incidents, p.part2, merged)
