"""The SHPF proposals as the dashboard shows them (Article 6, Annex IV; no Panel).

One verified proposal from an eligible Party is enough (no two-region rule); the
recommendation rests on the committee's Annex IV Part 3 conclusion alone (Article 6.5). The
tables put the committee's conclusion first, in words; the rule-based aid is labelled as an aid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from ..i18n import N_
from .labels import ROLE_WORDS, STATUS_WORDS, party_name, status_key
from .tables import date_text, text_list


@dataclass
class ShpfTables:
    """What the SHPF page shows.

    Attributes
    ----------
    formulations : DataFrame
        One row per formulation: stage, proposing Parties, the committee's Part 3
        conclusion, what is missing.
    proposals : DataFrame
        One row per proposal: Party, region, received, Part 1 and Part 2 in words.
    part3 : DataFrame
        Per proposal and Annex IV Part 3 criterion: the committee's conclusion, a proposal,
        the aid (labelled so), the justification.
    ids : list of str
        The proposal ids.
    """

    formulations: pd.DataFrame
    proposals: pd.DataFrame
    part3: pd.DataFrame
    ids: list[str]


def _yes(value) -> str:
    return N_("yes") if bool(value) else N_("no")


def build(p, today: dt.date | None = None) -> ShpfTables | None:
    """Return the SHPF tables for proposals (with their determinations), or ``None`` when there are none."""
    from ..proposals import shpf

    if p is None or p.empty:
        return None
    status = shpf.review_status(p, today=today)
    formulations = pd.DataFrame(
        {
            "formulation": status["chemical"].astype(str).to_numpy(),
            "parties": [", ".join(party_name(x) for x in v) for v in status["parties"]],
            "stage": status["stage"].astype(str).to_numpy(),
            "part3": [STATUS_WORDS.get(str(s), str(s)) for s in status["part3_status"]],
            "part3_key": [status_key(s) for s in status["part3_status"]],
            "missing": status["missing"].astype(str).to_numpy(),
            "proposal_ids": [text_list(v) for v in status["proposal_ids"]],
        }
    )
    v = shpf.verification_status(p, today=today)
    proposals = pd.DataFrame(
        {
            "proposal_id": v["proposal_id"].astype(str).to_numpy(),
            "formulation": v["chemical"].astype(str).to_numpy(),
            "party": [party_name(x) for x in v["proposing_party"]],
            "eligible": [N_("eligible (Article 6.1)") if e else N_("not eligible: only developing countries and countries with economies in transition may propose") for e in v["eligible"]],
            "received": [date_text(x) for x in v["received_date"]],
            "part1": [N_("complete, verified") if c and ver else (N_("complete, not verified yet") if c else f"incomplete: {m}") for c, ver, m in zip(v["part1_complete"], v["verified"], v["missing_items"], strict=True)],
            "part2": [N_("every item collected") if c else f"awaiting {text_list(a)}" for c, a in zip(v["part2_complete"], v["part2_awaiting"], strict=True)],
        }
    )
    return ShpfTables(formulations, proposals, _part3(shpf.assess(p)), list(proposals["proposal_id"]))


def _part3(a: pd.DataFrame) -> pd.DataFrame:
    statuses = a["status"].astype("string").fillna("")
    roles = a["role"].astype("string").fillna("") if "role" in a.columns else pd.Series("", index=a.index)
    if "proposal_status" in a.columns:
        committee = [status_key(s) for s in statuses]
        proposal = [f"{b or 'proposed'}: {STATUS_WORDS.get(s, s)}" if s else "" for s, b in zip(a["proposal_status"].astype("string").fillna(""), a.get("proposed_by", roles), strict=True)]
    else:
        committee = [status_key(s) if r in ("committee", "") else "" for s, r in zip(statuses, roles, strict=True)]
        proposal = [f"{ROLE_WORDS.get(r, r)} proposes: {STATUS_WORDS.get(s, s)}" if r in ("task_group", "contact_group") and s else "" for s, r in zip(statuses, roles, strict=True)]
    return pd.DataFrame(
        {
            "proposal_id": a["proposal_id"].astype(str).to_numpy(),
            "criterion": a["criterion"].astype(str).to_numpy(),
            "criterion_text": a["criterion_text"].astype(str).to_numpy(),
            "status": committee,
            "justification": [str(j) if c else "" for j, c in zip(a["justification"].astype("string").fillna(""), committee, strict=True)],
            "recorded_by": [str(b) if c else "" for b, c in zip(a["recorded_by"].astype("string").fillna(""), committee, strict=True)],
            "proposal": proposal,
            "aid": a["aid"].astype(str).to_numpy(),
            "aid_reason": a["aid_reason"].astype(str).to_numpy(),
        }
    )


__all__ = ["ShpfTables", "build"]
