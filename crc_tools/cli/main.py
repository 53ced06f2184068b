"""The ``crc`` command (contract in ``../shared/DESIGN.md``).

A thin layer over the library: each command calls the public functions and prints
a readable table, JSON or CSV. Problems go to stderr as ``FILE[:RECORD]: field:
message``; a run with bad records prints the good ones and exits 1; usage errors
exit 2. No traceback reaches the user (set ``CRC_DEBUG=1`` to see one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import traceback
from pathlib import Path

from .. import __version__
from ..errors import EXIT_BAD_RECORDS, EXIT_OK, EXIT_USAGE, CrcError, Problems, UsageError
from ..errors import report as _report
from ..output import records as _records

# --------------------------------------------------------------------------- helpers


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # exit 2 with a short message, as argparse does, without the full usage
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date in ISO form YYYY-MM-DD") from None


def _emit(rows: list[dict], fmt: str, columns: list[str] | None = None, *, table_columns: list[str] | None = None) -> None:
    from ..output import render_table, to_csv, to_json

    if fmt == "json":
        sys.stdout.write(to_json(rows))
    elif fmt == "csv":
        sys.stdout.write(to_csv(rows, columns))
    else:
        sys.stdout.write(render_table(rows, table_columns or columns))


def add_sheet_option(parser) -> None:
    """Add ``--sheet NAME`` to a command that reads PATHs (one option, shared by every such command)."""
    parser.add_argument(
        "--sheet", default=None, metavar="NAME",
        help="the sheet to read of each XLSX workbook (default: every visible sheet whose header is a table the suite reads; hidden sheets are named, not read)",
    )


def _load(args, *, register: bool = True):
    """Read the data and the determinations recorded on it (case files and, unless told not to, the register)."""
    from ..intake.reader import load

    intake = load(args.paths or None, sheet=getattr(args, "sheet", None))
    if not register:
        return intake, intake.determinations
    from ..register.store import all_determinations

    return intake, all_determinations(intake)


def _proposals(intake, *, register: bool = False):
    """Return the SHPF proposals the intake read (Article 6), possibly none; with the register's determinations when asked."""
    from ..proposals.shpf import from_intake

    return from_intake(intake, register=True if register else None)


def _columns(rows: list[dict], first: list[str] | None = None) -> list[str]:
    """Return the union of the rows' keys, in order of first appearance (``first`` leading)."""
    out = list(dict.fromkeys(first or []))
    for r in rows:
        for k in r:
            if k not in out:
                out.append(k)
    return out


def _say_listed(intake, *, as_of=None) -> None:
    """Say at once, on stderr, which notifications concern a chemical Annex III already lists in their category."""
    from ..notifications.listing import listed_lines

    for line in listed_lines(intake.notifications, as_of=as_of):
        print(line, file=sys.stderr)


def _say_not_loaded(intake) -> None:
    """Say, on stderr, how many register entries concern notifications or proposals the data read do not hold."""
    from ..register.loaded import not_loaded, not_loaded_line

    line = not_loaded_line(not_loaded(intake))
    if line:
        print(line, file=sys.stderr)


def _section(title: str) -> None:
    sys.stdout.write(f"\n{title}\n")


# --------------------------------------------------------------------------- commands


def cmd_region(args) -> int:
    """Print the PIC region of each country (or the European Union)."""
    from ..convention.reference import RegionNotEstablishedError, UnknownCountryError, regions

    table = regions()
    problems = Problems()
    rows, mapping = [], {}
    for name in args.countries:
        try:
            party = table.resolve(name)
            if not party.region_established:
                raise RegionNotEstablishedError(party)
        except (UnknownCountryError, RegionNotEstablishedError) as exc:
            problems.add(name, None, "country", exc.message)
            continue
        mapping[name] = party.pic_region
        basis = {
            "stated": "stated in a CRC or Secretariat document",
            "inferred": "inferred from FAO regional groups and geography (not read from decision RC-1/2)",
            "override": f"set locally ({party.notes})",
        }.get(party.basis, party.basis)
        rows.append({"as_given": name, "country": party.country, "iso3": party.iso3, "pic_region": party.pic_region, "basis": party.basis, "note": basis, "source": party.source})
    if args.format == "json":
        from ..output import to_json

        sys.stdout.write(to_json(mapping))
    else:
        _emit(rows, args.format, ["as_given", "country", "iso3", "pic_region", "basis", "source"], table_columns=["as_given", "country", "pic_region", "note"])
    return _report(problems)


