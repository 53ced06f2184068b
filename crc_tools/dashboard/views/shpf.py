"""The SHPF proposals (Article 6, Annex IV): their status, Part 3 criteria, and the committee's Part 3 conclusions."""

from __future__ import annotations

from ...i18n import _, current_lang, lookup
from ..html import Column, badge_cell, link_list, notice, table, url, words
from ..labels import esc, party_shown, said
from ..route import Route
from .form import RecordingForm
from .parts import html_pane

FORMULATION_COLUMNS = [
    Column("formulation", "Formulation"), Column("parties", "Proposing Party", lambda r: esc(party_shown(r["parties"]))), Column("stage", "Stage", words=True),
    Column("part3", "Annex IV Part 3: committee", badge_cell("part3_key", "part3"), hint="the committee's conclusion, Article 6.5"),
    Column("missing", "What is missing", words=True),
]
PROPOSAL_COLUMNS = [
    Column("proposal_id", "Proposal", lambda r: f'<a href="{esc(url(view="shpf", proposal=r["proposal_id"]))}">{esc(r["proposal_id"])}</a>'),
    Column("party", "Party", lambda r: esc(party_shown(r["party"]))), Column("eligible", "Eligible", words=True), Column("received", "Received", css="crc-nowrap"), Column("part1", "Part 1 (Secretariat)", words=True),
    Column("part2", "Part 2 information", words=True),
]
PART3_COLUMNS = [
    Column("criterion", "Criterion", lambda r: f"<strong>{esc(r['criterion'])}</strong> {esc(lookup(r['criterion_text']))}"),
    Column("status", "Committee", badge_cell("status")), Column("justification", "Justification"),
    Column("proposal", "Proposal (not a conclusion)", words=True), Column("aid", "Rule-based aid (not a conclusion)", lambda r: f"{esc(said(r['aid']))}: {esc(words(r['aid_reason']))}"),
]


class ShpfView:
    """The SHPF page for one session."""

    def __init__(self, data, route: Route, identity):
        import panel as pn

        self.data, self.route, self.identity = data, route, identity
        self.lang = current_lang()
        self.body = html_pane()
        self.panel = pn.Column(self.body, sizing_mode="stretch_width")
        t = data.proposals()
        self.form = None
        self.record_panel = None
        if t is not None and identity.can_record:
            from ...convention.reference import items

            subjects = {f"{party_shown(r['party'])} · {r['proposal_id']}": r["proposal_id"] for r in t.proposals.to_dict("records")}
            self.form = RecordingForm(data, identity, kind="shpf_proposal", subjects=subjects, criteria=[(i.id, lookup(i.text)) for i in items("annex_iv_part3").items])
            self.record_panel = self.form.panel
        elif t is not None:
            self.record_panel = html_pane(notice(_("Viewing only. The chair and the members sign in to record the committee's Annex IV Part 3 conclusions."), "info"))
        self.redraw()

    def redraw(self) -> None:
        """Draw (again) everything that depends on the register."""
        lead = _("Proposals under Article 6 and Annex IV. One verified proposal from an eligible Party is enough "
                 "(no two-region rule); the recommendation rests on the committee's Annex IV Part 3 conclusion alone (Article 6.5).")
        head = f"<h1>{esc(_('Severely hazardous pesticide formulations'))}</h1><p>{esc(lead)}</p>"
        t = self.data.proposals()
        if t is None:
            self.body.object = head + notice(_("No SHPF proposals were loaded: the data given to the dashboard hold no proposal."), "info")
            return
        chosen = self.route.proposal if self.route.proposal in t.ids else t.ids[0]
        part3 = t.part3[t.part3["proposal_id"] == chosen]
        choose = link_list([(url(view="shpf", proposal=p), p) for p in t.ids if p != chosen], label=_("Other proposals"))
        self.body.object = (
            head + table(t.formulations, FORMULATION_COLUMNS, caption="Formulations proposed", row_header="formulation")
            + table(t.proposals, PROPOSAL_COLUMNS, caption="Proposals (open one for its Part 3 criteria)", row_header="proposal_id")
            + "<h2>" + esc(_("Annex IV Part 3 criteria: {proposal}").format(proposal=chosen)) + "</h2>"
            + table(part3, PART3_COLUMNS, caption=_("Part 3 criteria of {proposal}").format(proposal=chosen), row_header="criterion")
            + ("<p>" + esc(_("Other proposals:")) + f"</p>{choose}" if choose else "")
        )
        if self.form is not None:
            self.form.refresh()


__all__ = ["ShpfView"]
