"""The PIC Circular (Articles 5.4, 6.2, 7, 10.10, 11.2; decisions RC-3/3, RC-4/4, RC-6/8): all six appendices.

The Secretariat publishes the Circular every June and December: an introduction and six
appendices, in the layout of the published issues (PIC Circular XLIX (49) – June 2019 and after):

I    synopsis of notifications of final regulatory action received in the period (Article 5.4)
II   proposals for inclusion of severely hazardous pesticide formulations (Article 6.2)
III  chemicals subject to the PIC procedure: Annex III as it stands at the period's end
IV   every import response received from Parties, per chemical, and the cases of failure to
     transmit a response (Article 10.10) — the failures computed, never typed in
V    notifications for chemicals not listed in Annex III (awaiting a second PIC region, Article 5.5)
VI   chemicals the Chemical Review Committee recommended for listing on which the Conference of
     the Parties has yet to decide (information exchange, Article 14)

Appendices I, II and V are the six-monthly synopsis (:func:`crc_tools.documents.dgd.synopsis_document`),
called here and retitled as the Circular titles them; III, IV and VI are built here from Annex III,
the import responses (:mod:`crc_tools.responses`) and the committee's recommendations.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..convention.reference import annex_iii
from ..i18n import N_, _, current_lang, format_date_long, lookup
from . import model as dm
from .style import party_label

APPENDIX_TITLES = {
    "I": N_("SYNOPSIS OF NOTIFICATIONS OF FINAL REGULATORY ACTION RECEIVED SINCE THE LAST PIC CIRCULAR"),
    "II": N_("PROPOSALS FOR INCLUSION OF SEVERELY HAZARDOUS PESTICIDE FORMULATIONS IN THE PIC PROCEDURE"),
    "III": N_("CHEMICALS SUBJECT TO THE PIC PROCEDURE"),
    "IV": N_("LISTING OF ALL IMPORT RESPONSES RECEIVED FROM PARTIES AND CASES OF FAILURE TO SUBMIT RESPONSES"),
    "V": N_("NOTIFICATIONS OF FINAL REGULATORY ACTION FOR CHEMICALS NOT LISTED IN ANNEX III"),
    "VI": N_("INFORMATION EXCHANGE ON CHEMICALS RECOMMENDED BY THE CHEMICAL REVIEW COMMITTEE FOR LISTING IN ANNEX III BUT FOR WHICH THE CONFERENCE OF THE PARTIES HAS YET TO TAKE A FINAL DECISION"),
}
"""The appendix titles of the published Circulars (PIC Circular XLIX (49) – June 2019)."""
SECRETARIAT_LINE = N_("SECRETARIAT OF THE ROTTERDAM CONVENTION ON THE PRIOR INFORMED CONSENT PROCEDURE FOR CERTAIN HAZARDOUS CHEMICALS AND PESTICIDES IN INTERNATIONAL TRADE")
CATEGORY_WORDS = {"pesticide": N_("Pesticide"), "industrial": N_("Industrial"), "shpf": N_("Severely hazardous pesticide formulation")}


def long_date(day: dt.date) -> str:
    """Return a date as the Circular's running text writes it: ``22 October 2025`` (``22 octobre 2025``, ``22 de octubre de 2025``)."""
    return format_date_long(day)


def circular_month(end: dt.date) -> str:
    """Return the issue the period leads to: ``June 2026`` for a period ending in January-June, else ``December`` (``juin 2026``, ``junio de 2026``)."""
    issue = dt.date(end.year, 6 if end.month <= 6 else 12, 1)
    if current_lang() == "en":
        return f"{'June' if end.month <= 6 else 'December'} {end.year}"
    from babel.dates import format_date

    return format_date(issue, format="LLLL y" if current_lang() == "fr" else "LLLL 'de' y", locale=current_lang())


# --------------------------------------------------------------------------- the parts


def _cover(start: dt.date, end: dt.date, today: dt.date) -> dict:
    return dm.section("title", _("PIC Circular") + f" – {circular_month(end)}", level=0, translated=True, blocks=[
        dm.p(_("ROTTERDAM CONVENTION"), "lead"),
        dm.p(_(SECRETARIAT_LINE), "lead"),
        dm.p(_("PIC CIRCULAR") + f" – {circular_month(end)}", "lead"),
        dm.p(_("Covering {start} to {end}. Prepared on {today} for the Secretariat's review before publication.").format(start=long_date(start), end=long_date(end), today=long_date(today)), "small"),
    ])


