"""Parties to the Convention and the date it entered into force for each (Articles 2(g), 25, 26).

``data/reference/parties.csv`` has one row per State (and the European Union) the suite
knows: whether it is a Party (``party``), signed without ratifying (``signatory``), is not a
Party (``non_party``), or its status is ``not_established``; what that status rests on
(``status_basis``); and the date the Convention entered into force for it with the basis of
that date:

``stated``           a source gives the date of entry into force for that Party;
``derived``          computed by Article 26 from a deposit date read in a source: the 90th day
                     after deposit, or 24 February 2004 for an instrument deposited by
                     26 November 2003 (the fiftieth instrument's date; Article 26.1-2);
``not_established``  no date; the suite never guesses one.

How the review uses it (docs/parties-and-annex-iii.md):

* A "Party" is a State or REIO that has consented to be bound and for which the Convention is
  in force (Article 2(g)); Article 5.1 asks *Parties* to notify, and Article 5.5 forwards
  notifications from Parties in two PIC regions. A notification from a State that is not a
  Party is reported and not counted.
* A notifying State whose status is not established is counted, and the count says so: the
  Convention only lets Parties notify, so a notification the Secretariat received from it is
  taken as a Party's until a source says otherwise (the same reading the committee's own
  record supports: every State named as notifying Party in a CRC case was a Party then).
* Article 5.1's 90 days run from the action's taking effect; an action already in effect when
  the Convention entered into force for the Party falls under Article 5.2 (notify no later
  than that date). Both need the Party's own date; where it is not established, the deadline
  is not computed and the output says why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import config
from ..i18n import N_
from .files import ReferenceDataError, read_csv, require_columns
from .regions import regions

STATUSES = ("party", "signatory", "non_party", "not_established")
STATUS_BASES = ("stated", "crc_case", "absent_from_lists", "not_established")
DATE_BASES = ("stated", "derived", "not_established")

CONVENTION_IN_FORCE = dt.date(2004, 2, 24)
"""Entry into force of the Convention (Article 26.1), the earliest date it entered into force for any Party."""
FIFTIETH_DEPOSIT = dt.date(2003, 11, 26)
"""Deposit of the fiftieth instrument: 90 days before 24 February 2004 (Article 26.1), computed, not quoted."""
DAYS_AFTER_DEPOSIT = 90
"""Article 26.1-2: the ninetieth day after deposit."""


def entry_into_force_for(deposit: dt.date) -> dt.date:
    """Return the date the Convention entered into force for a Party that deposited its instrument on ``deposit`` (Article 26)."""
    if deposit <= FIFTIETH_DEPOSIT:
        return CONVENTION_IN_FORCE
    return deposit + dt.timedelta(days=DAYS_AFTER_DEPOSIT)


@dataclass(frozen=True)
class PartyStatus:
    """Whether a State (or the EU) is a Party, and since when, with what each rests on."""

    country: str
    iso3: str
    status: str
    status_basis: str
    deposit_date: dt.date | None
    instrument: str
    entry_into_force: dt.date | None
    basis: str
    source: str = ""
    source_url: str = ""
    notes: str = ""

    @property
    def is_party(self) -> bool:
        """Return whether a source (or the committee's record) makes it a Party."""
        return self.status == "party"

    @property
    def not_a_party(self) -> bool:
        """Return whether it is known not to be a Party (signed without ratifying, or never joined)."""
        return self.status in ("signatory", "non_party")

    @property
    def status_established(self) -> bool:
        """Return whether its status is known at all."""
        return self.status != "not_established"

    def status_words(self) -> str:
        """Return the status in words, with what it rests on."""
        if self.status == "party":
            rest = {"crc_case": "as named notifying Party in a CRC case; no ratification source read"}.get(self.status_basis, "")
            return "a Party" + (f" ({rest})" if rest else "")
        if self.status == "signatory":
            return "not a Party (signed the Convention, did not ratify it)"
        if self.status == "non_party":
            return "not a Party" + (" (absent from the lists of Parties read)" if self.status_basis == "absent_from_lists" else "")
        return "status as a Party not established"

    def in_force_words(self) -> str:
        """Return the date the Convention entered into force for it, and its basis, in words."""
        if self.entry_into_force is None:
            return "date of entry into force not established"
        how = "stated" if self.basis == "stated" else f"derived by Article 26 from the deposit on {self.deposit_date.isoformat()}"
        return f"in force since {self.entry_into_force.isoformat()} ({how})"


def _date(path, n: int, value: str, field_name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ReferenceDataError(f"'{value}' is not an ISO date", source=str(path), record=str(n), field_name=field_name) from None


def _party_row(path, n: int, row: dict) -> PartyStatus:
    def fail(message: str, field_name: str):
        raise ReferenceDataError(message, source=str(path), record=str(n), field_name=field_name)

    row = dict(row)
    row["status"] = row["status"] or "not_established"  # a blank status (the research transcription) is not established
    row.setdefault("status_basis", "stated" if row["status"] != "not_established" else "not_established")
    row["status_basis"] = row["status_basis"] or ("stated" if row["status"] != "not_established" else "not_established")
    for name, allowed in (("status", STATUSES), ("status_basis", STATUS_BASES), ("basis", DATE_BASES)):
        if row[name] not in allowed:
            fail(f"{name} must be one of {', '.join(allowed)}", name)
    if (row["status"] == "not_established") != (row["status_basis"] == "not_established"):
        fail("a status is not_established exactly when its basis is", "status_basis")
    deposit, eif = _date(path, n, row.get("deposit_date", ""), "deposit_date"), _date(path, n, row["entry_into_force"], "entry_into_force")
    if (eif is None) != (row["basis"] == "not_established"):
        fail("a date of entry into force is given exactly when its basis is stated or derived", "entry_into_force")
    if eif is not None and row["status"] != "party":
        fail("only a Party has a date of entry into force", "entry_into_force")
    if eif is not None and eif < CONVENTION_IN_FORCE:
        fail(f"the Convention entered into force on {CONVENTION_IN_FORCE.isoformat()} (Article 26.1), not earlier", "entry_into_force")
    if row["basis"] == "derived" and deposit is None:
        fail("a derived date needs the deposit date it is derived from", "deposit_date")
    if deposit is not None and eif is not None and entry_into_force_for(deposit) != eif:
        fail(f"Article 26 gives {entry_into_force_for(deposit).isoformat()} for a deposit on {deposit.isoformat()}, not {eif.isoformat()}", "entry_into_force")
    if row["status"] != "not_established" and "source" in row and not row["source"]:
        fail("a status is given with its source", "source")
    return PartyStatus(
        row["country"], row["iso3"].upper(), row["status"], row["status_basis"], deposit, row.get("instrument", ""), eif, row["basis"],
        row.get("source", ""), row.get("source_url", ""), row.get("notes", ""),
    )


def parties() -> dict[str, PartyStatus]:
    """Return ISO alpha-3 code -> :class:`PartyStatus` from ``data/reference/parties.csv`` (or ``CRC_PARTIES``), validated.

    Every country of the PIC-region table has a row, so no notifying State is silently without
    a status; each date agrees with Article 26 where a deposit date is given. The same file is
    read by :mod:`crc_tools.responses.dates` for import-response due dates (Article 10.2).
    """
    return _parties(str(config.parties_path()))


@lru_cache(maxsize=None)
def _parties(path_text: str) -> dict[str, PartyStatus]:
    path = Path(path_text)
    rows = read_csv(path)
    require_columns(path, rows, ("country", "iso3", "status", "entry_into_force", "basis"))
    out: dict[str, PartyStatus] = {}
    for n, row in enumerate(rows, start=2):
        p = _party_row(path, n, row)
        if p.iso3 in out:
            raise ReferenceDataError(f"duplicate country code {p.iso3}", source=str(path), record=str(n), field_name="iso3")
        out[p.iso3] = p
    missing = sorted(set(regions().by_iso3) - set(out))
    if missing:
        raise ReferenceDataError(f"countries of pic_regions.csv without a row: {', '.join(missing)}", source=str(path))
    return out


def party_status(iso3: str) -> PartyStatus | None:
    """Return the status of a State by ISO alpha-3 code (``EUU`` for the European Union), or ``None``."""
    return parties().get(str(iso3 or "").upper())


NON_PARTY_RULE = N_("Articles 2(g), 5.1 and 5.5: only a Party notifies, and only Parties' notifications count towards two PIC regions")


def non_party_message(p: PartyStatus) -> str:
    """Return the warning for a notification from a State that is not a Party."""
    return (
        f"{p.country} is {p.status_words()} (data/reference/parties.csv); the notification is kept "
        f"but not counted towards the two-region trigger ({NON_PARTY_RULE})"
    )


def unknown_status_words(countries) -> str:
    """Return the note for counted notifications whose notifying States' status is not established."""
    return (
        f"counts notification(s) from {', '.join(countries)}, whose status as Party is not established in data/reference/parties.csv: "
        "taken as a Party's, since only Parties notify (Article 5.1); to be confirmed from the depositary's record"
    )


def non_party_warnings(iso3s) -> list[str]:
    """Return the intake's warning for each notifying State that is not a Party (Articles 2(g), 5.1, 5.5)."""
    found = (party_status(i) for i in iso3s)
    return [non_party_message(p) for p in found if p is not None and p.not_a_party]
