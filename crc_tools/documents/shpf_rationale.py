"""The rationale for a proposal to list a severely hazardous pesticide formulation, against Annex IV Part 3 (Article 6.5).

As the CRC-7 rationale for Gramoxone Super reads (rationale research note §2.1-2.2): the scope
paragraph identifies the proposal and the formulation and names the documents it was made
available in; then the common and recognized pattern of use, the incidents, the conditions of
use; then criteria (a)-(e) with the reasoning recorded for each; then the conclusion. Titled as
the Committee's conclusion only when the Committee has concluded; otherwise a draft for the
task group with each criterion's proposal and who proposed it.
"""

from __future__ import annotations

import datetime as dt
import difflib

from ..convention.reference import items
from ..i18n import _, lookup
from ..text import safe_filename
from . import model as dm
from .casedata import DocumentDataError, case_data
from .formulation import (
    CATEGORY,
    CATEGORY_LABEL,
    PART3_TITLES,
    Facts,
    eligibility_text,
    entry_text,
    formulation_for,
    incident_table,
    ingredients,
    proposal_entries,
    type_text,
)
from .parts import committee_concluded, date, finish, text
from .reasoning import Paragraphs, aid_notes, criterion_paragraph, documents_reviewed, matrix
from .style import join, party_lead, region_prose, with_parties


def _scope(e: dict, name: str, entry: str | None, facts: Facts, number: Paragraphs) -> list[dict]:
    r = e["row"]
    ings = ingredients(r)
    symbols = documents_reviewed([text(r, "summary_published"), *[it.get("source") for it in facts.part2.get(e["pid"], {}).values()], *[c.get("references") for c in facts.criteria.get(e["pid"], {}).values()]])
    what = f"a formulation of type {type_text(text(r, 'formulation_type') or '') or 'to be completed'} containing {join([f'{n} {c}'.strip() for n, _, c in ings])}" if ings else "a formulation"
    out = [
        number(f"The proposal submitted by {e['prose']}{f' ({region_prose(e['region'])})' if e['region'] else ''} referred to {name}, {what}" + (f"; the Annex III entry it would need reads: {entry}." if entry else ".")),
        number("The proposal and its supporting documentation were made available to the Committee" + (f" in document{'s' if len(symbols) > 1 else ''} {', '.join(symbols)}." if symbols else ".")),
    ]
    if not symbols:
        out.append(dm.to_complete("The symbols of the documents in which the proposal and the information collected by the Secretariat were made available to the Committee."))
    if text(r, "patterns_of_use"):
        out.append(number(f"The common and recognized pattern of use in {e['prose']}: {text(r, 'patterns_of_use')}"))
    if text(r, "incidents"):
        out.append(number(f"The incidents reported: {text(r, 'incidents')}"))
    table = incident_table(facts, e, caption="Incident reports received with the proposal")
    if table["rows"]:
        out.append(table)
    return out


