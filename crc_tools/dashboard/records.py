"""The criterion-by-notification matrix and the history of recorded determinations (no Panel).

Cells hold the committee's conclusion only (Annex II, Article 5.6; Annex IV Part 3, Article
6.5). A task or contact group's proposal shows beside it as a proposal; the rule-based aid
shows as an aid, never as a conclusion.
"""

from __future__ import annotations

import pandas as pd

from .labels import CRITERION_OVERALL, ROLE_WORDS, STATUS_STYLES, STATUS_WORDS, party_name, status_key
from .tables import conclusion_words, date_text

MATRIX_COLUMNS = [
    "notification_id", "notification", "criterion", "criterion_text", "status", "symbol", "status_word", "justification",
    "recorded_by", "recorded_at", "proposal", "aid", "aid_reason",
]
PROPOSAL_ROLES = ("task_group", "contact_group")


def _committee_and_proposal(a: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Return per assess() row the committee's status and the proposal in words (the assess() contract, or its older form)."""
    statuses = a["status"].astype("string").fillna("").tolist()
    if "proposal_status" in a.columns:
        by = a.get("proposed_by", pd.Series("", index=a.index)).astype("string").fillna("")
        proposal = [f"{b or 'a proposal'} proposes: {STATUS_WORDS.get(p, p)}" if p else "" for p, b in zip(a["proposal_status"].astype("string").fillna(""), by, strict=True)]
        return [status_key(s) for s in statuses], proposal
    roles = a["role"].astype("string").fillna("").tolist()
    committee = [status_key(s) if r in ("committee", "") else "" for s, r in zip(statuses, roles, strict=True)]
    proposal = [f"{ROLE_WORDS.get(r, r)} proposes: {STATUS_WORDS.get(s, s)}" if r in PROPOSAL_ROLES and s else "" for s, r in zip(statuses, roles, strict=True)]
    return committee, proposal


def matrix(sub: pd.DataFrame, snapshot) -> pd.DataFrame:
    """Return a chemical's criterion-by-notification matrix, long form: Annex II (a)-(d) and ``overall`` per notification."""
    from ..convention.reference import items
    from ..notifications.criteria import assess

    if sub.empty:
        return pd.DataFrame(columns=MATRIX_COLUMNS)
    ids = set(sub["notification_id"].astype(str))
    det = snapshot.determinations
    det = det[det["notification_id"].astype(str).isin(ids)] if len(det) else None
    a = assess(sub, det if det is not None and len(det) else None)
    label = {str(n): f"{party_name(p)} · {n}" for n, p in zip(sub["notification_id"], sub["notifying_party"], strict=True)}
    committee, proposal = _committee_and_proposal(a)
    by_role = a["role"].astype("string").fillna("")
    keep = [r in ("committee", "") or "proposal_status" in a.columns for r in by_role]
    cells = pd.DataFrame(
        {
            "notification_id": a["notification_id"].astype(str).to_numpy(),
            "criterion": a["criterion"].astype(str).to_numpy(),
            "criterion_text": a["criterion_text"].astype(str).to_numpy(),
            "status": committee,
            "justification": [str(j) if k else "" for j, k in zip(a["justification"].astype("string").fillna(""), keep, strict=True)],
            "recorded_by": [str(b) if k else "" for b, k in zip(a["recorded_by"].astype("string").fillna(""), keep, strict=True)],
            "recorded_at": [date_text(v) if k else "" for v, k in zip(a["recorded_at"], keep, strict=True)],
            "proposal": proposal,
            "aid": a["aid"].astype(str).to_numpy(),
            "aid_reason": a["aid_reason"].astype(str).to_numpy(),
        }
    )
    out = pd.concat([cells, _overall(sub, snapshot)], ignore_index=True)
    out["notification"] = out["notification_id"].map(label)
    out["symbol"] = [STATUS_STYLES[s].symbol for s in out["status"]]
    out["status_word"] = [STATUS_STYLES[s].word if s else "no conclusion" for s in out["status"]]
    order = {c: i for i, c in enumerate([*items("annex_ii").ids, CRITERION_OVERALL])}
    nid_order = {n: i for i, n in enumerate(sub["notification_id"].astype(str))}
    out["_n"], out["_c"] = out["notification_id"].map(nid_order), out["criterion"].map(order)
    return out.sort_values(["_n", "_c"], kind="stable").reset_index(drop=True)[MATRIX_COLUMNS]


def _overall(sub: pd.DataFrame, snapshot) -> pd.DataFrame:
    con = snapshot.conclusions
    cat = set(sub["category"].astype(str))
    con = con[con["notification_id"].astype(str).isin(set(sub["notification_id"].astype(str))) & con["category"].astype(str).isin(cat)]
    rows = []
    for c in con.itertuples(index=False):
        w = conclusion_words(c)
        rows.append(
            {
                "notification_id": str(c.notification_id), "criterion": CRITERION_OVERALL,
                "criterion_text": "Annex II as a whole: (a), (b)(i)-(iii) and (c)(i)-(iv) met and (d) holds",
                "status": w["status"], "justification": w["conflict"] or w["committee"], "recorded_by": "", "recorded_at": "",
                "proposal": w["proposal"], "aid": "", "aid_reason": "",
            }
        )
    return pd.DataFrame(rows, columns=["notification_id", "criterion", "criterion_text", "status", "justification", "recorded_by", "recorded_at", "proposal", "aid", "aid_reason"])


HISTORY_COLUMNS = ["entry", "recorded_at", "criterion", "category", "status", "justification", "recorded_by", "role", "state", "can_correct", "category_key"]


def history(snapshot, case_determinations: pd.DataFrame, subject_id: str, *, id_column: str = "notification_id") -> pd.DataFrame:
    """Return every recorded determination on a subject, newest first: the register's entries and the case file's.

    ``can_correct`` marks the committee's register entries that stand: the ones a correction
    from the dashboard may supersede.
    """
    h = snapshot.register_entries
    h = h[h["subject_id"].astype(str) == str(subject_id)] if len(h) else h
    rows = []
    for r in h.itertuples(index=False):
        stands = bool(r.current)
        state = "stands" if stands else (f"superseded by entry {int(r.superseded_by)} ({r.superseded_how})" if pd.notna(r.superseded_by) else "superseded")
        rows.append(
            {
                "entry": int(r.entry_id), "recorded_at": str(r.recorded_at)[:16].replace("T", " "), "criterion": str(r.criterion),
                "category": str(r.category or "every category"), "status": STATUS_WORDS.get(str(r.status), str(r.status)),
                "justification": str(r.justification or ""), "recorded_by": str(r.recorded_by), "role": ROLE_WORDS.get(str(r.role), str(r.role)),
                "state": state, "can_correct": stands and str(r.role) == "committee", "category_key": str(r.category or ""),
            }
        )
    case = case_determinations
    if id_column in case.columns:
        case = case[case[id_column].astype(str) == str(subject_id)]
        for r in case.itertuples(index=False):
            rows.append(
                {
                    "entry": None, "recorded_at": date_text(r.recorded_at), "criterion": str(r.criterion), "category": str(getattr(r, "category", "") or "every category"),
                    "status": STATUS_WORDS.get(str(r.status), str(r.status)), "justification": str(r.justification or ""), "recorded_by": str(r.recorded_by or ""),
                    "role": ROLE_WORDS.get(str(r.role), str(r.role)), "state": "in the case file", "can_correct": False,
                    "category_key": str(getattr(r, "category", "") or ""),
                }
            )
    frame = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
    frame["entry"] = frame["entry"].astype("Int64")
    return frame.sort_values("recorded_at", ascending=False, kind="stable").reset_index(drop=True) if len(frame) else frame


def recent(snapshot, n: int = 10) -> pd.DataFrame:
    """Return the ``n`` latest register entries, newest first."""
    cols = ["entry", "subject", "criterion", "status", "recorded_by", "role", "state"]
    h = snapshot.register_entries
    if h is None or h.empty:
        return pd.DataFrame(columns=cols)
    h = h.sort_values("entry_id", ascending=False).head(n)
    return pd.DataFrame(
        {
            "entry": h["entry_id"].astype(int).to_numpy(),
            "subject": h["subject_id"].astype(str).to_numpy(),
            "criterion": h["criterion"].astype(str).to_numpy(),
            "status": [STATUS_WORDS.get(str(s), str(s)) for s in h["status"]],
            "recorded_by": h["recorded_by"].astype(str).to_numpy(),
            "role": [ROLE_WORDS.get(str(r), str(r)) for r in h["role"]],
            "state": ["stands" if c else "superseded" for c in h["current"]],
        },
        columns=cols,
    )


__all__ = ["matrix", "history", "recent", "MATRIX_COLUMNS", "HISTORY_COLUMNS"]