def _covered_member(record: dict, query: str) -> dict:
    """Return ``{"covers": [...]}`` naming the group member a CAS query found, when it is not the entry's own number."""
    q = query.strip()
    members = [f"{m['name']} ({m['cas_number']})" for m in record.get("covers", []) if q and m["cas_number"] == q]
    return {"covers": members} if members and q not in record["cas_numbers"] else {}


def cmd_annex3(args) -> int:
    """Look up Annex III by name, CAS number or HS code."""
    from ..convention.lookup import annex_iii_record, search_annex_iii

    found = search_annex_iii(args.query or "")
    rows = [annex_iii_record(e, args.query or "") for e in found]
    if args.format == "table":
        table_rows = [
            {
                "chemical": r["chemical"],
                "category": r["category_label"],
                "cas_numbers": r["cas_numbers"],
                "listed": r["listing"],
                "hs_codes": sorted({h["hs_code"] for h in r["hs_codes"]}),
                "stockholm": ["Annex " + s["stockholm_annex"] for s in r["stockholm"]],
            }
            | _covered_member(r, args.query or "")
            for r in rows
        ]
        _emit(table_rows, "table")
    else:
        _emit(rows, args.format, ["entry_id", "chemical", "category", "cas_numbers", "cop_listed", "year_listed", "formulation_type", "concentration_threshold"])
    if not found:
        print(f"{args.query}: query: no Annex III entry matches (searched names, CAS numbers and HS codes)", file=sys.stderr)
        return EXIT_BAD_RECORDS
    return EXIT_OK


def cmd_validate(args) -> int:
    """Parse and validate case files, folders and bulk tables."""
    intake, _ = _load(args, register=False)
    cols = ["notification_id", "chemical", "category", "notifying_party", "pic_region", "region_basis", "cas_number", "fra_type", "_source"]
    rows = _records(intake.notifications, cols)
    for r in rows:
        r["source"] = r.pop("_source", "")
    from ..proposals.shpf import proposal_rows

    proposals = _proposals(intake)
    rows_p = proposal_rows(proposals)
    if args.format == "table":
        if rows or not rows_p:
            _emit(rows, "table", None, table_columns=["notification_id", "chemical", "category", "notifying_party", "pic_region", "source"])
        if rows_p:
            _section("SHPF proposals (Article 6, Annex IV):")
            _emit(rows_p, "table", None, table_columns=["proposal_id", "chemical", "formulation_type", "active_ingredients", "concentrations", "proposing_party", "pic_region", "incident_reports", "source"])
    else:
        _emit(rows + rows_p, args.format, _columns(rows + rows_p) if rows_p else None)
    if args.format == "table":
        _still_to_fill_in(intake, proposals)
    n_bad = len({(p.source, p.record) for p in intake.problems.errors})
    what = ""
    if rows_p:
        what = f" ({len(rows)} notification(s), {len(rows_p)} SHPF proposal(s) with {len(proposals.incidents)} Part B incident report(s))"
    print(f"{len(rows) + len(rows_p)} record(s) valid{what}, {n_bad} rejected, {len(intake.problems.warnings)} warning(s)", file=sys.stderr)
    _say_listed(intake)
    return _report(intake.problems)


CASE_FILE_SUFFIXES = (".yaml", ".yml", ".json")


