"""New case files from the official forms: ``crc new notification|proposal|response``.

The file is generated from the field declarations (``data/reference/*_fields.yaml``) and the
Convention's items (``convention_items.yaml``), never from a hand-written copy: every field
of the form is present, in the nesting a case file uses, commented with its form section and
the Annex I / Annex IV Part 1 item it carries; what the options give is filled in, and every
item the expert must still supply says ``TODO`` (a value left empty is read as not given, so
``crc validate`` lists it in form terms and ``crc verify`` counts it as missing).

Record-keeping fields of the Secretariat and the committee (``secretariat.*``,
``committee.*``) are written as comments: they are filled in by whoever holds that role.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .. import config
from ..errors import CrcError, UsageError

KINDS = {
    # kind: (declaration file, list of fields, item set it carries, case-file kind, what it is)
    "notification": ("notification_fields.yaml", "fields", "annex_i", "notification", "notification of final regulatory action (Article 5, Annex I)"),
    "proposal": ("proposal_fields.yaml", "fields", "annex_iv_part1", "shpf_proposal", "proposal of a severely hazardous pesticide formulation (Article 6, Annex IV Part 1)"),
    "response": ("response_fields.yaml", "fields", "", "import_response", "import response (Article 10)"),
}
RECORD_KEEPING = ("secretariat", "committee")
"""Top-level sections filled in by the Secretariat or the committee, not by the notifying Party's form."""

OPTION_FIELDS = {
    # option: the declared field names it fills, first declared wins
    "party": ("notifying_party", "proposing_party", "importing_party", "party"),
    "chemical": ("chemical", "active_ingredients", "annex_iii_entry", "chemical_name"),
    "cas": ("cas_number", "active_ingredient_cas", "cas_numbers"),
    "category": ("category",),
    "fra_type": ("fra_type",),
    "date": ("fra_date", "issued_date", "response_date", "decision_date", "date"),
    "formulation": ("formulation_name",),
    "formulation_type": ("formulation_type",),
    "concentration": ("active_ingredient_concentrations",),
}


@dataclass
class Node:
    """One key of the case file: a field (leaf) or a mapping of keys, or a list of one block."""

    key: str
    spec: dict | None = None
    children: dict[str, "Node"] = field(default_factory=dict)
    block: bool = False  # a list holding one mapping (categories[], incidents)


def declarations(kind: str) -> tuple[list[dict], dict]:
    """Return the declared fields of ``kind`` and the declaration file's other lists (raw, as declared)."""
    from ..convention.reference import read_reference_yaml

    file_name, section, *_ = KINDS[kind]
    path = config.reference_dir() / file_name
    if not path.is_file():
        raise CrcError(
            f"the {KINDS[kind][4]} form is not declared in this version of crc-tools ({path.name} is missing from {path.parent}); "
            "nothing written. Update crc-tools, or write the case file by hand from data/cases/README.md",
            source=str(path),
        )
    doc = read_reference_yaml(path) or {}
    fields = [f for f in doc.get(section, []) if isinstance(f, dict) and f.get("name") and f.get("path")]
    if not fields:
        raise CrcError(f"declares no fields under '{section}'", source=str(path))
    return fields, doc


def item_fields(set_name: str) -> dict[str, list[tuple[str, str, bool]]]:
    """Return, per field name, the Convention items it carries: ``[(item id, item text, optional)]``."""
    if not set_name:
        return {}
    from ..convention.reference import items

    out: dict[str, list[tuple[str, str, bool]]] = {}
    for item in items(set_name).items:
        for name in item.fields:
            out.setdefault(name, []).append((item.id, item.text, bool(item.optional)))
    return out


def _tree(fields: list[dict]) -> Node:
    root = Node("")
    for f in fields:
        parts = str(f["path"]).split(".")
        node = root
        for i, part in enumerate(parts):
            key = part.replace("[]", "")
            child = node.children.setdefault(key, Node(key))
            if part.endswith("[]"):
                child.block = True
            if i == len(parts) - 1:
                child.spec = f
            node = child
    return root


