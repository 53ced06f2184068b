"""SHPF proposals: Annex IV Part 3 (a)-(e), the rule-based aid and the committee's conclusions (Article 6.5).

The aid reads the Part B incident reports and the proposal; it says ``supports``,
``against`` (only on content that shows the criterion fails) or ``no evidence`` (silence).
The conclusion is the committee's alone (:mod:`crc_tools.notifications.standing`): task
group and contact group determinations are proposals, shown and never counted.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..convention.formulation import parse_quantity
from ..convention.reference import items
from ..i18n import N_
from ..intake.proposals import CATEGORY, Proposals
from ..notifications.criteria import (
    _DET_COLS,
    _PROPOSAL_COLS,
    AID_AGAINST,
    AID_LABEL,
    AID_NONE,
    AID_SUPPORTS,
    _conclude_recorded,
    _fast_columns,
    criterion_records,
    recorded_conclusions,
)

NOT_MISUSE = ("use_as_intended", "accidental")
MISUSE = ("intentional_misuse", "suicide_attempt")
SEVERE_OUTCOMES = ("death", "hospitalised")

__all__ = ["effects_vs_quantity", "part3_aids", "assess", "conclusions", "AID_LABEL"]

_LOCAL_ONLY = re.compile(
    r"\b(?:only (?:relevant|applicable) (?:to|in)|not relevant (?:to|for) other|limited to (?:the )?(?:local|specific|national)|specific to local|local conditions only|unique to)\b",
    re.I,
)
_NO_PPE = re.compile(r"\b(?:no|without|little or no|lack(?:ing)? of|not wear\w*|did not wear|unprotected)\b[^.;]{0,40}\b(?:PPE|protective|gloves|mask|respirator|protection)\b", re.I)
_NONE_WORDS = {"", "none", "no", "n/a", "na", "not applicable", "nil", "-", "not available", "unknown"}


def _has(df: pd.DataFrame, name: str) -> pd.Series:
    if name not in df.columns:
        return pd.Series(False, index=df.index)
    s = df[name].astype("string").fillna("").str.strip()
    return ~s.str.casefold().isin(_NONE_WORDS)


def _incident_summary(proposals: pd.DataFrame, incidents: pd.DataFrame) -> pd.DataFrame:
    """Aggregate the Part B reports per proposal (what the Part 3 aid reads)."""
    ids = proposals["proposal_id"].reset_index(drop=True)
    cols = ["reports", "confirmed_recognised", "all_unconfirmed", "all_against_practice", "not_misuse", "misuse_only", "people", "organisms", "severe", "deaths", "no_ppe"]
    if incidents is None or incidents.empty:
        z = pd.DataFrame(0, index=ids, columns=cols)
        for c in ("confirmed_recognised", "all_unconfirmed", "all_against_practice", "not_misuse", "misuse_only", "no_ppe"):
            z[c] = False
        return z
    inc = incidents.copy()
    conf = inc["medically_confirmed"].astype("boolean")
    common = inc["use_per_common_practice"].astype("boolean")
    circ = inc["circumstance"].astype("string").fillna("")
    outcome = inc["outcome"].astype("string").fillna("")
    human = inc["incident_type"].astype("string").fillna("") != "environmental"
    count = pd.to_numeric(inc["number_affected"], errors="coerce")
    inc["_confrec"] = (conf.fillna(False) & common.fillna(False)).astype(bool)
    inc["_unconf"] = (conf == False).fillna(False).astype(bool)  # noqa: E712
    inc["_against"] = (common == False).fillna(False).astype(bool)  # noqa: E712
    inc["_notmis"] = circ.isin(NOT_MISUSE)
    inc["_mis"] = circ.isin(MISUSE)
    inc["_people"] = np.where(human, count.fillna(1), 0)
    inc["_organisms"] = np.where(~human, count.fillna(0), 0)
    inc["_severe"] = outcome.isin(SEVERE_OUTCOMES)
    inc["_deaths"] = (outcome == "death") & human
    inc["_noppe"] = inc["use_conditions"].astype("string").fillna("").str.contains(_NO_PPE, regex=True)
    g = inc.groupby("proposal_id", sort=False)
    agg = pd.DataFrame(
        {
            "reports": g.size(),
            "confirmed_recognised": g["_confrec"].any(),
            "all_unconfirmed": g["_unconf"].all(),
            "all_against_practice": g["_against"].all(),
            "not_misuse": g["_notmis"].any(),
            "misuse_only": g["_mis"].all(),
            "people": g["_people"].sum(),
            "organisms": g["_organisms"].sum(),
            "severe": g["_severe"].sum(),
            "deaths": g["_deaths"].sum(),
            "no_ppe": g["_noppe"].any(),
        }
    )
    out = agg.reindex(ids)
    for c in ("reports", "people", "organisms", "severe", "deaths"):
        out[c] = out[c].fillna(0).astype(int)
    for c in ("confirmed_recognised", "all_unconfirmed", "all_against_practice", "not_misuse", "misuse_only", "no_ppe"):
        out[c] = out[c].astype("boolean").fillna(False).astype(bool)
    return out


def effects_vs_quantity(p: Proposals) -> pd.DataFrame:
    """Relate the reported effects to the quantity of the formulation used (Annex IV Part 3 (d)).

    One row per proposal: ``incident_reports`` (Part B reports read), ``people_affected`` (a
    human-health report that does not give ``number_affected`` counts one person),
    ``organisms_affected``, ``severe_outcomes`` (deaths and hospitalisations), ``deaths``,
    ``quantity_used`` (as written), ``quantity`` and ``quantity_unit`` (read from it, in L or
    kg), ``affected_per_1000`` (people affected per 1,000 L or kg used) and ``summary``.
    """
    df = p.proposals.reset_index(drop=True)
    s = _incident_summary(df, p.incidents)
    rows = []
    for pid, qtext, (_, agg) in zip(df["proposal_id"], df["quantity_used"].astype("string").fillna(""), s.iterrows(), strict=True):
        q = parse_quantity(qtext)
        rate = (agg["people"] / q[0] * 1000.0) if q and q[0] > 0 else None
        parts = [f"{agg['reports']} Part B report(s)", f"{agg['people']} person(s) affected"]
        if agg["organisms"]:
            parts.append(f"{agg['organisms']} organism(s) affected")
        parts.append(f"{agg['severe']} with a severe outcome ({agg['deaths']} death(s))")
        if q:
            parts.append(f"against {q[0]:,.0f} {q[1]} used ({qtext.strip()})")
            parts.append(f"{rate:.2g} person(s) affected per 1,000 {q[1]}")
        else:
            parts.append("no quantity of the formulation used or sold is given")
        rows.append(
            {
                "proposal_id": pid,
                "incident_reports": int(agg["reports"]),
                "people_affected": int(agg["people"]),
                "organisms_affected": int(agg["organisms"]),
                "severe_outcomes": int(agg["severe"]),
                "deaths": int(agg["deaths"]),
                "quantity_used": qtext,
                "quantity": q[0] if q else None,
                "quantity_unit": q[1] if q else "",
                "affected_per_1000": rate,
                "summary": "; ".join(parts),
            }
        )
    return pd.DataFrame(rows, columns=["proposal_id", "incident_reports", "people_affected", "organisms_affected", "severe_outcomes", "deaths", "quantity_used", "quantity", "quantity_unit", "affected_per_1000", "summary"])


def _aid(supports, against, reason_sup, reason_against, reason_none):
    sup = np.asarray(supports, dtype=bool)
    ag = np.asarray(against, dtype=bool) & ~sup
    aid = np.where(sup, AID_SUPPORTS, np.where(ag, AID_AGAINST, AID_NONE))
    why = np.where(sup, reason_sup, np.where(ag, reason_against, reason_none))
    return aid, why


def _part3_rules(p: Proposals, df: pd.DataFrame) -> dict:
    """Return criterion → ((aid, reason), fields read): the aid's rule per Annex IV Part 3 criterion (see :func:`part3_aids`)."""
    s = _incident_summary(df, p.incidents).reset_index(drop=True)
    ev = effects_vs_quantity(p)
    has_reports = (s["reports"] > 0).to_numpy()
    relevance = df["relevance_to_other_states"].astype("string").fillna("") if len(df) else pd.Series([], dtype="string")
    has_rel = _has(df, "relevance_to_other_states").to_numpy()
    local = relevance.str.contains(_LOCAL_ONLY, regex=True).to_numpy(dtype=bool) if len(df) else np.zeros(0, bool)
    restrictions = _has(df, "handling_restrictions").to_numpy()
    quantity_known = ev["quantity"].notna().to_numpy()
    severe = (s["severe"] > 0).to_numpy()
    rate = pd.to_numeric(ev["affected_per_1000"], errors="coerce").fillna(0).to_numpy()
    d_reason = ev["summary"].to_numpy(dtype=object)
    return {
        "(a)": (
            _aid(s["confirmed_recognised"], has_reports & (s["all_unconfirmed"] | s["all_against_practice"]),
                 N_("a Part B report confirms an incident by a health professional (or analysis) under common or recognized use"),
                 np.where(s["all_unconfirmed"], N_("no incident report is confirmed by a health professional (or analysis)"), N_("every incident report records use against common or recognized practice (the label)")),
                 np.where(has_reports, N_("the reports do not say whether the incidents were confirmed and the formulation used as commonly practised"), N_("no Part B incident report"))),
            "Part B incident reports: medically_confirmed, use_per_common_practice",
        ),
        "(b)": (
            _aid(has_rel & ~local, np.zeros(len(df), bool),
                 N_("relevance to other States with similar climate, conditions and patterns of use is stated"),
                 "",
                 np.where(has_rel & local, N_("the incidents are stated as relevant only locally; the expert judges their relevance to other States"), N_("relevance to other States is not stated"))),
            "relevance_to_other_states, climate_and_conditions, patterns_of_use",
        ),
        "(c)": (
            _aid(restrictions | s["no_ppe"].to_numpy(), np.zeros(len(df), bool),
                 np.where(restrictions, N_("restrictions that safe use would need (equipment, training) are stated"), N_("Part B reports record use without protective equipment")),
                 "",
                 N_("no handling or applicator restriction is stated")),
            "handling_restrictions, Part B use_conditions",
        ),
        "(d)": (
            _aid(quantity_known & (severe | (rate >= 1.0)), np.zeros(len(df), bool),
                 d_reason,
                 "",
                 np.where(quantity_known, np.char.add(d_reason.astype(str), "; " + N_("the expert judges their significance")), np.char.add(d_reason.astype(str), "; " + N_("the effects cannot be related to the quantity used (Part 2 (f) may supply it)")))),
            "Part B outcome, number_affected; quantity_used",
        ),
        "(e)": (
            _aid(s["not_misuse"], has_reports & s["misuse_only"],
                 N_("a Part B report records use as intended (or accidental exposure), not intentional misuse"),
                 N_("every incident report records intentional misuse or a suicide attempt"),
                 np.where(has_reports, N_("the reports do not record the circumstance of the exposure"), N_("no Part B incident report"))),
            "Part B circumstance",
        ),
    }


