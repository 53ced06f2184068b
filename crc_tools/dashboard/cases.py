"""The case data a dashboard serves: read once per server, shared by every session and process (no Panel).

The notifications and SHPF proposals come from case files and bulk tables; they never depend on
the register, so every page renders from them whatever the register's state.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from .tables import chemical_key, date_text


class Cases:
    """The notifications and proposals of one meeting, with the keys the pages use.

    Parameters
    ----------
    paths : list of str or Path, optional
        Case files, folders and bulk tables (default: the shipped sample data).
    today : datetime.date, optional
        The reference date for deadlines (default: today).
    """

    def __init__(self, paths=None, *, today: dt.date | None = None):
        from ..intake.reader import load
        from ..notifications.review import identify_chemicals
        from ..register.store import known_subject_ids

        self.paths = [str(p) for p in paths] if paths else None
        self.intake = load(self.paths)
        self._today = today
        n = self.intake.notifications
        keys, identities = identify_chemicals(n)
        names = np.array([identities[int(k)].name for k in keys], dtype=object) if len(keys) else np.zeros(0, dtype=object)
        self.notifications = n.assign(_chemical=names, _key=[chemical_key(a, str(b)) for a, b in zip(names, n["category"].astype(str), strict=True)])
        self.known_subjects = {kind: known_subject_ids(self.intake, kind) for kind in ("notification", "shpf_proposal")}
        self._hashes: dict[str, str] = {}
        self._deadlines_day: dt.date | None = None
        self._deadlines = pd.DataFrame()

    @property
    def today(self) -> dt.date:
        """Return the reference date for deadlines."""
        return self._today or dt.date.today()

    def of(self, key: str) -> pd.DataFrame:
        """Return the notifications of one agenda item (chemical and category)."""
        return self.notifications[self.notifications["_key"] == key].reset_index(drop=True)

    def document_hash(self, notification_id: str) -> str:
        """Return ``sha256:…`` of a notification's case file, as ``crc register record`` records it (``""`` for a table row)."""
        from ..register.store import document_hash

        if notification_id not in self._hashes:
            n = self.notifications
            sources = n.loc[n["notification_id"].astype(str) == notification_id, "_source"].astype(str).unique()
            value = ""
            if len(sources) == 1 and Path(sources[0]).suffix.lower() in (".yaml", ".yml", ".json") and Path(sources[0]).is_file():
                try:
                    value = document_hash(sources[0])
                except OSError:
                    value = ""
            self._hashes[notification_id] = value
        return self._hashes[notification_id]

    def deadlines(self) -> pd.DataFrame:
        """Return the Article 5.3 verification status of every notification (recomputed once a day)."""
        from ..notifications.verification import verification_status

        if self._deadlines_day != self.today:
            n = self.notifications
            if n.empty:
                v = pd.DataFrame(columns=["notification_id", "category", "verified", "annex_i_verified", "verification_deadline", "verification_overdue", "notified_late"])
            else:
                v = verification_status(n, today=self.today, with_items=False)
            v["_key"] = n["_key"].to_numpy()
            v["received_date"] = n["received_date"].to_numpy() if len(n) else []
            v["notifying_party"] = n["notifying_party"].to_numpy() if len(n) else []
            self._deadlines, self._deadlines_day = v, self.today
        return self._deadlines

    def open_verifications(self) -> pd.DataFrame:
        """Return the notifications awaiting the Secretariat's verification, earliest deadline first."""
        d = self.deadlines()
        if d.empty or "verification_deadline" not in d.columns:
            return d.iloc[0:0]
        open_ = d[(d["annex_i_verified"].isna() & ~d["verified"].astype(bool)).to_numpy(dtype=bool)]
        return open_.sort_values("verification_deadline", na_position="last")

    def deadline_per_key(self) -> dict[str, tuple[str, int]]:
        """Return per agenda item the first verification deadline and how many are overdue."""
        out = {}
        for k, g in self.open_verifications().groupby("_key", sort=False):
            out[str(k)] = (date_text(g["verification_deadline"].min()), int(g["verification_overdue"].sum()))
        return out

    def meetings(self) -> list[str]:
        """Return the CRC meetings named in the notifications (``committee_meeting``)."""
        if "committee_meeting" not in self.notifications.columns:
            return []
        values = self.notifications["committee_meeting"].astype(str).str.strip()
        return sorted({v for v in values if v and v not in ("nan", "<NA>", "None")}, key=lambda m: (len(m), m))


__all__ = ["Cases"]