def _still_to_fill_in(intake, proposals) -> None:
    """Print, for case files not yet verified, the Annex I / Annex IV Part 1 items not given, in the form's terms."""
    from ..intake.fields import notification_schema, proposal_schema
    from ..intake.newcase import still_to_fill_in
    from ..notifications.verification import annex_i_items

    sections = []
    for frame, schema, id_col, verified_col, checks, title in (
        (intake.notifications, notification_schema(), "notification_id", "annex_i_verified", annex_i_items, "Annex I items, Article 5.3"),
        (proposals.proposals if not proposals.empty else None, proposal_schema(), "proposal_id", "part1_verified", _part1_items, "Annex IV Part 1 items, Article 6.2"),
    ):
        if frame is None or frame.empty or "_source" not in frame.columns:
            continue
        verified = frame[verified_col].fillna(False).astype(bool) if verified_col in frame.columns else False
        case_file = frame["_source"].map(lambda p: str(p).lower().endswith(CASE_FILE_SUFFIXES)).astype(bool)  # per file name (categories), not per row
        mine = frame[case_file & ~verified]
        if mine.empty:
            continue
        todo = still_to_fill_in(checks(mine), schema, id_col)
        sources = dict(zip(mine[id_col].astype(str), mine["_source"].astype(str), strict=False))
        for rid, lines in todo.items():
            sections.append(f"{rid} ({_relative(sources.get(rid, ''))}): {len(lines)} item(s) not given ({title})")
            sections += [f"  {line}" for line in lines]
    if sections:
        _section("Still to fill in before the Secretariat's verification, in the form's terms:")
        sys.stdout.write("\n".join(sections) + "\n")


def _part1_items(frame):
    from ..proposals.shpf import part1_items

    return part1_items(frame)


