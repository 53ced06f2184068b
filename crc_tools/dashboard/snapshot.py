"""The determinations and the review status at one moment (no Panel).

A :class:`Snapshot` is computed from the case files alone (at start, and whenever the register
cannot be read) or from the case files and the register's current view, read once
(:func:`compute`). The dashboard replaces it whole when the register's newest entry changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

CONCLUSION_COLUMNS = ["notification_id", "category", "annex_ii_status", "annex_ii_basis", "annex_ii_source"]


@dataclass
class Snapshot:
    """What the register and the case files say at one moment.

    Attributes
    ----------
    serial : int
        Increases with every snapshot of a process; views redraw when it changes.
    register_entry : int
        The register's newest entry id read (``-1``: the case files alone).
    determinations, status, conclusions : DataFrame
        As :func:`~crc_tools.register.store.all_determinations`,
        :func:`~crc_tools.notifications.review.review_status` and
        :func:`~crc_tools.notifications.criteria.conclusions` return them.
    register_entries : DataFrame
        The register's history (every entry, superseded ones marked), for the history
        beside the recording form and the latest conclusions.
    proposals : object
        The SHPF proposals with their Part 3 determinations (``None`` when none were loaded).
    """

    serial: int
    register_entry: int
    determinations: pd.DataFrame
    status: pd.DataFrame
    conclusions: pd.DataFrame
    register_entries: pd.DataFrame
    proposals: object = None
    taken_at: dt.datetime = field(default_factory=dt.datetime.now)


class _OneRead:
    """A register look-alike answering ``current(kind)`` from one read of the register."""

    def __init__(self, current: pd.DataFrame):
        self._current = current

    def current(self, subject_kind: str | None = None) -> pd.DataFrame:
        if subject_kind is None or self._current.empty:
            return self._current
        return self._current[self._current["subject_kind"] == subject_kind].reset_index(drop=True)


def _history_columns() -> list[str]:
    from ..register.store import EXPORT_COLUMNS

    return [*EXPORT_COLUMNS, "current", "superseded_by", "superseded_how"]


def compute(serial: int, intake, notifications: pd.DataFrame, *, register=None, register_entry: int = -1, today: dt.date | None = None) -> Snapshot:
    """Return a snapshot from the case files and, when given, the register (read once).

    Raises
    ------
    RegisterError
        The register cannot be read (the caller keeps its last snapshot).
    """
    from ..notifications.criteria import conclusions
    from ..notifications.review import review_status
    from ..register.store import all_determinations

    if register is None:
        det = intake.determinations.copy()
        det["determination_source"] = det["source_file"]
        det["source"] = "case_file"
        det["entry_id"] = pd.array([pd.NA] * len(det), dtype="Int64")
        history = pd.DataFrame(columns=_history_columns())
        reader = None
    else:
        history = register.history()
        reader = _OneRead(register.current())
        det = all_determinations(intake, reader)
    status = review_status(notifications, det, today=today)
    con = conclusions(notifications, det) if len(notifications) else pd.DataFrame(columns=CONCLUSION_COLUMNS)
    return Snapshot(serial, register_entry, det, status, con, history, _proposals(intake, reader))


def _proposals(intake, reader):
    from ..proposals import shpf

    p = shpf.from_intake(intake, register=None)
    if p.empty:
        return None
    return shpf.with_register(p, reader) if reader is not None else p


__all__ = ["Snapshot", "compute"]
