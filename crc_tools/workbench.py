"""The experts' workbench: what the numbered notebooks in ``notebooks/`` show and do.

Notebooks stay short and readable; the logic they share lives here (STYLE.md: code used
twice moves into the package). Every function returns plain data (DataFrames, dicts) that a
notebook displays, so the same views run interactively in JupyterLab and non-interactively
under papermill.

* :func:`notification_review` — one notification: identity, Annex I check, each Annex II
  criterion beside what the notification says, the rule-based aid (an aid) and the recorded
  determination with its source and history;
* :func:`proposal_review` — the same for an SHPF proposal (Annex IV Parts 1-3), with its
  incident table and the Part 2 collection status;
* :func:`meeting_overview` — every chemical under review, the two-region status, what is
  missing, deadlines; :func:`analysis_table` — the task-group analysis table (XLSX);
* :func:`record_determination` and :func:`determination_form` — record into the register
  (the same determination twice is refused with the standing entry's number);
* :func:`data_paths` — a notebook's ``data_paths`` resolved from the workspace's (or the
  repository's) root, never from the kernel's working folder; :func:`link` — a printed path
  as a link JupyterLab opens.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import config
from .convention.reference import items
from .errors import CrcError

AID_NOTE = "aid: a rule-based pre-assessment from the notification's content — not a conclusion"


class AlreadyRecorded(CrcError):
    """The same determination stands in the register already: recording it again would only repeat it."""

    def __init__(self, message: str, entry_id: int):
        super().__init__(message, source="register", field_name="subject_id")
        self.entry_id = entry_id


def data_paths(value=None) -> list[Path]:
    """Return a notebook's ``data_paths`` as paths resolved from the workspace's (or repository's) root.

    A string is one path (papermill ``-p`` passes text), never its characters; a text that
    looks like a list is refused with what to type instead (:func:`crc_tools.workspace.as_paths`).
    A path that does not exist is refused, naming where it was looked for.
    """
    from . import workspace

    root = config.project_root()
    paths = workspace.root_paths(value, root=root)
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise CrcError(f"{', '.join(str(p) for p in missing)} does not exist (relative paths are read from {root}, the {'workspace' if workspace.current() else 'repository'} root)", source="parameter", field_name="data_paths")
    return paths


def out_path(value) -> Path | None:
    """Return a notebook's output path (a file or folder) resolved from the workspace's (or repository's) root; ``None`` when empty."""
    if value is None or not str(value).strip():
        return None
    p = Path(str(value)).expanduser()
    return p if p.is_absolute() else config.project_root() / p


def link(path, text: str | None = None):
    """Return a link to a file for a notebook's output: JupyterLab opens it, exported HTML keeps it.

    The link is relative to the kernel's working folder (the notebook's), as JupyterLab resolves
    it; the text is the path from the workspace's (or repository's) root.
    """
    import html
    import os

    from IPython.display import HTML

    target = Path(path).resolve()
    try:
        href = os.path.relpath(target, Path.cwd())
    except ValueError:
        href = target.as_uri()
    try:
        shown = str(target.relative_to(config.project_root()))
    except ValueError:
        shown = str(target)
    return HTML(f'<a href="{html.escape(Path(href).as_posix(), quote=True)}" target="_blank">{html.escape(text or shown)}</a>')


@dataclass
class Workbench:
    """The data a notebook works on: notifications, proposals and every recorded determination."""

    intake: object
    determinations: pd.DataFrame
    proposals: object
    register_url: str = ""
    notes: list[str] = field(default_factory=list)
    data: str = ""  # which data were read, in words (for messages)

    @classmethod
    def load(cls, paths=None, *, register: bool = True) -> "Workbench":
        """Read case files / tables and the register.

        ``paths`` as a notebook gives them (:func:`data_paths`: resolved from the workspace's or
        repository's root; one string is one path); without them, the workspace's data
        (``crc.toml``), else the shipped sample data.
        """
        from .intake.reader import load
        from .notifications.listing import listed_lines
        from .proposals.shpf import from_intake
        from .register.store import Register, all_determinations

        paths = data_paths(paths) or None
        intake = load(paths)
        notes = [p.format() for p in intake.problems] + listed_lines(intake.notifications)
        if register:
            reg = Register()
            try:
                determinations = all_determinations(intake, reg)
                proposals = from_intake(intake, register=reg)
                url = reg.display_url
            except CrcError as exc:  # the register is unavailable: work on the case files, say so
                notes.append(f"register unavailable, showing case-file determinations only: {exc}")
                determinations, proposals, url = intake.determinations, from_intake(intake), ""
            finally:
                reg.close()
        else:
            determinations, proposals, url = intake.determinations, from_intake(intake), ""
        return cls(intake, determinations, proposals, url, notes, config.describe_data(paths))

    @property
    def notifications(self) -> pd.DataFrame:
        """Return the validated notifications."""
        return self.intake.notifications

    def notification_ids(self) -> list[str]:
        """Return the notification ids, sorted by chemical then Party."""
        df = self.notifications.sort_values(["chemical", "notifying_party"], key=lambda s: s.astype(str).str.casefold())
        return list(dict.fromkeys(df["notification_id"].astype(str)))

    def proposal_ids(self) -> list[str]:
        """Return the SHPF proposal ids."""
        return [] if self.proposals.empty else list(self.proposals.proposals["proposal_id"].astype(str))


def _row(wb: Workbench, notification_id: str, category: str | None) -> pd.Series:
    df = wb.notifications
    rows = df[df["notification_id"].astype(str) == str(notification_id)]
    if rows.empty:
        from .workspace import HOW_TO_ADD

        ids = wb.notification_ids()
        known = ", ".join(ids[:8]) + (" …" if len(ids) > 8 else "") if ids else "none"
        raise CrcError(f"notification '{notification_id}' is not in the data read ({wb.data}; notifications: {known}); to add it: {HOW_TO_ADD} (in a notebook: data_paths)", field_name="notification_id")
    if category:
        sub = rows[rows["category"].astype(str) == category]
        if sub.empty:
            raise CrcError(f"notification '{notification_id}' has no '{category}' category (it has: {', '.join(rows['category'].astype(str))})", field_name="category")
        rows = sub
    return rows.iloc[0]


def _show(value) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value).strip()


def notification_review(wb: Workbench, notification_id: str, category: str | None = None, *, today: dt.date | None = None) -> dict:
    """Return everything a task-group expert needs to review one notification.

    Keys: ``annex_iii`` (one line when Annex III already lists the chemical in this category, else
    empty), ``identity`` (dict), ``annex_i`` (one row per Annex I item), ``deadlines`` (dict),
    ``criteria`` (one row per Annex II criterion: text, what the notification says, aid,
    recorded determination and its source), ``conclusion`` (dict), ``history`` (register entries).
    """
    from .intake.fields import notification_schema
    from .notifications.criteria import assess, conclusions
    from .notifications.verification import annex_i_items, verification_status

    row = _row(wb, notification_id, category)
    cat = str(row["category"])
    one = wb.notifications[(wb.notifications["notification_id"].astype(str) == str(notification_id)) & (wb.notifications["category"].astype(str) == cat)]
    schema = notification_schema()
    identity = {
        "notification": str(notification_id),
        "chemical": _show(row["chemical"]),
        "CAS": _show(row.get("cas_number")),
        "category": cat,
        "notifying Party": _show(row["notifying_party"]),
        "PIC region": _show(row.get("pic_region")) or "not established — not counted",
        "region basis": _show(row.get("region_basis")),
        "action": {"ban": "banned", "severe_restriction": "severely restricted"}.get(_show(row.get("fra_type")), "not stated"),
        "entry into force": _show(row.get("fra_date")),
        "source": _show(row.get("_source")),
    }
    ver = verification_status(one, today=today).iloc[0]
    deadlines = {
        "Secretariat's verification (Article 5.3)": ver["verification_basis"],
        "notification rule": ver.get("notification_rule", ""),
        "notification deadline (Article 5.1)": _show(ver.get("notification_deadline")),
        "notified late": bool(ver.get("notified_late", False)),
        "verification deadline (Article 5.3)": _show(ver.get("verification_deadline")),
        "verification overdue": bool(ver.get("verification_overdue", False)),
    }
    annex_i = annex_i_items(one)[["item", "text", "present", "missing_fields"]]
    table = assess(one, wb.determinations)
    labels = {f.name: f.display for f in schema.fields}
    says = []
    for fields in table["aid_fields"]:
        parts = []
        for name in [f.strip() for f in str(fields).split(",") if f.strip()]:
            value = _show(row.get(name))
            if value:
                parts.append(f"{labels.get(name, name)}: {value}")
        says.append("\n".join(parts) or "(nothing in the notification)")
    criteria = pd.DataFrame(
        {
            "criterion": table["criterion"],
            "Convention text": table["criterion_text"],
            "the notification says": says,
            "aid": table["aid"],
            "aid reason": table["aid_reason"],
            "recorded status": table["status"].replace("", "(none recorded)"),
            "justification": table["justification"].fillna(""),
            "recorded by": table["recorded_by"].fillna(""),
            "role": table["role"].fillna(""),
            "source": table["determination_source"].fillna(""),
            # a task group's or contact group's proposal: shown apart, never the committee's conclusion
            "proposal": [f"{by} proposes {s.replace('_', ' ')}" if s else "" for by, s in zip(table["proposed_by"], table["proposal_status"], strict=True)],
            "proposal source": table["proposal_source"],
        }
    )
    concl = conclusions(one, wb.determinations).iloc[0].to_dict()
    from .notifications.listing import already_listed, listed_line

    listed = already_listed(one)
    return {
        "annex_iii": listed_line(listed.iloc[0].to_dict()) if len(listed) else "",
        "identity": identity,
        "deadlines": deadlines,
        "annex_i": annex_i,
        "criteria": criteria,
        "conclusion": {k: concl.get(k) for k in ("annex_ii_status", "annex_ii_basis", "annex_ii_source", "annex_ii_conflict", "committee_conclusion", "latest_proposal", "proposal_disagrees", "conflict_entries")},
        "history": history(str(notification_id)),
    }


def history(subject_id: str) -> pd.DataFrame:
    """Return every register entry on a notification or proposal (superseded ones marked); empty when none or unavailable."""
    from .register.store import Register

    reg = Register()
    try:
        frame = reg.history(subject_id)
    except CrcError:
        return pd.DataFrame()
    finally:
        reg.close()
    keep = [c for c in ("entry_id", "criterion", "category", "status", "justification", "recorded_by", "role", "recorded_at", "current", "superseded_by", "superseded_how") if c in frame.columns]
    return frame[keep]


def record_determination(
    wb: Workbench,
    subject_id: str,
    criterion: str,
    status: str,
    *,
    justification: str = "",
    references=(),
    recorded_by: str,
    role: str = "task_group",
    subject_kind: str = "notification",
    category: str = "",
    supersedes: int | None = None,
):
    """Record one determination in the register, checked against the loaded data; return the entry.

    Idempotent: when the register's standing entry on this subject, category, criterion and role
    is the same determination (status, justification, references, who), nothing is recorded and
    :class:`AlreadyRecorded` names that entry — re-running a notebook does not repeat an entry.
    A different determination is recorded as usual (the later entry stands).
    """
    from .register.store import Register, document_hash

    source = ""
    if subject_kind == "notification":
        rows = wb.notifications[wb.notifications["notification_id"].astype(str) == str(subject_id)]
        if len(rows):
            source = str(rows["_source"].iloc[0])
    reg = Register()
    try:
        _refuse_repeat(reg, dict(subject_kind=subject_kind, subject_id=subject_id, category=category, criterion=criterion, status=status,
                                 justification=justification, references=references, recorded_by=recorded_by, role=role), supersedes)
        return reg.record(
            subject_id,
            criterion,
            status,
            justification=justification,
            references=references,
            recorded_by=recorded_by,
            role=role,
            subject_kind=subject_kind,
            category=category,
            supersedes=supersedes,
            document_hash=document_hash(source) if source and Path(source).is_file() else "",
            known_subjects=wb.intake,
            origin="notebook",
        )
    finally:
        reg.close()


def _refuse_repeat(reg, values: dict, supersedes: int | None) -> None:
    """Raise :class:`AlreadyRecorded` when the same determination is the register's standing entry."""
    from .register.store import validate_entry

    if supersedes is not None:  # a correction names what it corrects: never a repeat
        return
    new, problems = validate_entry(values)
    if problems:
        return  # the register refuses it with its own words
    current = reg.current()
    if current.empty:
        return
    same = current[
        (current["subject_kind"].astype(str) == new["subject_kind"]) & (current["subject_id"].astype(str) == new["subject_id"])
        & (current["category"].fillna("").astype(str) == new["category"]) & (current["criterion"].astype(str) == new["criterion"])
        & (current["role"].astype(str) == new["role"])
    ]
    refs = "\n".join(new["references"]) if isinstance(new["references"], (list, tuple)) else str(new["references"] or "")
    for row in same.to_dict("records"):
        if (str(row["status"]), str(row.get("justification") or "").strip(), str(row.get("recorded_by") or ""), str(row.get("references") or "")) == (
            new["status"], str(new["justification"] or "").strip(), new["recorded_by"], refs
        ):
            raise AlreadyRecorded(
                f"the same determination is already register entry {row['entry_id']} ({new['subject_id']}, {new['criterion']}: {new['status']}, "
                f"by {new['recorded_by']} as {new['role']}); nothing recorded",
                int(row["entry_id"]),
            )


def with_summary(widget, summary_html: str, summary_text: str = ""):
    """Give a widget a static summary: JupyterLab shows the live widget, exported HTML the summary.

    A widget's output carries only its view, which needs the widget script (from a CDN) and
    the saved widget state; exported HTML without them showed a blank. The summary rides along
    as ``text/html`` (and ``text/plain``), which nbconvert uses where the widget cannot render.
    """
    import re

    original = widget._repr_mimebundle_

    def bundle(**kwargs):
        data = dict(original(**kwargs) or {})
        data["text/html"] = summary_html
        data["text/plain"] = summary_text or re.sub(r"<[^>]+>", "", summary_html)
        return data

    widget._repr_mimebundle_ = bundle
    return widget


class Progress:
    """A progress bar that leaves a static line behind: ``rendering: 3 of 3 (1 failed)``.

    In JupyterLab a widget bar; in the saved notebook and exported HTML the summary, updated
    in place when :meth:`close` is called (a display update, so papermill keeps the final text).
    """

    def __init__(self, total: int, desc: str = "progress"):
        from IPython.display import display

        self.total, self.done, self.desc = int(total), 0, desc
        self.box = None
        if interactive_frontend():  # a batch run gets the static line only (no widget state, no CDN in its HTML)
            import ipywidgets as w

            self.bar = w.IntProgress(min=0, max=max(self.total, 1), description=desc)
            self.label = w.Label(f"0 of {self.total}")
            self.box = w.HBox([self.bar, self.label])
        self.handle = display(self._bundle(""), raw=True, display_id=True)

    def _bundle(self, note: str) -> dict:
        import html

        text = f"{self.desc}: {self.done} of {self.total}" + (f" ({note})" if note else "")
        data = dict(self.box._repr_mimebundle_() or {}) if self.box is not None else {}
        data["text/plain"] = text
        data["text/html"] = f"<p>{html.escape(text)}</p>"
        return data

    def update(self, n: int = 1) -> None:
        """Count ``n`` more done."""
        self.done += n
        if self.box is not None:
            self.bar.value = min(self.done, self.bar.max)
            self.label.value = f"{self.done} of {self.total}"

    def close(self, note: str = "") -> None:
        """Leave the final summary (with a note such as ``1 failed``) in the output."""
        if self.handle is not None:
            self.handle.update(self._bundle(note), raw=True)

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def interactive_frontend() -> bool:
    """Return whether the kernel serves a live front end (JupyterLab) rather than a batch run.

    Papermill and nbclient execute without standard input (``allow_stdin`` false); JupyterLab
    offers it. In a batch run no widget is made at all: a widget's state would be saved into the
    notebook, and exported HTML would then load the widget script from a CDN to show a control
    nobody can use there.
    """
    try:
        from IPython import get_ipython

        kernel = getattr(get_ipython(), "kernel", None)
    except ImportError:  # pragma: no cover - IPython is a dependency
        return False
    return kernel is not None and bool(getattr(kernel, "_allow_stdin", True))


def _form_summary(wb: Workbench, subject_id: str, subject_kind: str, criteria: list[str]) -> str:
    import html

    kind_option = "" if subject_kind == "notification" else " --kind shpf_proposal"
    return (
        f"<p><b>Recording form for {html.escape(str(subject_id))}</b> (interactive in JupyterLab; not active in this copy): "
        f"criterion ({html.escape(', '.join(criteria))}), status, role, who, justification and references, recorded into "
        f"the register{' at ' + html.escape(wb.register_url) if wb.register_url else ''}. From a terminal: "
        f"<code>crc register record {html.escape(str(subject_id))}{kind_option} --criterion C --status S --by WHO --role ROLE</code>.</p>"
    )


def determination_form(wb: Workbench, subject_id: str, *, subject_kind: str = "notification", on_recorded=None):
    """Return an ipywidgets form that records a determination on one notification or proposal.

    In JupyterLab the expert picks the criterion and status, writes the justification and
    references, and presses *Record*; the entry goes to the register (refusals are shown in
    the form, nothing is lost from it). Where the form cannot work — a batch run (papermill)
    and the HTML exported from it — a static summary stands in its place (:func:`with_summary`,
    :func:`interactive_frontend`).
    """
    import html

    set_name = "annex_ii" if subject_kind == "notification" else "annex_iv_part3"
    criteria = [*items(set_name).ids, "overall"]
    summary = _form_summary(wb, subject_id, subject_kind, criteria)
    if not interactive_frontend():
        from IPython.display import HTML

        return HTML(summary)
    import ipywidgets as w

    crit = w.Dropdown(options=criteria, description="Criterion")
    status = w.ToggleButtons(options=[("met", "met"), ("not met", "not_met"), ("insufficient information", "insufficient_information")], description="Status")
    from .register.roles import RECORDING_ROLES  # the Secretariat verifies, it records no criterion (Article 5.3)

    role = w.Dropdown(options=list(RECORDING_ROLES), value="task_group", description="Role")
    who = w.Text(description="Recorded by", placeholder="name, or task group")
    why = w.Textarea(description="Justification", layout=w.Layout(width="90%", height="6em"))
    refs = w.Textarea(description="References", placeholder="one per line", layout=w.Layout(width="90%", height="4em"))
    button = w.Button(description="Record", button_style="primary", icon="check")
    message = w.HTML()

    def record(_):
        try:
            entry = record_determination(
                wb, subject_id, crit.value, status.value, justification=why.value, references=refs.value,
                recorded_by=who.value, role=role.value, subject_kind=subject_kind,
            )
        except CrcError as exc:
            message.value = f"<b style='color:#b00020'>Not recorded:</b> {html.escape(str(exc))}"
            return
        message.value = f"Recorded as register entry {entry.entry_id}."
        why.value = ""
        if on_recorded:
            on_recorded(entry)

    button.on_click(record)
    form = w.VBox([w.HTML(f"<b>Record a determination on {html.escape(str(subject_id))}</b>"), crit, status, role, who, why, refs, button, message])
    return with_summary(form, summary)


def proposal_review(wb: Workbench, proposal_id: str, *, today: dt.date | None = None) -> dict:
    """Return what an expert needs to review one SHPF proposal (Annex IV Parts 1-3).

    Keys: ``identity``, ``part1`` (items (a)-(h)), ``part2`` (collection status of (a)-(i)),
    ``incidents`` (the incident table), ``effects`` (effects against quantity used, for (d)),
    ``criteria`` (Part 3 (a)-(e): aid and recorded determination), ``conclusion``, ``history``.
    """
    from .proposals import shpf

    p = wb.proposals
    if p.empty or str(proposal_id) not in set(p.proposals["proposal_id"].astype(str)):
        from .workspace import HOW_TO_ADD

        raise CrcError(f"SHPF proposal '{proposal_id}' is not in the data read ({wb.data}; proposals: {', '.join(wb.proposal_ids()) or 'none'}); to add it: {HOW_TO_ADD} (in a notebook: data_paths)", field_name="proposal_id")
    one = shpf.Proposals(
        p.proposals[p.proposals["proposal_id"].astype(str) == str(proposal_id)],
        p.incidents[p.incidents["proposal_id"].astype(str) == str(proposal_id)] if len(p.incidents) else p.incidents,
        p.part2[p.part2["proposal_id"].astype(str) == str(proposal_id)] if len(p.part2) else p.part2,
        p.determinations[p.determinations["proposal_id"].astype(str) == str(proposal_id)] if len(p.determinations) else p.determinations,
    )
    row = one.proposals.iloc[0]
    status = shpf.review_status(one, today=today).iloc[0]
    ver = shpf.verification_status(one, today=today).iloc[0]
    identity = {
        "proposal": str(proposal_id),
        "formulation": _show(row["formulation_name"]),
        "active ingredients": _show(row.get("active_ingredients")),
        "concentrations": _show(row.get("active_ingredient_concentrations")),
        "formulation type": _show(row.get("formulation_type")),
        "proposing Party": _show(row["proposing_party"]),
        "PIC region (for information; Article 6 has no two-region rule)": _show(row.get("pic_region")),
        "eligible under Article 6.1": _show(ver.get("eligible")),
        "Annex III entry it would need": _show(status.get("annex_iii_wording")),
        "listed in Annex III": bool(status.get("listed_in_annex_iii")),
    }
    table = shpf.assess(one)
    criteria = table[["criterion", "criterion_text", "aid", "aid_reason", "status", "justification", "recorded_by", "role", "determination_source", "proposal_status", "proposed_by"]].rename(
        columns={"criterion_text": "Convention text", "status": "recorded status", "determination_source": "source"}
    )
    criteria["recorded status"] = criteria["recorded status"].replace("", "(none recorded)")
    concl = shpf.conclusions(one).iloc[0].to_dict()
    incidents_cols = [c for c in ("incident_id", "incident_date", "place", "affected", "number_affected", "exposure_route", "effects", "outcome", "use_conditions", "use_per_common_practice", "circumstance", "medically_confirmed") if c in one.incidents.columns]
    return {
        "identity": identity,
        "part1": shpf.part1_items(one.proposals),
        "part2": shpf.part2_items(one.proposals, one.part2),
        "incidents": one.incidents[incidents_cols].reset_index(drop=True),
        "effects": shpf.effects_vs_quantity(one),
        "criteria": criteria,
        "conclusion": concl,
        "history": history(str(proposal_id)),
    }


def meeting_overview(wb: Workbench, *, today: dt.date | None = None) -> dict:
    """Return the tables a meeting is prepared from.

    Keys: ``status`` (per chemical and category), ``proposals`` (per formulation),
    ``awaiting`` (PIC Circular Appendix V), ``deadlines`` (open or overdue Secretariat
    deadlines), ``matrix`` (criterion × notification cells for the chart).
    """
    from .notifications.criteria import assess
    from .notifications.review import awaiting_second_region, review_status
    from .notifications.verification import verification_status
    from .proposals import shpf

    status = review_status(wb.notifications, wb.determinations, today=today)
    proposals = shpf.review_status(wb.proposals, today=today) if not wb.proposals.empty else pd.DataFrame()
    ver = verification_status(wb.notifications, today=today)
    open_deadlines = ver[(~ver["verified"]) | ver.get("verification_overdue", False) | ver.get("notified_late", False)]
    cols = [c for c in ("notification_id", "chemical", "category", "notifying_party", "verification_basis", "notification_deadline", "notified_late", "verification_deadline", "verification_overdue") if c in open_deadlines.columns]
    table = assess(wb.notifications, wb.determinations)
    matrix = table[["notification_id", "chemical", "notifying_party", "category", "criterion", "status", "aid", "justification"]].copy()
    return {
        "status": status,
        "proposals": proposals,
        "awaiting": awaiting_second_region(status),
        "deadlines": open_deadlines[cols].reset_index(drop=True),
        "matrix": matrix,
    }


STATUS_LABELS = {"met": "met", "not_met": "not met", "insufficient_information": "insufficient information", "": "no determination"}
"""Recorded statuses as the charts label them (crc_tools.charts.STATUS_COLOURS)."""


def matrix_cells(matrix: pd.DataFrame, chemical: str | None = None) -> list[dict]:
    """Return the criterion-by-notification cells for :func:`crc_tools.charts.criteria_matrix`."""
    order = {cid: i for i, cid in enumerate(items("annex_ii").ids)}
    if chemical:
        matrix = matrix[matrix["chemical"].astype(str).str.casefold() == chemical.casefold()]
    return [
        {
            "notification": f"{r.notifying_party} ({r.notification_id})",
            "criterion": r.criterion,
            "order": order.get(r.criterion, 99),
            "status": STATUS_LABELS.get(str(r.status or ""), "no determination"),
            "justification": str(r.justification) if isinstance(r.justification, str) else "",
        }
        for r in matrix.itertuples()
    ]


OVERALL_LABELS = {"met": "met", "not_met": "not met", "pending": "no determination", "conflict": "conflict"}
"""The Annex II conclusion (Article 5.6) as the matrix's ``overall`` column labels it."""


def chemical_matrices(wb: Workbench, chemical: str | None = None) -> list[dict]:
    """Return one criterion-by-notification matrix per chemical and category, with the overall conclusion as a column.

    Each: ``chemical`` (its name as Annex III or most notifications give it), ``category``,
    ``title`` and ``cells`` for :func:`crc_tools.charts.criteria_matrix` — one row per
    notification (``Party (id)``), one column per Annex II criterion plus ``overall`` (the
    Annex II status: the committee's conclusion, or pending / conflict). Sorted by chemical.
    """
    from .notifications.criteria import assess, conclusions
    from .notifications.review import identify_chemicals

    df = wb.notifications
    if df.empty:
        return []
    keys, ident = identify_chemicals(df)
    names = pd.Series([ident[int(k)].name for k in keys], index=df.index)
    if chemical:
        wanted = names.str.casefold() == chemical.casefold()
        if not wanted.any():
            wanted = names.str.casefold().str.contains(chemical.casefold(), regex=False) | df["chemical"].astype(str).str.casefold().str.contains(chemical.casefold(), regex=False)
        df, names = df[wanted.to_numpy()], names[wanted.to_numpy()]
    name_of = dict(zip(df["notification_id"].astype(str), names, strict=False))
    order = {cid: i for i, cid in enumerate(items("annex_ii").ids)}
    table = assess(df, wb.determinations)
    overall = conclusions(df, wb.determinations)
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in table.itertuples():
        groups.setdefault((name_of.get(str(r.notification_id), str(r.chemical)), str(r.category)), []).append(
            {"notification": f"{r.notifying_party} ({r.notification_id})", "criterion": r.criterion, "order": order.get(r.criterion, 99),
             "status": STATUS_LABELS.get(str(r.status or ""), "no determination")}
        )
    parties = dict(zip(df["notification_id"].astype(str), df["notifying_party"].astype(str), strict=False))
    for r in overall.itertuples():
        groups.setdefault((name_of.get(str(r.notification_id), ""), str(r.category)), []).append(
            {"notification": f"{parties.get(str(r.notification_id), '')} ({r.notification_id})", "criterion": "overall", "order": len(order),
             "status": OVERALL_LABELS.get(str(r.annex_ii_status), str(r.annex_ii_status))}
        )
    return [
        {"chemical": name, "category": cat, "title": f"{name} ({cat}): Annex II criteria by notification, and the overall conclusion", "cells": cells}
        for (name, cat), cells in sorted(groups.items(), key=lambda kv: (kv[0][0].casefold(), kv[0][1]))
    ]


def analysis_table(wb: Workbench, chemical: str | None = None) -> pd.DataFrame:
    """Return the task-group analysis table: one row per notification, one column per Annex II criterion.

    Each cell reads ``status — justification`` (the recorded determination; "none recorded"
    where there is none) — the layout task groups hand to the committee (domain brief §1.6).
    """
    from .notifications.criteria import assess

    df = wb.notifications
    if chemical:
        from .notifications.review import identify_chemicals

        keys, ident = identify_chemicals(df)
        wanted = {k for k, v in ident.items() if v.name.casefold() == chemical.casefold()} or {
            k for k, v in ident.items() if chemical.casefold() in v.name.casefold()
        }
        if not wanted:
            raise CrcError(f"no notification concerns '{chemical}'", field_name="chemical")
        df = df[pd.Series(keys, index=df.index).isin(wanted)]
    table = assess(df, wb.determinations)
    table["cell"] = [
        (s or "none recorded") + (f" — {j}" if isinstance(j, str) and j else "")
        for s, j in zip(table["status"], table["justification"], strict=True)
    ]
    wide = table.pivot_table(index=["notification_id", "chemical", "notifying_party", "pic_region", "category"], columns="criterion", values="cell", aggfunc="first", observed=True)
    wide = wide[[c for c in items("annex_ii").ids if c in wide.columns]]
    return wide.reset_index()


def export_analysis_table(wb: Workbench, path: str | Path | None = None, chemical: str | None = None, *, force: bool = True) -> Path:
    """Write the analysis table (and the aids, on a second sheet) to an XLSX file, atomically.

    An existing regular file of that name is replaced (``force=False`` refuses); a link, a
    folder or a device in its place never is (:func:`crc_tools.writers.write_file`).
    """
    from .notifications.criteria import assess
    from .output import write_xlsx_atomic
    from .text import safe_filename

    table = analysis_table(wb, chemical)
    aids = assess(wb.notifications, wb.determinations)[["notification_id", "category", "criterion", "aid", "aid_reason"]]
    target = out_path(path) or config.reports_dir() / f"analysis-table-{safe_filename(chemical or 'all')}.xlsx"
    if path is None:
        target.parent.mkdir(parents=True, exist_ok=True)
    return write_xlsx_atomic(target, {"analysis table": table, "aids (not conclusions)": aids}, force=force)
