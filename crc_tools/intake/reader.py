"""Intake: case files (YAML/JSON), folders of them, and bulk tables (CSV/XLSX).

Every record is validated against the declared fields (``data/reference/*_fields.yaml``).
A bad record is reported as ``FILE[:RECORD]: field: message`` and left out; the good
records go on. Nothing raises to the user: unreadable files, wrong encodings, YAML that
tries to build Python objects or to expand aliases are reported as problems too.

Case files and bulk tables end in one flat table per kind of record (one row per
notification and category), validated by one vectorised validator, so a table of a
million notifications is checked at the speed of pandas.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from ..codes import factorize
from ..convention.cas import cas_problem, split_cas, valid_cas_many
from ..convention.parties import non_party_warnings
from ..convention.reference import (
    RegionTable,
    regions,
)
from ..errors import Problems
from ..text import CONTROL_RE2, FORMAT_RE2, clean_text_many, control_character, format_character, is_blank, stripped_text_many
from .fields import FieldSpec, Schema, notification_schema

MAX_CASE_FILE_BYTES = 5 * 1024 * 1024
"""A case file is one notification or proposal; anything larger is not one."""
MAX_TEXT_CHARS = 100_000
"""Longest text accepted in one field (about 40 pages)."""
MAX_RECORDS_PER_CASE_FILE = 1_000
MAX_NUMBER = 1e15
"""Largest number accepted in a numeric field (counts, quantities): no real count comes near it,
and sums of such numbers stay finite and exact as integers (``inf`` and ``1e400`` are refused)."""
WARNING_REPEAT_LIMIT = 5
"""A warning repeated on more rows of one file than this is reported once, with a count (errors are always reported row by row)."""
CASE_SUFFIXES = {".yaml", ".yml", ".json"}
TABLE_SUFFIXES = {".csv", ".xlsx"}
EARLIEST_DATE = dt.date(1900, 1, 1)
LIST_SEPARATOR = "\n"

DETERMINATION_STATUSES = ("met", "not_met", "insufficient_information")
DETERMINATION_ROLES = ("task_group", "contact_group", "committee")
"""Who records a determination in a case file: the committee concludes; task and contact groups propose."""
SECRETARIAT_DETERMINATION = (
    "the Secretariat verifies Annex I / Annex IV Part 1 completeness (Articles 5.3, 6.2: annex_i_verified, part1_verified) "
    "and records no Annex II or Annex IV Part 3 determination; give role committee (a conclusion), task_group or contact_group (a proposal)"
)

_TRUE = {"true", "yes", "y", "1", "t", "x", "verified", "1.0"}
_FALSE = {"false", "no", "n", "0", "f", "0.0"}
_ENUM_SYNONYMS = {
    "category": {
        "pesticides": "pesticide",
        "pesticide category": "pesticide",
        "industrial chemical": "industrial",
        "industrial chemicals": "industrial",
        "industrial use": "industrial",
    },
    "fra_type": {
        "banned": "ban",
        "severely restricted": "severe_restriction",
        "severely_restricted": "severe_restriction",
        "severe restriction": "severe_restriction",
        "sr": "severe_restriction",
    },
    "annex_ii_conclusion": {"yes": "met", "no": "not_met"},
    "evaluation_basis": {"risk evaluation": "risk", "hazard evaluation": "hazard", "no": "none"},
}


# --------------------------------------------------------------------------- result


@dataclass
class Intake:
    """What was read: validated records as tables, and every problem found."""

    notifications: pd.DataFrame
    determinations: pd.DataFrame
    problems: Problems = field(default_factory=Problems)
    files: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Return whether no record was rejected."""
        return not self.problems.errors


# --------------------------------------------------------------------------- reading files


def _decode(data: bytes, path: Path, problems: Problems) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.add(path, str(line), "", f"not UTF-8 text (byte 0x{data[exc.start]:02x} at line {line}); save the file as UTF-8")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _yaml_loader():
    import yaml

    class CaseFileLoader(yaml.SafeLoader):
        """Safe YAML without aliases (no billion laughs) and without implicit timestamps."""

        def compose_node(self, parent, index):
            if self.check_event(yaml.events.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, "YAML aliases (*name) are not allowed in case files", event.start_mark
                )
            return super().compose_node(parent, index)

    # Dates stay text so that the validator can name an impossible one (2023-02-30).
    CaseFileLoader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return CaseFileLoader


_LOADER = None


def parse_case_text(text: str, path: Path | str, problems: Problems):
    """Parse YAML or JSON case-file text safely; return the document or ``None``."""
    global _LOADER
    path = Path(path)
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            problems.add(path, str(exc.lineno), "", f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
            return None
        except RecursionError:
            problems.add(path, None, "", "JSON nested too deeply")
            return None
    import yaml

    if _LOADER is None:
        _LOADER = _yaml_loader()
    try:
        return _load_yaml(text, _LOADER)
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        if "unhashable" in str(exc.problem):  # '? [a, b]': a list or a mapping used as a key
            problems.add(path, str(line) if line else None, "", "not valid YAML for a case file: a key must be a plain name, not a list or a mapping")
        else:
            problems.add(path, str(line) if line else None, "", f"YAML tag not allowed in a case file ({exc.problem}); only plain data is read")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.add(path, str(line) if line else None, "", f"not valid YAML: {what}")
    except RecursionError:
        problems.add(path, None, "", "YAML nested too deeply")
    except CaseFileLimit as exc:
        problems.add(path, str(exc.line) if exc.line else None, "", str(exc))
    return None


class CaseFileLimit(ValueError):
    """A case file past one of the documented limits (SECURITY.md), with the line where it went past."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


MAX_YAML_DEPTH = 100
"""Deepest nesting of mappings and lists accepted in a YAML case file (a notification needs five)."""
MAX_YAML_VALUES = 200_000
"""Most keys and values (scalars) in one YAML case file: a notification has a few hundred, a file of
:data:`MAX_RECORDS_PER_CASE_FILE` notifications under this; more is a bulk table's job."""
_C_LOADER = None


def _load_yaml(text: str, loader):
    """Load YAML with libyaml's C parser when present (a 4 MB file in seconds, not minutes), else ``loader``.

    The C composer cannot be told to refuse aliases, and recurses in C: the events are read
    first, so that an alias (``*name``) or a nesting deeper than :data:`MAX_YAML_DEPTH` is
    refused before anything is built. Dates stay text and tags are refused as by ``loader``.
    """
    import yaml

    global _C_LOADER
    if not getattr(yaml, "__with_libyaml__", False):
        return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass
    if _C_LOADER is None:
        _C_LOADER = type("CaseFileCLoader", (yaml.CSafeLoader,), {"yaml_implicit_resolvers": loader.yaml_implicit_resolvers})
    depth = scalars = 0
    for event in yaml.parse(text, Loader=_C_LOADER):
        if isinstance(event, yaml.ScalarEvent):
            scalars += 1
            if scalars > MAX_YAML_VALUES:
                raise CaseFileLimit(f"more than {MAX_YAML_VALUES:,} keys and values in one case file (a notification has a few hundred); use a bulk table", event.start_mark.line + 1)
        elif isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "YAML aliases (*name) are not allowed in case files", event.start_mark)
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise RecursionError
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return yaml.load(text, Loader=_C_LOADER)  # noqa: S506 - libyaml's safe loader