def _introduction(counts: dict, dispatches: list[str]) -> list[dict]:
    intro = "introduction"
    S = [dm.section("introduction", "INTRODUCTION", part=intro, blocks=[])]
    S.append(dm.section("intro-1", "The purpose of the PIC Circular", number="1.", level=2, part=intro, blocks=[dm.p(_(
        "The PIC Circular is issued every six months. It carries the information the Secretariat circulates to all Parties under Articles 4, 5, 6, "
        "10, 11 and 14 of the Convention: notifications of final regulatory action, proposals of severely hazardous pesticide formulations, the "
        "chemicals subject to the PIC procedure, the Parties' import responses and the cases of failure to transmit a response."))]))
    S.append(dm.section("intro-2", "Implementation of the Rotterdam Convention", number="2.", level=2, part=intro))
    items = [
        ("2.2", N_("Notifications of final regulatory action"), _("{received} notification(s) of final regulatory action were received in the period; Appendix I summarises them (Article 5.4). Appendix V lists the chemicals not in Annex III for which notifications come from one PIC region only.").format(**counts)),
        ("2.3", N_("Proposals for the listing of severely hazardous pesticide formulations"), _("Appendix II gives the proposals received or verified in the period (Article 6.2).")),
        ("2.4", N_("Chemicals subject to the PIC procedure and distribution of decision guidance documents"), _("Appendix III lists the {entries} entries of Annex III as at the end of the period. ").format(**counts) + (" ".join(dispatches) if dispatches else "")),
        ("2.6", N_("Information to accompany exported chemicals"), _("Chemicals listed in Annex III bear, when exported, the Harmonized System code assigned to them (Article 13.1), labelling that ensures adequate information on risks and hazards (Article 13.2) and, for occupational use, a safety data sheet (Article 13.4).")),
        ("2.7", N_("Information on responses concerning import of chemicals listed in Annex III to the Convention"), _("Appendix IV lists the import responses of Parties ({responses} current response(s), {received_in_period} received in the period) and {failures} case(s) of failure to transmit a response by the date due (Article 10.10); under Article 11.2 exporting Parties act on these failures six months after this Circular informs them.").format(**counts)),
        ("2.8", N_("Information on chemicals for which the Conference of the Parties has yet to take a final decision"), _("Appendix VI lists {pending} chemical(s) the Chemical Review Committee has recommended for listing in Annex III on which the Conference of the Parties has yet to decide (decisions RC-3/3, RC-4/4 and RC-6/8).").format(**counts)),
    ]
    for number, heading, text in items:
        S.append(dm.section(f"intro-{number}", heading, number=number, level=3, part=intro, blocks=[dm.p(text)]))
    return S


def _retitled(sections: list[dict], roman: str) -> list[dict]:
    """Return a synopsis appendix with the Circular's title on its top section."""
    out = [dict(s) for s in sections]
    if out:
        out[0]["heading"] = lookup(APPENDIX_TITLES[roman])
        out[0]["number"] = lookup(f"Appendix {roman}")
    return out


def _appendix_iii(end: dt.date) -> tuple[dict, int]:
    rows = []
    listed = sorted((e for e in annex_iii() if e.listed_on <= end), key=lambda e: (e.chemical.casefold(), e.category))
    for e in listed:
        rows.append([e.chemical, ", ".join(e.cas_numbers) or None, lookup(CATEGORY_WORDS[e.category])])
    blocks = [
        dm.p(_("Only the CAS numbers of parent compounds are listed."), "note"),
        dm.table([("chemical", N_("Chemical")), ("cas", N_("Relevant CAS number(s)")), ("category", N_("Category"))], rows, key="annex_iii"),
    ]
    return dm.section("appendix-iii", lookup(APPENDIX_TITLES["III"]), number=N_("Appendix III"), blocks=blocks), len(rows)


def _date_cell(r: dict) -> str | None:
    for key, suffix in (("received_date", ""), ("published_date", " (published)"), ("issued_date", " (date of the response)")):
        v = r.get(key)
        if v is not None and not pd.isna(v):
            return pd.Timestamp(v).strftime("%d/%m/%Y") + suffix
    return None


def _part_a(status: pd.DataFrame) -> list[dict]:
    from ..responses.reader import DECISION_LABELS, KIND_LABELS

    answered = status[status["decision"].notna() & (status["decision"].astype(str) != "")]
    blocks: list[dict] = []
    for (chemical, category), g in answered.groupby(["chemical", "category"], sort=True):
        rows = [
            [party_label(r["party"]), _(KIND_LABELS.get(str(r["kind"]), str(r["kind"]))), _(DECISION_LABELS.get(str(r["decision"]), str(r["decision"]))), _date_cell(r),
             None if pd.isna(r["legislative_measure"]) else r["legislative_measure"], None if pd.isna(r["conditions"]) else r["conditions"]]
            for r in g.sort_values("party").to_dict("records")
        ]
        blocks.append(dm.heading(f"{chemical} ({lookup(CATEGORY_WORDS.get(category, category))})"))
        blocks.append(dm.table([("party", N_("Party")), ("response", N_("Party response")), ("decision", N_("Decision")), ("date", N_("Date received")),
                                ("measures", N_("Legislative or administrative measures")), ("conditions", N_("Conditions for import"))], rows, key=f"responses-{category}"))
    return blocks or [dm.p(_("No import response is held."), "note")]


