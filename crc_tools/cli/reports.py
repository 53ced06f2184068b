"""The document commands: ``crc dgd``, ``crc rationale`` and ``crc report synopsis``.

``crc dgd --variant shpf`` (or ``--category shpf``) drafts the DGD of a severely hazardous
pesticide formulation; ``crc rationale`` takes notification ids and SHPF proposal ids.

Each mirrors :func:`crc_tools.documents.render.render` option for option (``--data`` is ``data``,
``--out`` is ``out``, ``--format html,docx,ipynb`` is ``formats`` …) and adds no logic of
its own: it prints where the documents went and, for a DGD, the internal-consistency
findings. Several chemicals or notifications in one call are rendered as a batch
(:func:`crc_tools.documents.render.render_many`), reusing kernels.

Exit status: 0 when every document was written; 1 when a document failed (its partial
notebook is named), the data had bad records, or ``--strict`` and a DGD's consistency
check found a problem; 2 for usage errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .rendered import _out, _print_rendered  # shared with crc report circular

EXIT_OK, EXIT_FAILED = 0, 1


def _report_problems(problems) -> int:
    for p in problems:
        print(p.format(), file=sys.stderr)
    return EXIT_FAILED if any(p.severity == "error" for p in problems) else EXIT_OK


def _data(args, *, intake: bool = False):
    """Return what the documents are built from: the ``--data`` paths, or, with ``--sheet`` (or ``intake``), what they hold."""
    if not intake and not getattr(args, "sheet", None):
        return args.data or None
    from ..intake.reader import load

    return load(args.data or None, sheet=getattr(args, "sheet", None))


def _run(requests, args) -> int:
    """Render one request (mirroring ``render``) or a batch; print results; return the exit status."""
    from ..documents.casedata import CaseData
    from ..documents.render import Failed, parse_formats, render, render_many
    from ..errors import CrcError

    formats = parse_formats(args.format)
    out = Path(args.out) if args.out else None
    code = EXIT_OK
    problems = 0
    if len(requests) == 1:
        req = requests[0]
        try:
            r = render(
                document=req.kind,
                chemical=req.chemical,
                category=req.category,
                notification_id=req.notification_id,
                data=_data(args),
                date_from=req.date_from,
                date_to=req.date_to,
                out=out,
                formats=formats,
                template=args.template,
                variant=req.variant,
                symbol=req.symbol,
                lang=req.lang,
            )
        except CrcError as exc:
            _report_problems(getattr(exc, "problems", []))
            if exc.field_name in ("chemical", "notification_id") and "in the data" in exc.message:  # name the data read, and how to add more
                from .. import config, workspace

                exc.message += f"; read: {config.describe_data(args.data or None)}; to add more: {workspace.HOW_TO_ADD}"
            raise
        code = max(code, _report_problems(r.problems))
        problems += _print_rendered(r)
    else:
        data = CaseData.from_intake(_data(args, intake=True))
        code = max(code, _report_problems(data.problems))
        results = render_many(requests, data=data, out=out, formats=formats, jobs=args.jobs, template=args.template)
        for r in results:
            if isinstance(r, Failed):
                code = EXIT_FAILED
                print(f"{r.label}: {r.message}", file=sys.stderr)
            else:
                problems += _print_rendered(r)
                _out()
    if problems and getattr(args, "strict", False):
        code = EXIT_FAILED
    return code


def cmd_dgd(args) -> int:
    """Render the draft decision guidance document of a chemical, or with --variant shpf of a severely hazardous pesticide formulation (Article 7.1): HTML without code, DOCX for Word."""
    from ..documents.render import Request

    return _run([Request(kind="dgd", chemical=c, category=args.category, variant=args.variant, symbol=args.symbol, lang=args.lang) for c in args.chemicals], args)


def cmd_rationale(args) -> int:
    """Render the rationale of a notification (each Annex II criterion) or of an SHPF proposal (each Annex IV Part 3 criterion): scope, recorded determinations with the aid shown as an aid, conclusion."""
    from ..documents.render import Request

    return _run([Request(kind="rationale", notification_id=n, category=args.category, symbol=args.symbol, lang=args.lang) for n in args.notification_ids], args)


def cmd_synopsis(args) -> int:
    """Render the six-monthly synopsis of notifications and SHPF proposals (Articles 5.4, 6.2; PIC Circular Appendices I, II and V)."""
    from ..documents.render import Request

    return _run([Request(kind="synopsis", date_from=args.date_from, date_to=args.date_to, symbol=args.symbol, lang=args.lang)], args)


def _common(sp, *, jobs: bool = True) -> None:
    from ..documents.render import FORMATS

    sp.add_argument("--data", nargs="+", action="extend", metavar="PATH", default=None, help="case files, folders of them, bulk tables (default: the shipped sample data in data/cases/)")
    sp.add_argument("--out", type=Path, default=None, metavar="DIR", help="folder for the documents (default: reports/)")
    sp.add_argument("--format", default="html,docx", metavar="FORMATS", help=f"comma-separated output formats among {', '.join(FORMATS)} (default: html,docx; pdf converts the docx with LibreOffice)")
    sp.add_argument("--symbol", default=None, metavar="SYMBOL", help="document symbol for the running header, e.g. UNEP/FAO/RC/CRC.22/3 (default: a placeholder to complete)")
    sp.add_argument("--template", type=Path, default=None, metavar="NOTEBOOK", help=argparse.SUPPRESS)
    sp.add_argument("--lang", choices=["en", "fr", "es"], default="en", help="language of the suite's own words (default: en); notification content stays as submitted; wording without an official text stays English, with a note (docs/languages.md)")
    from .main import add_sheet_option

    add_sheet_option(sp)
    if jobs:
        sp.add_argument("--jobs", type=int, default=None, metavar="N", help="worker processes for several documents (default: the machine's cores for large batches, else 1)")


def register(sub, add) -> None:
    """Add the document commands to the ``crc`` parser (called by :mod:`crc_tools.cli.main`)."""
    from .main import _date

    sp = add("dgd", cmd_dgd, "draft decision guidance document of a chemical or a severely hazardous pesticide formulation (HTML without code, DOCX)", paths=False, fmt=False)
    sp.add_argument("chemicals", nargs="+", metavar="CHEMICAL", help="common name, CAS number or Annex III name; for --variant shpf the formulation's name, a trade name or a proposal id (several: a batch)")
    sp.add_argument("--category", choices=["pesticide", "industrial", "shpf"], default=None, help="category of the listing (default: the one the committee recommends); shpf drafts the DGD of a severely hazardous pesticide formulation")
    sp.add_argument("--strict", action="store_true", help="exit 1 when the internal-consistency check finds a problem")
    sp.add_argument("--variant", default="fra", metavar="NAME", help="which DGD: fra (a banned or severely restricted chemical, Article 5; the default) or shpf (a severely hazardous pesticide formulation, Article 6 with Annex IV)")
    _common(sp)

    sp = add("rationale", cmd_rationale, "rationale of a notification against Annex II, or of an SHPF proposal against Annex IV Part 3, criterion by criterion", paths=False, fmt=False)
    sp.add_argument("notification_ids", nargs="+", metavar="ID", help="notification id, or SHPF proposal id (the rationale against Annex IV Part 3)")
    sp.add_argument("--category", choices=["pesticide", "industrial", "shpf"], default=None, help="category, when the notification covers both (shpf: the id is a proposal's)")
    _common(sp)

    rp = sub.add_parser("report", help="periodic reports: synopsis (Article 5.4), the PIC Circular", description="Periodic reports of the Secretariat.")
    rsub = rp.add_subparsers(dest="report", metavar="REPORT", parser_class=type(rp), required=True)
    sp = rsub.add_parser("synopsis", help="six-monthly synopsis of notifications and SHPF proposals (PIC Circular Appendices I, II and V)", description=cmd_synopsis.__doc__)
    sp.add_argument("--from", dest="date_from", type=_date, default=None, metavar="DATE", help="first day of the period, YYYY-MM-DD")
    sp.add_argument("--to", dest="date_to", type=_date, default=None, metavar="DATE", help="last day of the period (default: six months from --from, or the half-year of the latest receipt)")
    _common(sp, jobs=False)
    sp.set_defaults(func=cmd_synopsis, jobs=None)
    from .responses import register_report  # crc report circular: the PIC Circular, Appendices I-VI

    register_report(rsub, _common)
