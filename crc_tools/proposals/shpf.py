"""Severely hazardous pesticide formulation (SHPF) proposals: Article 6 and Annex IV Parts 1-3.

Article 6 is the other road into Annex III. It differs from notifications on three points
the suite keeps exact:

* **who may propose** (Article 6.1): a Party that is a developing country or a country with
  an economy in transition. The classification (``party_development_status.csv``) is
  contestable, so a proposal from another Party is kept and *flagged*, never refused;
* **one verified proposal is enough**: there is no two-region rule. Two proposals for one
  formulation from one PIC region still lead to a recommendation when Annex IV Part 3 is met;
* **the evidence is incidents** under conditions of use (Part B incident reports), judged
  against Annex IV Part 3 (a)-(e).

What is read (``intake.load()`` returns it in ``intake.extra["shpf_proposal"]``): case files
(one YAML/JSON file per proposal: Part A, ``incidents:`` (Part B), ``part2:``,
``determinations:``) and bulk tables (a ``proposal_id`` column; with ``incident_date`` or
``incident_id`` a Part B table; with ``part2_item`` a Part 2 tracker). Every field is declared
once in ``data/reference/proposal_fields.yaml`` and validated by the same validator as
notifications (:func:`crc_tools.intake.reader.validate_frame`).

What is computed, each step citing the Convention:

* :func:`eligibility` — Article 6.1;
* :func:`part1_items`, :func:`verification_status` — Annex IV Part 1 (a)-(h) and the
  Secretariat's verification within six months of receipt (Article 6.2);
* :func:`part2_items` — the Secretariat's collection of Annex IV Part 2 (a)-(i) (Article 6.3);
* :func:`part3_aids`, :func:`assess`, :func:`conclusions` — Annex IV Part 3 (a)-(e): the
  rule-based aid and the recorded determinations kept apart (Article 6.5);
* :func:`review_status` — per formulation: ``forward_to_crc`` once a proposal is verified
  (Article 6.2-6.4), ``recommend_listing`` decided by Part 3 alone (Article 6.5), the wording
  an Annex III entry needs, and whether Annex III already lists the formulation (Article 7).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..convention.formulation import Concentration, entry_wording, parse_concentration, parse_quantity, split_list
from ..convention.reference import (
    CATEGORY_LABELS,
    PIC_REGIONS,
    annex_iii,
    annex_iii_matches,
    annex_iii_shpf_scope,
    development_status,
    formulation_types,
    items,
)
from ..errors import Problems
from ..intake.fields import incident_schema, part2_schema, proposal_schema
from ..intake.reader import READERS, _scalar, check_determination, empty_determinations, flatten_case, validate_frame
from ..notifications.criteria import AID_AGAINST, AID_LABEL, AID_NONE, AID_SUPPORTS, current_determinations, overall_from_criteria
from ..notifications.review import _UnionFind
from ..notifications.verification import VERIFY_WITHIN_MONTHS, add_months, item_checks
from ..text import is_blank, normalize_name

KIND = "shpf_proposal"
CATEGORY = "shpf"
"""The category of an SHPF in Annex III and in the review status."""
ELIGIBLE_STATUSES = ("developing", "economy_in_transition")
"""Article 6.1: the Parties that may propose an SHPF."""
NOT_MISUSE = ("use_as_intended", "accidental")
MISUSE = ("intentional_misuse", "suicide_attempt")
SEVERE_OUTCOMES = ("death", "hospitalised")

__all__ = [
    "Proposals",
    "read_proposals",
    "eligibility",
    "part1_items",
    "part2_items",
    "verification_status",
    "effects_vs_quantity",
    "part3_aids",
    "assess",
    "conclusions",
    "annex_iii_coverage",
    "review_status",
    "STATUS_COLUMNS",
    "AID_LABEL",
]


# --------------------------------------------------------------------------- the records


def _empty_determinations() -> pd.DataFrame:
    return empty_determinations("proposal_id")


@dataclass
class Proposals:
    """SHPF proposals as read and validated: one table per record kind.

    Attributes
    ----------
    proposals : DataFrame
        One row per proposal: Part A (Annex IV Part 1) and the Secretariat's and the
        committee's records, with ``pic_region`` and ``region_basis`` of the proposing Party.
    incidents : DataFrame
        One row per Part B incident report (``proposal_id``, ``incident_id`` …).
    part2 : DataFrame
        One row per proposal and Annex IV Part 2 item the Secretariat recorded.
    determinations : DataFrame
        Recorded Annex IV Part 3 determinations (``proposal_id``, ``criterion``, ``status`` …).
    """

    proposals: pd.DataFrame
    incidents: pd.DataFrame = field(default_factory=pd.DataFrame)
    part2: pd.DataFrame = field(default_factory=pd.DataFrame)
    determinations: pd.DataFrame = field(default_factory=_empty_determinations)

    def __len__(self) -> int:
        return len(self.proposals)

    @property
    def empty(self) -> bool:
        """Return whether no proposal was read."""
        return self.proposals.empty


def _empty_frame(schema) -> pd.DataFrame:
    raw = pd.DataFrame({"_source": pd.Series(dtype=str), "_record": pd.Series(dtype=str), "_doc": pd.Series(dtype=int)})
    return validate_frame(raw, schema, Problems())


# --------------------------------------------------------------------------- reading


def _ingredient_list(formulation: dict, source, record: str, problems: Problems) -> bool:
    """Turn ``formulation.active_ingredients`` given as mappings into the declared aligned lists.

    ``[{name, cas_number, concentration}, …]`` becomes ``active_ingredients``,
    ``cas_numbers`` and ``concentrations`` joined by ``;`` with empty slots kept, so that a
    missing concentration is named with its ingredient. Returns ``False`` on a shape error.
    """
    raw = formulation.get("active_ingredients")
    if not isinstance(raw, list) or not any(isinstance(x, dict) for x in raw):
        return True
    names, cas, conc = [], [], []
    ok = True
    for i, ing in enumerate(raw, start=1):
        where = f"formulation.active_ingredients[{i}]"
        if not isinstance(ing, dict):
            problems.add(source, record or None, where, "expected a mapping with name, cas_number and concentration")
            ok = False
            continue
        for k in ing:
            if k not in ("name", "cas_number", "cas", "concentration"):
                problems.add(source, record or None, f"{where}.{k}", "unknown field (ignored); see data/cases/README.md", "warning")
        name = _scalar(ing.get("name")).strip()
        if not name:
            problems.add(source, record or None, f"{where}.name", "value is required")
            ok = False
        names.append(name.replace(";", ","))
        c = ing.get("cas_number", ing.get("cas"))
        cas.append(_scalar(c).strip() if not is_blank(c) else "")
        conc.append(_scalar(ing.get("concentration")).strip().replace(";", ","))
    formulation["active_ingredients"] = ";".join(names)
    if any(cas):
        formulation["cas_numbers"] = ";".join(x for x in cas if x)
    formulation["concentrations"] = ";".join(conc)
    return ok


def _rows_from_docs(docs, problems: Problems):
    schema, ischema, pschema = proposal_schema(), incident_schema(), part2_schema()
    proposals, incidents, part2, dets = [], [], [], []
    doc_no = 0
    p3 = items("annex_iv_part3")
    for item in docs:
        d, f, record = item["doc"], item["source"], item["record"]
        pid = _scalar(d.get("proposal_id", "")).strip()
        label = f"{record} ({pid})" if record and pid else record
        d = dict(d)
        if isinstance(d.get("formulation"), dict):
            d["formulation"] = dict(d["formulation"])
            if not _ingredient_list(d["formulation"], f, label, problems):
                continue
        rows = flatten_case(d, schema, f, label, problems)
        if not rows:
            continue
        row = rows[0]
        row.update({"_source": str(f), "_record": label, "_doc": doc_no})
        doc_no += 1
        if not pid:  # reported as 'proposal_id: value is required'; its reports cannot be attached
            proposals.append(row)
            continue
        raw_inc = d.get("incidents")
        if raw_inc is not None and not isinstance(raw_inc, list):
            problems.add(f, label or None, "incidents", "expected a list of Part B incident reports")
            raw_inc = []
        n_reports = 0
        for i, inc in enumerate(raw_inc or [], start=1):
            where = f"{label} incidents[{i}]".strip()
            if not isinstance(inc, dict):
                problems.add(f, where, "", "expected an incident report (a mapping of fields)")
                continue
            n_reports += 1
            for r in flatten_case(inc, ischema, f, where, problems):
                r.setdefault("proposal_id", pid)
                r.setdefault("incident_id", str(i))
                r.update({"_source": str(f), "_record": where})
                incidents.append(r)
        if n_reports and is_blank(row.get("incident_reports")):
            row["incident_reports"] = str(n_reports)
        proposals.append(row)
        raw_p2 = d.get("part2")
        if raw_p2 is not None and not isinstance(raw_p2, list):
            problems.add(f, label or None, "part2", "expected a list of Annex IV Part 2 items (item, collected, source, date, awaiting)")
            raw_p2 = []
        for i, entry in enumerate(raw_p2 or [], start=1):
            where = f"{label} part2[{i}]".strip()
            if not isinstance(entry, dict):
                problems.add(f, where, "", "expected a mapping with item, collected, source, date, awaiting")
                continue
            for r in flatten_case(entry, pschema, f, where, problems):
                r.setdefault("proposal_id", pid)
                r.update({"_source": str(f), "_record": where})
                part2.append(r)
        raw_det = d.get("determinations")
        if raw_det is not None and not isinstance(raw_det, list):
            problems.add(f, label or None, "determinations", "expected a list of determinations")
            raw_det = []
        for i, det in enumerate(raw_det or [], start=1):
            where = f"determinations[{i}]"
            if not isinstance(det, dict):
                problems.add(f, label or None, where, "expected a mapping with criterion, status, justification")
                continue
            rec = check_determination(det, p3, f, label, where, problems)
            if rec is not None:
                rec["proposal_id"] = pid
                rec["source_file"] = str(f)
                dets.append(rec)
    return proposals, incidents, part2, dets


def _table_kind(df: pd.DataFrame) -> str:
    cols = set(df.columns)
    if "part2_item" in cols:
        return "part2"
    if "incident_date" in cols or "incident_id" in cols:
        return "incidents"
    return "proposals"


def _frame(rows: list[dict], tables: list[pd.DataFrame]) -> pd.DataFrame:
    frames = []
    if rows:
        frames.append(pd.DataFrame(rows, dtype=object).fillna(""))
    frames.extend(tables)
    if not frames:
        return pd.DataFrame({"_source": pd.Series(dtype=str), "_record": pd.Series(dtype=str), "_doc": pd.Series(dtype=int)})
    raw = pd.concat(frames, ignore_index=True, sort=False)
    for c in raw.columns:
        if c != "_doc":
            col = raw[c]
            if isinstance(col.dtype, pd.CategoricalDtype):  # a dictionary-encoded table column beside case-file rows
                if col.isna().any():
                    raw[c] = (col if "" in col.cat.categories else col.cat.add_categories([""])).fillna("")
            else:
                raw[c] = col.fillna("")
    # Which document a row came from (the duplicate check compares it): case-file proposals
    # carry theirs; every table row and every Part B / Part 2 entry is a document of its own.
    doc = pd.to_numeric(raw["_doc"], errors="coerce") if "_doc" in raw.columns else pd.Series(np.nan, index=raw.index)
    missing = doc.isna().to_numpy()
    start = int(doc.max()) + 1 if (~missing).any() else 0
    doc[missing] = np.arange(start, start + int(missing.sum()))
    raw["_doc"] = doc.astype(int)
    return raw


def _prepare_table(df: pd.DataFrame, schema, problems: Problems, what: str) -> pd.DataFrame | None:
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


def read_proposals(docs, tables, problems: Problems, *, today: dt.date | None = None) -> Proposals:
    """Read and validate SHPF proposals from case-file documents and bulk tables.

    Registered in :data:`crc_tools.intake.reader.READERS`, so :func:`crc_tools.intake.reader.load` calls it
    with the documents and tables it recognised as proposals.

    Parameters
    ----------
    docs : list of dict
        ``{"doc": mapping, "source": Path, "record": str}`` for each case-file document.
    tables : list of DataFrame
        Bulk tables (text cells, ``_row`` and ``_source`` columns) with a ``proposal_id`` column.
    problems : Problems
        Receives every problem; bad records are reported and left out, the good ones kept.
    today : datetime.date, optional
        The date against which future dates are judged.

    Returns
    -------
    Proposals
        The proposals, their Part B incident reports, the Part 2 tracker and the recorded
        Annex IV Part 3 determinations, each validated against ``proposal_fields.yaml``.
    """
    today = today or dt.date.today()
    schema, ischema, pschema = proposal_schema(), incident_schema(), part2_schema()
    p_rows, i_rows, t_rows, dets = _rows_from_docs(docs, problems)
    p_tables, i_tables, t_tables = [], [], []
    for df in tables:
        kind = _table_kind(df)
        target, sch, what = {"proposals": (p_tables, schema, "a proposal table"), "incidents": (i_tables, ischema, "a Part B incident table"), "part2": (t_tables, pschema, "a Part 2 table")}[kind]
        prepared = _prepare_table(df, sch, problems, what)
        if prepared is not None:
            target.append(prepared)

    raw_p = _frame(p_rows, p_tables)
    seen_ids = set(raw_p["proposal_id"].astype(str).str.strip()) if "proposal_id" in raw_p.columns else set()
    proposals = validate_frame(raw_p, schema, problems, today=today, checks=(_check_proposal,))
    good = set(proposals["proposal_id"])

    raw_i = _frame(i_rows, i_tables)
    if len(raw_i) and "incident_id" not in raw_i.columns:
        raw_i["incident_id"] = raw_i["_record"].astype(str)
    incidents = validate_frame(raw_i, ischema, problems, today=today, checks=(_check_incident(seen_ids, today),), key=("proposal_id", "incident_id"))
    incidents = incidents[incidents["proposal_id"].isin(good)].reset_index(drop=True)

    raw_t = _frame(t_rows, t_tables)
    if "part2_item" in raw_t.columns:
        p2 = items("annex_iv_part2")
        raw_t["part2_item"] = raw_t["part2_item"].map(lambda v: p2.normalize(str(v)) or str(v) if str(v).strip() else "")
    part2 = validate_frame(raw_t, pschema, problems, today=today, checks=(_check_part2(seen_ids, today),), key=("proposal_id", "part2_item"))
    part2 = part2[part2["proposal_id"].isin(good)].reset_index(drop=True)

    det = pd.DataFrame(dets) if dets else _empty_determinations()
    det = det[det["proposal_id"].isin(good)].reset_index(drop=True)

    if len(proposals):  # the Part B reports read count towards Annex IV Part 1 (g)
        counted = incidents.groupby("proposal_id").size()
        read = proposals["proposal_id"].map(counted).fillna(0)
        proposals["incident_reports"] = np.fmax(proposals["incident_reports"].astype(float).fillna(0).to_numpy(), read.to_numpy())
    return Proposals(proposals, incidents, part2, det)


# --------------------------------------------------------------------------- validation rules


def _get(out: dict, name: str, n: int, kind: str = "text") -> pd.Series:
    """Return a typed column for a cross-field check, or an empty one when the input lacked it."""
    if name in out:
        return out[name]
    if kind == "date":
        return pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    if kind == "bool":
        return pd.Series(pd.NA, index=range(n), dtype="boolean")
    return pd.Series("", index=range(n), dtype="string")


def _check_proposal(df: pd.DataFrame, out: dict, add) -> None:
    """Cross-field rules of a proposal: Annex IV Part 1 (b)-(d) and Article 6.1."""
    n = len(df)
    if not n:
        return
    names = _get(out, "active_ingredients", n).to_numpy(dtype=object)
    conc = _get(out, "active_ingredient_concentrations", n).to_numpy(dtype=object)
    raw_conc = df["active_ingredient_concentrations"].astype(str).str.strip().to_numpy(dtype=object) if "active_ingredient_concentrations" in df.columns else np.full(n, "", dtype=object)
    msgs_names = np.full(n, None, dtype=object)
    msgs_conc = np.full(n, None, dtype=object)
    cache: dict[tuple[str, str], tuple[str | None, str | None]] = {}
    for i in range(n):
        if raw_conc[i] and not conc[i]:
            continue  # the concentrations themselves are malformed: already reported
        key = (str(names[i]), str(conc[i]))
        if key not in cache:
            cache[key] = _ingredient_problem(*key)
        msgs_names[i], msgs_conc[i] = cache[key]
    add(msgs_names != None, "active_ingredients", msgs_names)  # noqa: E711
    add(msgs_conc != None, "active_ingredient_concentrations", msgs_conc)  # noqa: E711

    iso = _get(out, "party_iso3", n).astype("string").fillna("")
    several = iso.str.contains(";").to_numpy()
    add(several, "proposing_party", "a proposal comes from one Party (Article 6.1); give one proposing Party per proposal")

    ftype = _get(out, "formulation_type", n).astype("string").fillna("")
    multi = ftype.str.contains(";").to_numpy()
    add(multi, "formulation_type", np.array([f"a proposal concerns one formulation: give its one type (found {v.replace(';', ', ')}); the committee's recommended scope may name several (annex_iii_formulation_types)" for v in ftype], dtype=object))

    # Article 6.1: a flag, not a refusal.
    table = development_status()
    msgs = np.full(n, None, dtype=object)
    for i, (code, party) in enumerate(zip(iso.to_numpy(), _get(out, "proposing_party", n).to_numpy(), strict=True)):
        if not code or ";" in str(code):
            continue
        note = _eligibility_note(str(code), str(party), table)
        if note[0] is False or note[0] is None:
            msgs[i] = note[1]
    add(msgs != None, "proposing_party", msgs, "warning")  # noqa: E711

    if "part1_verified" in out and "part3_conclusion" in out:
        incons = ((out["part1_verified"] == False) & out["part3_conclusion"].isin(["met", "not_met"])).fillna(False).to_numpy()  # noqa: E712
        add(incons, "part1_verified", "the committee recorded an Annex IV Part 3 conclusion on a proposal not verified under Part 1 (Article 6.4 forwards only verified proposals)", "warning")


def _ingredient_problem(names: str, conc: str) -> tuple[str | None, str | None]:
    """Return (message on active_ingredients, message on active_ingredient_concentrations)."""
    n_list = split_list(names)
    c_list = split_list(conc)
    if any(not x for x in n_list):
        return ("an active ingredient in the list has no name; give one name per active ingredient, separated by ';'", None)
    if not n_list:
        if any(c_list):
            return ("concentrations are given but no active ingredient is named (Annex IV Part 1 (b))", None)
        return (None, None)
    if len(c_list) > len(n_list):
        return (None, f"{len(c_list)} concentrations for {len(n_list)} active ingredient(s); give one concentration per active ingredient, in the same order")
    missing = [name for j, name in enumerate(n_list) if j >= len(c_list) or not c_list[j]]
    if missing:
        return (None, f"no concentration given for {', '.join(missing)} (Annex IV Part 1 (c): the relative amount of each active ingredient)")
    return (None, None)


def _check_incident(seen_ids: set[str], today: dt.date):
    """Rules of a Part B incident report: a date not in the future, a proposal that was read."""

    def check(df: pd.DataFrame, out: dict, add) -> None:
        if not len(df):
            return
        n = len(df)
        future = (_get(out, "incident_date", n, "date") > pd.Timestamp(today)).fillna(False).to_numpy()
        add(future, "incident_date", f"date is in the future (today is {today.isoformat()})")
        pid = _get(out, "proposal_id", n).astype("string").fillna("")
        unknown = ((pid != "") & ~pid.isin(seen_ids)).to_numpy()
        add(unknown, "proposal_id", np.array([f"no proposal with proposal_id '{p}' was read; the incident report is left out" for p in pid], dtype=object))

    return check


def _check_part2(seen_ids: set[str], today: dt.date):
    """Rules of a Part 2 entry: an Annex IV Part 2 item, a proposal that was read."""
    p2 = items("annex_iv_part2")

    def check(df: pd.DataFrame, out: dict, add) -> None:
        if not len(df):
            return
        n = len(df)
        item = _get(out, "part2_item", n).astype("string").fillna("")
        bad = ((item != "") & ~item.isin(p2.ids)).to_numpy()
        add(bad, "part2_item", np.array([f"'{v}' is not an item of Annex IV Part 2 ({', '.join(p2.ids)})" for v in item], dtype=object))
        pid = _get(out, "proposal_id", n).astype("string").fillna("")
        unknown = ((pid != "") & ~pid.isin(seen_ids)).to_numpy()
        add(unknown, "proposal_id", np.array([f"no proposal with proposal_id '{p}' was read; the entry is left out" for p in pid], dtype=object))
        future = (_get(out, "collected_date", n, "date") > pd.Timestamp(today)).fillna(False).to_numpy()
        add(future, "collected_date", f"date is in the future (today is {today.isoformat()})")

    return check


READERS[KIND] = read_proposals


# --------------------------------------------------------------------------- Article 6.1


def _eligibility_note(iso3: str, party: str, table: dict) -> tuple[bool | None, str, str]:
    """Return (eligible, note, development status) for one proposing Party (Article 6.1)."""
    row = table.get(iso3)
    if row is None:
        return (None, f"{party} has no development classification in data/reference/party_development_status.csv; Article 6.1 eligibility (developing country or economy in transition) cannot be checked", "")
    status = row["status"]
    if status in ELIGIBLE_STATUSES:
        return (True, f"{party}: {status.replace('_', ' ')} ({row['basis']})", status)
    return (
        False,
        f"{party} is classified as {status} ({row['basis']}); Article 6.1 admits proposals only from developing countries "
        "or countries with economies in transition. The proposal is kept and flagged for the Secretariat: the classification is contestable",
        status,
    )


def eligibility(proposals: pd.DataFrame) -> pd.DataFrame:
    """Return the Article 6.1 eligibility of each proposing Party (an ineligible proposal is kept, flagged and not counted).

    Columns: ``proposal_id``, ``development_status`` (``developing``,
    ``economy_in_transition``, ``developed`` or empty), ``eligible`` (True / False / None when
    the Party is not classified) and ``eligibility_basis`` (the classification and its source).
    """
    table = development_status()
    rows = []
    for pid, iso3, party in zip(proposals["proposal_id"], proposals["party_iso3"].fillna(""), proposals["proposing_party"].fillna(""), strict=True):
        ok, note, status = _eligibility_note(str(iso3), str(party), table)
        rows.append({"proposal_id": pid, "development_status": status, "eligible": ok, "eligibility_basis": note})
    out = pd.DataFrame(rows, columns=["proposal_id", "development_status", "eligible", "eligibility_basis"])
    out["eligible"] = pd.Series([r["eligible"] for r in rows], dtype=object)  # True / False / None, kept as such
    return out


# --------------------------------------------------------------------------- Annex IV Part 1 and Part 2 (Article 6.2, 6.3)


def part1_items(proposals: pd.DataFrame) -> pd.DataFrame:
    """Return the Annex IV Part 1 check, item by item: one row per proposal and item (a)-(h).

    Columns: ``proposal_id``, ``item``, ``text``, ``present``, ``optional`` (item (e) is asked
    for only "if available") and ``missing_fields``. Item (g) is carried by the description of
    the incidents or by Part B incident reports.
    """
    out = item_checks(proposals, "annex_iv_part1", ["proposal_id"])
    if "optional" not in out.columns:
        out["optional"] = False
    return out


PART2_STATUSES = ("collected", "awaited", "none found", "not recorded", "not requested")


def part2_items(proposals: pd.DataFrame, part2: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the Secretariat's Annex IV Part 2 collection (Article 6.3), item by item.

    One row per proposal and item (a)-(i). ``status`` is ``collected``; ``awaited`` (the call
    for information still awaits something, said in ``awaiting``); ``none found`` (looked for,
    nothing available); ``not recorded``; or for item (i), which depends on what the committee
    identifies, ``not requested``.
    """
    p2 = items("annex_iv_part2")
    base = pd.DataFrame(
        [(pid, it.id, it.text) for pid in proposals["proposal_id"] for it in p2.items],
        columns=["proposal_id", "item", "text"],
    )
    cols = ["collected", "source", "collected_date", "awaiting", "summary", "notes"]
    if part2 is not None and len(part2):
        rec = part2.rename(columns={"part2_item": "item"})[["proposal_id", "item", *cols]]
        base = base.merge(rec, on=["proposal_id", "item"], how="left")
    else:
        for c in cols:
            base[c] = pd.NA
    collected = base["collected"].astype("boolean")
    awaiting = base["awaiting"].astype("string").fillna("").str.strip()
    recorded = base["collected"].notna() | (awaiting != "") | base["source"].astype("string").fillna("").ne("")
    status = np.where(
        collected.fillna(False).to_numpy(dtype=bool),
        "collected",
        np.where((awaiting != "").to_numpy(), "awaited", np.where(recorded.to_numpy(), "none found", np.where(base["item"] == "(i)", "not requested", "not recorded"))),
    )
    base["status"] = status
    base["collected"] = collected
    for c in ("source", "awaiting", "summary", "notes"):
        base[c] = base[c].astype("string").fillna("")
    return base


