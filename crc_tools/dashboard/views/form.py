"""The form that records the committee's conclusion: explicit choices, a confirmation, corrections.

Nothing is preselected: the chair picks the notification (or SHPF proposal), the criterion (or
``overall``) and the conclusion — in the form, or by clicking a matrix cell, which sets both the
subject and the criterion. *Review* shows in one sentence what will be recorded, by whom, on
which version; only *Confirm and record* writes (journal first, then the register), once, however
often it is clicked. *Corrects* names a committee entry that stands, which the new entry
supersedes; the history of the chosen subject is beside the form.
"""

from __future__ import annotations

import asyncio
import logging

import pandas as pd

from ...i18n import N_, _, current_lang, lookup, speaking
from ..html import Column, badge_cell, notice, table
from ..labels import CRITERION_OVERALL, STATUS_STYLES, esc, said
from ..recording import Conclusion, NotAllowed, problems_of
from .parts import html_pane, styled

log = logging.getLogger(__name__)

CHOOSE = N_("— choose —")
CONCLUSIONS = ("met", "not_met", "insufficient_information")
"""The conclusions the form offers (register statuses)."""
NOTHING = N_("nothing: a new conclusion")


def status_options() -> dict:
    """Return the conclusion choices in the language in use: each status's symbol and word (labels.STATUS_STYLES), the register's value behind."""
    return {_(CHOOSE): "", **{f"{STATUS_STYLES[k].symbol} {_(STATUS_STYLES[k].word)}": k for k in CONCLUSIONS}}


def history_html(frame: pd.DataFrame, label: str) -> str:
    """Return the history of a subject as a table (newest first)."""
    head = f"<h3>{esc(_('History'))}</h3>"
    if not label:
        return head + f"<p>{esc(_('Choose a notification or proposal to see every conclusion recorded on it.'))}</p>"
    cols = [
        Column("entry", "Entry", words=True), Column("recorded_at", "Recorded"), Column("criterion", "Criterion"),
        Column("status", "Conclusion", badge_cell("status_key", "status")), Column("recorded_by", "By", lambda r: f"{esc(r['recorded_by'])} ({esc(lookup(r['role']))})"),
        Column("state", "Stands?", lambda r: esc(said(r["state"]))), Column("justification", "Justification"),
    ]
    shown = frame.assign(status_key=frame["status"].str.replace(" ", "_"), entry=frame["entry"].astype("string").fillna("case file")) if len(frame) else frame
    return head + table(shown, cols, caption=_("Recorded on {subject}, newest first").format(subject=label), empty="nothing recorded yet")


def waiting_html(rows) -> str:
    """Return the conclusions waiting to be stored (journal rows), or ``""``."""
    if not rows:
        return ""
    confirmed = _("(confirmed {time} UTC)")
    items = "".join(f"<li>{esc(r.summary)} <em>{esc(confirmed.format(time=r.submitted_at[11:16]))}</em></li>" for r in rows)
    return notice(_("Waiting to be stored (the register cannot be reached; stored in this order when it returns):"), "warning", extra_html=f"<ul>{items}</ul>")


def conclusion_of(form) -> tuple[Conclusion | None, str]:
    """Return the conclusion a recording form holds, or why it cannot be recorded (in words)."""
    sid, crit, status = form.subject.value, form.criterion.value, form.status.value
    subject = _("the notification") if form.kind == "notification" else _("the proposal")
    missing = [w for w, v in ((subject, sid), (_("the criterion"), crit), (_("the conclusion (met, not met, insufficient information)"), status)) if not v]
    if missing:
        return None, _("Choose {what}.").format(what=", ".join(missing))
    supersedes = form.corrects.value or None
    if supersedes:
        row = form._correctable().get(int(supersedes))
        if row is None:
            return None, _("Entry {entry} no longer stands; look at the history and choose again.").format(entry=supersedes)
        if row["criterion"] != crit or row["category_key"] != form.category:
            text = _("A correction is on the same criterion and category as the entry it corrects (entry {entry} is on {criterion}, {category}).")
            return None, text.format(entry=supersedes, criterion=row["criterion"], category=lookup(row["category"]))
    c = Conclusion(form.kind, sid, form.labels.get(sid, sid), form.category, crit, status, (form.justification.value or "").strip(), form.references.value or "",
                   int(supersedes) if supersedes else None, form.data.cases.document_hash(sid) if form.kind == "notification" else "", form.data.meeting)
    problems = problems_of(c, form.data.cases.known_subjects.get(form.kind))
    return (None, "; ".join(m for _field, m in problems).capitalize() + ".") if problems else (c, "")


