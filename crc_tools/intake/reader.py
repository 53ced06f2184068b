"""Intake: case files (YAML/JSON), folders of them, and bulk tables (CSV/XLSX).

Every record is validated against the declared fields (``data/reference/*_fields.yaml``).
A bad record is reported as ``FILE[:RECORD]: field: message`` and left out; the good
records go on. Nothing raises to the user: unreadable files, wrong encodings, YAML that
tries to build Python objects or to expand aliases are reported as problems too.

Case files and bulk tables end in one flat table per kind of record (one row per
notification and category), validated by one vectorised validator, so a table of a
million notifications is checked at the speed of pandas.

This module is the entry point (:func:`load`); the rooms it draws on, each importable on its
own and all re-exported here:

* :mod:`~crc_tools.intake.records` — limits, the kind readers' registry (``READERS``), case-file flattening;
* :mod:`~crc_tools.intake.casefiles` — YAML/JSON parsed safely, folders expanded;
* :mod:`~crc_tools.intake.tables` — CSV and XLSX tables;
* :mod:`~crc_tools.intake.checks` and :mod:`~crc_tools.intake.validate` — the one validator;
* the kind readers :mod:`~crc_tools.intake.proposals`, :mod:`~crc_tools.intake.responses` and
  :mod:`~crc_tools.intake.substance`, imported by :func:`load` (they never import this module).
"""

from __future__ import annotations

import datetime as dt
import io  # noqa: F401 - kept importable from here (listed in __all__)
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from ..codes import factorize
from ..convention.reference import regions
from ..errors import Problems
from .casefiles import (  # noqa: F401 - moved there; kept importable from here
    MAX_YAML_DEPTH,
    MAX_YAML_VALUES,
    CaseFileLimit,
    _case_kind,
    _decode,
    _load_yaml,
    _unpaired_surrogate,
    _yaml_loader,
    expand_paths,
    parse_case_text,
)
from .checks import (  # noqa: F401 - moved there; kept importable from here
    _ENUM_SYNONYMS,
    _FALSE,
    _TRUE,
    NAME_FIELDS,
    _arrow_strings,
    _check_bool,
    _check_cas,
    _check_concentration,
    _check_date,
    _check_dates,
    _check_enum,
    _check_formulation_type,
    _check_hs,
    _check_number,
    _control_characters,
    _map_unique,
    _party_checker,
    _repeated,
    _typed,
    _unplaced_message,
)
from .fields import FieldSpec, Schema, notification_schema  # noqa: F401 - FieldSpec kept importable from here
from .records import (  # noqa: F401 - moved there; kept importable from here
    CASE_SUFFIXES,
    DETERMINATION_ROLES,
    DETERMINATION_STATUSES,
    EARLIEST_DATE,
    LIST_SEPARATOR,
    MAX_CASE_FILE_BYTES,
    MAX_NUMBER,
    MAX_RECORDS_PER_CASE_FILE,
    MAX_TEXT_CHARS,
    READERS,
    SECRETARIAT_DETERMINATION,
    TABLE_SUFFIXES,
    WARNING_REPEAT_LIMIT,
    _did_you_mean,
    _join_list,
    _parse_date,
    _read_determinations,
    _scalar,
    check_determination,
    empty_determinations,
    fill_blanks,
    flatten_case,
)
from .tables import CODED_TEXT, MAX_TABLE_BYTES, _looks_binary, _sniff, read_table, read_tables  # noqa: F401 - moved there; kept importable from here
from .validate import CASE_FILE_SUFFIXES, _Collector, _warn_aliases, case_file_terms, validate_frame  # noqa: F401 - moved there; kept importable from here

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


# --------------------------------------------------------------------------- joint notifications


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





def _builtin_readers() -> None:
    """Install the readers shipped with the suite (imported on first load, not at module import)."""
    if "shpf_proposal" not in READERS:
        from .proposals import KIND, read_proposals

        READERS[KIND] = read_proposals
    from . import responses, substance  # noqa: F401  register READERS["import_response"] and READERS["substance"]


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


def _read_case_file(f: Path, problems: Problems):
    """Return the parsed document(s) of a case file, or ``None`` with the problem reported."""
    head = _sniff(f, problems, MAX_CASE_FILE_BYTES)
    if head is None:
        return None
    try:
        data = f.read_bytes()
    except OSError as exc:
        problems.add(f, None, "", f"cannot read file: {exc.strerror or exc}")
        return None
    text = _decode(data, f, problems)
    if text is None:
        return None
    doc = parse_case_text(text, f, problems)
    if doc is None and not any(p.source == str(f) for p in problems):
        problems.add(f, None, "", "file holds no data")
    return doc