def verification_status(p: Proposals, *, today: dt.date | None = None) -> pd.DataFrame:
    """Return one row per proposal: eligibility, Part 1 completeness and verification, Part 2 collection.

    Columns: ``proposal_id``, ``chemical`` (the formulation name), ``category`` (``shpf``),
    ``proposing_party``, ``pic_region``, ``development_status``, ``eligible``,
    ``eligibility_basis`` (Article 6.1); ``part1_complete`` and ``missing_items`` (Annex IV Part 1,
    item (e) counting only if available); ``part1_verified`` (the Secretariat's record),
    ``verified`` and ``verification_basis`` (Article 6.2; implied where the committee recorded a
    Part 3 conclusion); ``verification_deadline`` and ``verification_overdue`` (six months
    after receipt, Article 6.2); ``summary_published``; ``part2_collected``, ``part2_awaiting``,
    ``part2_complete`` and ``part2_basis`` (Article 6.3).
    """
    today_ts = pd.Timestamp(today or dt.date.today())
    df = p.proposals.reset_index(drop=True)
    out = pd.DataFrame(
        {
            "proposal_id": df["proposal_id"],
            "chemical": df["formulation_name"],
            "category": CATEGORY,
            "proposing_party": df["proposing_party"],
            "pic_region": df["pic_region"],
        }
    )
    if not len(df):
        for c in ("development_status", "eligible", "eligibility_basis", "part1_complete", "missing_items", "part1_verified", "verified", "verification_basis",
                  "received_date", "verification_deadline", "verification_overdue", "summary_published", "part2_collected", "part2_awaiting", "part2_complete", "part2_basis"):
            out[c] = pd.Series(dtype=object)
        return out
    elig = eligibility(df)
    out = out.assign(development_status=elig["development_status"].to_numpy(), eligible=elig["eligible"].to_numpy(), eligibility_basis=elig["eligibility_basis"].to_numpy())
    checks = part1_items(df)
    required = checks[~checks["optional"] & ~checks["present"]]
    missing: dict[str, list[str]] = {}
    for pid, item_id in zip(required["proposal_id"], required["item"], strict=True):
        missing.setdefault(pid, []).append(item_id)
    out["missing_items"] = [", ".join(missing.get(pid, [])) for pid in out["proposal_id"]]
    out["part1_complete"] = (out["missing_items"] == "").to_numpy()
    recorded = df["part1_verified"].astype("boolean")
    conclusion = df["part3_conclusion"].astype("string").fillna("")
    implied = recorded.isna() & conclusion.isin(["met", "not_met"])
    out["part1_verified"] = recorded.to_numpy()
    out["verified"] = (recorded.fillna(False).astype(bool) | implied).to_numpy()
    out["verification_basis"] = np.where(
        recorded.fillna(False).to_numpy(dtype=bool),
        "verified by the Secretariat (recorded)",
        np.where(
            (recorded == False).fillna(False).to_numpy(dtype=bool),  # noqa: E712
            "found incomplete by the Secretariat (recorded; Article 6.2: the proposing Party is informed)",
            np.where(implied.to_numpy(dtype=bool), "implied: the committee recorded an Annex IV Part 3 conclusion on it", "not yet verified"),
        ),
    )
    out["received_date"] = df["received_date"].to_numpy()
    deadline = add_months(df["received_date"], VERIFY_WITHIN_MONTHS)
    out["verification_deadline"] = deadline.to_numpy()
    done = recorded.notna()
    late_done = done & (df["verified_date"] > deadline).fillna(False)
    open_overdue = ~done & ~implied & (today_ts > deadline).fillna(False)
    out["verification_overdue"] = (late_done | open_overdue).to_numpy()
    out["summary_published"] = df["summary_published"].to_numpy()
    p2 = part2_items(df, p.part2)
    by = {pid: g for pid, g in p2.groupby("proposal_id", sort=False)}
    collected, awaiting, complete, basis = [], [], [], []
    for pid, concl in zip(df["proposal_id"], conclusion, strict=True):
        g = by.get(pid)
        got = g.loc[g["status"] == "collected", "item"].tolist() if g is not None else []
        open_ = g.loc[g["status"].isin(["awaited", "not recorded"]), "item"].tolist() if g is not None else []
        collected.append(got)
        if open_ and concl in ("met", "not_met") and not (g is not None and (g["status"] == "awaited").any()):
            awaiting.append([])
            complete.append(True)
            basis.append("implied: the committee reviewed the proposal, so the Part 2 information was collected (not itemised here)")
            continue
        awaiting.append(open_)
        complete.append(not open_)
        basis.append("every Part 2 item collected or looked for (Article 6.3)" if not open_ else "Part 2 information still to be collected: " + ", ".join(open_))
    out["part2_collected"] = collected
    out["part2_awaiting"] = awaiting
    out["part2_complete"] = complete
    out["part2_basis"] = basis
    return out


