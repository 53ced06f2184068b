"""HS codes of Annex III chemicals (Article 13.1), Stockholm listings, development status (Article 6.1)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..text import name_variants, normalize_name
from .annex_iii import annex_iii
from .annex_iii_groups import annex_iii_matches
from .cas import cas_problem, split_cas
from .files import ReferenceDataError, read_csv, ref_path, require_columns

HS_PROVENANCE = ("wco_subheading", "wco_recommendation", "notifying_party")


@dataclass(frozen=True)
class HsCode:
    """An HS customs code assigned to an Annex III chemical (Article 13.1), with its provenance."""

    chemical: str
    hs_code: str
    hs_edition: str
    provenance: str
    description: str = ""
    source_url: str = ""
    notes: str = ""

    def as_dict(self) -> dict:
        """Return the code as plain data."""
        return {k: getattr(self, k) for k in ("hs_code", "hs_edition", "provenance", "description", "source_url", "notes")}


@lru_cache(maxsize=None)
def hs_codes() -> tuple[HsCode, ...]:
    """Return the HS codes of Annex III chemicals, validated against Annex III."""
    path = ref_path("hs_codes.csv")
    rows = read_csv(path)
    require_columns(path, rows, ("chemical", "hs_code", "hs_edition", "provenance", "source_url"))
    names = {e.chemical for e in annex_iii()}
    out = []
    for n, row in enumerate(rows, start=2):
        if row["chemical"] not in names:
            raise ReferenceDataError(f"'{row['chemical']}' is not an Annex III entry", source=str(path), record=str(n), field_name="chemical")
        if row["hs_code"] and row["provenance"] not in HS_PROVENANCE:
            raise ReferenceDataError(f"provenance must be one of {', '.join(HS_PROVENANCE)}", source=str(path), record=str(n), field_name="provenance")
        out.append(HsCode(row["chemical"], row["hs_code"], row["hs_edition"], row["provenance"], row.get("description", ""), row["source_url"], row.get("notes", "")))
    return tuple(out)


def hs_codes_for(chemical: str) -> list[HsCode]:
    """Return the known HS codes of an Annex III entry (by its full name)."""
    return [h for h in hs_codes() if h.chemical == chemical and h.hs_code]


@dataclass(frozen=True)
class StockholmListing:
    """A chemical's listing under the Stockholm Convention on POPs."""

    chemical: str
    cas_numbers: tuple[str, ...]
    stockholm_annex: str
    cop_decision: str
    year_listed: str
    source_url: str = ""
    notes: str = ""

    def as_dict(self) -> dict:
        """Return the listing as plain data."""
        return {
            "chemical": self.chemical,
            "stockholm_annex": self.stockholm_annex,
            "cop_decision": self.cop_decision,
            "year_listed": self.year_listed,
            "source_url": self.source_url,
        }


@lru_cache(maxsize=None)
def stockholm_listings() -> tuple[StockholmListing, ...]:
    """Return Stockholm Convention listings of Annex III and candidate chemicals."""
    path = ref_path("stockholm_listings.csv")
    rows = read_csv(path)
    require_columns(path, rows, ("chemical", "cas_numbers", "stockholm_annex", "cop_decision", "year_listed", "source_url"))
    out = []
    for n, row in enumerate(rows, start=2):
        annexes = [a.strip() for a in row["stockholm_annex"].split(";") if a.strip()]
        if not annexes or any(a not in ("A", "B", "C") for a in annexes):
            raise ReferenceDataError("stockholm_annex must be A, B or C (several separated by ';')", source=str(path), record=str(n), field_name="stockholm_annex")
        cas = tuple(split_cas(row["cas_numbers"]))
        for c in cas:
            if cas_problem(c):
                raise ReferenceDataError(cas_problem(c), source=str(path), record=str(n), field_name="cas_numbers")
        out.append(StockholmListing(row["chemical"], cas, ";".join(annexes), row["cop_decision"], row["year_listed"], row["source_url"], row.get("notes", "")))
    return tuple(out)


def stockholm_for(name: str, cas_numbers=()) -> list[StockholmListing]:
    """Return Stockholm listings matching a chemical by CAS number or name."""
    keys = set(name_variants(name))
    cas = set(split_cas(list(cas_numbers)))
    for e in annex_iii_matches(name, cas_numbers):
        keys |= set(name_variants(e.chemical)) | set(name_variants(e.short_name)) | {normalize_name(a) for a in e.aliases}
    return [s for s in stockholm_listings() if (cas & set(s.cas_numbers)) or (keys & set(name_variants(s.chemical)))]


DEVELOPMENT_STATUSES = ("developing", "economy_in_transition", "developed")


@lru_cache(maxsize=None)
def development_status() -> dict[str, dict]:
    """Return ISO alpha-3 → development status row (Article 6.1 eligibility of SHPF proposers)."""
    path = ref_path("party_development_status.csv")
    rows = read_csv(path)
    require_columns(path, rows, ("country", "iso3", "status", "basis", "source_url"))
    out = {}
    for n, row in enumerate(rows, start=2):
        if row["status"] not in DEVELOPMENT_STATUSES:
            raise ReferenceDataError(f"status must be one of {', '.join(DEVELOPMENT_STATUSES)}", source=str(path), record=str(n), field_name="status")
        out[row["iso3"].upper()] = row
    return out