def proposal_rationale_document(*, proposal_id: str, data=None, today: dt.date | None = None) -> dict:
    """Return the model of the rationale for an SHPF proposal against Annex IV Part 3 (see the module docstring).

    Parameters
    ----------
    proposal_id : str
        The proposal's id.
    data : CaseData, Intake or list of paths, optional
        The proposals (default: the shipped sample data).
    today : datetime.date, optional
        The date printed on the draft.
    """
    data = case_data(data)
    today = today or dt.date.today()
    df = data.proposals.proposals
    pid = str(proposal_id).strip()
    rows = df[df["proposal_id"].astype(str) == pid] if len(df) else df
    if rows.empty:
        close = difflib.get_close_matches(pid, sorted(df["proposal_id"].astype(str)) if len(df) else [], n=3, cutoff=0.5)
        raise DocumentDataError(f"no SHPF proposal '{pid}' in the data" + (f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""), source=pid, field_name="proposal_id")
    facts = Facts(data)
    e = proposal_entries(rows)[0]
    from .style import party_prose

    e["prose"] = party_prose(e["party"])
    name = str(e["row"]["formulation_name"])
    f = formulation_for(data, pid)
    entry = entry_text(f.status) if f is not None else None
    con = facts.conclusions.get(pid, {})
    crit = facts.criteria.get(pid, {})
    concluded = committee_concluded(con, list(crit.values()))
    status = facts.status(pid)
    what = with_parties("the proposal submitted by {party} to list {name} as a severely hazardous pesticide formulation", party=e["prose"], name=name)
    if concluded and status in ("met", "not_met"):
        title = (_("Rationale for the conclusion by the Chemical Review Committee that {what} meets the criteria of Annex IV Part 3 to the Rotterdam Convention") if status == "met" else _("Rationale for the conclusion by the Chemical Review Committee that {what} does not meet the criteria of Annex IV Part 3 to the Rotterdam Convention")).format(what=what)
    else:
        title = _("Draft rationale for the task group: {what}, reviewed against the criteria of Annex IV Part 3 to the Rotterdam Convention").format(what=what)
    number = Paragraphs()
    sections_ = [
        dm.section("title", title, level=0, translated=True, blocks=[{**dm.p(name, "cover-title"), "key": "chemical"}, dm.p(f"{party_lead(e['prose'])} — {CATEGORY_LABEL}", "lead")]),
        dm.section("scope", "Scope", part="scope", blocks=_scope(e, name, entry, facts, number)),
    ]
    subject = f"the proposal of {e['prose']}"
    for it in items("annex_iv_part3").items:
        heading = _("Criterion {group}: {title}").format(group=it.id, title=lookup(PART3_TITLES[it.id])) if it.id in PART3_TITLES else _("Criterion {group}").format(group=it.id)
        sections_.append(dm.section(it.id, heading, part=it.id.strip("()"), translated=True, blocks=[dm.p(lookup(it.text), "legal"), criterion_paragraph(it, crit.get(it.id), number, subject)]))
    sections_.append(dm.section("conclusion", "Conclusion", part="conclusion", blocks=_conclusion(con, concluded, status, e, name, number, list(crit.values()))))
    v = facts.verification.get(pid, {})
    meta = {"variant": "shpf", "proposal_id": pid, "chemical": name, "category": CATEGORY, "proposing_party": e["party"], "part3_status": status, "committee_concluded": concluded,
            "file_stem": f"rationale-{safe_filename(pid)}-{CATEGORY}", "generated_on": today.isoformat()}
    document = dm.new_document("rationale", title, sections_, meta=meta)
    if eligibility_text(v).startswith("no"):
        dm.add_note(document, "Article 6.1", str(v.get("eligibility_basis")))
    from ..notifications.criteria import AID_LABEL

    for topic, note in number.notes:
        dm.add_note(document, topic, note)
    aid_notes(document, list(crit.values()), AID_LABEL)
    return finish(document)


def _conclusion(con: dict, concluded: bool, status: str, e: dict, name: str, number: Paragraphs, crit: list[dict]) -> list[dict]:
    verdict = {"met": "meets", "not_met": "does not meet"}
    meeting = text(e["row"], "committee_meeting")
    out = []
    if concluded and status in verdict:
        out.append(number(f"The Committee concluded{' at ' + meeting if meeting else ''} that the proposal by {e['prose']} {verdict[status]} the criteria of Annex IV Part 3, and that {name} {'should' if status == 'met' else 'should not'} be recommended for listing in Annex III as a severely hazardous pesticide formulation."))
    elif status in verdict:
        out.append(number(f"The Committee has not concluded on the proposal. On the determinations recorded so far, the proposal {verdict[status]} the criteria of Annex IV Part 3; this is for the Committee to conclude."))
    else:
        out.append(number(f"The Committee has not concluded on the proposal, and the determinations recorded so far do not settle whether it meets the criteria of Annex IV Part 3. {dm.TO_COMPLETE}", "missing"))
    if bool(con.get("part3_conflict")) or str(con.get("conflict_entries") or "").strip():
        out.append(number(f"The Committee's recorded entries conflict: {str(con.get('conflict_entries') or '').strip() or 'the recorded overall conclusion disagrees with the recorded criterion determinations'}. A new entry of the Committee superseding one of them settles the conflict.", "missing"))
    chart = matrix(crit, items("annex_iv_part3"), f"Annex IV Part 3 criteria: the Committee's conclusions and the proposals recorded for the proposal of {e['label']}", axis="Annex IV Part 3 criterion")
    return out + ([chart] if chart else [])


__all__ = ["proposal_rationale_document", "date"]