# --------------------------------------------------------------------------- Annex IV Part 3 (Article 6.5)

_LOCAL_ONLY = re.compile(
    r"\b(?:only (?:relevant|applicable) (?:to|in)|not relevant (?:to|for) other|limited to (?:the )?(?:local|specific|national)|specific to local|local conditions only|unique to)\b",
    re.I,
)
_NO_PPE = re.compile(r"\b(?:no|without|little or no|lack(?:ing)? of|not wear\w*|did not wear|unprotected)\b[^.;]{0,40}\b(?:PPE|protective|gloves|mask|respirator|protection)\b", re.I)
_NONE_WORDS = {"", "none", "no", "n/a", "na", "not applicable", "nil", "-", "not available", "unknown"}


def _has(df: pd.DataFrame, name: str) -> pd.Series:
    if name not in df.columns:
        return pd.Series(False, index=df.index)
    s = df[name].astype("string").fillna("").str.strip()
    return ~s.str.casefold().isin(_NONE_WORDS)


def _incident_summary(proposals: pd.DataFrame, incidents: pd.DataFrame) -> pd.DataFrame:
    """Aggregate the Part B reports per proposal (what the Part 3 aid reads)."""
    ids = proposals["proposal_id"].reset_index(drop=True)
    cols = ["reports", "confirmed_recognised", "all_unconfirmed", "all_against_practice", "not_misuse", "misuse_only", "people", "organisms", "severe", "deaths", "no_ppe"]
    if incidents is None or incidents.empty:
        z = pd.DataFrame(0, index=ids, columns=cols)
        for c in ("confirmed_recognised", "all_unconfirmed", "all_against_practice", "not_misuse", "misuse_only", "no_ppe"):
            z[c] = False
        return z
    inc = incidents.copy()
    conf = inc["medically_confirmed"].astype("boolean")
    common = inc["use_per_common_practice"].astype("boolean")
    circ = inc["circumstance"].astype("string").fillna("")
    outcome = inc["outcome"].astype("string").fillna("")
    human = inc["incident_type"].astype("string").fillna("") != "environmental"
    count = pd.to_numeric(inc["number_affected"], errors="coerce")
    inc["_confrec"] = (conf.fillna(False) & common.fillna(False)).astype(bool)
    inc["_unconf"] = (conf == False).fillna(False).astype(bool)  # noqa: E712
    inc["_against"] = (common == False).fillna(False).astype(bool)  # noqa: E712
    inc["_notmis"] = circ.isin(NOT_MISUSE)
    inc["_mis"] = circ.isin(MISUSE)
    inc["_people"] = np.where(human, count.fillna(1), 0)
    inc["_organisms"] = np.where(~human, count.fillna(0), 0)
    inc["_severe"] = outcome.isin(SEVERE_OUTCOMES)
    inc["_deaths"] = (outcome == "death") & human
    inc["_noppe"] = inc["use_conditions"].astype("string").fillna("").str.contains(_NO_PPE, regex=True)
    g = inc.groupby("proposal_id", sort=False)
    agg = pd.DataFrame(
        {
            "reports": g.size(),
            "confirmed_recognised": g["_confrec"].any(),
            "all_unconfirmed": g["_unconf"].all(),
            "all_against_practice": g["_against"].all(),
            "not_misuse": g["_notmis"].any(),
            "misuse_only": g["_mis"].all(),
            "people": g["_people"].sum(),
            "organisms": g["_organisms"].sum(),
            "severe": g["_severe"].sum(),
            "deaths": g["_deaths"].sum(),
            "no_ppe": g["_noppe"].any(),
        }
    )
    out = agg.reindex(ids)
    for c in ("reports", "people", "organisms", "severe", "deaths"):
        out[c] = out[c].fillna(0).astype(int)
    for c in ("confirmed_recognised", "all_unconfirmed", "all_against_practice", "not_misuse", "misuse_only", "no_ppe"):
        out[c] = out[c].astype("boolean").fillna(False).astype(bool)
    return out


