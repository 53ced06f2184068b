"""``crc init`` and ``crc new``: a workspace for one's own cases, and case files from the official forms.

A thin layer over :mod:`crc_tools.workspace` and :mod:`crc_tools.intake.newcase`::

    crc init [DIR] [--with-samples] [--register URL]
    crc new notification|proposal|response [--party P] [--chemical C] [--cas N] [--category K] [--fra-type T] [--date D] [--out FILE]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..errors import EXIT_OK


def _shown(path: Path) -> str:
    """Return a path as the user would type it from the working folder."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return rel if not rel.startswith("../..") else str(path)


def cmd_init(args) -> int:
    """Make a workspace: cases/ for your case files, reports/ for documents, crc.toml naming the data and the register."""
    from .. import config, workspace

    extra = (str(config.cases_dir()),) if args.with_samples else ()
    notebooks = config.PROJ_ROOT / "notebooks"
    ws = workspace.init(args.dir, register_url=args.register or workspace.DEFAULT_REGISTER, extra_data=extra, notebooks=notebooks if notebooks.is_dir() else None)
    where = _shown(ws.root)
    data = ", ".join(_shown(p) for p in ws.data_paths)
    out = [
        f"Workspace made in {where}:",
        f"  {_shown(ws.file):<28} the settings: data {data}; register {ws.register_url}",
        f"  {_shown(ws.cases_dir) + '/':<28} your case files (YAML/JSON) and bulk tables (CSV/XLSX)",
        f"  {_shown(ws.reports_dir) + '/':<28} rendered documents (DGDs, rationales, the synopsis)",
    ]
    if (ws.root / "notebooks").is_dir():
        out.append(f"  {_shown(ws.root / 'notebooks') + '/':<28} the review notebooks (make lab WORKSPACE={where})")
    out += [
        "Next:",
        *([f"  cd {where}"] if Path.cwd().resolve() != ws.root else []),
        "  crc new notification --party Kenya --chemical carbofuran --category pesticide --fra-type ban --date 2024-06-01",
        "  (edit the file it writes in cases/: fill in every TODO), then",
        "  crc validate      # what is still missing, in the form's terms",
        "  crc verify        # Annex I completeness and the Article 5 deadlines",
        "  crc score         # Annex II, criterion by criterion",
        "Every crc command run in this folder or below it reads crc.toml; so do the notebooks and the dashboard.",
    ]
    print("\n".join(out))
    return EXIT_OK


def cmd_new(args) -> int:
    """Write a case file from the official form (every item present, commented; TODO where you must fill in)."""
    from ..intake.newcase import Options, write_case_file

    opts = Options(
        party=args.party, chemical=args.chemical, cas=args.cas, category=args.category, fra_type=args.fra_type,
        date=args.date.isoformat() if args.date else None, formulation=args.formulation, formulation_type=args.formulation_type,
        concentration=args.concentration, record_id=args.id,
    )
    path = write_case_file(args.kind, opts, out=args.out)
    print(f"{_shown(path)}: new {args.kind} written; fill in every TODO, then run crc validate", file=sys.stderr)
    print(_shown(path))
    return EXIT_OK


def register(sub, add) -> None:
    """Add ``crc init`` and ``crc new`` to the ``crc`` parser."""
    from .main import _date

    sp = add("init", cmd_init, "make a workspace: cases/, reports/ and crc.toml (data paths, register)", paths=False, fmt=False)
    sp.add_argument("dir", nargs="?", default=".", metavar="DIR", help="the folder to make a workspace of (default: the working folder)")
    sp.add_argument("--with-samples", action="store_true", help="also read the shipped sample cases (data/cases) in this workspace")
    sp.add_argument("--register", default=None, metavar="URL", help="the register's database URL (default: sqlite:///register.sqlite beside crc.toml)")

    sp = add("new", cmd_new, "a case file from the official form, into the workspace's cases/", paths=False, fmt=False)
    sp.add_argument("kind", choices=["notification", "proposal", "response"], help="which form")
    sp.add_argument("--party", help="the notifying (or proposing, or importing) Party: name or ISO 3166 alpha-3 code")
    sp.add_argument("--chemical", help="the chemical's common name (for a proposal: its active ingredient)")
    sp.add_argument("--cas", action="append", metavar="N", help="a CAS number (repeat for several)")
    sp.add_argument("--category", choices=["pesticide", "industrial"], help="the category of the final regulatory action")
    sp.add_argument("--fra-type", choices=["ban", "severe_restriction"], help="banned or severely restricted")
    sp.add_argument("--date", type=_date, default=None, help="the date the action entered into force (YYYY-MM-DD)")
    sp.add_argument("--formulation", help="(proposal) the formulation's name")
    sp.add_argument("--formulation-type", help="(proposal) CropLife / FAO formulation code: EC, SL, DP, UL …")
    sp.add_argument("--concentration", action="append", metavar="C", help="(proposal) concentration of each active ingredient, with its unit ('640 g/L')")
    sp.add_argument("--id", default=None, help="the record's id (default: ISO code, chemical and year, e.g. KEN-CARBOFURAN-2024)")
    sp.add_argument("--out", type=Path, default=None, metavar="FILE", help="where to write (default: the workspace's cases/ folder)")
