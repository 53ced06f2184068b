"""Annex III as in force after COP-12 (2025): one entry per chemical and category, with when it was listed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from .cas import cas_problem, split_cas
from .files import ReferenceDataError, read_csv, ref_path, require_columns

CATEGORIES = ("pesticide", "industrial")
"""Categories of a notification of final regulatory action (Article 2(a)); SHPFs count as pesticides."""

ANNEX_III_CATEGORIES = ("pesticide", "industrial", "shpf")
CATEGORY_LABELS = {
    "pesticide": "Pesticide",
    "industrial": "Industrial",
    "shpf": "Severely hazardous pesticide formulation",
}


@dataclass(frozen=True)
class AnnexIIIEntry:
    """One Annex III entry in one category, with when it was listed."""

    entry_id: str
    chemical: str
    short_name: str
    aliases: tuple[str, ...]
    cas_numbers: tuple[str, ...]
    category: str  # pesticide | industrial | shpf
    cop_listed: str  # "original" (1998 text) or "COP-n"
    year_listed: int
    listed_on: dt.date
    formulation_type: str = ""
    concentration_threshold: str = ""
    source_url: str = ""

    @property
    def category_label(self) -> str:
        """Return the category as Annex III prints it."""
        return CATEGORY_LABELS[self.category]

    @property
    def listing(self) -> str:
        """Return how the entry came into Annex III, e.g. ``COP-5 (2011)``."""
        if self.cop_listed == "original":
            return "original Annex III (1998)"
        return f"{self.cop_listed} ({self.year_listed})"

    def as_dict(self) -> dict:
        """Return the entry as plain data (with its HS codes and Stockholm listings: :func:`crc_tools.convention.lookup.annex_iii_record`)."""
        return {
            "entry_id": self.entry_id,
            "chemical": self.chemical,
            "short_name": self.short_name,
            "cas_numbers": list(self.cas_numbers),
            "category": self.category,
            "category_label": self.category_label,
            "cop_listed": self.cop_listed,
            "year_listed": self.year_listed,
            "listing": self.listing,
            "formulation_type": self.formulation_type,
            "concentration_threshold": self.concentration_threshold,
            "source_url": self.source_url,
        }


ADOPTION_DATE = dt.date(1998, 9, 10)
"""Adoption of the Convention, with its original Annex III."""


@lru_cache(maxsize=None)
def cop_dates() -> dict[str, dt.date]:
    """Return the closing date of each COP meeting (``COP-n`` → date)."""
    path = ref_path("cop_meetings.csv")
    rows = read_csv(path)
    require_columns(path, rows, ("meeting", "opened", "closed"))
    out = {}
    for n, row in enumerate(rows, start=2):
        try:
            out[row["meeting"]] = dt.date.fromisoformat(row["closed"])
        except ValueError:
            raise ReferenceDataError(f"'{row['closed']}' is not an ISO date", source=str(path), record=str(n), field_name="closed") from None
    return out


@lru_cache(maxsize=None)
def annex_iii() -> tuple[AnnexIIIEntry, ...]:
    """Return Annex III after COP-12 (2025), one entry per chemical and category."""
    path = ref_path("annex_iii.csv")
    rows = read_csv(path)
    require_columns(path, rows, ("entry_id", "chemical", "short_name", "cas_numbers", "categories", "cop_listed", "year_listed"))
    meetings = cop_dates()
    out = []
    for n, row in enumerate(rows, start=2):
        cas = tuple(split_cas(row["cas_numbers"]))
        for c in cas:
            problem = cas_problem(c)
            if problem:
                raise ReferenceDataError(problem, source=str(path), record=str(n), field_name="cas_numbers")
        cats = [c.strip() for c in row["categories"].split(";")]
        cops = [c.strip() for c in row["cop_listed"].split(";")]
        years = [y.strip() for y in row["year_listed"].split(";")]
        if not (len(cats) == len(cops) == len(years)):
            raise ReferenceDataError("categories, cop_listed and year_listed must list the same number of values", source=str(path), record=str(n), field_name="categories")
        for cat, cop, year in zip(cats, cops, years, strict=False):
            if cat not in ANNEX_III_CATEGORIES:
                raise ReferenceDataError(f"unknown category '{cat}'", source=str(path), record=str(n), field_name="categories")
            if cop != "original" and cop not in meetings:
                raise ReferenceDataError(f"unknown meeting '{cop}'", source=str(path), record=str(n), field_name="cop_listed")
            listed_on = ADOPTION_DATE if cop == "original" else meetings[cop]
            if not year.isdigit() or int(year) != listed_on.year:
                raise ReferenceDataError(f"year {year} does not match {cop}", source=str(path), record=str(n), field_name="year_listed")
            out.append(
                AnnexIIIEntry(
                    entry_id=row["entry_id"],
                    chemical=row["chemical"],
                    short_name=row["short_name"] or row["chemical"],
                    aliases=tuple(a.strip() for a in row.get("aliases", "").split(";") if a.strip()),
                    cas_numbers=cas,
                    category=cat,
                    cop_listed=cop,
                    year_listed=int(year),
                    listed_on=listed_on,
                    formulation_type=row.get("formulation_type", ""),
                    concentration_threshold=row.get("concentration_threshold", ""),
                    source_url=row.get("source_url", ""),
                )
            )
    return tuple(out)