def effects_vs_quantity(p: Proposals) -> pd.DataFrame:
    """Relate the reported effects to the quantity of the formulation used (Annex IV Part 3 (d)).

    One row per proposal: ``incident_reports`` (Part B reports read), ``people_affected`` (a
    human-health report that does not give ``number_affected`` counts one person),
    ``organisms_affected``, ``severe_outcomes`` (deaths and hospitalisations), ``deaths``,
    ``quantity_used`` (as written), ``quantity`` and ``quantity_unit`` (read from it, in L or
    kg), ``affected_per_1000`` (people affected per 1,000 L or kg used) and ``summary``.
    """
    df = p.proposals.reset_index(drop=True)
    s = _incident_summary(df, p.incidents)
    rows = []
    for pid, qtext, (_, agg) in zip(df["proposal_id"], df["quantity_used"].astype("string").fillna(""), s.iterrows(), strict=True):
        q = parse_quantity(qtext)
        rate = (agg["people"] / q[0] * 1000.0) if q and q[0] > 0 else None
        parts = [f"{agg['reports']} Part B report(s)", f"{agg['people']} person(s) affected"]
        if agg["organisms"]:
            parts.append(f"{agg['organisms']} organism(s) affected")
        parts.append(f"{agg['severe']} with a severe outcome ({agg['deaths']} death(s))")
        if q:
            parts.append(f"against {q[0]:,.0f} {q[1]} used ({qtext.strip()})")
            parts.append(f"{rate:.2g} person(s) affected per 1,000 {q[1]}")
        else:
            parts.append("no quantity of the formulation used or sold is given")
        rows.append(
            {
                "proposal_id": pid,
                "incident_reports": int(agg["reports"]),
                "people_affected": int(agg["people"]),
                "organisms_affected": int(agg["organisms"]),
                "severe_outcomes": int(agg["severe"]),
                "deaths": int(agg["deaths"]),
                "quantity_used": qtext,
                "quantity": q[0] if q else None,
                "quantity_unit": q[1] if q else "",
                "affected_per_1000": rate,
                "summary": "; ".join(parts),
            }
        )
    return pd.DataFrame(rows, columns=["proposal_id", "incident_reports", "people_affected", "organisms_affected", "severe_outcomes", "deaths", "quantity_used", "quantity", "quantity_unit", "affected_per_1000", "summary"])


