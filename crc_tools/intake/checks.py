"""The validator's per-value checks: each field type's checker, asked once per distinct value.

A checker takes one text value and returns ``(normalised, message or None)``; a checker with
a ``many`` attribute settles most values of a column at once. Used by
:func:`crc_tools.intake.validate.validate_frame`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..codes import factorize
from ..convention.cas import cas_problem, split_cas, valid_cas_many
from ..convention.parties import non_party_warnings
from ..convention.reference import RegionTable
from ..text import CONTROL_RE2, clean_text_many, control_character
from .fields import FieldSpec
from .records import EARLIEST_DATE, MAX_NUMBER, _parse_date

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



NAME_FIELDS = {"chemical", "chemical_name", "trade_names", "formulation_name", "active_ingredients", "replaces_notification", "member_states", "product"}
"""Text fields that name something (besides identifiers): an invisible format character (U+202E …) is refused in them."""
"""Text fields that also hold few distinct values (a table names a few hundred chemicals over many notifications)."""


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

