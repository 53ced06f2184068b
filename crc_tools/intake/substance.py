"""Substance case files (``kind: substance``): what a decision guidance document says about a chemical.

The tables a DGD carries beyond the notifications and proposals (Article 7.1; layout of
published DGDs, domain brief §3.3): identity details, physico-chemical properties (Annex 1
section 1), hazard classifications (4.1), exposure limits (4.2), transport classification
(4.3), first aid (4.4), waste management (4.5) and the evaluation summaries per Party (Annex 1
sections 2-6), each value with the reference it rests on. The fields are declared in
``data/reference/substance_fields.yaml``; this reader validates a file against them and reports
every problem as ``FILE[:RECORD]: field: message``. A bad entry (a value citing a reference the
file does not define, a missing required field) is left out and the rest of the file is used.

Registered as ``READERS["substance"]``: :func:`crc_tools.intake.reader.load` puts a
:class:`Substances` in ``Intake.extra["substance"]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..convention.cas import cas_problem, split_cas
from ..text import control_character, is_blank, normalize_name
from .fields import SUBSTANCE_SECTIONS, FieldSpec, substance_schema
from .records import MAX_TEXT_CHARS, READERS

KIND = "substance"
LISTS = {key: section for section, (_, key) in SUBSTANCE_SECTIONS.items() if key}
"""Case-file key of each list → its section in the declarations."""
BLOCKS = ("identity", "transport", "first_aid", "waste_management")
"""Mappings at the top level whose fields are declared with a dotted path."""


@dataclass
class Substances:
    """The substance case files read: one validated record per chemical."""

    records: list[dict] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Return whether no substance file was read."""
        return not self.records

    def find(self, names=(), cas_numbers=()) -> list[dict]:
        """Return the records naming one of ``names`` (compared by letters) or sharing a CAS number."""
        keys = {normalize_name(n) for n in names if n} - {""}
        cas = {c for c in cas_numbers if c}
        return [r for r in self.records if normalize_name(r["chemical"]) in keys or cas & set(r["cas_numbers"])]


def _text(value, where: tuple, problems, spec: FieldSpec) -> str | None:
    """Return a field's text, or ``None`` after reporting why it cannot be used."""
    if is_blank(value):
        return ""
    if isinstance(value, (dict, list)):
        problems.add(*where, spec.name, f"expected text, found a {'mapping' if isinstance(value, dict) else 'list'}")
        return None
    text = str(value).strip()
    bad = control_character(text)
    if bad:
        problems.add(*where, spec.name, bad)
        return None
    if len(text) > MAX_TEXT_CHARS:
        problems.add(*where, spec.name, f"{len(text):,} characters; more than {MAX_TEXT_CHARS:,}")
        return None
    if spec.type == "enum" and text not in spec.values:
        problems.add(*where, spec.name, f"'{text}' is not one of {', '.join(spec.values)}")
        return None
    return text


def _value(raw: dict, spec: FieldSpec, where: tuple, problems):
    """Return the value of one declared field of a mapping (a list for list types), or ``None`` when bad."""
    node = raw
    for part in spec.path_parts:
        node = node.get(part) if isinstance(node, dict) else None
    if spec.type in ("text_list", "cas_list"):
        items = node if isinstance(node, list) else ([] if is_blank(node) else [node])
        out = []
        for item in items:
            t = _text(item, where, problems, spec)
            if t is None:
                return None
            if t:
                out.append(t)
        if spec.type == "cas_list":
            out = [c for item in out for c in split_cas(item)]
            bad = [m for m in (cas_problem(c) for c in out) if m]
            if bad:
                problems.add(*where, spec.name, "; ".join(bad))
                return None
        return out
    return _text(node, where, problems, spec)


