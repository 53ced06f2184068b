"""The Convention's information items and criteria (Annex I, II, IV Parts 1-3, V), declared in ``convention_items.yaml``."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .files import ReferenceDataError, read_reference_yaml, ref_path


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
def item_sets() -> dict[str, ItemSet]:
    """Load ``convention_items.yaml``: every Annex item and criterion, validated."""
    import yaml

    path = ref_path("convention_items.yaml")
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

