"""Reading import responses (Article 10): case files and bulk tables, validated like every record.

What is read (``intake.load()`` puts it in ``intake.extra["import_response"]``): case files with
``kind: import_response`` (or a ``response_id``), and bulk tables with a ``response_id`` column.
Every field is declared once in ``data/reference/response_fields.yaml`` and checked by the
suite's one validator (:func:`crc_tools.intake.validate.validate_frame`); a bad record is reported
as ``FILE[:RECORD]: field: message`` and left out, the good ones kept.

The rules of the form, each with its article:

* the chemical is an Annex III entry, by name or CAS number, in one category (Article 10.5);
  where its name covers entries in several categories the category must be given;
* ``under_review`` and ``request_information`` are interim responses only (Article 10.4 (b));
* ``consent_with_conditions`` states its conditions (Article 10.4 (a) (iii));
* a final decision "should be accompanied by a description of" the measure it rests on
  (Article 10.6: a "should"; a response without one is kept, and the documents say it was not provided);
* a response needs its date of receipt, or the date of the Circular that published it, so that
  a newer response can supersede an older one (Article 10.2).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..codes import factorize, factorize_ints
from ..convention.cas import is_valid_cas, split_cas
from ..convention.reference import annex_iii_matches
from ..errors import Problems
from ..i18n import N_
from .fields import response_schema
from .records import READERS, _scalar, flatten_case, join_rows, prepare_table
from .validate import validate_frame

KIND = "import_response"
INTERIM_ONLY = ("under_review", "request_information")
DECISION_LABELS = {
    "consent": N_("Consent to import"),
    "no_consent": N_("No consent to import"),
    "consent_with_conditions": N_("Consent to import only subject to specified conditions"),
    "under_review": N_("A final decision is under active consideration"),
    "request_information": N_("Request for further information or assistance"),
}
"""The decisions as the Secretariat's import-response database words them (Article 10.4)."""
KIND_LABELS = {"final": N_("Final decision"), "interim": N_("Interim decision")}


_frame = join_rows  # one way of joining case-file rows and tables (crc_tools.intake.records)


def _rows_from_docs(docs, problems: Problems) -> list[dict]:
    schema = response_schema()
    rows = []
    for n, item in enumerate(docs):
        d, f, record = item["doc"], item["source"], item["record"]
        rid = _scalar(d.get("response_id", "")).strip()
        label = f"{record} ({rid})" if record and rid else record
        for r in flatten_case(d, schema, f, label, problems):
            r.update({"_source": str(f), "_record": label, "_doc": n})
            rows.append(r)
    return rows


def read_responses(docs, tables, problems: Problems, *, today: dt.date | None = None) -> pd.DataFrame:
    """Read and validate import responses from case-file documents and bulk tables.

    Registered in :data:`crc_tools.intake.records.READERS`. Returns one row per good response
    with the declared fields and ``party_iso3``, ``pic_region``, ``entry_id`` (the Annex III
    entry), ``annex_iii_chemical`` (its name in Annex III) and ``category`` (its category).
    """
    today = today or dt.date.today()
    rows = _rows_from_docs(docs, problems)
    prepared = [p for p in (prepare_table(df, response_schema(), problems, "an import-response table") for df in tables) if p is not None]
    raw = _frame(rows, prepared)
    own = Problems()
    out = validate_frame(raw, response_schema(), own, today=today, checks=(_check_response(today),))
    for p in own:  # a PIC region matters to notifications (Article 5.5), not to responses
        if not (p.field == "party" and p.severity == "warning" and "no established PIC region" in p.message):
            problems.items.append(p)
    if "entry_id" not in out.columns:
        out["entry_id"] = pd.Series([], dtype=object)
        out["annex_iii_chemical"] = pd.Series([], dtype=object)
    out["_order"] = np.arange(len(out))
    return out


READERS[KIND] = read_responses


# --------------------------------------------------------------------------- rules


def _col(out: dict, name: str, n: int) -> pd.Series:
    if name in out:
        return out[name]
    return pd.Series(pd.Categorical([""] * n))


