"""Documents for severely hazardous pesticide formulations (Article 6, Annex IV).

Builds, from the SHPF proposals (:mod:`crc_tools.proposals.shpf`), the document models that
:mod:`crc_tools.documents.dgd` builds from notifications, and registers them there:

* :func:`shpf_dgd` — ``DGD_VARIANTS["shpf"]``: the draft decision guidance document for a
  severely hazardous pesticide formulation (Article 7.1 with Annex IV). Cover and title
  "Decision guidance document for a severely hazardous pesticide formulation"; section 1
  identifies the formulation (active ingredients with CAS numbers and concentrations,
  formulation type, trade names and producers, the Annex III entry with its formulation
  type and concentration threshold, HS code where known); section 2 gives the proposing
  Party and its PIC region (Article 6: no second region is needed), 2.1 the incidents of the
  Part B reports, 2.2 the committee's conclusions on Annex IV Part 3 criterion by
  criterion; section 3 the measures taken by the proposing Party (Annex IV Part 1 (h)),
  handling or applicator restrictions in other States (Part 2 (b)) and alternatives (Part 2
  (h)); section 4 hazards and risks (Part 2 (a), (e)); Annex 1 the Part 2 information item
  by item with its source ("not collected" said where it is); Annex 2 the proposal and its
  incident reports; Annex 3 the designated national authority; Annex 4 references. The
  internal-consistency check of the variant is :func:`crc_tools.documents.model.check_shpf_dgd`;
* :func:`synopsis_appendix_ii` — in ``SYNOPSIS_APPENDICES``: Appendix II of the six-monthly
  synopsis, the proposals received or verified in the period (Part A: verified ones
  summarised; Part B: those still under verification);
* :func:`proposal_rationale_document` — the rationale for a proposal against Annex IV
  Part 3 (one block per criterion (a)-(e), the rule-based aid shown as an aid, the overall
  conclusion), which :func:`crc_tools.documents.dgd.rationale_document` returns for a proposal id.

Only a proposal concluded to meet Annex IV Part 3 is presented as the basis for listing
(Article 6.5); items a proposal lacks are said visibly (:data:`crc_tools.documents.model.MISSING_PROPOSAL`).
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass

import pandas as pd

from ..convention.formulation import split_list
from ..convention.reference import CATEGORY_LABELS, PIC_REGIONS, annex_iii_matches, formulation_types, hs_codes, items, stockholm_for
from ..errors import UsageError
from ..text import is_blank, normalize_name, safe_filename
from . import model as dm
from .dgd import (
    DGD_VARIANTS,
    SECRETARIAT,
    STATUS_LABELS,
    SYNOPSIS_APPENDICES,
    CaseData,
    DocumentDataError,
    _checks_section,
    _criterion_blocks,
    _data,
    _date,
    _join,
    _t,
)

CATEGORY = "shpf"
CATEGORY_LABEL = CATEGORY_LABELS[CATEGORY]
MISSING = dm.MISSING_PROPOSAL

PART3_TITLES = {
    "(a)": "reliability of the evidence that use as commonly practised caused the incidents",
    "(b)": "relevance to other States with similar climate, conditions and patterns of use",
    "(c)": "handling or applicator restrictions not reasonably or widely applicable",
    "(d)": "significance of the reported effects in relation to the quantity used",
    "(e)": "intentional misuse alone is not an adequate reason",
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
    ("report", "Report"),
    ("date", "Date"),
    ("place", "Place"),
    ("affected", "People or organisms affected"),
    ("exposure_route", "Exposure route"),
    ("outcome", "Outcome"),
    ("use_conditions", "Conditions of use"),
]
HS_HEADING_NOTE = (
    "Pesticide preparations fall under HS heading 38.08 (insecticides, herbicides and similar products put up as "
    "preparations); the subheading depends on the active ingredient(s): to be confirmed against the WCO nomenclature."
)


# --------------------------------------------------------------------------- small helpers


def _lines(row, name: str) -> list[str]:
    """Return a text-list field (one item a line) as a list."""
    text = _t(row, name)
    return [x.strip() for x in text.split("\n") if x.strip()] if text else []


def _flag(row, name: str) -> bool | None:
    value = row.get(name) if hasattr(row, "get") else None
    if is_blank(value):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return bool(value)


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


def _ingredients(row) -> list[tuple[str, str, str]]:
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


def _ingredient_text(name: str, cas: str, conc: str) -> str:
    return name + (f" (CAS {cas})" if cas else "") + (f": {conc}" if conc else "")


def _type_text(code: str) -> str | None:
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
    return dm.p(MISSING + (f" {dm.PLACEHOLDER_PREFIX}{hint}" if hint else ""), "missing")


def _eligibility_text(v: dict) -> str:
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
        names.update(normalize_name(t) for t in _lines(r, "trade_names"))
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


class _Facts:
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
        return str(self.conclusions.get(pid, {}).get("part3_status") or "pending")

    def incident_rows(self, pid: str) -> list:
        g = self.incidents.get(pid)
        if g is None or g.empty:
            return []
        g = g.assign(_d=pd.to_datetime(g["incident_date"], errors="coerce")).sort_values(["_d", "incident_id"], kind="stable")
        return [r for _, r in g.iterrows()]


def _entries(rows: pd.DataFrame) -> list[dict]:
    """Return one entry per proposal: the Party label used as its heading, its region, row and id."""
    ordered = [r for _, r in rows.sort_values(["proposing_party", "proposal_id"], key=lambda s: s.astype(str).str.casefold()).iterrows()]
    counts: dict[str, int] = {}
    for r in ordered:
        counts[str(r["proposing_party"])] = counts.get(str(r["proposing_party"]), 0) + 1
    out = []
    for r in ordered:
        party = str(r["proposing_party"])
        label = party if counts[party] == 1 else f"{party} (proposal {r['proposal_id']})"
        out.append({"party": party, "label": label, "region": _t(r, "pic_region") or "", "row": r, "pid": str(r["proposal_id"])})
    return out


def _incident_table(facts: _Facts, e: dict, *, caption: str) -> dict:
    rows = []
    for r in facts.incident_rows(e["pid"]):
        affected = _t(r, "affected")
        n = _number(r, "number_affected")
        if n and affected:
            affected = f"{affected} (number affected: {n})"
        elif n:
            affected = f"number affected: {n}"
        outcome = str(r.get("outcome") or "")
        rows.append([_t(r, "incident_id"), _date(r, "incident_date"), _t(r, "place"), affected, ", ".join(_lines(r, "exposure_route")) or None, OUTCOME_LABELS.get(outcome, outcome) or None, _t(r, "use_conditions")])
    return {**dm.table(INCIDENT_COLUMNS, rows, key="incidents", caption=caption), "party": e["party"]}


def _incident_fields(r, party: str) -> dict:
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
            value = _lines(r, f.name)
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


def _part2_blocks(facts: _Facts, entries: list[dict], item_id: str, *, key: str) -> list[dict]:
    """Blocks showing one Annex IV Part 2 item per proposal: status, source, summary; 'not collected' visibly."""
    out: list[dict] = []
    for e in entries:
        r = facts.part2.get(e["pid"], {}).get(item_id, {"status": "not recorded"})
        status = str(r.get("status") or "not recorded")
        if len(entries) > 1:
            out.append(dm.heading(e["label"], level=4))
        collected_on = _date(r, "collected_date")
        source = str(r.get("source") or "").strip()
        summary = str(r.get("summary") or "").strip()
        notes = str(r.get("notes") or "").strip()
        rows = [
            dm.field("Collection by the Secretariat (Article 6.3)", _part2_status(r), "status"),
            dm.field("Collected from", source or "no source recorded", "source"),
        ]
        if collected_on:
            rows.append(dm.field("Date collected", collected_on, "date"))
        if status == "collected":
            rows.append(dm.field("Summary of the information collected", summary or "no summary recorded", "summary"))
        elif summary:
            rows.append(dm.field("Summary of the information", summary, "summary"))
        if notes:
            rows.append(dm.field("Notes", notes, "notes"))
        out.append({**dm.fields(rows, key=key, party=e["party"]), "item": item_id})
        if status == "collected" and not summary:
            out.append(dm.p(dm.PLACEHOLDER_PREFIX + "summarise the information collected" + (f" from {source}." if source else "."), "placeholder"))
        elif status == "awaited":
            out.append(dm.p("Not collected: " + (f"the call for information still awaits {str(r.get('awaiting')).strip()}." if str(r.get("awaiting") or "").strip() else "the call for information is still open."), "missing"))
        elif status == "none found":
            out.append(dm.p("Not collected: the Secretariat looked for this information and found none.", "missing"))
        elif status == "not recorded":
            out.append(dm.p("Not collected: the data hold no record of the Secretariat's collection for this item.", "missing"))
        elif status == "not requested":
            out.append(dm.p("Not collected: the committee has identified no further information to collect under this item.", "note"))
    return out


# --------------------------------------------------------------------------- the DGD


def _hs_codes(entry_names: list[str]) -> list[str]:
    codes, notes = [], []
    for h in hs_codes():
        if h.chemical not in entry_names:
            continue
        if h.hs_code:
            codes.append(f"{h.hs_code} ({h.hs_edition}; {h.provenance.replace('_', ' ')}{': ' + h.description if h.description else ''})")
        elif h.notes:
            notes.append(h.notes)
    if codes:
        return list(dict.fromkeys(codes))
    return [f"No specific code known: {n}" for n in dict.fromkeys(notes)] + [HS_HEADING_NOTE]


def _other_uses(data: CaseData, f: Formulation, facts: _Facts, basis: list[dict], own_entry) -> list[str]:
    """Other formulations and uses of the active ingredients (Article 7.1; Annex IV Part 2 (g))."""
    out = []
    for e in basis:
        r = facts.part2.get(e["pid"], {}).get("(g)", {})
        if str(r.get("status") or "") == "collected":
            what = str(r.get("summary") or "").strip() or (f"collected from {str(r.get('source')).strip()}" if str(r.get("source") or "").strip() else "collected")
            out.append(f"Other formulations of the pesticide and incidents with them (Annex IV Part 2 (g), proposal of {e['label']}): {what}")
    ings = {(n, c) for r in f.rows.to_dict("records") for n, c, _ in _ingredients(r)}
    prepared = data.prepared if len(data.notifications) else None
    for name, cas in sorted(ings):
        for entry in annex_iii_matches(name, [cas] if cas else []):
            if own_entry is not None and entry.entry_id == own_entry.entry_id and entry.category == own_entry.category:
                continue
            if entry.category == CATEGORY:
                out.append(f"{_capital(name)}: another formulation is listed in Annex III as a severely hazardous pesticide formulation: {entry.chemical} ({entry.listing}).")
            else:
                out.append(f"{_capital(name)}: listed in Annex III in the {entry.category} category ({entry.listing}); that listing covers all its formulations.")
        if prepared is not None and len(prepared):
            for key, ident in data.identities.items():
                if normalize_name(ident.name) != normalize_name(name) and not (cas and cas in ident.cas_numbers):
                    continue
                mine = prepared[prepared["chemical_key"] == key]
                for cat, g in mine.groupby("category", sort=True):
                    parties = sorted({p for v in g["notifying_party"].astype(str) for p in v.split(";") if p})
                    out.append(f"{_capital(name)}: notified as banned or severely restricted in the {cat} category by {_join(parties)} (Article 5).")
    return list(dict.fromkeys(out))


def shpf_dgd(*, chemical: str, category: str | None, data: CaseData, today: dt.date) -> dict:
    """Return the model of the draft DGD for a severely hazardous pesticide formulation.

    Registered as ``DGD_VARIANTS["shpf"]``; call it through
    :func:`crc_tools.documents.dgd.dgd_document` with ``variant="shpf"`` (or ``category="shpf"``).

    Parameters
    ----------
    chemical : str
        The formulation's name, a trade name, its Annex III entry or a proposal id.
    category : str or None
        ``shpf`` or ``None``.
    data : CaseData
        The proposals (and notifications, for uses of the active ingredients elsewhere).
    today : datetime.date
        The date printed on the draft.
    """
    from ..proposals.shpf import annex_iii_coverage

    if category and str(category).strip().casefold() != CATEGORY:
        raise UsageError(f"a DGD for a severely hazardous pesticide formulation is in the shpf category, not '{category}'")
    f = find_formulation(data, chemical)
    facts = _Facts(data)
    st = f.status
    name = f.name
    entries_all = _entries(f.rows)
    basis = [e for e in entries_all if facts.status(e["pid"]) == "met"]
    others = [e for e in entries_all if facts.status(e["pid"]) != "met"]
    entry_wording = entry_text(st)
    own_entry, coverage_note = annex_iii_coverage(f.rows.iloc[0].to_dict())
    listed = bool(st.get("listed_in_annex_iii"))
    recommend = bool(st.get("recommend_listing"))
    meetings = list(dict.fromkeys(m for e in basis for m in [_t(e["row"], "committee_meeting")] if m))
    source_rows = [e["row"] for e in basis] or [e["row"] for e in entries_all]

    notices = [
        f"Draft prepared by crc-tools on {today.isoformat()} from the proposal(s), the information the Secretariat collected under Annex IV "
        "Part 2 and the committee's recorded conclusions, for the intersessional drafting group (Article 7.1). It is not a document adopted "
        f"by the Chemical Review Committee or the Conference of the Parties. Items the data do not hold are marked '{MISSING}'"
    ]
    if listed:
        notices.append(f"{name} is already covered by Annex III ({st.get('annex_iii_entry')}); a decision guidance document exists. This draft can only serve a revision.")
    elif not recommend:
        notices.append(f"The committee has not concluded that a proposal for {name} meets Annex IV Part 3: {st.get('missing') or 'no proposal meets it'}. This draft is for preparation only.")
    for e in basis:
        v = facts.verification.get(e["pid"], {})
        if _eligibility_text(v).startswith("no"):
            notices.append(f"Article 6.1: {v.get('eligibility_basis')}.")

    S: list[dict] = []
    # Cover -------------------------------------------------------------------------
    S.append(
        dm.section(
            "cover",
            "Cover",
            level=0,
            blocks=[
                dm.p("Rotterdam Convention", "lead"),
                dm.p("Operation of the prior informed consent procedure for severely hazardous pesticide formulations", "lead"),
                dm.p("Decision Guidance Document for a severely hazardous pesticide formulation", "cover-title"),
                {**dm.p(name, "cover-title"), "key": "chemical"},
                {**dm.p(f"Category: {CATEGORY_LABEL}", "lead"), "key": "category"},
                dm.p(f"Draft of {today.isoformat()}, prepared from the proposal and the information collected; not adopted", "placeholder"),
                dm.p(SECRETARIAT + ". The Secretariat is provided jointly by UNEP and FAO.", "small"),
            ],
        )
    )
    # Front matter ----------------------------------------------------------------------
    S.append(
        dm.section(
            "introduction",
            "Introduction",
            part="front",
            blocks=[
                dm.p(
                    "The objective of the Rotterdam Convention is to promote shared responsibility and cooperative efforts among Parties "
                    "in the international trade of certain hazardous chemicals in order to protect human health and the environment from "
                    "potential harm, and to contribute to their environmentally sound use, by facilitating information exchange about their "
                    "characteristics, by providing for a national decision-making process on their import and export and by disseminating "
                    "these decisions to Parties. The Secretariat of the Convention is provided jointly by UNEP and FAO."
                ),
                dm.p(
                    "A developing country or a country with an economy in transition that is experiencing problems caused by a severely "
                    "hazardous pesticide formulation under conditions of use in its territory may propose that the formulation be included "
                    "in the prior informed consent (PIC) procedure (Article 6). A single proposal, verified as containing the information "
                    "required by Annex IV Part 1 and supplemented by the information the Secretariat collects under Annex IV Part 2, is "
                    "enough: unlike a listing on the basis of final regulatory actions, no proposal from a second PIC region is needed. "
                    "Inclusion rests on the incidents reported by the proposing Party under its conditions of use; other ways of controlling "
                    "or reducing such risks may exist. Inclusion does not imply that all Parties to the Convention have banned or severely "
                    "restricted the formulation. For each formulation in Annex III, Parties are requested to make an informed decision whether "
                    "they consent to its future import."
                ),
                dm.p(dm.PLACEHOLDER_PREFIX + "the meeting of the Conference of the Parties that decides to list the formulation in Annex III, and the date on which this decision guidance document is communicated to designated national authorities.", "placeholder"),
            ],
        )
    )
    S.append(
        dm.section(
            "purpose",
            "Purpose of the decision guidance document",
            part="front",
            blocks=[
                dm.p(
                    "For each chemical and severely hazardous pesticide formulation listed in Annex III, a decision guidance document (DGD) "
                    "is approved by the Conference of the Parties and sent to all Parties with a request for a decision on future import "
                    "(Articles 7 and 10). The DGD is prepared by the Chemical Review Committee on the basis, at a minimum, of the information "
                    "specified in Annex IV: the proposal of the proposing Party (Part 1) and the information collected by the Secretariat "
                    "(Part 2). It is not the only source of information on the formulation and is not updated or revised after its adoption. "
                    "Other information exchanged under Article 14 can be found on the Convention's website."
                )
            ],
        )
    )
    S.append(
        dm.section(
            "disclaimer",
            "Disclaimer",
            part="front",
            blocks=[
                dm.p(
                    "Trade names are used in this document only to help identify the formulation; their use does not imply approval or "
                    "disapproval of any company. FAO and UNEP take no responsibility for omissions in this document or for the consequences "
                    "of a decision to import or to prohibit the import of the formulation. The designations used and the presentation of "
                    "material do not imply any opinion on the legal status of any country, territory, city or area or of its authorities, "
                    "or on the delimitation of its frontiers or boundaries."
                )
            ],
        )
    )
    abbreviations = dm.section("abbreviations", "List of abbreviations", part="front")
    S.append(abbreviations)
    S.append(
        dm.section(
            "title",
            "Decision guidance document for a severely hazardous pesticide formulation",
            level=0,
            blocks=[{**dm.p(name, "cover-title"), "key": "chemical"}, dm.p(f"Published: draft of {today.isoformat()} (not adopted)", "small")],
        )
    )

    # 1 Identification and specifications -----------------------------------------------------
    other_names = sorted({str(n) for n in f.rows["formulation_name"] if str(n).strip() and normalize_name(n) != normalize_name(name)}, key=str.casefold)
    if own_entry is not None and own_entry.category == CATEGORY:
        other_names += [x for x in (own_entry.chemical, own_entry.short_name) if x and normalize_name(x) != normalize_name(name) and x not in other_names]
    ing_rows, ing_names, cas_all = [], [], []
    for e in entries_all:
        for n, c, conc in _ingredients(e["row"]):
            ing_rows.append([n, c or None, conc or None, e["label"]])
            if n not in ing_names:
                ing_names.append(n)
            if c and c not in cas_all:
                cas_all.append(c)
    ftype = str(st.get("formulation_type") or "")
    entry_codes = next((c for r in source_rows for c in [_t(r, "annex_iii_formulation_types")] if c), None) or ftype
    trade_names = sorted({t for r in f.rows.to_dict("records") for t in _lines(r, "trade_names")}, key=str.casefold)
    producers = sorted({t for r in f.rows.to_dict("records") for t in _lines(r, "producers")}, key=str.casefold)
    entry_names = [own_entry.chemical] if own_entry is not None else []
    hs = _hs_codes(entry_names)
    uses = [f"{e['label']}: {_t(e['row'], 'patterns_of_use')}" for e in entries_all if _t(e["row"], "patterns_of_use")]
    other_uses = _other_uses(data, f, facts, basis, own_entry)
    pops = [s for n, c in {(n, c) for r in f.rows.to_dict("records") for n, c, _ in _ingredients(r)} for s in stockholm_for(n, [c] if c else [])]
    pop_text = list(dict.fromkeys(f"{s.chemical}: Stockholm Convention, Annex {s.stockholm_annex}" + (f" (decision {s.cop_decision}, {s.year_listed})" if s.cop_decision else f" ({s.year_listed})") for s in pops))
    listing = []
    if entry_wording:
        listing.append(entry_wording)
    S.append(
        dm.section(
            "1",
            "Identification and specifications",
            number="1",
            blocks=[
                dm.fields(
                    [
                        dm.field("Name of the formulation", name, "formulation_name"),
                        dm.field("Other names of the formulation", other_names, "other_names"),
                        dm.field("Active ingredient(s)", ing_names, "active_ingredients"),
                        dm.field("CAS number(s) of the active ingredient(s)", cas_all, "cas_numbers"),
                        dm.field("Relative amount of each active ingredient (Annex IV Part 1 (c))", [_ingredient_text(n, c, conc) for n, c, conc in dict.fromkeys((r[0], r[1] or "", r[2] or "") for r in ing_rows)], "concentrations"),
                        dm.field("Formulation type", _type_text(ftype), "formulation_type"),
                        dm.field("Trade names", trade_names, "trade_names"),
                        dm.field("Names of the producers", producers, "producers"),
                        dm.field("Category", CATEGORY_LABEL, "category"),
                        dm.field("Annex III entry (formulation type and concentration threshold)", entry_wording, "annex_iii_entry"),
                        dm.field("Formulation type(s) covered by the entry", _type_text(entry_codes), "entry_formulation_types"),
                        dm.field("Concentration threshold", st.get("concentration_threshold") or None, "concentration_threshold"),
                        dm.field("Listed in Annex III", st.get("annex_iii_entry") if listed else ("no" + (f" ({coverage_note})" if coverage_note else "")), "listed"),
                        dm.field("Harmonized System customs code", hs, "hs_code"),
                        dm.field("Common and recognized patterns of use in the proposing Party (Annex IV Part 1 (f))", uses, "uses"),
                        dm.field("Other formulations and uses of the active ingredient(s) (Article 7.1)", other_uses, "other_formulations"),
                        dm.field("Other international agreements", pop_text or ["No active ingredient is listed under the Stockholm Convention in the suite's reference data."], "other_agreements"),
                    ],
                    key="identification",
                ),
                dm.table([("ingredient", "Active ingredient"), ("cas", "CAS number"), ("concentration", "Concentration"), ("proposal", "As proposed by")], ing_rows, key="ingredients", caption="Active ingredients of the formulation"),
            ],
        )
    )

    # 2 Reasons for inclusion ---------------------------------------------------------------------
    regions = sorted({e["region"] for e in basis if e["region"]}, key=lambda r: PIC_REGIONS.index(r) if r in PIC_REGIONS else 99)
    blocks2: list[dict] = [
        dm.fields(
            [
                dm.field("Category of the proposed listing", CATEGORY_LABEL, "category"),
                dm.field("Annex III entry recommended", entry_wording, "annex_iii_entry"),
            ],
            key="listing",
        )
    ]
    if basis:
        who = _join([f"{e['party']} ({e['region'] or 'PIC region not established'}; a {DEVELOPMENT_LABELS.get(str(facts.verification.get(e['pid'], {}).get('development_status') or ''), 'Party not classified by development')})" for e in basis], "and")
        blocks2.append(
            dm.p(
                f"{name} is proposed for inclusion in the PIC procedure as a severely hazardous pesticide formulation on the basis of the "
                f"proposal{'s' if len(basis) > 1 else ''} by {who}, {'each of which' if len(basis) > 1 else 'which'} experienced problems with the formulation "
                "under conditions of use in its territory (Article 6.1)."
            )
        )
        blocks2.append(
            dm.p(
                "Under Article 6 one proposal, verified as containing the information required by Annex IV Part 1 and supplemented by the "
                "information the Secretariat collects under Annex IV Part 2, is enough: no proposal from a second PIC region is needed"
                + (f" (the proposal{'s come' if len(basis) > 1 else ' comes'} from {_join(regions)})." if regions else ".")
            )
        )
        concl = f"At {_join(meetings)} the Chemical Review Committee concluded" if meetings else "The Chemical Review Committee's recorded conclusion is"
        blocks2.append(dm.p(f"{concl} that {'these proposals meet' if len(basis) > 1 else 'the proposal meets'} the criteria of Annex IV Part 3 (Article 6.5)" + (f", so that the formulation be listed in Annex III as: {entry_wording}." if entry_wording else ".")))
    else:
        blocks2.append(dm.p(f"No proposal for {name} has been concluded to meet the criteria of Annex IV Part 3; there is no basis for listing yet (Article 6.5).", "notice"))
    basis_rows = []
    for e in basis:
        r, v = e["row"], facts.verification.get(e["pid"], {})
        basis_rows.append([e["party"], e["region"] or None, _eligibility_text(v), _date(r, "received_date"), str(v.get("verification_basis") or "") or None, _t(r, "summary_published"), facts.status(e["pid"]).replace("_", " "), _t(r, "committee_meeting"), e["pid"]])
    blocks2.append(
        dm.table(
            [("party", "Proposing Party"), ("region", "PIC region"), ("eligibility", "Developing country or economy in transition (Article 6.1)"), ("received", "Received"),
             ("verification", "Annex IV Part 1 verification (Article 6.2)"), ("summary", "Summary circulated"), ("part3", "Annex IV Part 3"), ("meeting", "Concluded at"), ("proposal", "Proposal")],
            basis_rows,
            key="basis",
            caption="Proposals that are the basis for listing",
        )
    )
    if others:
        listed_others = "; ".join(f"{e['party']} ({e['region'] or 'no established PIC region'}), proposal {e['pid']}: Annex IV Part 3 {STATUS_LABELS.get(facts.status(e['pid']), facts.status(e['pid']))}" for e in others)
        blocks2.append(dm.p(f"Other proposals for {name} are not a basis for this listing and are not presented in this document: {listed_others}.", "note"))
    S.append(dm.section("2", "Reasons for inclusion in the PIC procedure", number="2", blocks=blocks2))

    b21: list[dict] = [dm.p("The incidents reported by the proposing Party in its proposal (Annex IV Part 1 (g)) and its Part B incident reports, summarised; each report is given in full in Annex 2.", "note")]
    b22: list[dict] = [dm.p("The committee's determination on each criterion of Annex IV Part 3, with its justification. The rule-based aids the experts used are shown in the rationale for the proposal, not here.", "note")]
    p3 = items("annex_iv_part3")
    for e in basis:
        r = e["row"]
        b21.append(dm.heading(e["label"], party=e["party"]))
        b21.append(dm.fields([dm.field("Description of the incidents by the designated national authority (Annex IV Part 1 (g))", _t(r, "incidents"), "incident_summary")], party=e["party"]))
        table = _incident_table(facts, e, caption=f"Part B incident reports from {e['label']}: date, place, people or organisms affected, exposure route, outcome and conditions of use")
        b21.append(table)
        if not table["rows"]:
            b21.append(_missing("the Part B incident reports behind the proposal."))
        crit = facts.criteria.get(e["pid"], {})
        rows22 = []
        for it in p3.items:
            c = crit.get(it.id, {})
            status = str(c.get("status") or "")
            rows22.append([it.id, it.text, STATUS_LABELS.get(status, status) if status else "no determination recorded", None if is_blank(c.get("justification")) else str(c.get("justification"))])
        con = facts.conclusions.get(e["pid"], {})
        eff = facts.effects.get(e["pid"], {})
        b22.append(dm.heading(e["label"]))
        b22.append({**dm.table([("criterion", "Criterion"), ("text", "Annex IV Part 3"), ("determination", "Committee's determination"), ("justification", "Justification")], rows22, key="part3", caption=f"Annex IV Part 3 determinations recorded for the proposal of {e['label']}"), "party": e["party"]})
        b22.append(
            dm.fields(
                [
                    dm.field("Conclusion on Annex IV Part 3", STATUS_LABELS.get(facts.status(e["pid"]), facts.status(e["pid"])), "conclusion"),
                    dm.field("On what it rests", str(con.get("part3_basis") or "") or None),
                    dm.field("Reported effects and the quantity used (Annex IV Part 3 (d))", str(eff.get("summary") or "") or None),
                    dm.field("Reviewed at", _t(r, "committee_meeting")),
                ]
            )
        )
    if not basis:
        b21.append(_missing())
        b22.append(_missing())
    S.append(dm.section("2.1", "Incidents reported by the proposing Party", number="2.1", level=2, part="2", blocks=b21))
    S.append(dm.section("2.2", "Conclusions of the Chemical Review Committee on the criteria of Annex IV Part 3", number="2.2", level=2, part="2", blocks=b22))

    # 3 Protective measures ---------------------------------------------------------------------------
    S.append(dm.section("3", "Protective measures that have been applied concerning the formulation", number="3"))
    rows31 = [dm.field(e["label"], _t(e["row"], "measures_taken")) for e in basis]
    S.append(dm.section("3.1", "Regulatory and administrative measures taken by the proposing Party (Annex IV Part 1 (h))", number="3.1", level=2, part="3", blocks=[dm.fields(rows31, key="measures") if rows31 else _missing()]))
    b32: list[dict] = []
    if basis:
        b32.append(dm.fields([dm.field(f"Restrictions that safe use would need, as stated by {e['label']} (Annex IV Part 3 (c))", _t(e["row"], "handling_restrictions")) for e in basis], key="restrictions_needed"))
        b32.append(dm.heading("Handling or applicator restrictions in other States (Annex IV Part 2 (b))"))
        b32.extend(_part2_blocks(facts, basis, "(b)", key="part2_section"))
    else:
        b32.append(_missing())
    S.append(dm.section("3.2", "Handling or applicator restrictions", number="3.2", level=2, part="3", blocks=b32))
    b33 = _part2_blocks(facts, basis, "(h)", key="part2_section") if basis else [_missing()]
    b33.append(dm.p("Before a country considers substituting an alternative, it should make sure that the use is relevant to its national needs and to the anticipated local conditions of use, and evaluate the hazards of the substitute and the controls needed for its safe use.", "note"))
    S.append(dm.section("3.3", "Alternatives (Annex IV Part 2 (h))", number="3.3", level=2, part="3", blocks=b33))

    # 4 Hazards and risks -----------------------------------------------------------------------------
    S.append(dm.section("4", "Hazards and risks to human health and the environment", number="4"))
    b41 = _part2_blocks(facts, basis, "(a)", key="part2_section") if basis else [_missing()]
    b41.append(dm.p(dm.PLACEHOLDER_PREFIX + "the hazard classification of the active ingredient(s) and the formulation (WHO recommended classification of pesticides by hazard, GHS).", "placeholder"))
    S.append(dm.section("4.1", "Physico-chemical, toxicological and ecotoxicological properties of the formulation (Annex IV Part 2 (a))", number="4.1", level=2, part="4", blocks=b41))
    S.append(dm.section("4.2", "Risk and hazard evaluations (Annex IV Part 2 (e))", number="4.2", level=2, part="4", blocks=_part2_blocks(facts, basis, "(e)", key="part2_section") if basis else [_missing()]))
    S.append(dm.section("4.3", "Packaging and labelling", number="4.3", level=2, part="4", blocks=[_missing("UN transport hazard class, packing group and labelling requirements of the formulation.")]))
    S.append(dm.section("4.4", "First aid", number="4.4", level=2, part="4", blocks=[_missing("first-aid measures from an authoritative source (e.g. WHO/IPCS International Chemical Safety Cards of the active ingredients).")]))
    S.append(
        dm.section(
            "4.5",
            "Waste management",
            number="4.5",
            level=2,
            part="4",
            blocks=[
                _missing("disposal of stocks of the formulation and of contaminated containers."),
                dm.p("Wastes are outside the scope of the Rotterdam Convention (Article 3.2(c)); their environmentally sound management is addressed by the Basel Convention.", "note"),
            ],
        )
    )

    # Annex 1: Annex IV Part 2 -----------------------------------------------------------------------
    a1: list[dict] = [
        dm.p(
            "After verifying the proposal and circulating its summary, the Secretariat collects the information of Annex IV Part 2 (Article 6.3). "
            "Item by item: whether it was collected, from which source, and what it says; items not collected are marked.",
            "note",
        )
    ]
    for it in items("annex_iv_part2").items:
        a1.append(dm.heading(f"{it.id} {it.text}", key="part2_item"))
        a1.extend(_part2_blocks(facts, basis, it.id, key="part2") if basis else [_missing()])
    S.append(dm.section("annex1", "Information collected by the Secretariat (Annex IV Part 2)", number="Annex 1", blocks=a1))

    # Annex 2: the proposal and its incident reports ------------------------------------------------------
    from ..intake.fields import proposal_schema

    schema = proposal_schema()
    shown_elsewhere = {"proposal_id", "proposing_party", "formulation_name", "active_ingredients", "active_ingredient_cas", "active_ingredient_concentrations", "formulation_type", "trade_names", "producers", "incident_reports"}
    a2: list[dict] = []
    for e in basis:
        r = e["row"]
        v = facts.verification.get(e["pid"], {})
        ings = _ingredients(r)
        rows = [
            dm.field("Proposing Party and PIC region", f"{e['party']} ({e['region'] or 'PIC region not established'})"),
            dm.field("Proposal", e["pid"]),
            dm.field("Name of the hazardous pesticide formulation (Annex IV Part 1 (a))", _t(r, "formulation_name"), "formulation_as_proposed"),
            dm.field("Active ingredient(s) (Annex IV Part 1 (b))", [n for n, _, _ in ings], "ingredients_as_proposed"),
            dm.field("CAS number(s) as proposed", [c for _, c, _ in ings if c], "cas_as_proposed"),
            dm.field("Relative amount of each active ingredient (Annex IV Part 1 (c))", [_ingredient_text(n, c, conc) for n, c, conc in ings], "concentrations_as_proposed"),
            dm.field("Type of formulation (Annex IV Part 1 (d))", _type_text(_t(r, "formulation_type") or ""), "type_as_proposed"),
            dm.field("Trade names and producers (Annex IV Part 1 (e))", [*(f"Trade name: {t}" for t in _lines(r, "trade_names")), *(f"Producer: {x}" for x in _lines(r, "producers"))]),
        ]
        for spec in schema.fields:
            if spec.form != "Part A" or spec.name in shown_elsewhere or spec.name.startswith("dna_"):
                continue
            label = spec.display + (f" (Annex IV Part 1 {spec.annex_iv})" if spec.annex_iv else "")
            rows.append(dm.field(label, _t(r, spec.name), spec.name))
        rows += [
            dm.field("Received by the Secretariat", _date(r, "received_date")),
            dm.field("Annex IV Part 1 verification (Article 6.2)", str(v.get("verification_basis") or "") or None),
            dm.field("Article 6.1: proposing Party", str(v.get("eligibility_basis") or "") or None),
        ]
        a2.append(dm.heading(e["label"], party=e["party"]))
        a2.append(dm.fields(rows, key="annex2", party=e["party"]))
        reports = facts.incident_rows(e["pid"])
        for inc in reports:
            kind = INCIDENT_TYPE_LABELS.get(str(inc.get("incident_type") or ""), "incident")
            when = _date(inc, "incident_date")
            a2.append(dm.heading(f"Incident report {_t(inc, 'incident_id') or ''} ({kind}{', ' + when if when else ''})".replace("  ", " "), level=4, party=e["party"], key="incident"))
            a2.append(_incident_fields(inc, e["party"]))
        if not reports:
            a2.append(_missing("the Part B incident reports (the report forms for human-health and environmental incidents)."))
    if not basis:
        a2.append(_missing())
    S.append(dm.section("annex2", "The proposal and its incident reports (Annex IV Part 1; Part B reports)", number="Annex 2", blocks=a2))

    # Annex 3 ---------------------------------------------------------------------------------------
    a3_rows = [[e["party"], "Pesticides", _t(e["row"], "dna_institution"), _t(e["row"], "dna_address"), _t(e["row"], "dna_contact"), _t(e["row"], "dna_email")] for e in basis]
    S.append(
        dm.section(
            "annex3",
            "Address of the designated national authority",
            number="Annex 3",
            blocks=[
                dm.table(
                    [("party", "Proposing Party"), ("dna_for", "Designated national authority for"), ("institution", "Institution"), ("address", "Address"), ("contact", "Person in charge"), ("email", "E-mail")],
                    a3_rows,
                    key="dna",
                )
                if basis
                else _missing()
            ],
        )
    )

    # Annex 4 ---------------------------------------------------------------------------------------
    a4: list[dict] = []
    for e in basis:
        r = e["row"]
        refs = [f"Proposal {e['pid']} by {e['party']} to list {_t(r, 'formulation_name') or name} as a severely hazardous pesticide formulation (Article 6.1)" + (f", received by the Secretariat on {_date(r, 'received_date')}" if _date(r, "received_date") else "")]
        if _t(r, "summary_published"):
            refs.append(f"Summary of the proposal circulated to the Parties: {_t(r, 'summary_published')} (Article 6.2)")
        for item_id, it in facts.part2.get(e["pid"], {}).items():
            if str(it.get("status")) == "collected" and str(it.get("source") or "").strip():
                refs.append(f"Annex IV Part 2 {item_id}: {str(it['source']).strip()}")
        for cid, c in facts.criteria.get(e["pid"], {}).items():
            for ref in [x.strip() for x in str(c.get("references") or "").split("\n") if x.strip()] if not is_blank(c.get("references")) else []:
                refs.append(f"Cited by the committee on Annex IV Part 3 {cid}: {ref}")
        refs += ["Source: " + x for x in _lines(r, "sources")]
        a4.append(dm.heading(e["label"]))
        a4.append(dm.bullet_list(list(dict.fromkeys(refs)), key="references", party=e["party"]))
    general = ["Rotterdam Convention on the Prior Informed Consent Procedure for Certain Hazardous Chemicals and Pesticides in International Trade: Articles 6, 7 and 10; Annexes III and IV."]
    if meetings:
        general.append(f"Rationale of the Chemical Review Committee for the conclusion that the proposal meets the criteria of Annex IV Part 3 ({_join(meetings)} meeting report).")
    general += [f"Stockholm Convention listing: {s.source_url}" for s in pops if s.source_url]
    a4.append(dm.heading("General"))
    a4.append(dm.bullet_list(list(dict.fromkeys(general)), key="general_references"))
    S.append(dm.section("annex4", "References", number="Annex 4", blocks=a4))

    document = {
        "kind": "dgd",
        "schema": dm.SCHEMA_VERSION,
        "title": f"Decision guidance document for a severely hazardous pesticide formulation: {name} (draft)",
        "missing": MISSING,
        "meta": {
            "variant": "shpf",
            "chemical": name,
            "category": CATEGORY,
            "category_label": CATEGORY_LABEL,
            "file_stem": f"dgd-{safe_filename(name)}-{CATEGORY}",
            "generated_on": today.isoformat(),
            "proposing_parties": [e["party"] for e in basis],
            "proposal_ids": [e["pid"] for e in basis],
            "pic_regions": regions,
            "annex_iii_entry": entry_wording or "",
            "recommend_listing": recommend,
            "listed_in_annex_iii": listed,
        },
        "notices": notices,
        "sections": S,
        "checks": [],
    }
    used = dm.abbreviations_used(document)
    abbreviations["blocks"] = [dm.table([("abbreviation", "Abbreviation"), ("meaning", "Meaning")], [[a, dm.ABBREVIATIONS[a]] for a in used], key="abbreviations")]
    findings = dm.check_dgd(document)
    document["checks"] = findings
    S.append(_checks_section(findings, "identity, the proposing Party across sections and annexes, basis for listing, Annex IV Part 2, Article 7.1, abbreviations"))
    n_problems = sum(1 for x in findings if x["result"] == dm.RESULT_PROBLEM)
    if n_problems:
        notices.append(f"The internal-consistency check found {n_problems} problem(s) in this draft; see the last section.")
    return document


DGD_VARIANTS["shpf"] = shpf_dgd


def recommended_formulations(data: CaseData, *, include_listed: bool = True) -> list[str]:
    """Return the names of the formulations whose proposal meets Annex IV Part 3 (Article 6.5).

    By default also those Annex III already covers (their draft serves a revision), as
    ``crc demo`` drafts them.
    """
    st = data.shpf_status
    if st.empty:
        return []
    rec = st[st["recommend_listing"].astype(bool) & (include_listed | ~st["listed_in_annex_iii"].astype(bool))]
    return [str(x) for x in rec["chemical"]]


# --------------------------------------------------------------------------- synopsis, Appendix II


def synopsis_appendix_ii(data: CaseData, start: dt.date, end: dt.date) -> list[dict]:
    """Return Appendix II of the synopsis: SHPF proposals received or verified in the period (Article 6.2).

    Part A summarises the proposals verified as containing the information of Annex IV
    Part 1 (by the end of the period); Part B lists those still under verification, with
    the six-month deadline, what Part 1 still lacks and the Article 6.1 flag.
    """
    p = data.proposals
    df = p.proposals
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    intro = dm.p(
        "Under Article 6.2 the Secretariat verifies each proposal of a severely hazardous pesticide formulation against Annex IV Part 1 within "
        "six months of receipt and circulates a summary of the verified ones to all Parties (Part A); proposals still under verification are "
        "listed in Part B. One verified proposal is enough for the Chemical Review Committee to review a formulation: there is no two-region rule.",
        "note",
    )
    if df.empty:
        rows = df
        undated = 0
    else:
        rec = pd.to_datetime(df["received_date"], errors="coerce")
        ver_d = pd.to_datetime(df["verified_date"], errors="coerce")
        rows = df[(rec >= s) & (rec <= e) | ((ver_d >= s) & (ver_d <= e))]
        undated = int(rec.isna().sum())
    ver = {str(r["proposal_id"]): r for r in data.shpf_verification.to_dict("records")} if not df.empty else {}
    facts = _Facts(data) if not df.empty else None
    verified, under = [], []
    for _, r in rows.sort_values(["formulation_name", "proposing_party"], key=lambda x: x.astype(str).str.casefold()).iterrows() if len(rows) else []:
        v = ver.get(str(r["proposal_id"]), {})
        vd = r.get("verified_date")
        in_time = is_blank(vd) or pd.isna(vd) or pd.Timestamp(vd) <= e
        (verified if bool(v.get("verified")) and in_time else under).append((r, v))
    summary = dm.p(
        f"In this period {len(rows)} proposal(s) of severely hazardous pesticide formulations were received or verified: {len(verified)} verified as "
        f"containing the information required by Annex IV Part 1 (Part A) and {len(under)} still under verification (Part B)."
    )
    blocks = [intro, summary]
    if undated:
        blocks.append(dm.p(f"{undated} proposal(s) carry no date of receipt and are not placed in any period.", "note"))
    out = [dm.section("appendix-ii", "Proposals of severely hazardous pesticide formulations (Article 6)", number="Appendix II", part="appendix-ii", blocks=blocks)]
    a_blocks: list[dict] = []
    for r, v in verified:
        pid = str(r["proposal_id"])
        ings = _ingredients(r)
        n_reports = len(facts.incident_rows(pid)) if facts else 0
        desc = _t(r, "incidents")
        conclusion = facts.status(pid) if facts else "pending"
        reviewed = (f"{_t(r, 'committee_meeting') + ': ' if _t(r, 'committee_meeting') else ''}Annex IV Part 3 {STATUS_LABELS.get(conclusion, conclusion)}") if conclusion in ("met", "not_met") else "not yet reviewed by the committee"
        a_blocks.append(dm.heading(f"{r['formulation_name']} — {r['proposing_party']} ({_t(r, 'pic_region') or 'no established PIC region'})"))
        a_blocks.append(
            dm.fields(
                [
                    dm.field("Proposal", pid),
                    dm.field("Date received", _date(r, "received_date")),
                    dm.field("Verification (Article 6.2)", str(v.get("verification_basis") or "") + (f", {_date(r, 'verified_date')}" if _date(r, "verified_date") else "")),
                    dm.field("Summary circulated", _t(r, "summary_published")),
                    dm.field("Active ingredient(s) and relative amount(s) (Annex IV Part 1 (b), (c))", [_ingredient_text(n, c, conc) for n, c, conc in ings]),
                    dm.field("Type of formulation (Annex IV Part 1 (d))", _type_text(_t(r, "formulation_type") or "")),
                    dm.field("Trade names and producers (Annex IV Part 1 (e))", [*_lines(r, "trade_names"), *(f"Producer: {x}" for x in _lines(r, "producers"))]),
                    dm.field("Common and recognized patterns of use (Annex IV Part 1 (f))", _t(r, "patterns_of_use")),
                    dm.field("Description of the incidents (Annex IV Part 1 (g))", ((desc + " ") if desc else "") + f"({n_reports} Part B incident report(s))" if desc or n_reports else None),
                    dm.field("Measures taken (Annex IV Part 1 (h))", _t(r, "measures_taken")),
                    dm.field("Proposing Party (Article 6.1)", str(v.get("eligibility_basis") or "") or None),
                    dm.field("Call for information (Article 6.3)", str(v.get("part2_basis") or "") or None),
                    dm.field("Review by the committee (Article 6.5)", reviewed),
                ]
            )
        )
    out.append(dm.section("appendix-ii.a", "Proposals verified as containing the information required by Annex IV Part 1: summaries", number="Part A", level=2, part="appendix-ii", blocks=a_blocks or [dm.p("None in this period.", "note")]))
    b_rows = []
    for r, v in under:
        deadline = v.get("verification_deadline")
        due = pd.Timestamp(deadline).date().isoformat() if deadline is not None and not pd.isna(deadline) else None
        b_rows.append([
            str(r["formulation_name"]), str(r["proposing_party"]), _t(r, "pic_region") or "no established PIC region", _date(r, "received_date"),
            (due + (" (overdue)" if bool(v.get("verification_overdue")) else "")) if due else None,
            str(v.get("verification_basis") or "not yet verified"), str(v.get("missing_items") or "") or "none", _eligibility_text(v),
        ])
    out.append(
        dm.section(
            "appendix-ii.b",
            "Proposals still under verification",
            number="Part B",
            level=2,
            part="appendix-ii",
            blocks=[
                dm.table(
                    [("formulation", "Formulation"), ("party", "Proposing Party"), ("region", "PIC region"), ("received", "Received"), ("due", "Verification due by (Article 6.2)"),
                     ("status", "Verification"), ("missing", "Annex IV Part 1 items missing"), ("eligibility", "Developing country or economy in transition (Article 6.1)")],
                    b_rows,
                    key="under_verification",
                )
                if b_rows
                else dm.p("None in this period.", "note")
            ],
        )
    )
    return out


SYNOPSIS_APPENDICES.append(synopsis_appendix_ii)


# --------------------------------------------------------------------------- rationale for a proposal


def proposal_rationale_document(*, proposal_id: str, data=None, today: dt.date | None = None) -> dict:
    """Return the model of the rationale for an SHPF proposal against Annex IV Part 3.

    As for a notification (:func:`crc_tools.documents.dgd.rationale_document`): one block per
    criterion (a)-(e) with the recorded determination (status, justification, references,
    who recorded it) and the rule-based aid beside it, labelled as an aid; then the overall
    conclusion — the committee's recorded one, or the one that follows from the recorded
    determinations ((a)-(d) met and (e) holds; Article 6.5).

    Parameters
    ----------
    proposal_id : str
        The proposal's id.
    data : CaseData, Intake or list of paths, optional
        The proposals (default: the shipped sample data).
    today : datetime.date, optional
        The date printed on the draft.
    """
    from ..notifications.criteria import AID_LABEL

    data = _data(data)
    today = today or dt.date.today()
    df = data.proposals.proposals
    pid = str(proposal_id).strip()
    rows = df[df["proposal_id"].astype(str) == pid] if len(df) else df
    if rows.empty:
        ids = sorted(df["proposal_id"].astype(str)) if len(df) else []
        close = difflib.get_close_matches(pid, ids, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise DocumentDataError(f"no SHPF proposal '{pid}' in the data{hint}", source=pid, field_name="proposal_id")
    row = rows.iloc[0]
    facts = _Facts(data)
    con = facts.conclusions.get(pid, {})
    status = facts.status(pid)
    v = facts.verification.get(pid, {})
    party = str(row["proposing_party"])
    region = _t(row, "pic_region") or "PIC region not established"
    name = str(row["formulation_name"])
    f = formulation_for(data, pid)
    entry = entry_text(f.status) if f is not None else None
    verdict = {"met": "meets", "not_met": "does not meet"}.get(status)
    if verdict:
        title = f"Rationale for the conclusion that the proposal submitted by {party} to list {name} as a severely hazardous pesticide formulation {verdict} the criteria of Annex IV Part 3"
    else:
        title = f"Draft rationale: the proposal submitted by {party} to list {name} as a severely hazardous pesticide formulation, assessed against the criteria of Annex IV Part 3 (no conclusion recorded)"
    notices = [f"Prepared by crc-tools on {today.isoformat()} from the recorded determinations. The rule-based aid under each criterion is an aid for the experts, not a conclusion of the committee."]
    if bool(con.get("part3_conflict")):
        notices.append("The recorded overall conclusion disagrees with the recorded criterion determinations; the committee's record needs reconciling.")
    if _eligibility_text(v).startswith("no"):
        notices.append(f"Article 6.1: {v.get('eligibility_basis')}.")
    S: list[dict] = [dm.section("title", title, level=0, blocks=[{**dm.p(name, "cover-title"), "key": "chemical"}, dm.p(f"{party} — {region} — {CATEGORY_LABEL}", "lead")])]
    ings = _ingredients(row)
    e = {"party": party, "label": party, "pid": pid}
    eff = facts.effects.get(pid, {})
    scope_text = (
        f"This rationale concerns the proposal {pid} by {party} ({region}) to list {name}"
        + (f", a formulation of type {_type_text(_t(row, 'formulation_type') or '') or 'not given'} containing {_join([f'{n} {c}'.strip() for n, _, c in ings])}," if ings else "")
        + " in Annex III as a severely hazardous pesticide formulation (Article 6). Annex IV Part 3 asks the committee to take into account the criteria below; "
        "one proposal meeting them is enough, with no second PIC region needed."
    )
    table = _incident_table(facts, e, caption="Part B incident reports received with the proposal: date, place, people or organisms affected, exposure route, outcome and conditions of use")
    sblocks = [
        dm.p(scope_text),
        dm.fields(
            [
                dm.field("Proposal", pid),
                dm.field("Proposing Party", party),
                dm.field("PIC region", _t(row, "pic_region")),
                dm.field("Developing country or economy in transition (Article 6.1)", str(v.get("eligibility_basis") or "") or None),
                dm.field("Formulation", name),
                dm.field("Active ingredient(s) and relative amount(s)", [_ingredient_text(n, c, conc) for n, c, conc in ings]),
                dm.field("Type of formulation", _type_text(_t(row, "formulation_type") or "")),
                dm.field("Annex III entry the listing would need", entry),
                dm.field("Common and recognized patterns of use", _t(row, "patterns_of_use")),
                dm.field("Received by the Secretariat", _date(row, "received_date")),
                dm.field("Annex IV Part 1 verification (Article 6.2)", str(v.get("verification_basis") or "") or None),
                dm.field("Summary circulated", _t(row, "summary_published")),
                dm.field("Annex IV Part 2 collection (Article 6.3)", str(v.get("part2_basis") or "") or None),
                dm.field("Reviewed at", _t(row, "committee_meeting")),
            ]
        ),
        dm.fields([dm.field("Description of the incidents by the designated national authority (Annex IV Part 1 (g))", _t(row, "incidents"))]),
        table,
    ]
    if not table["rows"]:
        sblocks.append(_missing("the Part B incident reports behind the proposal."))
    S.append(dm.section("scope", "Introduction and scope", number="1", blocks=sblocks))
    crit = facts.criteria.get(pid, {})
    for k, it in enumerate(items("annex_iv_part3").items, start=2):
        blocks = [dm.p(it.text, "legal"), *_criterion_blocks(crit.get(it.id), AID_LABEL)]
        if it.id == "(d)" and eff.get("summary"):
            blocks.append(dm.p(f"Reported effects and the quantity used, from the Part B reports and the proposal: {eff['summary']}.", "note"))
        S.append(dm.section(it.id, f"Criterion {it.id}: {PART3_TITLES.get(it.id, '')}".rstrip(": "), number=str(k), part=it.id.strip("()"), blocks=blocks))
    label = {
        "met": "The proposal meets the criteria of Annex IV Part 3.",
        "not_met": "The proposal does not meet the criteria of Annex IV Part 3.",
    }.get(status, "No conclusion is recorded: the proposal has not yet been concluded to meet or not to meet the criteria of Annex IV Part 3.")
    S.append(
        dm.section(
            "conclusion",
            "Conclusion",
            number=str(len(items("annex_iv_part3").items) + 2),
            blocks=[
                dm.p(label, "lead"),
                dm.fields([dm.field("Conclusion", STATUS_LABELS.get(status, status)), dm.field("On what it rests", str(con.get("part3_basis") or "") or None)], key="conclusion"),
                dm.p(
                    "Annex IV Part 3 is met when criteria (a)-(d) are met and (e) holds: intentional misuse is not in itself an adequate reason to list a "
                    "formulation. A criterion recorded as not met means it is not met (Article 6.5). One proposal meeting Part 3 is enough; there is no two-region rule.",
                    "note",
                ),
            ],
        )
    )
    return {
        "kind": "rationale",
        "schema": dm.SCHEMA_VERSION,
        "title": title,
        "missing": MISSING,
        "meta": {
            "variant": "shpf",
            "proposal_id": pid,
            "chemical": name,
            "category": CATEGORY,
            "proposing_party": party,
            "part3_status": status,
            "file_stem": f"rationale-{safe_filename(pid)}-{CATEGORY}",
            "generated_on": today.isoformat(),
        },
        "notices": notices,
        "sections": S,
        "checks": [],
    }


__all__ = [
    "Formulation",
    "formulations",
    "find_formulation",
    "formulation_for",
    "entry_text",
    "shpf_dgd",
    "recommended_formulations",
    "synopsis_appendix_ii",
    "proposal_rationale_document",
]
