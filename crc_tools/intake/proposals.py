"""Reading SHPF proposals (Article 6, Annex IV): case files and bulk tables, validated.

What is read: case files (one YAML/JSON file per proposal: Part A, ``incidents:`` (Part B),
``part2:``, ``determinations:``) and bulk tables (a ``proposal_id`` column; with
``incident_date`` or ``incident_id`` a Part B table; with ``part2_item`` a Part 2 tracker).
Every field is declared once in ``data/reference/proposal_fields.yaml`` and validated by the
same validator as notifications (:func:`crc_tools.intake.reader.validate_frame`).
:func:`crc_tools.intake.reader.load` returns the result in ``intake.extra["shpf_proposal"]``;
what is computed from it (verification, Part 2, Part 3, review) is :mod:`crc_tools.proposals`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..convention.formulation import split_list
from ..convention.reference import development_status, items
from ..errors import Problems
from ..text import is_blank
from .fields import incident_schema, part2_schema, proposal_schema
from .records import _scalar, check_determination, empty_determinations, flatten_case, join_rows, prepare_table
from .validate import validate_frame

KIND = "shpf_proposal"
CATEGORY = "shpf"
"""The category of an SHPF in Annex III and in the review status."""
ELIGIBLE_STATUSES = ("developing", "economy_in_transition")
"""Article 6.1: the Parties that may propose an SHPF."""

__all__ = ["Proposals", "read_proposals", "empty_proposals", "eligibility_note", "KIND", "CATEGORY", "ELIGIBLE_STATUSES"]


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


def empty_proposals() -> Proposals:
    """Return an empty set of proposals with every declared column."""
    return Proposals(_empty_frame(proposal_schema()), _empty_frame(incident_schema()), _empty_frame(part2_schema()), _empty_determinations())


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


_frame = join_rows  # one way of joining case-file rows and tables (crc_tools.intake.records)
"""Case-file proposals carry their document; every table row and every Part B / Part 2 entry is a document of its own."""


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
        prepared = prepare_table(df, sch, problems, what)
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
        note = eligibility_note(str(code), str(party), table)
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


def eligibility_note(iso3: str, party: str, table: dict) -> tuple[bool | None, str, str]:
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
