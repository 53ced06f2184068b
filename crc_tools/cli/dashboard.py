"""``crc dashboard``: serve the committee meeting dashboard; keep its logins.

::

    crc dashboard [--data PATH...] [--port N] [--address ADDR] [--logins FILE] [--meeting LABEL]
                  [--allow-host HOST]... [--public-reports] [--num-procs N] [--state-dir DIR]
                  [--secure-cookies] [--show]
    crc dashboard add-user NAME --role chair|member|viewer [--logins FILE] [--password-stdin] [--replace]
    crc dashboard remove-user NAME [--logins FILE]
    crc dashboard users [--logins FILE]

Without ``--data`` it serves the shipped sample data. Without a logins file everyone views and
nobody records. See docs/dashboard.md.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from ..errors import EXIT_BAD_RECORDS, EXIT_OK, EXIT_USAGE


def logins_path(given: Path | None, *, must_exist: bool = True) -> Path | None:
    """Return the logins file: ``--logins``, ``CRC_DASHBOARD_LOGINS``, or ``data/local/dashboard_logins.json``."""
    from .. import config

    if given is not None:
        return Path(given).expanduser()
    path = config.dashboard_logins_path()
    return path if path.exists() or not must_exist or os.environ.get("CRC_DASHBOARD_LOGINS") else None


def _read_password(from_stdin: bool) -> str | None:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        print("crc dashboard add-user: the two passwords differ; nothing changed", file=sys.stderr)
        return None
    return first


def cmd_add_user(args) -> int:
    """Add a login (or with --replace, change one): the password's argon2id hash and the role; the password never echoes."""
    from ..dashboard.auth import add_user

    path = logins_path(args.logins, must_exist=False)
    password = _read_password(args.password_stdin)
    if password is None:
        return EXIT_BAD_RECORDS
    print(f"crc dashboard: {add_user(path, args.name, args.role, password, replace=args.replace)} in {path}", file=sys.stderr)
    return EXIT_OK


def cmd_remove_user(args) -> int:
    """Remove a login: the user can no longer record, at once (open pages included)."""
    from ..dashboard.auth import remove_user

    path = logins_path(args.logins, must_exist=False)
    print(f"crc dashboard: {remove_user(path, args.name)} from {path}", file=sys.stderr)
    return EXIT_OK


def cmd_users(args) -> int:
    """List the logins (names and roles; never a hash)."""
    from ..dashboard.auth import read_logins
    from .main import _emit

    path = logins_path(args.logins, must_exist=False)
    rows = [{"user": u.user, "role": u.role} for u in read_logins(path).values()]
    _emit(rows, "table", ["user", "role"])
    return EXIT_OK


def cmd_dashboard(args) -> int:
    """Serve the committee meeting dashboard (the agenda, the meeting view per chemical, SHPF proposals, recording)."""
    from ..dashboard.serve import allowed_hosts, serve

    logins = logins_path(args.logins)
    if args.logins is not None and not Path(args.logins).expanduser().is_file():
        print(f"{args.logins}: the logins file does not exist; create it with `crc dashboard add-user NAME --role chair --logins {args.logins}`", file=sys.stderr)
        return EXIT_USAGE
    paths = [str(p) for p in args.data] if args.data else None
    hosts = allowed_hosts(args.address, args.allow_host or ())
    where = "localhost" if args.address in (None, "", "localhost", "127.0.0.1") else args.address

    def report(data) -> None:
        from .. import config

        for p in data.cases.intake.problems:
            print(p.format(), file=sys.stderr)
        n, items = len(data.cases.notifications), data.cases.notifications["_key"].nunique()
        print(f"crc dashboard: {n} notification(s), {items} chemical-category pair(s) from {config.describe_data(paths)}", file=sys.stderr)
        if logins is None:
            print("crc dashboard: no logins file (crc dashboard add-user NAME --role chair): everyone can view, nobody can record", file=sys.stderr)
        print(f"crc dashboard: serving at http://{where}:{args.port}/ to host names {', '.join(hosts)}; {args.num_procs} process(es) (Ctrl-C to stop)", file=sys.stderr, flush=True)

    serve(paths, port=args.port, address=args.address, logins=logins, meeting=args.meeting or "", hosts=args.allow_host or (), public_reports=args.public_reports,
          state_dir=args.state_dir, num_procs=args.num_procs, secure_cookies=args.secure_cookies, show=args.show, start=True, report=report)
    return EXIT_OK


