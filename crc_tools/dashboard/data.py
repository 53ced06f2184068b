"""What the committee dashboard shows and records, without Panel.

:class:`MeetingData` holds the data of one meeting: the notifications read once per server
process (every browser session shares them), the determinations recorded on them (case
files and the register of determinations), and tables ready to show — the overview of
every chemical and category, a chemical's notifications, its criterion-by-notification
matrix, its two-region status, the deadlines. It notices new register entries by polling
the register's newest entry id (the log is append-only), so a conclusion recorded in one
session reaches every other.

Recording goes through :meth:`MeetingData.record`, which checks who is recording
(:class:`Identity`: only a signed-in user whose role may record) before it writes to the
register. When the register cannot be reached, the conclusion is kept pending in the
server process and retried; it is never silently dropped.

The module stays free of Panel so that it is tested and reused on its own; the Panel app
is :mod:`crc_tools.dashboard.views`.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from ..errors import CrcError

# --------------------------------------------------------------------------- who may record

RECORDING_ROLES = ("chair", "member", "secretariat")
"""Dashboard roles that may record the committee's conclusions."""
DASHBOARD_ROLES = (*RECORDING_ROLES, "viewer")
GUEST_USERS = frozenset({"", "guest"})
"""Names under which Panel admits a visitor who did not sign in (``oauth_optional``)."""
REGISTER_ROLE = "committee"
"""The register role of a conclusion recorded on the dashboard: it is the committee's."""


class DashboardConfigError(CrcError):
    """The dashboard's settings (roles, logins) cannot be used."""


class NotAllowed(CrcError):
    """The user may not record: not signed in, or signed in without a recording role."""


@dataclass(frozen=True)
class Identity:
    """Who uses a dashboard session, and in which role.

    Attributes
    ----------
    user : str or None
        The signed-in user name; ``None`` for a viewer who did not sign in.
    role : str
        ``chair``, ``member``, ``secretariat`` (may record) or ``viewer``.
    """

    user: str | None = None
    role: str = "viewer"

    @property
    def signed_in(self) -> bool:
        """Return whether the user signed in."""
        return bool(self.user)

    @property
    def can_record(self) -> bool:
        """Return whether the user may record the committee's conclusions."""
        return self.signed_in and self.role in RECORDING_ROLES

    def describe(self) -> str:
        """Return who this is, in words (plain text)."""
        if not self.signed_in:
            return "Viewing without signing in"
        if self.can_record:
            return f"Signed in as {self.user} ({self.role})"
        return f"Signed in as {self.user} (viewer: no recording role)"


def parse_roles(setting: str | None) -> dict[str, str]:
    """Read the user → role mapping of the dashboard.

    Parameters
    ----------
    setting : str or None
        A path to a YAML or JSON file mapping user names to roles, or inline text
        ``alice=chair,bob=member``. ``None`` or empty: nobody has a recording role.

    Returns
    -------
    dict
        User name → role (one of :data:`DASHBOARD_ROLES`).

    Raises
    ------
    DashboardConfigError
        The file cannot be read, or names a role that does not exist, or gives a role to
        the reserved guest name.
    """
    if not setting or not str(setting).strip():
        return {}
    text = str(setting).strip()
    path = Path(text).expanduser()
    source = "CRC_DASHBOARD_ROLES"
    if "=" not in text or path.is_file():
        if not path.is_file():
            raise DashboardConfigError(f"roles file {path} does not exist (give a YAML/JSON file of user: role, or inline alice=chair,bob=member)", source=source)
        source = str(path)
        try:
            raw_text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise DashboardConfigError(f"cannot read the roles file: {exc}", source=source) from None
        try:
            if path.suffix.lower() == ".json":
                raw = json.loads(raw_text)
            else:
                import yaml

                raw = yaml.safe_load(raw_text)
        except Exception as exc:  # yaml and json raise their own error types
            raise DashboardConfigError(f"not a mapping of user: role ({type(exc).__name__}: {exc})", source=source) from None
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            raise DashboardConfigError("expected a mapping of user: role", source=source)
        pairs = [(str(k), str(v)) for k, v in raw.items()]
    else:
        pairs = []
        for part in text.split(","):
            if not part.strip():
                continue
            if "=" not in part:
                raise DashboardConfigError(f"'{part.strip()}' is not user=role", source=source)
            user, role = part.split("=", 1)
            pairs.append((user, role))
    roles: dict[str, str] = {}
    for user, role in pairs:
        user, role = user.strip(), role.strip().casefold()
        if user.casefold() in GUEST_USERS:
            raise DashboardConfigError(f"'{user}' is the name Panel gives visitors who did not sign in; choose another user name", source=source, field_name=user)
        if role not in DASHBOARD_ROLES:
            raise DashboardConfigError(f"'{role}' is not a dashboard role ({', '.join(DASHBOARD_ROLES)})", source=source, field_name=user)
        roles[user] = role
    return roles


def identity_for(user: str | None, roles: dict[str, str], *, guest: bool = False) -> Identity:
    """Return the identity of a session from the signed-in user name and the roles.

    A visitor Panel admitted as a guest, or no user at all, is a viewer who did not sign in;
    a signed-in user without a role in ``roles`` is a viewer.
    """
    name = (user or "").strip()
    if guest or name.casefold() in GUEST_USERS:
        return Identity(None, "viewer")
    return Identity(name, roles.get(name, "viewer"))


# --------------------------------------------------------------------------- stages

