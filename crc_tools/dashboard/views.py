"""The committee meeting dashboard: a Panel app over :class:`~crc_tools.dashboard.data.MeetingData`.

During a CRC meeting the chair, the members and the Secretariat look at one screen:

* **Overview** — every chemical and category, its stage (received → verified → forwarded →
  criteria met → recommended → DGD drafted, or listed in Annex III), the PIC regions covered
  (chart), the two-region status, deadlines and what is missing; filters by category, PIC
  region, stage and meeting;
* **Chemical** — the notifications table, the criterion-by-notification matrix as a heat map
  (justification on hover; a click picks the cell for recording), the two-region status, the
  rendered documents in ``reports/``, the conclusions recorded and the history of a
  notification, and — for a signed-in member — the form that records the committee's
  conclusion in the register;
* **SHPF proposals** — the proposals when the data hold some, and a plain notice otherwise.

Build it with :func:`build_app` (returns a :class:`Dashboard`; ``.servable()`` or show
``.template`` in JupyterLab) or serve it with :func:`serve` / ``crc dashboard``. One template
(Bootstrap, whose resources Panel serves itself) and Panel's bundled Vega: the page asks
nothing of any other server, so it works without internet in the meeting room.

Text from the data reaches the page only escaped (HTML panes with :func:`html.escape`,
Tabulator's plain-text cells, Vega's escaped tooltips), never through Markdown.
"""

from __future__ import annotations

import asyncio
import html
import logging
import urllib.parse
from pathlib import Path

import pandas as pd

from .data import (
    RECORDING_ROLES,
    STAGES,
    Identity,
    MeetingData,
    NotAllowed,
    RecordOutcome,
    identity_for,
    parse_roles,
)

log = logging.getLogger(__name__)

TITLE = "CRC meeting dashboard"
POLL_MS = 2000
"""How often each session looks for conclusions recorded elsewhere (milliseconds)."""
PAGE_SIZE = 15
MAX_MATRIX_NOTIFICATIONS = 60
"""The heat map shows at most this many notifications (10 cells each); the table below it has all."""
TEMPLATES_DIR = Path(__file__).resolve().parent / "dashboard_templates"
REPORTS_ROUTE = "reports"
UNUSED_SESSION_LIFETIME_MS = 60_000
"""How long a session lives without a connected page (before its page connects, or after it closed)."""

_SETTINGS: dict = {"roles": None, "auth": None, "paths": None, "meeting": ""}
"""What :func:`serve` tells every session of the process (paths, roles, whether logins exist)."""


def esc(value) -> str:
    """Return text from the data escaped for HTML (``<script>`` shows as text)."""
    return html.escape("" if value is None else str(value), quote=True)


def notice(text: str, kind: str = "info", *, raw_html: str = "") -> str:
    """Return an inline-styled notice box (escaped text, plus optional trusted HTML built here)."""
    colours = {"info": ("#e8f1fb", "#1f4e79"), "success": ("#e6f4ea", "#1b5e20"), "warning": ("#fff4e5", "#8a4b00"), "danger": ("#fdecea", "#8b1a1a")}
    bg, fg = colours.get(kind, colours["info"])
    return f'<div class="crc-notice crc-{kind}" role="status" style="background:{bg};color:{fg};border-left:4px solid {fg};padding:8px 12px;margin:4px 0;border-radius:3px">{esc(text)}{raw_html}</div>'


# --------------------------------------------------------------------------- charts


