"""The one vectorised validator: a flat table of records checked against its declared fields.

Every kind of record (notifications, SHPF proposals, incidents, the Part 2 tracker, import
responses) ends in one flat table of text cells, checked here column by column, once per
distinct value: a table of a million notifications is checked at the speed of pandas.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..codes import factorize
from ..convention.reference import regions
from ..errors import Problems
from ..text import FORMAT_RE2, format_character, stripped_text_many
from .checks import (
    _ENUM_SYNONYMS,
    NAME_FIELDS,
    _arrow_strings,
    _check_bool,
    _check_cas,
    _check_concentration,
    _check_date,
    _check_enum,
    _check_formulation_type,
    _check_hs,
    _check_number,
    _control_characters,
    _map_unique,
    _party_checker,
    _repeated,
    _typed,
)
from .fields import FieldSpec, Schema
from .records import MAX_TEXT_CHARS, WARNING_REPEAT_LIMIT


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


class _Texts:
    """The declared columns of a raw frame as stripped text, each made once when first asked for."""

    def __init__(self, df: pd.DataFrame):
        self.df = df
        self.present = set(df.columns)
        self.texts: dict[str, pd.Series] = {}

    def __call__(self, name: str) -> pd.Series:
        if name not in self.texts:
            self.texts[name] = self._text(name)
        return self.texts[name]

    def _text(self, name: str) -> pd.Series:
        df = self.df
        if name in self.present:
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
        return pd.Series([""] * len(df), index=df.index, dtype="string")


def _clean_text(spec: FieldSpec, s: pd.Series, col: _Collector) -> pd.Series:
    """Check a column's cells for a required value and for control (and, in names, format) characters; blank the bad ones."""
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
    return s


def _checker(spec: FieldSpec):
    """Return the per-value checker of a field's type, or ``None`` for a type kept as text."""
    return {
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


def _check_field(spec: FieldSpec, s: pd.Series, col: _Collector, out: dict, index) -> None:
    """Check one declared column (text already cleaned) and put its typed values in ``out``."""
    n = len(s)
    if spec.type in ("text", "text_list", "id"):
        lengths = s.str.len().to_numpy()
        too_long = lengths > MAX_TEXT_CHARS
        if too_long.any():
            col.add(too_long, spec.name, np.array([f"text is {x:,} characters, more than the {MAX_TEXT_CHARS:,} accepted" for x in lengths], dtype=object))
        out[spec.name] = s
        return
    checker = _checker(spec)
    if checker is None:
        out[spec.name] = s
        return
    codes, norm, msgs, bad = _map_unique(s, checker)
    col.add(bad, spec.name, (codes, msgs))
    if spec.type == "enum" and spec.name in _ENUM_SYNONYMS:
        _warn_aliases(s, spec, col)
    if spec.type == "bool":
        out[spec.name] = _typed(norm, codes, "boolean", index)
    elif spec.type == "number":
        arr = np.array([np.nan if v is None else float(v) for v in norm], dtype="float64")
        out[spec.name] = pd.Series(arr[codes] if n else arr[:0], index=index)
    elif spec.type in ("formulation_type", "concentration_list"):
        out[spec.name] = _typed(norm, codes, "string", index)
    elif spec.type == "date":
        out[spec.name] = _typed(norm, codes, "datetime64[s]", index)
    elif spec.type in ("party", "party_list"):
        for j, name in enumerate((spec.name, "party_iso3", "pic_region", "region_basis")):
            out[name] = _typed(np.array([t[j] for t in norm], dtype=object), codes, "category", index)
        warn_u = np.array([t[4] for t in norm], dtype=object)
        col.add((warn_u != "")[codes] if n else np.zeros(0, bool), spec.name, (codes, warn_u), "warning")
    else:
        out[spec.name] = _typed(norm, codes, "category", index)


def _check_fields(schema: Schema, text: _Texts, col: _Collector, out: dict) -> None:
    """Check every declared column present in the frame; a required column missing fails every row."""
    n = len(text.df)
    for spec in schema.fields:
        if spec.name not in text.present:
            if spec.required:
                col.add(np.ones(n, dtype=bool), spec.name, "value is required")
            continue
        _check_field(spec, _clean_text(spec, text(spec.name), col), col, out, text.df.index)


def _check_dates_and_verification(out: dict, col: _Collector, today: dt.date) -> None:
    """Cross-field checks of notifications: no date in the future, verified after received, Annex II only on verified ones."""
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


def _record_ids(text: _Texts, key: tuple[str, ...]) -> tuple[pd.Series, pd.Series]:
    """Return each row's key as written and as compared (without regard to case)."""
    ids = text(key[0])
    for k in key[1:]:  # a composite key (e.g. proposal and incident): blank when a part is blank
        part = text(k)
        ids = ids.where((ids == "") | (part == ""), ids + "/" + part).where(part != "", "")
    # 'NLD-2004-1' and 'nld-2004-1' name one record: ids are compared without regard to case
    # (lower-cased by Arrow on a string column; case-folded otherwise)
    if _arrow_strings(ids) is not None:
        folded = ids.str.lower()
    else:
        folded = pd.Series(ids.to_numpy(dtype=object), index=ids.index).str.casefold()
    return ids, folded


def _check_duplicates(df: pd.DataFrame, text: _Texts, key: tuple[str, ...], col: _Collector) -> None:
    """Report a record whose key repeats one of another document: the first is kept, later ones left out."""
    n = len(df)
    if not n:
        return
    ids, folded = _record_ids(text, key)
    named = (ids != "").to_numpy(dtype=bool)
    repeated = _repeated(folded) & named
    if not repeated.any():
        return
    same_doc = pd.DataFrame({"id": folded.to_numpy(), "doc": df["_doc"].to_numpy()}).duplicated(keep="first").to_numpy()
    dup = repeated & ~same_doc  # rows of one multi-category case file share their id
    if not dup.any():
        return
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


def _complete_columns(schema: Schema, out: dict, df: pd.DataFrame) -> None:
    """Give every declared column a value, even when no input carried it (empty, of the field's type)."""
    n = len(df)
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
    col = _Collector(df)
    out: dict[str, object] = {}
    text = _Texts(df)
    _check_fields(schema, text, col, out)  # each declared column, once per distinct value
    _check_dates_and_verification(out, col, today)  # cross-field checks
    for check in checks:  # the record kind's own cross-field checks
        check(df, out, col.add)
    _check_duplicates(df, text, tuple(key or (schema.id_field,)), col)
    col.problems(problems, schema.names, schema)
    good = ~col.bad
    _complete_columns(schema, out, df)
    result = pd.DataFrame(out, index=df.index, copy=False)
    if good.all():
        return result.reset_index(drop=True)
    return result.loc[good].reset_index(drop=True)
