"""Which recorded entries stand: the committee's conclusions, its conflicts, and the latest proposals.

Shared by Annex II (notifications, Article 5.6) and Annex IV Part 3 (SHPF proposals,
Article 6.5). The rules (``../shared/DESIGN.md``, "Who concludes"):

* only **committee** entries conclude: the register's role ``committee``, a case file's
  determination marked ``role: committee``, or a bulk table's / case file's recorded overall
  conclusion (``annex_ii_conclusion``, ``part3_conclusion``), which is the committee's;
* on one criterion (or ``overall``) the committee entry of the latest date stands; committee
  entries of that one date that disagree are a **conflict** (an entry without a date counts as
  earlier than any dated one, and undated entries share one date);
* an overall conclusion that disagrees with the committee's standing criterion conclusions
  (an overall ``met`` beside a criterion ``not_met`` or ``insufficient_information``, an
  overall ``not_met`` beside every criterion ``met``) is a conflict too;
* **task group** and **contact group** entries are proposals: the latest is shown, never counted;
* a conflict is stated with the entries concerned and how to settle it: a new committee entry
  that supersedes one of them.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..convention.reference import items

COMMITTEE = "committee"
PROPOSING_ROLES = ("task_group", "contact_group")
ROLE_WORDS = {"task_group": "task group", "contact_group": "contact group", "committee": "committee", "secretariat": "Secretariat"}
OVERALL = "overall"
CONCLUSIVE = ("met", "not_met")
_EARLIEST = pd.Timestamp("1677-09-22")
"""Stands for "no date": earlier than any dated entry."""

SETTLE = (
    "settle it by recording a new committee entry that supersedes one of them (crc register record … --role committee "
    "--supersedes N); an entry in a case file or bulk table is settled by a committee entry of a later date on the same "
    "criterion, or by correcting the file"
)


def words(status: str) -> str:
    """Return a status in words (``not_met`` → ``not met``)."""
    return str(status).replace("_", " ")


def describe_sources(sources) -> str:
    """Return where entries came from, in words: files as given, then ``register entries 3, 4``."""
    entries: list[int] = []
    others: list[str] = []
    for src in sources:
        src = str(src or "")
        m = re.fullmatch(r"register entr(?:y|ies) ([\d, ]+)", src)
        if m:
            entries.extend(int(x) for x in m.group(1).replace(" ", "").split(",") if x)
        elif src and src not in others:
            others.append(src)
    parts = list(others)
    if entries:
        ids = sorted(set(entries))
        parts.append(("register entry " if len(ids) == 1 else "register entries ") + ", ".join(map(str, ids)))
    return "; ".join(parts)


def overall_from_criteria(statuses: dict[str, str], set_name: str = "annex_ii") -> str:
    """Return ``met`` / ``not_met`` / ``pending`` from per-criterion statuses.

    Every criterion met → ``met``; any not met → ``not_met``; otherwise ``pending``
    (Annex II: (a), (b)(i)-(iii), (c)(i)-(iv) met and (d) holding; Annex IV Part 3 (a)-(e)).
    """
    values = [statuses.get(i, "") for i in items(set_name).ids]
    if any(v == "not_met" for v in values):
        return "not_met"
    if all(v == "met" for v in values):
        return "met"
    return "pending"


def prepare(determinations: pd.DataFrame | None, id_col: str, subjects: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the determinations with what resolution needs: ``_source``, ``_day``, ``_order``, explicit categories.

    An entry recorded for every category (``category`` empty) is repeated for each category
    of its subject in ``subjects`` (``id_col``, ``category``); without ``subjects`` the
    category is left as recorded.
    """
    cols = [id_col, "criterion", "status", "role", "recorded_at", "category", "_source", "_day", "_order"]
    if determinations is None or determinations.empty:
        return pd.DataFrame(columns=cols)
    d = determinations.reset_index(drop=True).copy()
    d["_order"] = np.arange(len(d))
    src = d["determination_source"] if "determination_source" in d.columns else d.get("source_file", pd.Series("", index=d.index))
    d["_source"] = src.astype("string").fillna("").to_numpy(dtype=object)
    when = pd.to_datetime(d["recorded_at"], errors="coerce") if "recorded_at" in d.columns else pd.Series(pd.NaT, index=d.index)
    d["recorded_at"] = when
    d["_day"] = when.dt.normalize().fillna(_EARLIEST)
    d["category"] = d["category"].astype("string").fillna("").to_numpy(dtype=object) if "category" in d.columns else ""
    d["role"] = d["role"].astype("string").fillna("").to_numpy(dtype=object)
    d["status"] = d["status"].astype("string").fillna("").to_numpy(dtype=object)
    if subjects is not None and "category" in subjects.columns:
        general = d[d["category"] == ""].drop(columns="category")
        concerned = subjects[subjects[id_col].isin(set(general[id_col]))]  # a few of maybe millions
        cats = concerned[[id_col, "category"]].astype({id_col: object, "category": object}).drop_duplicates()
        expanded = general.merge(cats, on=id_col, how="inner")
        d = pd.concat([d[d["category"] != ""], expanded], ignore_index=True).sort_values("_order", kind="stable")
    return d.reset_index(drop=True)


