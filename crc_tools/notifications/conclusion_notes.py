"""What the committee's conclusions add to the review status, per chemical and category (Article 5.6).

Only the committee concludes (DESIGN.md, "Who concludes"): conflicts among its own entries are
stated with how to settle them; task group and contact group entries are shown as proposals,
never counted; conclusions on notifications not verified under Annex I are named, not counted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..codes import factorize, flags
from .criteria import NONE_RECORDED, RECORDED
from .status_parts import some as _some

__all__ = ["conclusion_line", "conclusion_notes"]


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