def correction_options(correctable: dict) -> dict:
    """Return the choices of *Corrects*: nothing, or a committee entry that stands (label → entry number), in the language in use."""
    entry = _("entry {entry}: {criterion} {status} ({by}, {day})")
    options = {entry.format(entry=e, criterion=r["criterion"], status=said(r["status"]), by=r["recorded_by"], day=r["recorded_at"][:10]): str(e) for e, r in correctable.items()}
    return {_(NOTHING): "", **options}


def _make_widgets(form, kind: str, subjects: dict, criteria: list) -> None:
    """Give a recording form its widgets: subject, criterion, conclusion, justification, references, correction, buttons, panes."""
    import panel as pn

    what = _("Notification") if kind == "notification" else _("SHPF proposal")
    choose = _(CHOOSE)
    form.subject = styled(pn.widgets.Select, label=what, options={choose: "", **subjects}, value="", width=420)
    whole = _("{overall}: the criteria as a whole").format(overall=CRITERION_OVERALL)
    crit = {choose: "", whole: CRITERION_OVERALL, **{f"{i} {t[:60]}{'…' if len(t) > 60 else ''}": i for i, t in criteria}}
    form.criterion = styled(pn.widgets.Select, label=_("Criterion"), options=crit, value="", width=420)
    form.status = styled(pn.widgets.Select, label=_("Conclusion"), options=status_options(), value="", width=420)
    form.justification = styled(pn.widgets.TextAreaInput, label=_("Justification (required unless met)"), height=90, max_length=100_000, sizing_mode="stretch_width")
    form.references = styled(pn.widgets.TextAreaInput, label=_("References (one per line: document, page)"), height=60, max_length=100_000, sizing_mode="stretch_width")
    form.corrects = styled(pn.widgets.Select, label=_("Corrects (supersedes) a committee entry"), options={_(NOTHING): ""}, value="", width=420)
    form.review = styled(pn.widgets.Button, label=_("Review before recording"), color="primary", width=280)
    form.confirm = styled(pn.widgets.Button, label=_("Confirm and record"), color="success", width=280, visible=False)
    form.change = styled(pn.widgets.Button, label=_("Change"), color="default", width=160, visible=False)
    form.message = html_pane("")
    form.waiting = html_pane("")
    form.history = html_pane(history_html(pd.DataFrame(), ""))


def _layout(form):
    """Return a recording form's page part: the form (title, fields, buttons, messages) with the history beside it."""
    import panel as pn

    intro = _("{who}. Nothing is recorded until you confirm.").format(who=form.identity.describe())
    title = html_pane(f'<h2 class="crc-form-title">{esc(_("Record the committee\'s conclusion"))}</h2><p>{esc(intro)}</p>')
    fields = pn.Column(title, form.subject, form.criterion, form.status, form.justification, form.references, form.corrects,
                       pn.Row(form.review), form.message, pn.Row(form.confirm, form.change), form.waiting, width=600)
    side = pn.Column(form.history, styles={"flex": "1 1 420px", "min-width": "0"})
    return pn.FlexBox(fields, side, flex_wrap="wrap", gap="24px", sizing_mode="stretch_width")


