"""``crc dashboard``: serve the committee meeting dashboard at the server root.

::

    crc dashboard [--data PATH...] [--port N] [--address ADDR] [--basic-auth FILE] [--roles FILE|user=role,...]
                  [--meeting LABEL] [--allow-websocket-origin HOST[:PORT]]... [--show]

Without ``--data`` it serves the shipped sample data in ``data/cases/``. Without a logins
file everyone views and nobody records (see README, "The committee dashboard").
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import EXIT_BAD_RECORDS, EXIT_OK, EXIT_USAGE, Problems  # noqa: F401


def cmd_dashboard(args) -> int:
    """Serve the committee meeting dashboard (overview, chemical pages, SHPF proposals, recording)."""
    from .. import config
    from ..dashboard.data import MeetingData, parse_roles
    from ..dashboard.views import serve

    paths = [str(p) for p in args.data] if args.data else None
    credentials = args.basic_auth or config.dashboard_credentials_path()
    roles = parse_roles(args.roles if args.roles is not None else config.dashboard_roles_setting())
    data = MeetingData.shared(paths, meeting=args.meeting or "")
    problems = Problems()
    problems.extend(data.intake.problems)
    for p in problems:
        print(p.format(), file=sys.stderr)
    n = len(data.intake.notifications)
    where = "localhost" if args.address in (None, "", "localhost", "127.0.0.1") else args.address
    print(f"crc dashboard: {n} notification(s), {len(data.overview())} chemical-category pair(s) from {config.describe_data(paths)}", file=sys.stderr)
    if credentials is None:
        print("crc dashboard: no logins file (--basic-auth, CRC_DASHBOARD_CREDENTIALS): everyone can view, nobody can record", file=sys.stderr)
    else:
        recorders = sorted(u for u, r in roles.items() if r != "viewer")
        print(f"crc dashboard: sign-in with {credentials}; may record: {', '.join(recorders) or 'nobody (no roles set: --roles, CRC_DASHBOARD_ROLES)'}", file=sys.stderr)
    print(f"crc dashboard: serving at http://{where}:{args.port}/ (Ctrl-C to stop)", file=sys.stderr, flush=True)
    serve(
        paths,
        port=args.port,
        address=args.address,
        basic_auth=credentials,
        roles=args.roles if args.roles is not None else config.dashboard_roles_setting(),
        meeting=args.meeting or "",
        websocket_origin=args.allow_websocket_origin,
        show=args.show,
        start=True,
    )
    return EXIT_OK


def register(sub, add) -> None:
    """Add ``crc dashboard`` to the ``crc`` parser."""
    sp = add("dashboard", cmd_dashboard, "serve the committee dashboard at the server root (over the given data, or the shipped sample data)", paths=False, fmt=False)
    sp.add_argument("--data", nargs="+", metavar="PATH", type=Path, default=None, help="case files, folders of them, bulk tables (default: the shipped sample data in data/cases/)")
    sp.add_argument("--port", type=int, default=5006, help="port to serve on (default: 5006)")
    sp.add_argument("--address", default="localhost", help="address to listen on (default: localhost; 0.0.0.0 to serve the meeting room's network)")
    sp.add_argument("--basic-auth", type=Path, default=None, metavar="FILE", help="logins file, JSON {\"user\": \"password\"}, kept out of the repository (default: CRC_DASHBOARD_CREDENTIALS or data/local/dashboard_credentials.json)")
    sp.add_argument("--roles", default=None, metavar="FILE|USER=ROLE,...", help="who records: YAML/JSON file of user: role, or alice=chair,bob=member (roles: chair, member, secretariat, viewer; default: CRC_DASHBOARD_ROLES or data/local/dashboard_roles.yaml)")
    sp.add_argument("--meeting", default="", metavar="LABEL", help="the meeting, noted with every conclusion recorded (e.g. CRC-21)")
    sp.add_argument("--allow-websocket-origin", action="append", default=None, metavar="HOST[:PORT]", help="host names browsers use to reach the server (repeat; needed with --address 0.0.0.0)")
    sp.add_argument("--show", action="store_true", help="open a browser")
