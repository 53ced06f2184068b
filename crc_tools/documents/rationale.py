"""The rationale for one notification of final regulatory action against Annex II (Article 5.6; domain brief §1.7).

Numbered paragraphs in the Committee's voice, as CRC rationales are written: the scope
paragraph (the notifying Party, the action, the category, the uses, the documents reviewed
with their symbols), then criteria (a), (b)(i)-(iii), (c)(i)-(iv) and (d) with the reasoning
recorded for each, then the conclusion. Titled as the Committee's conclusion only when the
Committee has concluded; otherwise a draft for the task group, each criterion giving the
proposal and who proposed it (:mod:`~crc_tools.documents.reasoning`). A conflict among the
Committee's own entries is stated. The criterion matrix is shown at the end; the rule-based
aid and the provenance of the data go to the drafting notes.
"""

from __future__ import annotations

import datetime as dt
import difflib

from ..convention.reference import items
from ..i18n import N_, _, lookup, ngettext
from ..text import safe_filename
from . import model as dm
from .casedata import CaseData, DocumentDataError, case_data
from .parts import FRA_TYPE_LABELS, category_label, committee_concluded, date, entries, finish, text
from .reasoning import Paragraphs, aid_notes, criterion_paragraph, documents_reviewed, matrix
from .style import name_in_prose, party_lead, region_prose, with_parties

CONCLUDED = {
    "met": (
        N_("The Committee concluded that the notification of final regulatory action by {party} in respect of {chemical} meets the criteria of Annex II."),
        N_("The Committee concluded at {meeting} that the notification of final regulatory action by {party} in respect of {chemical} meets the criteria of Annex II."),
    ),
    "not_met": (
        N_("The Committee concluded that the notification of final regulatory action by {party} in respect of {chemical} does not meet the criteria of Annex II."),
        N_("The Committee concluded at {meeting} that the notification of final regulatory action by {party} in respect of {chemical} does not meet the criteria of Annex II."),
    ),
}
"""The Committee's conclusion, without and with the meeting at which it concluded."""
NOT_CONCLUDED = {
    "met": N_("The Committee has not concluded on the notification. On the determinations recorded so far, the notification meets the criteria of Annex II; this is for the Committee to conclude."),
    "not_met": N_("The Committee has not concluded on the notification. On the determinations recorded so far, the notification does not meet the criteria of Annex II; this is for the Committee to conclude."),
}
GROUP_TITLES = {
    "(a)": N_("protection of human health or the environment"),
    "(b)": N_("a risk evaluation under the prevailing conditions"),
    "(c)": N_("a sufficiently broad basis to merit listing"),
    "(d)": N_("not intentional misuse alone"),
}


