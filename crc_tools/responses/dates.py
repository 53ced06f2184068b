"""When an import response is due (Article 10.2): DGD dispatch dates and the Parties' dates.

The rule the suite applies, and its basis:

* **Article 10.2** — a Party transmits its response "no later than nine months after the date of
  dispatch of the decision guidance document". Each Annex III entry's dispatch date is read
  from ``data/reference/dgd_dispatch.csv`` with its ``basis`` and source: ``stated`` (a source
  states the date), ``announced`` (a source announced the date in advance; the dispatch itself
  is not confirmed), ``derived`` (a source states how the date follows from another it gives) or
  ``not_established``. Where the dispatch date is not established, no due date is computed: the
  due date is null and whether a Party is overdue is "not established". Nothing is guessed.
* **A Party for which the Convention entered into force after the dispatch** is due nine months
  after its own entry into force (``data/reference/parties.csv``). Where a Party's date of entry
  into force is not established, its due date is not established either (it could be later).
  Article 10.7 asks a Party to transmit responses for the chemicals already listed "no later
  than the date of entry into force of this Convention for it": the suite allows it the same
  nine months as Article 10.2 gives after a dispatch, and says so, so that a Party is never
  listed as failing to respond earlier than nine months after it could first be asked.
* Months are calendar months, clipped to the month's end (31 May + 9 months = 28 or 29
  February), by :func:`crc_tools.notifications.verification.add_months` — the one month
  arithmetic of the suite.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from ..convention.reference import ANNEX_III_CATEGORIES, ReferenceDataError, annex_iii, regions
from ..notifications.verification import add_months

RESPOND_WITHIN_MONTHS = 9
"""Article 10.2: respond no later than nine months after the dispatch of the DGD."""
DISPATCH_BASES = ("stated", "announced", "derived", "not_established")
PARTY_STATUSES = ("party", "signatory", "non_party", "")
DUE_RULE = (
    "nine months after the dispatch of the decision guidance document (Article 10.2), or after the date the "
    "Convention entered into force for the Party where that is later; not established where either date is not"
)


def _read_rows(path: Path) -> list[dict[str, str]]:
    import csv

    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items() if k is not None} for row in csv.DictReader(fh)]


def _iso(value: str, path: Path, n: int, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ReferenceDataError(f"'{value}' is not an ISO date (YYYY-MM-DD)", source=str(path), record=str(n), field_name=name) from None


# --------------------------------------------------------------------------- DGD dispatch


@dataclass(frozen=True)
class Dispatch:
    """The dispatch of one Annex III entry's DGD (Article 7.3), as the sources establish it."""

    entry_id: str
    category: str
    date: dt.date | None
    basis: str
    source: str = ""
    source_url: str = ""
    notes: str = ""


@lru_cache(maxsize=None)
def _dispatch_table(path_text: str) -> dict[tuple[str, str], Dispatch]:
    path = Path(path_text)
    try:
        rows = _read_rows(path)
    except FileNotFoundError:
        return {}
    known = {(e.entry_id, e.category) for e in annex_iii()}
    out: dict[tuple[str, str], Dispatch] = {}
    for n, row in enumerate(rows, start=2):
        date = _iso(row.get("dgd_dispatch_date", ""), path, n, "dgd_dispatch_date")
        basis = row.get("basis", "") or ("stated" if date else "not_established")
        if basis not in DISPATCH_BASES:
            raise ReferenceDataError(f"basis must be one of {', '.join(DISPATCH_BASES)}", source=str(path), record=str(n), field_name="basis")
        if (basis == "not_established") != (date is None):
            raise ReferenceDataError("a date needs a basis other than not_established, and not_established no date", source=str(path), record=str(n), field_name="basis")
        for cat in [c.strip() for c in row.get("category", "").split(";") if c.strip()]:
            if cat not in ANNEX_III_CATEGORIES or (row.get("entry_id", ""), cat) not in known:
                raise ReferenceDataError(f"'{row.get('entry_id', '')}' ({cat}) is not an Annex III entry", source=str(path), record=str(n), field_name="entry_id")
            out[(row["entry_id"], cat)] = Dispatch(row["entry_id"], cat, date, basis, row.get("source", ""), row.get("source_url", ""), row.get("notes", ""))
    return out


def dgd_dispatch() -> dict[tuple[str, str], Dispatch]:
    """Return the DGD dispatch of each Annex III entry, keyed by ``(entry_id, category)``.

    An entry missing from ``data/reference/dgd_dispatch.csv`` has no established date.
    """
    return _dispatch_table(str(config.reference_dir() / "dgd_dispatch.csv"))


def dispatch_of(entry_id: str, category: str) -> Dispatch:
    """Return the dispatch of one entry (``not_established`` when the table does not give it)."""
    return dgd_dispatch().get((entry_id, category)) or Dispatch(entry_id, category, None, "not_established")


