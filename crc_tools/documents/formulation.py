"""Severely hazardous pesticide formulations as documents read them (Article 6, Annex IV).

Finding a formulation (by its name, a trade name, its Annex III entry or a proposal id), the
derived tables of the proposals keyed by proposal id (:class:`Facts`), and the blocks the SHPF
DGD, the SHPF rationale and the synopsis' Appendix II share: active ingredients, incident
reports (Part B), the Secretariat's Annex IV Part 2 collection item by item.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import pandas as pd

from ..convention.formulation import split_list
from ..convention.reference import CATEGORY_LABELS, formulation_types
from ..errors import UsageError
from ..i18n import N_
from ..text import is_blank, normalize_name
from . import model as dm
from .casedata import CaseData, DocumentDataError
from .parts import date as _date
from .parts import present
from .parts import text as _t
from .style import join as _join
from .style import party_label

CATEGORY = "shpf"
CATEGORY_LABEL = CATEGORY_LABELS[CATEGORY]

PART3_TITLES = {
    "(a)": N_("reliability of the evidence that use as commonly practised caused the incidents"),
    "(b)": N_("relevance to other States with similar climate, conditions and patterns of use"),
    "(c)": N_("handling or applicator restrictions not reasonably or widely applicable"),
    "(d)": N_("significance of the reported effects in relation to the quantity used"),
    "(e)": N_("intentional misuse alone is not an adequate reason"),
}
"""Short headings of the Annex IV Part 3 criteria in a rationale (the legal text follows each)."""

OUTCOME_LABELS = {"recovered": "recovered", "hospitalised": "hospitalised", "long_term_effects": "long-term effects", "death": "death", "unknown": "unknown"}
CIRCUMSTANCE_LABELS = {"use_as_intended": "use as intended", "accidental": "accidental exposure", "intentional_misuse": "intentional misuse", "suicide_attempt": "suicide attempt", "unknown": "unknown"}
INCIDENT_TYPE_LABELS = {"human_health": "human-health incident", "environmental": "environmental incident"}
DEVELOPMENT_LABELS = {"developing": "developing country", "economy_in_transition": "country with an economy in transition", "developed": "developed country"}
PART2_STATUS_TEXT = {
    "collected": "collected",
    "awaited": "awaited: the call for information still awaits it",
    "none found": "looked for, none found",
    "not recorded": "not recorded: no record of the Secretariat's collection",
    "not requested": "not requested: no further information identified by the committee",
}
INCIDENT_COLUMNS = [
    ("report", N_("Report")),
    ("date", N_("Date")),
    ("place", N_("Place")),
    ("affected", N_("People or organisms affected")),
    ("exposure_route", N_("Exposure route")),
    ("outcome", N_("Outcome")),
    ("use_conditions", N_("Conditions of use")),
]
HS_HEADING_NOTE = (
    "Pesticide preparations fall under HS heading 38.08 (insecticides, herbicides and similar products put up as "
    "preparations); the subheading depends on the active ingredient(s): to be confirmed against the WCO nomenclature."
)


# --------------------------------------------------------------------------- small helpers

def lines(row, name: str) -> list[str]:
    """Return a text-list field (one item a line) as a list."""
    text = _t(row, name)
    return [x.strip() for x in text.split("\n") if x.strip()] if text else []


def _flag(row, name: str) -> bool | None:
    value = present(row, name)
    return None if value is None else bool(value)


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _number(row, name: str) -> str | None:
    value = row.get(name)
    if is_blank(value):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return str(value)
    if f != f:
        return None
    return str(int(f)) if f.is_integer() else f"{f:g}"


def ingredients(row) -> list[tuple[str, str, str]]:
    """Return (name, CAS number or '', concentration as written or '') per active ingredient."""
    names = split_list(row.get("active_ingredients", ""))
    concs = split_list(row.get("active_ingredient_concentrations", ""))
    cas = [c.strip() for c in (_t(row, "active_ingredient_cas") or "").split(";") if c.strip()]
    named = [n for n in names if n]
    aligned = len(cas) == len(named)
    out = []
    for j, name in enumerate(names):
        if not name:
            continue
        out.append((name, cas[len(out)] if aligned else "", concs[j] if j < len(concs) else ""))
    return out


def ingredient_text(name: str, cas: str, conc: str) -> str:
    """Return an active ingredient with its CAS number and concentration."""
    return name + (f" (CAS {cas})" if cas else "") + (f": {conc}" if conc else "")


def type_text(code: str) -> str | None:
    """Return formulation type codes in words (``UL`` → ultra-low volume liquid)."""
    codes = [c for c in str(code or "").split(";") if c]
    if not codes:
        return None
    types = formulation_types()
    return " and ".join(types.by_code[c].label if c in types.by_code else c for c in codes)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def entry_text(status: dict) -> str | None:
    """Return the Annex III entry a formulation's listing needs, as Annex III words it.

    The wording of the review status (formulation type and concentration threshold), led
    by the active ingredient(s) when it does not name them: ``Fenthion (ultra low volume
    (ULV) formulations at or above 640 g active ingredient/L)``.
    """
    wording = str(status.get("annex_iii_wording") or "").strip()
    if not wording:
        return None
    names = [n for n in (status.get("active_ingredients") or []) if n]
    key = f" {normalize_name(wording)} "
    if names and not all(f" {normalize_name(n)} " in key for n in names):
        return f"{_capital(_join(names))} ({wording})"
    return _capital(wording)


def _missing(hint: str = "") -> dict:
    return dm.to_complete(hint)


def eligibility_text(v: dict) -> str:
    """Return whether the proposing Party may propose (Article 6.1), in words."""
    ok = v.get("eligible")
    status = str(v.get("development_status") or "")
    if ok is None or (isinstance(ok, float) and ok != ok):
        return "not classified (Article 6.1 not checked)"
    if bool(ok):
        return f"yes: {DEVELOPMENT_LABELS.get(status, status)}"
    return f"no: classified as a {DEVELOPMENT_LABELS.get(status, status)} (flagged under Article 6.1)"


# --------------------------------------------------------------------------- finding a formulation


@dataclass
class Formulation:
    """The proposals for one formulation (:func:`crc_tools.proposals.shpf.identify_formulations`) and its review status."""

    name: str
    rows: pd.DataFrame
    status: dict

    @property
    def proposal_ids(self) -> list[str]:
        """Return the ids of the proposals for this formulation."""
        return [str(x) for x in self.rows["proposal_id"]]


def formulations(data: CaseData) -> list[Formulation]:
    """Return every formulation proposed in the data, with its proposals and review-status row."""
    if data.proposals.empty:
        return []
    df = data.proposals.proposals
    out = []
    for row in data.shpf_status.to_dict("records"):
        rows = df[df["proposal_id"].astype(str).isin({str(x) for x in row["proposal_ids"]})]
        out.append(Formulation(str(row["chemical"]), rows, row))
    return out


def _names(f: Formulation) -> set[str]:
    from ..proposals.shpf import annex_iii_coverage

    names = {normalize_name(f.name), normalize_name(f.status.get("annex_iii_wording")), normalize_name(entry_text(f.status))}
    for r in f.rows.to_dict("records"):
        names.add(normalize_name(r.get("formulation_name")))
        names.update(normalize_name(t) for t in lines(r, "trade_names"))
    entry, _ = annex_iii_coverage(f.rows.iloc[0].to_dict())
    if entry is not None and entry.category == CATEGORY:
        names.update(normalize_name(x) for x in (entry.chemical, entry.short_name, *entry.aliases))
    return names - {""}


def _matches(data: CaseData, query: str) -> list[Formulation]:
    forms = formulations(data)
    q = normalize_name(query)
    raw = str(query).strip().casefold()
    hits = [f for f in forms if q in _names(f) or raw in {p.casefold() for p in f.proposal_ids}]
    if not hits and q:
        contains = [f for f in forms if q in normalize_name(f.name)]
        if len(contains) == 1:
            hits = contains
    return hits


def formulation_for(data: CaseData, query: str) -> Formulation | None:
    """Return the one formulation a name, trade name, Annex III entry or proposal id refers to, or ``None``."""
    hits = _matches(data, query) if normalize_name(query) else []
    return hits[0] if len(hits) == 1 else None


def find_formulation(data: CaseData, query: str) -> Formulation:
    """Return the formulation a query names.

    Raises
    ------
    DocumentDataError
        When no proposal concerns it (with close names), or it names several formulations.
    """
    if not normalize_name(query):
        raise UsageError("name a formulation (its name, a trade name, its Annex III entry or a proposal id)")
    forms = formulations(data)
    if not forms:
        raise DocumentDataError("no SHPF proposal in the data", source=str(query), field_name="chemical")
    hits = _matches(data, query)
    if len(hits) == 1:
        return hits[0]
    known = sorted({f.name for f in forms}, key=str.casefold)
    if not hits:
        close = difflib.get_close_matches(str(query), known, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else f"; formulations proposed in the data: {', '.join(known[:12])}{' …' if len(known) > 12 else ''}"
        raise DocumentDataError(f"no SHPF proposal in the data concerns '{query}'{hint}", source=str(query), field_name="chemical")
    raise DocumentDataError(f"'{query}' matches several formulations: {', '.join(sorted(f.name for f in hits))}; name one of them", source=str(query), field_name="chemical")


# --------------------------------------------------------------------------- what a document reads per proposal


class Facts:
    """The derived tables of the proposals, keyed by proposal id (built once per document)."""

    def __init__(self, data: CaseData):
        from ..proposals.shpf import effects_vs_quantity, part2_items

        p = data.proposals
        self.verification = {str(r["proposal_id"]): r for r in data.shpf_verification.to_dict("records")}
        self.conclusions = {str(r["proposal_id"]): r for r in data.shpf_conclusions.to_dict("records")}
        self.criteria: dict[str, dict[str, dict]] = {}
        for r in data.shpf_assessment.to_dict("records"):
            self.criteria.setdefault(str(r["proposal_id"]), {})[r["criterion"]] = r
        self.part2: dict[str, dict[str, dict]] = {}
        for r in part2_items(p.proposals, p.part2).to_dict("records"):
            self.part2.setdefault(str(r["proposal_id"]), {})[r["item"]] = r
        self.effects = {str(r["proposal_id"]): r for r in effects_vs_quantity(p).to_dict("records")}
        inc = p.incidents
        self.incidents = {str(pid): g for pid, g in inc.groupby("proposal_id", sort=False)} if len(inc) else {}

    def status(self, pid: str) -> str:
        """Return the Annex IV Part 3 status of a proposal."""
        return str(self.conclusions.get(pid, {}).get("part3_status") or "pending")

    def incident_rows(self, pid: str) -> list:
        """Return the incident reports of a proposal, by date."""
        g = self.incidents.get(pid)
        if g is None or g.empty:
            return []
        g = g.assign(_d=pd.to_datetime(g["incident_date"], errors="coerce")).sort_values(["_d", "incident_id"], kind="stable")
        return [r for _, r in g.iterrows()]


def proposal_entries(rows: pd.DataFrame) -> list[dict]:
    """Return one entry per proposal: the Party label used as its heading, its region, row and id."""
    ordered = [r for _, r in rows.sort_values(["proposing_party", "proposal_id"], key=lambda s: s.astype(str).str.casefold()).iterrows()]
    counts: dict[str, int] = {}
    for r in ordered:
        counts[str(r["proposing_party"])] = counts.get(str(r["proposing_party"]), 0) + 1
    out = []
    for r in ordered:
        party = str(r["proposing_party"])
        label = party_label(party) if counts[party] == 1 else f"{party_label(party)} (proposal {r['proposal_id']})"
        out.append({"party": party, "label": label, "region": _t(r, "pic_region") or "", "row": r, "pid": str(r["proposal_id"])})
    return out


def incident_table(facts: Facts, e: dict, *, caption: str) -> dict:
    """Return the table of a proposal's incident reports."""
    rows = []
    for r in facts.incident_rows(e["pid"]):
        affected = _t(r, "affected")
        n = _number(r, "number_affected")
        if n and affected:
            affected = f"{affected} (number affected: {n})"
        elif n:
            affected = f"number affected: {n}"
        outcome = str(r.get("outcome") or "")
        rows.append([_t(r, "incident_id"), _date(r, "incident_date"), _t(r, "place"), affected, ", ".join(lines(r, "exposure_route")) or None, OUTCOME_LABELS.get(outcome, outcome) or None, _t(r, "use_conditions")])
    return {**dm.table(INCIDENT_COLUMNS, rows, key="incidents", caption=caption), "party": e["party"]}


