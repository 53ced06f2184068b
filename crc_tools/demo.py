"""``crc demo``: the main job on the shipped sample cases.

Validates the sample notifications (and SHPF proposals), verifies them under Annex I
(Annex IV Part 1), assesses them under Annex II (Annex IV Part 3), computes the review
status, and writes the results and the documents into ``reports/``: a draft DGD for each
recommended chemical and each recommended severely hazardous pesticide formulation, and
the six-monthly synopsis. Each later part of the suite adds its step to
:data:`STEPS`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import config


def _print(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _write(ctx, stem: str, **files: str) -> None:
    """Write one of the demo's tables (its formats as a set) into the output folder.

    The name is the demo's own: an earlier run's table is replaced, anything else of that
    name (a file made by hand, a link, a folder) is not, unless ``--force`` (never a link).
    """
    from .writers import write_set

    name, paths = write_set(ctx["out"], stem, files, subject=f"crc demo: {stem}", force=bool(getattr(ctx["args"], "force", False)), rename=False)
    ctx["written"] += [p.name for p in paths.values()]


def _tables_step(ctx) -> None:
    from .notifications.criteria import assess
    from .notifications.review import awaiting_second_region, review_status
    from .notifications.verification import verification_status
    from .output import to_csv, to_json

    intake = ctx["intake"]
    status = review_status(intake.notifications, ctx["determinations"])
    ctx["status"] = status
    ver = verification_status(intake.notifications)
    score = assess(intake.notifications, ctx["determinations"])
    from .notifications.review import STATUS_JSON_COLUMNS
    from .output import records as _records

    rows = _records(status, STATUS_JSON_COLUMNS)
    _write(ctx, "review-status", json=to_json(rows), csv=to_csv(rows, STATUS_JSON_COLUMNS))
    _write(ctx, "annex-i-verification", csv=to_csv(_records(ver, list(ver.columns))))
    _write(ctx, "annex-ii-assessment", csv=to_csv(_records(score, list(score.columns))))
    _print(f"Annex I: {int(ver['verified'].sum())} of {len(ver)} notification(s) verified; {int((~ver['annex_i_complete']).sum())} with Annex I items missing.")
    _print(f"Annex II: {score['notification_id'].nunique()} notification(s) assessed criterion by criterion (aids and recorded determinations).")
    _print("")
    _print("Review status per chemical and category (Article 5.5-5.6):")
    from .output import render_table

    _print(render_table(rows, ["chemical", "category", "regions_verified", "regions_meeting_criteria", "forward_to_crc", "recommend_listing", "listed_in_annex_iii"]).rstrip())
    waiting = awaiting_second_region(status)
    if len(waiting):
        _print("")
        _print("Awaiting a notification from a second PIC region (PIC Circular Appendix V): " + ", ".join(f"{r.chemical} ({r.category})" for r in waiting.itertuples()))


def _shpf_step(ctx) -> None:
    """SHPF proposals (Article 6): eligibility, Annex IV Parts 1-2, Part 3 and the review status per formulation."""
    from .output import records as _records
    from .output import render_table, to_csv, to_json
    from .proposals.shpf import STATUS_COLUMNS, assess, from_intake, review_status, verification_status

    proposals = from_intake(ctx["intake"])
    if proposals.empty:
        return
    status = review_status(proposals)
    ver = verification_status(proposals)
    score = assess(proposals)
    rows = _records(status, STATUS_COLUMNS)
    _write(ctx, "shpf-review-status", json=to_json(rows), csv=to_csv(rows, STATUS_COLUMNS))
    _write(ctx, "annex-iv-verification", csv=to_csv(_records(ver, list(ver.columns))))
    _write(ctx, "annex-iv-part3-assessment", csv=to_csv(_records(score, list(score.columns))))
    _print("")
    _print(f"SHPF proposals: {len(proposals)} read with {len(proposals.incidents)} Part B incident report(s); "
           f"{int(ver['verified'].sum())} verified (Article 6.2); {int((ver['eligible'] == False).sum())} from a Party flagged under Article 6.1.")  # noqa: E712
    _print("Review status per formulation (Article 6.5: Annex IV Part 3 alone, no two-region rule):")
    _print(render_table(rows, ["chemical", "parties", "forward_to_crc", "recommend_listing", "listed_in_annex_iii", "annex_iii_wording"]).rstrip())


def _documents_step(ctx) -> None:
    """Render a draft DGD (HTML and DOCX) for each recommended chemical and formulation, and the synopsis (Articles 5.4, 6, 7.1)."""
    from .documents.casedata import CaseData
    from .documents.render import Failed, Request, render_many
    from .documents.shpf_dgd import recommended_formulations

    out: Path = ctx["out"]
    data = CaseData.from_intake(ctx["intake"])
    status = data.status
    # A draft DGD for every chemical the committee's conclusions recommend (Article 7.1);
    # for one already listed in that category the draft says it can only serve a revision.
    requests = [Request(kind="dgd", chemical=chem, category=cat) for chem, cat in data.recommended(include_listed=True)]
    n_chemicals = len(requests)
    # And for every severely hazardous pesticide formulation whose proposal meets Annex IV
    # Part 3 (Article 6.5: one proposal suffices), the SHPF variant of the draft.
    requests += [Request(kind="dgd", chemical=name, category="shpf", variant="shpf") for name in recommended_formulations(data, include_listed=True)]
    n_formulations = len(requests) - n_chemicals
    listed_names = []
    if len(status):
        listed = status[status["recommend_listing"] & status["listed_in_annex_iii"]]
        listed_names += [f"{r.chemical} ({r.category})" for r in listed.itertuples()]
    shpf_status = data.shpf_status
    if len(shpf_status):
        listed = shpf_status[shpf_status["recommend_listing"].astype(bool) & shpf_status["listed_in_annex_iii"].astype(bool)]
        listed_names += [f"{r.chemical} (shpf)" for r in listed.itertuples()]
    if listed_names:
        _print("Already listed in Annex III, so their drafts serve a revision only: " + ", ".join(listed_names))
    requests.append(Request(kind="synopsis"))
    _print("")
    _print(
        f"Documents: {n_chemicals} draft decision guidance document(s) for the recommended chemicals, "
        + (f"{n_formulations} for the recommended severely hazardous pesticide formulations (Article 6), " if n_formulations else "")
        + "and the six-monthly synopsis."
    )
    results = render_many(requests, data=data, out=out, formats=("html", "docx"))
    for req, res in zip(requests, results, strict=True):
        if isinstance(res, Failed):
            ctx.setdefault("failed", []).append(res)
            where = f"; partial notebook: {res.partial}" if res.partial else ""
            sys.stderr.write(f"{req.label}: {res.message}{where}\n")
            continue
        for path in res.paths.values():
            ctx["written"].append(Path(path).name)
        if res.kind == "dgd":
            from .documents.model import check_summary

            _print(f"  {res.meta.get('chemical')} ({res.meta.get('category')}): internal consistency: {check_summary(res.checks)}")


STEPS = [("tables", _tables_step), ("shpf", _shpf_step), ("documents", _documents_step)]
"""Steps of the demo, in order: (name, function(ctx))."""


def run_demo(args) -> int:
    """Run every step on the workspace's data (or the shipped sample data); return the exit status."""
    from .errors import report as _report
    from .intake.reader import load
    from .output import ensure_folder

    out = ensure_folder(Path(getattr(args, "out", None) or config.reports_dir()))
    from .register.store import all_determinations

    intake = load(None)  # the workspace's data (crc.toml), else the shipped sample cases
    ctx = {"out": out, "intake": intake, "determinations": all_determinations(intake), "written": [], "args": args}
    _print(f"crc demo — {config.describe_data()}")
    _print(f"{len(intake.notifications)} notification record(s) read from {len(intake.files)} file(s); {len(intake.problems.errors)} problem(s), {len(intake.problems.warnings)} warning(s).")
    for _name, step in STEPS:
        step(ctx)
    _print("")
    _print(f"Written to {out}:")
    for name in ctx["written"]:
        _print(f"  {name}")
    code = _report(intake.problems)
    if ctx.get("failed"):
        code = max(code, 1)
    return code
