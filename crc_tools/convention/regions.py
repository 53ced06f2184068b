"""The PIC regions of decision RC-1/2.

Each country's region with its basis (stated, inferred, not established), and a local
override file for what the sources leave open.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import config
from ..errors import CrcError
from ..text import name_variants, normalize_name
from .files import ReferenceDataError, read_csv, ref_path, require_columns

PIC_REGIONS = (
    "Africa",
    "Asia",
    "Europe",
    "Latin America and the Caribbean",
    "Near East",
    "North America",
    "Southwest Pacific",
)
"""The seven PIC regions (decision RC-1/2), spelled as the command-line contract requires."""

REGION_BASES = ("stated", "inferred", "not_established", "override")
EUROPEAN_UNION_ISO3 = "EUU"



@dataclass(frozen=True)
class Party:
    """A country or the European Union as the suite knows it."""

    country: str
    iso3: str
    pic_region: str  # empty when no region is established
    basis: str  # stated | inferred | not_established | override
    source: str = ""
    notes: str = ""

    @property
    def region_established(self) -> bool:
        """Return whether the Party has a PIC region the suite may count."""
        return bool(self.pic_region)

    @property
    def is_european_union(self) -> bool:
        """Return whether this is the European Union (one notifying Party, counted for Europe)."""
        return self.iso3 == EUROPEAN_UNION_ISO3


class UnknownCountryError(CrcError):
    """A name that is not a country or REIO the suite knows."""

    def __init__(self, given: str, suggestions: list[str]):
        hint = f"; did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        super().__init__(f"unknown country '{given}'{hint}")
        self.given = given
        self.suggestions = suggestions


class RegionNotEstablishedError(CrcError):
    """A known country whose PIC region the sources do not establish."""

    def __init__(self, party: Party):
        super().__init__(
            f"{party.country} has no established PIC region in the suite's sources ({party.notes.rstrip('.')}); "
            f"its region must be set before it can count: add a line '{party.country},<region>,<source>' "
            f"to a region override file (data/local/region_overrides.csv, or the file named by CRC_REGION_OVERRIDES)"
        )
        self.party = party


class RegionTable:
    """Country → PIC region look-up with aliases, ISO 3166 alpha-3 codes and local overrides."""

    def __init__(self, parties: list[Party], aliases: dict[str, str]):
        self.parties = parties
        self.by_iso3 = {p.iso3: p for p in parties}
        self._index: dict[str, Party] = {}
        for p in parties:
            for key in name_variants(p.country) + [normalize_name(p.iso3)]:
                self._index.setdefault(key, p)
        for alias, iso3 in aliases.items():
            if iso3 in self.by_iso3:
                self._index.setdefault(normalize_name(alias), self.by_iso3[iso3])
        # Spacing and punctuation vary ("E.U.", "Cote dIvoire"): every key is also found without spaces.
        for key, party in list(self._index.items()):
            self._index.setdefault(key.replace(" ", ""), party)
        self._choices = sorted({p.country for p in parties} | set(aliases))

    def find(self, name: str) -> Party | None:
        """Return the Party a name, alias or ISO alpha-3 code refers to, or ``None``."""
        for key in name_variants(name):
            party = self._index.get(key)
            if party is None:
                party = self._index.get(key.replace(" ", ""))
            if party is not None:
                return party
        return None

    def suggestions(self, name: str, n: int = 3) -> list[str]:
        """Return close matches for a name that is not known."""
        text = str(name or "").strip()
        if not text:
            return []
        by_lower = {c.casefold(): c for c in self._choices}
        found = difflib.get_close_matches(text.casefold(), list(by_lower), n=n, cutoff=0.6)
        if not found:
            contains = [c for c in self._choices if len(text) >= 3 and text.casefold() in c.casefold()]
            return contains[:n]
        return [by_lower[f] for f in found]

    def resolve(self, name: str) -> Party:
        """Return the Party for a name; raise :class:`UnknownCountryError` with suggestions when unknown."""
        party = self.find(name)
        if party is None:
            raise UnknownCountryError(str(name), self.suggestions(name))
        return party

    def region(self, name: str) -> str:
        """Return the PIC region of a country; raise when unknown or not established."""
        party = self.resolve(name)
        if not party.region_established:
            raise RegionNotEstablishedError(party)
        return party.pic_region

    def countries_in(self, region: str) -> list[Party]:
        """Return the Parties assigned to a PIC region."""
        return [p for p in self.parties if p.pic_region == region]


def _load_parties(path: Path) -> list[Party]:
    rows = read_csv(path)
    require_columns(path, rows, ("country", "iso3", "pic_region", "basis", "source_url"))
    parties = []
    seen: set[str] = set()
    for n, row in enumerate(rows, start=2):
        iso3 = row["iso3"].upper()
        if len(iso3) != 3 or not iso3.isalpha():
            raise ReferenceDataError(f"'{row['iso3']}' is not an ISO 3166 alpha-3 code", source=str(path), record=str(n), field_name="iso3")
        if iso3 in seen:
            raise ReferenceDataError(f"duplicate country code {iso3}", source=str(path), record=str(n), field_name="iso3")
        seen.add(iso3)
        basis = row["basis"]
        if basis not in REGION_BASES:
            raise ReferenceDataError(f"basis must be one of {', '.join(REGION_BASES)}", source=str(path), record=str(n), field_name="basis")
        region = row["pic_region"]
        if basis == "not_established":
            if region:
                raise ReferenceDataError("a country without an established region has no region", source=str(path), record=str(n), field_name="pic_region")
        elif region not in PIC_REGIONS:
            raise ReferenceDataError(f"'{region}' is not a PIC region ({', '.join(PIC_REGIONS)})", source=str(path), record=str(n), field_name="pic_region")
        parties.append(Party(row["country"], iso3, region, basis, row["source_url"], row.get("notes", "")))
    return parties


def _apply_overrides(parties: list[Party], aliases: dict[str, str], path: Path) -> list[Party]:
    rows = read_csv(path)
    if not rows:
        return parties
    require_columns(path, rows, ("country", "pic_region"))
    table = RegionTable(parties, aliases)
    by_iso3 = {p.iso3: p for p in parties}
    for n, row in enumerate(rows, start=2):
        region = row["pic_region"]
        if region not in PIC_REGIONS:
            raise ReferenceDataError(f"'{region}' is not a PIC region ({', '.join(PIC_REGIONS)})", source=str(path), record=str(n), field_name="pic_region")
        party = table.find(row["country"])
        if party is None:
            raise ReferenceDataError(
                f"unknown country '{row['country']}'" + (f"; did you mean {', '.join(table.suggestions(row['country']))}?" if table.suggestions(row["country"]) else ""),
                source=str(path), record=str(n), field_name="country",
            )
        by_iso3[party.iso3] = Party(party.country, party.iso3, region, "override", row.get("source", "") or str(path), f"set locally in {path.name}")
    return list(by_iso3.values())


@lru_cache(maxsize=None)
def _region_table(overrides: str | None) -> RegionTable:
    parties = _load_parties(ref_path("pic_regions.csv"))
    alias_rows = read_csv(ref_path("country_aliases.csv"))
    require_columns(ref_path("country_aliases.csv"), alias_rows, ("alias", "iso3"))
    aliases = {r["alias"]: r["iso3"].upper() for r in alias_rows}
    known = {p.iso3 for p in parties}
    for n, r in enumerate(alias_rows, start=2):
        if r["iso3"].upper() not in known:
            raise ReferenceDataError(f"alias points to unknown code {r['iso3']}", source=str(ref_path("country_aliases.csv")), record=str(n), field_name="iso3")
    if overrides:
        parties = _apply_overrides(parties, aliases, Path(overrides))
    counts = {r: 0 for r in PIC_REGIONS}
    for p in parties:
        if p.pic_region:
            counts[p.pic_region] += 1
    empty = [r for r, c in counts.items() if c == 0]
    if empty:
        raise ReferenceDataError(f"PIC region(s) without countries: {', '.join(empty)}", source=str(ref_path("pic_regions.csv")))
    return RegionTable(parties, aliases)


def regions() -> RegionTable:
    """Return the country → PIC region table (with the local override file applied, if any)."""
    path = config.region_overrides_path()
    return _region_table(str(path) if path else None)

