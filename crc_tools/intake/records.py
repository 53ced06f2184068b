"""What every kind of record shares when it is read: limits, the readers' registry, case-file flattening.

The kind readers (notifications in :mod:`crc_tools.intake.reader`, SHPF proposals in
:mod:`crc_tools.intake.proposals`, import responses in :mod:`crc_tools.intake.responses`,
DGD substance data in :mod:`crc_tools.intake.substance`) import from here and from the
validator (:mod:`crc_tools.intake.validate`), never from :mod:`crc_tools.intake.reader`,
which imports them: the dependencies point one way.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import Problems
from ..text import control_character, format_character, is_blank
from .fields import Schema

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


READERS: dict[str, object] = {}
"""Readers of other kinds of record: kind → callable ``reader(docs, tables, problems, *, today)``
returning what :func:`crc_tools.intake.reader.load` puts in ``Intake.extra[kind]``. ``docs`` are ``{"doc", "source",
"record"}`` case-file documents of that kind, ``tables`` the bulk tables recognised as that kind
(text cells with ``_row`` and ``_source``). SHPF proposals are read by
:func:`crc_tools.intake.proposals.read_proposals` (``shpf_proposal``); import responses by
:mod:`crc_tools.intake.responses` (``import_response``)."""


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


def fill_blanks(raw: pd.DataFrame) -> pd.DataFrame:
    """Fill the missing cells of joined case-file rows and tables with ``""`` (categorical columns keep their categories)."""
    for c in raw.columns:
        if c != "_doc":
            col = raw[c]
            if isinstance(col.dtype, pd.CategoricalDtype):  # a dictionary-encoded table column beside case-file rows
                if col.isna().any():
                    raw[c] = (col if "" in col.cat.categories else col.cat.add_categories([""])).fillna("")
            else:
                raw[c] = col.fillna("")
    return raw


def join_rows(rows: list[dict], tables: list[pd.DataFrame]) -> pd.DataFrame:
    """Join case-file rows and bulk tables of one kind into one frame of text cells for :func:`~crc_tools.intake.validate.validate_frame`.

    Which document a row came from (the duplicate check compares it): case-file records
    carry theirs; every table row is a document of its own.
    """
    frames = []
    if rows:
        frames.append(pd.DataFrame(rows, dtype=object).fillna(""))
    frames.extend(tables)
    if not frames:
        return pd.DataFrame({"_source": pd.Series(dtype=str), "_record": pd.Series(dtype=str), "_doc": pd.Series(dtype=int)})
    raw = fill_blanks(pd.concat(frames, ignore_index=True, sort=False))
    doc = pd.to_numeric(raw["_doc"], errors="coerce") if "_doc" in raw.columns else pd.Series(np.nan, index=raw.index)
    missing = doc.isna().to_numpy()
    start = int(doc.max()) + 1 if (~missing).any() else 0
    doc[missing] = np.arange(start, start + int(missing.sum()))
    raw["_doc"] = doc.astype(int)
    return raw


def prepare_table(df: pd.DataFrame, schema, problems: Problems, what: str) -> pd.DataFrame | None:
    """Return a kind's bulk table with its schema's columns (``_record`` the row), or ``None`` when a required column is missing (said in ``problems``, naming ``what``)."""
    source = df["_source"].iloc[0] if len(df) else ""
    missing = [c for c in schema.required if c not in df.columns]
    if missing:
        problems.add(source, None, "", f"missing required column(s) of {what}: {', '.join(missing)} (columns found: {', '.join(c for c in df.columns if not c.startswith('_')) or 'none'})")
        return None
    extra = [c for c in df.columns if c not in schema.names and not c.startswith("_")]
    if extra:
        problems.add(source, None, "", f"column(s) not used by the suite, ignored: {', '.join(extra)}", "warning")
    keep = [c for c in df.columns if c in schema.names or c in ("_row", "_source")]
    out = df[keep].copy()
    out["_record"] = out["_row"].astype(str)
    return out.drop(columns=["_row"])