class RecordingForm:
    """The recording form of one page (notifications of an agenda item, or SHPF proposals).

    Parameters
    ----------
    data : MeetingData
        The meeting.
    identity : Identity
        Who records.
    kind : str
        ``notification`` or ``shpf_proposal``.
    subjects : dict
        Label → id of the subjects the form offers.
    criteria : list of (id, text)
        The criteria (Annex II or Annex IV Part 3), ``overall`` added.
    category : str
        The category the conclusions concern (an agenda item's; ``""`` for proposals).
    """

    def __init__(self, data, identity, *, kind: str, subjects: dict, criteria: list, category: str = ""):
        self.data, self.identity, self.kind, self.category = data, identity, kind, category
        self.lang = current_lang()  # the session's language: every callback below redraws in it (crc_tools.i18n.speaking)
        self.labels = {v: k for k, v in subjects.items()}
        self.pending: Conclusion | None = None
        self.busy = False
        self.watching: list[str] = []
        _make_widgets(self, kind, subjects, criteria)
        self.review.on_click(lambda *_: self.show_review())
        self.confirm.on_click(self._on_confirm)
        self.change.on_click(lambda *_: self.drop_review())
        for w in (self.subject, self.criterion, self.status, self.justification, self.references, self.corrects):
            w.param.watch(self._on_edit, "value")
        self.subject.param.watch(lambda *_: self.refresh_history(), "value")
        self.corrects.param.watch(self._on_corrects, "value")
        self.panel = _layout(self)
        self.refresh()

    # ----------------------------------------------------------------- choosing

    @speaking
    def pick(self, subject_id: str, criterion: str) -> bool:
        """Set subject and criterion from a matrix cell; return whether both were set."""
        if subject_id not in self.subject.options.values() or criterion not in self.criterion.options.values():
            return False
        self.subject.value = subject_id
        self.criterion.value = criterion
        return True

    @speaking
    def _on_edit(self, *args):
        if self.pending is not None:
            self.drop_review(note=_("The form changed: review it again before recording."))

    @speaking
    def _on_corrects(self, event):
        row = self._correctable().get(int(event.new)) if event.new else None
        if row is not None:
            self.criterion.value = row["criterion"]

    def _correctable(self) -> dict:
        if not self.subject.value:
            return {}
        h = self.data.history(self.subject.value, self.kind)
        h = h[h["can_correct"]] if len(h) else h
        return {int(r["entry"]): r for r in h.to_dict("records")}

    # ----------------------------------------------------------------- review and confirm

    def conclusion(self) -> tuple[Conclusion | None, str]:
        """Return the conclusion the form holds, or why it cannot be recorded (in words)."""
        return conclusion_of(self)

    @speaking
    def show_review(self) -> None:
        """Show the confirmation: one sentence saying what will be recorded, by whom, on which version."""
        c, why = self.conclusion()
        if c is None:
            self.message.object = notice(_("Not ready to record: {why}").format(why=why), "danger")
            return
        self.pending = c
        sentence = esc(c.sentence(self.identity.user, self.identity.role))
        self.message.object = f'<div class="crc-notice crc-confirm" role="status"><strong>{esc(_("Please confirm."))}</strong> {sentence}</div>'
        self.confirm.visible = self.change.visible = True
        self.confirm.disabled = False

    @speaking
    def drop_review(self, note: str = "") -> None:
        """Leave the confirmation without recording."""
        self.pending = None
        self.confirm.visible = self.change.visible = False
        self.message.object = notice(note, "info") if note else ""

    async def _on_confirm(self, *args):
        await self.confirm_and_record()

    @speaking
    async def confirm_and_record(self):
        """Record the confirmed conclusion once (a second click while or after recording records nothing)."""
        c = self.pending
        if c is None or self.busy:
            return None
        self.busy, self.pending, self.confirm.disabled = True, None, True
        self.message.object = notice(_("Recording…"), "info")
        try:
            outcome = await asyncio.to_thread(self.data.record, self.identity, c)
        except NotAllowed as exc:
            self.message.object = notice(_("Not recorded: {why}").format(why=exc.message), "danger")
            return None
        finally:
            self.busy = False
            self.confirm.visible = self.change.visible = False
        self.show_outcome(outcome)
        return outcome

    @speaking
    def show_outcome(self, outcome) -> None:
        """Say what became of a conclusion; clear the form unless the register refused it."""
        kind = {"stored": "success", "waiting": "warning", "refused": "danger"}[outcome.state]
        self.message.object = notice(outcome.message, kind)
        if outcome.state == "waiting" and outcome.uid not in self.watching:
            self.watching.append(outcome.uid)
        if outcome.state != "refused":
            for w, v in ((self.status, ""), (self.justification, ""), (self.references, ""), (self.corrects, ""), (self.criterion, ""), (self.subject, "")):
                w.value = v
        self.refresh()

    # ----------------------------------------------------------------- live

    @speaking
    def refresh_history(self) -> None:
        """Redraw the history of the chosen subject and the entries a correction may name."""
        sid = self.subject.value
        frame = self.data.history(sid, self.kind) if sid else pd.DataFrame()
        self.history.object = history_html(frame, self.labels.get(sid, sid) if sid else "")
        self.corrects.options = correction_options(self._correctable())

    @speaking
    def refresh(self) -> None:
        """Redraw what changes with the register: history, correctable entries, waiting conclusions, outcomes."""
        self.refresh_history()
        self.waiting.object = waiting_html(self.data.waiting())
        for uid in list(self.watching):
            outcome = self.data.outcome(uid)
            if outcome is not None and outcome.state != "waiting":
                self.watching.remove(uid)
                self.message.object = notice(outcome.message + " " + _("(It had waited for the register.)"), "success" if outcome.state == "stored" else "danger")


__all__ = ["RecordingForm", "history_html", "waiting_html"]
