"""The tables the dashboard shows, built from a :class:`~crc_tools.dashboard.snapshot.Snapshot` (no Panel).

Each function takes the loaded notifications and a snapshot and returns a plain DataFrame of
words ready to show: the overview of every chemical and category, one chemical's notifications,
its criterion-by-notification matrix, its PIC regions, the history of a subject, the latest
conclusions, the verification deadlines.

The committee's conclusions and the task and contact groups' proposals are kept apart
(DESIGN.md, "Who concludes"): a proposal is shown as a proposal, never as the committee's
conclusion, and a conflict among committee entries is stated with how to settle it.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..i18n import N_, _, lookup, ngettext  # _ and ngettext only where a text is drawn, never in a cached table
from .labels import CRITERION_OVERALL, FRA_WORDS, ROLE_WORDS, STATUS_WORDS, party_name, status_key

_PATH = re.compile(r"(?:(?:[A-Za-z]:)?[/\\]|[^\s;(),/\\]+[/\\])(?:[^\s;(),]*[/\\])?([^/\\\s;(),]+\.(?:ya?ml|csv|xlsx|json))\b", re.IGNORECASE)


def without_paths(text: str) -> str:
    """Return ``text`` with file paths cut to their names (a case file is named, the server's folders never shown)."""
    return _PATH.sub(lambda m: f"case file {m.group(1)}", text) if ("/" in text or "\\" in text) else text


STAGES = (N_("received"), N_("verified"), N_("forwarded"), N_("criteria met"), N_("recommended"), N_("DGD drafted"), N_("listed in Annex III"))
"""Where a chemical stands in a category: the committee's pipeline, then Annex III."""

_STAGE_OF_REVIEW = {
    "received": "received",
    "verified": "verified",
    "forwarded to the CRC": "forwarded",
    "reviewed: Annex II not met": "forwarded",
    "criteria met in one region": "criteria met",
    "recommended": "recommended",
    "listed in Annex III": "listed in Annex III",
}


def pipeline_stage(review_stage: str, dgd_drafted: bool = False) -> str:
    """Return the pipeline stage from the review status's ``stage`` (a drafted DGD moves ``recommended`` on)."""
    stage = _STAGE_OF_REVIEW.get(str(review_stage), "received")
    return "DGD drafted" if stage == "recommended" and dgd_drafted else stage


def chemical_key(name: str, category: str) -> str:
    """Return the key of a chemical in one category (an agenda item), as put in the page address."""
    return f"{name} ({category})"


def text_list(value) -> str:
    """Return a list (or array) as ``a, b``; missing values as ``""``."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return ", ".join(str(v) for v in value)
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return ""
    return str(value)


def date_text(value) -> str:
    """Return a date as ``YYYY-MM-DD`` (``""`` when missing)."""
    try:
        if value is None or pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    try:
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    except (TypeError, ValueError):
        return str(value)


# --------------------------------------------------------------------------- overview


def two_region_sentence(regions_verified, regions_met, forward: bool, recommend: bool, listed: bool) -> str:
    """Return the two-region status in one sentence (Article 5.5 forwarding, Article 5.6 recommendation), in the language in use."""
    v, m = list(regions_verified), list(regions_met)
    if listed:
        return _("Already listed in Annex III for this category.")

    def regions(names) -> str:
        count = ngettext("{n} PIC region", "{n} PIC regions", len(names)).format(n=len(names))
        return count + (f" ({', '.join(lookup(n) for n in names)})" if names else "")

    fwd = (_("Verified notifications from {regions}: enough to forward (Article 5.5)") if forward else _("Verified notifications from {regions}; two regions are needed to forward (Article 5.5)")).format(regions=regions(v))
    met = (_("Annex II met in {regions}: the committee may recommend listing (Article 5.6).") if recommend else _("Annex II met in {regions}; two regions are needed to recommend listing (Article 5.6).")).format(regions=regions(m))
    return f"{fwd}. {met}"


def overview(snapshot, notifications: pd.DataFrame, deadlines: dict, drafted: set[str]) -> pd.DataFrame:
    """Return one row per chemical and category (an agenda item).

    ``deadlines`` maps a key to ``(first verification deadline, how many overdue)``;
    ``drafted`` holds the keys whose draft DGD is in ``reports/``.
    """
    s = snapshot.status
    cols = ["key", "chemical", "category", "stage", "review_stage", "notifications", "regions_notified", "regions_verified", "regions_met",
            "two_region", "next_deadline", "overdue", "missing", "meetings", "forward_to_crc", "recommend_listing", "listed_in_annex_iii"]
    if s.empty:
        return pd.DataFrame(columns=cols)
    keys = [chemical_key(c, cat) for c, cat in zip(s["chemical"], s["category"], strict=True)]
    stage = [pipeline_stage(st, k in drafted) for st, k in zip(s["stage"], keys, strict=True)]
    missing = [N_("the committee's approval of the draft decision guidance document (Article 7.2)") if st == "DGD drafted" else str(m) for st, m in zip(stage, s["missing"], strict=True)]
    meetings = _meetings_per_key(notifications)
    return pd.DataFrame(
        {
            "key": keys,
            "chemical": s["chemical"].astype(str).to_numpy(),
            "category": s["category"].astype(str).to_numpy(),
            "stage": stage,
            "review_stage": s["stage"].astype(str).to_numpy(),
            "notifications": s["notifications"].astype(int).to_numpy(),
            "regions_notified": [list(v) for v in s["regions_notified"]],
            "regions_verified": [list(v) for v in s["regions_verified"]],
            "regions_met": [list(v) for v in s["regions_meeting_criteria"]],
            "two_region": [
                two_region_sentence(r.regions_verified, r.regions_meeting_criteria, bool(r.forward_to_crc), bool(r.recommend_listing), bool(r.listed_in_annex_iii))
                for r in s.itertuples(index=False)
            ],
            "next_deadline": [deadlines.get(k, ("", 0))[0] for k in keys],
            "overdue": [deadlines.get(k, ("", 0))[1] for k in keys],
            "missing": missing,
            "meetings": [meetings.get(k, "") for k in keys],
            "forward_to_crc": s["forward_to_crc"].astype(bool).to_numpy(),
            "recommend_listing": s["recommend_listing"].astype(bool).to_numpy(),
            "listed_in_annex_iii": s["listed_in_annex_iii"].astype(bool).to_numpy(),
        },
        columns=cols,
    )


def _meetings_per_key(notifications: pd.DataFrame) -> dict[str, str]:
    if "committee_meeting" not in notifications.columns:
        return {}
    m = notifications[["_key", "committee_meeting"]].astype(str)
    m = m[~m["committee_meeting"].str.strip().isin(["", "nan", "<NA>", "None"])]
    return {str(k): ", ".join(sorted(set(g["committee_meeting"]))) for k, g in m.groupby("_key", sort=False)}


def search(o: pd.DataFrame, *, query: str = "", category: str = "", region: str = "", stage: str = "", meeting: str = "") -> pd.DataFrame:
    """Return the overview rows that match: a name containing ``query`` (any case), and the filters given."""
    mask = np.ones(len(o), dtype=bool)
    q = query.strip().casefold()
    if q:
        mask &= np.array([q in str(c).casefold() for c in o["chemical"]], dtype=bool)
    if category:
        mask &= (o["category"] == category).to_numpy()
    if region:
        mask &= np.array([region in r for r in o["regions_notified"]], dtype=bool)
    if stage:
        mask &= (o["stage"] == stage).to_numpy()
    if meeting:
        mask &= np.array([meeting in [x.strip() for x in m.split(",")] for m in o["meetings"]], dtype=bool)
    return o.loc[mask].reset_index(drop=True)


def stage_counts(o: pd.DataFrame) -> pd.DataFrame:
    """Return how many chemical-category pairs stand at each stage, per category (aggregated for a chart)."""
    if o.empty:
        return pd.DataFrame(columns=["stage", "category", "chemicals"])
    counts = o.groupby(["stage", "category"], observed=True).size().rename("chemicals").reset_index()
    counts["_o"] = counts["stage"].map({s: i for i, s in enumerate(STAGES)})
    return counts.sort_values(["_o", "category"]).drop(columns="_o").reset_index(drop=True)


# --------------------------------------------------------------------------- one chemical


def conclusion_words(c) -> dict:
    """Return the committee's conclusion on a notification and the proposals, in words (the conclusions() contract).

    Keys: ``status`` (met, not_met, conflict or ``""``), ``committee``, ``proposal``,
    ``disagrees`` (bool), ``conflict`` (which committee entries conflict, how to settle it).
    """
    get = (lambda k, d="": getattr(c, k, d)) if c is not None else (lambda k, d="": d)
    raw = str(get("annex_ii_status") or "")
    conflict_text = str(get("conflict_entries") or "")
    conflict = raw == "conflict" or bool(get("annex_ii_conflict", False)) or bool(conflict_text)
    status = "conflict" if conflict else status_key(raw)
    committee = str(get("committee_conclusion") or "")
    if not committee and status in ("met", "not_met") and not hasattr(c, "committee_conclusion"):
        committee = f"{STATUS_WORDS[status]} ({get('annex_ii_basis')})"
    if conflict and not conflict_text:
        conflict_text = N_("recorded conclusions disagree; record a new committee entry superseding one of them")
    proposal = str(get("latest_proposal") or "")
    return {"status": status, "committee": without_paths(committee), "proposal": without_paths(proposal), "disagrees": bool(get("proposal_disagrees", False)),
            "conflict": without_paths(conflict_text)}


def notifications_of(sub: pd.DataFrame, snapshot, verification: pd.DataFrame) -> pd.DataFrame:
    """Return a chemical's notifications (domain brief §4.3): Party (UN name), region, action, dates, Annex I, Annex II.

    ``verification`` is :func:`~crc_tools.notifications.verification.verification_status` of ``sub``.
    """
    con = snapshot.conclusions
    con = con[con["notification_id"].isin(set(sub["notification_id"].astype(str)))]
    by = {(str(r.notification_id), str(r.category)): r for r in con.itertuples(index=False)}
    rows = []
    for r, v in zip(sub.itertuples(index=False), verification.itertuples(index=False), strict=True):
        words = conclusion_words(by.get((str(r.notification_id), str(r.category))))
        annex_i = str(v.verification_basis) + (f"; no information on Annex I item(s) {v.missing_items}" if getattr(v, "missing_items", "") else "")
        rows.append(
            {
                "notification_id": str(r.notification_id), "party": party_name(r.notifying_party), "pic_region": str(r.pic_region or ""),
                "action": FRA_WORDS.get(str(r.fra_type), str(r.fra_type or "")), "fra_date": date_text(r.fra_date), "received": date_text(r.received_date),
                "annex_i": annex_i, "annex_i_basis": str(v.verification_basis), "annex_i_missing": str(getattr(v, "missing_items", "") or ""), "status": words["status"], "committee": words["committee"] or N_("no conclusion yet"),
                "proposal": words["proposal"], "conflict": words["conflict"], "disagrees": words["disagrees"],
            }
        )
    cols = ["notification_id", "party", "pic_region", "action", "fra_date", "received", "annex_i", "annex_i_basis", "annex_i_missing", "status", "committee", "proposal", "conflict", "disagrees"]
    return pd.DataFrame(rows, columns=cols)


def deadlines(open_: pd.DataFrame) -> pd.DataFrame:
    """Return the notifications awaiting verification (as :meth:`Cases.open_verifications` gives them) in words."""
    return pd.DataFrame(
        {
            "notification_id": open_["notification_id"].astype(str).to_numpy(), "chemical": open_["_key"].astype(str).to_numpy(),
            "party": [party_name(p) for p in open_["notifying_party"]], "received": [date_text(v) for v in open_["received_date"]],
            "verify_by": [date_text(v) for v in open_["verification_deadline"]], "overdue": open_["verification_overdue"].astype(bool).to_numpy(),
        },
        columns=["notification_id", "chemical", "party", "received", "verify_by", "overdue"],
    )


def regions_of(row: dict, table: pd.DataFrame) -> pd.DataFrame:
    """Return one row per PIC region: notifying Parties, notified, verified, and Annex II in words (Articles 5.5, 5.6).

    ``annex_ii`` is ``met`` (a notification from the region meets Annex II), ``not_met`` (the
    committee concluded that none does), ``open`` (notified, no conclusion yet) or ``""`` (nothing
    notified: silence is never a conclusion).
    """
    from ..convention.reference import PIC_REGIONS

    out = []
    for region in PIC_REGIONS:
        mine = table[[region in str(r).split(";") for r in table["pic_region"]]] if len(table) else table
        met = region in row.get("regions_met", [])
        concluded_not = len(mine) > 0 and bool((mine["status"] == "not_met").all())
        out.append(
            {
                "pic_region": region, "parties": ", ".join(sorted(set(mine["party"]))) if len(mine) else "",
                "notified": region in row.get("regions_notified", []), "verified": region in row.get("regions_verified", []),
                "met": met, "annex_ii": "met" if met else ("not_met" if concluded_not else ("open" if len(mine) else "")),
            }
        )
    return pd.DataFrame(out)


__all__ = [
    "STAGES", "pipeline_stage", "chemical_key", "two_region_sentence", "overview", "search", "stage_counts",
    "conclusion_words", "notifications_of", "regions_of", "deadlines", "text_list", "date_text", "ROLE_WORDS", "CRITERION_OVERALL",
]