def _logins_option(p) -> None:
    p.add_argument("--logins", type=Path, default=None, metavar="FILE", help="the logins file (default: CRC_DASHBOARD_LOGINS or data/local/dashboard_logins.json)")


def register(sub, add) -> None:
    """Add ``crc dashboard`` and its subcommands to the ``crc`` parser."""
    from ..dashboard.recording import DASHBOARD_ROLES

    sp = add("dashboard", cmd_dashboard, "serve the committee dashboard at the server root (over the given data, or the shipped sample data)", paths=False, fmt=False)
    sp.add_argument("--data", nargs="+", metavar="PATH", type=Path, default=None, help="case files, folders of them, bulk tables (default: the shipped sample data in data/cases/)")
    sp.add_argument("--port", type=int, default=5006, help="port to serve on (default: 5006)")
    sp.add_argument("--address", default="localhost", help="address to listen on (default: localhost; 0.0.0.0 to serve the meeting room's network)")
    _logins_option(sp)
    sp.add_argument("--basic-auth", dest="logins", type=Path, help=argparse_suppress())
    sp.add_argument("--meeting", default="", metavar="LABEL", help="the meeting's label, shown on every page and noted with every conclusion (e.g. CRC-21)")
    sp.add_argument("--allow-host", "--allow-websocket-origin", action="append", default=None, metavar="HOST", help="a host name browsers use to reach the server, besides localhost (repeat; * allows any)")
    sp.add_argument("--public-reports", action="store_true", help="serve the rendered documents in reports/ to visitors who did not sign in")
    sp.add_argument("--num-procs", type=int, default=1, metavar="N", help="server processes over the one register (default: 1; 0: one per CPU)")
    sp.add_argument("--state-dir", type=Path, default=None, metavar="DIR", help="journals and login sessions (default: CRC_DASHBOARD_STATE or data/local/dashboard)")
    sp.add_argument("--secure-cookies", action="store_true", help="mark cookies Secure although requests arrive over HTTP (behind a TLS-terminating proxy)")
    sp.add_argument("--show", action="store_true", help="open a browser")
    dsub = sp.add_subparsers(dest="dashboard_command", metavar="ACTION", parser_class=type(sp))

    p = dsub.add_parser("add-user", help="add a login (password read without echo, or from standard input)", description=cmd_add_user.__doc__)
    p.add_argument("name", metavar="NAME")
    p.add_argument("--role", required=True, choices=DASHBOARD_ROLES, help="chair and member record the committee's conclusions; viewer views")
    p.add_argument("--password-stdin", action="store_true", help="read the password from the first line of standard input (for scripts)")
    p.add_argument("--replace", action="store_true", help="change the password and role of an existing user")
    _logins_option(p)
    p.set_defaults(func=cmd_add_user)

    p = dsub.add_parser("remove-user", help="remove a login (effective at once)", description=cmd_remove_user.__doc__)
    p.add_argument("name", metavar="NAME")
    _logins_option(p)
    p.set_defaults(func=cmd_remove_user)

    p = dsub.add_parser("users", help="list the logins and their roles", description=cmd_users.__doc__)
    _logins_option(p)
    p.set_defaults(func=cmd_users)


def argparse_suppress():
    """Return argparse's marker for an option left out of the help (an older spelling)."""
    import argparse

    return argparse.SUPPRESS


__all__ = ["register", "cmd_dashboard", "cmd_add_user", "cmd_remove_user", "cmd_users", "logins_path", "EXIT_USAGE"]
