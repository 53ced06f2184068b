"""Annex II assessment of notifications (Article 5.6), criterion by criterion.

Two sources, always kept apart and both shown:

* the **aid** — a rule-based pre-assessment that reads the notification's content
  (``../shared/DESIGN.md``, "what evidence each criterion reads") and says ``supports``,
  ``against`` or ``no evidence``. It is an aid for the expert, never a conclusion;
* **recorded determinations** — by task-group experts, contact groups or the committee,
  from case files, bulk tables (the committee's overall conclusion) and the register
  (:func:`crc_tools.register.store.all_determinations`); each conclusion names its source.

The overall conclusion rests on recorded determinations only: a notification meets
Annex II when (a), (b)(i)-(iii) and (c)(i)-(iv) are met and (d) holds; a criterion
recorded as not met means it does not.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..codes import factorize
from ..convention.reference import items

AID_SUPPORTS = "supports"
AID_AGAINST = "against"
AID_NONE = "no evidence"
AID_LABEL = "aid (rule-based pre-assessment, not a conclusion)"

ROLE_RANK = {"committee": 3, "contact_group": 2, "task_group": 1, "secretariat": 0}
"""Whose determination stands when several exist for one criterion: the committee's first."""

_LOCAL_ONLY = re.compile(
    r"\b(?:only (?:relevant|applicable) (?:to|in)|not relevant (?:to|for) other|limited to (?:the )?(?:local|specific|national)|specific to local|local conditions only|unique to)\b",
    re.I,
)
_NONE_WORDS = {"", "none", "no", "n/a", "na", "not applicable", "nil", "-"}


def _t(df: pd.DataFrame, name: str) -> pd.Series:
    if name not in df.columns:
        return pd.Series([""] * len(df), index=df.index, dtype="string")
    return df[name].astype("string").fillna("").str.strip()


def _has(df: pd.DataFrame, name: str) -> pd.Series:
    s = _t(df, name)
    return ~s.str.casefold().isin(_NONE_WORDS)


def _aid(supports, against, reason_sup: str, reason_against: str, reason_none: str, n: int):
    sup = np.asarray(supports, dtype=bool)
    ag = np.asarray(against, dtype=bool) & ~sup
    aid = np.where(sup, AID_SUPPORTS, np.where(ag, AID_AGAINST, AID_NONE))
    why = np.where(sup, reason_sup, np.where(ag, reason_against, reason_none))
    return aid, why


