"""The meeting view of one agenda item (a chemical in one category), as projected during the meeting.

Top to bottom: the summary card (stage, what is missing, the two-region status in one sentence),
the seven PIC regions as tiles, the notifications (a page of them at a time), the
criterion-by-notification matrix of those notifications, its figures as a table, the
documents; then the recording form (signed-in chair or member) with the history beside it.
"""

from __future__ import annotations

import copy
import urllib.parse

import pandas as pd

from ...i18n import N_, _, current_lang, lookup, speaking
from ..html import Column, badge_cell, link_list, notice, page_slice, pager, status_legend, summary_card, table, tiles, url, words
from ..imports import responses_html
from ..labels import esc, party_shown, said
from ..route import Route
from .charts import matrix_chart
from .form import RecordingForm
from .parts import cell_from_selection, html_pane

PAGE_SIZE = 12
"""Notifications per page; the matrix shows the same page, so it never grows wider or taller than the screen allows."""

NOTIFICATION_COLUMNS = [
    Column("party", "Party", lambda r: esc(party_shown(r["party"]))), Column("pic_region", "PIC region", words=True), Column("action", "Action", words=True), Column("fra_date", "In force", css="crc-nowrap"),
    Column("annex_i", "Annex I (Secretariat)", lambda r: _annex_i_cell(r), hint="the Secretariat's verification of completeness, Article 5.3"),
    Column("status", "Annex II: committee", badge_cell("status", "committee"), hint="the committee's conclusion, Article 5.6"),
    Column("proposal", "Proposals", lambda r: _proposal_cell(r)),
    Column("notification_id", "Notification"),
]
MATRIX_TABLE_COLUMNS = [
    Column("notification", "Notification"), Column("criterion", "Criterion"), Column("status", "Committee", badge_cell("status", "status_word")),
    Column("justification", "Justification"), Column("proposal", "Proposal (not a conclusion)", words=True), Column("aid", "Rule-based aid (not a conclusion)", words=True),
]


def _annex_i_cell(r: dict) -> str:
    basis = r.get("annex_i_basis", r.get("annex_i", ""))
    missing = r.get("annex_i_missing", "")
    return esc(lookup(basis) + ("; " + _("no information on Annex I item(s) {items}").format(items=missing) if missing else ""))


def _proposal_cell(r: dict) -> str:
    text = esc(said(r["proposal"]) or "–") + (f" <strong>({esc(_('disagrees'))})</strong>" if r.get("disagrees") else "")
    return text + (f"<br><strong>{esc(_('Conflict:'))}</strong> {esc(said(r['conflict']))}" if r.get("conflict") else "")


def _document_kind(d: dict) -> str:
    kind = _(d.get("message") or d["kind"]).format(notification=d.get("notification", ""))
    return kind + (" " + _("(drafting notes)") if d.get("notes") else "")


def spoken_matrix(m: pd.DataFrame) -> pd.DataFrame:
    """Return the matrix with the suite's words in the language in use (status words, criterion texts, proposals, aids); data untouched."""
    if m.empty:
        return m
    return m.assign(
        status_word=[said(w) for w in m["status_word"]], criterion_text=[lookup(t) for t in m["criterion_text"]], justification=[said(j) for j in m["justification"]],
        proposal=[said(p) for p in m["proposal"]], aid=[said(a) for a in m["aid"]], aid_reason=[words(r) for r in m["aid_reason"]],
        notification=[" · ".join([party_shown(n.split(" · ")[0]), *n.split(" · ")[1:]]) for n in m["notification"]],
    )