def expand_paths(paths, problems: Problems) -> list[Path]:
    """Return the data files named by paths (files and folders, recursively), reporting what is not one."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = []

            def unreadable(exc: OSError, p=p) -> None:  # a folder that cannot be listed is reported, never silently skipped
                problems.add(exc.filename or p, None, "", f"cannot read folder: {exc.strerror or exc}")

            for folder, dirs, names in os.walk(p, onerror=unreadable):  # symbolic links to folders are not followed (no loops)
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(Path(folder) / n for n in names if not n.startswith("."))
            for f in sorted(found):
                if f.is_file() and f.suffix.lower() in CASE_SUFFIXES | TABLE_SUFFIXES:
                    out.append(f)
        elif p.is_file():
            if p.suffix.lower() in CASE_SUFFIXES | TABLE_SUFFIXES:
                out.append(p)
            else:
                problems.add(p, None, "", f"not a case file or table (expected {', '.join(sorted(CASE_SUFFIXES | TABLE_SUFFIXES))})")
        elif p.exists():  # a FIFO, a socket, a device such as /dev/zero: never read (it could block or never end)
            problems.add(p, None, "", "not a regular file or folder (a pipe, socket or device); give a case file, a table or a folder")
        else:
            problems.add(p, None, "", "no such file or folder")
    seen: set[Path] = set()
    unique = []
    for f in out:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


from .tables import CODED_TEXT, MAX_TABLE_BYTES, _looks_binary, _sniff, read_table, read_tables  # noqa: E402,F401 - moved there; kept importable from here

NAME_FIELDS = {"chemical", "chemical_name", "trade_names", "formulation_name", "active_ingredients", "replaces_notification", "member_states", "product"}
"""Text fields that name something (besides identifiers): an invisible format character (U+202E …) is refused in them."""
"""Text fields that also hold few distinct values (a table names a few hundred chemicals over many notifications)."""


# --------------------------------------------------------------------------- case files


def _join_list(value) -> str:
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(_scalar(v) for v in value if not is_blank(v))
    return _scalar(value)


def _scalar(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        # e.g. a trade-evidence item {description, source, year}
        parts = [str(value.get(k)) for k in ("description", "source", "year") if not is_blank(value.get(k))]
        rest = [f"{k}: {v}" for k, v in value.items() if k not in ("description", "source", "year") and not is_blank(v)]
        return " — ".join(parts + rest)
    return str(value)


def _did_you_mean(key: str, prefix: tuple[str, ...], by_path: dict) -> str:
    """Return ``; did you mean 'common_name'?`` for a misspelt key, from the keys declared beside it."""
    import difflib

    siblings = {k[len(prefix)] for k in by_path if len(k) > len(prefix) and k[: len(prefix)] == prefix}
    close = difflib.get_close_matches(key, sorted(siblings), n=1, cutoff=0.75)
    return f"; did you mean '{close[0]}'?" if close else ""


def flatten_case(doc: dict, schema: Schema, source: Path, record: str, problems: Problems) -> list[dict]:
    """Turn one nested case-file document into flat rows (one per category block).

    Unknown keys are reported as warnings (a typo must not pass silently); a value of
    the wrong shape is an error naming its path.
    """
    by_path = schema.by_path()
    prefixes = {k[:i] for k in by_path for i in range(1, len(k) + 1)}  # every path leading to a declared field
    top: dict[str, str] = {}
    blocks: list[dict[str, str]] = []
    errors_before = len(problems.errors)
    allowed_extra = {("kind",), ("determinations",), ("incidents",), ("part2",)}

    def walk(node, prefix: tuple[str, ...]):
        if not isinstance(node, dict):
            problems.add(source, record, ".".join(prefix) or "(document)", f"expected a mapping of fields, found {type(node).__name__}")
            return
        for key, value in node.items():
            path = prefix + (str(key),)
            if path in allowed_extra:
                continue
            spec = by_path.get(path)
            if spec is not None and not spec.per_category:
                if isinstance(value, dict) and spec.type not in ("object_list",):
                    problems.add(source, record, ".".join(path), "expected a value, found a mapping")
                    continue
                if isinstance(value, list) and spec.type not in ("text_list", "cas_list", "party_list", "object_list", "formulation_type", "concentration_list"):
                    problems.add(source, record, ".".join(path), "expected one value, found a list")
                    continue
                top[spec.name] = _join_list(value)
                continue
            if path == ("final_regulatory_action", "categories"):
                if not isinstance(value, list) or not value:
                    problems.add(source, record, ".".join(path), "expected a list of category blocks (each with 'category: pesticide' or 'category: industrial')")
                    continue
                for i, block in enumerate(value, start=1):
                    bpath = ".".join(path) + f"[{i}]"
                    if not isinstance(block, dict):
                        problems.add(source, record, bpath, "expected a mapping with category, uses_prohibited, uses_allowed …")
                        continue
                    row: dict[str, str] = {}
                    for bkey, bval in block.items():
                        bspec = by_path.get(path + (str(bkey),))
                        if bspec is None:
                            problems.add(source, record, f"{bpath}.{bkey}", "unknown field (ignored); see data/cases/README.md", "warning")
                            continue
                        if isinstance(bval, dict):
                            problems.add(source, record, f"{bpath}.{bkey}", "expected a value, found a mapping")
                            continue
                        row[bspec.name] = _join_list(bval)
                    blocks.append(row)
                continue
            if isinstance(value, dict) and path in prefixes:
                walk(value, path)
                continue
            if path in prefixes:
                problems.add(source, record, ".".join(path), f"expected a mapping, found {type(value).__name__}")
            else:
                problems.add(source, record, ".".join(path), f"unknown field (ignored){_did_you_mean(str(key), prefix, by_path)}; see data/cases/README.md", "warning")

    walk(doc, ())
    if len(problems.errors) > errors_before:
        return []
    if not blocks:
        blocks = [{}]
    return [{**top, **b} for b in blocks]


def _read_determinations(doc: dict, notification_id: str, source: Path, record: str, problems: Problems) -> list[dict]:
    from ..convention.reference import items

    raw = doc.get("determinations")
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.add(source, record, "determinations", "expected a list of determinations")
        return []
    annex_ii = items("annex_ii")
    out = []
    for i, d in enumerate(raw, start=1):
        where = f"determinations[{i}]"
        if not isinstance(d, dict):
            problems.add(source, record, where, "expected a mapping with criterion, status, justification")
            continue
        rec = check_determination(d, annex_ii, source, record, where, problems)
        if rec is not None:
            rec["notification_id"] = notification_id
            rec["source_file"] = str(source)
            out.append(rec)
    return out


def check_determination(d: dict, item_set, source, record, where: str, problems: Problems) -> dict | None:
    """Validate one recorded determination; return it normalised or ``None`` with problems recorded."""
    ok = True
    criterion_raw = str(d.get("criterion", "")).strip()
    if criterion_raw.casefold() in ("overall", "conclusion", "all"):
        criterion = "overall"
    else:
        criterion = item_set.normalize(criterion_raw) if criterion_raw else None
        if criterion is None:
            problems.add(source, record, f"{where}.criterion", f"'{criterion_raw}' is not a criterion of {item_set.title.split(':')[0]} ({', '.join(item_set.ids)}, or 'overall')")
            ok = False
    status = str(d.get("status", "")).strip().casefold().replace(" ", "_")
    status = {"unclear": "insufficient_information", "insufficient": "insufficient_information", "not met": "not_met"}.get(status, status)
    if status not in DETERMINATION_STATUSES:
        problems.add(source, record, f"{where}.status", f"'{d.get('status', '')}' is not a status ({', '.join(DETERMINATION_STATUSES)})")
        ok = False
    justification = _scalar(d.get("justification")).strip()
    if status in ("not_met", "insufficient_information") and not justification:
        problems.add(source, record, f"{where}.justification", f"a '{status}' determination needs a justification")
        ok = False
    if len(justification) > MAX_TEXT_CHARS:
        problems.add(source, record, f"{where}.justification", f"text is {len(justification):,} characters, more than {MAX_TEXT_CHARS:,}")
        ok = False
    for key in ("justification", "by", "references"):
        msg = control_character(_join_list(d.get(key))) or (format_character(_join_list(d.get(key))) if key == "by" else None)
        if msg:
            problems.add(source, record, f"{where}.{key}", msg)
            ok = False
    category = _scalar(d.get("category", "")).strip().casefold()
    categories = ("pesticide", "industrial") if item_set.name == "annex_ii" else ("shpf",)
    if category and category not in categories:  # a category matching none would be silently left unused
        problems.add(source, record, f"{where}.category", f"'{d.get('category')}' is not a category ({', '.join(categories)}, or leave it out)")
        ok = False
    role = str(d.get("role", "task_group")).strip().casefold().replace(" ", "_").replace("-", "_")
    if role == "secretariat":
        problems.add(source, record, f"{where}.role", SECRETARIAT_DETERMINATION)
        ok = False
    elif role not in DETERMINATION_ROLES:
        problems.add(source, record, f"{where}.role", f"'{d.get('role')}' is not a role ({', '.join(DETERMINATION_ROLES)})")
        ok = False
    date_text = _scalar(d.get("date")).strip()
    date = None
    if date_text:
        date, msg = _parse_date(date_text)
        if msg:
            problems.add(source, record, f"{where}.date", msg)
            ok = False
    if not ok:
        return None
    refs = d.get("references", [])
    return {
        "criterion": criterion,
        "status": status,
        "justification": justification,
        "references": _join_list(refs),
        "recorded_by": _scalar(d.get("by", "")),
        "role": role,
        "recorded_at": pd.Timestamp(date) if date else pd.NaT,
        "category": category,
    }


# --------------------------------------------------------------------------- validation


def _parse_date(text: str) -> tuple[dt.date | None, str | None]:
    t = text.strip()
    if " " in t and t.endswith("00:00:00"):
        t = t.split(" ")[0]
    if "T" in t and t.endswith(("00:00:00", "00:00")):
        t = t.split("T")[0]
    parts = t.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        return None, f"'{text}' is not a date in ISO form YYYY-MM-DD"
    try:
        d = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError as exc:
        return None, f"impossible date {text} ({exc})"
    if d < EARLIEST_DATE:
        return None, f"date {text} is before {EARLIEST_DATE.year}"
    return d, None


class _Collector:
    """Per-row problems gathered column by column, vectorised over unique values."""

    def __init__(self, df: pd.DataFrame):
        self.df = df
        self.bad = np.zeros(len(df), dtype=bool)
        self.entries: list[tuple[np.ndarray, str, np.ndarray, str]] = []

    def add(self, mask, field_name: str, messages, severity: str = "error"):
        """Record a problem for each row where ``mask`` holds.

        ``messages`` is one message for all, a per-row array, or a pair
        ``(codes, per_unique_messages)`` from :func:`_map_unique`.
        """
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        idx = np.flatnonzero(mask)
        msg_codes = None  # an integer per row naming its message, when known: groups repeated warnings cheaply
        if isinstance(messages, str):
            msgs = np.full(len(idx), messages, dtype=object)
            msg_codes = np.zeros(len(idx), dtype=np.int64)
        elif isinstance(messages, tuple):
            codes, per_unique = messages
            msg_codes = np.asarray(codes)[idx]
            msgs = per_unique[msg_codes]
        else:
            msgs = np.asarray(messages, dtype=object)[idx]
        self.entries.append((idx, field_name, msgs, severity, msg_codes))
        if severity == "error":
            self.bad |= mask

    def problems(self, problems: Problems, order: list[str], schema: Schema | None = None):
        """Emit every error row by row; a warning repeated on many rows of one file is emitted once, with a count.

        A problem in a case file (YAML/JSON) names the field by its path in the file and the
        form item it carries (:func:`case_file_terms`); a bulk table's by its column.
        """
        rank = {n: i for i, n in enumerate(order)}
        rows: list[tuple[int, int, str, str, str]] = []
        # The file and record of a row are looked up only for the rows a problem names: a
        # million-row table would otherwise make a million strings of one file name.
        src_codes, src_names = factorize(self.df["_source"]) if len(self.df) else (np.zeros(0, dtype=np.int64), [])
        src_names = ["" if u is None or u is pd.NA else str(u) for u in src_names]
        rec_col = self.df["_record"]
        for idx, name, msgs, sev, msg_codes in self.entries:
            r = rank.get(name, 10_000)
            if sev == "warning" and len(idx) > WARNING_REPEAT_LIMIT:
                if msg_codes is None:
                    msg_codes = pd.factorize(pd.Series(msgs, dtype=object))[0]
                keys = pd.factorize(src_codes[idx].astype(np.int64) * (int(msg_codes.max()) + 1) + msg_codes)[0]
                order = np.argsort(keys, kind="stable")
                bounds = np.flatnonzero(np.diff(keys[order], prepend=-1))
                for start, stop in zip(bounds, [*bounds[1:], len(order)], strict=False):
                    members = idx[order[start:stop]]
                    m = str(msgs[order[start]])
                    if len(members) > WARNING_REPEAT_LIMIT:
                        more = ", ".join(str(rec_col.iat[int(j)]) for j in members[1:6])
                        tail = " …" if len(members) > 6 else ""
                        rows.append((int(members[0]), r, name, f"{m} [the same on {len(members) - 1:,} more record(s) of this file: {more}{tail}]", sev))
                    else:
                        rows.extend((int(j), r, name, m, sev) for j in members)
                continue
            rows.extend((int(i), r, name, str(m), sev) for i, m in zip(idx, msgs, strict=False))
        rows.sort(key=lambda x: (x[0], x[1]))
        if not rows:
            return
        at = np.array([r[0] for r in rows], dtype=np.int64)
        rec = dict(zip(np.unique(at).tolist(), rec_col.iloc[np.unique(at)].tolist(), strict=True))
        for i, _, name, msg, sev in rows:
            src = src_names[src_codes[i]]
            if schema is not None and src.lower().endswith(CASE_FILE_SUFFIXES):
                name, msg = case_file_terms(schema, name, msg)
            problems.add(src, rec[i], name, msg, sev)


CASE_FILE_SUFFIXES = (".yaml", ".yml", ".json")


def case_file_terms(schema: Schema, name: str, message: str) -> tuple[str, str]:
    """Return a problem's field and message in a case file's terms: its YAML path, and the form item it carries.

    ``chemical: value is required`` (the bulk-table column) becomes
    ``chemical.common_name: value is required (form 1.1, Annex I 1(a): Common name)``.
    """
    try:
        spec = schema.get(name)
    except KeyError:
        return name, message
    item = " ".join(x for x in (f"Annex I {spec.annex_i}" if spec.annex_i else "", f"Annex IV Part 1 {spec.annex_iv}" if spec.annex_iv else "") if x)
    where = ", ".join(x for x in (f"form {spec.form}" if spec.form and spec.form != "header" else "", item) if x)
    if not where or (item and item in message):  # nothing to add, or the message names the item already
        return spec.path, message
    return spec.path, f"{message} ({where}: {spec.display})"


def _map_unique(series: pd.Series, func):
    """Apply ``func(value) -> (normalised, message|None)`` once per distinct value.

    Returns ``(codes, normalised_uniques, messages_uniques, bad_mask)``: index the
    per-unique arrays with ``codes`` to get per-row values.
    """
    codes, uniques = factorize(series)
    uniques = np.array(uniques, dtype=object)
    norm = np.empty(len(uniques), dtype=object)
    msgs = np.empty(len(uniques), dtype=object)
    todo = range(len(uniques))
    fast = getattr(func, "many", None)  # a checker may settle most values at once
    if fast is not None and len(uniques):
        settled, values = fast(uniques)
        norm[settled] = values
        todo = np.flatnonzero(~settled).tolist()
    for i in todo:
        norm[i], msgs[i] = func(uniques[i])
    bad_u = np.array([m is not None for m in msgs], dtype=bool)
    return codes, norm, msgs, bad_u[codes] if len(codes) else np.zeros(0, dtype=bool)


def _arrow_strings(s: pd.Series):
    """Return the Arrow data behind a ``string[pyarrow]`` column, or ``None`` for any other column."""
    if isinstance(s.dtype, pd.StringDtype) and getattr(s.dtype, "storage", "") == "pyarrow":
        return s.array._pa_array  # noqa: SLF001 - pandas keeps it there
    return None


def _control_characters(s: pd.Series, check=control_character, pattern: str = CONTROL_RE2):
    """Return which rows hold a control character, and their messages as ``(codes, per_unique)``.

    A categorical column is checked once per category; an Arrow string column is scanned by
    Arrow, and only the rows it flags are looked at one by one. ``check`` and ``pattern``
    (its RE2 twin) choose other characters: :func:`crc_tools.text.format_character`.
    """
    arrow = _arrow_strings(s)
    if arrow is not None and len(s):
        import pyarrow.compute as pc

        hit = pc.match_substring_regex(arrow, pattern)
        mask = hit.to_numpy(zero_copy_only=False).astype(bool)
        if not mask.any():
            return mask, None
        codes = np.zeros(len(s), dtype=np.int64)
        flagged, flagged_codes = np.unique(s.to_numpy(dtype=object)[mask], return_inverse=True)
        codes[mask] = flagged_codes
        per_unique = np.array([check(v) for v in flagged], dtype=object)
        return mask, (codes, per_unique)
    categories = s.cat.categories.to_numpy(dtype=object) if isinstance(s.dtype, pd.CategoricalDtype) else None
    if categories is not None and (clean_text_many(categories) if check is control_character else not any(check(u) for u in categories)):
        return np.zeros(len(s), dtype=bool), None  # the few categories are clean: no row needs looking at
    codes, _, msgs, bad = _map_unique(s, lambda v: (None, check(v)))
    return bad, (codes, msgs)


def _check_enum(spec: FieldSpec):
    synonyms = _ENUM_SYNONYMS.get(spec.name, {})
    allowed = set(spec.values)

    def f(value):
        v = str(value).strip()
        if not v:
            return ("", None)
        key = v.casefold().replace("-", " ").strip()
        if key in synonyms:
            return (synonyms[key], None)
        key2 = key.replace(" ", "_")
        if key2 in allowed:
            return (key2, None)
        return ("", f"'{v}' is not one of {', '.join(spec.values)}")

    return f


def _warn_aliases(s: pd.Series, spec: FieldSpec, col: "_Collector") -> None:
    """Warn where a value was read through an accepted alias (``banned`` for ``ban``): it counts, and it is said.

    The aliases are documented in docs/data-formats.md; anything else outside the declared
    values is an error naming them (:func:`_check_enum`).
    """
    synonyms = _ENUM_SYNONYMS[spec.name]
    codes, uniques = factorize(s)
    msgs = np.array(
        [
            f"'{u}' read as '{synonyms[k]}' (an accepted alias; the values are {', '.join(spec.values)})"
            if (k := str(u).strip().casefold().replace("-", " ").strip()) in synonyms and k.replace(" ", "_") != synonyms[k]
            else ""
            for u in uniques
        ],
        dtype=object,
    )
    if (msgs != "").any() and len(codes):
        col.add((msgs != "")[codes], spec.name, (codes, msgs), "warning")


def _check_number(value):
    v = str(value).strip()
    if re.fullmatch(r"\d{1,3}(?:[, ]\d{3})+(?:\.\d+)?", v):  # 12,000 or 12 000
        v = v.replace(",", "").replace(" ", "")
    if not v:
        return (None, None)
    try:
        number = float(v)
    except ValueError:
        return (None, f"'{value}' is not a number")
    if number != number or number < 0:
        return (None, f"'{value}' is not a number of zero or more")
    if number == float("inf"):
        return (None, f"'{value}' is not a finite number")
    if number > MAX_NUMBER:
        return (None, f"'{value}' is larger than the {MAX_NUMBER:,.0f} accepted")
    return (number, None)


def _check_formulation_type(value):
    from ..convention.reference import formulation_types

    v = str(value).strip()
    if not v:
        return ("", None)
    table = formulation_types()
    codes = []
    for part in [p.strip() for p in v.replace("\n", ";").split(";") if p.strip()]:
        found = table.find(part)
        if found is None:
            sug = table.suggestions(part)
            hint = f"; did you mean {', '.join(repr(x) for x in sug)}?" if sug else ""
            return ("", f"'{part}' is not a known formulation type (a CropLife International / FAO code such as EC, SL, DP, UL (ULV), WP, GR, SC; see data/reference/formulation_types.csv){hint}")
        codes.append(found.code)
    return (";".join(dict.fromkeys(codes)), None)


def _check_concentration(value):
    from ..convention.formulation import check_concentration

    return check_concentration(value)


def _check_bool(value):
    v = str(value).strip().casefold()
    if not v:
        return (None, None)
    if v in _TRUE:
        return (True, None)
    if v in _FALSE:
        return (False, None)
    return (None, f"'{value}' is not true or false")


def _check_date(value):
    v = str(value).strip()
    if not v:
        return (None, None)
    return _parse_date(v)


def _check_dates(values) -> tuple[np.ndarray, np.ndarray]:
    """Settle the plain ``YYYY-MM-DD`` dates among ``values`` at once, as :func:`_check_date` would.

    Returns which values are settled and their dates; the others (blank, another form,
    impossible or too early dates) are left to :func:`_check_date`, which says what is wrong.
    """
    text = pd.Series(values, dtype=object).astype(str)
    plain = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}").to_numpy(dtype=bool)
    parsed = pd.to_datetime(text.where(plain, None), format="%Y-%m-%d", errors="coerce")
    settled = plain & parsed.notna().to_numpy() & (parsed >= pd.Timestamp(EARLIEST_DATE)).to_numpy()
    dates = np.empty(len(text), dtype=object)
    if settled.any():
        dates[settled] = [d.date() for d in parsed[settled]]
    return settled, dates[settled]


_check_date.many = _check_dates


def _check_cas(value):
    parts = split_cas(value)
    if not parts:
        return ("", None)
    for p in parts:
        msg = cas_problem(p)
        if msg:
            return ("", msg)
    return (";".join(dict.fromkeys(parts)), None)


_check_cas.many = valid_cas_many


def _check_hs(value):
    v = str(value).strip()
    if not v:
        return ("", None)
    digits = v.replace(".", "").replace(" ", "")
    if not digits.isdigit() or not 4 <= len(digits) <= 12:
        return ("", f"'{v}' is not an HS code (4 to 12 digits, e.g. 2903.82 or 2920.30.00)")
    return (v, None)


def _unplaced_message(party) -> str:
    return (
        f"{party.country} has no established PIC region; the notification is kept but not counted towards the "
        "two-region trigger until its region is set in a region override file (data/local/region_overrides.csv or CRC_REGION_OVERRIDES)"
    )


def _party_checker(table: RegionTable):
    def f(value):
        v = str(value).strip()
        if not v:
            return (("", "", "", "", ""), None)
        names = [p.strip() for p in v.replace("\n", ";").split(";") if p.strip()]
        parties = []
        unknown = []
        for n in names:
            party = table.find(n)
            if party is None:
                unknown.append(n)
            else:
                parties.append(party)
        if unknown:
            msgs = []
            for n in unknown:
                sug = table.suggestions(n)
                msgs.append(f"unknown country '{n}'" + (f"; did you mean {', '.join(repr(s) for s in sug)}?" if sug else ""))
            return (("", "", "", "", ""), "; ".join(msgs))
        uniq = list({p.iso3: p for p in parties}.values())
        regions_ = sorted({p.pic_region for p in uniq if p.pic_region})
        bases = sorted({p.basis for p in uniq})
        unplaced = [p for p in uniq if not p.pic_region]
        warning = "; ".join([_unplaced_message(p) for p in unplaced] + non_party_warnings(p.iso3 for p in uniq))
        return ((";".join(p.country for p in uniq), ";".join(p.iso3 for p in uniq), ";".join(regions_), ";".join(bases), warning), None)

    return f


def _typed(values: np.ndarray, codes: np.ndarray, dtype: str, index) -> pd.Series:
    """Return per-row values taken from per-unique ``values`` as a typed Series."""
    if dtype == "datetime64[s]":
        arr = np.array([np.datetime64(v, "D") if v is not None else np.datetime64("NaT", "D") for v in values], dtype="datetime64[D]").astype("datetime64[s]")
        return pd.Series(arr[codes] if len(codes) else arr[:0], index=index)
    if dtype == "boolean":
        arr = pd.array(list(values), dtype="boolean")
        return pd.Series(arr.take(codes) if len(codes) else arr[:0], index=index)
    if dtype == "category":
        # Few distinct values (countries, categories, CAS numbers): a categorical costs
        # one small array of codes instead of a million strings.
        cat_codes, cats = pd.factorize(pd.Series(values, dtype=object).fillna(""), use_na_sentinel=False)
        final = cat_codes[codes] if len(codes) else np.zeros(0, dtype=np.int64)
        return pd.Series(pd.Categorical.from_codes(final, categories=pd.Index(cats, dtype=object)), index=index)
    arr = pd.array(list(values), dtype="string")
    return pd.Series(arr.take(codes) if len(codes) else arr[:0], index=index)


def _repeated(ids: pd.Series) -> np.ndarray:
    """Return which values repeat an earlier one (``Series.duplicated(keep="first")``).

    A table of unique ids, the usual case, is recognised by counting distinct values with
    pyarrow, which costs a fraction of marking duplicates row by row.
    """
    arr = _arrow_strings(ids)
    if arr is not None and len(arr):
        import pyarrow.compute as pc

        if len(pc.unique(arr)) == len(arr):
            return np.zeros(len(ids), dtype=bool)
    return ids.duplicated(keep="first").to_numpy(dtype=bool)


def validate_frame(
    df: pd.DataFrame,
    schema: Schema,
    problems: Problems,
    *,
    today: dt.date | None = None,
    checks=(),
    key: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Validate a flat table of records; return the good rows with typed columns.

    Parameters
    ----------
    df : DataFrame
        Text cells named by the declared fields plus ``_source``, ``_record`` and ``_doc``
        (which case-file document or table row a row came from).
    schema : Schema
        The declared fields of the record kind.
    problems : Problems
        Receives every problem, as ``FILE[:RECORD]: field: message``.
    today : datetime.date, optional
        The date against which future dates are judged.
    checks : iterable of callables, optional
        Cross-field checks of a record kind, each called as ``check(df, out, add)`` with the
        raw frame, the typed columns, and ``add(mask, field, messages, severity="error")``.
    key : tuple of str, optional
        The columns that identify a record (default: the schema's id field); a second
        record with the same key is reported and left out.
    """
    today = today or dt.date.today()
    n = len(df)
    col = _Collector(df)
    out: dict[str, object] = {}
    present = set(df.columns)

    texts: dict[str, pd.Series] = {}

    def text(name: str) -> pd.Series:
        if name not in texts:
            texts[name] = _text(name)
        return texts[name]

    def _text(name: str) -> pd.Series:
        if name in present:
            s = df[name]
            if isinstance(s.dtype, pd.CategoricalDtype):  # dictionary-encoded: strip the few categories, not the rows
                cats = s.cat.categories
                if (cats.dtype == object or pd.api.types.is_string_dtype(cats.dtype)) and stripped_text_many(cats.to_numpy(dtype=object)) and not (s.cat.codes.to_numpy() < 0).any():
                    return s  # already text without surrounding spaces
                codes, uniques = factorize(s)
                stripped = pd.Series(["" if u is None or u is pd.NA else str(u).strip() for u in uniques], dtype=object)
                recodes, cats = pd.factorize(stripped, use_na_sentinel=False)
                final = recodes[codes] if len(codes) else np.zeros(0, dtype=np.int64)
                return pd.Series(pd.Categorical.from_codes(final, categories=pd.Index(cats, dtype=object)), index=df.index)
            if not pd.api.types.is_string_dtype(s.dtype) or s.dtype == object:
                s = s.astype("string")
            return s.fillna("").str.strip()
        return pd.Series([""] * n, index=df.index, dtype="string")

    for spec in schema.fields:
        if spec.name not in present:
            if spec.required:
                col.add(np.ones(n, dtype=bool), spec.name, "value is required")
            continue
        s = text(spec.name)
        if spec.required:
            col.add((s == "").to_numpy(dtype=bool), spec.name, "value is required")
        bad, found = _control_characters(s)
        if bad.any():
            col.add(bad, spec.name, found)
        if spec.type == "id" or spec.name in NAME_FIELDS:  # identifiers and names: no invisible format character either
            bad_f, found_f = _control_characters(s, format_character, FORMAT_RE2)
            if bad_f.any():
                col.add(bad_f & ~bad, spec.name, found_f)
                bad = bad | bad_f
        if bad.any():
            s = s.where(~bad, "") if not isinstance(s.dtype, pd.CategoricalDtype) else s.astype(object).where(~bad, "")
        if spec.type in ("text", "text_list", "id"):
            lengths = s.str.len().to_numpy()
            too_long = lengths > MAX_TEXT_CHARS
            if too_long.any():
                col.add(too_long, spec.name, np.array([f"text is {x:,} characters, more than the {MAX_TEXT_CHARS:,} accepted" for x in lengths], dtype=object))
            out[spec.name] = s
            continue
        checker = {
            "enum": _check_enum(spec),
            "bool": _check_bool,
            "date": _check_date,
            "cas_list": _check_cas,
            "hs_code": _check_hs,
            "number": _check_number,
            "formulation_type": _check_formulation_type,
            "concentration_list": _check_concentration,
            "party": _party_checker(regions()),
            "party_list": _party_checker(regions()),
        }.get(spec.type)
        if checker is None:
            out[spec.name] = s
            continue
        codes, norm, msgs, bad = _map_unique(s, checker)
        col.add(bad, spec.name, (codes, msgs))
        if spec.type == "enum" and spec.name in _ENUM_SYNONYMS:
            _warn_aliases(s, spec, col)
        if spec.type == "bool":
            out[spec.name] = _typed(norm, codes, "boolean", df.index)
        elif spec.type == "number":
            arr = np.array([np.nan if v is None else float(v) for v in norm], dtype="float64")
            out[spec.name] = pd.Series(arr[codes] if n else arr[:0], index=df.index)
        elif spec.type in ("formulation_type", "concentration_list"):
            out[spec.name] = _typed(norm, codes, "string", df.index)
        elif spec.type == "date":
            out[spec.name] = _typed(norm, codes, "datetime64[s]", df.index)
        elif spec.type in ("party", "party_list"):
            for j, name in enumerate((spec.name, "party_iso3", "pic_region", "region_basis")):
                out[name] = _typed(np.array([t[j] for t in norm], dtype=object), codes, "category", df.index)
            warn_u = np.array([t[4] for t in norm], dtype=object)
            col.add((warn_u != "")[codes] if n else np.zeros(0, bool), spec.name, (codes, warn_u), "warning")
        else:
            out[spec.name] = _typed(norm, codes, "category", df.index)

    # Cross-field checks.
    stamp = pd.Timestamp(today)
    if "received_date" in out:
        col.add((out["received_date"] > stamp).fillna(False).to_numpy(dtype=bool), "received_date", f"date is in the future (today is {today.isoformat()})")
    if "verified_date" in out:
        ver = out["verified_date"]
        col.add((ver > stamp).fillna(False).to_numpy(dtype=bool), "verified_date", f"date is in the future (today is {today.isoformat()})")
        if "received_date" in out:
            col.add((ver < out["received_date"]).fillna(False).to_numpy(dtype=bool), "verified_date", "verified before it was received")
    if "fra_date" in out:
        col.add((out["fra_date"] > stamp).fillna(False).to_numpy(dtype=bool), "fra_date", "entry into force is in the future; deadlines are counted from it", "warning")
    if "annex_i_verified" in out and "annex_ii_conclusion" in out:
        incons = ((out["annex_i_verified"] == False) & out["annex_ii_conclusion"].isin(["met", "not_met"])).fillna(False).to_numpy(dtype=bool)  # noqa: E712
        col.add(incons, "annex_i_verified", "the committee recorded an Annex II conclusion on a notification not verified under Annex I (Article 5.5 forwards only verified notifications)", "warning")

    for check in checks:
        check(df, out, col.add)

    # Duplicate ids across documents: the first is kept, later ones reported.
    key = tuple(key or (schema.id_field,))
    if n:
        ids = text(key[0])
        for k in key[1:]:  # a composite key (e.g. proposal and incident): blank when a part is blank
            part = text(k)
            ids = ids.where((ids == "") | (part == ""), ids + "/" + part).where(part != "", "")
        named = (ids != "").to_numpy(dtype=bool)
        # 'NLD-2004-1' and 'nld-2004-1' name one record: ids are compared without regard to case
        # (lower-cased by Arrow on a string column; case-folded otherwise)
        if _arrow_strings(ids) is not None:
            folded = ids.str.lower()
        else:
            folded = pd.Series(ids.to_numpy(dtype=object), index=ids.index).str.casefold()
        repeated = _repeated(folded) & named
        if repeated.any():
            same_doc = pd.DataFrame({"id": folded.to_numpy(), "doc": df["_doc"].to_numpy()}).duplicated(keep="first").to_numpy()
            dup = repeated & ~same_doc  # rows of one multi-category case file share their id
            if dup.any():
                src = df["_source"].to_numpy()
                rec = df["_record"].to_numpy()
                id_arr = ids.to_numpy(dtype=object)
                fold_arr = folded.to_numpy(dtype=object)
                first_pos = {}
                for j in np.flatnonzero(named & ~repeated):
                    first_pos.setdefault(fold_arr[j], j)
                msgs = np.empty(n, dtype=object)
                for i in np.flatnonzero(dup):
                    j = first_pos.get(fold_arr[i], i)
                    loc = f"{src[j]}:{rec[j]}" if rec[j] else str(src[j])
                    spelt = f" as '{id_arr[j]}'" if id_arr[j] != id_arr[i] else ""
                    msgs[i] = f"duplicate {' and '.join(key)} '{id_arr[i]}' (first seen in {loc}{spelt}); this record is left out"
                col.add(dup, key[-1], msgs)

    col.problems(problems, schema.names, schema)
    good = ~col.bad
    empty_text = pd.Series(pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=pd.Index([""], dtype=object)), index=df.index)

    def blank() -> pd.Series:  # an empty text column costs one byte per row, and one array serves every such column
        return empty_text

    for spec in schema.fields:  # every declared column exists, even when no input carried it
        if spec.name not in out:
            if spec.type == "date":
                out[spec.name] = pd.Series(np.full(n, np.datetime64("NaT", "s"), dtype="datetime64[s]"), index=df.index)
            elif spec.type == "bool":
                out[spec.name] = pd.Series(pd.arrays.BooleanArray(np.zeros(n, dtype=bool), np.ones(n, dtype=bool)), index=df.index)
            elif spec.type == "number":
                out[spec.name] = pd.Series(np.full(n, np.nan), index=df.index, dtype="float64")
            else:
                out[spec.name] = blank()
        if spec.type in ("party", "party_list"):
            for extra in ("party_iso3", "pic_region", "region_basis"):
                if extra not in out:
                    out[extra] = blank()
    out.update({extra: df[extra] for extra in ("_source", "_record", "_doc")})
    result = pd.DataFrame(out, index=df.index, copy=False)
    if good.all():
        return result.reset_index(drop=True)
    return result.loc[good].reset_index(drop=True)


