"""Reference data of the Convention, declared once in ``data/reference/`` and validated on load.

What lives here:

* the Convention's criteria and information items (Annex I, II, IV Parts 1-3, V);
* the PIC regions of decision RC-1/2 with each country's basis (stated, inferred,
  not established) and a local override file for what the sources leave open;
* Annex III as in force after COP-12 (2025), with the COP that listed each entry;
* the HS customs codes assigned to Annex III chemicals (Article 13.1), with provenance;
* Stockholm Convention listings of chemicals that are also POPs;
* which Parties are developing countries or economies in transition (Article 6.1);
* the pesticide formulation types (CropLife International / FAO codes) that an SHPF
  proposal and an Annex III SHPF entry name, and the structured scope (type, active
  ingredient, threshold) of each SHPF entry of Annex III.

Every loader validates its file and raises :class:`ReferenceDataError` naming the
file, row and field when the data are wrong, so a hand edit cannot slip through.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .. import config
from ..errors import CrcError
from ..text import name_variants, normalize_name, salt_base
from .cas import cas_problem, split_cas

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

CATEGORIES = ("pesticide", "industrial")
"""Categories of a notification of final regulatory action (Article 2(a)); SHPFs count as pesticides."""

ANNEX_III_CATEGORIES = ("pesticide", "industrial", "shpf")
CATEGORY_LABELS = {
    "pesticide": "Pesticide",
    "industrial": "Industrial",
    "shpf": "Severely hazardous pesticide formulation",
}
REGION_BASES = ("stated", "inferred", "not_established", "override")
EUROPEAN_UNION_ISO3 = "EUU"


class ReferenceDataError(CrcError):
    """The shipped or local reference data are malformed."""


# --------------------------------------------------------------------------- files


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return [{k: (v or "").strip() for k, v in row.items() if k is not None} for row in csv.DictReader(fh)]
    except FileNotFoundError:
        raise ReferenceDataError(f"reference file is missing: {path}", source=str(path)) from None
    except UnicodeDecodeError as exc:
        raise ReferenceDataError(f"not UTF-8 text ({exc.reason})", source=str(path)) from None


def _require_columns(path: Path, rows: list[dict], columns: tuple[str, ...]) -> None:
    if not rows:
        raise ReferenceDataError("file has no rows", source=str(path))
    missing = [c for c in columns if c not in rows[0]]
    if missing:
        raise ReferenceDataError(f"missing column(s): {', '.join(missing)}", source=str(path))


def _ref(name: str) -> Path:
    return config.reference_dir() / name


# --------------------------------------------------------------------------- Convention items


@dataclass(frozen=True)
class Item:
    """One information item or criterion of the Convention."""

    set_name: str
    id: str
    key: str
    text: str
    fields: tuple[str, ...] = ()
    group: str = ""
    heading: str = ""
    any_field: bool = False
    optional: bool = False
    """The Convention asks for the item only conditionally: 'if available' (Annex IV Part 1 (e)),
    'where available', 'where such nomenclature exists', 'to the extent possible', 'may cover' (Annex I)."""

    @property
    def label(self) -> str:
        """Return the item as it is cited, e.g. ``Annex II (b)(iii)``."""
        return f"{ITEM_SET_LABELS[self.set_name]} {self.id}"


ITEM_SET_LABELS = {
    "annex_i": "Annex I",
    "annex_ii": "Annex II",
    "annex_iv_part1": "Annex IV Part 1",
    "annex_iv_part2": "Annex IV Part 2",
    "annex_iv_part3": "Annex IV Part 3",
    "annex_v": "Annex V",
}


@dataclass(frozen=True)
class ItemSet:
    """A declared set of items (e.g. the Annex II criteria)."""

    name: str
    title: str
    article: str
    items: tuple[Item, ...]
    groups: dict = field(default_factory=dict)
    note: str = ""

    @property
    def ids(self) -> list[str]:
        """Return the item ids in the Convention's order."""
        return [i.id for i in self.items]

    @property
    def keys(self) -> list[str]:
        """Return the item keys in the Convention's order."""
        return [i.key for i in self.items]

    def get(self, ref: str) -> Item:
        """Return the item named by id (``(b)(iii)``), key (``b_iii``) or a loose spelling (``b iii``)."""
        wanted = _criterion_key(ref)
        for item in self.items:
            if wanted in (_criterion_key(item.id), _criterion_key(item.key)):
                return item
        raise KeyError(ref)

    def normalize(self, ref: str) -> str | None:
        """Return the canonical id for a loose reference, or ``None`` when it is not in this set."""
        try:
            return self.get(ref).id
        except KeyError:
            return None