def _scalar(value) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string or number is a YAML scalar


def _form_terms(spec: dict, carried: dict) -> str:
    """Return where a field sits on the form and which item it carries, e.g. ``form 1.1 · Annex I 1(a)``."""
    parts = []
    if spec.get("form"):
        parts.append(f"form {spec['form']}")
    if spec.get("annex_i"):
        parts.append(f"Annex I {spec['annex_i']}")
    if spec.get("annex_iv"):
        parts.append(f"Annex IV Part 1 {spec['annex_iv']}")
    if not spec.get("annex_i") and not spec.get("annex_iv"):
        parts += [f"item {i}" for i, _t, _o in carried.get(spec["name"], [])]
    return " · ".join(parts)


def _hint(spec: dict) -> str:
    kind = spec.get("type", "text")
    if kind == "enum":
        return "one of: " + " | ".join(str(v) for v in spec.get("values", []))
    return {
        "date": 'a date, "YYYY-MM-DD"',
        "bool": "true or false",
        "text_list": "a list: [\"…\", \"…\"]",
        "cas_list": 'a list of CAS numbers: ["1563-66-2"]',
        "party_list": "a country name, ISO 3166 alpha-3 code or \"European Union\"",
        "party": "a country name or ISO 3166 alpha-3 code",
        "number": "a number",
        "formulation_type": "a CropLife / FAO code: EC, SL, DP, UL (ULV), WP, GR, SC …",
        "concentration_list": 'one per active ingredient, with its unit: ["640 g/L"]',
    }.get(kind, "")


def _todo(spec: dict, carried: dict) -> str:
    """Return the TODO note of a field the options did not fill.

    ``TODO``: a required field, or one carrying an item the Convention asks for outright;
    ``TODO if available``: an item asked for "where available" (or a field declared under an
    item without carrying it alone); ``optional``: a field of the form no item requires.
    """
    items = carried.get(spec["name"], [])
    needed = spec.get("required") or any(not opt for _i, _t, opt in items)
    if needed:
        word = "TODO"
    elif items or spec.get("annex_i") or spec.get("annex_iv"):
        word = "TODO if available"
    else:
        word = "optional"
    hint = _hint(spec)
    return f"{word}: {spec.get('label') or spec['name']}" + (f" ({hint})" if hint else "")


LIST_TYPES = ("text_list", "cas_list", "concentration_list")
BLOCK_NOTES = {"categories": "one block per category the action covers (copy the block for the other)"}


def _value_text(spec: dict, value) -> str:
    if value is None:
        return "[]" if spec.get("type") in LIST_TYPES else ""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return _scalar(value)


def _emit(node: Node, values: dict, carried: dict, indent: str, lines: list[str], *, commented: bool = False) -> None:
    for child in node.children.values():
        pre = indent + ("# " if commented else "")
        if child.spec is not None and not child.children:
            spec = child.spec
            value = values.get(spec["name"])
            text = _value_text(spec, value)
            terms = _form_terms(spec, carried)
            note = (spec.get("label") or spec["name"]) if value is not None else _todo(spec, carried)
            comment = " · ".join(x for x in (terms, note) if x)
            head = f"{pre}{child.key}: {text}".rstrip()
            lines.append(f"{head:<44} # {comment}" if comment else head)
            continue
        if commented or (not indent and child.key in RECORD_KEEPING):
            if not commented:
                lines.append(f"{indent}# {child.key}:  ({'the Secretariat' if child.key == 'secretariat' else 'the committee'} fills this in)")
            else:
                lines.append(f"{pre}{child.key}:")
            _emit(child, values, carried, indent + "  ", lines, commented=True)
            continue
        if child.block:
            lines.append(f"{pre}{child.key}:{'':<36} # {BLOCK_NOTES.get(child.key, 'a list of blocks')}")
            first = len(lines)
            _emit(child, values, carried, indent + "    ", lines)
            if len(lines) > first:  # "- " opens the block on its first key
                lines[first] = indent + "  - " + lines[first][len(indent) + 4:]
            continue
        lines.append(f"{pre}{child.key}:")
        _emit(child, values, carried, indent + "  ", lines, commented=commented)