def entry_words(row) -> str:
    """Return one entry as cited in a conflict: ``register entry 12 ((b)(iii) not met, 2024-06-01)``."""
    when = row["recorded_at"]
    date = f", {when.date().isoformat()}" if pd.notna(when) else ""
    return f"{row['_source'] or 'an entry without source'} ({row['criterion']}: {words(row['status'])}{date})"


def committee_standing(d: pd.DataFrame, id_col: str) -> pd.DataFrame:
    """Return the committee's standing entry per subject, category and criterion.

    Columns: ``id_col``, ``category``, ``criterion``, ``status`` (the standing status, or
    ``conflict`` where entries of the latest date disagree), ``source`` (the standing entries'
    sources in words), ``conflict_rows`` (the disagreeing entries in words), ``replaced``
    (earlier committee entries of another status that a later one stands over, in words),
    and the standing entry's ``_row`` (position in ``d``).
    """
    keys = [id_col, "category", "criterion"]
    c = d[d["role"] == COMMITTEE]
    if c.empty:
        return pd.DataFrame(columns=[*keys, "status", "source", "conflict_rows", "replaced", "entry", "recorded", "_row"])
    c = c.assign(_row=c.index)
    latest_day = c.groupby(keys, sort=False)["_day"].transform("max")
    top = c[c["_day"] == latest_day]
    older = c[c["_day"] != latest_day]
    rows = []
    for key, g in top.sort_values(["recorded_at", "_order"], na_position="first", kind="stable").groupby(keys, sort=False):
        statuses = list(dict.fromkeys(g["status"]))
        last = g.iloc[-1]
        conflict = len(statuses) > 1
        rows.append(
            {
                **dict(zip(keys, key, strict=True)),
                "status": "conflict" if conflict else statuses[0],
                "source": describe_sources(g["_source"]),
                "conflict_rows": [entry_words(r) for _, r in g.iterrows()] if conflict else [],
                "replaced": [],
                "entry": entry_words(last),
                "recorded": bool(last.get("_recorded", False) == True),  # noqa: E712  (NaN on other rows)
                "_row": int(last["_row"]),
            }
        )
    out = pd.DataFrame(rows)
    if not older.empty:
        index = {tuple(k): i for i, k in enumerate(out[keys].itertuples(index=False, name=None))}
        for _, r in older.iterrows():
            i = index[(r[id_col], r["category"], r["criterion"])]
            if out.at[i, "status"] not in (r["status"], "conflict"):
                out.at[i, "replaced"] = [*out.at[i, "replaced"], entry_words(r)]
    return out


