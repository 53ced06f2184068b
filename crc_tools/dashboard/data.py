"""What the committee dashboard shows and records, without Panel.

:class:`MeetingData` holds one meeting: the case data read once per server (shared by every
session, and by the processes ``--num-procs`` forks), and per server process the register,
the durable journal and the latest snapshot of determinations (:class:`~crc_tools.dashboard.live.Live`).
Its methods return tables of words ready to show (:mod:`~crc_tools.dashboard.tables`,
:mod:`~crc_tools.dashboard.records`, :mod:`~crc_tools.dashboard.shpf_tables`), cached per
snapshot, and record the committee's conclusions (:meth:`MeetingData.record`).

Whatever the register's state every table renders from the case files; :meth:`MeetingData.notice`
says in words what is unavailable.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections import OrderedDict
from pathlib import Path

import pandas as pd

from .. import config
from ..i18n import N_
from . import imports, records, shpf_tables, tables
from .cases import Cases
from .recording import RecordingDesk

_SHARED: dict[tuple, MeetingData] = {}


class Cache:
    """A small least-recently-used cache of built tables and chart specs, safe across threads."""

    def __init__(self, size: int = 128):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, token, build):
        """Return the value under ``token``, built once by ``build()``."""
        with self._lock:
            if token in self._items:
                self._items.move_to_end(token)
                return self._items[token]
        value = build()
        with self._lock:
            self._items[token] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value
_SHARED_LOCK = threading.Lock()


def default_state_dir() -> Path:
    """Return the dashboard's state folder: its journals and login sessions (:func:`crc_tools.config.dashboard_state_dir`)."""
    return config.dashboard_state_dir()


def _reports(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in (".html", ".docx", ".pdf"))
    except OSError:
        return []


def documents_of(folder: Path, sub: pd.DataFrame) -> list[dict]:
    """Return the documents in ``folder`` of one agenda item's notifications: its draft DGD and their rationales (``kind``, ``name``)."""
    from ..text import safe_filename

    if sub.empty:
        return []
    chem, category = str(sub["_chemical"].iat[0]), str(sub["category"].iat[0])
    stems = {f"dgd-{safe_filename(chem)}-{category}": (N_("draft decision guidance document"), "")}
    stems.update({f"rationale-{safe_filename(n)}-{category}": (N_("rationale, notification {notification}"), n) for n in sub["notification_id"].astype(str)})
    out = []
    for p in _reports(folder):
        stem = p.name.split(".", 1)[0]
        if stem in stems:
            message, notification = stems[stem]
            notes = p.name.endswith(".notes.html")
            out.append({"kind": message.format(notification=notification) + _NOTES.get(notes, ""), "name": p.name, "message": message, "notification": notification, "notes": notes})
    return out


_NOTES = {True: " (drafting notes)"}


def drafted_keys(folder: Path, status: pd.DataFrame) -> set[str]:
    """Return the agenda items whose draft DGD is in ``folder``."""
    from ..text import safe_filename

    stems = {p.name.split(".", 1)[0] for p in _reports(folder) if p.name.startswith("dgd-")}
    if not stems:
        return set()
    return {tables.chemical_key(c, cat) for c, cat in zip(status["chemical"], status["category"], strict=True) if f"dgd-{safe_filename(c)}-{cat}" in stems}


