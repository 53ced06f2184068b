"""The appendices of the PIC Circular, as parts shared by the six-monthly synopsis and the Circular.

Each appendix is a function ``(data, start, end) -> list of sections`` (:data:`APPENDICES`):

* Appendix I — notifications of final regulatory action received in the period (Article 5.4):
  Part A those verified as containing the information required by Annex I, Part B those found
  incomplete or not yet verified (Article 5.3);
* Appendix II — proposals of severely hazardous pesticide formulations received or verified in
  the period (Article 6.2): Part A summaries of the verified ones, Part B those still under
  verification;
* Appendix V — chemicals not in Annex III with verified notifications from one PIC region only,
  awaiting a second region (Article 5.5).

:func:`place` puts an appendix's sections in the order of the Circular.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..convention.reference import PIC_REGIONS
from ..i18n import N_, _, lookup
from ..text import is_blank
from . import model as dm
from .casedata import CaseData
from .formulation import Facts, eligibility_text, ingredient_text, ingredients, lines, type_text
from .parts import EVALUATION_SENTENCES, FRA_TYPE_LABELS, STATUS_LABELS, category_label, date, entries, text
from .style import party_label, region_prose, un_date

NONE_IN_PERIOD = "None in this period."


def _received_in(frame: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    rec = frame["received_date"] if "received_date" in frame.columns else pd.Series(pd.NaT, index=frame.index)
    return frame[(rec >= pd.Timestamp(start)) & (rec <= pd.Timestamp(end))]


def _notification_fields(e: dict, v: dict, with_verification: bool) -> dict:
    r = e["row"]
    ev = str(r.get("evaluation_basis") or "")
    rows = [
        dm.field("Notification", e["id"]),
        dm.field("Date received", date(r, "received_date")),
        dm.field("CAS number(s)", [c for c in str(text(r, "cas_number") or "").replace(";", "\n").split("\n") if c.strip()]),
        dm.field("Category", category_label(str(r["category"]))),
        dm.field("Final regulatory action: the chemical is", lookup(FRA_TYPE_LABELS[str(r.get("fra_type") or "")]) if str(r.get("fra_type") or "") in FRA_TYPE_LABELS else None),
        dm.field("Uses prohibited", text(r, "uses_prohibited")),
        dm.field("Uses that remain allowed", text(r, "uses_allowed")),
        dm.field("Summary of the final regulatory action", text(r, "fra_summary")),
        dm.field("Risk or hazard evaluation", lookup(EVALUATION_SENTENCES[ev]) if ev in EVALUATION_SENTENCES else None),
        dm.field("Reasons relevant to human health", text(r, "reasons_human_health")),
        dm.field("Reasons relevant to the environment", text(r, "reasons_environment")),
        dm.field("Summary of known hazards and risks", text(r, "hazards_and_risks")),
        dm.field("Expected effect", text(r, "expected_effect")),
        dm.field("Date of entry into force", date(r, "fra_date")),
    ]
    if with_verification:
        rows.append(dm.field("Annex I verification (Article 5.3)", str(v.get("verification_basis") or "not yet verified")))
        rows.append(dm.field("Annex I items without information", v.get("missing_items") or "none"))
    return dm.fields(rows, caption=f"{r['chemical']} — {e['label']}")


def _notification_blocks(frame: pd.DataFrame, ver: dict, with_verification: bool) -> list[dict]:
    out = []
    for e in sorted(entries(frame), key=lambda e: (str(e["row"]["chemical"]).casefold(), e["label"].casefold())):
        v = ver.get((e["id"], str(e["row"]["category"])), {})
        out.append(dm.heading(f"{e['row']['chemical']} — {e['label']} ({region_prose(e['region']) or 'no established PIC region'})"))
        out.append(_notification_fields(e, v, with_verification))
    return out or [dm.p(NONE_IN_PERIOD)]


def appendix_i(data: CaseData, start: dt.date, end: dt.date) -> list[dict]:
    """Return Appendix I: the notifications received in the period, verified (Part A) and not (Part B)."""
    df = data.prepared
    in_period = _received_in(df, start, end) if len(df) else df
    ver = {(str(r["notification_id"]), str(r["category"])): r for r in data.verification.to_dict("records")}
    verified = in_period[[bool(ver.get((str(n), str(c)), {}).get("verified")) for n, c in zip(in_period["notification_id"], in_period["category"], strict=True)]] if len(in_period) else in_period
    rest = in_period.drop(verified.index) if len(in_period) else in_period
    return [
        dm.section("appendix-i", "Synopsis of notifications of final regulatory action received in the period", number=N_("Appendix I"), part="appendix-i"),
        dm.section("appendix-i.a", "Notifications verified as containing the information required by Annex I", number=N_("Part A"), level=2, part="appendix-i", blocks=_notification_blocks(verified, ver, False)),
        dm.section(
            "appendix-i.b", "Notifications found incomplete or not yet verified", number=N_("Part B"), level=2, part="appendix-i",
            blocks=[dm.p("These notifications are published for information; they are not forwarded to the Chemical Review Committee until verified as meeting Annex I (Articles 5.3 and 5.5)."), *_notification_blocks(rest, ver, True)],
        ),
    ]


def appendix_v(data: CaseData, start: dt.date, end: dt.date) -> list[dict]:
    """Return Appendix V: chemicals not in Annex III awaiting a notification from a second PIC region (Article 5.5)."""
    from ..notifications.review import awaiting_second_region, review_status

    df = data.prepared
    rec = df["received_date"] if "received_date" in df.columns else pd.Series(pd.NaT, index=df.index)
    upto = df[(rec <= pd.Timestamp(end)) | rec.isna()] if len(df) else df
    base = upto[[c for c in data.notifications.columns if c in upto.columns]]
    status = review_status(base, data.determinations, today=data.today) if len(base) else pd.DataFrame()
    waiting = awaiting_second_region(status) if len(status) else status
    rows = [[r["chemical"], category_label(r["category"]), ", ".join(r["parties"]), ", ".join(region_prose(x) for x in r["regions_verified"]), str(r["notifications"]), r["missing"]] for r in (waiting.to_dict("records") if len(waiting) else [])]
    table = dm.table([("chemical", N_("Chemical")), ("category", N_("Category")), ("parties", N_("Notifying Parties")), ("region", N_("PIC region")), ("notifications", N_("Notifications")), ("missing", N_("What is missing"))], rows, key="awaiting")
    return [dm.section(
        "appendix-v", _("Chemicals not listed in Annex III with verified notifications from one PIC region only, as at {date}").format(date=un_date(end)), number=N_("Appendix V"), translated=True,
        blocks=[dm.p("A chemical becomes a candidate for review by the Chemical Review Committee once verified notifications from two PIC regions are received (Article 5.5). Until then it is listed here, awaiting a notification from a second region."), table if rows else dm.p("No chemical is awaiting a second region.")],
    )]


def _proposal_fields(r, v: dict, facts: Facts | None) -> dict:
    pid = str(r["proposal_id"])
    ings = ingredients(r)
    n_reports = len(facts.incident_rows(pid)) if facts else 0
    desc = text(r, "incidents")
    conclusion = facts.status(pid) if facts else "pending"
    reviewed = (f"{text(r, 'committee_meeting') + ': ' if text(r, 'committee_meeting') else ''}Annex IV Part 3 {STATUS_LABELS.get(conclusion, conclusion)}") if conclusion in ("met", "not_met") else "not yet reviewed by the Committee"
    return dm.fields([
        dm.field("Proposal", pid),
        dm.field("Date received", date(r, "received_date")),
        dm.field("Verification (Article 6.2)", str(v.get("verification_basis") or "") + (f", {date(r, 'verified_date')}" if date(r, "verified_date") else "")),
        dm.field("Summary circulated", text(r, "summary_published")),
        dm.field("Active ingredient(s) and relative amount(s) (Annex IV Part 1 (b), (c))", [ingredient_text(n, c, conc) for n, c, conc in ings]),
        dm.field("Type of formulation (Annex IV Part 1 (d))", type_text(text(r, "formulation_type") or "")),
        dm.field("Trade names and producers (Annex IV Part 1 (e))", [*lines(r, "trade_names"), *(f"Producer: {x}" for x in lines(r, "producers"))]),
        dm.field("Common and recognized patterns of use (Annex IV Part 1 (f))", text(r, "patterns_of_use")),
        dm.field("Description of the incidents (Annex IV Part 1 (g))", ((desc + " ") if desc else "") + f"({n_reports} incident report(s))" if desc or n_reports else None),
        dm.field("Measures taken (Annex IV Part 1 (h))", text(r, "measures_taken")),
        dm.field("Proposing Party (Article 6.1)", str(v.get("eligibility_basis") or "") or None),
        dm.field("Call for information (Article 6.3)", str(v.get("part2_basis") or "") or None),
        dm.field("Review by the Committee (Article 6.5)", reviewed),
    ], caption=f"{r['formulation_name']} — {party_label(r['proposing_party'])}")


def _split_proposals(data: CaseData, start: dt.date, end: dt.date):
    df = data.proposals.proposals
    if df.empty:
        return [], [], 0
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    rec = pd.to_datetime(df["received_date"], errors="coerce")
    ver_d = pd.to_datetime(df["verified_date"], errors="coerce")
    rows = df[(rec >= s) & (rec <= e) | ((ver_d >= s) & (ver_d <= e))]
    ver = {str(r["proposal_id"]): r for r in data.shpf_verification.to_dict("records")}
    verified, under = [], []
    for _i, r in rows.sort_values(["formulation_name", "proposing_party"], key=lambda x: x.astype(str).str.casefold()).iterrows():
        v = ver.get(str(r["proposal_id"]), {})
        vd = r.get("verified_date")
        in_time = is_blank(vd) or pd.isna(vd) or pd.Timestamp(vd) <= e
        (verified if bool(v.get("verified")) and in_time else under).append((r, v))
    return verified, under, int(rec.isna().sum())


def appendix_ii(data: CaseData, start: dt.date, end: dt.date) -> list[dict]:
    """Return Appendix II: SHPF proposals received or verified in the period (Article 6.2)."""
    verified, under, undated = _split_proposals(data, start, end)
    facts = Facts(data) if not data.proposals.empty else None
    blocks = [
        dm.p("Under Article 6.2 the Secretariat verifies each proposal of a severely hazardous pesticide formulation against Annex IV Part 1 within six months of receipt and circulates a summary of the verified ones to all Parties (Part A); proposals still under verification are listed in Part B. One verified proposal is enough for the Chemical Review Committee to review a formulation: there is no two-region rule."),
        dm.p(f"In this period {len(verified) + len(under)} proposal(s) of severely hazardous pesticide formulations were received or verified: {len(verified)} verified as containing the information required by Annex IV Part 1 (Part A) and {len(under)} still under verification (Part B)."),
    ]
    if undated:
        blocks.append(dm.p(f"{undated} proposal(s) carry no date of receipt and are not placed in any period."))
    a_blocks: list[dict] = []
    for r, v in verified:
        a_blocks += [dm.heading(f"{r['formulation_name']} — {party_label(r['proposing_party'])} ({region_prose(text(r, 'pic_region') or '') or 'no established PIC region'})"), _proposal_fields(r, v, facts)]
    b_rows = []
    for r, v in under:
        deadline = v.get("verification_deadline")
        due = un_date(pd.Timestamp(deadline).date()) if deadline is not None and not pd.isna(deadline) else None
        b_rows.append([str(r["formulation_name"]), party_label(r["proposing_party"]), region_prose(text(r, "pic_region") or "") or "no established PIC region", date(r, "received_date"),
                       (due + (" (overdue)" if bool(v.get("verification_overdue")) else "")) if due else None, str(v.get("verification_basis") or "not yet verified"), str(v.get("missing_items") or "") or "none", eligibility_text(v)])
    columns = [("formulation", "Formulation"), ("party", "Proposing Party"), ("region", "PIC region"), ("received", "Received"), ("due", "Verification due by (Article 6.2)"),
               ("status", N_("Verification")), ("missing", N_("Annex IV Part 1 items missing")), ("eligibility", N_("Developing country or economy in transition (Article 6.1)"))]
    return [
        dm.section("appendix-ii", "Proposals of severely hazardous pesticide formulations (Article 6)", number=N_("Appendix II"), part="appendix-ii", blocks=blocks),
        dm.section("appendix-ii.a", "Proposals verified as containing the information required by Annex IV Part 1: summaries", number=N_("Part A"), level=2, part="appendix-ii", blocks=a_blocks or [dm.p(NONE_IN_PERIOD)]),
        dm.section("appendix-ii.b", "Proposals still under verification", number=N_("Part B"), level=2, part="appendix-ii", blocks=[dm.table(columns, b_rows, key="under_verification") if b_rows else dm.p(NONE_IN_PERIOD)]),
    ]


APPENDICES = {"I": appendix_i, "II": appendix_ii, "V": appendix_v}
"""The appendices the synopsis carries, by number; the PIC Circular adds its own (III, IV, VI)."""

_ROMAN = {"I": 1, "V": 5, "X": 10}


def rank(number: str) -> int | None:
    """Return 2 for ``"Appendix II"``, 5 for ``"Appendix V"``; ``None`` for anything else."""
    parts = str(number or "").split()
    if len(parts) != 2 or not parts[1] or set(parts[1]) - set(_ROMAN):  # "Appendix II" in any language
        return None
    values = [_ROMAN[c] for c in parts[1]]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def place(sections_: list[dict], extra: list[dict]) -> None:
    """Insert an appendix's sections before the first top-level appendix numbered higher."""
    r = next((x for x in (rank(s.get("number", "")) for s in extra) if x is not None), None)
    at = len(sections_)
    if r is not None:
        for i, s in enumerate(sections_):
            other = rank(s.get("number", ""))
            if other is not None and other > r:
                at = i
                break
    sections_[at:at] = extra


def region_counts(frame: pd.DataFrame) -> list[list[str]]:
    """Return rows (PIC region, category, notifications) counting the notifications of a frame."""
    counts: dict[tuple[str, str], int] = {}
    for _i, r in frame.iterrows():
        for reg in (str(r.get("pic_region") or "") or "no established PIC region").split(";"):
            counts[(reg, str(r["category"]))] = counts.get((reg, str(r["category"])), 0) + 1
    order = {r: i for i, r in enumerate(PIC_REGIONS)}
    return [[region_prose(reg), category_label(cat), str(n)] for (reg, cat), n in sorted(counts.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0][1]))]


__all__ = ["APPENDICES", "appendix_i", "appendix_ii", "appendix_v", "place", "rank", "region_counts"]