# --------------------------------------------------------------------------- Parties


@dataclass(frozen=True)
class Parties:
    """The Parties table as read: ``available`` is False when the file is absent (said wherever it matters)."""

    available: bool
    source: str
    table: pd.DataFrame  # iso3, country, status, entry_into_force (datetime64[s]), eif_basis

    def status(self, iso3: str) -> str:
        """Return ``party``, ``signatory``, ``non_party``, or ``""`` (not established)."""
        row = self._by_iso3().get(iso3)
        return "" if row is None else row[0]

    def entry_into_force(self, iso3: str) -> dt.date | None:
        """Return the date the Convention entered into force for a Party, where established."""
        row = self._by_iso3().get(iso3)
        return None if row is None else row[1]

    def _by_iso3(self) -> dict:
        cache = self.__dict__.get("_cache")
        if cache is None:
            eif = [None if pd.isna(v) else pd.Timestamp(v).date() for v in self.table["entry_into_force"]]
            cache = dict(zip(self.table["iso3"], zip(self.table["status"], eif, strict=True), strict=True))
            object.__setattr__(self, "_cache", cache)
        return cache


def _empty_parties() -> pd.DataFrame:
    return pd.DataFrame({
        "iso3": pd.Series(dtype=object), "country": pd.Series(dtype=object), "status": pd.Series(dtype=object),
        "entry_into_force": pd.Series(dtype="datetime64[s]"), "eif_basis": pd.Series(dtype=object),
    })


@lru_cache(maxsize=None)
def _parties_table(path_text: str) -> Parties:
    path = Path(path_text)
    try:
        rows = _read_rows(path)
    except FileNotFoundError:
        return Parties(False, str(path), _empty_parties())
    if rows and not {"iso3", "status", "entry_into_force"} <= set(rows[0]):
        raise ReferenceDataError("missing column(s): the Parties table needs iso3, status and entry_into_force", source=str(path))
    table = regions()
    records = []
    for n, row in enumerate(rows, start=2):
        status = row.get("status", "").casefold().replace("-", "_").replace(" ", "_")
        if status not in PARTY_STATUSES:
            raise ReferenceDataError(f"status must be one of party, signatory, non_party or empty; found '{row['status']}'", source=str(path), record=str(n), field_name="status")
        eif = _iso(row.get("entry_into_force", ""), path, n, "entry_into_force")
        basis = row.get("basis", "")
        if basis == "not_established":
            eif = None
        known = table.find(row.get("iso3", "")) or table.find(row.get("country", ""))
        iso3 = known.iso3 if known else row.get("iso3", "").upper()
        country = known.country if known else row.get("country", "")
        records.append({"iso3": iso3, "country": country, "status": status, "entry_into_force": eif, "eif_basis": basis if eif else "not_established"})
    df = pd.DataFrame(records) if records else _empty_parties()
    df["entry_into_force"] = pd.to_datetime(df["entry_into_force"]).astype("datetime64[s]")
    return Parties(True, str(path), df.drop_duplicates("iso3", keep="first").reset_index(drop=True))


def parties() -> Parties:
    """Return the Parties and the dates the Convention entered into force for them.

    Read from ``data/reference/parties.csv`` (or ``CRC_PARTIES``); where the file is absent,
    ``available`` is False and no State's status or date is known: every caller says so.
    """
    return _parties_table(str(config.parties_path()))


# --------------------------------------------------------------------------- due dates


def due_dates(dispatch: pd.Series, entry_into_force: pd.Series) -> pd.Series:
    """Return the import-response due dates (Article 10.2), element-wise.

    ``dispatch`` and ``entry_into_force`` are datetime columns of one Party and entry per
    row; the due date is nine calendar months after the later of the two, and missing (NaT)
    where either is missing.
    """
    d = dispatch.to_numpy(dtype="datetime64[s]")
    e = entry_into_force.to_numpy(dtype="datetime64[s]")
    start = np.where(np.isnat(d) | np.isnat(e), np.datetime64("NaT", "s"), np.maximum(d, e))
    due = add_months(pd.Series(start, index=dispatch.index), RESPOND_WITHIN_MONTHS)
    return due.where(~np.isnat(start))


def due_date(dispatch: dt.date | None, entry_into_force: dt.date | None) -> dt.date | None:
    """Return one due date (see :func:`due_dates`), or ``None`` when it is not established."""
    out = due_dates(pd.Series([dispatch], dtype="datetime64[s]"), pd.Series([entry_into_force], dtype="datetime64[s]")).iloc[0]
    return None if pd.isna(out) else pd.Timestamp(out).date()


__all__ = ["RESPOND_WITHIN_MONTHS", "DUE_RULE", "Dispatch", "dgd_dispatch", "dispatch_of", "Parties", "parties", "due_dates", "due_date"]
