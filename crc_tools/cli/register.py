"""``crc register …``: record, import, export and read the register of determinations.

A thin layer over :mod:`crc_tools.register.store` (option for option); ``crc`` picks it
up through its ``_extra_commands`` hook::

    crc register init [--url URL] [--owner ROLE --writer ROLE]
    crc register record SUBJECT --criterion C --status S --by WHO --role R [--justification T] [--reference R]...
    crc register import FILE...            CSV, XLSX or JSON; bad rows reported as FILE:ROW: field: message
    crc register export [--format csv|json] [--out FILE] [--current] [--subject ID]
    crc register history [SUBJECT]
    crc register current

``record`` and ``import`` check subjects against the loaded data: ``--data PATH...``,
else the workspace's data (``crc.toml``), else the shipped sample data, as every other command.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

from ..errors import EXIT_BAD_RECORDS, EXIT_OK, EXIT_USAGE, Problems, UsageError  # noqa: F401

HISTORY_TABLE = ["entry_id", "recorded_at", "subject_id", "category", "criterion", "status", "role", "recorded_by", "supersedes", "superseded_by", "current"]
CURRENT_TABLE = ["entry_id", "subject_id", "category", "criterion", "status", "role", "recorded_by", "recorded_at", "justification"]
ENTRY_TABLE = ["entry_id", "subject_kind", "subject_id", "category", "criterion", "status", "role", "recorded_by", "recorded_at", "supersedes"]


def _plain(frame, columns: list[str], fmt: str) -> list[dict]:
    """Return frame rows as plain values: ISO times, ``None`` for missing, references as a list (JSON) or lines."""
    import pandas as pd

    from ..register.store import _iso

    rows = []
    for rec in frame[[c for c in columns if c in frame.columns]].to_dict("records"):
        out = {}
        for k, v in rec.items():
            if isinstance(v, pd.Timestamp):
                v = _iso(v)
            elif v is pd.NaT or v is pd.NA or (isinstance(v, float) and v != v):
                v = None
            elif hasattr(v, "item") and not isinstance(v, (str, list, dict)):
                v = v.item()
            if k == "references" and fmt == "json":
                v = [x for x in (v or "").split("\n") if x]
            out[k] = v
        rows.append(out)
    return rows


def _emit(rows: list[dict], fmt: str, columns: list[str], table_columns: list[str]) -> None:
    from ..output import render_table, to_csv, to_json

    if fmt == "json":
        sys.stdout.write(to_json(rows))
    elif fmt == "csv":
        sys.stdout.write(to_csv(rows, columns))
    else:
        sys.stdout.write(render_table(rows, table_columns))


def _known(args) -> tuple[dict, object]:
    """Return the subject ids of the loaded data per kind, and the intake."""
    from ..intake.reader import load
    from ..register.store import known_subject_ids

    intake = load(args.data or None, sheet=args.sheet)  # --data, else the workspace's data (crc.toml), else the sample data
    return {kind: known_subject_ids(intake, kind) for kind in ("notification", "shpf_proposal")}, intake


@contextmanager
def _where_read(args):
    """Add, to a refusal for an id the data do not hold, which data were read and how to add more."""
    from .. import config, workspace
    from ..register.store import RefusedEntry

    try:
        yield
    except RefusedEntry as exc:
        hint = f"; read: {config.describe_data(args.data or None)}; to add more: {workspace.HOW_TO_ADD}"
        exc.problems = [(f, m + hint if f == "subject_id" and "does not exist" in m else m) for f, m in exc.problems]
        raise


def _not_checked(kind: str, subject: str) -> None:
    print(f"register: subject_id: warning: SHPF proposals are not read by this version of crc-tools; proposal '{subject}' was not checked against the data", file=sys.stderr)


def _note_created(reg) -> None:
    if reg.created:
        print(f"register: note: created a new register at {reg.display_url} (the default register; `crc register init` creates one explicitly)", file=sys.stderr)


def cmd_init(args) -> int:
    """Create a new register (SQLite file or PostgreSQL tables), or bring an existing one to the current schema.

    With --owner and --writer (PostgreSQL, run with an administrator's URL), the tables are
    owned by the owner role and the writer role, the one the application connects as, may
    only read and append.
    """
    from ..register.admin import grant_roles
    from ..register.store import Register

    if bool(args.owner) != bool(args.writer):
        raise UsageError("give both --owner and --writer (or neither)")
    with Register(args.url, create=True) as reg:
        if args.owner and reg.dialect != "postgresql":
            raise UsageError("--owner and --writer apply to a register on PostgreSQL; a SQLite register is guarded by its file's permissions")
        print(reg.init(), file=sys.stderr)
        if args.owner:
            for line in grant_roles(reg, owner=args.owner, writer=args.writer):
                print(line, file=sys.stderr)
    return EXIT_OK


def cmd_record(args) -> int:
    """Record one determination (for scripted use); print the entry."""
    from ..register.store import Register, document_hash, normalize_kind

    kind = normalize_kind(args.kind) or args.kind
    known, intake = _known(args)
    ids = known.get(kind)
    if ids is None and kind == "shpf_proposal":
        _not_checked(kind, args.subject)
    doc_hash = args.document_hash or ""
    if not doc_hash and kind == "notification" and args.subject in (ids or set()):
        sources = intake.notifications.loc[intake.notifications["notification_id"] == args.subject, "_source"].astype(str).unique()
        if len(sources) == 1 and Path(sources[0]).suffix.lower() in (".yaml", ".yml", ".json") and Path(sources[0]).is_file():
            doc_hash = document_hash(sources[0])
    if kind == "notification":
        from ..notifications.listing import listed_lines

        for line in listed_lines(intake.notifications[intake.notifications["notification_id"].astype(str) == args.subject]):
            print(line, file=sys.stderr)
    if ids is not None and args.subject not in ids and intake.problems.errors:
        print(f"register: note: {len(intake.problems.errors)} record(s) of the data were rejected; run crc validate to see why", file=sys.stderr)
    with Register() as reg, _where_read(args):
        entry = reg.record(
            args.subject,
            args.criterion,
            args.status,
            justification=args.justification or "",
            references=args.reference or (),
            recorded_by=args.by,
            role=args.role,
            subject_kind=kind,
            category=args.category or "",
            supersedes=args.supersedes,
            document_version=args.document_version or "",
            document_hash=doc_hash,
            known_subjects=ids,
            origin="crc register record",
        )
        where = reg.display_url
        _note_created(reg)
    row = entry.as_dict()
    if args.format != "json":
        row["references"] = "\n".join(row["references"])
    _emit([row], args.format, list(row), ENTRY_TABLE)
    print(f"recorded entry {entry.entry_id} in {where}", file=sys.stderr)
    return EXIT_OK


def cmd_import(args) -> int:
    """Import determinations from CSV, XLSX or JSON files; keep the good rows, report the bad."""
    from ..register.store import EXPORT_COLUMNS, Register, import_file

    known, _ = _known(args)
    problems = Problems()
    imported, present = [], 0
    with Register() as reg:
        for path in args.files:
            result = import_file(reg, path, known_subjects=known, sheet=args.sheet)
            problems.extend(result.problems)
            imported.extend(result.imported)
            present += len(result.already_present)
            if known.get("shpf_proposal") is None and any(e.subject_kind == "shpf_proposal" for e in result.imported):
                print(f"{path}: subject_id: warning: SHPF proposals are not read by this version of crc-tools; proposal ids were not checked against the data", file=sys.stderr)
        where = reg.display_url
        _note_created(reg)
    rows = [e.as_dict() for e in imported]
    if args.format != "json":
        for r in rows:
            r["references"] = "\n".join(r["references"])
    _emit(rows, args.format, EXPORT_COLUMNS, ENTRY_TABLE)
    for p in problems:
        print(p.format(), file=sys.stderr)
    n_bad = len({(p.source, p.record) for p in problems.errors})
    print(f"{len(imported)} entr{'y' if len(imported) == 1 else 'ies'} imported into {where}, {present} already present, {n_bad} rejected", file=sys.stderr)
    return EXIT_BAD_RECORDS if problems.errors else EXIT_OK


def cmd_export(args) -> int:
    """Export the register's entries (every entry, or the current view) as CSV or JSON."""
    from ..register.store import Register, export_rows, format_export
    from ..writers import write_file

    fmt = args.format
    if fmt is None:
        fmt = "json" if args.out is not None and args.out.suffix.lower() == ".json" else "csv"
    with Register() as reg:
        rows = export_rows(reg, current_only=args.current, subject=args.subject)
    text = format_export(rows, fmt)
    n = len(rows)
    if args.out is None:
        sys.stdout.write(text)
        return EXIT_OK
    write_file(args.out, text, force=args.force, parents=True)
    print(f"{n} entr{'y' if n == 1 else 'ies'} exported to {args.out}", file=sys.stderr)
    return EXIT_OK


def cmd_history(args) -> int:
    """Print every entry (of one subject, or all), superseded ones marked with what superseded them."""
    from ..register.store import EXPORT_COLUMNS, Register

    with Register() as reg:
        frame = reg.history(args.subject)
    columns = EXPORT_COLUMNS + ["current", "superseded_by", "superseded_how"]
    _emit(_plain(frame, columns, args.format), args.format, columns, HISTORY_TABLE)
    if args.subject and frame.empty:
        print(f"register: subject_id: no entries for '{args.subject}'", file=sys.stderr)
        return EXIT_BAD_RECORDS
    return EXIT_OK


def cmd_current(args) -> int:
    """Print the current view: the latest entry per subject, category, criterion and role."""
    from ..register.store import EXPORT_COLUMNS, Register

    with Register() as reg:
        frame = reg.current()
    _emit(_plain(frame, EXPORT_COLUMNS, args.format), args.format, EXPORT_COLUMNS, CURRENT_TABLE)
    return EXIT_OK


def cmd_register_help(args) -> int:
    """Keep the register of determinations: an append-only log of who concluded what, when, on which document."""
    args._register_parser.print_help(sys.stderr)
    return EXIT_USAGE


def register(sub, add) -> None:
    """Add ``crc register`` and its subcommands to the ``crc`` parser."""
    from ..register.roles import RECORDING_ROLES as ROLES
    from ..register.store import STATUSES, SUBJECT_KINDS

    sp = add("register", cmd_register_help, "the register of determinations: record, import, export, history", paths=False, fmt=False)
    sp.set_defaults(_register_parser=sp)
    rsub = sp.add_subparsers(dest="register_command", metavar="ACTION", parser_class=type(sp))

    def action(name, func, help_, *, fmt=True):
        p = rsub.add_parser(name, help=help_, description=func.__doc__)
        if fmt:
            p.add_argument("--format", choices=["table", "json", "csv"], default="table", help="output format (default: a readable table)")
        p.set_defaults(func=func)
        return p

    from .main import add_sheet_option

    def data_option(p):
        p.add_argument("--data", nargs="+", metavar="PATH", default=None, help="case files, folders, bulk tables the subjects must exist in (default: the workspace's data, else the sample data in data/cases/)")
        add_sheet_option(p)

    p = action("init", cmd_init, "create a new register (or bring one to the current schema); on PostgreSQL, --owner/--writer roles", fmt=False)
    p.add_argument("--url", default=None, metavar="URL", help="the register to create (default: CRC_DATABASE_URL, else data/local/register.sqlite); sqlite:///PATH or postgresql+psycopg://USER@HOST/DB")
    p.add_argument("--owner", default=None, metavar="ROLE", help="PostgreSQL: the role that owns the tables (run as an administrator)")
    p.add_argument("--writer", default=None, metavar="ROLE", help="PostgreSQL: the role the application connects as; granted SELECT and INSERT only")

    p = action("record", cmd_record, "record one determination (for scripted use)")
    p.add_argument("subject", metavar="SUBJECT", help="notification id (or SHPF proposal id with --kind shpf_proposal)")
    p.add_argument("--criterion", required=True, help="Annex II criterion such as '(b)(iii)' (Annex IV Part 3 '(a)'-'(e)' for proposals), or 'overall'")
    p.add_argument("--status", required=True, help=f"one of {', '.join(STATUSES)}")
    p.add_argument("--justification", default="", help="why (required unless the status is met)")
    p.add_argument("--reference", action="append", metavar="REF", help="a document and page relied on (repeat for several)")
    p.add_argument("--by", required=True, metavar="WHO", help="who concluded it (a person, a task group, 'CRC-20')")
    p.add_argument("--role", required=True, help=f"one of {', '.join(ROLES)}")
    p.add_argument("--kind", default="notification", help=f"subject kind: {', '.join(SUBJECT_KINDS)} (default: notification)")
    p.add_argument("--category", default="", help="pesticide or industrial, when the determination concerns one category (default: every category)")
    p.add_argument("--supersedes", type=int, default=None, metavar="ENTRY", help="the entry this one corrects")
    p.add_argument("--document-version", default="", metavar="V", help="the version of the notification the determination was made on (document symbol, version label)")
    p.add_argument("--document-hash", default="", metavar="H", help="hash of that version (default: sha256 of the notification's case file, when it has one)")
    data_option(p)

    p = action("import", cmd_import, "import determinations from CSV, XLSX or JSON (as exported, or a task group's table)")
    p.add_argument("files", nargs="+", metavar="FILE")
    data_option(p)

    p = action("export", cmd_export, "export the register's entries as CSV or JSON", fmt=False)
    p.add_argument("--format", choices=["csv", "json"], default=None, help="csv (default) or json; taken from --out's suffix when not given")
    p.add_argument("--out", type=Path, default=None, metavar="FILE", help="write to FILE atomically (default: standard output); an existing FILE is kept unless --force")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists (a regular file only: never a link, folder or device)")
    p.add_argument("--current", action="store_true", help="only the current view, not the superseded entries")
    p.add_argument("--subject", default=None, metavar="ID", help="only the entries about one notification or proposal")

    p = action("history", cmd_history, "every entry, superseded ones marked with what superseded them")
    p.add_argument("subject", nargs="?", default=None, metavar="SUBJECT", help="one notification or proposal id (default: every entry)")

    action("current", cmd_current, "the current view: latest entry per subject, category, criterion and role")