def annex_ii_aids(notifications: pd.DataFrame) -> pd.DataFrame:
    """Return the rule-based aid for every notification and Annex II criterion.

    Columns: ``notification_id``, ``category``, ``criterion``, ``aid``, ``aid_reason``,
    ``aid_fields`` (the notification fields the rule read).
    """
    df = notifications.reset_index(drop=True)
    n = len(df)
    health, env, other = _has(df, "reasons_human_health"), _has(df, "reasons_environment"), _has(df, "reasons_other")
    misuse = _has(df, "intentional_misuse")
    refs, summary = _has(df, "evaluation_references"), _has(df, "evaluation_summary")
    basis = _t(df, "evaluation_basis").str.casefold()
    prevailing = _has(df, "prevailing_conditions")
    bridge_src, bridge_just = _has(df, "bridging_source"), _has(df, "bridging_justification")
    fra_type = _t(df, "fra_type")
    prohibited, allowed = _has(df, "uses_prohibited"), _has(df, "uses_allowed")
    effect = _has(df, "expected_effect")
    relevance = _t(df, "relevance_to_other_states")
    has_relevance = _has(df, "relevance_to_other_states")
    trade = _t(df, "trade_evidence")
    has_trade = _has(df, "trade_evidence")
    trade_sourced = has_trade & trade.str.contains(r"—|\(|source|https?://|\b(?:19|20)\d\d\b", regex=True, case=False)

    rules = {
        "(a)": (
            _aid(health | env, other & ~health & ~env,
                 "reasons relevant to human health or the environment are given",
                 "only economic, agronomic or trade reasons are given",
                 "no reasons given", n),
            "reasons_human_health, reasons_environment, reasons_other",
        ),
        "(b)(i)": (
            _aid(basis.isin(["risk", "hazard"]) & refs, ~refs & ~summary,
                 "an evaluation is referenced with its documents",
                 "no evaluation is referenced",
                 "an evaluation is mentioned but its documents are not referenced", n),
            "evaluation_basis, evaluation_references",
        ),
        "(b)(ii)": (
            _aid(refs & summary, np.zeros(n, bool),
                 "a documented review is cited (summary and references)",
                 "",
                 "no documented data review cited", n),
            "evaluation_summary, evaluation_references",
        ),
        "(b)(iii)": (
            _aid(((basis == "risk") & prevailing) | (bridge_src & bridge_just),
                 ((basis == "hazard") & ~(bridge_src & bridge_just)) | (bridge_src & ~bridge_just),
                 "a risk evaluation with exposure under the Party's own conditions, or bridging with similar conditions shown",
                 "a hazard-only evaluation, or another Party's evaluation relied on without showing similar conditions (bridging)",
                 "no information on exposure under the Party's prevailing conditions", n),
            "evaluation_basis, prevailing_conditions, bridging_source, bridging_justification",
        ),
        "(c)(i)": (
            _aid((fra_type == "ban") | (prohibited & ~allowed),
                 (fra_type == "severe_restriction") & allowed & ~prohibited,
                 "a ban, or uses prohibited with none left allowed",
                 "a severe restriction that names allowed uses but no prohibited ones",
                 "the expert must judge whether most uses are prohibited", n),
            "fra_type, uses_prohibited, uses_allowed, quantities",
        ),
        "(c)(ii)": (
            _aid(effect, np.zeros(n, bool),
                 "an expected reduction of risk is stated",
                 "",
                 "no expected effect stated", n),
            "expected_effect",
        ),
        "(c)(iii)": (
            _aid(has_relevance & ~relevance.str.contains(_LOCAL_ONLY, regex=True),
                 has_relevance & relevance.str.contains(_LOCAL_ONLY, regex=True),
                 "relevance to other States or regions is stated",
                 "the concern is stated as local only",
                 "relevance to other States not stated", n),
            "relevance_to_other_states",
        ),
        "(c)(iv)": (
            _aid(trade_sourced, ~has_trade,
                 "trade evidence with a source is given",
                 "no evidence of ongoing international trade is given",
                 "trade evidence is given without a source", n),
            "trade_evidence",
        ),
        "(d)": (
            _aid(health | env, misuse & ~health & ~env,
                 "the action rests on reasons other than intentional misuse",
                 "intentional misuse is the only reason given",
                 "no reasons given", n),
            "reasons_human_health, reasons_environment, intentional_misuse",
        ),
    }
    annex_ii = items("annex_ii")
    if set(rules) != set(annex_ii.ids):  # every declared criterion has a rule, and no more
        raise RuntimeError("Annex II aid rules do not match the declared criteria")
    frames = []
    for crit in annex_ii.ids:
        (aid, why), fields = rules[crit]
        frames.append(
            pd.DataFrame(
                {
                    "notification_id": df["notification_id"].to_numpy(),
                    "category": df["category"].to_numpy(),
                    "criterion": crit,
                    "aid": aid,
                    "aid_reason": why,
                    "aid_fields": fields,
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["notification_id", "category", "criterion", "aid", "aid_reason", "aid_fields"])


def current_determinations(determinations: pd.DataFrame, keys: tuple[str, ...] = ("notification_id", "category", "criterion")) -> pd.DataFrame:
    """Return the determination that stands per notification, category and criterion.

    The committee's stands over a contact group's, which stands over a task group's;
    within one role the latest recorded stands. ``keys`` names the columns that identify
    one determination (SHPF proposals use ``("proposal_id", "criterion")``).
    """
    if determinations is None or determinations.empty:
        return determinations if determinations is not None else pd.DataFrame()
    d = determinations.copy()
    d["_rank"] = d["role"].map(ROLE_RANK).fillna(-1)
    d["_order"] = np.arange(len(d))
    d["category"] = d["category"].fillna("") if "category" in d.columns else ""
    d = d.sort_values(["_rank", "recorded_at", "_order"], na_position="first")
    return d.groupby(list(keys), sort=False).tail(1).drop(columns=["_rank", "_order"])


def assess(notifications: pd.DataFrame, determinations: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the Annex II assessment: one row per notification × category × criterion.

    Columns: identity (``notification_id``, ``chemical``, ``notifying_party``, ``category``),
    ``criterion``, ``criterion_text``, the aid (``aid``, ``aid_reason``, ``aid_fields``) and the
    recorded determination that stands (``status``, ``justification``, ``references``,
    ``recorded_by``, ``role``, ``recorded_at``, ``determination_source``); ``status`` is empty
    where nothing is recorded.
    """
    annex_ii = items("annex_ii")
    aids = annex_ii_aids(notifications)
    ident = notifications[[c for c in ("notification_id", "category", "chemical", "notifying_party", "pic_region") if c in notifications.columns]]
    out = aids.merge(ident, on=["notification_id", "category"], how="left")
    out["criterion_text"] = out["criterion"].map({i.id: i.text for i in annex_ii.items})
    det = current_determinations(determinations) if determinations is not None else None
    cols = ["status", "justification", "references", "recorded_by", "role", "recorded_at", "determination_source"]
    if det is not None and not det.empty:
        det = det[det["criterion"] != "overall"]
        if "determination_source" not in det.columns:  # case-file determinations alone: the file is the source
            det = det.rename(columns={"source_file": "determination_source"})
        general = det[det["category"] == ""].drop(columns=["category"])
        specific = det[det["category"] != ""]
        out = out.merge(specific[["notification_id", "category", "criterion", *[c for c in cols if c in specific]]], on=["notification_id", "category", "criterion"], how="left")
        fill = out.merge(general[["notification_id", "criterion", *[c for c in cols if c in general]]], on=["notification_id", "criterion"], how="left", suffixes=("", "_g"))
        for c in cols:
            if c + "_g" in fill.columns:
                out[c] = out[c].where(out[c].notna(), fill[c + "_g"]) if c in out.columns else fill[c + "_g"]
    for c in cols:
        if c not in out.columns:
            out[c] = pd.NA
    out["status"] = out["status"].astype("string").fillna("")
    order = {cid: i for i, cid in enumerate(annex_ii.ids)}
    out["_o"] = out["criterion"].map(order)
    out = out.sort_values(["notification_id", "category", "_o"], kind="stable").drop(columns="_o").reset_index(drop=True)
    lead = ["notification_id", "chemical", "notifying_party", "pic_region", "category", "criterion", "criterion_text", "aid", "aid_reason", "aid_fields"]
    return out[[c for c in lead if c in out.columns] + cols]


def _source_of(row) -> str:
    return str(getattr(row, "determination_source", "") or getattr(row, "source_file", "") or "")


def describe_sources(sources) -> str:
    """Return where determinations came from, in words: files as given, then ``register entries 3, 4``."""
    entries: list[int] = []
    others: list[str] = []
    for src in sources:
        src = str(src or "")
        m = re.fullmatch(r"register entry (\d+)", src)
        if m:
            entries.append(int(m.group(1)))
        elif src and src not in others:
            others.append(src)
    parts = list(others)
    if entries:
        ids = sorted(set(entries))
        parts.append(("register entry " if len(ids) == 1 else "register entries ") + ", ".join(map(str, ids)))
    return "; ".join(parts)


def overall_from_criteria(statuses: dict[str, str], set_name: str = "annex_ii") -> str:
    """Return ``met`` / ``not_met`` / ``pending`` from per-criterion statuses.

    Every criterion recorded as met → ``met``; any recorded as not met → ``not_met``;
    otherwise (missing or insufficient information) → ``pending``.
    """
    ids = items(set_name).ids
    values = [statuses.get(i, "") for i in ids]
    if any(v == "not_met" for v in values):
        return "not_met"
    if all(v == "met" for v in values):
        return "met"
    return "pending"


def conclusions(notifications: pd.DataFrame, determinations: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the Annex II conclusion per notification and category, with its source.

    Columns: ``notification_id``, ``category``, ``annex_ii_status`` (met / not_met / pending),
    ``annex_ii_basis`` (in words), ``annex_ii_source`` (where the conclusion came from: the
    bulk table or case file and its row, the case files of the determinations, or
    ``register entries …``), ``annex_ii_conflict`` (a recorded overall conclusion that
    disagrees with the recorded criterion determinations).
    Precedence: an overall conclusion recorded by the committee (bulk column
    ``annex_ii_conclusion`` or a determination on ``overall``), then the conclusion that
    follows from the criterion determinations.
    """
    base = notifications[["notification_id", "category"]].reset_index(drop=True)
    n = len(base)
    if "annex_ii_conclusion" in notifications.columns:
        codes, uniques = factorize(notifications["annex_ii_conclusion"])
        recorded_u = np.array(["" if u is None or u is pd.NA else str(u) for u in uniques], dtype=object)
        code_u = np.where(recorded_u == "met", 0, np.where(recorded_u == "not_met", 1, 2))
        status_codes = code_u[codes] if n else np.zeros(0, dtype=np.int64)
    else:
        status_codes = np.full(n, 2, dtype=np.int64)
    recorded_mask = status_codes < 2
    # Where a recorded conclusion came from: the bulk table or case file (its row is the
    # notification's own record, `_record`; naming it again per row would cost a string each).
    if recorded_mask.any() and "_source" in notifications.columns:
        src_codes, src_uniques = factorize(notifications["_source"])
        names = ["" if u is None or u is pd.NA else str(u) for u in src_uniques]
        blank_code = names.index("") if "" in names else len(names)
        names = names if blank_code < len(names) else [*names, ""]
        # one category per file, not one string per row
        source_arr = pd.Categorical.from_codes(np.where(recorded_mask, src_codes, blank_code), categories=pd.Index(names, dtype=object))
    else:
        source_arr = pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=pd.Index([""], dtype=object))
    STATUS = np.array(["met", "not_met", ""], dtype=object)
    if determinations is None or determinations.empty:  # only recorded overall conclusions: stay on codes
        return base.assign(
            annex_ii_status=pd.Categorical.from_codes(status_codes, categories=["met", "not_met", "pending"]),
            annex_ii_basis=pd.Categorical.from_codes((~recorded_mask).astype(np.int8), categories=["committee's recorded conclusion", "no determination recorded"]),
            annex_ii_source=source_arr,
            annex_ii_conflict=np.zeros(n, dtype=bool),
        )
    status = pd.Series(STATUS[status_codes], dtype=object)
    basis = pd.Series(np.where(recorded_mask, "committee's recorded conclusion", ""), dtype=object)
    source = pd.Series(source_arr, dtype=object)
    conflict = pd.Series(np.zeros(n, dtype=bool))
    if determinations is not None and not determinations.empty:
        det = current_determinations(determinations)
        key_cols = ["notification_id", "criterion"]
        overall = det[det["criterion"] == "overall"]
        per = det[det["criterion"] != "overall"]
        lookup: dict[tuple[str, str], dict[str, str]] = {}
        origin: dict[tuple[str, str], dict[str, str]] = {}
        for row in per.itertuples(index=False):
            lookup.setdefault((row.notification_id, row.category or ""), {})[row.criterion] = row.status
            origin.setdefault((row.notification_id, row.category or ""), {})[row.criterion] = _source_of(row)
        over: dict[tuple[str, str], tuple[str, str, str]] = {}
        for row in overall.itertuples(index=False):
            over[(row.notification_id, row.category or "")] = (row.status, row.role, _source_of(row))
        del key_cols
        status = status.copy()
        concerned = np.flatnonzero(base["notification_id"].isin(set(det["notification_id"])).to_numpy())
        ids_arr, cats_arr = base["notification_id"].to_numpy(), base["category"].to_numpy()
        for i in concerned:
            nid, cat = ids_arr[i], cats_arr[i]
            crit = {**lookup.get((nid, ""), {}), **lookup.get((nid, cat), {})}
            crit_sources = describe_sources({**origin.get((nid, ""), {}), **origin.get((nid, cat), {})}.values())
            derived = overall_from_criteria(crit) if crit else ""
            o = over.get((nid, cat)) or over.get((nid, ""))
            if status.iat[i]:
                if derived in ("met", "not_met") and derived != status.iat[i]:
                    conflict.iat[i] = True
                if o and o[0] in ("met", "not_met") and o[0] != status.iat[i]:
                    conflict.iat[i] = True
                continue
            if o and o[0] in ("met", "not_met"):
                status.iat[i] = o[0]
                basis.iat[i] = f"overall determination recorded ({o[1].replace('_', ' ')})"
                source.iat[i] = describe_sources([o[2]])
                if derived in ("met", "not_met") and derived != o[0]:
                    conflict.iat[i] = True
            elif derived in ("met", "not_met"):
                status.iat[i] = derived
                basis.iat[i] = "follows from the recorded criterion determinations"
                source.iat[i] = crit_sources
            elif crit:
                basis.iat[i] = "criterion determinations recorded, not all complete"
    status_arr = status.to_numpy(dtype=object)
    basis_arr = basis.to_numpy(dtype=object)
    status_arr = np.where(status_arr == "", "pending", status_arr)
    basis_arr = np.where(basis_arr == "", "no determination recorded", basis_arr)
    return base.assign(
        annex_ii_status=pd.Categorical(status_arr, categories=["met", "not_met", "pending"]),
        annex_ii_basis=pd.Categorical(basis_arr),
        annex_ii_source=source.to_numpy(dtype=object),
        annex_ii_conflict=conflict.to_numpy(),
    )
