"""Field declarations of the suite's records, read from ``data/reference/*_fields.yaml``.

One declaration per field (PUDL habit, ``../shared/STYLE.md``): its flat ``name``
(bulk-table column, internal table column), its ``path`` in a case file, its type,
whether it is required, the form section and Annex item it carries, and a label.
Validation, completeness checks, the published case-file schema and document
labels all read these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .. import config
from ..convention.reference import ReferenceDataError, read_reference_yaml

TYPES = (
    "id", "text", "text_list", "date", "bool", "enum", "cas_list", "hs_code", "party", "party_list", "number", "object_list",
    "formulation_type", "concentration_list",
)


@dataclass(frozen=True)
class FieldSpec:
    """One declared field."""

    name: str
    path: str
    type: str
    required: bool = False
    values: tuple[str, ...] = ()
    label: str = ""
    description: str = ""
    form: str = ""
    annex_i: str = ""
    annex_iv: str = ""

    @property
    def per_category(self) -> bool:
        """Return whether the field sits in a per-category block of the case file."""
        return "[]" in self.path

    @property
    def path_parts(self) -> tuple[str, ...]:
        """Return the case-file path split on dots (``[]`` markers removed)."""
        return tuple(p.replace("[]", "") for p in self.path.split("."))

    @property
    def display(self) -> str:
        """Return the label, or the name when there is none."""
        return self.label or self.name


@dataclass(frozen=True)
class Schema:
    """The declared fields of one kind of record (notification, SHPF proposal)."""

    kind: str
    id_field: str
    fields: tuple[FieldSpec, ...]

    @property
    def names(self) -> list[str]:
        """Return the flat field names in declaration order."""
        return [f.name for f in self.fields]

    @property
    def required(self) -> list[str]:
        """Return the names of the required fields."""
        return [f.name for f in self.fields if f.required]

    def get(self, name: str) -> FieldSpec:
        """Return a field by its flat name."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def by_path(self) -> dict[tuple[str, ...], FieldSpec]:
        """Return the fields keyed by their case-file path."""
        return {f.path_parts: f for f in self.fields}


def _load(file_name: str, kind: str, id_field: str, section: str = "fields") -> Schema:
    path = config.reference_dir() / file_name
    try:
        data = read_reference_yaml(path) or {}
    except FileNotFoundError:
        raise ReferenceDataError("field declarations are missing", source=str(path)) from None
    out = []
    seen: set[str] = set()
    for n, raw in enumerate(data.get(section, []), start=1):
        where = str(n) if section == "fields" else f"{section}[{n}]"
        name = raw.get("name")
        if not name or not raw.get("path") or raw.get("type") not in TYPES:
            raise ReferenceDataError(f"field needs name, path and a type among {', '.join(TYPES)}", source=str(path), record=where)
        if name in seen:
            raise ReferenceDataError(f"field '{name}' declared twice", source=str(path), record=where)
        seen.add(name)
        if raw["type"] == "enum" and not raw.get("values"):
            raise ReferenceDataError("an enum field needs its values", source=str(path), record=where, field_name=name)
        out.append(
            FieldSpec(
                name=name,
                path=raw["path"],
                type=raw["type"],
                required=bool(raw.get("required", False)),
                values=tuple(raw.get("values", ())),
                label=str(raw.get("label", "")),
                description=str(raw.get("description", "")),
                form=str(raw.get("form", "")),
                annex_i=str(raw.get("annex_i", "")),
                annex_iv=str(raw.get("annex_iv", "")),
            )
        )
    if id_field not in seen:
        raise ReferenceDataError(f"the id field '{id_field}' is not declared", source=str(path))
    return Schema(kind=kind, id_field=id_field, fields=tuple(out))


@lru_cache(maxsize=None)
def notification_schema() -> Schema:
    """Return the declared fields of a notification of final regulatory action."""
    return _load("notification_fields.yaml", "notification", "notification_id")


@lru_cache(maxsize=None)
def proposal_schema() -> Schema:
    """Return the declared fields of an SHPF proposal: Part A (Annex IV Part 1 (a)-(h)) and its record-keeping (Article 6)."""
    return _load("proposal_fields.yaml", "shpf_proposal", "proposal_id")


@lru_cache(maxsize=None)
def incident_schema() -> Schema:
    """Return the declared fields of a Part B incident report (SHPF report forms; Annex IV Part 1 (g))."""
    return _load("proposal_fields.yaml", "shpf_incident", "incident_id", section="incident_fields")


@lru_cache(maxsize=None)
def part2_schema() -> Schema:
    """Return the declared fields of the Secretariat's Part 2 collection tracker (Article 6.3, Annex IV Part 2)."""
    return _load("proposal_fields.yaml", "shpf_part2", "part2_item", section="part2_fields")


@lru_cache(maxsize=None)
def response_schema() -> Schema:
    """Return the declared fields of an import response (Article 10; the Secretariat's import response form)."""
    return _load("response_fields.yaml", "import_response", "response_id")