def stage_chart(counts: pd.DataFrame):
    """Return a bar chart of how many chemical-category pairs stand at each stage (aggregated input)."""
    import altair as alt

    from ..charts import MAX_ROWS, use_house_theme

    use_house_theme()
    if len(counts) > MAX_ROWS:
        raise ValueError("aggregate before charting")
    return (
        alt.Chart(counts, title="Where every chemical stands")
        .mark_bar()
        .encode(
            y=alt.Y("stage:N", sort=list(STAGES), title=None, scale=alt.Scale(domain=list(STAGES))),
            x=alt.X("sum(chemicals):Q", title="chemicals (per category)", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("category:N", title="category"),
            tooltip=[alt.Tooltip("stage:N"), alt.Tooltip("category:N"), alt.Tooltip("sum(chemicals):Q", title="chemicals")],
        )
        .properties(width=360, height=200)
    )


def region_chart(coverage: pd.DataFrame, chemicals: list[str]):
    """Return a heat map of the PIC regions each chemical covers (notified, verified, meets Annex II)."""
    import altair as alt

    from ..charts import use_house_theme
    from ..convention.reference import PIC_REGIONS

    use_house_theme()
    levels = ["notified", "verified", "meets Annex II"]
    return (
        alt.Chart(coverage, title="PIC regions covered (chemicals on this page of the table)")
        .mark_rect(stroke="white")
        .encode(
            x=alt.X("pic_region:N", sort=list(PIC_REGIONS), scale=alt.Scale(domain=list(PIC_REGIONS)), title=None, axis=alt.Axis(labelAngle=-30, labelLimit=160)),
            y=alt.Y("chemical:N", sort=chemicals, scale=alt.Scale(domain=chemicals), title=None, axis=alt.Axis(labelLimit=220)),
            color=alt.Color("coverage:N", scale=alt.Scale(domain=levels, range=["#c6dbef", "#4292c6", "#1b7837"]), title="region"),
            tooltip=[alt.Tooltip("chemical:N"), alt.Tooltip("pic_region:N", title="PIC region"), alt.Tooltip("coverage:N")],
        )
        .properties(width=420, height=max(60, 18 * len(chemicals)))
    )


def criteria_heatmap(matrix: pd.DataFrame):
    """Return the criterion-by-notification heat map; the justification and the aid show on hover.

    A click on a cell selects it (named selection ``cell``), which the dashboard reads to
    fill the recording form.
    """
    import altair as alt

    from ..charts import STATUS_COLOURS, use_house_theme

    use_house_theme()
    criteria = list(dict.fromkeys(matrix["criterion"]))
    notifications = list(dict.fromkeys(matrix["notification"]))
    shown = matrix.assign(
        justification_short=matrix["justification"].astype(str).str.slice(0, 400),
        criterion_short=matrix["criterion_text"].astype(str).str.slice(0, 160),
    )[["notification_id", "notification", "criterion", "criterion_short", "status", "justification_short", "recorded_by", "role", "recorded_at", "aid", "aid_reason"]]
    cell = alt.selection_point(name="cell", fields=["notification_id", "criterion"], on="click", empty=False)
    domain = list(STATUS_COLOURS)
    return (
        alt.Chart(shown, title="Annex II: criterion by notification")
        .mark_rect(stroke="white", strokeWidth=2)
        .encode(
            x=alt.X("notification:N", sort=notifications, title=None, axis=alt.Axis(labelAngle=-30, labelLimit=200, orient="top")),
            y=alt.Y("criterion:N", sort=criteria, title=None),
            color=alt.Color("status:N", scale=alt.Scale(domain=domain, range=[STATUS_COLOURS[k] for k in domain]), title="recorded"),
            opacity=alt.condition(cell, alt.value(1.0), alt.value(0.85)),
            tooltip=[
                alt.Tooltip("notification:N"),
                alt.Tooltip("criterion:N"),
                alt.Tooltip("criterion_short:N", title="criterion text"),
                alt.Tooltip("status:N", title="recorded"),
                alt.Tooltip("justification_short:N", title="justification"),
                alt.Tooltip("recorded_by:N", title="by"),
                alt.Tooltip("role:N"),
                alt.Tooltip("recorded_at:N", title="on"),
                alt.Tooltip("aid:N", title="aid (not a conclusion)"),
                alt.Tooltip("aid_reason:N", title="aid reads"),
            ],
        )
        .add_params(cell)
        .properties(width=max(200, 70 * len(notifications)), height=24 * len(criteria))
    )


# --------------------------------------------------------------------------- the app


class Dashboard:
    """One browser session's dashboard.

    Parameters
    ----------
    data : MeetingData
        The meeting's data, shared by the sessions of a server process.
    identity : Identity, optional
        Who uses the session (default: from Panel's signed-in user and the configured roles).
    auth_enabled : bool, optional
        Whether the server offers sign-in (default: what :func:`serve` set, or Panel's
        configuration).

    Attributes
    ----------
    template : panel.template.BootstrapTemplate
        The page.
    """

    def __init__(self, data: MeetingData, *, identity: Identity | None = None, auth_enabled: bool | None = None):
        import panel as pn

        self.pn = pn
        self.data = data
        self.identity = identity if identity is not None else current_identity()
        self.auth_enabled = auth_enabled if auth_enabled is not None else _auth_enabled()
        self._serial = data.snapshot.serial
        self._pending_ids: list[str] = []
        self._poller = None
        self._build()
        self._sync_location()

    def _sync_location(self) -> None:
        """Keep the page and the chemical in the address, so that a link opens them."""
        loc = self.pn.state.location
        if loc is None:
            return
        try:
            loc.sync(self.tabs, {"active": "page"})
            loc.sync(self.chemical_select, {"value": "chemical"})
        except Exception as exc:  # a notebook without a browser location
            log.debug("location not synchronised: %s", exc)

    # ----------------------------------------------------------------- layout

    def _build(self) -> None:
        pn = self.pn
        d = self.data
        chemicals = d.chemicals()
        self.keys = list(chemicals["key"])

        # Overview -------------------------------------------------------------------------
        self.category_filter = pn.widgets.Select(label="Category", options={"every category": "", "pesticide": "pesticide", "industrial": "industrial"}, value="", width=170)
        from ..convention.reference import PIC_REGIONS

        self.region_filter = pn.widgets.Select(label="PIC region notified", options={"every region": "", **{r: r for r in PIC_REGIONS}}, value="", width=230)
        self.stage_filter = pn.widgets.MultiChoice(label="Stage", options=list(STAGES), value=[], width=360, placeholder="every stage")
        self.meeting_filter = pn.widgets.Select(label="CRC meeting", options={"any meeting": "", **{m: m for m in d.meetings()}}, value="", width=150)
        for w in (self.category_filter, self.region_filter, self.stage_filter, self.meeting_filter):
            w.param.watch(self._on_filter, "value")
        self.overview_summary = pn.pane.HTML("", sizing_mode="stretch_width")
        self.overview_table = pn.widgets.Tabulator(
            self._overview_frame(),
            pagination="remote",
            page_size=PAGE_SIZE,
            disabled=True,
            show_index=False,
            selectable=False,
            hidden_columns=["key"],
            layout="fit_columns",
            titles={
                "chemical": "Chemical", "category": "Category", "stage": "Stage", "notifications": "Notif.",
                "regions_verified": "PIC regions verified", "regions_meeting_criteria": "PIC regions meeting Annex II",
                "two_region_status": "Two-region status", "next_deadline": "Verify by", "overdue": "Overdue", "missing": "What is missing",
            },
            formatters={"stage": {"type": "textarea"}, "chemical": {"type": "textarea"}, "missing": {"type": "textarea"}, "two_region_status": {"type": "textarea"}, "regions_verified": {"type": "textarea"}, "regions_meeting_criteria": {"type": "textarea"}},
            widths={"chemical": "13%", "category": "7%", "stage": "9%", "notifications": "5%", "regions_verified": "13%", "regions_meeting_criteria": "13%", "two_region_status": "13%", "next_deadline": "7%", "overdue": "5%", "missing": "15%"},
            sizing_mode="stretch_width",
        )
        self.overview_table.on_click(self._on_overview_click)
        self.overview_table.param.watch(self._on_overview_page, "page")
        self.stage_pane = pn.pane.Vega(None, show_actions=False)
        self.region_pane = pn.pane.Vega(None, show_actions=False)
        self.deadlines_table = pn.widgets.Tabulator(
            d.deadlines(), pagination="remote", page_size=10, disabled=True, show_index=False, selectable=False, layout="fit_data_stretch", sizing_mode="stretch_width",
            titles={"notification_id": "Notification", "chemical": "Chemical", "notifying_party": "Party", "received": "Received", "verify_by": "Verify by (Art. 5.3)", "overdue": "Overdue", "notified_late": "Notified late (Art. 5.1)"},
        )
        self.recent_table = pn.widgets.Tabulator(
            d.recent(), disabled=True, show_index=False, selectable=False, layout="fit_data_stretch", sizing_mode="stretch_width",
            titles={"entry": "Entry", "notification_id": "Notification", "criterion": "Criterion", "status": "Conclusion", "recorded_by": "Recorded by", "justification": "Justification"},
            formatters={"justification": {"type": "textarea"}}, widths={"justification": 360},
        )
        self._refresh_overview()
        overview = pn.Column(
            pn.pane.HTML("<h2 style='margin:0'>Every chemical under review</h2><p style='margin:2px 0 8px'>Click a chemical to open its page. Stage: received → verified → forwarded → criteria met → recommended → DGD drafted.</p>", sizing_mode="stretch_width"),
            pn.Row(self.category_filter, self.region_filter, self.stage_filter, self.meeting_filter),
            self.overview_summary,
            self.overview_table,
            pn.Row(self.stage_pane, self.region_pane),
            pn.pane.HTML("<h3>Notifications awaiting the Secretariat's verification</h3>"),
            self.deadlines_table,
            pn.pane.HTML("<h3>Conclusions recorded in the register, latest first</h3>"),
            self.recent_table,
            name="Overview",
            sizing_mode="stretch_width",
        )

        # Chemical page ---------------------------------------------------------------------
        self.chemical_select = pn.widgets.Select(label="Chemical", options=self.keys, value=self.keys[0] if self.keys else None, width=380)
        self.chemical_select.param.watch(self._on_chemical, "value")
        self.chemical_header = pn.pane.HTML("", sizing_mode="stretch_width")
        self.notifications_table = pn.widgets.Tabulator(
            pd.DataFrame(), pagination="remote", page_size=20, disabled=True, show_index=False, selectable=False, layout="fit_columns", sizing_mode="stretch_width",
            titles={"notification_id": "Notification", "party": "Party", "pic_region": "PIC region", "category": "Category", "action": "Banned / severely restricted", "fra_date": "FRA in force", "received": "Received", "annex_i": "Annex I (Secretariat)", "annex_ii": "Annex II conclusion", "source": "Source", "meeting": "Meeting"},
            formatters={c: {"type": "textarea"} for c in ("notification_id", "party", "pic_region", "action", "annex_i", "annex_ii", "source")},
            widths={"notification_id": "10%", "party": "8%", "pic_region": "9%", "category": "6%", "action": "7%", "fra_date": "6%", "received": "6%", "annex_i": "17%", "annex_ii": "15%", "source": "11%", "meeting": "5%"},
        )
        self.regions_table = pn.widgets.Tabulator(pd.DataFrame(), disabled=True, show_index=False, selectable=False, layout="fit_data_table", titles={"pic_region": "PIC region", "notifying_parties": "Notifying Parties", "notified": "Notified", "verified": "Verified (Annex I)", "meets_annex_ii": "Meets Annex II"})
        self.matrix_pane = pn.pane.Vega(None, show_actions=False)
        self.matrix_pane.param.watch(self._on_selection_object, "selection")
        self.matrix_note = pn.pane.HTML("")
        self.determinations_table = pn.widgets.Tabulator(
            pd.DataFrame(), pagination="remote", page_size=20, disabled=True, show_index=False, selectable=False, layout="fit_columns", sizing_mode="stretch_width",
            titles={"notification": "Notification", "criterion": "Criterion", "status": "Recorded", "justification": "Justification", "references": "References", "recorded_by": "By", "role": "Role", "recorded_at": "On", "source": "Source"},
            formatters={c: {"type": "textarea"} for c in ("notification", "justification", "references", "source")},
            widths={"notification": "14%", "criterion": "6%", "status": "7%", "justification": "30%", "references": "16%", "recorded_by": "6%", "role": "6%", "recorded_at": "6%", "source": "9%"},
        )
        self.documents_pane = pn.pane.HTML("", width=400)
        self.responses_note, self.responses_table = responses_view(pn)
        self.register_notice = pn.pane.HTML("", sizing_mode="stretch_width")

        # Recording form
        from ..convention.reference import items

        annex_ii = items("annex_ii")
        self.notification_select = pn.widgets.Select(label="Notification", options=[], width=360)
        self.criterion_select = pn.widgets.Select(label="Criterion", options={"overall: Annex II as a whole": "overall", **{f"{i.id} {i.text[:70]}": i.id for i in annex_ii.items}}, value="overall", width=460)
        self.status_select = pn.widgets.RadioButtonGroup(label="Conclusion", options={"met": "met", "not met": "not_met", "insufficient information": "insufficient_information"}, value="met", color="light")
        self.justification_input = pn.widgets.TextAreaInput(label="Justification (required unless met)", placeholder="Why the committee concluded this", height=90, sizing_mode="stretch_width", max_length=100_000)
        self.references_input = pn.widgets.TextAreaInput(label="References (one per line: document, page)", height=60, sizing_mode="stretch_width", max_length=100_000)
        self.record_button = pn.widgets.Button(label="Record the committee's conclusion", color="primary", width=300)
        self.record_button.on_click(self._on_record)
        self.record_message = pn.pane.HTML("", sizing_mode="stretch_width")
        if self.identity.can_record:
            form = pn.Column(
                pn.pane.HTML(f"<h3>Record a conclusion</h3><p>{esc(self.identity.describe())}. The conclusion goes to the register of determinations as the committee's, with your name.</p>"),
                pn.Row(self.notification_select, self.criterion_select),
                self.status_select,
                self.justification_input,
                self.references_input,
                self.record_button,
                self.record_message,
                sizing_mode="stretch_width",
            )
        else:
            form = pn.Column(pn.pane.HTML(self._viewer_notice(), sizing_mode="stretch_width"), pn.Row(self.notification_select), sizing_mode="stretch_width")
        self.history_button = pn.widgets.Button(label="History of this notification", color="default", width=260)
        self.history_button.on_click(self._on_history)
        self.history_note = pn.pane.HTML("")
        self.history_table = pn.widgets.Tabulator(
            pd.DataFrame(), pagination="remote", page_size=20, disabled=True, show_index=False, selectable=False, layout="fit_columns", sizing_mode="stretch_width",
            titles={"entry": "Entry", "recorded_at": "Recorded", "criterion": "Criterion", "category": "Category", "status": "Status", "justification": "Justification", "recorded_by": "By", "role": "Role", "state": "Stands?", "source": "Source"},
            formatters={c: {"type": "textarea"} for c in ("justification", "state", "source")},
            widths={"entry": "5%", "recorded_at": "11%", "criterion": "6%", "category": "8%", "status": "7%", "justification": "28%", "recorded_by": "7%", "role": "7%", "state": "10%", "source": "11%"},
            visible=False,
        )
        chemical = pn.Column(
            self.chemical_select,
            self.chemical_header,
            self.register_notice,
            pn.pane.HTML("<h3>Notifications</h3>"),
            self.notifications_table,
            pn.Row(pn.Column(pn.pane.HTML("<h3>Two-region status</h3>"), self.regions_table), pn.Column(pn.pane.HTML("<h3>Documents</h3>"), self.documents_pane, width=420)),
            pn.pane.HTML("<h3>Criterion-by-notification matrix</h3><p>Hover a cell for the justification; the aid is a rule-based pre-assessment, not a conclusion. A click on a cell picks it for recording.</p>"),
            self.matrix_note,
            self.matrix_pane,
            pn.pane.HTML("<h3>Determinations recorded</h3>"),
            self.determinations_table,
            pn.pane.HTML("<h3>Import responses of Parties (Article 10)</h3>"),
            self.responses_note,
            self.responses_table,
            form,
            pn.Row(self.history_button, self.history_note),
            self.history_table,
            name="Chemical",
            sizing_mode="stretch_width",
        )
        self._refresh_chemical()

        # SHPF proposals ----------------------------------------------------------------------
        shpf = pn.Column(*self._shpf_objects(), name="SHPF proposals", sizing_mode="stretch_width")

        self.tabs = pn.Tabs(overview, chemical, shpf, dynamic=True, sizing_mode="stretch_width")
        self.user_pane = pn.pane.HTML(self._user_html(), styles={"color": "white"}, margin=(0, 10))
        self.template = pn.template.BootstrapTemplate(title=TITLE, header=[self.user_pane], main=[self.tabs], header_background="#1f4e79")
        self._update_register_notice()

    # ----------------------------------------------------------------- text

    def _login_links(self) -> str:
        if not self.auth_enabled:
            return ""
        if self.identity.signed_in:
            return ' <a href="logout" style="color:inherit">Sign out</a>'
        return f' <a href="{esc(self._login_href())}" style="color:inherit;font-weight:bold">Sign in</a>'

    def _login_href(self) -> str:
        """Return the sign-in address, coming back to this page (``panel serve`` serves it under a path)."""
        loc = self.pn.state.location
        path = getattr(loc, "pathname", "") if loc is not None else ""
        if path and path.startswith("/") and not path.startswith("//") and path != "/":
            return "login?next=" + urllib.parse.quote(path, safe="/")
        return "login"

    def _user_html(self) -> str:
        if not self.auth_enabled:
            return "<span>Viewing only: this server has no logins, so nobody records here.</span>"
        return f"<span>{esc(self.identity.describe())} ·</span>{self._login_links()}"

    def _viewer_notice(self) -> str:
        if not self.auth_enabled:
            return notice("Viewing only: you see everything and change nothing. This server has no logins configured, so conclusions are recorded elsewhere (crc register, the experts' notebooks).", "info")
        if not self.identity.signed_in:
            return notice("You are viewing without signing in: you see everything and change nothing. Members of the committee sign in to record conclusions.", "info", raw_html=f' <a href="{esc(self._login_href())}">Sign in</a>')
        return notice(f"Signed in as {self.identity.user}, whose role ({self.identity.role}) does not record conclusions (roles that record: {', '.join(RECORDING_ROLES)}).", "info")

    # ----------------------------------------------------------------- overview

    def _filtered(self) -> pd.DataFrame:
        return self.data.filter_overview(category=self.category_filter.value, region=self.region_filter.value, stages=self.stage_filter.value, meeting=self.meeting_filter.value)

    def _overview_frame(self, frame: pd.DataFrame | None = None) -> pd.DataFrame:
        o = self._filtered() if frame is None else frame
        cols = ["key", "chemical", "category", "stage", "notifications", "regions_verified", "regions_meeting_criteria", "two_region_status", "next_deadline", "overdue", "missing"]
        return o[cols].reset_index(drop=True)

    def _refresh_overview(self) -> None:
        o = self._filtered()
        self._overview = o
        self.overview_table.value = self._overview_frame(o)
        total = len(self.data.overview())
        n = len(o)
        forwarded = int(o["forward_to_crc"].sum()) if n else 0
        recommended = int((o["recommend_listing"] & ~o["listed_in_annex_iii"]).sum()) if n else 0
        listed = int(o["listed_in_annex_iii"].sum()) if n else 0
        overdue = int(o["overdue"].sum()) if n else 0
        shown = f"{n} of {total}" if n != total else f"{n}"
        self.overview_summary.object = (
            f"<p style='margin:4px 0'><b>{shown}</b> chemical–category pairs · <b>{forwarded}</b> with verified notifications from two PIC regions · "
            f"<b>{recommended}</b> meeting Annex II in two regions, not yet listed · <b>{listed}</b> listed in Annex III · "
            f"<b>{overdue}</b> notification(s) overdue for verification</p>"
        )
        self.stage_pane.object = stage_chart(self.data.stage_counts(o))
        self._refresh_region_chart()
        self.recent_table.value = self.data.recent()

    def _refresh_region_chart(self) -> None:
        o = self._overview
        page = max(1, int(self.overview_table.page or 1))
        rows = o.iloc[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        self.region_pane.object = region_chart(self.data.region_coverage(rows), list(rows["key"]))

    def _on_filter(self, *_):
        self.overview_table.page = 1
        self._refresh_overview()

    def _on_overview_page(self, *_):
        self._refresh_region_chart()

    def _on_overview_click(self, event) -> None:
        frame = self.overview_table.value
        try:
            key = frame["key"].iat[int(event.row)]
        except (IndexError, KeyError, TypeError, ValueError):
            return
        self.open_chemical(key)

    def open_chemical(self, key: str) -> None:
        """Show the page of a chemical (its key as in the overview, ``Name (category)``)."""
        if key in self.keys:
            self.chemical_select.value = key
            self.tabs.active = 1

    # ----------------------------------------------------------------- chemical page

    def _on_chemical(self, *_):
        self.history_table.visible = False
        self.history_note.object = ""
        self._refresh_chemical()

    def _refresh_chemical(self) -> None:
        key = self.chemical_select.value
        if not key:
            self.chemical_header.object = notice("No notifications were loaded.", "warning")
            return
        d = self.data
        s = d.summary_of(key)
        table = d.notifications_of(key)
        self.notifications_table.value = table
        self.regions_table.value = d.regions_of(key)
        matrix = d.matrix(key)
        ids = list(dict.fromkeys(matrix["notification_id"]))
        if len(ids) > MAX_MATRIX_NOTIFICATIONS:
            shown_ids = set(ids[:MAX_MATRIX_NOTIFICATIONS])
            self.matrix_note.object = notice(f"The heat map shows the first {MAX_MATRIX_NOTIFICATIONS} of {len(ids)} notifications; the table below has every determination.", "info")
            matrix_chart = matrix[matrix["notification_id"].isin(shown_ids)]
        else:
            self.matrix_note.object = ""
            matrix_chart = matrix
        # A new Selection object per chart (Panel 1.10 fails resetting a point selection in place).
        self.matrix_pane.selection = None
        self.matrix_pane.object = criteria_heatmap(matrix_chart) if len(matrix_chart) else None
        recorded = matrix[matrix["status"] != "no determination"][["notification", "criterion", "status", "justification", "references", "recorded_by", "role", "recorded_at", "source"]]
        self.determinations_table.value = recorded.reset_index(drop=True)
        self.chemical_header.object = self._chemical_header(s)
        self.documents_pane.object = self._documents_html(key)
        show_responses(self.responses_note, self.responses_table, d.responses_of(key))
        options = {f"{nid} — {party}": nid for nid, party in zip(table["notification_id"], table["party"], strict=True)}
        current = self.notification_select.value
        self.notification_select.options = options
        if current in options.values():
            self.notification_select.value = current
        elif options:
            self.notification_select.value = next(iter(options.values()))

    def _chemical_header(self, s: dict) -> str:
        if not s:
            return notice("This chemical is not in the loaded data.", "warning")
        parts = [
            f"<h2 style='margin:4px 0'>{esc(s['chemical'])} <small style='color:#555'>({esc(s['category'])})</small></h2>",
            f"<p style='margin:2px 0'><b>Stage:</b> {esc(s['stage'])} ({esc(s['review_stage'])}) · <b>Two-region status:</b> {esc(s['two_region_status'])}</p>",
            f"<p style='margin:2px 0'><b>What is missing:</b> {esc(s['missing'])}</p>",
        ]
        if s.get("next_deadline"):
            parts.append(f"<p style='margin:2px 0'><b>Next verification deadline:</b> {esc(s['next_deadline'])}" + (f" ({int(s['overdue'])} overdue)" if s.get("overdue") else "") + "</p>")
        return "".join(parts)

    def _documents_html(self, key: str) -> str:
        docs = self.data.documents(key)
        if not docs:
            return "<p>No rendered documents in reports/ for this chemical (crc dgd, crc demo).</p>"
        items = []
        for doc in docs:
            href = f"{REPORTS_ROUTE}/{urllib.parse.quote(doc['name'])}"
            items.append(f'<li>{esc(doc["kind"])}: <a href="{esc(href)}" target="_blank" rel="noopener">{esc(doc["name"])}</a></li>')
        return "<ul>" + "".join(items) + "</ul>"

    def _on_selection_object(self, event) -> None:
        selection = event.new
        if selection is not None and "cell" in selection.param:
            selection.param.watch(self._on_cell, "cell")

    def _on_cell(self, event) -> None:
        picked = event.new
        if not picked:
            return
        first = picked[0] if isinstance(picked, list) else picked
        if not isinstance(first, dict):
            return
        nid, criterion = first.get("notification_id"), first.get("criterion")
        if nid in self.notification_select.options.values():
            self.notification_select.value = nid
        if criterion in self.criterion_select.options.values():
            self.criterion_select.value = criterion

    def _on_history(self, *_):
        self.show_history()

    def show_history(self) -> None:
        """Show every recorded determination on the selected notification (register and case file)."""
        from ..register.store import RegisterError

        nid = self.notification_select.value
        if not nid:
            return
        try:
            frame = self.data.history(nid)
        except RegisterError as exc:
            self.history_note.object = notice(f"The register cannot be read now: {exc.message}", "warning")
            return
        self.history_table.value = frame
        self.history_table.visible = True
        self.history_note.object = f"<p style='margin:6px'>{len(frame)} determination(s) on {esc(nid)}, newest first.</p>"

    # ----------------------------------------------------------------- recording

    def _form_values(self) -> dict:
        return {
            "notification_id": self.notification_select.value,
            "criterion": self.criterion_select.value,
            "status": self.status_select.value,
            "justification": self.justification_input.value or "",
            "references": self.references_input.value or "",
            "category": self.data.summary_of(self.chemical_select.value).get("category", "") if self.chemical_select.value else "",
        }

    def record(self) -> RecordOutcome:
        """Record the conclusion in the form, for the session's user; show what became of it.

        Raises
        ------
        NotAllowed
            The session's user may not record (nothing is written; the page says why).
        """
        values = self._form_values()
        if not values["notification_id"]:
            outcome = RecordOutcome("refused", "Choose a notification first.")
            self._show_outcome(outcome, values)
            return outcome
        try:
            outcome = self.data.record(self.identity, **values)
        except NotAllowed as exc:
            self.record_message.object = notice(exc.message, "danger")
            raise
        self._show_outcome(outcome, values)
        return outcome

    async def _on_record(self, *_):
        self.record_button.disabled = True
        self.record_message.object = notice("Saving…", "info")
        values = self._form_values()
        try:
            if not values["notification_id"]:
                self._show_outcome(RecordOutcome("refused", "Choose a notification first."), values)
                return
            try:
                outcome = await asyncio.to_thread(self.data.record, self.identity, **values)
            except NotAllowed as exc:
                self.record_message.object = notice(exc.message, "danger")
                return
            self._show_outcome(outcome, values)
        finally:
            self.record_button.disabled = False

    def _show_outcome(self, outcome: RecordOutcome, values: dict) -> None:
        what = f"{values.get('notification_id')}, {values.get('criterion')}: {str(values.get('status', '')).replace('_', ' ')}"
        if outcome.state == "saved":
            self.record_message.object = notice(f"{outcome.message} ({what})", "success")
            self.justification_input.value = ""
            self.references_input.value = ""
            self._apply_snapshot()
        elif outcome.state == "pending":
            self._pending_ids.append(outcome.pending_id)
            text = values.get("justification") or ""
            self.record_message.object = notice(f"{outcome.message} Waiting: {what}" + (f" — “{text[:300]}”" if text else ""), "warning")
            self.justification_input.value = ""
            self.references_input.value = ""
            self._update_register_notice()
        else:
            # Refused: nothing was written; the form keeps what was typed.
            self.record_message.object = notice(f"Not recorded: {outcome.message}", "danger")

    # ----------------------------------------------------------------- live updates

    def _update_register_notice(self) -> None:
        problem = self.data.register_problem
        waiting = self.data.waiting()
        if problem:
            text = f"The register of determinations cannot be reached ({problem}). Showing the conclusions as of {self.data.snapshot.taken_at:%H:%M:%S}."
            if waiting:
                text += f" {waiting} conclusion(s) submitted here wait on the server and are retried."
            self.register_notice.object = notice(text, "warning")
        elif waiting:
            self.register_notice.object = notice(f"{waiting} conclusion(s) wait for the register and are being retried.", "warning")
        else:
            self.register_notice.object = ""

    def _apply_snapshot(self) -> None:
        """Redraw what depends on the determinations when the shared data changed."""
        if self.data.snapshot.serial == self._serial:
            return
        self._serial = self.data.snapshot.serial
        page = self.overview_table.page
        self._refresh_overview()
        self.overview_table.page = page
        self._refresh_chemical()
        if self.history_table.visible:
            self.show_history()

    def poll(self) -> None:
        """Take up conclusions recorded in other sessions (and retried ones); called periodically."""
        self.data.refresh()
        self._after_poll()

    async def _poll_async(self) -> None:
        await asyncio.to_thread(self.data.refresh)
        self._after_poll()

    def _after_poll(self) -> None:
        self._apply_snapshot()
        self._update_register_notice()
        for pid in list(self._pending_ids):
            outcome = self.data.pending_outcome(pid)
            if outcome is None or outcome.state == "pending":
                continue
            self._pending_ids.remove(pid)
            kind = "success" if outcome.state == "saved" else "danger"
            self.record_message.object = notice(outcome.message, kind)
            self._serial = -1
            self._apply_snapshot()

    def start_polling(self, period_ms: int = POLL_MS) -> None:
        """Look for new conclusions every ``period_ms`` while the session lives."""
        if self._poller is None:
            self._poller = self.pn.state.add_periodic_callback(self._poll_async, period=period_ms)

    # ----------------------------------------------------------------- SHPF

    def _shpf_objects(self) -> list:
        pn = self.pn
        view = self.data.shpf()
        head = pn.pane.HTML("<h2 style='margin:0'>Severely hazardous pesticide formulation proposals</h2><p>Article 6 and Annex IV: one verified proposal is enough; no two-region rule.</p>", sizing_mode="stretch_width")
        if view is None:
            return [head, pn.pane.HTML(notice("No SHPF proposals loaded: the data given to the dashboard hold no SHPF proposal (Annex IV Part 1) records.", "info"), sizing_mode="stretch_width")]
        out = [head]
        for note in view.notes:
            out.append(pn.pane.HTML(notice(note, "info"), sizing_mode="stretch_width"))
        for title, frame in (
            ("Review status per formulation (Annex IV Part 3 alone decides)", view.status),
            ("Proposals", view.proposals),
            ("Annex IV Part 1: completeness", view.part1),
            ("Annex IV Part 2: information collected by the Secretariat", view.part2),
            ("Annex IV Part 3: criteria", view.part3),
            ("Incidents (Part B reports)", view.incidents),
        ):
            if frame is None or frame.empty:
                continue
            out.append(pn.pane.HTML(f"<h3>{esc(title)}</h3>"))
            out.append(pn.widgets.Tabulator(_plain(frame), pagination="remote", page_size=15, disabled=True, show_index=False, selectable=False, layout="fit_data_stretch", sizing_mode="stretch_width"))
        return out

    # ----------------------------------------------------------------- serving

    def servable(self):
        """Mark the page servable (``panel serve``) and return it."""
        return self.template.servable(title=TITLE)

    def _repr_mimebundle_(self, include=None, exclude=None):  # shown in JupyterLab: the pages, without the served template
        return self.tabs._repr_mimebundle_(include, exclude)


def responses_view(pn):
    """Return the chemical page's import-response parts: a note and a table (filled by :func:`show_responses`)."""
    table = pn.widgets.Tabulator(
        pd.DataFrame(), pagination="remote", page_size=20, disabled=True, show_index=False, selectable=False, layout="fit_columns", sizing_mode="stretch_width",
        titles={"party": "Party", "decision": "Decision", "kind": "Final / interim", "conditions": "Conditions", "received_date": "Received", "due_date": "Due by", "overdue": "Overdue", "legislative_measure": "Legislative or administrative measure"},
        formatters={c: {"type": "textarea"} for c in ("party", "conditions", "legislative_measure")},
        widths={"party": "12%", "decision": "11%", "kind": "7%", "conditions": "22%", "received_date": "8%", "due_date": "8%", "overdue": "8%", "legislative_measure": "24%"},
    )
    return pn.pane.HTML(""), table


def show_responses(note, table, responses: pd.DataFrame) -> None:
    """Show a listed chemical's import responses (or say it is not in Annex III)."""
    if responses.empty:
        note.object = notice("Not listed in Annex III in this category: no import responses (Article 10 concerns Annex III chemicals).", "info")
        table.value = pd.DataFrame()
        table.visible = False
        return
    answered = (responses["decision"] != "").to_numpy()
    overdue = (responses["overdue"] == "yes").to_numpy()
    rest = responses[~answered & ~overdue]
    unknown = int((rest["overdue"] == "not established").sum())
    note.object = (
        f"<p>{int(answered.sum())} Party(ies) have responded; {int(overdue.sum())} overdue (no response by the due date, nine months after the DGD's dispatch). "
        f"{len(rest) - unknown} other Party(ies) not yet due; for {unknown} the due date is not established (the DGD's dispatch date or the Party's date of entry into force is not known).</p>"
    )
    table.value = responses[answered | overdue].reset_index(drop=True)
    table.visible = bool((answered | overdue).any())


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a frame Tabulator shows as text: lists joined, dates as ISO text, booleans kept."""
    out = {}
    for c in frame.columns:
        s = frame[c]
        if pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
            out[c] = s
        elif pd.api.types.is_datetime64_any_dtype(s.dtype):
            out[c] = s.dt.strftime("%Y-%m-%d").fillna("")
        else:
            out[c] = [", ".join(map(str, v)) if isinstance(v, (list, tuple)) else ("" if v is None or (isinstance(v, float) and v != v) or v is pd.NA else str(v)) for v in s]
    return pd.DataFrame(out)


# --------------------------------------------------------------------------- sessions and serving


def _auth_enabled() -> bool:
    if _SETTINGS.get("auth") is not None:
        return bool(_SETTINGS["auth"])
    import panel as pn

    return bool(pn.config.basic_auth or pn.config.oauth_provider)


def current_identity() -> Identity:
    """Return who uses the current Panel session: the signed-in user and the configured role."""
    import panel as pn

    from .. import config

    roles = _SETTINGS.get("roles")
    if roles is None:
        roles = parse_roles(config.dashboard_roles_setting())
        _SETTINGS["roles"] = roles
    guest = False
    try:
        guest = bool(pn.state.cookies.get("is_guest")) if pn.state.curdoc is not None else False
    except Exception:  # no session (a notebook)
        guest = False
    return identity_for(pn.state.user, roles, guest=guest)


def build_app(data: MeetingData | None = None, *, paths=None, identity: Identity | None = None, auth_enabled: bool | None = None, poll: bool = True) -> Dashboard:
    """Build the dashboard for one session.

    Parameters
    ----------
    data : MeetingData, optional
        The meeting's data (default: the process's shared data for ``paths``).
    paths : list of str or Path, optional
        Case files, folders and bulk tables (default: the shipped sample data).
    identity : Identity, optional
        Who uses it (default: the signed-in Panel user and the configured roles).
    auth_enabled : bool, optional
        Whether the server offers sign-in.
    poll : bool
        Look for conclusions recorded elsewhere while the page is open.

    Returns
    -------
    Dashboard
        ``.template`` is the page; in JupyterLab, show the returned object.
    """
    import panel as pn

    if data is None:
        data = MeetingData.shared(paths if paths is not None else _SETTINGS.get("paths"), meeting=_SETTINGS.get("meeting", ""))
    app = Dashboard(data, identity=identity, auth_enabled=auth_enabled)
    if poll:
        pn.state.onload(app.start_polling)
    return app


def _attach(template) -> None:
    """Put a page into the session's document, with every stylesheet served by this server.

    Panel rewrites its stylesheets' CDN addresses to the server when it renders the page's
    HTML. A session Bokeh builds when a page connects after its first session was discarded
    (a laptop waking up) never has its HTML rendered, and its stylesheets would point at the
    CDN; rewriting them here, as the document is built, keeps every request on the server.
    """
    import panel as pn
    from panel.io.resources import LOCAL_DIST, patch_model_css

    doc = pn.state.curdoc
    template.server_doc(doc, title=TITLE)
    dist_url = f"{pn.state.rel_path}/{LOCAL_DIST}" if pn.state.rel_path else LOCAL_DIST
    for root in doc.roots:
        patch_model_css(root, dist_url=dist_url)


def app_factory():
    """Build a new session's page in its document (the function :func:`serve` gives Panel)."""
    _attach(build_app().template)


def empty_page():
    """Build an empty page in the same template (the benchmark's baseline)."""
    import panel as pn

    _attach(pn.template.BootstrapTemplate(title=TITLE, main=[pn.pane.HTML("<p>empty</p>")], header_background="#1f4e79"))


def serve(
    paths=None,
    *,
    port: int = 5006,
    address: str | None = "localhost",
    basic_auth: str | Path | None = None,
    roles: str | None = None,
    cookie_secret: str | None = None,
    meeting: str = "",
    websocket_origin: list[str] | None = None,
    show: bool = False,
    start: bool = True,
    extra_routes: dict | None = None,
    **server_kwargs,
):
    """Serve the dashboard at the server root.

    Parameters
    ----------
    paths : list of str or Path, optional
        Case files, folders and bulk tables (default: the shipped sample data).
    port : int
        The port (default 5006).
    address : str, optional
        The address to listen on (default ``localhost``; ``0.0.0.0`` for the meeting room's network).
    basic_auth : path, optional
        The logins file, JSON ``{"user": "password"}``, for Panel's basic authentication
        (default: ``CRC_DASHBOARD_CREDENTIALS`` or ``data/local/dashboard_credentials.json``).
        Without one nobody signs in: everyone views, nobody records.
    roles : str, optional
        Who records: a YAML/JSON file of ``user: role`` or inline ``alice=chair,bob=member``
        (default: ``CRC_DASHBOARD_ROLES`` or ``data/local/dashboard_roles.yaml``).
    cookie_secret : str, optional
        Signs the login cookies (default: ``CRC_DASHBOARD_COOKIE_SECRET`` or a random secret).
    meeting : str
        The meeting's label, noted with every conclusion recorded (``CRC-21``).
    websocket_origin : list of str, optional
        Host names browsers use to reach the server (needed with ``--address 0.0.0.0``).
    show : bool
        Open a browser.
    start : bool
        Run the server (blocking); ``False`` returns it unstarted.
    extra_routes : dict, optional
        More pages (path → function), e.g. the benchmark's empty page.
    **server_kwargs
        Passed to :func:`panel.serve` (``ssl_certfile``, ``ssl_keyfile``, ``num_procs`` …).

    Returns
    -------
    bokeh.server.server.Server
    """
    import os
    import secrets

    import panel as pn

    from .. import config

    credentials = Path(basic_auth).expanduser() if basic_auth else config.dashboard_credentials_path()
    if credentials is not None:
        _check_credentials(credentials)
    roles_map = parse_roles(roles if roles is not None else config.dashboard_roles_setting())
    _SETTINGS.update(roles=roles_map, auth=credentials is not None, paths=[str(p) for p in paths] if paths else None, meeting=meeting)
    MeetingData.shared(_SETTINGS["paths"], meeting=meeting)  # load once, before the first visitor
    static = {}
    reports = config.reports_dir()
    if reports.is_dir():
        static[REPORTS_ROUTE] = str(reports)
    kwargs = dict(server_kwargs)
    if credentials is not None:
        kwargs.update(
            basic_auth=str(credentials),
            cookie_secret=cookie_secret or os.environ.get("CRC_DASHBOARD_COOKIE_SECRET") or secrets.token_urlsafe(32),
            oauth_optional=True,
            basic_login_template=str(TEMPLATES_DIR / "login.html"),
            logout_template=str(TEMPLATES_DIR / "logout.html"),
        )
    # Keep a session whose page has not connected yet, or has disconnected, for a minute
    # (Bokeh's default: 15 s), so a slow or briefly disconnected machine keeps its session.
    kwargs.setdefault("unused_session_lifetime_milliseconds", UNUSED_SESSION_LIFETIME_MS)
    routes = {"/": app_factory, **(extra_routes or {})}
    return pn.serve(
        routes,
        port=port,
        address=address,
        show=show,
        start=start,
        title=TITLE,
        static_dirs=static,
        websocket_origin=websocket_origin,
        **kwargs,
    )


def _check_credentials(path: Path) -> None:
    """Refuse a logins file that is missing or not a JSON object of user: password."""
    import json

    from .data import GUEST_USERS, DashboardConfigError

    if not path.is_file():
        raise DashboardConfigError(f"logins file {path} does not exist (JSON object of user: password)", source=str(path))
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DashboardConfigError(f"cannot read the logins file: {exc}", source=str(path)) from None
    if not isinstance(data, dict) or not data or not all(isinstance(k, str) and isinstance(v, str) and v for k, v in data.items()):
        raise DashboardConfigError("expected a JSON object of user: password with at least one user and no empty password", source=str(path))
    bad = [k for k in data if k.strip().casefold() in GUEST_USERS]
    if bad:
        raise DashboardConfigError(f"'{bad[0]}' is the name Panel gives visitors who did not sign in; choose another user name", source=str(path))
    if path.stat().st_mode & 0o077:
        log.warning("%s: the logins file can be read by other users of this machine; chmod 600 it", path)


__all__ = ["Dashboard", "build_app", "app_factory", "serve", "empty_page", "stage_chart", "region_chart", "criteria_heatmap", "esc", "current_identity"]