def _aid(supports, against, reason_sup, reason_against, reason_none):
    sup = np.asarray(supports, dtype=bool)
    ag = np.asarray(against, dtype=bool) & ~sup
    aid = np.where(sup, AID_SUPPORTS, np.where(ag, AID_AGAINST, AID_NONE))
    why = np.where(sup, reason_sup, np.where(ag, reason_against, reason_none))
    return aid, why


def part3_aids(p: Proposals) -> pd.DataFrame:
    """Return the rule-based aid for every proposal and Annex IV Part 3 criterion.

    An aid for the expert, never the committee's conclusion (``../shared/DESIGN.md``, the
    table of what each criterion reads):

    * (a) reliability of the evidence — Part B reports: supports with an incident confirmed
      by a health professional under common or recognized use; against when every report is
      unconfirmed, or every one records use against common practice;
    * (b) relevance to other States with similar climate, conditions and patterns of use —
      supports when that relevance is stated (a concern stated as local only is left to the
      expert: the Convention asks for relevance, the aid does not rule it out);
    * (c) handling or applicator restrictions not reasonably or widely applicable — supports
      when the restrictions safe use would need are stated, or the reports record use
      without protective equipment;
    * (d) significance of the effects in relation to the quantity used — relates the people
      affected and the severe outcomes to the quantity used or sold; supports with severe
      outcomes, or one person or more affected per 1,000 L or kg, against a stated quantity;
    * (e) intentional misuse alone is not an adequate reason — supports when a report records
      use as intended (or accidental exposure); against when every report records intentional
      misuse or a suicide attempt.

    Columns: ``proposal_id``, ``criterion``, ``aid``, ``aid_reason``, ``aid_fields``.
    """
    df = p.proposals.reset_index(drop=True)
    s = _incident_summary(df, p.incidents).reset_index(drop=True)
    ev = effects_vs_quantity(p)
    has_reports = (s["reports"] > 0).to_numpy()
    relevance = df["relevance_to_other_states"].astype("string").fillna("") if len(df) else pd.Series([], dtype="string")
    has_rel = _has(df, "relevance_to_other_states").to_numpy()
    local = relevance.str.contains(_LOCAL_ONLY, regex=True).to_numpy(dtype=bool) if len(df) else np.zeros(0, bool)
    restrictions = _has(df, "handling_restrictions").to_numpy()
    quantity_known = ev["quantity"].notna().to_numpy()
    severe = (s["severe"] > 0).to_numpy()
    rate = pd.to_numeric(ev["affected_per_1000"], errors="coerce").fillna(0).to_numpy()
    d_reason = ev["summary"].to_numpy(dtype=object)
    rules = {
        "(a)": (
            _aid(s["confirmed_recognised"], has_reports & (s["all_unconfirmed"] | s["all_against_practice"]),
                 "a Part B report confirms an incident by a health professional (or analysis) under common or recognized use",
                 np.where(s["all_unconfirmed"], "no incident report is confirmed by a health professional (or analysis)", "every incident report records use against common or recognized practice (the label)"),
                 np.where(has_reports, "the reports do not say whether the incidents were confirmed and the formulation used as commonly practised", "no Part B incident report")),
            "Part B incident reports: medically_confirmed, use_per_common_practice",
        ),
        "(b)": (
            _aid(has_rel & ~local, np.zeros(len(df), bool),
                 "relevance to other States with similar climate, conditions and patterns of use is stated",
                 "",
                 np.where(has_rel & local, "the incidents are stated as relevant only locally; the expert judges their relevance to other States", "relevance to other States is not stated")),
            "relevance_to_other_states, climate_and_conditions, patterns_of_use",
        ),
        "(c)": (
            _aid(restrictions | s["no_ppe"].to_numpy(), np.zeros(len(df), bool),
                 np.where(restrictions, "restrictions that safe use would need (equipment, training) are stated", "Part B reports record use without protective equipment"),
                 "",
                 "no handling or applicator restriction is stated"),
            "handling_restrictions, Part B use_conditions",
        ),
        "(d)": (
            _aid(quantity_known & (severe | (rate >= 1.0)), np.zeros(len(df), bool),
                 d_reason,
                 "",
                 np.where(quantity_known, np.char.add(d_reason.astype(str), "; the expert judges their significance"), np.char.add(d_reason.astype(str), "; the effects cannot be related to the quantity used (Part 2 (f) may supply it)"))),
            "Part B outcome, number_affected; quantity_used",
        ),
        "(e)": (
            _aid(s["not_misuse"], has_reports & s["misuse_only"],
                 "a Part B report records use as intended (or accidental exposure), not intentional misuse",
                 "every incident report records intentional misuse or a suicide attempt",
                 np.where(has_reports, "the reports do not record the circumstance of the exposure", "no Part B incident report")),
            "Part B circumstance",
        ),
    }
    p3 = items("annex_iv_part3")
    if set(rules) != set(p3.ids):  # every declared criterion has a rule, and no more
        raise RuntimeError("Annex IV Part 3 aid rules do not match the declared criteria")
    frames = []
    for crit in p3.ids:
        (aid, why), fields = rules[crit]
        frames.append(pd.DataFrame({"proposal_id": df["proposal_id"].to_numpy(), "criterion": crit, "aid": aid, "aid_reason": np.asarray(why, dtype=object), "aid_fields": fields}))
    if not frames or not len(df):
        return pd.DataFrame(columns=["proposal_id", "criterion", "aid", "aid_reason", "aid_fields"])
    return pd.concat(frames, ignore_index=True)


_DET_COLS = ["status", "justification", "references", "recorded_by", "role", "recorded_at", "determination_source"]


