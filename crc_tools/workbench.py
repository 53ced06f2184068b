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
* :func:`record_determination` and :func:`determination_form` — record into the register.
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


@dataclass
class Workbench:
    """The data a notebook works on: notifications, proposals and every recorded determination."""

    intake: object
    determinations: pd.DataFrame
    proposals: object
    register_url: str = ""
    notes: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, paths=None, *, register: bool = True) -> "Workbench":
        """Read case files / tables (default: the shipped sample data) and the register."""
        from .intake.reader import load
        from .proposals.shpf import from_intake
        from .register.store import Register, all_determinations

        intake = load(paths or None)
        notes = [p.format() for p in intake.problems]
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
        return cls(intake, determinations, proposals, url, notes)

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
        known = ", ".join(wb.notification_ids()[:8])
        raise CrcError(f"notification '{notification_id}' is not in the loaded data (known: {known} …)", field_name="notification_id")
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

    Keys: ``identity`` (dict), ``annex_i`` (one row per Annex I item), ``deadlines`` (dict),
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
    return {
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
    """Record one determination in the register, checked against the loaded data; return the entry."""
    from .register.store import Register, document_hash

    source = ""
    if subject_kind == "notification":
        rows = wb.notifications[wb.notifications["notification_id"].astype(str) == str(subject_id)]
        if len(rows):
            source = str(rows["_source"].iloc[0])
    reg = Register()
    try:
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


def determination_form(wb: Workbench, subject_id: str, *, subject_kind: str = "notification", on_recorded=None):
    """Return an ipywidgets form that records a determination on one notification or proposal.

    In JupyterLab the expert picks the criterion and status, writes the justification and
    references, and presses *Record*; the entry goes to the register (refusals are shown in
    the form, nothing is lost from it). Under papermill the form is simply displayed.
    """
    import ipywidgets as w

    set_name = "annex_ii" if subject_kind == "notification" else "annex_iv_part3"
    crit = w.Dropdown(options=[*items(set_name).ids, "overall"], description="Criterion")
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
            import html

            message.value = f"<b style='color:#b00020'>Not recorded:</b> {html.escape(str(exc))}"
            return
        message.value = f"Recorded as register entry {entry.entry_id}."
        why.value = ""
        if on_recorded:
            on_recorded(entry)

    button.on_click(record)
    return w.VBox([w.HTML(f"<b>Record a determination on {subject_id}</b>"), crit, status, role, who, why, refs, button, message])


def proposal_review(wb: Workbench, proposal_id: str, *, today: dt.date | None = None) -> dict:
    """Return what an expert needs to review one SHPF proposal (Annex IV Parts 1-3).

    Keys: ``identity``, ``part1`` (items (a)-(h)), ``part2`` (collection status of (a)-(i)),
    ``incidents`` (the incident table), ``effects`` (effects against quantity used, for (d)),
    ``criteria`` (Part 3 (a)-(e): aid and recorded determination), ``conclusion``, ``history``.
    """
    from .proposals import shpf

    p = wb.proposals
    if p.empty or str(proposal_id) not in set(p.proposals["proposal_id"].astype(str)):
        raise CrcError(f"SHPF proposal '{proposal_id}' is not in the loaded data (known: {', '.join(wb.proposal_ids())})", field_name="proposal_id")
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
    target = Path(path) if path else config.reports_dir() / f"analysis-table-{safe_filename(chemical or 'all')}.xlsx"
    if path is None:
        target.parent.mkdir(parents=True, exist_ok=True)
    return write_xlsx_atomic(target, {"analysis table": table, "aids (not conclusions)": aids}, force=force)