class MeetingData(RecordingDesk):
    """The data of one committee meeting, shared by the sessions of a server.

    Parameters
    ----------
    paths : list of str or Path, optional
        Case files, folders and bulk tables (default: the shipped sample data).
    register_url : str, optional
        The register's database URL (default: the configured one). Each process opens its own.
    register : Register, optional
        A register to use in this process (tests).
    reports_dir, state_dir : Path, optional
        Rendered documents (default ``reports/``); journals (default :func:`default_state_dir`).
    poll_seconds : float
        How often, at most, the register is asked for new entries.
    today : datetime.date, optional
        The reference date for deadlines.
    meeting : str
        The meeting's label (``CRC-21``), shown on every page and noted with every conclusion.
    cases : Cases, optional
        Case data already read (tests and benchmarks share one); ``paths`` and ``today`` are then not used.
    check_identity : callable, optional
        Called with the session's :class:`Identity` before every write; returns the identity
        as it stands now (the logins file and the login session are read again) or raises
        :class:`NotAllowed`.
    """

    def __init__(self, paths=None, *, register_url: str | None = None, register=None, reports_dir: Path | None = None, state_dir: Path | None = None,
                 poll_seconds: float = 0.5, today: dt.date | None = None, meeting: str = "", check_identity=None, cases: Cases | None = None):
        self.cases = cases if cases is not None else Cases(paths, today=today)
        self.register_url = register_url or (register.database_url if register is not None else config.database_url())
        self._register = register
        self.reports_dir = Path(reports_dir) if reports_dir is not None else config.reports_dir()
        self.state_dir = Path(state_dir) if state_dir is not None else default_state_dir()
        self.poll_seconds = poll_seconds
        self.meeting = meeting
        self.check_identity = check_identity
        self._live = None
        self._live_lock = threading.Lock()
        self._cache = Cache()

    # ----------------------------------------------------------------- sharing and the live state

    @property
    def live(self):
        """Return this process's register, journal and snapshot (made after a fork, never shared across processes)."""
        live = self._live
        return live if live is not None and live.pid == os.getpid() else _live_for(self)

    @property
    def snapshot(self):
        """Return the latest snapshot of this process."""
        return self.live.snapshot

    def refresh(self, force: bool = False) -> bool:
        """Store waiting conclusions and look for new register entries (never raises); return whether anything changed."""
        return self.live.refresh(force)

    def notice(self) -> str:
        """Return what is unavailable, in words (``""`` when all is well)."""
        return self.live.notice()

    @property
    def register_problem(self) -> str | None:
        """Return why the register cannot be reached, in words (``None`` when it can)."""
        return self.live.problem

    def cached(self, name: str, key, build):
        """Return ``build()`` cached for this snapshot under (name, key): tables and chart specs shared by every session."""
        return self._cache.get((name, key, self.snapshot.serial), build)

    # ----------------------------------------------------------------- tables

    def overview(self) -> pd.DataFrame:
        """Return every agenda item (chemical and category): stage, regions, what is missing (:func:`tables.overview`)."""
        return self.cached("overview", None, lambda: tables.overview(self.snapshot, self.cases.notifications, self.cases.deadline_per_key(), self._dgd_drafted()))

    def item(self, key: str) -> dict:
        """Return one agenda item's overview row as plain values (empty when unknown)."""
        o = self.overview()
        rows = o[o["key"] == key]
        return rows.iloc[0].to_dict() if len(rows) else {}

    def notifications_of(self, key: str) -> pd.DataFrame:
        """Return an agenda item's notifications (:func:`tables.notifications_of`)."""
        from ..notifications.verification import verification_status

        def build():
            sub = self.cases.of(key)
            return tables.notifications_of(sub, self.snapshot, verification_status(sub, today=self.cases.today, with_deadlines=False)) if len(sub) else tables.notifications_of(sub, self.snapshot, sub)

        return self.cached("notifications", key, build)

    def matrix(self, key: str) -> pd.DataFrame:
        """Return an agenda item's criterion-by-notification matrix (:func:`records.matrix`)."""
        return self.cached("matrix", key, lambda: records.matrix(self.cases.of(key), self.snapshot))

    def regions_of(self, key: str) -> pd.DataFrame:
        """Return an agenda item's seven PIC regions: notified, verified, meets Annex II."""
        return tables.regions_of(self.item(key), self.notifications_of(key))

    def history(self, subject_id: str, kind: str = "notification") -> pd.DataFrame:
        """Return every determination recorded on a notification or proposal, newest first."""
        case = self.cases.intake.determinations if kind == "notification" else getattr(self.snapshot.proposals, "determinations", pd.DataFrame())
        return records.history(self.snapshot, case, subject_id, id_column="notification_id" if kind == "notification" else "proposal_id")

    def responses_of(self, key: str) -> pd.DataFrame:
        """Return the Parties' import responses on an agenda item listed in Annex III (:func:`imports.responses_of`)."""
        return self.cached("responses", key, lambda: imports.responses_of(self.cases.intake, self.item(key), self.cases.today))

    def recent(self) -> pd.DataFrame:
        """Return the ten latest register entries."""
        return self.cached("recent", None, lambda: records.recent(self.snapshot))

    def proposals(self) -> shpf_tables.ShpfTables | None:
        """Return the SHPF proposals' tables (``None`` when no proposal was loaded)."""
        return self.cached("shpf", None, lambda: shpf_tables.build(self.snapshot.proposals, self.cases.today))

    def deadlines(self) -> pd.DataFrame:
        """Return the notifications awaiting verification with their Article 5.3 deadline, earliest first."""
        return tables.deadlines(self.cases.open_verifications())

    # ----------------------------------------------------------------- documents

    def documents(self, key: str) -> list[dict]:
        """Return an agenda item's rendered documents in ``reports/``: its draft DGD and its notifications' rationales."""
        return documents_of(self.reports_dir, self.cases.of(key))

    def _dgd_drafted(self) -> set[str]:
        return drafted_keys(self.reports_dir, self.snapshot.status)


def _live_for(data: MeetingData):
    """Make (once per process) the live register state of ``data``."""
    from ..register.store import Register
    from .live import Live

    with data._live_lock:
        if data._live is None or data._live.pid != os.getpid():
            inherited = data._live.snapshot if data._live is not None else None
            register = data._register if data._register is not None and data._live is None else Register(data.register_url)
            data._live = Live(data.cases, register, data.state_dir, data.poll_seconds, initial=inherited)
        return data._live


def shared(paths=None, **kwargs) -> MeetingData:
    """Return the server's :class:`MeetingData` for these paths and settings (built on first use)."""
    key = (tuple(str(Path(p).resolve()) for p in paths) if paths else None, config.database_url(), str(config.reports_dir()), tuple(sorted((k, repr(v)) for k, v in kwargs.items())))
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = MeetingData(paths, **kwargs)
        return _SHARED[key]


def clear_shared() -> None:
    """Forget the shared instances (tests; a server reloading its data)."""
    with _SHARED_LOCK:
        _SHARED.clear()


MeetingData.shared = staticmethod(shared)
MeetingData.clear_shared = staticmethod(clear_shared)

__all__ = ["MeetingData", "default_state_dir", "shared", "clear_shared", "documents_of", "drafted_keys"]