def _part_b(status: pd.DataFrame, end: dt.date) -> list[dict]:
    failed = status[status["overdue"].fillna(False).astype(bool)]
    blocks: list[dict] = [dm.p(
        f"Parties that had not transmitted a response of either kind by {long_date(end)}, the due date having passed: nine months after the dispatch of the "
        "decision guidance document, or after the entry into force of the Convention for the Party where that is later (Articles 10.2 and 10.3).", "note")]
    for (chemical, category), g in failed.groupby(["chemical", "category"], sort=True):
        blocks.append(dm.heading(f"{chemical} ({lookup(CATEGORY_WORDS.get(category, category))})"))
        rows = [[party_label(r["party"]), pd.Timestamp(r["due_date"]).strftime("%d/%m/%Y")] for r in g.sort_values("party").to_dict("records")]
        blocks.append(dm.table([("party", N_("Party")), ("due", N_("Response due by"))], rows, key=f"failures-{category}"))
    if failed.empty:
        blocks.append(dm.p(_("No case of failure to transmit a response is established for the period."), "note"))
    undated = sorted(set(status.loc[status["dgd_dispatch"].isna(), "chemical"]))
    if undated:
        blocks.append(dm.p(f"The date of dispatch of the decision guidance document is not recorded for {len(undated)} chemical(s); failures to respond are not determined for them: {', '.join(undated)}.", "note"))
    n_parties = status.loc[status["entry_into_force"].isna() & status["dgd_dispatch"].notna(), "party"].nunique()
    if n_parties:
        blocks.append(dm.p(f"The date of entry into force of the Convention is not recorded for {n_parties} Party(ies); failures to respond are not determined for them.", "note"))
    return blocks


def _appendix_iv(status: pd.DataFrame, end: dt.date) -> list[dict]:
    return [
        dm.section("appendix-iv", lookup(APPENDIX_TITLES["IV"]), number=N_("Appendix IV"), part="appendix-iv", blocks=[dm.p(
            f"The import responses of Parties as at {long_date(end)} — for each Party and chemical its latest response, final or interim, which supersedes any earlier one "
            "(Article 10.2) — and the cases of failure to transmit a response (Article 10.10). Import responses from States that are not Parties are not compiled (decision RC-1/13).")]),
        dm.section("appendix-iv.a", "Import responses received from Parties", number=N_("Part A"), level=2, part="appendix-iv", blocks=_part_a(status)),
        dm.section("appendix-iv.b", "Cases of failure to transmit a response", number=N_("Part B"), level=2, part="appendix-iv", blocks=_part_b(status, end)),
    ]


def _appendix_vi(data, end: dt.date) -> tuple[dict, int]:
    from ..notifications.review import review_status
    from ..proposals.shpf import review_status as shpf_review_status

    rows = []
    if len(data.notifications):
        st = review_status(data.notifications, data.determinations, as_of=end, today=end)
        for r in st[st["recommend_listing"] & ~st["listed_in_annex_iii"]].to_dict("records"):
            rows.append([r["chemical"], lookup(CATEGORY_WORDS.get(r["category"], r["category"])), ", ".join(r["parties"]), ", ".join(r["regions_meeting_criteria"])])
    if not data.proposals.empty:
        sp = shpf_review_status(data.proposals, as_of=end, today=end)
        for r in sp[sp["recommend_listing"] & ~sp["listed_in_annex_iii"]].to_dict("records"):
            rows.append([r.get("annex_iii_wording") or r["chemical"], lookup(CATEGORY_WORDS["shpf"]), ", ".join(r["parties"]), ", ".join(r["regions_meeting_criteria"]) or None])
    blocks = [
        dm.p("Chemicals the Chemical Review Committee has recommended for listing in Annex III on which the Conference of the Parties has yet to take a final decision "
             "(decisions RC-3/3, RC-4/4 and RC-6/8). Where the Conference of the Parties has considered such a chemical without reaching consensus, it has encouraged "
             "Parties to make use of all available information on it to make informed decisions regarding its import and management, and to inform other Parties "
             "of those decisions using the information exchange provisions of Article 14."),
        dm.table([("chemical", N_("Chemical")), ("category", N_("Category")), ("parties", N_("Notifying or proposing Parties")), ("regions", N_("PIC regions"))], rows, key="pending")
        if rows else dm.p(_("No such chemical."), "note"),
    ]
    return dm.section("appendix-vi", lookup(APPENDIX_TITLES["VI"]), number=N_("Appendix VI"), blocks=blocks), len(rows)


