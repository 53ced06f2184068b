"""Export and import of the register: every entry as CSV or JSON, and determinations read back from CSV, XLSX or JSON.

An export imported again adds nothing (rows are matched by ``uid``); a correction names the
entry it supersedes by ``supersedes_uid`` across registers, by ``supersedes`` within one.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from ..errors import CrcError, Problems
from .model import EXPORT_COLUMNS, SCHEMA_VERSION, Entry, RefusedEntry, _iso, _utcnow
from .schema import _tables
from .validation import _entry_id, _text, normalize_kind, validate_entry


def export_rows(register, *, current_only: bool = False, subject: str | None = None) -> list[dict]:
    """Return the register's entries as plain rows in :data:`EXPORT_COLUMNS` order (references as lists)."""
    entries = register.entries()
    if current_only:
        standing = set(register.current()["entry_id"].astype(int).tolist())
        entries = [e for e in entries if e.entry_id in standing]
    if subject is not None:
        entries = [e for e in entries if e.subject_id == subject]
    return [e.as_dict() for e in entries]


def export_text(register, fmt: str = "csv", **kwargs) -> str:
    """Return the register's entries as CSV (spreadsheet-safe cells) or JSON text.

    CSV holds one entry per row, references one per line inside their cell; cells that
    a spreadsheet would run as a formula are prefixed with an apostrophe, which
    :func:`import_file` removes again. JSON is an object with ``format``,
    ``schema_version``, ``exported_at`` and ``entries``. Keyword arguments go to
    :func:`export_rows`.
    """
    return format_export(export_rows(register, **kwargs), fmt)


def format_export(rows: list[dict], fmt: str) -> str:
    """Return rows from :func:`export_rows` as CSV or JSON text (see :func:`export_text`)."""
    from ..output import to_csv, to_json

    if fmt == "json":
        return to_json({"format": "crc-tools register of determinations", "schema_version": SCHEMA_VERSION, "exported_at": _iso(_utcnow()), "entries": rows})
    if fmt != "csv":
        raise CrcError(f"'{fmt}' is not an export format (csv, json)", field_name="format")
    flat = [{**r, "references": "\n".join(r["references"]), "supersedes": "" if r["supersedes"] is None else r["supersedes"]} for r in rows]
    return to_csv(flat, EXPORT_COLUMNS)


@dataclass
class ImportResult:
    """What an import did: the entries written, the rows already present, and the problems."""

    imported: list[Entry]
    already_present: list[int]
    problems: Problems


_ALIASES = {"by": "recorded_by", "date": "recorded_at", "kind": "subject_kind", "reference": "references"}


def _unneutralize(value):
    from ..output import FORMULA_PREFIXES

    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in FORMULA_PREFIXES:
        return value[1:]
    return value


def _read_import(path: Path, problems: Problems, sheet: str | None = None) -> list[tuple[str, dict]] | None:
    suffix = path.suffix.lower()
    if suffix in (".json", ".csv", ".xlsx") and not path.is_file():  # a FIFO or a device would block or never end
        problems.add(path, None, "", "not a regular file" if path.exists() else "no such file")
        return None
    if suffix == ".json":
        return _read_json_import(path, problems)
    if suffix in (".csv", ".xlsx"):
        return _read_table_import(path, problems, sheet)
    problems.add(path, None, "", "not a CSV, XLSX or JSON file of determinations")
    return None