def part3_aids(p: Proposals) -> pd.DataFrame:
    """Return the rule-based aid for every proposal and Annex IV Part 3 criterion.

    An aid for the expert, never the committee's conclusion (``../shared/DESIGN.md``, the
    table of what each criterion reads):

    * (a) reliability of the evidence — Part B reports: supports with an incident confirmed
      by a health professional under common or recognized use; against when every report is
      unconfirmed, or every one records use against common practice;
    * (b) relevance to other States with similar climate, conditions and patterns of use —
      supports when that relevance is stated (a concern stated as local only is left to the
      expert: the Convention asks for relevance, the aid does not rule it out);
    * (c) handling or applicator restrictions not reasonably or widely applicable — supports
      when the restrictions safe use would need are stated, or the reports record use
      without protective equipment;
    * (d) significance of the effects in relation to the quantity used — relates the people
      affected and the severe outcomes to the quantity used or sold; supports with severe
      outcomes, or one person or more affected per 1,000 L or kg, against a stated quantity;
    * (e) intentional misuse alone is not an adequate reason — supports when a report records
      use as intended (or accidental exposure); against when every report records intentional
      misuse or a suicide attempt.

    Columns: ``proposal_id``, ``criterion``, ``aid``, ``aid_reason``, ``aid_fields``.
    """
    df = p.proposals.reset_index(drop=True)
    rules = _part3_rules(p, df)
    p3 = items("annex_iv_part3")
    if set(rules) != set(p3.ids):  # every declared criterion has a rule, and no more
        raise RuntimeError("Annex IV Part 3 aid rules do not match the declared criteria")
    frames = []
    for crit in p3.ids:
        (aid, why), fields = rules[crit]
        frames.append(pd.DataFrame({"proposal_id": df["proposal_id"].to_numpy(), "criterion": crit, "aid": aid, "aid_reason": np.asarray(why, dtype=object), "aid_fields": fields}))
    if not frames or not len(df):
        return pd.DataFrame(columns=["proposal_id", "criterion", "aid", "aid_reason", "aid_fields"])
    return pd.concat(frames, ignore_index=True)