# --------------------------------------------------------------------------- entry point


def empty_determinations(id_column: str = "notification_id") -> pd.DataFrame:
    """Return an empty table of recorded determinations keyed by ``id_column``."""
    return pd.DataFrame(
        {
            id_column: pd.Series(dtype="string"),
            "criterion": pd.Series(dtype="string"),
            "status": pd.Series(dtype="string"),
            "justification": pd.Series(dtype="string"),
            "references": pd.Series(dtype="string"),
            "recorded_by": pd.Series(dtype="string"),
            "role": pd.Series(dtype="string"),
            "recorded_at": pd.Series(dtype="datetime64[ns]"),
            "category": pd.Series(dtype="string"),
            "source_file": pd.Series(dtype="string"),
        }
    )


def split_joint_notifications(notifications: pd.DataFrame, problems: Problems) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Split each joint notification ("Canada; Mexico") into one notification per Party.

    Annex II (b)(iii) is judged per Party (a risk evaluation under the conditions prevailing
    in *that* Party), and the two-region trigger counts the Parties' PIC regions (Article
    5.5): a joint row becomes one notification per Party, its id suffixed with the Party's
    ISO 3166 alpha-3 code (``ID-CAN``, ``ID-MEX``), in the order the Parties were given, and a
    message says so. A suffixed id already used by another notification is refused.

    Returns the notifications and the split ids (joint id → the Parties' ids).
    """
    if not len(notifications) or "party_iso3" not in notifications.columns:
        return notifications, {}
    codes, uniques = factorize(notifications["party_iso3"])
    joint = np.array([";" in str(u) for u in uniques], dtype=bool)[codes]
    if not joint.any():
        return notifications, {}
    table = regions()
    taken = set(notifications["notification_id"].astype(str).to_numpy(dtype=object)[~joint])
    new_rows, split, keep = [], {}, ~joint
    for pos in np.flatnonzero(joint):
        row = notifications.iloc[pos].to_dict()
        nid, src, rec = str(row["notification_id"]), row.get("_source", ""), row.get("_record", "")
        parties = [table.find(code) for code in str(row["party_iso3"]).split(";")]
        ids = [f"{nid}-{p.iso3}" for p in parties]
        clash = [x for x in ids if x in taken]
        if clash:
            problems.add(src, rec or None, "notification_id", f"the joint notification is split into one notification per Party ({', '.join(ids)}), but {', '.join(clash)} is already the id of another notification; give the Parties' notifications their own ids")
            continue
        taken.update(ids)
        split[nid] = ids
        for p, new_id in zip(parties, ids, strict=True):
            new_rows.append({**row, "notification_id": new_id, "notifying_party": p.country, "party_iso3": p.iso3, "pic_region": p.pic_region or "", "region_basis": p.basis if p.pic_region else "", "_at": pos})
        problems.add(
            src, rec or None, "notifying_party",
            f"joint notification of {', '.join(p.country for p in parties)} split into one notification per Party: {', '.join(ids)} "
            "(Annex II (b)(iii) and the PIC regions are judged per Party)", "warning",
        )
    return _insert_rows(notifications, keep, new_rows), split


def _insert_rows(frame: pd.DataFrame, keep: np.ndarray, new_rows: list[dict]) -> pd.DataFrame:
    """Return the kept rows with ``new_rows`` placed where their ``_at`` row was; categorical columns stay categorical."""
    old = frame.loc[keep]
    if not new_rows:
        return old.reset_index(drop=True)
    new = pd.DataFrame(new_rows)
    order = np.concatenate([np.flatnonzero(keep).astype(float), new.pop("_at").to_numpy(dtype=float) + np.arange(1, len(new) + 1) / (len(new) + 1)])
    for c in frame.columns:
        if isinstance(frame[c].dtype, pd.CategoricalDtype):
            extra = pd.Index([v for v in pd.unique(new[c].astype(object)) if v not in frame[c].cat.categories], dtype=object)
            cats = frame[c].cat.categories.append(extra) if len(extra) else frame[c].cat.categories
            old[c] = old[c].cat.set_categories(cats)
            new[c] = pd.Categorical(new[c].astype(object), categories=cats)
        else:
            new[c] = new[c].astype(frame[c].dtype) if str(frame[c].dtype) != "object" else new[c]
    out = pd.concat([old, new[list(frame.columns)]], ignore_index=True)
    return out.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)


def _spread_determinations(det: pd.DataFrame, split: dict[str, list[str]]) -> pd.DataFrame:
    """Return the case-file determinations with those on a split joint notification repeated for each Party's notification."""
    joint = det["notification_id"].isin(split)
    parts = [det[~joint]]
    for nid, ids in split.items():
        rows = det[det["notification_id"] == nid]
        parts.extend(rows.assign(notification_id=x) for x in ids)
    return pd.concat(parts, ignore_index=True)


def _unpaired_surrogate(node, path: str = "") -> tuple[str, str] | None:
    """Return ``(field path, message)`` for the first text in a document holding an unpaired surrogate, else ``None``."""
    if isinstance(node, str):
        msg = control_character(node)
        return (path, msg) if msg and "surrogate" in msg else None
    if isinstance(node, dict):
        items_ = [(f"{path}.{k}" if path else str(k), v) for k, v in node.items()]
        items_ += [(path, k) for k in node]
    elif isinstance(node, list):
        items_ = [(f"{path}[{i}]", v) for i, v in enumerate(node, start=1)]
    else:
        return None
    for sub, value in items_:
        found = _unpaired_surrogate(value, sub)
        if found is not None:
            return found
    return None


def _case_kind(doc: dict) -> str:
    kind = str(doc.get("kind", "")).strip().casefold()
    if kind in ("shpf_proposal", "proposal", "shpf"):
        return "shpf_proposal"
    if kind in ("notification", "fra", "final_regulatory_action"):
        return "notification"
    if kind == "substance":  # DGD substance data (crc_tools.intake.substance)
        return "substance"
    if kind in ("import_response", "response"):
        return "import_response"
    if "response_id" in doc:
        return "import_response"
    if "proposal_id" in doc:
        return "shpf_proposal"
    return "notification"


READERS: dict[str, object] = {}
"""Readers of other kinds of record: kind → callable ``reader(docs, tables, problems, *, today)``
returning what :func:`load` puts in ``Intake.extra[kind]``. ``docs`` are ``{"doc", "source",
"record"}`` case-file documents of that kind, ``tables`` the bulk tables recognised as that kind
(text cells with ``_row`` and ``_source``). SHPF proposals are read by
:func:`crc_tools.intake.proposals.read_proposals` (``shpf_proposal``); import responses by
:mod:`crc_tools.responses.reader` (``import_response``)."""


def _builtin_readers() -> None:
    """Install the readers shipped with the suite (imported on first load, not at module import)."""
    if "shpf_proposal" not in READERS:
        from .proposals import KIND, read_proposals

        READERS[KIND] = read_proposals
    from ..responses import reader  # noqa: F401  registers READERS["import_response"]
    from . import substance  # noqa: F401  registers READERS["substance"]


def _add_table(df: pd.DataFrame, source: str, schema: Schema, frames: list, other_tables: dict, problems: Problems, doc_counter: int) -> int:
    """Put a bulk table read from ``source`` with the notifications, or aside for its kind's reader; return the next document number."""
    shpf_columns = {"proposal_id", "incident_date", "part2_item"}  # proposals, Part B reports, the Part 2 tracker
    kind = "shpf_proposal" if shpf_columns & set(df.columns) and "notification_id" not in df.columns else "notification"
    if "response_id" in df.columns and "notification_id" not in df.columns:
        kind = "import_response"  # import responses (Article 10)
    if kind != "notification":
        other_tables.setdefault(kind, []).append(df.assign(_source=source))
        return doc_counter
    missing = [c for c in schema.required if c not in df.columns]
    if missing:
        problems.add(source, None, "", f"missing required column(s): {', '.join(missing)} (columns found: {', '.join(c for c in df.columns if c != '_row') or 'none'})")
        return doc_counter
    extra = [c for c in df.columns if c not in schema.names and c != "_row"]
    if extra:
        problems.add(source, None, "", f"column(s) not used by the suite, ignored: {', '.join(extra)}", "warning")
    df = df[[c for c in df.columns if c in schema.names or c == "_row"]]
    df["_source"] = pd.Categorical.from_codes(np.zeros(len(df), dtype=np.int8), categories=[source])  # one file name, not one per row
    df["_record"] = df["_row"]  # the spreadsheet row number; made text only when a problem names it
    df["_doc"] = np.arange(doc_counter, doc_counter + len(df))
    frames.append(df.drop(columns=["_row"]))
    return doc_counter + len(df)


def _left_out(problems: Problems, files: list[str], what: str, kinds) -> None:
    """Say, once per kind of record, which files hold records a ``load(kinds=...)`` does not read."""
    if files:
        more = f" (and {len(files) - 1} other file(s) likewise)" if len(files) > 1 else ""
        problems.add(files[0], None, "", f"holds {what}, not records of the kind read here ({', '.join(sorted(kinds))}); left out{more}", "warning")


def load(paths=None, *, today: dt.date | None = None, kinds=None, sheet: str | None = None) -> Intake:
    """Read case files, folders and bulk tables; validate every record.

    Parameters
    ----------
    paths : iterable of str or Path, or one str or Path, optional
        Files and folders (one string is one path). Without paths, the workspace's data
        (``crc.toml``, :mod:`crc_tools.workspace`) or else the shipped sample data is read.
    today : datetime.date, optional
        The date against which future dates are judged (default: today).
    kinds : set of str, optional
        Only these kinds of record (``notification``, ``shpf_proposal``, ``import_response``):
        the others are neither validated nor reported (default: every kind).
    sheet : str, optional
        The sheet to read of each workbook (``--sheet NAME``); default: every visible sheet
        whose header names a table the suite reads (:mod:`crc_tools.intake.sheets`).

    Returns
    -------
    Intake
        The good records as tables and every problem found.
    """
    _builtin_readers()
    problems = Problems()
    paths = config.data_paths(paths)  # the paths given, else the workspace's (crc.toml), else the sample data
    files = expand_paths(paths, problems)
    schema = notification_schema()
    frames: list[pd.DataFrame] = []
    case_rows: list[dict] = []
    determinations: list[dict] = []
    other_docs: dict[str, list[dict]] = {}
    other_tables: dict[str, list[pd.DataFrame]] = {}
    doc_counter = 0
    for f in files:
        if f.suffix.lower() in TABLE_SUFFIXES:
            for source, df in read_tables(f, problems, sheet=sheet):
                doc_counter = _add_table(df, source, schema, frames, other_tables, problems, doc_counter)
            continue
        head = _sniff(f, problems, MAX_CASE_FILE_BYTES)
        if head is None:
            continue
        try:
            data = f.read_bytes()
        except OSError as exc:
            problems.add(f, None, "", f"cannot read file: {exc.strerror or exc}")
            continue
        text = _decode(data, f, problems)
        if text is None:
            continue
        doc = parse_case_text(text, f, problems)
        if doc is None:
            if not any(p.source == str(f) for p in problems):
                problems.add(f, None, "", "file holds no data")
            continue
        docs = doc if isinstance(doc, list) else [doc]
        if len(docs) > MAX_RECORDS_PER_CASE_FILE:
            problems.add(f, None, "", f"{len(docs):,} records in one case file; more than {MAX_RECORDS_PER_CASE_FILE:,}: use a bulk table")
            continue
        for i, d in enumerate(docs, start=1):
            record = str(i) if isinstance(doc, list) else ""
            if not isinstance(d, dict):
                problems.add(f, record or None, "", f"expected a notification (a mapping of fields), found {type(d).__name__}")
                continue
            try:
                bad_text = _unpaired_surrogate(d)
            except RecursionError:
                bad_text = ("", "document nested too deeply")
            if bad_text is not None:  # a JSON escape such as \ud800: no text column can hold it
                problems.add(f, record or None, *bad_text)
                continue
            kind = _case_kind(d)
            if kind != "notification":
                other_docs.setdefault(kind, []).append({"doc": d, "source": f, "record": record})
                continue
            nid = _scalar(d.get("notification_id", "")).strip()
            rec_label = record or ""
            if isinstance(doc, list) and nid:
                rec_label = f"{record} ({nid})"
            rows = flatten_case(d, schema, f, rec_label, problems)
            if not rows:
                continue
            for r in rows:
                r["_source"] = str(f)
                r["_record"] = rec_label
                r["_doc"] = doc_counter
                case_rows.append(r)
            determinations.extend(_read_determinations(d, nid, f, rec_label, problems))
            doc_counter += 1
    if case_rows:
        frames.insert(0, pd.DataFrame(case_rows, dtype=object).fillna(""))
    if frames:
        raw = pd.concat(frames, ignore_index=True, sort=False)
        for c in raw.columns:
            if c not in ("_doc",):
                col = raw[c]
                if isinstance(col.dtype, pd.CategoricalDtype):
                    if col.isna().any():
                        raw[c] = (col if "" in col.cat.categories else col.cat.add_categories([""])).fillna("")
                else:
                    raw[c] = col.fillna("")
    else:
        raw = pd.DataFrame({"_source": pd.Series(dtype=str), "_record": pd.Series(dtype=str), "_doc": pd.Series(dtype=int)})
    if kinds is not None and "notification" not in kinds:
        _left_out(problems, list(pd.unique(raw["_source"].astype(str))) if len(raw) else [], "notifications", kinds)
        raw = raw.iloc[:0]
    notifications = validate_frame(raw, schema, problems, today=today)
    notifications, split = split_joint_notifications(notifications, problems)
    det = pd.DataFrame(determinations) if determinations else empty_determinations()
    if split and len(det):  # a determination recorded on the joint notification concerns each Party's part of it
        det = _spread_determinations(det, split)
    if len(det):
        known = set(notifications["notification_id"]) if len(notifications) else set()
        det = det[det["notification_id"].isin(known)].reset_index(drop=True)
    intake = Intake(notifications=notifications, determinations=det, problems=problems, files=[str(f) for f in files])
    for kind, reader in READERS.items():
        if kinds is None or kind in kinds:
            intake.extra[kind] = reader(other_docs.get(kind, []), other_tables.get(kind, []), problems, today=today)
        else:
            files = sorted({str(d["source"]) for d in other_docs.get(kind, [])} | {str(t["_source"].iloc[0]) for t in other_tables.get(kind, []) if len(t)})
            _left_out(problems, files, f"records of kind '{kind}'", kinds)
    for kind in set(other_docs) | set(other_tables):
        if kind not in READERS and (kinds is None or kind in kinds):
            for item in other_docs.get(kind, []):
                problems.add(item["source"], item["record"] or None, "kind", f"records of kind '{kind}' are not read by this version")
    return intake


def load_text(text: str, name: str = "input.csv", **kwargs) -> Intake:
    """Validate data given as text (used by the dashboard's upload and by tests)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(name).name
        p = Path(tmp) / (base if base not in ("", ".", "..") else "input.csv")  # an uploaded name such as '..' names no file
        p.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
        result = load([p], **kwargs)
    return result


__all__ = ["Intake", "load", "load_text", "validate_frame", "read_table", "parse_case_text", "expand_paths", "io"]