def _dispatch_lines(end: dt.date) -> list[str]:
    from ..responses.dates import dgd_dispatch, due_date

    words = {"stated": "were dispatched on", "announced": "were to be dispatched, as announced, on", "derived": "were dispatched on"}
    lines = []
    names = {(e.entry_id, e.category): e.chemical for e in annex_iii()}
    by_date: dict[tuple[dt.date, str], list[str]] = {}
    for key, d in dgd_dispatch().items():
        if d.date is not None and d.date <= end and key in names:
            by_date.setdefault((d.date, d.basis), []).append(names[key])
    for (day, basis), chems in sorted(by_date.items()):
        due = due_date(day, day)
        names_ = sorted(chems)
        listed = names_[0] if len(names_) == 1 else ", ".join(names_[:-1]) + " and " + names_[-1]
        lines.append(f"The decision guidance documents for {listed} {words.get(basis, 'were dispatched on')} {long_date(day)}; import responses are due by {long_date(due)} (Article 10.2).")
    return lines


# --------------------------------------------------------------------------- the document


def _inputs(data, responses):
    """Return (CaseData, responses) from paths, an Intake or a CaseData."""
    from ..intake.reader import Intake, load
    from ..responses.status import from_intake
    from .casedata import CaseData

    if isinstance(data, CaseData):
        if responses is None:
            responses = from_intake(load(data.files or None))
        return data, responses
    intake = data if isinstance(data, Intake) else load(data or None)
    return CaseData.from_intake(intake), (responses if responses is not None else from_intake(intake))


def circular_document(*, data=None, responses=None, date_from: dt.date | None = None, date_to: dt.date | None = None, today: dt.date | None = None) -> dict:
    """Return the model of the PIC Circular for a period: introduction and Appendices I-VI.

    Parameters
    ----------
    data : list of paths, Intake or CaseData, optional
        Notifications, SHPF proposals and import responses (default: the shipped sample data).
    responses : DataFrame, optional
        Import responses, where ``data`` does not carry them.
    date_from, date_to : datetime.date, optional
        The period (default: as the synopsis, :func:`crc_tools.documents.synopsis.synopsis_period`).
        Annex III, the responses and the failures are as at ``date_to``.
    today : datetime.date, optional
        The date printed on the Circular.
    """
    from ..errors import Problems
    from ..responses.status import response_status
    from .parts import finish
    from .synopsis import synopsis_document, synopsis_period

    today = today or dt.date.today()
    data, responses = _inputs(data, responses)
    start, end = synopsis_period(data, date_from, date_to)
    synopsis = synopsis_document(data=data, date_from=start, date_to=end, today=today)
    part = {x: [s for s in synopsis["sections"] if s.get("part") == f"appendix-{x.lower()}"] for x in ("I", "II", "V")}
    status = response_status(responses, as_of=end, problems=Problems())
    received = _response_dates(responses)
    appendix_iii, n_entries = _appendix_iii(end)
    appendix_vi, n_pending = _appendix_vi(data, end)
    counts = {
        "received": synopsis["meta"]["received"], "entries": n_entries, "pending": n_pending,
        "responses": int(status["decision"].notna().sum()), "failures": int(status["overdue"].fillna(False).astype(bool).sum()),
        "received_in_period": int(((received >= pd.Timestamp(start)) & (received <= pd.Timestamp(end))).sum()),
    }
    S = [_cover(start, end, today), *_introduction(counts, _dispatch_lines(end))]
    S += _retitled(part["I"], "I") + _retitled(part["II"], "II") + [appendix_iii] + _appendix_iv(status, end) + _retitled(part["V"], "V") + [appendix_vi]
    title = _("PIC Circular") + f" – {circular_month(end)}"
    meta = {**counts, "date_from": start.isoformat(), "date_to": end.isoformat(), "generated_on": today.isoformat(),
            "file_stem": f"pic-circular-{start.isoformat()}-to-{end.isoformat()}", "failures_listed": _failures(status)}
    return finish(dm.new_document("circular", title, S, meta=meta, notes=synopsis.get("drafting_notes")))


def _response_dates(responses: pd.DataFrame) -> pd.Series:
    if responses.empty:
        return pd.Series([], dtype="datetime64[s]")
    return responses["received_date"].fillna(responses["published_date"]).fillna(responses["issued_date"])


def _failures(status: pd.DataFrame) -> list[list[str]]:
    failed = status[status["overdue"].fillna(False).astype(bool)]
    return [[party_label(p), str(c), str(k)] for p, c, k in zip(failed["party"], failed["chemical"], failed["category"], strict=True)]


__all__ = ["APPENDIX_TITLES", "circular_document", "circular_month", "long_date"]