def assess(p: Proposals) -> pd.DataFrame:
    """Return the Annex IV Part 3 assessment: one row per proposal × criterion (a)-(e).

    The aid (``aid``, ``aid_reason``, ``aid_fields``), the committee's standing determination
    (``status`` — empty where the committee recorded nothing, ``conflict`` where its entries
    of one date disagree — ``justification``, ``references``, ``recorded_by``, ``role``,
    ``recorded_at``, ``determination_source``) and the latest task group's or contact group's
    proposal (``proposal_status``, ``proposed_by``, ``proposal_source``) are kept apart, as for
    Annex II: only the committee concludes (Article 6.5).
    """
    p3 = items("annex_iv_part3")
    aids = part3_aids(p)
    ident = p.proposals[["proposal_id", "formulation_name", "proposing_party", "pic_region"]].rename(columns={"formulation_name": "chemical"})
    out = aids.merge(ident, on="proposal_id", how="left")
    out["category"] = CATEGORY
    out["criterion_text"] = out["criterion"].map({i.id: i.text for i in p3.items})
    rec = criterion_records(p.proposals[["proposal_id"]], p.determinations, "proposal_id", by_category=False)
    if len(rec):
        rec = rec.drop(columns="category").astype({"proposal_id": object, "criterion": object})
        out = out.merge(rec, on=["proposal_id", "criterion"], how="left")
    for c in (*_DET_COLS, *_PROPOSAL_COLS):
        if c not in out.columns:
            out[c] = pd.NA
    for c in ("status", *_PROPOSAL_COLS):
        out[c] = out[c].astype("string").fillna("")
    order = {cid: i for i, cid in enumerate(p3.ids)}
    out["_o"] = out["criterion"].map(order)
    out = out.sort_values(["proposal_id", "_o"], kind="stable").drop(columns="_o").reset_index(drop=True)
    lead = ["proposal_id", "chemical", "proposing_party", "pic_region", "category", "criterion", "criterion_text", "aid", "aid_reason", "aid_fields"]
    return out[lead + _DET_COLS + _PROPOSAL_COLS]