def _text_of(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    return frame[column].astype("string").fillna("").to_numpy(dtype=object)


def latest_proposals(d: pd.DataFrame, id_col: str) -> pd.DataFrame:
    """Return the latest proposal (task group or contact group) per subject, category and criterion.

    Columns: ``id_col``, ``category``, ``criterion``, ``proposal_status``, ``proposed_by``
    (the role in words and who recorded it), ``proposal_source``, ``proposal_justification``,
    ``proposal_references``, ``proposal_role``, ``_when``.
    """
    keys = [id_col, "category", "criterion"]
    cols = [*keys, "proposal_status", "proposed_by", "proposal_source", "proposal_justification", "proposal_references", "proposal_role", "_when", "_order"]
    p = d[d["role"].isin(PROPOSING_ROLES)]
    if p.empty:
        return pd.DataFrame(columns=cols)
    p = p.sort_values(["recorded_at", "_order"], na_position="first", kind="stable").groupby(keys, sort=False).tail(1)
    by = p["recorded_by"].astype("string").fillna("") if "recorded_by" in p.columns else pd.Series("", index=p.index)
    role = p["role"].map(ROLE_WORDS).fillna(p["role"])
    return pd.DataFrame(
        {
            **{k: p[k].to_numpy(dtype=object) for k in keys},
            "proposal_status": p["status"].to_numpy(dtype=object),
            "proposed_by": np.where(by != "", role + " (" + by + ")", role),
            "proposal_source": p["_source"].to_numpy(dtype=object),
            "proposal_justification": _text_of(p, "justification"),
            "proposal_references": _text_of(p, "references"),
            "proposal_role": p["role"].to_numpy(dtype=object),
            "_when": p["recorded_at"].fillna(_EARLIEST).to_numpy(),
            "_order": p["_order"].to_numpy(),
        },
        columns=cols,
    )


def _overall_against_criteria(over: dict, crit: dict[str, dict], derived: str) -> str:
    """Return the words of a conflict between the committee's overall conclusion and its criteria, or ''."""
    if over["status"] == "met":
        against = [r for c, r in crit.items() if r["status"] in ("not_met", "insufficient_information")]
    elif over["status"] == "not_met" and derived == "met":
        against = list(crit.values())
    else:
        return ""
    if not against:
        return ""
    return f"the committee's overall conclusion {over['entry']} disagrees with its conclusion(s) on the criteria: " + "; ".join(r["entry"] for r in against)


def _proposal(rows: list[dict], set_name: str) -> tuple[str, str]:
    """Return (proposed status, words) of the latest proposing role's entries on one subject."""
    if not rows:
        return "", ""
    last = max(rows, key=lambda r: (r["_when"], r["_order"]))
    own = [r for r in rows if r["proposal_role"] == last["proposal_role"]]
    by = {r["criterion"]: r for r in own}
    sources = describe_sources(r["proposal_source"] for r in own)
    who = ROLE_WORDS.get(last["proposal_role"], last["proposal_role"])
    if OVERALL in by:
        status = by[OVERALL]["proposal_status"]
    else:
        status = overall_from_criteria({c: r["proposal_status"] for c, r in by.items()}, set_name)
    if status in ("met", "not_met", "insufficient_information"):
        return status, f"{who} proposes: {words(status)} ({sources})"
    listed = ", ".join(f"{c} {words(r['proposal_status'])}" for c, r in by.items())
    return "pending", f"{who} proposes: {listed}; other criteria open ({sources})"


def conclude(standing: list[dict], proposals: list[dict], set_name: str = "annex_ii", *, recorded_words: str = "the committee's recorded conclusion") -> dict:
    """Return the committee's conclusion on one subject and category, with the latest proposal.

    ``standing`` are :func:`committee_standing` rows of the subject, ``proposals`` the
    :func:`latest_proposals` rows. Keys of the result: ``status`` (met / not_met / pending /
    conflict), ``basis``, ``source``, ``committee_conclusion``, ``latest_proposal``,
    ``proposal_disagrees``, ``conflict_entries``.
    """
    by = {r["criterion"]: r for r in standing}
    over = by.get(OVERALL)
    crit = {c: r for c, r in by.items() if c != OVERALL and r["status"] != "conflict"}
    derived = overall_from_criteria({c: r["status"] for c, r in crit.items()}, set_name) if crit else ""
    lines = [f"committee entries on {r['criterion']} of one date disagree: " + " and ".join(r["conflict_rows"]) for r in standing if r["status"] == "conflict"]
    if over is not None and over["status"] in CONCLUSIVE:
        line = _overall_against_criteria(over, crit, derived)
        if line:
            lines.append(line)
    replaced = [f"{r['entry']} stands over the earlier committee entry " + "; ".join(r["replaced"]) for r in standing if r["replaced"]]
    if lines:
        status, basis, source = "conflict", "the committee's own entries conflict", describe_sources(r["source"] for r in standing)
    elif over is not None and over["status"] in CONCLUSIVE:
        status, basis, source = over["status"], recorded_words if over.get("recorded") else "the committee's overall conclusion", over["source"]
    elif derived in CONCLUSIVE:
        status, basis, source = derived, "follows from the committee's criterion conclusions", describe_sources(r["source"] for r in crit.values())
    else:
        status, source = "pending", ""
        basis = "the committee's criterion conclusions recorded, not all criteria" if crit else "no committee conclusion recorded"
        if over is not None and over["status"] == "insufficient_information":
            basis, source = "the committee recorded insufficient information", over["source"]
    p_status, p_words = _proposal(proposals, set_name)
    if replaced:
        basis += "; " + "; ".join(replaced)
    return {
        "status": status,
        "basis": basis,
        "source": source,
        "committee_conclusion": f"{words(status)} ({source})" if status in CONCLUSIVE else "",
        "latest_proposal": p_words,
        "proposal_disagrees": bool(status in CONCLUSIVE and p_status in CONCLUSIVE and p_status != status),
        "conflict_entries": ("; ".join(lines) + "; " + SETTLE) if lines else "",
    }