def _per_value(series: pd.Series, func) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(codes, per_unique)`` with ``func`` asked once per distinct value (the validator's message form)."""
    codes, uniques = factorize(series)
    return codes, np.array([func(u) for u in uniques], dtype=object)


def resolve_entry(chemical: str, cas: str = "", category: str = "") -> tuple[tuple[str, str, str] | None, str | None]:
    """Return ``((entry_id, category, Annex III name), None)`` for the entry a response names, or ``(None, message)``.

    The chemical is given by name, short name, alias or CAS number (in ``chemical`` or
    ``cas``); ``category`` picks among entries in several categories (Article 10.5).
    """
    chemical = str(chemical or "").strip()
    numbers = [c for c in split_cas(cas) if is_valid_cas(c)]
    if is_valid_cas(chemical):  # the chemical given by its CAS number
        numbers, chemical_name = [*numbers, chemical], ""
    else:
        chemical_name = chemical
    found = annex_iii_matches(chemical_name, numbers)
    if not found:
        return None, (
            f"'{chemical or cas}' is not a chemical listed in Annex III: import responses concern Annex III chemicals only "
            "(Article 10); give the entry's name or CAS number (crc annex3 lists them)"
        )
    if category:
        found = [e for e in found if e.category == category]
        if not found:
            return None, f"'{chemical}' has no Annex III entry in the category '{category}'"
    entries = {(e.entry_id, e.category): e for e in found}
    if len(entries) > 1:
        listed = "; ".join(f"{e.chemical} ({e.category})" for e in entries.values())
        return None, f"'{chemical}' names more than one Annex III entry ({listed}); give the category (a response relates to one category, Article 10.5)"
    e = next(iter(entries.values()))
    return (e.entry_id, e.category, e.chemical), None


def _check_response(today: dt.date):
    """Cross-field rules of an import response (Article 10.4-10.6)."""

    def check(df: pd.DataFrame, out: dict, add) -> None:
        n = len(df)
        if not n:
            return
        final = (_col(out, "kind", n) == "final").to_numpy(dtype=bool)
        decision = _col(out, "decision", n)
        codes, msgs = _per_value(decision, lambda d: f"'{d}' is an interim response (Article 10.4 (b)); a final decision consents, does not consent, or consents subject to conditions")
        add(final & decision.isin(INTERIM_ONLY).to_numpy(dtype=bool), "decision", (codes, msgs))
        no_conditions = (_col(out, "conditions", n).astype("string").fillna("") == "").to_numpy(dtype=bool)
        cwc = (decision == "consent_with_conditions").to_numpy(dtype=bool)
        add(cwc & no_conditions, "conditions", "a consent subject to conditions states the conditions (Article 10.4 (a) (iii))")
        add(~cwc & (decision != "").to_numpy(dtype=bool) & ~no_conditions, "conditions", "conditions are given but the decision is not consent_with_conditions; they are kept as written", "warning")
        none = pd.Series(pd.NaT, index=df.index)
        received, published, issued = (out.get(f, none) for f in ("received_date", "published_date", "issued_date"))
        add((received.isna() & published.isna() & issued.isna()).to_numpy(), "received_date", "give the date the Secretariat received the response (or, for a response taken from a PIC Circular, published_date; or the date the Party issued it, issued_date): a newer response supersedes an older one (Article 10.2)")
        for name, dates in (("published_date", published), ("issued_date", issued)):
            add((dates > pd.Timestamp(today)).fillna(False).to_numpy(dtype=bool), name, f"date is in the future (today is {today.isoformat()})")
        iso_codes, several = _per_value(_col(out, "party_iso3", n), lambda v: ";" in str(v))
        add(several.astype(bool)[iso_codes], "party", "a response comes from one Party; give one Party per response")
        _resolve(df.index, out, add)

    return check


def _resolve(index: pd.Index, out: dict, add) -> None:
    """Find each response's Annex III entry, once per distinct (chemical, CAS number, category)."""
    n = len(index)
    parts = [factorize(_col(out, name, n)) for name in ("chemical", "cas_number", "category")]
    combined = np.zeros(n, dtype=np.int64)
    for codes, uniques in parts:
        combined = combined * (len(uniques) + 1) + codes
    codes, firsts = factorize_ints(combined) if n else (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    first_row = np.zeros(len(firsts), dtype=np.int64)
    first_row[codes[::-1]] = np.arange(n)[::-1]  # a row holding each distinct combination
    keys = [tuple("" if u is None else str(u) for u in (p[1][p[0][i]] for p in parts)) for i in first_row]
    found = [resolve_entry(*k) for k in keys]
    msgs = np.array([f[1] for f in found], dtype=object)
    blank = np.array([k[0] == "" for k in keys], dtype=bool)
    add(((msgs != None) & ~blank)[codes] if n else np.zeros(0, dtype=bool), "chemical", (codes, msgs))  # noqa: E711
    for name, j in (("entry_id", 0), ("category", 1), ("annex_iii_chemical", 2)):
        values = pd.Index([f[0][j] if f[0] else "" for f in found], dtype=object)
        cat_codes, cats = pd.factorize(values)
        out[name] = pd.Series(pd.Categorical.from_codes(cat_codes[codes] if n else np.zeros(0, dtype=np.int64), categories=pd.Index(cats, dtype=object)), index=index)


__all__ = ["KIND", "read_responses", "resolve_entry", "DECISION_LABELS", "KIND_LABELS", "INTERIM_ONLY"]
