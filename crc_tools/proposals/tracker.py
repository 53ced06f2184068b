"""SHPF proposals: the Secretariat's collection of Annex IV Part 2 information (Article 6.3).

The Secretariat collects the Part 2 information (a)-(i) and forwards it with the proposal
(Article 6.4); until it has, the items still to collect are said ("awaited").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..convention.reference import items

__all__ = ["PART2_STATUSES", "part2_items", "part2_summary"]


PART2_STATUSES = ("collected", "awaited", "none found", "not recorded", "not requested")



def part2_items(proposals: pd.DataFrame, part2: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the Secretariat's Annex IV Part 2 collection (Article 6.3), item by item.

    One row per proposal and item (a)-(i). ``status`` is ``collected``; ``awaited`` (the call
    for information still awaits something, said in ``awaiting``); ``none found`` (looked for,
    nothing available); ``not recorded``; or for item (i), which depends on what the committee
    identifies, ``not requested``.
    """
    p2 = items("annex_iv_part2")
    base = pd.DataFrame(
        [(pid, it.id, it.text) for pid in proposals["proposal_id"] for it in p2.items],
        columns=["proposal_id", "item", "text"],
    )
    cols = ["collected", "source", "collected_date", "awaiting", "summary", "notes"]
    if part2 is not None and len(part2):
        rec = part2.rename(columns={"part2_item": "item"})[["proposal_id", "item", *cols]]
        base = base.merge(rec, on=["proposal_id", "item"], how="left")
    else:
        for c in cols:
            base[c] = pd.NA
    collected = base["collected"].astype("boolean")
    awaiting = base["awaiting"].astype("string").fillna("").str.strip()
    recorded = base["collected"].notna() | (awaiting != "") | base["source"].astype("string").fillna("").ne("")
    status = np.where(
        collected.fillna(False).to_numpy(dtype=bool),
        "collected",
        np.where((awaiting != "").to_numpy(), "awaited", np.where(recorded.to_numpy(), "none found", np.where(base["item"] == "(i)", "not requested", "not recorded"))),
    )
    base["status"] = status
    base["collected"] = collected
    for c in ("source", "awaiting", "summary", "notes"):
        base[c] = base[c].astype("string").fillna("")
    return base


def part2_summary(proposals: pd.DataFrame, part2: pd.DataFrame | None = None) -> dict[str, list]:
    """Return per proposal what the Secretariat collected under Annex IV Part 2 and what is still awaited (Article 6.3).

    Keys (lists aligned with ``proposals``): ``part2_collected``, ``part2_awaiting`` (items
    awaited or not recorded), ``part2_complete`` and ``part2_basis``. Where the committee has
    recorded a Part 3 conclusion and no item is marked awaited, the information was before it:
    the items are not itemised, and the basis says so.
    """
    p2 = part2_items(proposals, part2)
    by = {pid: g for pid, g in p2.groupby("proposal_id", sort=False)}
    conclusion = proposals["part3_conclusion"].astype("string").fillna("")
    out: dict[str, list] = {"part2_collected": [], "part2_awaiting": [], "part2_complete": [], "part2_basis": []}
    for pid, concl in zip(proposals["proposal_id"], conclusion, strict=True):
        g = by.get(pid)
        got = g.loc[g["status"] == "collected", "item"].tolist() if g is not None else []
        open_ = g.loc[g["status"].isin(["awaited", "not recorded"]), "item"].tolist() if g is not None else []
        out["part2_collected"].append(got)
        if open_ and concl in ("met", "not_met") and not (g is not None and (g["status"] == "awaited").any()):
            open_, basis = [], "the committee reviewed the proposal with the Part 2 information (Article 6.4); the items are not itemised here"
        else:
            basis = "every Part 2 item collected or looked for (Article 6.3)" if not open_ else "Part 2 information still to be collected: " + ", ".join(open_)
        out["part2_awaiting"].append(open_)
        out["part2_complete"].append(not open_)
        out["part2_basis"].append(basis)
    return out