STAGES = ("received", "verified", "forwarded", "criteria met", "recommended", "DGD drafted", "listed in Annex III")
"""Where a chemical stands in a category: the committee's pipeline, then Annex III."""

_STAGE_OF_REVIEW = {
    "received": "received",
    "verified": "verified",
    "forwarded to the CRC": "forwarded",
    "reviewed: Annex II not met": "forwarded",
    "criteria met in one region": "criteria met",
    "recommended": "recommended",
    "listed in Annex III": "listed in Annex III",
}

STATUS_LABELS = {"met": "met", "not_met": "not met", "insufficient_information": "insufficient information", "": "no determination", "pending": "no conclusion"}
FRA_LABELS = {"ban": "banned", "severe_restriction": "severely restricted"}
CRITERION_ORDER_OVERALL = "overall"


def pipeline_stage(review_stage: str, dgd_drafted: bool = False) -> str:
    """Return the pipeline stage of a chemical from the review status's ``stage``.

    ``reviewed: Annex II not met`` is still at the committee (forwarded); a recommended
    chemical whose draft decision guidance document is in ``reports/`` is ``DGD drafted``.
    """
    stage = _STAGE_OF_REVIEW.get(str(review_stage), "received")
    if stage == "recommended" and dgd_drafted:
        return "DGD drafted"
    return stage


def chemical_key(name: str, category: str) -> str:
    """Return the key of a chemical in one category, as shown and put in the page address."""
    return f"{name} ({category})"


# --------------------------------------------------------------------------- recording


@dataclass
class RecordOutcome:
    """What became of a conclusion submitted on the dashboard.

    Attributes
    ----------
    state : str
        ``saved`` (in the register), ``refused`` (the register's rules or the user's role
        refuse it; nothing written), or ``pending`` (the register cannot be reached; kept in
        the server and retried).
    message : str
        What to tell the user, plain text.
    entry : Entry or None
        The register entry, once saved.
    pending_id : str
        The id of a pending conclusion, to follow it.
    """

    state: str
    message: str
    entry: object | None = None
    pending_id: str = ""
    problems: list = field(default_factory=list)


@dataclass
class Pending:
    """A conclusion waiting for the register."""

    pending_id: str
    values: dict
    submitted_at: dt.datetime
    attempts: int = 1
    last_error: str = ""
    state: str = "pending"  # pending, saved, refused
    entry: object | None = None


# --------------------------------------------------------------------------- SHPF proposals


@dataclass
class ShpfView:
    """The SHPF proposals a dashboard shows (Article 6, Annex IV).

    Review status per formulation, Part 1 completeness, Part 2 collection, Part 3 criteria
    (aid and recorded determinations) and the incident table, all computed by :mod:`crc_tools.proposals.shpf`.
    """

    status: pd.DataFrame
    proposals: pd.DataFrame
    incidents: pd.DataFrame
    part1: pd.DataFrame
    part2: pd.DataFrame
    part3: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _visible(frame) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        return pd.DataFrame()
    return frame[[c for c in frame.columns if not str(c).startswith("_")]].reset_index(drop=True)


SHPF_STATUS_SHOWN = ["chemical", "parties", "regions_verified", "forward_to_crc", "recommend_listing", "listed_in_annex_iii", "annex_iii_wording", "stage", "missing", "eligible", "part3_status"]
SHPF_PROPOSAL_SHOWN = ["proposal_id", "proposing_party", "pic_region", "formulation_name", "active_ingredients", "active_ingredient_concentrations", "formulation_type", "received_date", "verified_date"]


def shpf_view(intake, register=None) -> ShpfView | None:
    """Return the SHPF proposals to show, or ``None`` when no proposal was loaded.

    With ``register`` the Part 3 determinations recorded in the register are included.
    """
    from ..proposals import shpf

    p = shpf.from_intake(intake, register=register)
    if p.empty:
        return None
    notes: list[str] = []
    status = shpf.review_status(p)
    part3 = shpf.assess(p)
    view = ShpfView(
        status=_visible(status[[c for c in SHPF_STATUS_SHOWN if c in status.columns]]),
        proposals=_visible(p.proposals[[c for c in SHPF_PROPOSAL_SHOWN if c in p.proposals.columns]]),
        incidents=_visible(p.incidents),
        part1=_visible(shpf.verification_status(p)),
        part2=_visible(shpf.part2_items(p.proposals, p.part2)),
        part3=_visible(part3[["proposal_id", "chemical", "criterion", "aid", "aid_reason", "status", "justification", "recorded_by", "role", "determination_source"]]),
        notes=notes,
    )
    return view


# --------------------------------------------------------------------------- the meeting's data


def _text_list(value) -> str:
    if isinstance(value, (list, tuple, np.ndarray)):
        return ", ".join(str(v) for v in value)
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def short_source(value) -> str:
    """Return where a record came from, relative to the project or the working folder when under one."""
    text = str(value or "")
    if not text or text.startswith("register entr"):
        return text
    for base in (config.PROJ_ROOT, Path.cwd()):
        prefix = str(base) + "/"
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


def _date_text(value) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return pd.Timestamp(value).strftime("%Y-%m-%d")


@dataclass
class Snapshot:
    """The determinations and the review status at one moment; replaced whole when the register changes."""

    serial: int
    register_entry: int
    determinations: pd.DataFrame
    status: pd.DataFrame
    conclusions: pd.DataFrame
    recent: pd.DataFrame
    taken_at: dt.datetime


_SHARED: dict[tuple, MeetingData] = {}
_SHARED_LOCK = threading.Lock()