def _select(data: CaseData, nid: str, category: str | None):
    """Return the notification's row in its category (the category given, or its only one)."""
    from ..errors import UsageError

    df = data.prepared
    rows = df[df["notification_id"].astype(str) == nid] if len(df) else df
    if rows.empty:
        ids = sorted(df["notification_id"].astype(str).unique()) if len(df) else []
        proposal_ids = sorted(data.proposals.proposals["proposal_id"].astype(str)) if not data.proposals.empty else []
        close = difflib.get_close_matches(nid, ids + proposal_ids, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise DocumentDataError(f"no {'notification or SHPF proposal' if proposal_ids else 'notification'} '{nid}' in the data{hint}", source=nid, field_name="notification_id")
    cats = sorted(set(rows["category"].astype(str)))
    if category:
        cat = str(category).strip().casefold()
        if cat not in cats:
            raise DocumentDataError(f"notification {nid} does not cover the {cat} category (it covers: {', '.join(cats)})", source=nid, field_name="category")
    elif len(cats) == 1:
        cat = cats[0]
    else:
        raise UsageError(f"notification {nid} covers the {' and '.join(cats)} categories; choose one with --category")
    return entries(rows[rows["category"] == cat])[0], cat


def _scope(e: dict, chem: str, cat: str, number: Paragraphs, data: CaseData) -> list[dict]:
    """Return the scope paragraphs: the notifying Party, the action, the category, the uses, the documents reviewed."""
    r = e["row"]
    fra = FRA_TYPE_LABELS.get(str(r.get("fra_type") or ""))
    region = region_prose(e["region"])
    crit = data.criteria_rows(e["id"], cat)
    symbols = documents_reviewed([text(r, "regulatory_document"), *[x for x in str(text(r, "evaluation_references") or "").split("\n")], *[c.get("references") for c in crit]])
    uses = [x for x in (_("the uses prohibited: {uses}").format(uses=text(r, "uses_prohibited")) if text(r, "uses_prohibited") else None, _("the uses that remain allowed: {uses}").format(uses=text(r, "uses_allowed")) if text(r, "uses_allowed") else None) if x]
    said = {"party": e["prose"] + (f" ({region})" if region else ""), "chemical": name_in_prose(chem), "category": lookup(cat)}
    first = with_parties("The notification of final regulatory action submitted by {party} in respect of {chemical} under the {category} category was reviewed together with its supporting documentation", **said) + (
        ngettext(", made available in document {symbols}.", ", made available in documents {symbols}.", len(symbols)).format(symbols=", ".join(symbols)) if symbols else "."
    )
    second = (
        (_("By the final regulatory action {chemical} is {fra} in the {category} category").format(**said, fra=lookup(fra)) if fra else _("The final regulatory action concerns {chemical} in the {category} category").format(**said))
        + (_(", with effect from {date}").format(date=date(r, "fra_date")) if date(r, "fra_date") else "")
        + ". "
        + (text(r, "fra_summary") or "")
        + (_(" The notification states {uses}.").format(uses="; ".join(uses)) if uses else "")
    ).strip()
    out = [number(first), number(second)]
    if not symbols:
        out.append(dm.to_complete("The symbols of the documents in which the notification and its supporting documentation were made available to the Committee."))
    return out


def _criteria_sections(rows: dict, subject: str, number: Paragraphs) -> list[dict]:
    """One section per group of Annex II criteria, a numbered paragraph per criterion."""
    ann = items("annex_ii")
    out = []
    for group, title in GROUP_TITLES.items():
        members = [i for i in ann.items if i.group == group]
        blocks = [dm.p(lookup(ann.groups.get(group, "") if len(members) > 1 else members[0].text), "legal")]
        blocks += [criterion_paragraph(it, rows.get(it.id), number, subject) for it in members]
        out.append(dm.section(group, _("Criterion {group}: {title}").format(group=group, title=lookup(title)), part=group.strip("()"), blocks=blocks, translated=True))
    return out


def _conclusion(concl: dict, concluded: bool, e: dict, chem: str, number: Paragraphs) -> list[dict]:
    """Return the conclusion paragraph: the Committee's, or what the task group proposes; a conflict stated with its entries."""
    status = str(concl.get("annex_ii_status") or "pending")
    meeting = text(e["row"], "committee_meeting")
    out = []
    said = {"meeting": meeting, "party": e["prose"], "chemical": name_in_prose(chem)}
    if concluded and status in CONCLUDED:
        out.append(number(with_parties(CONCLUDED[status][bool(meeting)], **said)))
    else:
        proposal = str(concl.get("latest_proposal") or "").strip()
        if proposal:
            out.append(number(_("The Committee has not concluded on the notification. Latest proposal: {proposal}.").format(proposal=proposal)))
        elif status in NOT_CONCLUDED:
            out.append(number(_(NOT_CONCLUDED[status])))
        else:
            out.append(number(_("The Committee has not concluded on the notification, and the determinations recorded so far do not settle whether it meets the criteria of Annex II.") + " " + _(dm.TO_COMPLETE), "missing"))
    conflict = str(concl.get("conflict_entries") or "").strip() or ("the recorded overall conclusion disagrees with the recorded criterion determinations" if bool(concl.get("annex_ii_conflict")) else "")
    if conflict:
        out.append(number(_("The Committee's recorded entries conflict: {conflict}. A new entry of the Committee superseding one of them settles the conflict.").format(conflict=conflict), "missing"))
    return out


def rationale_document(*, notification_id: str, category: str | None = None, data=None, today: dt.date | None = None) -> dict:
    """Return the model of the rationale for one notification against Annex II (see the module docstring).

    Parameters
    ----------
    notification_id : str
        The notification's id.
    category : str, optional
        Needed when the notification covers both categories.
    data : CaseData, Intake or list of paths, optional
        The notifications (default: the shipped sample data).
    today : datetime.date, optional
        The date printed on the draft.
    """
    data = case_data(data)
    today = today or dt.date.today()
    nid = str(notification_id).strip()
    e, cat = _select(data, nid, category)
    chem = str(e["row"]["chemical"])
    crit = data.criteria_rows(nid, cat)
    concl = data.conclusions.get((nid, cat), {})
    concluded = committee_concluded(concl, crit)
    status = str(concl.get("annex_ii_status") or "pending")
    what = with_parties("the notification of final regulatory action submitted by {party} in respect of {chemical} under the {category} category", party=e["prose"], chemical=name_in_prose(chem), category=lookup(cat))
    if concluded and status in ("met", "not_met"):
        title = (_("Rationale for the conclusion by the Chemical Review Committee that {what} meets the criteria of Annex II to the Rotterdam Convention") if status == "met" else _("Rationale for the conclusion by the Chemical Review Committee that {what} does not meet the criteria of Annex II to the Rotterdam Convention")).format(what=what)
    else:
        title = _("Draft rationale for the task group: {what}, reviewed against the criteria of Annex II to the Rotterdam Convention").format(what=what)
    number = Paragraphs()
    sections_ = [dm.section("title", title, level=0, translated=True, blocks=[{**dm.p(chem, "cover-title"), "key": "chemical"}, dm.p(f"{party_lead(e['prose'])} — {category_label(cat)}", "lead")])]
    sections_.append(dm.section("scope", "Scope", part="scope", blocks=_scope(e, chem, cat, number, data)))
    sections_ += _criteria_sections({r["criterion"]: r for r in crit}, f"the notification of {e['prose']}", number)
    chart = matrix(crit, items("annex_ii"), _("Annex II criteria: the Committee's conclusions and the proposals recorded for the notification of {party}").format(party=e["label"]))
    sections_.append(dm.section("conclusion", "Conclusion", part="conclusion", blocks=[*_conclusion(concl, concluded, e, chem, number), *([chart] if chart else [])]))
    meta = {"notification_id": nid, "chemical": chem, "category": cat, "notifying_party": e["party"], "annex_ii_status": status, "committee_concluded": concluded,
            "file_stem": f"rationale-{safe_filename(nid)}-{cat}", "generated_on": today.isoformat()}
    document = dm.new_document("rationale", title, sections_, meta=meta)
    from ..notifications.criteria import AID_LABEL

    for topic, note in number.notes:
        dm.add_note(document, topic, note)
    if concl.get("proposal_disagrees"):
        dm.add_note(document, "Conclusions", f"The latest proposal ({concl.get('latest_proposal') or 'of a group'}) disagrees with the Committee's conclusion ({concl.get('committee_conclusion') or status}).")
    aid_notes(document, crit, AID_LABEL)
    for s in [x for x in str(text(e["row"], "sources") or "").split("\n") if x.strip()]:
        dm.add_note(document, f"Sources of the notification {nid}", s)
    return finish(document)


__all__ = ["rationale_document", "GROUP_TITLES"]
