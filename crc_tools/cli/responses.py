"""The import-response commands: ``crc responses``, ``crc export-check`` and ``crc report circular``.

Each mirrors a library function and adds no logic of its own:

* ``crc responses [PATH...] [--as-of D] [--party P...] [--chemical C...]`` —
  :func:`crc_tools.responses.status.response_status`: one object per Party and Annex III entry
  (category) with the keys ``party``, ``chemical``, ``category``, ``decision``, ``kind``,
  ``conditions``, ``received_date``, ``due_date``, ``overdue`` (``--history``: every response,
  with the one that superseded it);
* ``crc export-check CHEMICAL --to PARTY [--data PATH...]`` —
  :func:`crc_tools.responses.export.export_check`;
* ``crc report circular --from D --to D`` — :func:`crc_tools.documents.circular.circular_document`
  rendered as the other documents are (HTML, DOCX, PDF).

Exit status: 0; 1 when the data had bad records; 2 for usage errors.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import Problems
from ..errors import report as _report

HISTORY_COLUMNS = ["response_id", "party", "chemical", "category", "kind", "decision", "conditions", "received_date", "published_date", "issued_date", "applies_from", "superseded_by", "source"]


def _load_responses(paths, sheet=None):
    """Read the import responses of ``paths`` (default: the workspace's data, else the shipped sample responses, ``data/cases/responses/``)."""
    from .. import config, workspace
    from ..intake.reader import load
    from ..responses.status import from_intake

    default = config.cases_dir() / "responses"
    if not paths and workspace.current() is not None:  # the workspace's data (crc.toml), its responses only
        default = None
    intake = load(paths or ([default] if default is not None and default.is_dir() else None), kinds={"import_response"}, sheet=sheet)
    return intake, from_intake(intake)


def _table_rows(rows: list[dict]) -> list[dict]:
    out = []
    for r in rows:
        t = dict(r)
        t["decision"] = t["decision"] or "(none received)"
        t["overdue"] = "not established" if r["overdue"] is None else ("yes" if r["overdue"] else "no")
        t["due_date"] = t["due_date"] or "not established"
        out.append(t)
    return out


def cmd_responses(args) -> int:
    """Import responses per Party and Annex III entry (category): the current decision, its kind and conditions, when it was received, when it was due, and who is overdue (Article 10)."""
    import datetime as dt

    from ..responses.status import RESPONSE_COLUMNS, response_history, response_status, status_json, status_records
    from .main import _emit

    intake, responses = _load_responses(args.paths, getattr(args, "sheet", None))
    problems = Problems(list(intake.problems.items))
    if args.history:
        from ..output import records

        hist = response_history(responses).drop(columns=["chemical"]).rename(columns={"annex_iii_chemical": "chemical", "_source": "source"})
        _emit(records(hist, HISTORY_COLUMNS), args.format, HISTORY_COLUMNS, table_columns=["response_id", "party", "chemical", "category", "kind", "decision", "received_date", "published_date", "superseded_by"])
        return _report(problems)
    as_of = args.as_of or dt.date.today()
    status = response_status(responses, as_of=as_of, parties_=args.party, chemicals=args.chemical, problems=problems)
    rows = status_records(status) if args.format != "json" else []
    if args.format == "table":
        _emit(_table_rows(rows), "table", RESPONSE_COLUMNS)
        unknown = int(status["overdue"].isna().sum())
        if unknown:
            sys.stdout.write(
                f"\nAs of {as_of.isoformat()}: the due date is not established for {unknown:,} of {len(status):,} Party x entry rows — the DGD's dispatch date "
                "(data/reference/dgd_dispatch.csv) or the Party's date of entry into force (data/reference/parties.csv) is not known; nothing is guessed.\n"
            )
    elif args.format == "json":
        sys.stdout.write(status_json(status))
    else:
        _emit(rows, args.format, RESPONSE_COLUMNS)
    return _report(problems)


def _print_check(result: dict) -> None:
    w = sys.stdout.write
    w(f"{result['query']} → {result['to']} (as of {result['as_of']})\n")
    if not result["in_annex_iii"]:
        w(f"Not in Annex III. {result['note']}\n")
        return
    for e in result["entries"]:
        w(f"\nAnnex III: {e['chemical']} — {e['category']} (listed {e['listed']}); CAS {', '.join(e['cas_numbers']) or '—'}; HS {', '.join(e['hs_codes']) or 'none recorded'}\n")
        w(f"export_allowed: {e['export_allowed']}\n{e['explanation']}\n")
        for case in e["article_11_2"]:
            w(f"  {case}\n")
        if e["response"] and e["response"].get("legislative_measure"):
            w(f"Legislative or administrative measure: {e['response']['legislative_measure']}\n")
    if result["note"]:
        w(f"\n{result['note'].strip()}\n")
    if result["accompany"]:
        w("\nWhat must accompany the export:\n")
        for line in result["accompany"]:
            w(f"  - {line}\n")


def cmd_export_check(args) -> int:
    """May this chemical (name, CAS number or HS code) be exported to this Party? Annex III entry, the Party's current import response, export_allowed (yes, no, with_conditions, conditional) and what must accompany the export (Articles 10-13)."""
    from ..output import to_json
    from ..responses.export import export_check

    intake, responses = _load_responses(args.data)
    result = export_check(args.chemical, args.to, responses, as_of=args.as_of, category=args.category)
    if args.format == "json":
        sys.stdout.write(to_json(result))
    else:
        _print_check(result)
    return _report(intake.problems)


def cmd_circular(args) -> int:
    """Render the PIC Circular for a period: introduction and Appendices I-VI (notifications, SHPF proposals, Annex III, import responses and failures to respond, chemicals awaiting a second region, chemicals the COP has yet to decide on)."""
    from .. import config
    from ..documents.circular import circular_document
    from ..documents.language import build_in
    from ..documents.render import parse_formats, render_model
    from ..intake.reader import load
    from .rendered import _print_rendered

    formats = parse_formats(args.format)
    intake = load(args.data or None)
    model = build_in(args.lang, circular_document, data=intake, date_from=args.date_from, date_to=args.date_to)
    template = args.template or (config.templates_dir() / "circular.ipynb")
    rendered = render_model(model, out=Path(args.out or config.reports_dir()), formats=formats, template=template)
    _print_rendered(rendered)
    return _report(intake.problems)


def register_report(rsub, common) -> None:
    """Add ``crc report circular`` to the ``crc report`` sub-commands (called by :mod:`crc_tools.cli.reports`)."""
    from .main import _date

    sp = rsub.add_parser("circular", help="the PIC Circular, Appendices I-VI (notifications, SHPF proposals, Annex III, import responses and failures, Appendix V, Appendix VI)", description=cmd_circular.__doc__)
    sp.add_argument("--from", dest="date_from", type=_date, required=True, metavar="DATE", help="first day of the period, YYYY-MM-DD")
    sp.add_argument("--to", dest="date_to", type=_date, required=True, metavar="DATE", help="last day of the period; Annex III, the responses and the failures are as at this date")
    common(sp, jobs=False)
    sp.set_defaults(func=cmd_circular, jobs=None)


def register(sub, add) -> None:
    """Add ``crc responses`` and ``crc export-check`` to the ``crc`` parser (called by :mod:`crc_tools.cli.main`)."""
    from .main import _date

    sp = add("responses", cmd_responses, "import responses per Party and Annex III entry: decision, kind, conditions, received_date, due_date, overdue (Article 10)")
    sp.add_argument("--as-of", type=_date, default=None, metavar="DATE", help="judge on this date (default: today)")
    sp.add_argument("--party", nargs="+", action="extend", default=None, metavar="P", help="only these Parties (names or ISO 3166 alpha-3 codes)")
    sp.add_argument("--chemical", nargs="+", action="extend", default=None, metavar="C", help="only these Annex III entries (names, CAS numbers or HS codes)")
    sp.add_argument("--history", action="store_true", help="every response read, with superseded_by (the newer response of the same Party on the same entry)")

    sp = add("export-check", cmd_export_check, "may CHEMICAL (name, CAS number or HS code) be exported to PARTY: Annex III entry, import response, export_allowed, what must accompany it", paths=False, fmt=False)
    sp.add_argument("chemical", metavar="CHEMICAL", help="name, CAS number or HS code")
    sp.add_argument("--to", required=True, metavar="PARTY", help="the importing Party (name or ISO 3166 alpha-3 code)")
    sp.add_argument("--data", nargs="+", action="extend", default=None, metavar="PATH", help="import responses: case files, folders, bulk tables (default: the shipped sample responses in data/cases/responses/)")
    sp.add_argument("--category", choices=["pesticide", "industrial", "shpf"], default=None, help="the Annex III category, where the chemical is listed in several")
    sp.add_argument("--as-of", type=_date, default=None, metavar="DATE", help="check on this date (default: today)")
    sp.add_argument("--format", choices=["table", "json"], default="table", help="output format (default: readable text)")