def conclusions(p: Proposals) -> pd.DataFrame:
    """Return the committee's Annex IV Part 3 conclusion per proposal, with its source (Article 6.5).

    Columns: ``proposal_id``, ``part3_status`` (met / not_met / pending / conflict),
    ``part3_basis`` (in words), ``part3_source``, ``part3_conflict``, ``committee_conclusion``,
    ``latest_proposal``, ``proposal_disagrees`` and ``conflict_entries`` — as
    :func:`crc_tools.notifications.criteria.conclusions` for Annex II. Only the committee
    concludes: the recorded ``part3_conclusion`` and determinations of role ``committee``;
    met when it concluded so overall or concluded (a)-(d) met with (e) holding. The aid never
    decides, and a task group's or contact group's determination is a proposal.
    """
    df = p.proposals.reset_index(drop=True)
    base = df[["proposal_id"]]
    status, src_codes, names = recorded_conclusions(df, "part3_conclusion")
    cols = _fast_columns(status, src_codes, names, prefix="part3")
    disagrees = np.zeros(len(df), dtype=bool)
    if p.determinations is not None and not p.determinations.empty:
        _conclude_recorded(base, df, p.determinations, status, names, src_codes, cols, disagrees, "proposal_id", "annex_iv_part3")
    status_cat = cols["part3_status"].categorical()
    return pd.DataFrame(
        {
            "proposal_id": df["proposal_id"].to_numpy(),
            "part3_status": np.asarray(status_cat, dtype=object),
            "part3_basis": np.asarray(cols["part3_basis"].categorical(), dtype=object),
            "part3_source": np.asarray(cols["part3_source"].categorical(), dtype=object),
            "part3_conflict": np.asarray(status_cat == "conflict", dtype=bool),
            "committee_conclusion": np.asarray(cols["committee_conclusion"].categorical(), dtype=object),
            "latest_proposal": np.asarray(cols["latest_proposal"].categorical(), dtype=object),
            "proposal_disagrees": disagrees,
            "conflict_entries": np.asarray(cols["conflict_entries"].categorical(), dtype=object),
        }
    )
