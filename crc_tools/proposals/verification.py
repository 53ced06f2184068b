"""SHPF proposals: Article 6.1 eligibility and the Secretariat's verification under Annex IV Part 1 (Article 6.2).

Only a recorded verification counts (``part1_verified``): nothing implies it, not even a
Part 3 conclusion the committee recorded (``../shared/DESIGN.md``, "Who concludes").
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..convention.reference import development_status
from ..intake.proposals import CATEGORY, Proposals, eligibility_note
from ..notifications.verification import VERIFY_WITHIN_MONTHS, add_months, item_checks
from .tracker import part2_summary

__all__ = ["eligibility", "part1_items", "verification_status"]


def eligibility(proposals: pd.DataFrame) -> pd.DataFrame:
    """Return the Article 6.1 eligibility of each proposing Party (an ineligible proposal is kept, flagged and not counted).

    Columns: ``proposal_id``, ``development_status`` (``developing``,
    ``economy_in_transition``, ``developed`` or empty), ``eligible`` (True / False / None when
    the Party is not classified) and ``eligibility_basis`` (the classification and its source).
    """
    table = development_status()
    rows = []
    for pid, iso3, party in zip(proposals["proposal_id"], proposals["party_iso3"].fillna(""), proposals["proposing_party"].fillna(""), strict=True):
        ok, note, status = eligibility_note(str(iso3), str(party), table)
        rows.append({"proposal_id": pid, "development_status": status, "eligible": ok, "eligibility_basis": note})
    out = pd.DataFrame(rows, columns=["proposal_id", "development_status", "eligible", "eligibility_basis"])
    out["eligible"] = pd.Series([r["eligible"] for r in rows], dtype=object)  # True / False / None, kept as such
    return out


def part1_items(proposals: pd.DataFrame) -> pd.DataFrame:
    """Return the Annex IV Part 1 check, item by item: one row per proposal and item (a)-(h).

    Columns: ``proposal_id``, ``item``, ``text``, ``present``, ``optional`` (item (e) is asked
    for only "if available") and ``missing_fields``. Item (g) is carried by the description of
    the incidents or by Part B incident reports.
    """
    out = item_checks(proposals, "annex_iv_part1", ["proposal_id"])
    if "optional" not in out.columns:
        out["optional"] = False
    return out


VERIFICATION_COLUMNS = (
    "development_status", "eligible", "eligibility_basis", "part1_complete", "missing_items", "part1_verified", "verified", "verification_basis",
    "received_date", "verification_deadline", "verification_overdue", "summary_published", "part2_collected", "part2_awaiting", "part2_complete", "part2_basis",
)


def verification_status(p: Proposals, *, today: dt.date | None = None) -> pd.DataFrame:
    """Return one row per proposal: eligibility, Part 1 completeness and verification, Part 2 collection.

    Columns: ``proposal_id``, ``chemical`` (the formulation name), ``category`` (``shpf``),
    ``proposing_party``, ``pic_region``, ``development_status``, ``eligible``,
    ``eligibility_basis`` (Article 6.1); ``part1_complete`` and ``missing_items`` (Annex IV Part 1,
    item (e) counting only if available); ``part1_verified`` (the Secretariat's record),
    ``verified`` and ``verification_basis`` (Article 6.2: only a recorded verification counts);
    ``verification_deadline`` and ``verification_overdue`` (six months after receipt, Article
    6.2); ``summary_published``; ``part2_collected``, ``part2_awaiting``, ``part2_complete`` and
    ``part2_basis`` (Article 6.3).
    """
    df = p.proposals.reset_index(drop=True)
    out = pd.DataFrame(
        {
            "proposal_id": df["proposal_id"],
            "chemical": df["formulation_name"],
            "category": CATEGORY,
            "proposing_party": df["proposing_party"],
            "pic_region": df["pic_region"],
        }
    )
    if not len(df):
        for c in VERIFICATION_COLUMNS:
            out[c] = pd.Series(dtype=object)
        return out
    elig = eligibility(df)
    out = out.assign(development_status=elig["development_status"].to_numpy(), eligible=elig["eligible"].to_numpy(), eligibility_basis=elig["eligibility_basis"].to_numpy())
    checks = part1_items(df)
    required = checks[~checks["optional"] & ~checks["present"]]
    missing: dict[str, list[str]] = {}
    for pid, item_id in zip(required["proposal_id"], required["item"], strict=True):
        missing.setdefault(pid, []).append(item_id)
    out["missing_items"] = [", ".join(missing.get(pid, [])) for pid in out["proposal_id"]]
    out["part1_complete"] = (out["missing_items"] == "").to_numpy()
    out = out.assign(**_verification(df, pd.Timestamp(today or dt.date.today())))
    out["summary_published"] = df["summary_published"].to_numpy()
    return out.assign(**part2_summary(df, p.part2))


def _verification(df: pd.DataFrame, today: pd.Timestamp) -> dict:
    """Return the Secretariat's verification (Article 6.2) of each proposal: recorded, or not yet."""
    recorded = df["part1_verified"].astype("boolean")
    verified = recorded.fillna(False).astype(bool).to_numpy()
    incomplete = (recorded == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712
    basis = np.where(
        verified,
        "verified by the Secretariat (recorded)",
        np.where(incomplete, "found incomplete by the Secretariat (recorded; Article 6.2: the proposing Party is informed)", "not yet verified"),
    )
    deadline = add_months(df["received_date"], VERIFY_WITHIN_MONTHS)
    done = recorded.notna()
    late_done = done & (df["verified_date"] > deadline).fillna(False)
    open_overdue = ~done & (today > deadline).fillna(False)
    return {
        "part1_verified": recorded.to_numpy(),
        "verified": verified,
        "verification_basis": basis,
        "received_date": df["received_date"].to_numpy(),
        "verification_deadline": deadline.to_numpy(),
        "verification_overdue": (late_done | open_overdue).to_numpy(),
    }