def _block_list(name: str, fields: list[dict], values: dict, carried: dict, lines: list[str], note: str) -> None:
    """Emit a list of one block (Part B incident reports) from its own declarations."""
    own = [f for f in fields if f["name"] != "proposal_id"]
    lines.append(f"{name}:{'':<36} # {note}")
    first = len(lines)
    _emit(_tree(own), values, carried, "    ", lines)
    if len(lines) > first:
        lines[first] = "  - " + lines[first][4:]


@dataclass
class Options:
    """What ``crc new`` was told (``None`` where an option was not given)."""

    party: str | None = None
    chemical: str | None = None
    cas: list[str] | None = None
    category: str | None = None
    fra_type: str | None = None
    date: str | None = None
    formulation: str | None = None
    formulation_type: str | None = None
    concentration: list[str] | None = None
    record_id: str | None = None


def _fill(kind: str, fields: list[dict], opts: Options) -> dict:
    """Return {field name: value} for the fields the options fill; refuse an option the form has no field for."""
    names = {f["name"]: f for f in fields}
    values: dict = {}
    for option, candidates in OPTION_FIELDS.items():
        given = getattr(opts, option)
        if given is None:
            continue
        target = next((c for c in candidates if c in names), None)
        if target is None:
            raise UsageError(f"--{option.replace('_', '-')}: the {KINDS[kind][4]} has no such field")
        spec = names[target]
        values[target] = list(given) if spec.get("type") in LIST_TYPES + ("party_list",) and isinstance(given, list) else given
        if spec.get("type") in LIST_TYPES and not isinstance(values[target], list):
            values[target] = [values[target]]
    id_field = next((f["name"] for f in fields if f.get("type") == "id" and f.get("required")), None)
    if id_field:
        values[id_field] = opts.record_id or suggested_id(opts)
    return values


def suggested_id(opts: Options) -> str | None:
    """Return an id from the Party's ISO code, the chemical and the year (``KEN-CARBOFURAN-2024``), or ``None``."""
    from ..convention.reference import regions
    from ..text import safe_filename

    if not opts.party or not (opts.chemical or opts.formulation):
        return None
    party = regions().find(opts.party)
    code = party.iso3 if party is not None and party.iso3 else safe_filename(opts.party, default="PARTY")
    what = safe_filename(opts.formulation or opts.chemical, default="CHEMICAL")
    year = (opts.date or "")[:4] if (opts.date or "")[:4].isdigit() else str(dt.date.today().year)
    return f"{code}-{what}-{year}".upper()


def case_file_text(kind: str, opts: Options) -> str:
    """Return the text of a new case file of ``kind`` (notification, proposal, response)."""
    if kind not in KINDS:
        raise UsageError(f"'{kind}' is not a kind of case file ({', '.join(KINDS)})")
    fields, doc = declarations(kind)
    values = _fill(kind, fields, opts)
    carried = item_fields(KINDS[kind][2])
    lines = _header(kind, carried)
    lines.append(f"kind: {KINDS[kind][3]}")
    _emit(_tree(fields), values, carried, "", lines)
    if kind == "proposal":
        _block_list("incidents", list(doc.get("incident_fields", [])), {}, carried, lines, "Part B: one report per incident (copy the block for each)")
        lines.append("# part2: the Secretariat's collection of Annex IV Part 2 (Article 6.3); see data/cases/README.md")
    lines.append("# determinations: recorded with `crc register record` (or listed here; see data/cases/README.md)")
    return "\n".join(lines) + "\n"