def assess(p: Proposals) -> pd.DataFrame:
    """Return the Annex IV Part 3 assessment: one row per proposal × criterion (a)-(e).

    The aid (``aid``, ``aid_reason``, ``aid_fields``) and the recorded determination that
    stands (``status``, ``justification``, ``references``, ``recorded_by``, ``role``,
    ``recorded_at``, ``determination_source``) are kept apart; the committee's determination
    stands over a contact group's and a task group's (as for Annex II).
    """
    p3 = items("annex_iv_part3")
    aids = part3_aids(p)
    ident = p.proposals[["proposal_id", "formulation_name", "proposing_party", "pic_region"]].rename(columns={"formulation_name": "chemical"})
    out = aids.merge(ident, on="proposal_id", how="left")
    out["category"] = CATEGORY
    out["criterion_text"] = out["criterion"].map({i.id: i.text for i in p3.items})
    det = p.determinations
    if det is not None and not det.empty:
        det = current_determinations(det, keys=("proposal_id", "criterion"))
        det = det[det["criterion"] != "overall"]
        if "determination_source" not in det.columns:  # case files only: the file is the source
            det = det.rename(columns={"source_file": "determination_source"})
        out = out.merge(det[["proposal_id", "criterion", *[c for c in _DET_COLS if c in det.columns]]], on=["proposal_id", "criterion"], how="left")
    for c in _DET_COLS:
        if c not in out.columns:
            out[c] = pd.NA
    out["status"] = out["status"].astype("string").fillna("")
    order = {cid: i for i, cid in enumerate(p3.ids)}
    out["_o"] = out["criterion"].map(order)
    out = out.sort_values(["proposal_id", "_o"], kind="stable").drop(columns="_o").reset_index(drop=True)
    lead = ["proposal_id", "chemical", "proposing_party", "pic_region", "category", "criterion", "criterion_text", "aid", "aid_reason", "aid_fields"]
    return out[lead + _DET_COLS]


def conclusions(p: Proposals) -> pd.DataFrame:
    """Return the Annex IV Part 3 conclusion per proposal, with its source (Article 6.5).

    Columns: ``proposal_id``, ``part3_status`` (met / not_met / pending), ``part3_basis`` (in
    words), ``part3_conflict`` (a recorded overall conclusion that disagrees with the recorded
    criterion determinations). Precedence: the committee's recorded conclusion
    (``part3_conclusion``), then an overall determination, then the conclusion that follows
    from the criterion determinations — met when (a)-(d) are met and (e) holds, not met when
    any criterion is recorded as not met. The aid never decides.
    """
    df = p.proposals.reset_index(drop=True)
    recorded = df["part3_conclusion"].astype("string").fillna("") if len(df) else pd.Series([], dtype="string")
    status = recorded.where(recorded.isin(["met", "not_met"]), "").to_numpy(dtype=object)
    basis = np.where(status != "", "committee's recorded conclusion", "").astype(object)
    conflict = np.zeros(len(df), dtype=bool)
    det = p.determinations
    if det is not None and not det.empty:
        cur = current_determinations(det, keys=("proposal_id", "criterion"))
        per: dict[str, dict[str, str]] = {}
        overall: dict[str, tuple[str, str]] = {}
        for row in cur.itertuples(index=False):
            if row.criterion == "overall":
                overall[row.proposal_id] = (row.status, row.role)
            else:
                per.setdefault(row.proposal_id, {})[row.criterion] = row.status
        for i, pid in enumerate(df["proposal_id"]):
            crit = per.get(pid, {})
            derived = overall_from_criteria(crit, "annex_iv_part3") if crit else ""
            o = overall.get(pid)
            if status[i]:
                conflict[i] = (derived in ("met", "not_met") and derived != status[i]) or bool(o and o[0] in ("met", "not_met") and o[0] != status[i])
                continue
            if o and o[0] in ("met", "not_met"):
                status[i] = o[0]
                basis[i] = f"overall determination recorded ({o[1].replace('_', ' ')})"
                conflict[i] = derived in ("met", "not_met") and derived != o[0]
            elif derived in ("met", "not_met"):
                status[i] = derived
                basis[i] = "follows from the recorded criterion determinations"
            elif crit:
                basis[i] = "criterion determinations recorded, not all complete"
    status = np.where(status == "", "pending", status)
    basis = np.where(basis == "", "no determination recorded", basis)
    return pd.DataFrame({"proposal_id": df["proposal_id"].to_numpy(), "part3_status": status, "part3_basis": basis, "part3_conflict": conflict})


# --------------------------------------------------------------------------- Annex III (Article 7)


def _ingredients(row) -> list[tuple[str, str, Concentration | None]]:
    """Return (name, CAS or '', concentration) per active ingredient of a proposal row."""
    names = [x for x in split_list(row.get("active_ingredients", "")) if x]
    concs = split_list(row.get("active_ingredient_concentrations", ""))
    cas = [c for c in str(row.get("active_ingredient_cas", "") or "").split(";") if c]
    aligned = len(cas) == len(names)
    out = []
    for j, name in enumerate(names):
        c = parse_concentration(concs[j]) if j < len(concs) else None
        out.append((name, cas[j] if aligned else "", c))
    return out


def _same_ingredient(name: str, cas: str, all_cas: set[str], scope_name: str, scope_cas: str) -> bool:
    if cas and cas == scope_cas:
        return True
    return normalize_name(name) == normalize_name(scope_name) or (not cas and scope_cas in all_cas and len(all_cas) == 1)


def annex_iii_coverage(row, *, as_of: dt.date | None = None) -> tuple[object | None, str]:
    """Return the Annex III entry that already covers a proposed formulation, and a note.

    A formulation is covered (Article 7, Annex III) when an SHPF entry names its formulation
    type and every active ingredient of the entry is in it at a concentration that meets the
    entry's threshold (``annex_iii_shpf_scope.csv``), or when every active ingredient is
    listed in Annex III as a pesticide (a pesticide entry covers all its formulations, as
    carbofuran's did for Colombia's SHPF proposal after COP-8). With ``as_of``, Annex III as
    it stood on that date. The note says why a near match does not count.
    """
    ftype = str(row.get("formulation_type", "") or "")
    ings = _ingredients(row)
    all_cas = {c for c in str(row.get("active_ingredient_cas", "") or "").split(";") if c}
    entries = {e.entry_id: e for e in annex_iii() if e.category == "shpf" and (as_of is None or e.listed_on <= as_of)}
    notes = []
    by_entry: dict[str, list] = {}
    for sc in annex_iii_shpf_scope():
        if sc.entry_id in entries:
            by_entry.setdefault(sc.entry_id, []).append(sc)
    for entry_id, scopes in by_entry.items():
        entry = entries[entry_id]
        clauses = [s for s in scopes if s.formulation_type == ftype]
        entry_ingredients = {(s.active_ingredient, s.cas_number) for s in scopes}
        has_all = bool(ings) and all(any(_same_ingredient(n, c, all_cas, name, cas) for n, c, _ in ings) for name, cas in entry_ingredients)
        if not clauses:
            if has_all and ftype:
                notes.append(f"Annex III lists {entry.short_name} ({entry.concentration_threshold}); this formulation type ({ftype}) is not among the entry's")
            continue
        verdicts = []
        for s in clauses:
            match = [(n, c, conc) for n, c, conc in ings if _same_ingredient(n, c, all_cas, s.active_ingredient, s.cas_number)]
            if not match:
                verdicts.append(("absent", s, None))
                continue
            conc = match[0][2]
            limit = Concentration(s.value, s.unit)
            if conc is None:
                verdicts.append(("unknown", s, conc))
                continue
            ok = conc.at_or_above(limit) if s.comparison == "at_or_above" else conc.exceeds(limit)
            verdicts.append(("yes" if ok else "unknown" if ok is None else "below", s, conc))
        kinds = {v[0] for v in verdicts}
        if kinds == {"yes"}:
            return entry, f"{entry.chemical} — {entry.category_label}, {entry.listing}"
        if "absent" in kinds and len(kinds) == 1:
            continue
        if "below" in kinds:
            notes.append(f"Annex III lists {entry.short_name} ({entry.concentration_threshold}); this formulation is below the threshold")
        elif "unknown" in kinds:
            notes.append(f"Annex III lists {entry.short_name} ({entry.concentration_threshold}); the proposal's concentration cannot be compared with the threshold (different basis: % against g/L): check whether it falls under the entry")
        elif "absent" in kinds:
            notes.append(f"Annex III lists {entry.short_name} ({entry.concentration_threshold}); this formulation lacks one of the entry's active ingredients")
    if ings:
        covered = []
        for name, cas, _ in ings:
            hits = [e for e in annex_iii_matches(name, [cas] if cas else list(all_cas) if len(ings) == 1 else []) if e.category == "pesticide" and (as_of is None or e.listed_on <= as_of)]
            covered.append(hits[0] if hits else None)
        if all(covered):
            e = covered[0]
            names = ", ".join(x.short_name for x in covered)
            return e, f"{names} — {CATEGORY_LABELS['pesticide']}, {e.listing}: a pesticide entry covers all formulations"
        partly = [e.short_name for e in covered if e]
        if partly:
            notes.append(f"Annex III lists {', '.join(partly)} as a pesticide, but not every active ingredient of this formulation")
    return None, "; ".join(notes)