class ItemView:
    """One agenda item's page for one session."""

    def __init__(self, data, route: Route, identity):
        import panel as pn

        self.data, self.route, self.identity = data, route, identity
        self.lang = current_lang()  # the session's: callbacks redraw in it
        self.key = route.item
        self.card, self.tiles, self.table, self.matrix_head, self.matrix_text, self.docs, self.responses = (html_pane() for _ in range(7))
        self.matrix = pn.pane.Vega(None, show_actions=False, margin=(0, 0, 0, 0))
        self.matrix.param.watch(self._on_selection_object, "selection")
        box = pn.Column(self.matrix, styles={"overflow-x": "auto", "max-width": "100%"}, sizing_mode="stretch_width")
        self.panel = pn.Column(self.card, self.tiles, self.table, self.matrix_head, box, self.matrix_text, self.docs, self.responses, sizing_mode="stretch_width")
        self.form = None
        self.record_panel = None
        if data.item(self.key):
            self.form = self._form() if identity.can_record else None
            self.record_panel = self.form.panel if self.form is not None else html_pane(self._viewer_note())
        self.redraw()

    def _form(self) -> RecordingForm:
        from ...convention.reference import items

        table_ = self.data.notifications_of(self.key)
        subjects = {f"{party_shown(p)} · {n}": n for n, p in zip(table_["notification_id"], table_["party"], strict=True)}
        return RecordingForm(self.data, self.identity, kind="notification", subjects=subjects, criteria=[(i.id, lookup(i.text)) for i in items("annex_ii").items], category=self.data.item(self.key)["category"])

    def _viewer_note(self) -> str:
        if self.identity.signed_in:
            text = _("Signed in as {user}, whose role ({role}) does not record. The chair and the members record the committee's conclusions.")
            return notice(text.format(user=self.identity.user, role=lookup(self.identity.role)), "info")
        return notice(_("Viewing only. The chair and the members sign in to record the committee's conclusions."), "info", extra_html=f' <a href="{esc(self._login_link())}">{esc(_("Sign in"))}</a>')

    def _login_link(self) -> str:
        link = self.route.link()
        return "login?next=" + urllib.parse.quote("/" + (link if link.startswith("?") else ""), safe="")

    def redraw(self) -> None:
        """Draw (again) everything that depends on the register."""
        item = self.data.item(self.key)
        if not item:
            self.card.object = self._unknown()
            for pane in (self.tiles, self.table, self.matrix_head, self.matrix_text, self.docs, self.responses):
                pane.object = ""
            return
        full = self.data.notifications_of(self.key)
        page, pages, start = page_slice(len(full), self.route.page, PAGE_SIZE)
        shown = full.iloc[start : start + PAGE_SIZE]
        waiting = len(self.data.waiting())
        self.card.object = summary_card(item, conflicts=int((full["conflict"] != "").sum()), proposals=int(((full["proposal"] != "") & ((full["status"] == "") | full["disagrees"])).sum()), waiting=waiting)
        self.tiles.object = tiles(self.data.regions_of(self.key))
        nav = pager(page, pages, lambda p: self.route.link(page=p), label="Pages of notifications", total=len(full), noun="notifications", start=start, size=PAGE_SIZE)
        caption = _("Notifications on {chemical} ({category})").format(chemical=item["chemical"], category=lookup(item["category"]))
        self.table.object = f"<h2>{esc(_('Notifications'))}</h2>" + nav + table(shown, NOTIFICATION_COLUMNS, caption=caption, row_header="party")
        self._draw_matrix(shown, page, pages, nav)
        docs = self.data.documents(self.key)
        links = link_list([("reports/" + urllib.parse.quote(d["name"]), f"{_document_kind(d)} ({d['name']})") for d in docs], label=N_("Documents"))
        self.docs.object = f"<h2>{esc(_('Documents'))}</h2>" + (links or f"<p>{esc(_('No rendered documents for this chemical yet.'))}</p>")
        self.responses.object = responses_html(self.data.responses_of(self.key))
        if self.form is not None:
            self.form.refresh()

    def _draw_matrix(self, shown: pd.DataFrame, page: int, pages: int, nav: str) -> None:
        m = spoken_matrix(self.data.matrix(self.key))
        m = m[m["notification_id"].isin(set(shown["notification_id"]))]
        n = len(shown)
        title = _("Annex II: criterion by notification (page {page} of {pages})").format(page=page, pages=pages) if pages > 1 else _("Annex II: criterion by notification")
        described = _("{n} notifications by the Annex II criteria and overall; each cell shows the committee's conclusion: ").format(n=n) + "; ".join(
            f"{r.notification} {r.criterion} {r.status_word}" for r in m.itertuples(index=False) if r.status
        )
        how = _("Each cell is the committee's conclusion. Hover for the justification, a proposal and the rule-based aid (not conclusions); click a cell to choose it for recording.") if self.form is not None else _(
            "Each cell is the committee's conclusion. Hover for the justification, a proposal and the rule-based aid (not conclusions).")
        self.matrix_head.object = f"<h2>{esc(_('Criterion-by-notification matrix'))}</h2><p>{esc(how)}</p>" + status_legend() + (nav if pages > 1 else "")
        spec = self.data.cached("matrix-spec", (self.key, page, current_lang()), lambda: matrix_chart(m, title=title, description=described[:2000]) if len(m) else None)
        self.matrix.selection = None  # a new chart gets a new selection object (Panel)
        self.matrix.object = copy.deepcopy(spec)
        text = table(m, MATRIX_TABLE_COLUMNS, caption="The matrix as a table", row_header="notification")
        self.matrix_text.object = f"<details><summary>{esc(_('The matrix as a table (for reading aloud or a screen reader)'))}</summary>{text}</details>"

    def _unknown(self) -> str:
        o = self.data.overview()
        word = self.key.split(" (")[0].casefold()[:40]
        near = o[[word[:5] in str(c).casefold() for c in o["chemical"]]] if word else o.iloc[0:0]
        links = link_list([(url(item=k), k) for k in near["key"].head(8)], label=N_("Agenda items with a similar name"))
        text = _("There is no agenda item called “{item}” in the loaded data.").format(item=self.key)
        return notice(text, "warning", extra_html=f' <a href="{esc(url())}">{esc(_("Back to the agenda"))}</a>') + links

    @speaking
    def _on_selection_object(self, event) -> None:
        selection = event.new
        if selection is not None and "cell" in selection.param:
            selection.param.watch(self._on_cell, "cell")

    @speaking
    def _on_cell(self, event) -> None:
        picked = cell_from_selection(event.new)
        if picked is not None and self.form is not None:
            self.form.pick(*picked)


__all__ = ["ItemView", "PAGE_SIZE"]