def _entry(raw, section: str, where: tuple, problems, refs: set[str] | None) -> dict | None:
    """Return one validated mapping of a section (by its case-file keys), or ``None`` (reported) when bad."""
    schema = substance_schema(section)
    if not isinstance(raw, dict):
        problems.add(*where, "", f"expected a mapping of fields, found {type(raw).__name__}")
        return None
    out = {}
    for spec in schema.fields:
        value = _value(raw, spec, where, problems)
        if value is None and section == "fields" and not spec.required:
            value = [] if spec.type in ("text_list", "cas_list") else ""  # reported; the file's other data stay usable
        if value is None:
            return None
        if spec.required and not value:
            problems.add(*where, spec.name, "required")
            return None
        out[spec.path] = value
    known = {spec.path_parts[0] for spec in schema.fields} | ({"kind"} | set(LISTS) if section == "fields" else set())
    for key in raw:
        if str(key) not in known:
            problems.add(*where, str(key), "not a field of a substance case file; ignored", "warning")
    if refs is not None:
        cited = out.get("source") or []
        for ref in [cited] if isinstance(cited, str) else cited:
            if ref and ref not in refs:
                problems.add(*where, "source", f"names reference '{ref}', which the file's references do not define; entry left out")
                return None
    return out


def read_substance(doc: dict, source, record: str, problems) -> dict | None:
    """Return one substance case file as a validated record, or ``None`` (reported) when it cannot be used."""
    top = _entry(doc, "fields", (source, record or None), problems, None)
    if top is None:
        return None
    references, ids = [], set()
    for i, raw in enumerate(_as_list(doc.get("references"), source, record, "references", problems), start=1):
        ref = _entry(raw, "reference_fields", (source, _where(record, "references", i)), problems, None)
        if ref is None:
            continue
        if ref["id"] in ids:
            problems.add(source, _where(record, "references", i), "reference_id", f"'{ref['id']}' defined twice; the second is left out")
            continue
        ids.add(ref["id"])
        references.append(ref)
    record_out = {
        "chemical": top["chemical"],
        "category": top["category"],
        "cas_numbers": top["cas_numbers"],
        "identity": {k.split(".", 1)[1]: v for k, v in top.items() if k.startswith("identity.")},
        "transport": {k.split(".", 1)[1]: v for k, v in top.items() if k.startswith("transport.")},
        "first_aid": {k.split(".", 1)[1]: v for k, v in top.items() if k.startswith("first_aid.")},
        "waste_management": {k.split(".", 1)[1]: v for k, v in top.items() if k.startswith("waste_management.")},
        "sources": top["sources"],
        "drafting_notes": top["drafting_notes"],
        "references": references,
        "source_file": str(source),
    }
    for block in ("identity", "transport", "first_aid", "waste_management"):
        ref = record_out[block].get("source")
        if ref and ref not in ids:
            problems.add(source, record or None, f"{block}.source", f"names reference '{ref}', which the file's references do not define; ignored")
            record_out[block]["source"] = ""
    for key, section in LISTS.items():
        if key == "references":
            continue
        entries = []
        for i, raw in enumerate(_as_list(doc.get(key), source, record, key, problems), start=1):
            e = _entry(raw, section, (source, _where(record, key, i)), problems, ids)
            if e is not None:
                entries.append(e)
        record_out[key] = entries
    return record_out


def _where(record: str, key: str, i: int) -> str:
    return f"{record + ' ' if record else ''}{key}[{i}]"


def _as_list(value, source, record, key, problems) -> list:
    if isinstance(value, list):
        return value
    if not isinstance(value, dict) and is_blank(value):
        return []
    problems.add(source, record or None, key, f"expected a list, found {type(value).__name__}")
    return []


def read_substances(docs: list[dict], tables: list, problems, *, today=None) -> Substances:
    """Read the substance case files among the documents found (``READERS["substance"]``).

    Two files for one chemical (same name compared by its letters) would give a DGD two
    versions of a table: the second is reported and left out.
    """
    out = Substances()
    seen: dict[str, str] = {}
    for d in docs:
        rec = read_substance(d["doc"], d["source"], d["record"], problems)
        if rec is None:
            continue
        key = normalize_name(rec["chemical"])
        if key in seen:
            problems.add(d["source"], d["record"] or None, "substance_chemical", f"'{rec['chemical']}' already has substance data in {seen[key]}; this file is left out")
            continue
        seen[key] = str(d["source"])
        out.records.append(rec)
    for t in tables:
        problems.add(str(t["_source"].iloc[0]) if len(t) else "", None, "", "substance data are read from case files (kind: substance), not from tables")
    return out


READERS[KIND] = read_substances

__all__ = ["Substances", "read_substance", "read_substances"]
