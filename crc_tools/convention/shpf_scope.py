"""Pesticide formulation types (Annex IV Part 1 (d)) and the structured scope of each SHPF entry of Annex III."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache

from ..text import name_variants, normalize_name
from .annex_iii import annex_iii
from .cas import cas_problem
from .files import ReferenceDataError, read_csv, ref_path, require_columns


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
    path = ref_path("formulation_types.csv")
    rows = read_csv(path)
    require_columns(path, rows, ("code", "name", "annex_iii_wording", "aliases", "source"))
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
    path = ref_path("annex_iii_shpf_scope.csv")
    rows = read_csv(path)
    require_columns(path, rows, ("entry_id", "formulation_type", "active_ingredient", "cas_number", "comparison", "value", "unit"))
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