# --------------------------------------------------------------------------- review status


def _not_a_party(df: pd.DataFrame) -> np.ndarray:
    """Return per proposal whether every proposing State is known not to be a Party (Articles 2(g), 6.1), judged per distinct value."""
    from ..convention.parties import party_status

    if "party_iso3" not in df.columns or df.empty:
        return np.zeros(len(df), dtype=bool)
    codes, uniques = pd.factorize(df["party_iso3"].astype("string").fillna(""))
    out = [bool(u) and all((s := party_status(i)) is not None and s.not_a_party for i in str(u).split(";") if i) for u in uniques]
    return np.array(out, dtype=bool)[codes] if len(codes) else np.zeros(0, dtype=bool)


STATUS_COLUMNS = [
    "chemical", "category", "regions_verified", "regions_meeting_criteria", "forward_to_crc", "recommend_listing",
    "listed_in_annex_iii", "recommend_new_listing", "annex_iii_entry", "stage", "missing", "notifications", "parties", "regions_notified",
    "inferred_regions", "unplaced_parties", "non_parties", "basis", "cas_numbers",
    # proposal-specific
    "proposals", "proposal_ids", "formulation_type", "formulation_type_name", "active_ingredients", "concentrations",
    "concentration_threshold", "annex_iii_wording", "eligible", "ineligible_parties", "part1_complete", "part2_complete",
    "part2_awaiting", "part3_status",
]
"""Keys of an SHPF status row: the ``crc status`` contract keys first (``chemical`` is the
formulation name, ``category`` is ``shpf``), then what a proposal adds."""


def identify_formulations(proposals: pd.DataFrame) -> np.ndarray:
    """Return a key per proposal: proposals with the same key concern one formulation.

    One formulation = the same formulation type and the same active ingredients (by name, or
    by the same set of CAS numbers); a proposal without active ingredients is known by its
    formulation name. Concentrations may differ: the Annex III entry gives a threshold.
    """
    uf = _UnionFind()
    nodes = []
    for row in proposals.to_dict("records"):
        ftype = str(row.get("formulation_type", "") or "")
        names = sorted({normalize_name(n) for n in split_list(row.get("active_ingredients", "")) if n})
        cas = sorted({c for c in str(row.get("active_ingredient_cas", "") or "").split(";") if c})
        node = f"n:{ftype}:{'+'.join(names)}" if names else f"f:{ftype}:{normalize_name(row.get('formulation_name', ''))}"
        uf.find(node)
        if cas:
            uf.union(node, f"c:{ftype}:{'+'.join(cas)}")
        nodes.append(node)
    return np.array([uf.find(n) for n in nodes], dtype=object)


def _wording(group: pd.DataFrame, meeting: pd.Series) -> tuple[str, str, str]:
    """Return (formulation types, concentration threshold, Annex III wording) for a formulation."""
    types = formulation_types()
    pick = group[meeting] if meeting.any() else group
    recorded = pick["annex_iii_wording"].astype("string").fillna("")
    rec_types = pick["annex_iii_formulation_types"].astype("string").fillna("")
    rec_threshold = pick["annex_iii_concentration_threshold"].astype("string").fillna("")
    codes = next((v for v in rec_types if v), "") or next((v for v in pick["formulation_type"].astype("string").fillna("") if v), "")
    wordings = [types.by_code[c].annex_iii_wording for c in codes.split(";") if c in types.by_code]
    threshold = next((v for v in rec_threshold if v), "")
    # Without a threshold recorded by the committee: the lowest concentration proposed (at or above it).
    best = None
    for row in pick.to_dict("records"):
        ings = _ingredients(row)
        if not ings:
            continue
        first = ings[0][2]
        if best is None or (first is not None and best[0][2] is not None and first.comparable(best[0][2]) and first.canonical() < best[0][2].canonical()):
            best = ings
    if not threshold and best:
        if len(best) == 1 and best[0][2] is not None:
            threshold = best[0][2].as_threshold()
        elif len(best) > 1:
            threshold = ", ".join(f"{n} {c.short()}" if c else n for n, _, c in best)
    text = next((v for v in recorded if v), "")
    if not text:
        if threshold and any(w for w in wordings) and (best is None or len(best) <= 1 or next((v for v in rec_threshold if v), "")):
            text = entry_wording([], [], wordings, threshold)
        elif best:
            text = entry_wording([n for n, _, _ in best], [c for _, _, c in best], wordings)
        elif wordings:
            text = " and ".join(wordings)
    return codes, threshold, text


def _stage_and_missing(*, entry, listed_note, recommend, n_reviewed, n_met, n_verified, part2_open, missing_part1, deadline, overdue) -> tuple[str, str]:
    if entry is not None:
        note = f"already listed ({listed_note}); not to be recommended again"
        if recommend:
            note = f"already listed ({listed_note}); the committee's conclusion stands, no new listing needed"
        return "listed in Annex III", note
    if recommend:
        return "recommended", "a draft decision guidance document (Article 7.1)"
    if n_reviewed and n_met == 0 and n_reviewed >= n_verified:
        return "reviewed: Annex IV Part 3 not met", "no proposal meets Annex IV Part 3; a listing would need a proposal with evidence meeting Part 3 (Article 6.5)"
    if n_verified:
        if part2_open:
            return "verified: Part 2 information being collected", f"Annex IV Part 2 items {', '.join(part2_open)} (Article 6.3); then the committee's review against Annex IV Part 3 (Article 6.5)"
        return "forwarded to the CRC", "the committee's review against Annex IV Part 3 (Article 6.5)"
    missing = "Secretariat's verification under Annex IV Part 1 (Article 6.2)"
    if deadline:
        missing += f", due by {deadline}" + (" (overdue)" if overdue else "")
    if missing_part1:
        missing += f"; Part 1 items missing: {missing_part1}"
    return "received", missing