def _relative(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def cmd_verify(args) -> int:
    """Annex I completeness, item by item, with the Article 5.1 and 5.3 deadlines."""
    from ..notifications.verification import annex_i_items, verification_status

    intake, _ = _load(args, register=False)
    df = intake.notifications
    status = verification_status(df, today=args.today)
    cols = [
        "notification_id", "chemical", "category", "notifying_party", "annex_i_complete", "missing_items", "missing_if_available",
        "annex_i_verified", "verified", "verification_basis", "notification_rule", "notification_deadline", "notified_late",
        "verification_deadline", "verification_overdue",
    ]
    rows = _records(status, cols)
    if args.format == "json":
        items = annex_i_items(df) if len(df) else None
        if items is not None:
            by = {}
            for r in items.to_dict("records"):
                by.setdefault((r["notification_id"], r["category"]), []).append({"item": r["item"], "text": r["text"], "present": bool(r["present"]), "optional": bool(r.get("optional", False)), "missing_fields": r["missing_fields"]})
            for r in rows:
                r["items"] = by.get((r["notification_id"], r["category"]), [])
    rows_p = _verify_proposals(intake, args)
    if args.format == "table":
        if rows or not rows_p:
            _emit(rows, "table", cols, table_columns=["notification_id", "chemical", "category", "notifying_party", "annex_i_complete", "missing_items", "verified", "verification_deadline", "verification_overdue"])
        if rows_p:
            _section("SHPF proposals: Article 6.1 eligibility, Annex IV Part 1 (Article 6.2), Part 2 collection (Article 6.3):")
            _emit(rows_p, "table", None, table_columns=["proposal_id", "chemical", "proposing_party", "eligible", "part1_complete", "missing_items", "verified", "verification_deadline", "verification_overdue", "part2_awaiting"])
    else:
        _emit(rows + rows_p, args.format, _columns(rows_p, cols) if rows_p else cols)
    _say_listed(intake)
    return _report(intake.problems)


SHPF_VERIFY_COLUMNS = [
    "proposal_id", "chemical", "category", "proposing_party", "pic_region", "development_status", "eligible", "eligibility_basis",
    "part1_complete", "missing_items", "part1_verified", "verified", "verification_basis", "received_date", "verification_deadline",
    "verification_overdue", "summary_published", "part2_collected", "part2_awaiting", "part2_complete", "part2_basis",
]


def _verify_proposals(intake, args) -> list[dict]:
    """Rows of ``crc verify`` for SHPF proposals (Article 6.1-6.3), with items in JSON."""
    from ..proposals.shpf import part1_items, part2_items, verification_status

    proposals = _proposals(intake)
    if proposals.empty:
        return []
    status = verification_status(proposals, today=args.today)
    rows = _records(status, SHPF_VERIFY_COLUMNS)
    if args.format == "json":
        p1: dict[str, list] = {}
        for r in part1_items(proposals.proposals).to_dict("records"):
            p1.setdefault(r["proposal_id"], []).append({"item": r["item"], "text": r["text"], "present": bool(r["present"]), "optional": bool(r["optional"]), "missing_fields": r["missing_fields"]})
        p2: dict[str, list] = {}
        for r in _records(part2_items(proposals.proposals, proposals.part2), ["proposal_id", "item", "text", "status", "source", "collected_date", "awaiting", "summary", "notes"]):
            p2.setdefault(r.pop("proposal_id"), []).append(r)
        for r in rows:
            r["items"] = p1.get(r["proposal_id"], [])
            r["part2"] = p2.get(r["proposal_id"], [])
    return rows


CONCLUSION_KEYS = ["committee_conclusion", "latest_proposal", "proposal_disagrees", "conflict_entries"]
"""Per notification (or proposal) in ``crc score``: the committee's conclusion, the latest proposal, whether they disagree, a conflict."""
CRITERION_KEYS = [
    "criterion", "criterion_text", "aid", "aid_reason", "aid_fields", "status", "justification", "references", "recorded_by", "role", "recorded_at",
    "determination_source", "proposal_status", "proposed_by", "proposal_source", "proposal_justification", "proposal_references",
]


def cmd_score(args) -> int:
    """Annex II assessment, criterion by criterion (aid, the committee's conclusions and proposals kept apart)."""
    from ..notifications.criteria import assess, conclusions

    intake, determinations = _load(args)
    df = intake.notifications
    table = assess(df, determinations)
    overall = {(r["notification_id"], r["category"]): r for r in _records(conclusions(df, determinations), ["notification_id", "category", "annex_ii_status", "annex_ii_basis", "annex_ii_source", "annex_ii_conflict", *CONCLUSION_KEYS])}
    table_p, overall_p = _score_proposals(intake)
    if args.format == "json":
        from ..output import to_json

        sys.stdout.write(to_json(_score_json(table, overall) + _score_proposals_json(intake, table_p, overall_p)))
    elif args.format == "csv":
        _score_csv(table, overall, table_p, overall_p)
    else:
        _score_table(table, overall, table_p, overall_p)
    _say_listed(intake)
    _say_not_loaded(intake)
    return _report(intake.problems)


def _score_json(table, overall: dict) -> list[dict]:
    from ..notifications.criteria import AID_LABEL

    out = []
    for (nid, cat), g in table.groupby(["notification_id", "category"], sort=False):
        o = overall[(nid, cat)]
        first = g.iloc[0]
        out.append(
            {
                "notification_id": nid, "chemical": first.get("chemical"), "notifying_party": first.get("notifying_party"), "pic_region": first.get("pic_region"),
                "category": cat, "annex_ii_status": o["annex_ii_status"], "annex_ii_basis": o["annex_ii_basis"], "annex_ii_source": o["annex_ii_source"],
                "annex_ii_conflict": bool(o["annex_ii_conflict"]), **{k: o[k] for k in CONCLUSION_KEYS},
                "criteria": _records(g, CRITERION_KEYS), "aid_note": AID_LABEL,
            }
        )
    return out


def _score_csv(table, overall: dict, table_p, overall_p: dict) -> None:
    cols = ["notification_id", "chemical", "notifying_party", "category", "criterion", "aid", "status", "justification", "aid_reason", "proposal_status", "proposed_by", "proposal_source"]
    rows = _records(table, cols)
    for r in rows:
        r["status"] = r.get("status") or "(none recorded)"
        o = overall[(r["notification_id"], r["category"])]
        r.update({"annex_ii_status": o["annex_ii_status"], **{k: o[k] for k in CONCLUSION_KEYS}})
    rows_p = []
    if table_p is not None:
        for r in _records(table_p, ["proposal_id", "chemical", "proposing_party", "category", "criterion", "aid", "status", "justification", "aid_reason", "proposal_status", "proposed_by", "proposal_source"]):
            r["status"] = r.get("status") or "(none recorded)"
            o = overall_p[r["proposal_id"]]
            r.update({"part3_status": o["part3_status"], **{k: o[k] for k in CONCLUSION_KEYS}})
            rows_p.append(r)
    _emit(rows + rows_p, "csv", cols + ["annex_ii_status", *CONCLUSION_KEYS] + (["proposal_id", "proposing_party", "part3_status"] if rows_p else []))


def _conclusion_lines(o: dict, what: str, status_key: str, basis_key: str, source_key: str) -> str:
    """Return the lines under a notification's (or proposal's) criteria in ``crc score``'s table."""
    source = f"; source: {o[source_key]}" if o.get(source_key) else ""
    text = f"{what}: {o[status_key]} ({o[basis_key]}{source}). 'aid' is a rule-based pre-assessment, not a conclusion.\n"
    if o.get("conflict_entries"):
        text += f"Conflict: {o['conflict_entries']}\n"
    if o.get("latest_proposal"):
        text += f"Latest proposal (not the committee's conclusion): {o['latest_proposal']}" + (" — the committee concluded otherwise" if o.get("proposal_disagrees") else "") + "\n"
    return text


def _score_table(table, overall: dict, table_p, overall_p: dict) -> None:
    from ..output import render_table

    rows = _records(table, ["notification_id", "chemical", "notifying_party", "category", "criterion", "aid", "status", "justification", "proposal_status", "proposed_by"])
    by: dict[tuple, list[dict]] = {}
    for r in rows:
        r["status"] = r.get("status") or "(none recorded)"
        r["proposal"] = f"{r['proposed_by']}: {r['proposal_status'].replace('_', ' ')}" if r.get("proposal_status") else ""
        by.setdefault((r["notification_id"], r["category"]), []).append(r)
    for (nid, cat), o in overall.items():
        sub = by.get((nid, cat), [])
        head = sub[0] if sub else {}
        sys.stdout.write(f"\n{nid} — {head.get('chemical', '')} — {head.get('notifying_party', '')} — {cat}\n")
        sys.stdout.write(render_table(sub, ["criterion", "aid", "status", "justification", "proposal"]))
        sys.stdout.write(_conclusion_lines(o, "Annex II", "annex_ii_status", "annex_ii_basis", "annex_ii_source"))
    if table_p is not None:
        recs = _records(table_p, ["proposal_id", "chemical", "proposing_party", "criterion", "aid", "status", "justification", "proposal_status", "proposed_by"])
        for pid, o in overall_p.items():
            sub = [dict(r, status=r.get("status") or "(none recorded)", proposal=f"{r['proposed_by']}: {r['proposal_status'].replace('_', ' ')}" if r.get("proposal_status") else "") for r in recs if r["proposal_id"] == pid]
            head = sub[0] if sub else {}
            sys.stdout.write(f"\n{pid} — {head.get('chemical', '')} — {head.get('proposing_party', '')} — shpf\n")
            sys.stdout.write(render_table(sub, ["criterion", "aid", "status", "justification", "proposal"]))
            sys.stdout.write(_conclusion_lines(o, "Annex IV Part 3", "part3_status", "part3_basis", "part3_source"))


def _score_proposals(intake):
    """Annex IV Part 3 assessment of SHPF proposals: (table, {proposal_id: conclusion}) or (None, {})."""
    from ..proposals.shpf import assess, conclusions

    proposals = _proposals(intake, register=True)
    if proposals.empty:
        return None, {}
    overall = {r["proposal_id"]: r for r in conclusions(proposals).to_dict("records")}
    return assess(proposals), overall


def _score_proposals_json(intake, table, overall: dict) -> list[dict]:
    """``crc score --format json`` objects for SHPF proposals (criteria (a)-(e), aid, the committee's conclusions and proposals apart)."""
    from ..notifications.criteria import AID_LABEL
    from ..proposals.shpf import effects_vs_quantity

    if table is None:
        return []
    effects = {r["proposal_id"]: r for r in _records(effects_vs_quantity(_proposals(intake)), ["proposal_id", "incident_reports", "people_affected", "organisms_affected", "severe_outcomes", "deaths", "quantity_used", "quantity", "quantity_unit", "affected_per_1000", "summary"])}
    out = []
    for pid, g in table.groupby("proposal_id", sort=False):
        first = g.iloc[0]
        o = overall[pid]
        eff = dict(effects.get(pid, {}))
        eff.pop("proposal_id", None)
        out.append(
            {
                "proposal_id": pid, "chemical": first.get("chemical"), "proposing_party": first.get("proposing_party"), "pic_region": first.get("pic_region"),
                "category": "shpf", "part3_status": o["part3_status"], "part3_basis": o["part3_basis"], "part3_source": o["part3_source"],
                "part3_conflict": bool(o["part3_conflict"]), **{k: o[k] for k in CONCLUSION_KEYS},
                "criteria": _records(g, CRITERION_KEYS), "effects_vs_quantity": eff, "aid_note": AID_LABEL,
            }
        )
    return out


def cmd_status(args) -> int:
    """Per chemical and category: regions, forward_to_crc, recommend_listing, listed_in_annex_iii, what is missing."""
    from ..notifications.review import STATUS_JSON_COLUMNS, awaiting_second_region, review_status

    intake, determinations = _load(args)
    status = review_status(intake.notifications, determinations, as_of=args.as_of, today=args.today)
    if args.awaiting:
        status = awaiting_second_region(status)
    columns = STATUS_JSON_COLUMNS
    extra: list[dict] = []
    if not args.awaiting:  # an SHPF proposal never awaits a second region (Article 6: no two-region rule)
        from ..proposals.shpf import STATUS_COLUMNS as SHPF_STATUS_COLUMNS
        from ..proposals.shpf import review_status as review_proposals

        proposals = _proposals(intake, register=True)
        if not proposals.empty:
            extra = _records(review_proposals(proposals, as_of=args.as_of, today=args.today), SHPF_STATUS_COLUMNS)
            columns = _columns([], STATUS_JSON_COLUMNS + SHPF_STATUS_COLUMNS)
    if args.format == "json" and not extra:  # encoded column by column: the same text as to_json, at any size
        from ..output import frame_to_json, write_frame_json

        binary = getattr(sys.stdout, "buffer", None)
        if binary is None:  # a text stream only (an embedding caller): the same text
            sys.stdout.write(frame_to_json(status, STATUS_JSON_COLUMNS))
        else:
            sys.stdout.flush()
            write_frame_json(status, STATUS_JSON_COLUMNS, binary)
            binary.flush()
        _say_not_loaded(intake)
        return _report(intake.problems)
    rows = _records(status, STATUS_JSON_COLUMNS) + extra
    _emit(rows, args.format, columns, table_columns=["chemical", "category", "regions_verified", "regions_meeting_criteria", "forward_to_crc", "recommend_listing", "listed_in_annex_iii", "missing", "conclusions"])
    _say_not_loaded(intake)
    return _report(intake.problems)


def cmd_template(args) -> int:
    """Write a blank bulk table (CSV or XLSX) whose columns are the fields the intake reads."""
    from ..intake.template import KINDS, write_template

    written = write_template(args.kind, args.out, fmt=args.format, force=args.force)
    if args.out is None:
        sys.stdout.write(written)
    else:
        print(f"{KINDS[args.kind][1]}: blank {'case file' if args.kind == 'substance' else 'table'} written to {written}", file=sys.stderr)
    return EXIT_OK


def cmd_demo(args) -> int:
    """Run the main job on the shipped sample cases and write the results to reports/."""
    from ..demo import run_demo

    return run_demo(args)


# --------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    """Return the ``crc`` argument parser."""
    p = _Parser(prog="crc", description="Decision support for the Chemical Review Committee of the Rotterdam Convention.")
    p.add_argument("--version", action="version", version=f"crc-tools {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def add(name, func, help_, *, paths=True, fmt=True):
        sp = sub.add_parser(name, help=help_, description=func.__doc__)
        if paths:
            sp.add_argument("paths", nargs="*", metavar="PATH", help="case files, folders of them, bulk tables (default: the workspace's data (crc.toml), else the shipped sample data in data/cases/)")
            add_sheet_option(sp)
        if fmt:
            sp.add_argument("--format", choices=["table", "json", "csv"], default="table", help="output format (default: a readable table)")
        sp.set_defaults(func=func)
        return sp

    sp = add("demo", cmd_demo, "main job on the workspace's data (else the shipped sample cases): validate, verify, score, status, documents into reports/", paths=False, fmt=False)
    sp.add_argument("--out", type=Path, default=None, help="folder for the results (default: reports/)")
    sp.add_argument("--force", action="store_true", help="replace files of the demo's names that an earlier run did not write (never a link, folder or device)")
    add("validate", cmd_validate, "parse and validate case files, folders of them, and bulk tables")
    sp = add("verify", cmd_verify, "Annex I / Annex IV Part 1 completeness, item by item")
    sp.add_argument("--today", type=_date, default=None, help="reference date for deadlines (default: today)")
    add("score", cmd_score, "Annex II / Annex IV Part 3 assessment, criterion by criterion")
    sp = add("status", cmd_status, "per chemical and category: regions verified and meeting criteria, forward_to_crc, recommend_listing, listed_in_annex_iii")
    sp.add_argument("--as-of", type=_date, default=None, help="judge listed_in_annex_iii against Annex III as it stood on this date")
    sp.add_argument("--today", type=_date, default=None, help="reference date for deadlines (default: today)")
    sp.add_argument("--awaiting", action="store_true", help="only chemicals awaiting a notification from a second PIC region (PIC Circular Appendix V)")
    sp = add("region", cmd_region, "the PIC region of each country (name or ISO 3166 alpha-3 code) or of the European Union", paths=False)
    sp.add_argument("countries", nargs="+", metavar="COUNTRY")
    sp = add("annex3", cmd_annex3, "Annex III look-up by name, CAS number or HS code", paths=False)
    sp.add_argument("query", nargs="?", default="", metavar="QUERY")
    sp = add("template", cmd_template, "a blank bulk table (CSV or XLSX) with the columns the intake reads, or a blank substance case file (YAML)", paths=False, fmt=False)
    sp.add_argument("kind", choices=["notifications", "proposals", "incidents", "part2", "responses", "substance"], help="what the table holds (substance: a YAML case file of DGD substance data)")
    sp.add_argument("--out", type=Path, default=None, metavar="FILE", help="file to write (.csv or .xlsx; the XLSX has a second sheet describing every column); default: the CSV header on standard output")
    sp.add_argument("--format", choices=["csv", "xlsx", "yaml"], default=None, help="default: from the suffix of --out (yaml for substance)")
    sp.add_argument("--force", action="store_true", help="replace FILE if it exists")
    for extra in _extra_commands():
        extra(sub, add)
    return p


def _extra_commands():
    """Commands added by the documents, register and dashboard modules."""
    out = []
    for module in ("crc_tools.cli.reports", "crc_tools.cli.register", "crc_tools.cli.dashboard", "crc_tools.cli.responses", "crc_tools.cli.workspace"):
        try:
            mod = __import__(module, fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name == module:
                continue
            raise
        out.append(mod.register)
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the ``crc`` command; return its exit status."""
    from .. import workspace

    workspace.reset_notice()  # each command says once that it reads the sample data
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args) or 0)
    except UsageError as exc:
        print(f"crc {args.command}: error: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    except CrcError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_RECORDS
    except KeyboardInterrupt:
        print("crc: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        except OSError:
            pass
        return EXIT_OK
    except OSError as exc:  # a full disk, a permission, a folder in the way: PATH: message, never an internal error
        from ..text import printable

        where = exc.filename or f"crc {args.command}"
        print(printable(f"{where}: {exc.strerror or exc}"), file=sys.stderr)
        return EXIT_BAD_RECORDS
    except Exception as exc:  # the last guard: never a traceback for the user
        if os.environ.get("CRC_DEBUG"):
            traceback.print_exc()
        print(f"crc {args.command}: internal error: {type(exc).__name__}: {exc} (set CRC_DEBUG=1 for details; please report it)", file=sys.stderr)
        return 3


READ_ONLY_COMMANDS = frozenset({"validate", "verify", "score", "status", "region", "annex3", "responses", "export-check"})
"""Commands that write nothing but their answer: they may leave without tearing down their tables."""


def console() -> None:
    """Entry point of the ``crc`` console script: :func:`main`, then exit.

    A read-only command, its answer flushed, leaves at once: freeing the tables of a
    million-row input one object at a time costs a tenth of a second and serves no one.
    Every other command (documents, the register, the dashboard) exits normally.
    """
    argv = sys.argv[1:]
    code = main(argv)
    command = next((a for a in argv if not a.startswith("-")), "")
    if command in READ_ONLY_COMMANDS:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (BrokenPipeError, OSError):
            pass
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    console()