class MeetingData:
    """The data of one committee meeting, shared by every session of a server process.

    Parameters
    ----------
    paths : list of str or Path, optional
        Case files, folders and bulk tables (default: the shipped sample data).
    register : Register, optional
        The register of determinations (default: the configured one).
    reports_dir : Path, optional
        Where rendered documents are looked for (default: ``reports/``).
    poll_seconds : float
        How often, at most, the register is asked for new entries.
    today : datetime.date, optional
        The reference date for deadlines (default: today).
    meeting : str
        The meeting's label (``CRC-21``), noted with every conclusion recorded.
    """

    def __init__(self, paths=None, *, register=None, reports_dir: Path | None = None, poll_seconds: float = 1.0, today: dt.date | None = None, meeting: str = ""):
        from ..intake.reader import load
        from ..notifications.review import identify_chemicals
        from ..register.store import Register

        self.paths = [str(p) for p in paths] if paths else None
        self.intake = load(self.paths)
        self.register = register if register is not None else Register()
        self.reports_dir = Path(reports_dir) if reports_dir is not None else config.reports_dir()
        self.poll_seconds = poll_seconds
        self.meeting = meeting
        self._today = today
        self._lock = threading.RLock()
        self._checked = 0.0
        self._serial = 0
        self._cache: OrderedDict = OrderedDict()
        self.pending: OrderedDict[str, Pending] = OrderedDict()
        self.register_problem: str | None = None
        n = self.intake.notifications
        keys, identities = identify_chemicals(n)
        names = np.array([identities[int(k)].name for k in keys], dtype=object) if len(keys) else np.zeros(0, dtype=object)
        self.notifications = n.assign(_chemical=names, _key=[chemical_key(a, str(b)) for a, b in zip(names, n["category"].astype(str), strict=True)])
        self.notification_ids = set(self.notifications["notification_id"].astype(str))
        self._deadlines = self._compute_deadlines()
        self._snapshot = self._compute(register_entry=-1)
        self.refresh(force=True)

    # ----------------------------------------------------------------- sharing

    @classmethod
    def shared(cls, paths=None, **kwargs) -> MeetingData:
        """Return the process's instance for these paths and this register (built on first use)."""
        key = (tuple(str(Path(p).resolve()) for p in paths) if paths else None, config.database_url(), str(config.reports_dir()), tuple(sorted(kwargs.items())))
        with _SHARED_LOCK:
            inst = _SHARED.get(key)
            if inst is None:
                inst = cls(paths, **kwargs)
                _SHARED[key] = inst
            return inst

    @staticmethod
    def clear_shared() -> None:
        """Forget the shared instances (tests; a server reloading its data)."""
        with _SHARED_LOCK:
            _SHARED.clear()

    # ----------------------------------------------------------------- refresh

    @property
    def today(self) -> dt.date:
        """Return the reference date for deadlines."""
        return self._today or dt.date.today()

    @property
    def snapshot(self) -> Snapshot:
        """Return the latest snapshot (determinations and review status)."""
        return self._snapshot

    def _compute_deadlines(self) -> pd.DataFrame:
        from ..notifications.verification import verification_status

        n = self.notifications
        if n.empty:
            return pd.DataFrame(columns=["notification_id", "category", "verified", "verification_deadline", "verification_overdue", "notified_late"])
        v = verification_status(n, today=self.today, with_items=False)
        v["_key"] = n["_key"].to_numpy()
        v["received_date"] = n["received_date"].to_numpy()
        self._deadlines_day = self.today
        return v

    @staticmethod
    def _open_mask(d: pd.DataFrame) -> np.ndarray:
        """Return the notifications awaiting the Secretariat's verification (nothing recorded, not implied)."""
        return (d["annex_i_verified"].isna() & ~d["verified"].astype(bool)).to_numpy(dtype=bool)

    def refresh(self, force: bool = False) -> bool:
        """Look for new register entries (at most every ``poll_seconds``); return whether the data changed.

        Pending conclusions are retried first. When the register cannot be reached, the
        last snapshot stays and :attr:`register_problem` says why.
        """
        from ..register.store import RegisterError

        now = time.monotonic()
        if not force and now - self._checked < self.poll_seconds:
            return False
        if not self._lock.acquire(blocking=force):
            return False  # another session is refreshing; it will publish the result
        try:
            self._checked = time.monotonic()
            self._retry_pending()
            try:
                latest = self.register.latest_entry_id()
            except RegisterError as exc:
                self.register_problem = exc.message
                return False
            if getattr(self, "_deadlines_day", None) != self.today:
                self._deadlines = self._compute_deadlines()
            if latest == self._snapshot.register_entry and self.register_problem is None:
                return False
            try:
                snap = self._compute(register_entry=latest)
            except RegisterError as exc:
                self.register_problem = exc.message
                return False
            self.register_problem = None
            changed = latest != self._snapshot.register_entry
            self._snapshot = snap
            return changed or force
        finally:
            self._lock.release()

    def _compute(self, *, register_entry: int) -> Snapshot:
        from ..notifications.criteria import conclusions
        from ..notifications.review import review_status
        from ..register.store import all_determinations

        n = self.notifications
        if register_entry < 0:
            det = self.intake.determinations.copy()
            det["determination_source"] = det["source_file"]
            det["source"] = "case_file"
            det["entry_id"] = pd.array([pd.NA] * len(det), dtype="Int64")
        else:
            det = all_determinations(self.intake, self.register)
        status = review_status(n, det, today=self.today)
        con = conclusions(n, det) if len(n) else pd.DataFrame(columns=["notification_id", "category", "annex_ii_status", "annex_ii_basis", "annex_ii_source", "annex_ii_conflict"])
        reg = det[det["source"] == "register"] if "source" in det.columns else det.iloc[0:0]
        recent = reg.sort_values("entry_id", ascending=False).head(10) if len(reg) else reg
        self._serial += 1
        with self._lock:
            self._cache.clear()
        return Snapshot(self._serial, register_entry, det, status, con, recent.reset_index(drop=True), dt.datetime.now())

    def _cached(self, name: str, key, build):
        token = (name, key, self._snapshot.serial)
        with self._lock:
            if token in self._cache:
                self._cache.move_to_end(token)
                return self._cache[token]
        value = build()
        with self._lock:
            self._cache[token] = value
            while len(self._cache) > 256:
                self._cache.popitem(last=False)
        return value

    # ----------------------------------------------------------------- documents

    def _documents_in_reports(self) -> list[Path]:
        try:
            return sorted(p for p in self.reports_dir.iterdir() if p.is_file() and not p.name.startswith("."))
        except OSError:
            return []

    def documents(self, key: str) -> list[dict]:
        """Return the rendered documents of a chemical in ``reports/``: its draft DGD and the rationales of its notifications.

        Each item has ``kind``, ``name`` (the file name) and ``path``.
        """
        from ..text import safe_filename

        chem, category = self._split_key(key)
        if chem is None:
            return []
        files = self._documents_in_reports()
        dgd_stem = f"dgd-{safe_filename(chem)}-{category}"
        ids = self.notifications.loc[self.notifications["_key"] == key, "notification_id"].astype(str).unique()
        rationale_stems = {f"rationale-{safe_filename(nid)}-{category}": nid for nid in ids}
        out = []
        for p in files:
            stem = p.name.split(".", 1)[0]
            if stem == dgd_stem and not p.name.endswith(".failed.ipynb"):
                out.append({"kind": "draft DGD", "name": p.name, "path": p})
            elif stem in rationale_stems and not p.name.endswith(".failed.ipynb"):
                out.append({"kind": f"rationale, {rationale_stems[stem]}", "name": p.name, "path": p})
        return out

    def _dgd_drafted(self) -> set[str]:
        """Return the keys of the chemicals whose draft DGD is in ``reports/``."""
        from ..text import safe_filename

        stems = {p.name.split(".", 1)[0] for p in self._documents_in_reports() if p.name.startswith("dgd-") and not p.name.endswith(".failed.ipynb")}
        if not stems:
            return set()
        s = self._snapshot.status
        return {chemical_key(c, cat) for c, cat in zip(s["chemical"], s["category"], strict=True) if f"dgd-{safe_filename(c)}-{cat}" in stems}

    def _split_key(self, key: str) -> tuple[str | None, str]:
        rows = self.notifications.loc[self.notifications["_key"] == key, ["_chemical", "category"]]
        if rows.empty:
            return None, ""
        return str(rows.iat[0, 0]), str(rows.iat[0, 1])

    # ----------------------------------------------------------------- overview

    def chemicals(self) -> pd.DataFrame:
        """Return every chemical and category: ``key``, ``chemical``, ``category`` (sorted by name)."""
        s = self._snapshot.status
        return pd.DataFrame({"key": [chemical_key(c, cat) for c, cat in zip(s["chemical"], s["category"], strict=True)], "chemical": s["chemical"].to_numpy(), "category": s["category"].to_numpy()})

    def meetings(self) -> list[str]:
        """Return the CRC meetings named in the notifications (``committee_meeting``)."""
        if "committee_meeting" not in self.notifications.columns:
            return []
        values = self.notifications["committee_meeting"].astype(str).str.strip()
        return sorted({v for v in values if v}, key=lambda m: (len(m), m))

    def overview(self) -> pd.DataFrame:
        """Return one row per chemical and category: stage, PIC regions, two-region status, deadlines, what is missing."""
        return self._cached("overview", None, self._build_overview)

    def _build_overview(self) -> pd.DataFrame:
        s = self._snapshot.status
        cols = [
            "key", "chemical", "category", "stage", "review_stage", "notifications", "regions_notified", "regions_verified",
            "regions_meeting_criteria", "two_region_status", "next_deadline", "overdue", "missing", "meetings",
            "forward_to_crc", "recommend_listing", "listed_in_annex_iii",
        ]
        if s.empty:
            return pd.DataFrame(columns=cols)
        drafted = self._dgd_drafted()
        keys = [chemical_key(c, cat) for c, cat in zip(s["chemical"], s["category"], strict=True)]
        stage = [pipeline_stage(st, k in drafted) for st, k in zip(s["stage"], keys, strict=True)]
        missing = [
            "the committee's approval of the draft decision guidance document (Article 7.2)" if st == "DGD drafted" else m
            for st, m in zip(stage, s["missing"], strict=True)
        ]

        def two_region(r) -> str:
            v, m = len(r.regions_verified), len(r.regions_meeting_criteria)
            forward = "forwarded: yes" if r.forward_to_crc else f"forwarded: {v} of 2 regions verified"
            recommend = "recommended: yes" if r.recommend_listing else f"criteria met: {m} of 2 regions"
            return f"{forward}; {recommend}"

        d = self._deadlines
        deadline_of: dict[str, tuple[str, int]] = {}
        if len(d):
            open_ = d[self._open_mask(d)]
            for k, g in open_.groupby("_key", sort=False):
                first = g["verification_deadline"].min() if "verification_deadline" in g else pd.NaT
                overdue = int(g["verification_overdue"].sum()) if "verification_overdue" in g else 0
                deadline_of[str(k)] = (_date_text(first), overdue)
        meetings_of: dict[str, str] = {}
        if "committee_meeting" in self.notifications.columns:
            m = self.notifications[["_key", "committee_meeting"]].astype(str)
            m = m[m["committee_meeting"].str.strip() != ""]
            for k, g in m.groupby("_key", sort=False):
                meetings_of[str(k)] = ", ".join(sorted(set(g["committee_meeting"])))
        out = pd.DataFrame(
            {
                "key": keys,
                "chemical": s["chemical"].to_numpy(),
                "category": s["category"].to_numpy(),
                "stage": stage,
                "review_stage": s["stage"].to_numpy(),
                "notifications": s["notifications"].astype(int).to_numpy(),
                "regions_notified": [_text_list(v) for v in s["regions_notified"]],
                "regions_verified": [_text_list(v) for v in s["regions_verified"]],
                "regions_meeting_criteria": [_text_list(v) for v in s["regions_meeting_criteria"]],
                "two_region_status": [two_region(r) for r in s.itertuples(index=False)],
                "next_deadline": [deadline_of.get(k, ("", 0))[0] for k in keys],
                "overdue": [deadline_of.get(k, ("", 0))[1] for k in keys],
                "missing": missing,
                "meetings": [meetings_of.get(k, "") for k in keys],
                "forward_to_crc": s["forward_to_crc"].astype(bool).to_numpy(),
                "recommend_listing": s["recommend_listing"].astype(bool).to_numpy(),
                "listed_in_annex_iii": s["listed_in_annex_iii"].astype(bool).to_numpy(),
            }
        )
        out["_regions_notified"] = list(s["regions_notified"])
        out["_regions_verified"] = list(s["regions_verified"])
        out["_regions_met"] = list(s["regions_meeting_criteria"])
        return out

    def filter_overview(self, *, category: str = "", region: str = "", stages=(), meeting: str = "") -> pd.DataFrame:
        """Return the overview rows that pass the filters (empty filter: everything).

        Parameters
        ----------
        category : str
            ``pesticide`` or ``industrial``.
        region : str
            A PIC region: chemicals notified from it.
        stages : collection of str
            Pipeline stages (:data:`STAGES`) to keep.
        meeting : str
            A CRC meeting: chemicals with a notification reviewed at it.
        """
        o = self.overview()
        mask = np.ones(len(o), dtype=bool)
        if category:
            mask &= (o["category"] == category).to_numpy()
        if region:
            mask &= np.array([region in r for r in o["_regions_notified"]], dtype=bool)
        if stages:
            mask &= o["stage"].isin(list(stages)).to_numpy()
        if meeting:
            mask &= np.array([meeting in [x.strip() for x in m.split(",")] for m in o["meetings"]], dtype=bool)
        return o.loc[mask].reset_index(drop=True)

    def stage_counts(self, overview: pd.DataFrame | None = None) -> pd.DataFrame:
        """Return how many chemical-category pairs stand at each stage (aggregated for a chart)."""
        o = self.overview() if overview is None else overview
        counts = o.groupby(["stage", "category"], observed=True).size().rename("chemicals").reset_index() if len(o) else pd.DataFrame(columns=["stage", "category", "chemicals"])
        counts["order"] = counts["stage"].map({s: i for i, s in enumerate(STAGES)})
        return counts

    def region_coverage(self, overview: pd.DataFrame) -> pd.DataFrame:
        """Return, for the given overview rows, each PIC region's coverage: one row per chemical and region (for a chart)."""
        from ..convention.reference import PIC_REGIONS

        rows = []
        for key, notified, verified, met in zip(overview["key"], overview["_regions_notified"], overview["_regions_verified"], overview["_regions_met"], strict=True):
            for region in PIC_REGIONS:
                if region in met:
                    level = "meets Annex II"
                elif region in verified:
                    level = "verified"
                elif region in notified:
                    level = "notified"
                else:
                    continue
                rows.append({"chemical": key, "pic_region": region, "coverage": level})
        return pd.DataFrame(rows, columns=["chemical", "pic_region", "coverage"])

    def deadlines(self) -> pd.DataFrame:
        """Return the notifications still to be verified, with the Article 5.3 deadline, earliest first."""
        d = self._deadlines
        cols = ["notification_id", "chemical", "category", "notifying_party", "received", "verify_by", "overdue", "notified_late"]
        if d.empty or "verification_deadline" not in d.columns:
            return pd.DataFrame(columns=cols)
        open_ = d[self._open_mask(d)].sort_values("verification_deadline", na_position="last")
        return pd.DataFrame(
            {
                "notification_id": open_["notification_id"].astype(str).to_numpy(),
                "chemical": open_["_key"].to_numpy(),
                "category": open_["category"].astype(str).to_numpy(),
                "notifying_party": open_["notifying_party"].astype(str).to_numpy(),
                "received": [_date_text(v) for v in open_["received_date"]],
                "verify_by": [_date_text(v) for v in open_["verification_deadline"]],
                "overdue": open_["verification_overdue"].astype(bool).to_numpy(),
                "notified_late": open_["notified_late"].astype(bool).to_numpy() if "notified_late" in open_ else False,
            },
            columns=cols,
        )

    # ----------------------------------------------------------------- one chemical

    def notifications_of(self, key: str) -> pd.DataFrame:
        """Return the notifications table of a chemical in one category (domain brief §4.3).

        Columns: ``notification_id``, ``party``, ``pic_region``, ``category``, ``action``
        (banned / severely restricted), ``fra_date``, ``received``, ``annex_i`` (the
        Secretariat's verification and the Annex I items without information),
        ``annex_ii`` (the committee's conclusion, with its basis), ``source``, ``meeting``.
        """
        return self._cached("notifications", key, lambda: self._build_notifications(key))

    def _build_notifications(self, key: str) -> pd.DataFrame:
        from ..notifications.verification import verification_status

        sub = self.notifications[self.notifications["_key"] == key].reset_index(drop=True)
        cols = ["notification_id", "party", "pic_region", "category", "action", "fra_date", "received", "annex_i", "annex_ii", "source", "meeting"]
        if sub.empty:
            return pd.DataFrame(columns=cols)
        ver = verification_status(sub, today=self.today, with_deadlines=False)
        con = self._snapshot.conclusions
        con = con[con["notification_id"].isin(set(sub["notification_id"]))]
        con_by = {(str(r.notification_id), str(r.category)): r for r in con.itertuples(index=False)}
        annex_i = []
        for r in ver.itertuples(index=False):
            text = str(r.verification_basis)
            if getattr(r, "missing_items", ""):
                text += f"; no information on Annex I item(s) {r.missing_items}"
            annex_i.append(text)
        annex_ii, sources = [], []
        for nid, cat in zip(sub["notification_id"].astype(str), sub["category"].astype(str), strict=True):
            c = con_by.get((nid, cat))
            if c is None:
                annex_ii.append("no conclusion")
                sources.append("")
                continue
            label = {"met": "meets Annex II", "not_met": "does not meet Annex II"}.get(str(c.annex_ii_status), "no conclusion yet")
            annex_ii.append(f"{label} ({c.annex_ii_basis})" + (" — recorded conclusions disagree" if bool(c.annex_ii_conflict) else ""))
            sources.append("; ".join(short_source(x.strip()) for x in str(c.annex_ii_source or "").split(";")))
        return pd.DataFrame(
            {
                "notification_id": sub["notification_id"].astype(str).to_numpy(),
                "party": sub["notifying_party"].astype(str).to_numpy(),
                "pic_region": sub["pic_region"].astype(str).to_numpy(),
                "category": sub["category"].astype(str).to_numpy(),
                "action": [FRA_LABELS.get(str(v), str(v)) for v in sub["fra_type"]],
                "fra_date": [_date_text(v) for v in sub["fra_date"]],
                "received": [_date_text(v) for v in sub["received_date"]],
                "annex_i": annex_i,
                "annex_ii": annex_ii,
                "source": sources,
                "meeting": sub["committee_meeting"].astype(str).to_numpy() if "committee_meeting" in sub else "",
            },
            columns=cols,
        )

    def summary_of(self, key: str) -> dict:
        """Return the overview row of a chemical as plain values (empty when unknown)."""
        o = self.overview()
        rows = o[o["key"] == key]
        if rows.empty:
            return {}
        return {k: v for k, v in rows.iloc[0].to_dict().items() if not k.startswith("_")}

    def matrix(self, key: str) -> pd.DataFrame:
        """Return the criterion-by-notification matrix of a chemical, long form, for a heat map and a table.

        One row per notification and Annex II criterion, plus an ``overall`` row per
        notification (the conclusion that stands). Columns: ``notification_id``,
        ``notification`` (Party and id), ``criterion``, ``criterion_text``, ``status``
        (met / not met / insufficient information / no determination), ``justification``,
        ``references``, ``recorded_by``, ``role``, ``recorded_at``, ``source``, ``aid``,
        ``aid_reason``.
        """
        return self._cached("matrix", key, lambda: self._build_matrix(key))

    def _build_matrix(self, key: str) -> pd.DataFrame:
        from ..convention.reference import items
        from ..notifications.criteria import assess

        cols = ["notification_id", "notification", "criterion", "criterion_text", "status", "justification", "references", "recorded_by", "role", "recorded_at", "source", "aid", "aid_reason"]
        sub = self.notifications[self.notifications["_key"] == key].reset_index(drop=True)
        if sub.empty:
            return pd.DataFrame(columns=cols)
        det = self._snapshot.determinations
        det = det[det["notification_id"].isin(set(sub["notification_id"].astype(str)))] if len(det) else det
        a = assess(sub, det if len(det) else None)
        label = {nid: f"{party} · {nid}" for nid, party in zip(sub["notification_id"].astype(str), sub["notifying_party"].astype(str), strict=True)}
        m = pd.DataFrame(
            {
                "notification_id": a["notification_id"].astype(str).to_numpy(),
                "notification": a["notification_id"].astype(str).map(label).to_numpy(),
                "criterion": a["criterion"].astype(str).to_numpy(),
                "criterion_text": a["criterion_text"].astype(str).to_numpy(),
                "status": [STATUS_LABELS.get(str(s), str(s)) for s in a["status"].fillna("")],
                "justification": a["justification"].astype("string").fillna("").to_numpy(dtype=object),
                "references": a["references"].astype("string").fillna("").to_numpy(dtype=object),
                "recorded_by": a["recorded_by"].astype("string").fillna("").to_numpy(dtype=object),
                "role": a["role"].astype("string").fillna("").str.replace("_", " ").to_numpy(dtype=object),
                "recorded_at": [_date_text(v) for v in a["recorded_at"]],
                "source": [short_source(v) for v in a["determination_source"].astype("string").fillna("")],
                "aid": a["aid"].astype(str).to_numpy(),
                "aid_reason": a["aid_reason"].astype(str).to_numpy(),
            }
        )
        con = self._snapshot.conclusions
        cat = str(sub["category"].iat[0])
        con = con[con["notification_id"].isin(set(sub["notification_id"].astype(str))) & (con["category"].astype(str) == cat)]
        overall = pd.DataFrame(
            {
                "notification_id": con["notification_id"].astype(str).to_numpy(),
                "notification": con["notification_id"].astype(str).map(label).to_numpy(),
                "criterion": CRITERION_ORDER_OVERALL,
                "criterion_text": "Annex II as a whole: (a), (b)(i)-(iii) and (c)(i)-(iv) met and (d) holds",
                "status": [{"met": "met", "not_met": "not met"}.get(str(s), "no determination") for s in con["annex_ii_status"]],
                "justification": con["annex_ii_basis"].astype(str).to_numpy(),
                "references": "",
                "recorded_by": "",
                "role": "",
                "recorded_at": "",
                "source": [short_source(v) for v in con["annex_ii_source"].astype(str)],
                "aid": "",
                "aid_reason": "",
            }
        )
        order = {c: i for i, c in enumerate([*items("annex_ii").ids, CRITERION_ORDER_OVERALL])}
        out = pd.concat([m, overall], ignore_index=True)
        out["_o"] = out["criterion"].map(order)
        return out.sort_values(["notification", "_o"], kind="stable").drop(columns="_o").reset_index(drop=True)[cols]

    def responses_of(self, key: str) -> pd.DataFrame:
        """Return the Parties' import responses on a chemical listed in Annex III, in its category (Article 10); empty when it is not listed.

        Columns: ``party``, ``decision``, ``kind``, ``conditions``, ``received_date``, ``due_date``, ``overdue``
        (text: "not established" where the due date is not), ``legislative_measure``.
        """
        return self._cached("responses", key, lambda: self._build_responses(key))

    def _build_responses(self, key: str) -> pd.DataFrame:
        from ..responses.status import chemical_responses, from_intake, status_frame

        s = self.summary_of(key)
        if not s:
            return pd.DataFrame()
        table = chemical_responses(str(s["chemical"]), from_intake(self.intake), as_of=self.today)
        table = table[table["category"] == s["category"]] if len(table) else table
        if table.empty:
            return pd.DataFrame()
        plain = status_frame(table).drop(columns=["chemical", "category"])
        plain["overdue"] = ["not established" if v is None else ("yes" if v else "no") for v in plain["overdue"]]
        plain["legislative_measure"] = table["legislative_measure"].astype(object).where(table["legislative_measure"].notna(), None).to_numpy()
        plain = plain.fillna("")
        order = np.lexsort((plain["party"].to_numpy(dtype=object), (plain["overdue"] != "yes").to_numpy(), (plain["decision"] == "").to_numpy()))
        return plain.iloc[order].reset_index(drop=True)  # answered first, then overdue, then the rest

    def regions_of(self, key: str) -> pd.DataFrame:
        """Return the two-region status of a chemical: one row per PIC region (notified, verified, meets Annex II, by whom)."""
        from ..convention.reference import PIC_REGIONS

        o = self.overview()
        row = o[o["key"] == key]
        table = self.notifications_of(key)
        rows = []
        for region in PIC_REGIONS:
            parties = sorted({p for p, r in zip(table["party"], table["pic_region"], strict=True) if region in str(r).split(";")})
            rows.append(
                {
                    "pic_region": region,
                    "notifying_parties": ", ".join(parties),
                    "notified": bool(len(row)) and region in row["_regions_notified"].iat[0],
                    "verified": bool(len(row)) and region in row["_regions_verified"].iat[0],
                    "meets_annex_ii": bool(len(row)) and region in row["_regions_met"].iat[0],
                }
            )
        return pd.DataFrame(rows)

    def history(self, notification_id: str) -> pd.DataFrame:
        """Return every recorded determination on a notification: the register's history and the case file's.

        Raises
        ------
        RegisterError
            The register cannot be read.
        """
        cols = ["entry", "recorded_at", "criterion", "category", "status", "justification", "recorded_by", "role", "state", "source"]
        h = self.register.history(notification_id)
        rows = []
        for r in h.itertuples(index=False):
            state = "stands" if bool(r.current) else (f"superseded by entry {r.superseded_by} ({r.superseded_how})" if pd.notna(r.superseded_by) else "superseded")
            rows.append(
                {
                    "entry": int(r.entry_id), "recorded_at": str(r.recorded_at)[:19], "criterion": r.criterion, "category": r.category or "every category",
                    "status": STATUS_LABELS.get(str(r.status), str(r.status)), "justification": r.justification, "recorded_by": r.recorded_by,
                    "role": str(r.role).replace("_", " "), "state": state, "source": f"register entry {r.entry_id}" + (f" ({r.origin})" if r.origin else ""),
                }
            )
        case = self.intake.determinations
        case = case[case["notification_id"].astype(str) == notification_id]
        for r in case.itertuples(index=False):
            rows.append(
                {
                    "entry": None, "recorded_at": _date_text(r.recorded_at), "criterion": r.criterion, "category": r.category or "every category",
                    "status": STATUS_LABELS.get(str(r.status), str(r.status)), "justification": r.justification, "recorded_by": r.recorded_by,
                    "role": str(r.role).replace("_", " "), "state": "case file", "source": short_source(r.source_file),
                }
            )
        frame = pd.DataFrame(rows, columns=cols)
        if len(frame):
            frame["entry"] = frame["entry"].astype("Int64")
            frame = frame.sort_values("recorded_at", ascending=False, kind="stable").reset_index(drop=True)
        return frame

    def recent(self) -> pd.DataFrame:
        """Return the ten latest conclusions from the register, newest first."""
        r = self._snapshot.recent
        cols = ["entry", "notification_id", "criterion", "status", "recorded_by", "justification"]
        if r.empty:
            return pd.DataFrame(columns=cols)
        return pd.DataFrame(
            {
                "entry": r["entry_id"].astype("Int64").to_numpy(),
                "notification_id": r["notification_id"].astype(str).to_numpy(),
                "criterion": r["criterion"].astype(str).to_numpy(),
                "status": [STATUS_LABELS.get(str(s), str(s)) for s in r["status"]],
                "recorded_by": r["recorded_by"].astype(str).to_numpy(),
                "justification": r["justification"].astype(str).to_numpy(),
            }
        )

    def shpf(self) -> ShpfView | None:
        """Return the SHPF proposals to show, or ``None`` (see :func:`shpf_view`)."""
        return self._cached("shpf", None, lambda: shpf_view(self.intake, self.register))

    # ----------------------------------------------------------------- recording

    def record(
        self,
        identity: Identity,
        notification_id: str,
        criterion: str,
        status: str,
        *,
        justification: str = "",
        references: str | list[str] = "",
        category: str = "",
    ) -> RecordOutcome:
        """Record the committee's conclusion on a criterion (or ``overall``) of a notification.

        Parameters
        ----------
        identity : Identity
            Who records; only a signed-in user with a recording role may.
        notification_id, criterion, status, justification, references, category
            As :meth:`crc_tools.register.store.Register.record`.

        Returns
        -------
        RecordOutcome
            ``saved`` with the entry; ``refused`` with the register's reasons (nothing
            written); ``pending`` when the register cannot be reached (kept and retried).

        Raises
        ------
        NotAllowed
            The user did not sign in or has no recording role; nothing is written.
        """
        from ..register.store import RefusedEntry, RegisterError

        if not identity.can_record:
            why = "sign in to record" if not identity.signed_in else f"{identity.user} has no recording role (roles that record: {', '.join(RECORDING_ROLES)})"
            raise NotAllowed(f"viewers cannot record conclusions: {why}", source="dashboard")
        origin = f"crc dashboard: recorded by {identity.user} ({identity.role})" + (f" at {self.meeting}" if self.meeting else "")
        values = dict(
            subject_id=str(notification_id), criterion=criterion, status=status, justification=justification, references=references,
            recorded_by=identity.user, role=REGISTER_ROLE, category=category, origin=origin,
        )
        try:
            entry = self.register.record(**values, recorded_at=None, known_subjects=self.notification_ids)
        except RefusedEntry as exc:
            return RecordOutcome("refused", "; ".join(f"{f}: {m}" if f else m for f, m in exc.problems), problems=list(exc.problems))
        except RegisterError as exc:
            # Keep the moment the committee concluded; retried until the register takes it.
            values["recorded_at"] = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
            pending = Pending(uuid.uuid4().hex[:12], values, dt.datetime.now(), last_error=exc.message)
            with self._lock:
                self.pending[pending.pending_id] = pending
            self.register_problem = exc.message
            return RecordOutcome(
                "pending",
                f"Not saved yet: the register cannot be reached ({exc.message}). The conclusion is kept on the server and retried; it will appear here once saved.",
                pending_id=pending.pending_id,
            )
        self.refresh(force=True)
        return RecordOutcome("saved", f"Saved as register entry {entry.entry_id}.", entry=entry)

    def _retry_pending(self) -> None:
        from ..register.store import RefusedEntry, RegisterError

        for p in [p for p in self.pending.values() if p.state == "pending"]:
            try:
                p.entry = self.register.record(**p.values, known_subjects=self.notification_ids)
            except RefusedEntry as exc:
                p.state = "refused"
                p.last_error = "; ".join(f"{f}: {m}" if f else m for f, m in exc.problems)
            except RegisterError as exc:
                p.attempts += 1
                p.last_error = exc.message
                return  # still unreachable: try the rest later
            else:
                p.state = "saved"

    def pending_outcome(self, pending_id: str) -> RecordOutcome | None:
        """Return what became of a pending conclusion (``None`` when unknown)."""
        p = self.pending.get(pending_id)
        if p is None:
            return None
        if p.state == "saved":
            return RecordOutcome("saved", f"Saved as register entry {p.entry.entry_id} (after {p.attempts} attempt(s)).", entry=p.entry, pending_id=pending_id)
        if p.state == "refused":
            return RecordOutcome("refused", f"The register refused the conclusion kept pending: {p.last_error}", pending_id=pending_id)
        return RecordOutcome("pending", f"Still not saved: the register cannot be reached ({p.last_error}); attempt {p.attempts}, retrying.", pending_id=pending_id)

    def waiting(self) -> int:
        """Return how many conclusions wait for the register."""
        return sum(1 for p in self.pending.values() if p.state == "pending")


__all__ = [
    "Identity",
    "MeetingData",
    "NotAllowed",
    "DashboardConfigError",
    "RecordOutcome",
    "ShpfView",
    "STAGES",
    "RECORDING_ROLES",
    "DASHBOARD_ROLES",
    "identity_for",
    "parse_roles",
    "pipeline_stage",
    "shpf_view",
    "chemical_key",
]