@dataclass
class _Gathered:
    """What the files hold, sorted by kind before anything is validated.

    Notification rows (case files' first, then tables'), the determinations recorded in
    notification case files, and the documents and tables of the other kinds, each record
    numbered as a document of its own (``_doc``: the duplicate check compares it).
    """

    problems: Problems
    schema: Schema
    frames: list[pd.DataFrame] = field(default_factory=list)
    case_rows: list[dict] = field(default_factory=list)
    determinations: list[dict] = field(default_factory=list)
    other_docs: dict[str, list[dict]] = field(default_factory=dict)
    other_tables: dict[str, list[pd.DataFrame]] = field(default_factory=dict)
    doc_counter: int = 0

    def read_file(self, f: Path, sheet: str | None) -> None:
        """Take in one file: a bulk table's sheets, or a case file's documents."""
        if f.suffix.lower() in TABLE_SUFFIXES:
            for source, df in read_tables(f, self.problems, sheet=sheet):
                self.doc_counter = _add_table(df, source, self.schema, self.frames, self.other_tables, self.problems, self.doc_counter)
            return
        doc = _read_case_file(f, self.problems)
        if doc is not None:
            self.add_documents(f, doc)

    def add_documents(self, f: Path, doc) -> None:
        """Take in the document(s) of one case file: notifications flattened, other kinds set aside for their readers."""
        problems = self.problems
        docs = doc if isinstance(doc, list) else [doc]
        if len(docs) > MAX_RECORDS_PER_CASE_FILE:
            problems.add(f, None, "", f"{len(docs):,} records in one case file; more than {MAX_RECORDS_PER_CASE_FILE:,}: use a bulk table")
            return
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
                self.other_docs.setdefault(kind, []).append({"doc": d, "source": f, "record": record})
                continue
            self.add_notification(f, d, record, isinstance(doc, list))

    def add_notification(self, f: Path, d: dict, record: str, listed: bool) -> None:
        """Flatten one notification document into rows (one per category) and keep its determinations."""
        nid = _scalar(d.get("notification_id", "")).strip()
        rec_label = record or ""
        if listed and nid:
            rec_label = f"{record} ({nid})"
        rows = flatten_case(d, self.schema, f, rec_label, self.problems)
        if not rows:
            return
        for r in rows:
            r["_source"] = str(f)
            r["_record"] = rec_label
            r["_doc"] = self.doc_counter
            self.case_rows.append(r)
        self.determinations.extend(_read_determinations(d, nid, f, rec_label, self.problems))
        self.doc_counter += 1

    def raw_notifications(self) -> pd.DataFrame:
        """Return every notification row as text cells (case files first), blank where a source had no such column."""
        frames = self.frames
        if self.case_rows:
            frames.insert(0, pd.DataFrame(self.case_rows, dtype=object).fillna(""))
        if frames:
            return fill_blanks(pd.concat(frames, ignore_index=True, sort=False))
        return pd.DataFrame({"_source": pd.Series(dtype=str), "_record": pd.Series(dtype=str), "_doc": pd.Series(dtype=int)})


def _case_determinations(determinations: list[dict], notifications: pd.DataFrame, split: dict[str, list[str]]) -> pd.DataFrame:
    """Return the determinations recorded in case files, for the notifications kept (spread over split joint ones)."""
    det = pd.DataFrame(determinations) if determinations else empty_determinations()
    if split and len(det):  # a determination recorded on the joint notification concerns each Party's part of it
        det = _spread_determinations(det, split)
    if len(det):
        known = set(notifications["notification_id"]) if len(notifications) else set()
        det = det[det["notification_id"].isin(known)].reset_index(drop=True)
    return det


def _read_other_kinds(intake: Intake, got: _Gathered, kinds, today: dt.date | None) -> None:
    """Hand each other kind's documents and tables to its reader (:data:`READERS`); say what is left out or not read."""
    problems = got.problems
    for kind, reader in READERS.items():
        if kinds is None or kind in kinds:
            intake.extra[kind] = reader(got.other_docs.get(kind, []), got.other_tables.get(kind, []), problems, today=today)
        else:
            files = sorted({str(d["source"]) for d in got.other_docs.get(kind, [])} | {str(t["_source"].iloc[0]) for t in got.other_tables.get(kind, []) if len(t)})
            _left_out(problems, files, f"records of kind '{kind}'", kinds)
    for kind in set(got.other_docs) | set(got.other_tables):
        if kind not in READERS and (kinds is None or kind in kinds):
            for item in got.other_docs.get(kind, []):
                problems.add(item["source"], item["record"] or None, "kind", f"records of kind '{kind}' are not read by this version")


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
    got = _Gathered(problems, schema)
    for f in files:
        got.read_file(f, sheet)
    raw = got.raw_notifications()
    if kinds is not None and "notification" not in kinds:
        _left_out(problems, list(pd.unique(raw["_source"].astype(str))) if len(raw) else [], "notifications", kinds)
        raw = raw.iloc[:0]
    notifications = validate_frame(raw, schema, problems, today=today)
    notifications, split = split_joint_notifications(notifications, problems)
    det = _case_determinations(got.determinations, notifications, split)
    intake = Intake(notifications=notifications, determinations=det, problems=problems, files=[str(f) for f in files])
    _read_other_kinds(intake, got, kinds, today)
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