def _header(kind: str, carried: dict) -> list[str]:
    lines = [
        f"# New {KINDS[kind][4]},",
        f"# written by `crc new {kind}` from the form's declarations (data/reference/{KINDS[kind][0]}).",
        "# Fill in every TODO; leave empty what is not available. Each comment names the form section",
        "# and the Convention item a field carries. `crc validate` lists what is still missing.",
    ]
    if carried:
        seen = {}
        for name, its in carried.items():
            for item_id, text, optional in its:
                seen.setdefault(item_id, (text, optional, []))[2].append(name)
        lines.append("# Items the Secretariat verifies (" + ("Annex I, Article 5.3" if kind == "notification" else "Annex IV Part 1, Article 6.2") + "):")
        for item_id, (text, optional, _names) in seen.items():
            short = text if len(text) <= 90 else text[:87].rstrip() + "…"
            lines.append(f"#   {item_id:<10} {short}{' (if available)' if optional else ''}")
    return lines


def write_case_file(kind: str, opts: Options, *, out: str | Path | None = None) -> Path:
    """Write a new case file (never over an existing one, ``O_EXCL``); return its path.

    Default place: the workspace's ``cases/`` folder; without a workspace ``out`` is needed.
    """
    from .. import workspace
    from ..text import safe_filename

    text = case_file_text(kind, opts)
    if out is not None and Path(out).is_dir():
        folder, name = Path(out), None
    elif out is not None:
        folder, name = Path(out).parent, Path(out).name
    else:
        ws = workspace.current()
        if ws is None:
            raise UsageError("no workspace here (no crc.toml in this folder or its parents): run `crc init DIR` and work in DIR, or give --out FILE")
        folder, name = ws.cases_dir, None
    if name is None:
        stem = "-".join(safe_filename(x, default="").lower() for x in (opts.party, opts.formulation or opts.chemical, (opts.date or "")[:4]) if x) or f"new-{kind}"
        name = f"{stem.strip('-') or 'new-' + kind}.yaml"
    target = folder / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise CrcError("exists already; nothing overwritten (edit it, or choose another name with --out)", source=str(target)) from None
    except OSError as exc:
        raise CrcError(f"cannot write: {exc.strerror or exc}", source=str(target)) from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return target


# --------------------------------------------------------------------------- what is still missing


def form_terms(schema, names) -> tuple[str, str, str]:
    """Return (labels, form sections, case-file paths) of declared fields, for messages in the form's terms."""
    specs = []
    for name in names:
        try:
            specs.append(schema.get(name))
        except KeyError:
            continue
    labels = "; ".join(dict.fromkeys(s.display for s in specs))
    forms = ", ".join(dict.fromkeys(s.form for s in specs if s.form))
    paths = ", ".join(s.path.replace("[]", "[]") for s in specs)
    return labels, forms, paths


def still_to_fill_in(checks, schema, id_column: str) -> dict[str, list[str]]:
    """Return, per record, the items not given, each as ``item  labels — form S: path`` (asked-for items only).

    ``checks`` is an item-by-item check (:func:`crc_tools.notifications.verification.item_checks`
    shape: the id column, ``item``, ``present``, ``optional``, ``missing_fields``).
    """
    out: dict[str, list[str]] = {}
    if checks is None or len(checks) == 0:
        return out
    optional = checks["optional"].fillna(False).astype(bool) if "optional" in checks.columns else False
    wanted = checks[~checks["present"].astype(bool) & ~optional]
    for rec in wanted.to_dict("records"):
        names = [n.strip() for n in str(rec.get("missing_fields") or "").split(",") if n.strip()]
        labels, forms, paths = form_terms(schema, names)
        where = f"form {forms}: {paths}" if forms else paths
        line = f"{rec['item']:<10} {labels or rec.get('text', '')}" + (f" — {where}" if where else "")
        if len(names) > 1 and _any_item(schema, rec["item"]):
            line += " (any one of them)"
        out.setdefault(str(rec[id_column]), []).append(line)
    return out


def _any_item(schema, item_id: str) -> bool:
    from ..convention.reference import items

    set_name = "annex_i" if schema.kind == "notification" else "annex_iv_part1"
    try:
        return items(set_name).get(item_id).any_field
    except KeyError:
        return False