def _criterion_key(text: str) -> str:
    return "".join(ch for ch in str(text).casefold() if ch.isalnum())


@lru_cache(maxsize=None)
def read_reference_yaml(path: Path):
    """Return the content of a reference YAML file, parsed once per process.

    The suite's own declarations are read safely (no Python objects), by libyaml's C parser
    when PyYAML was built with it: the pure-Python parser took a tenth of a second per command.
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader)  # noqa: S506 - a safe loader


@lru_cache(maxsize=None)
def item_sets() -> dict[str, ItemSet]:
    """Load ``convention_items.yaml``: every Annex item and criterion, validated."""
    import yaml

    path = _ref("convention_items.yaml")
    try:
        data = read_reference_yaml(path)
    except FileNotFoundError:
        raise ReferenceDataError("reference file is missing", source=str(path)) from None
    except yaml.YAMLError as exc:
        raise ReferenceDataError(f"not valid YAML: {exc}", source=str(path)) from None
    sets: dict[str, ItemSet] = {}
    for name, spec in (data or {}).get("sets", {}).items():
        if name not in ITEM_SET_LABELS:
            raise ReferenceDataError(f"unknown item set '{name}'", source=str(path))
        items = []
        seen: set[str] = set()
        for n, raw in enumerate(spec.get("items", []), start=1):
            for required in ("id", "key", "text"):
                if not raw.get(required):
                    raise ReferenceDataError("value is required", source=str(path), record=f"{name}[{n}]", field_name=required)
            if raw["id"] in seen:
                raise ReferenceDataError(f"duplicate id {raw['id']}", source=str(path), record=f"{name}[{n}]", field_name="id")
            seen.add(raw["id"])
            items.append(
                Item(
                    set_name=name,
                    id=str(raw["id"]),
                    key=str(raw["key"]),
                    text=str(raw["text"]),
                    fields=tuple(raw.get("fields", ())),
                    group=str(raw.get("group", "")),
                    heading=str(raw.get("heading", "")),
                    any_field=bool(raw.get("any", False)),
                    optional=bool(raw.get("optional", False)),
                )
            )
        sets[name] = ItemSet(
            name=name,
            title=str(spec.get("title", name)),
            article=str(spec.get("article", "")),
            items=tuple(items),
            groups=dict(spec.get("groups", {})),
            note=str(spec.get("note", "")),
        )
    missing = set(ITEM_SET_LABELS) - set(sets)
    if missing:
        raise ReferenceDataError(f"item sets missing: {', '.join(sorted(missing))}", source=str(path))
    return sets


def items(set_name: str) -> ItemSet:
    """Return one declared item set: ``annex_i``, ``annex_ii``, ``annex_iv_part1`` … ``annex_v``."""
    try:
        return item_sets()[set_name]
    except KeyError:
        raise KeyError(f"unknown item set '{set_name}'; known: {', '.join(ITEM_SET_LABELS)}") from None


# --------------------------------------------------------------------------- PIC regions


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
    rows = _read_csv(path)
    _require_columns(path, rows, ("country", "iso3", "pic_region", "basis", "source_url"))
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
    rows = _read_csv(path)
    if not rows:
        return parties
    _require_columns(path, rows, ("country", "pic_region"))
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
    parties = _load_parties(_ref("pic_regions.csv"))
    alias_rows = _read_csv(_ref("country_aliases.csv"))
    _require_columns(_ref("country_aliases.csv"), alias_rows, ("alias", "iso3"))
    aliases = {r["alias"]: r["iso3"].upper() for r in alias_rows}
    known = {p.iso3 for p in parties}
    for n, r in enumerate(alias_rows, start=2):
        if r["iso3"].upper() not in known:
            raise ReferenceDataError(f"alias points to unknown code {r['iso3']}", source=str(_ref("country_aliases.csv")), record=str(n), field_name="iso3")
    if overrides:
        parties = _apply_overrides(parties, aliases, Path(overrides))
    counts = {r: 0 for r in PIC_REGIONS}
    for p in parties:
        if p.pic_region:
            counts[p.pic_region] += 1
    empty = [r for r, c in counts.items() if c == 0]
    if empty:
        raise ReferenceDataError(f"PIC region(s) without countries: {', '.join(empty)}", source=str(_ref("pic_regions.csv")))
    return RegionTable(parties, aliases)


def regions() -> RegionTable:
    """Return the country → PIC region table (with the local override file applied, if any)."""
    path = config.region_overrides_path()
    return _region_table(str(path) if path else None)


# --------------------------------------------------------------------------- Annex III


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
        """Return the entry as plain data."""
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
            "hs_codes": [h.as_dict() for h in hs_codes_for(self.chemical)],
            "stockholm": [s.as_dict() for s in stockholm_for(self.chemical, self.cas_numbers)],
            "source_url": self.source_url,
        }


ADOPTION_DATE = dt.date(1998, 9, 10)
"""Adoption of the Convention, with its original Annex III."""


@lru_cache(maxsize=None)
def cop_dates() -> dict[str, dt.date]:
    """Return the closing date of each COP meeting (``COP-n`` → date)."""
    path = _ref("cop_meetings.csv")
    rows = _read_csv(path)
    _require_columns(path, rows, ("meeting", "opened", "closed"))
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
    path = _ref("annex_iii.csv")
    rows = _read_csv(path)
    _require_columns(path, rows, ("entry_id", "chemical", "short_name", "cas_numbers", "categories", "cop_listed", "year_listed"))
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


@lru_cache(maxsize=None)
def _annex_iii_index() -> tuple[dict[str, list[AnnexIIIEntry]], dict[str, list[AnnexIIIEntry]], dict[str, list[AnnexIIIEntry]]]:
    by_name: dict[str, list[AnnexIIIEntry]] = {}
    by_cas: dict[str, list[AnnexIIIEntry]] = {}
    by_parent: dict[str, list[AnnexIIIEntry]] = {}  # entries that list a chemical with its salts
    for e in annex_iii():
        keys = set(name_variants(e.chemical)) | set(name_variants(e.short_name)) | {normalize_name(a) for a in e.aliases}
        if e.category != "shpf":
            # "Dinoseb and its salts and esters" is found as "dinoseb".
            for suffix in (" and its salts and esters", " and its salts", ", its salts and pfoa-related compounds"):
                if e.chemical.casefold().endswith(suffix):
                    keys.add(normalize_name(e.chemical[: -len(suffix)]))
            if " its salts" in e.chemical.casefold():
                parents = {normalize_name(e.short_name), *(normalize_name(a) for a in e.aliases)}
                m = re.match(r"^(.*?)(?:\s*\(|, | and its salts)", e.chemical)
                if m:
                    parents.add(normalize_name(m.group(1)))
                for k in parents - {""}:
                    by_parent.setdefault(k, []).append(e)
        for k in keys:
            by_name.setdefault(k, []).append(e)
        for c in e.cas_numbers:
            by_cas.setdefault(c, []).append(e)
    return by_name, by_cas, by_parent


def annex_iii_matches(name: str = "", cas_numbers=(), *, as_of: dt.date | None = None) -> list[AnnexIIIEntry]:
    """Return the Annex III entries (any category) for a chemical named or numbered so.

    A chemical matches an entry by any of its CAS numbers or by its name, short
    name or an alias. With ``as_of``, only entries listed on or before that date
    count (the Annex III that was in force then).
    """
    by_name, by_cas, by_parent = _annex_iii_index()
    found: dict[tuple[str, str], AnnexIIIEntry] = {}
    for c in split_cas(list(cas_numbers)):
        for e in by_cas.get(c, []):
            found[(e.entry_id, e.category)] = e
    for k in name_variants(name):
        for e in by_name.get(k, []):
            found[(e.entry_id, e.category)] = e
    if not found:
        # A salt or ester named as such ("dinoseb ammonium", "2,4,5-T sodium salt") is covered by
        # an entry that lists the parent chemical "and its salts (and esters)" (Annex III).
        for k in {salt_base(v) for v in name_variants(name)} - {""}:
            for e in by_parent.get(k, []):
                found[(e.entry_id, e.category)] = e
    out = list(found.values())
    if as_of is not None:
        out = [e for e in out if e.listed_on <= as_of]
    return out


def search_annex_iii(query: str = "") -> list[AnnexIIIEntry]:
    """Look up Annex III by name (part of it will do), CAS number or HS code; empty query lists all."""
    q = str(query or "").strip()
    if not q:
        return list(annex_iii())
    if cas_problem(q) is None:
        return [e for e in annex_iii() if q in e.cas_numbers]
    digits = q.replace(".", "").replace(" ", "")
    if digits.isdigit() and len(digits) >= 4:
        names = {h.chemical for h in hs_codes() if h.hs_code and h.hs_code.replace(".", "").startswith(digits)}
        return [e for e in annex_iii() if e.chemical in names]
    exact = annex_iii_matches(q)
    if exact:
        return sorted(exact, key=lambda e: (e.listed_on, e.chemical))
    key = normalize_name(q)
    return [
        e
        for e in annex_iii()
        if key in normalize_name(e.chemical) or key in normalize_name(e.short_name) or any(key in normalize_name(a) for a in e.aliases)
    ]


# --------------------------------------------------------------------------- HS codes, Stockholm, development status


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
    path = _ref("hs_codes.csv")
    rows = _read_csv(path)
    _require_columns(path, rows, ("chemical", "hs_code", "hs_edition", "provenance", "source_url"))
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
    path = _ref("stockholm_listings.csv")
    rows = _read_csv(path)
    _require_columns(path, rows, ("chemical", "cas_numbers", "stockholm_annex", "cop_decision", "year_listed", "source_url"))
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
    path = _ref("party_development_status.csv")
    rows = _read_csv(path)
    _require_columns(path, rows, ("country", "iso3", "status", "basis", "source_url"))
    out = {}
    for n, row in enumerate(rows, start=2):
        if row["status"] not in DEVELOPMENT_STATUSES:
            raise ReferenceDataError(f"status must be one of {', '.join(DEVELOPMENT_STATUSES)}", source=str(path), record=str(n), field_name="status")
        out[row["iso3"].upper()] = row
    return out


# --------------------------------------------------------------------------- formulation types (Annex IV Part 1 (d))


@dataclass(frozen=True)
class FormulationType:
    """A pesticide formulation type of the international coding system (CropLife International / FAO)."""

    code: str
    name: str
    annex_iii_wording: str
    aliases: tuple[str, ...] = ()
    source: str = ""

    @property
    def label(self) -> str:
        """Return the code with its name, e.g. ``EC (emulsifiable concentrate)``."""
        return f"{self.code} ({self.name})"


class FormulationTypes:
    """Look-up of formulation types by code, name or alias (``ULV`` → ``UL``)."""

    def __init__(self, types: list[FormulationType]):
        self.types = types
        self.by_code = {t.code: t for t in types}
        self._index: dict[str, FormulationType] = {}
        for t in types:
            for key in (t.code, t.name, t.label, *t.aliases):
                self._index.setdefault(normalize_name(key), t)

    def find(self, text: str) -> FormulationType | None:
        """Return the type a code, name or alias refers to, or ``None``.

        ``EC``, ``emulsifiable concentrate``, ``EC (emulsifiable concentrate)`` and, for UL,
        ``ULV`` are all found.
        """
        raw = str(text or "").strip()
        if not raw:
            return None
        for key in name_variants(raw):
            found = self._index.get(key)
            if found is not None:
                return found
        head = raw.split()[0].strip("(),;:")
        if head.isupper() and 2 <= len(head) <= 3:  # "EC emulsifiable concentrate 400 g/L"
            return self._index.get(normalize_name(head))
        return None

    def suggestions(self, text: str, n: int = 3) -> list[str]:
        """Return close codes for an unknown formulation type."""
        key = str(text or "").strip().upper()
        return difflib.get_close_matches(key, list(self.by_code), n=n, cutoff=0.6)


@lru_cache(maxsize=None)
def formulation_types() -> FormulationTypes:
    """Return the formulation types of ``formulation_types.csv`` (Annex IV Part 1 (d)), validated."""
    path = _ref("formulation_types.csv")
    rows = _read_csv(path)
    _require_columns(path, rows, ("code", "name", "annex_iii_wording", "aliases", "source"))
    out = []
    seen: set[str] = set()
    for n, row in enumerate(rows, start=2):
        code = row["code"]
        if not (code.isalpha() and code.isupper() and 2 <= len(code) <= 3):
            raise ReferenceDataError(f"'{code}' is not a formulation type code (two or three capital letters)", source=str(path), record=str(n), field_name="code")
        if code in seen:
            raise ReferenceDataError(f"duplicate code {code}", source=str(path), record=str(n), field_name="code")
        seen.add(code)
        if not row["name"] or not row["annex_iii_wording"]:
            raise ReferenceDataError("name and annex_iii_wording are required", source=str(path), record=str(n), field_name="name")
        aliases = tuple(a.strip() for a in row["aliases"].split(";") if a.strip())
        out.append(FormulationType(code, row["name"], row["annex_iii_wording"], aliases, row["source"]))
    table = FormulationTypes(out)
    for t in out:  # an alias must not hide another type's code
        for a in t.aliases:
            if a.upper() in table.by_code and a.upper() != t.code:
                raise ReferenceDataError(f"alias '{a}' of {t.code} is the code of another type", source=str(path), field_name="aliases")
    return table


SCOPE_COMPARISONS = ("at_or_above", "exceeds")
SCOPE_UNITS = ("%", "g/L", "g/kg")


@dataclass(frozen=True)
class ShpfScope:
    """One clause of an Annex III SHPF entry: formulation type, active ingredient and threshold."""

    entry_id: str
    formulation_type: str
    active_ingredient: str
    cas_number: str
    comparison: str  # at_or_above | exceeds
    value: float
    unit: str  # % | g/L | g/kg


@lru_cache(maxsize=None)
def annex_iii_shpf_scope() -> tuple[ShpfScope, ...]:
    """Return the structured scope of every SHPF entry of Annex III (``annex_iii_shpf_scope.csv``).

    Each SHPF entry of Annex III names formulation types and concentration thresholds in
    words; this file reads them as data so a proposal can be matched to an entry. Every
    SHPF entry must have its scope, and every scope row an SHPF entry.
    """
    path = _ref("annex_iii_shpf_scope.csv")
    rows = _read_csv(path)
    _require_columns(path, rows, ("entry_id", "formulation_type", "active_ingredient", "cas_number", "comparison", "value", "unit"))
    shpf_entries = {e.entry_id: e for e in annex_iii() if e.category == "shpf"}
    types = formulation_types()
    out = []
    for n, row in enumerate(rows, start=2):
        entry = shpf_entries.get(row["entry_id"])
        if entry is None:
            raise ReferenceDataError(f"'{row['entry_id']}' is not an SHPF entry of annex_iii.csv", source=str(path), record=str(n), field_name="entry_id")
        if row["formulation_type"] not in types.by_code:
            raise ReferenceDataError(f"'{row['formulation_type']}' is not a code of formulation_types.csv", source=str(path), record=str(n), field_name="formulation_type")
        if cas_problem(row["cas_number"]) or row["cas_number"] not in entry.cas_numbers:
            raise ReferenceDataError(f"'{row['cas_number']}' is not a CAS number of the entry", source=str(path), record=str(n), field_name="cas_number")
        if row["comparison"] not in SCOPE_COMPARISONS:
            raise ReferenceDataError(f"comparison must be one of {', '.join(SCOPE_COMPARISONS)}", source=str(path), record=str(n), field_name="comparison")
        if row["unit"] not in SCOPE_UNITS:
            raise ReferenceDataError(f"unit must be one of {', '.join(SCOPE_UNITS)}", source=str(path), record=str(n), field_name="unit")
        try:
            value = float(row["value"])
        except ValueError:
            raise ReferenceDataError(f"'{row['value']}' is not a number", source=str(path), record=str(n), field_name="value") from None
        out.append(ShpfScope(row["entry_id"], row["formulation_type"], row["active_ingredient"], row["cas_number"], row["comparison"], value, row["unit"]))
    missing = sorted(set(shpf_entries) - {s.entry_id for s in out})
    if missing:
        raise ReferenceDataError(f"SHPF entries without a scope: {', '.join(missing)}", source=str(path))
    return tuple(out)