def incident_fields(r, party: str) -> dict:
    """Return the fields of one Part B incident report, labelled as the report form declares them."""
    from ..intake.fields import incident_schema

    rows = []
    for f in incident_schema().fields:
        if f.name in ("proposal_id", "incident_id"):
            continue
        if f.type == "date":
            value = _date(r, f.name)
        elif f.type == "bool":
            value = _yes_no(_flag(r, f.name))
        elif f.type == "number":
            value = _number(r, f.name)
        elif f.type == "text_list":
            value = lines(r, f.name)
        elif f.type == "enum":
            raw = str(r.get(f.name) or "")
            value = {**OUTCOME_LABELS, **CIRCUMSTANCE_LABELS, **INCIDENT_TYPE_LABELS}.get(raw, raw) or None
        else:
            value = _t(r, f.name)
        rows.append(dm.field(f.display, value, f.name))
    return dm.fields(rows, key="incident", party=party)


def _part2_status(r: dict) -> str:
    status = str(r.get("status") or "not recorded")
    text = PART2_STATUS_TEXT.get(status, status)
    if status == "awaited" and str(r.get("awaiting") or "").strip():
        text = f"awaited: the call for information still awaits {str(r['awaiting']).strip()}"
    return text


def part2_blocks(facts: Facts, entries: list[dict], item_id: str, *, key: str, notes: list | None = None) -> list[dict]:
    """Blocks giving one Annex IV Part 2 item per proposal: what was collected and from where; "To be completed." otherwise.

    How the Secretariat's collection stands (awaited, none found, not recorded) is not DGD
    content: it goes to ``notes`` as ``(topic, text)`` for the drafting notes.
    """
    out: list[dict] = []
    for e in entries:
        r = facts.part2.get(e["pid"], {}).get(item_id, {"status": "not recorded"})
        status = str(r.get("status") or "not recorded")
        source = str(r.get("source") or "").strip()
        summary = str(r.get("summary") or "").strip()
        rows = [dm.field("Information", summary or None, "summary"), dm.field("Source", source or None, "source")]
        out.append({**dm.fields(rows, key=key, party=e["party"], caption=e["label"] if len(entries) > 1 else ""), "item": item_id, "status": status})
        if notes is not None and status != "collected":
            notes.append((f"Annex IV Part 2 {item_id}", f"{e['label']}: {_part2_status(r)}" + (f" ({str(r.get('notes')).strip()})" if str(r.get("notes") or "").strip() else "")))
        elif notes is not None and not summary:
            notes.append((f"Annex IV Part 2 {item_id}", f"{e['label']}: collected from {source or 'an unrecorded source'} but not summarised: summarise it in the draft."))
    return out


# --------------------------------------------------------------------------- the DGD