def _read_json_import(path: Path, problems: Problems) -> list[tuple[str, dict]] | None:
    """Return the determinations of a JSON file (a list, or an export's object with ``entries``) with their numbers."""
    from ..intake.records import MAX_CASE_FILE_BYTES
    from ..intake.tables import _sniff

    if _sniff(path, problems, 20 * MAX_CASE_FILE_BYTES) is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        problems.add(path, None, "", f"cannot read file: {exc.strerror or exc}")
        return None
    except UnicodeDecodeError as exc:
        problems.add(path, None, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return None
    except json.JSONDecodeError as exc:
        problems.add(path, str(exc.lineno), "", f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
        return None
    except RecursionError:
        problems.add(path, None, "", "JSON nested too deeply")
        return None
    if isinstance(data, dict):
        data = data.get("entries")
    if not isinstance(data, list):
        problems.add(path, None, "", "expected a list of determinations, or an object with 'entries' (as crc register export writes)")
        return None
    out = []
    for i, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            problems.add(path, str(i), "", f"expected a determination (an object of fields), found {type(item).__name__}")
            continue
        out.append((str(i), item))
    return out


def _read_table_import(path: Path, problems: Problems, sheet: str | None) -> list[tuple[str, dict]] | None:
    """Return the rows of a CSV file or of a workbook's sheets with ``criterion`` and ``status`` columns, with their row numbers (``SHEET!ROW`` in several sheets)."""
    from ..intake.tables import read_tables

    tables = read_tables(path, problems, sheet=sheet, known=lambda columns: {"criterion", "status"} <= {str(c).strip() for c in columns})
    if not tables:
        return None
    rows = []
    for source, df in tables:
        sheet_name = source[len(str(path)) + 1: -1] if len(tables) > 1 else ""
        for rec in df.to_dict("records"):
            row_no = str(rec.pop("_row"))
            rows.append((f"{sheet_name}!{row_no}" if sheet_name else row_no, {k: _unneutralize(v) for k, v in rec.items()}))
    return rows


def import_file(register, path: str | Path, *, known_subjects: dict[str, set[str] | None] | None = None, sheet: str | None = None) -> ImportResult:
    """Import determinations from a CSV, XLSX or JSON file (as written by :func:`export_text`, or by hand).

    Good rows are written in one transaction; bad rows are reported as
    ``FILE:ROW: field: message`` and left out. A row whose ``uid`` is already in the
    register (an export imported twice) is skipped and reported as a warning.
    ``supersedes_uid`` links a correction to the entry it supersedes, in the register
    or earlier in the file; a plain ``supersedes`` entry id is read only in rows without
    a ``uid`` (ids are local to one register).

    Parameters
    ----------
    register : Register
        The register to write to.
    path : str or Path
        The file to read.
    known_subjects : dict, optional
        Subject kind → ids in the loaded data (``None`` for a kind whose ids cannot be
        checked); rows about other subjects are refused.
    sheet : str, optional
        The sheet of a workbook to read (default: every visible sheet with ``criterion``
        and ``status`` columns).
    """
    from sqlalchemy.exc import SQLAlchemyError

    path = Path(path)
    problems = Problems()
    rows = _read_import(path, problems, sheet)
    result = ImportResult([], [], problems)
    if not rows:
        if rows is not None and not problems.errors:
            problems.add(path, None, "", "file holds no determinations")
        return result
    columns = set().union(*(r.keys() for _, r in rows))
    known_cols = set(EXPORT_COLUMNS) | set(_ALIASES) | {"notification_id", "proposal_id"}
    unused = sorted(c for c in columns if c not in known_cols)
    if unused:
        problems.add(path, None, "", f"column(s) not used by the register, ignored: {', '.join(unused)}", "warning")
    now = _utcnow()
    prepared: list[tuple[str, dict]] = []
    for row_no, raw in rows:
        clean, bad = _prepare_row(path, raw, known_subjects, now)
        if bad:
            for field_name, message in bad:
                problems.add(path, row_no, field_name, message)
            continue
        prepared.append((row_no, clean))
    if not prepared:
        return result
    register._prepare_write()
    try:
        row_problems = register._with_retries(lambda: _write_rows(register, prepared, result), "write to")
    except SQLAlchemyError as exc:
        raise register._fail("write to", exc) from None
    for row_no, field_name, message, severity in row_problems:
        problems.add(path, row_no, field_name, message, severity)
    return result


def _prepare_row(path: Path, raw: dict, known_subjects, now) -> tuple[dict, list[tuple[str, str]]]:
    """Return one imported row's checked values (:func:`validate_entry`, its uid, what it supersedes) and its problems."""
    values = {_ALIASES.get(k, k): v for k, v in raw.items()}
    if not _text(values.get("subject_id")):
        if _text(values.get("notification_id")):
            values["subject_id"] = values["notification_id"]
            values.setdefault("subject_kind", "notification")
        elif _text(values.get("proposal_id")):
            values["subject_id"] = values["proposal_id"]
            values.setdefault("subject_kind", "shpf_proposal")
    kind = normalize_kind(values.get("subject_kind"))
    known = (known_subjects or {}).get(kind) if kind else None
    clean, bad = validate_entry(values, known_subjects=known, now=now)
    uid = _text(values.get("uid"))
    if uid:
        try:
            uid = str(uuid.UUID(uid))
        except ValueError:
            bad.append(("uid", f"'{uid}' is not a UUID (leave it empty for new entries)"))
    sup_uid = _text(values.get("supersedes_uid"))
    sup_id = _text(values.get("supersedes"))
    clean["_supersedes_uid"] = sup_uid
    clean["supersedes"] = None
    if not sup_uid and sup_id:
        if uid:
            bad.append(("supersedes", "an exported row names the entry it supersedes by supersedes_uid (entry ids are local to one register)"))
        else:
            number = _entry_id(sup_id, spreadsheet=True)
            if number is None:
                bad.append(("supersedes", f"'{sup_id}' is not an entry id (a whole number from 1)"))
            else:
                clean["supersedes"] = number
    earlier = _text(clean.get("origin"))
    clean["origin"] = f"import of {path.name}" + (f" (origin: {earlier})" if earlier else "")
    clean["uid"] = uid or str(uuid.uuid4())
    clean["_given_uid"] = bool(uid)
    return clean, bad


def _write_rows(register, prepared: list[tuple[str, dict]], result: ImportResult) -> list[tuple[str, str, str, str]]:
    """Write the prepared rows in one transaction (each in a savepoint); return the rows' problems as ``(row, field, message, severity)``."""
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError

    t = _tables().tables["determination"]
    result.imported.clear()
    result.already_present.clear()
    row_problems: list[tuple[str, str, str, str]] = []
    with register._connect(write=True) as conn, conn.begin():
        for row_no, clean in prepared:
            values = dict(clean)
            if values.pop("_given_uid") and _already_there(conn, t, values, row_no, result, row_problems):
                continue
            sup_uid = values.pop("_supersedes_uid")
            if sup_uid:
                target = conn.execute(sa.select(t.c.id).where(t.c.uid == sup_uid)).scalar()
                if target is None:
                    row_problems.append((row_no, "supersedes_uid", f"supersedes entry {sup_uid}, which is not in the register nor earlier in this file", "error"))
                    continue
                values["supersedes"] = int(target)
            try:
                with conn.begin_nested():
                    result.imported.append(register._insert(conn, values))
            except RefusedEntry as exc:
                for field_name, message in exc.problems:
                    row_problems.append((row_no, field_name, message, "error"))
            except IntegrityError as exc:
                err = register._integrity(exc, values)
                for field_name, message in getattr(err, "problems", [("", str(err))]):
                    row_problems.append((row_no, field_name, message, "error"))
    return row_problems


def _already_there(conn, t, values: dict, row_no: str, result: ImportResult, row_problems: list) -> bool:
    """Return whether a row's uid is already in the register: the same entry (skipped, a warning) or another one (an error)."""
    import sqlalchemy as sa

    existing = conn.execute(sa.select(t).where(t.c.uid == values["uid"])).mappings().first()
    if existing is None:
        return False
    same = all(
        str(existing[col]) == str(values[key])
        for col, key in (("subject_id", "subject_id"), ("criterion", "criterion"), ("status", "status"), ("role", "role"), ("justification", "justification"))
    )
    if same:
        result.already_present.append(int(existing["id"]))
        row_problems.append((row_no, "uid", f"already in the register as entry {existing['id']}; skipped", "warning"))
    else:
        row_problems.append((row_no, "uid", f"uid {values['uid']} is already in the register as entry {existing['id']} with different content", "error"))
    return True