def review_status(p: Proposals, *, as_of: dt.date | None = None, today: dt.date | None = None) -> pd.DataFrame:
    """Return the review status of SHPF proposals: one row per formulation (Article 6, Annex IV).

    Parameters
    ----------
    p : Proposals
        Validated proposals (``intake.load(...).extra["shpf_proposal"]``).
    as_of : datetime.date, optional
        Judge ``listed_in_annex_iii`` against Annex III as it stood on that date.
    today : datetime.date, optional
        Reference date for the six-month verification deadline (Article 6.2).

    Returns
    -------
    DataFrame
        :data:`STATUS_COLUMNS`. ``regions_*`` hold the proposing Parties' PIC regions, for
        information only: there is no two-region rule. ``forward_to_crc`` is true once a
        proposal is verified (Article 6.2-6.4: one proposal is enough); ``recommend_listing``
        is true when a proposal meets Annex IV Part 3 (Article 6.5) — one suffices, and two
        from one region do not count less. ``annex_iii_wording`` is the entry an Annex III
        listing needs (formulation type and concentration threshold).
    """
    cols = STATUS_COLUMNS
    if p is None or p.empty:
        return pd.DataFrame(columns=cols)
    df = p.proposals.reset_index(drop=True)
    ver = verification_status(p, today=today)
    con = conclusions(p)
    df = df.assign(
        _key=identify_formulations(df),
        _verified=ver["verified"].to_numpy(dtype=bool),
        _eligible=ver["eligible"].to_numpy(dtype=object),
        _part1_complete=ver["part1_complete"].to_numpy(dtype=bool),
        _missing=ver["missing_items"].to_numpy(dtype=object),
        _deadline=ver["verification_deadline"].to_numpy(),
        _overdue=ver["verification_overdue"].to_numpy(dtype=bool),
        _part2_complete=ver["part2_complete"].to_numpy(dtype=bool),
        _part2_awaiting=ver["part2_awaiting"].to_numpy(dtype=object),
        _part3=con["part3_status"].to_numpy(dtype=object),
        _non_party=_not_a_party(df),
    )
    types = formulation_types()
    region_order = {r: i for i, r in enumerate(PIC_REGIONS)}
    rows = []
    for _key, g in df.groupby("_key", sort=False):
        region = g["pic_region"].astype("string").fillna("")
        inferred_mask = g["region_basis"].astype("string").fillna("").str.contains("inferred")
        met = (g["_part3"] == "met").to_numpy()
        reviewed = g["_part3"].isin(["met", "not_met"]).to_numpy()
        verified = g["_verified"].to_numpy(dtype=bool)
        placed = (region != "").to_numpy()

        def regions_of(mask, region=region, placed=placed):
            return sorted({r for r in region[mask & placed]}, key=region_order.get)

        notified, reg_verified, reg_met = regions_of(np.ones(len(g), bool)), regions_of(verified), regions_of(met)
        inferred = sorted({r for r in region[(verified | met) & placed & inferred_mask.to_numpy()]}, key=region_order.get)
        names = g["formulation_name"].value_counts()
        display = names.index[0] if len(names) else ""
        first = g.iloc[0].to_dict()
        entry, listed_note = annex_iii_coverage(first, as_of=as_of)
        codes, threshold, wording = _wording(g, pd.Series(met, index=g.index))
        # Article 6.1: only a developing country or a country with an economy in transition may
        # propose; a proposal from a Party classified otherwise is kept and flagged but does not
        # count towards forwarding (Article 6.4) or a recommendation (Article 6.5).
        admissible = np.array([ok is not False for ok in g["_eligible"]], dtype=bool) & ~g["_non_party"].to_numpy(dtype=bool)
        non_parties = sorted({party for party, out in zip(g["proposing_party"], g["_non_party"], strict=True) if out})
        forward = bool((verified & admissible).any())
        recommend = bool((met & admissible).any())
        ineligible = sorted({party for party, ok in zip(g["proposing_party"], g["_eligible"], strict=True) if ok is False})
        unclassified = sorted({party for party, ok in zip(g["proposing_party"], g["_eligible"], strict=True) if ok is None})
        part2_open = sorted({i for lst, v in zip(g["_part2_awaiting"], verified, strict=True) if v for i in lst})
        unverified = g[~verified]
        deadline = ""
        overdue = False
        if len(unverified):
            d = pd.to_datetime(unverified["_deadline"]).min()
            deadline = d.date().isoformat() if pd.notna(d) else ""
            overdue = bool(unverified["_overdue"].any())
        listing = ""
        if entry is not None:
            listing = entry.listing + (", as a pesticide (all formulations)" if entry.category == "pesticide" else "")
        stage, missing = _stage_and_missing(
            entry=entry, listed_note=listing, recommend=recommend, n_reviewed=int(reviewed.sum()), n_met=int(met.sum()), n_verified=int(verified.sum()),
            part2_open=part2_open, missing_part1=", ".join(sorted({m for s in g["_missing"] for m in str(s).split(", ") if m})),
            deadline=deadline, overdue=overdue,
        )
        basis = ["Article 6: one verified proposal suffices, no two-region rule; the recommendation rests on Annex IV Part 3 alone"]
        if recommend and len(g) > 1 and len(notified) == 1:
            basis.append(f"{len(g)} proposals from one PIC region ({notified[0]}); a second region is not needed")
        if ineligible:
            basis.append(
                f"proposed by {', '.join(ineligible)}, classified as developed: Article 6.1 admits proposals from developing countries and economies in transition only "
                "(kept and flagged, not counted towards forwarding or a recommendation; the classification is contestable, correct it in party_development_status.csv)"
            )
        if non_parties:
            basis.append(f"proposed by {', '.join(non_parties)}, not a Party to the Convention: Article 6.1 admits proposals from Parties only (kept, not counted)")
        if unclassified:
            basis.append(f"no development classification for {', '.join(unclassified)} (Article 6.1 not checked)")
        if entry is None and listed_note:
            basis.append(listed_note)
        if entry is not None and "pesticide entry" in listed_note:
            basis.append(f"covered by a pesticide listing: {listed_note}")
        if inferred:
            basis.append("proposing Party's PIC region rests on inference: " + ", ".join(inferred) + " (regions are shown for information; they do not decide)")
        ing_names = [n for n in split_list(first.get("active_ingredients", "")) if n]
        cas = sorted({c for v in g["active_ingredient_cas"].astype("string").fillna("") for c in str(v).split(";") if c})
        concs = list(dict.fromkeys(f"{n} {c.short()}" if c else n for row in g.to_dict("records") for n, _, c in _ingredients(row)))
        ftype = str(first.get("formulation_type", "") or "")
        rows.append(
            {
                "chemical": display,
                "category": CATEGORY,
                "regions_verified": reg_verified,
                "regions_meeting_criteria": reg_met,
                "forward_to_crc": forward,
                "recommend_listing": recommend,
                "listed_in_annex_iii": entry is not None,
                "recommend_new_listing": bool(recommend) and entry is None,
                "annex_iii_entry": listed_note if entry is not None else "",
                "stage": stage,
                "missing": missing,
                "notifications": 0,
                "parties": sorted(set(g["proposing_party"])),
                "regions_notified": notified,
                "inferred_regions": inferred,
                "unplaced_parties": sorted({party for party, pl in zip(g["proposing_party"], placed, strict=True) if not pl}),
                "non_parties": non_parties,
                "basis": "; ".join(basis),
                "cas_numbers": cas,
                "proposals": len(g),
                "proposal_ids": list(g["proposal_id"]),
                "formulation_type": ftype,
                "formulation_type_name": types.by_code[ftype].name if ftype in types.by_code else "",
                "active_ingredients": ing_names,
                "concentrations": concs,
                "concentration_threshold": threshold,
                "annex_iii_wording": wording,
                "eligible": not ineligible and not unclassified,
                "ineligible_parties": ineligible,
                "part1_complete": bool(g["_part1_complete"].all()),
                "part2_complete": bool(g["_part2_complete"][verified].all()) if verified.any() else False,
                "part2_awaiting": part2_open,
                "part3_status": "met" if recommend else ("not_met" if reviewed.any() and not (g["_part3"] == "pending").any() else "pending"),
            }
        )
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["chemical"], key=lambda s: s.str.casefold()).reset_index(drop=True)


def proposal_rows(p: Proposals) -> list[dict]:
    """Return one plain row per proposal for ``crc validate`` (what was read, from where)."""
    rows = []
    for r in p.proposals.to_dict("records"):
        rows.append(
            {
                "proposal_id": r["proposal_id"],
                "chemical": r["formulation_name"],
                "category": CATEGORY,
                "proposing_party": r["proposing_party"],
                "pic_region": r["pic_region"],
                "region_basis": r["region_basis"],
                "formulation_type": r["formulation_type"],
                "active_ingredients": [n for n in split_list(r["active_ingredients"]) if n],
                "concentrations": split_list(r["active_ingredient_concentrations"]),
                "incident_reports": int(r["incident_reports"]) if pd.notna(r["incident_reports"]) else 0,
                "source": r["_source"],
            }
        )
    return rows


def from_intake(intake, *, register=None) -> Proposals:
    """Return the proposals an :class:`~crc_tools.intake.reader.Intake` read (empty when none).

    With ``register`` (a :class:`~crc_tools.register.store.Register`, or ``True`` for the configured
    one) the Annex IV Part 3 determinations recorded in the register are added to those of
    the case files, each naming its source (``register entry N``).
    """
    found = intake.extra.get(KIND) if intake is not None else None
    if found is None:
        return Proposals(_empty_frame(proposal_schema()), _empty_frame(incident_schema()), _empty_frame(part2_schema()), _empty_determinations())
    if register is None or register is False or found.empty:
        return found
    return with_register(found, None if register is True else register)


def with_register(p: Proposals, register=None) -> Proposals:
    """Return the proposals with the register's current Part 3 determinations added (Article 6.5)."""
    from ..register.store import Register

    reg = register if register is not None else Register()
    own = register is None
    try:
        cur = reg.current("shpf_proposal")
    finally:
        if own:
            reg.close()
    if cur.empty:
        return p
    cur = cur[cur["proposal_id"].isin(set(p.proposals["proposal_id"].astype(str)))]
    if cur.empty:
        return p
    case = p.determinations.copy()
    if "determination_source" not in case.columns:
        case["determination_source"] = case["source_file"].astype("string") if "source_file" in case.columns else ""
    columns = list(dict.fromkeys([*case.columns, "determination_source"]))
    extra = cur[[c for c in columns if c in cur.columns]]
    merged = pd.concat([case, extra], ignore_index=True) if len(case) else extra.reset_index(drop=True)
    merged["recorded_at"] = pd.to_datetime(merged["recorded_at"]).astype("datetime64[ns]")
    for c in ("proposal_id", "criterion", "status", "justification", "references", "recorded_by", "role", "category", "source_file", "determination_source"):
        if c in merged.columns:
            merged[c] = merged[c].astype("string").fillna("")
    return Proposals(p.proposals, p.incidents, p.part2, merged)
