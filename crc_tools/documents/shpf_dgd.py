"""The draft decision guidance document for a severely hazardous pesticide formulation (Article 6, Annex IV).

Same frame as the DGD of a banned or severely restricted chemical (front matter, section 4,
Annex 1 from the substance data of the active ingredient, Annexes 3 and 4 are the shared parts
of :mod:`~crc_tools.documents.parts` and :mod:`~crc_tools.documents.substance`); what differs:
section 1 identifies the formulation (active ingredients with CAS numbers and concentrations,
formulation type, trade names, the Annex III entry with its formulation type and concentration
threshold); section 2 rests on the proposal of one Party (no second PIC region is needed,
Article 6), 2.1 gives its incidents (Annex IV Part 1 (g), the Part B reports), 2.2 the
Committee's conclusions on Annex IV Part 3; section 3 the measures of the proposing Party (Part
1 (h)), handling restrictions (Part 2 (b)) and alternatives (Part 2 (h)); Annex 1 adds the
information the Secretariat collected under Annex IV Part 2; Annex 2 the proposal and its
incident reports. Only a proposal concluded to meet Annex IV Part 3 is presented (Article 6.5).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..convention.reference import PIC_REGIONS, annex_iii_matches, hs_codes, items, stockholm_for
from ..i18n import N_, _, lookup
from ..text import normalize_name, safe_filename
from . import model as dm
from . import substance as sb
from .casedata import CaseData
from .checks import check_shpf_dgd
from .formulation import (
    CATEGORY,
    CATEGORY_LABEL,
    DEVELOPMENT_LABELS,
    HS_HEADING_NOTE,
    INCIDENT_TYPE_LABELS,
    Facts,
    Formulation,
    eligibility_text,
    entry_text,
    find_formulation,
    incident_fields,
    incident_table,
    ingredient_text,
    ingredients,
    lines,
    part2_blocks,
    type_text,
)
from .parts import References, committee_concluded, cover, date, dna_annex, finish, front_matter, text, title_block
from .style import join, party_label, party_prose, region_prose


@dataclass
class Shpf:
    """What the parts of one SHPF DGD read: the formulation, its proposals and the data behind them."""

    data: CaseData
    f: Formulation
    facts: Facts
    today: dt.date
    basis: list[dict] = field(default_factory=list)
    others: list[dict] = field(default_factory=list)
    own_entry: object = None
    coverage_note: str = ""
    substance: dict = field(default_factory=dict)
    refs: References = field(default_factory=References)
    notes: list = field(default_factory=list)

    @classmethod
    def build(cls, data: CaseData, chemical: str, today: dt.date) -> "Shpf":
        """Return the context of the DGD of a formulation."""
        from ..proposals.shpf import annex_iii_coverage
        from .formulation import proposal_entries

        f = find_formulation(data, chemical)
        ctx = cls(data, f, Facts(data), today)
        for e in proposal_entries(f.rows):
            e["received"] = text(e["row"], "received_date")
            e["prose"] = party_prose(e["party"])
            e["concluded"] = committee_concluded(ctx.facts.conclusions.get(e["pid"], {}), list(ctx.facts.criteria.get(e["pid"], {}).values()))
            (ctx.basis if ctx.facts.status(e["pid"]) == "met" else ctx.others).append(e)
        ctx.own_entry, ctx.coverage_note = annex_iii_coverage(f.rows.iloc[0].to_dict())
        ings = ctx.ingredients
        ctx.substance = sb.find(data, [f.name, *(n for n, _, _ in ings)], [c for _, c, _ in ings if c])
        return ctx

    @property
    def name(self) -> str:
        """Return the formulation's name."""
        return self.f.name

    @property
    def ingredients(self) -> list[tuple[str, str, str]]:
        """Return (name, CAS number, concentration) per active ingredient, over all proposals."""
        return list(dict.fromkeys((n, c, conc) for r in self.f.rows.to_dict("records") for n, c, conc in ingredients(r)))

    @property
    def entry(self) -> str | None:
        """Return the Annex III entry the listing needs."""
        return entry_text(self.f.status)

    @property
    def pops(self) -> list:
        """Return the Stockholm Convention listings of the active ingredients."""
        return [s for n, c, _ in self.ingredients for s in stockholm_for(n, [c] if c else [])]


# --------------------------------------------------------------------------- section 1


def _hs_codes(ctx: Shpf) -> list[str]:
    names = [ctx.own_entry.chemical] if ctx.own_entry is not None else []
    codes = [f"{h.hs_code} ({h.hs_edition} subheading{': ' + h.description if h.description else ''})" for h in hs_codes() if h.chemical in names and h.hs_code]
    for h in hs_codes():
        if h.chemical in names and not h.hs_code and h.notes:
            ctx.notes.append(("HS code", h.notes))
    return list(dict.fromkeys(codes)) or [HS_HEADING_NOTE]


def _other_uses(ctx: Shpf) -> list[str]:
    """Other formulations and uses of the active ingredients (Article 7.1; Annex IV Part 2 (g))."""
    out = []
    for e in ctx.basis:
        r = ctx.facts.part2.get(e["pid"], {}).get("(g)", {})
        if str(r.get("status") or "") == "collected":
            what = str(r.get("summary") or "").strip() or f"information collected from {str(r.get('source') or '').strip() or 'a source not recorded'}"
            out.append(f"Other formulations of the pesticide and incidents with them (information collected for the proposal of {e['prose']}): {what}")
    prepared = ctx.data.prepared if len(ctx.data.notifications) else None
    for name, cas, _conc in sorted(set(ctx.ingredients)):
        cap = name[:1].upper() + name[1:]
        for a in annex_iii_matches(name, [cas] if cas else []):
            if ctx.own_entry is not None and a.entry_id == ctx.own_entry.entry_id and a.category == ctx.own_entry.category:
                continue
            out.append(f"{cap}: another formulation is listed in Annex III as a severely hazardous pesticide formulation: {a.chemical} ({a.listing})." if a.category == CATEGORY else f"{cap}: listed in Annex III in the {a.category} category ({a.listing}); that listing covers all its formulations.")
        for key, ident in (ctx.data.identities.items() if prepared is not None and len(prepared) else []):
            if normalize_name(ident.name) != normalize_name(name) and not (cas and cas in ident.cas_numbers):
                continue
            for cat, g in prepared[prepared["chemical_key"] == key].groupby("category", sort=True):
                parties = sorted({party_prose(p) for v in g["notifying_party"].astype(str) for p in v.split(";") if p})
                out.append(f"{cap}: notified as banned or severely restricted in the {cat} category by {join(parties)} (Article 5).")
    return list(dict.fromkeys(out))


def section_1(ctx: Shpf) -> list[dict]:
    """Identification and specifications of the formulation and its active ingredients."""
    f, st, name = ctx.f, ctx.f.status, ctx.name
    other_names = sorted({str(n) for n in f.rows["formulation_name"] if str(n).strip() and normalize_name(n) != normalize_name(name)}, key=str.casefold)
    if ctx.own_entry is not None and ctx.own_entry.category == CATEGORY:
        other_names += [x for x in (ctx.own_entry.chemical, ctx.own_entry.short_name) if x and normalize_name(x) != normalize_name(name) and x not in other_names]
    ing_rows = [[n, c or None, conc or None] for n, c, conc in ctx.ingredients]
    cas_all = list(dict.fromkeys([c for _, c, _ in ctx.ingredients if c] + ctx.substance["cas_numbers"]))
    recs = f.rows.to_dict("records")
    ftype = str(st.get("formulation_type") or "")
    entry_codes = next((c for e in (ctx.basis or ctx.others) for c in [text(e["row"], "annex_iii_formulation_types")] if c), None) or ftype
    listed = bool(st.get("listed_in_annex_iii"))
    rows = [
        dm.field("Name of the formulation", name, "formulation_name"),
        dm.field("Other names of the formulation", other_names, "other_names"),
        dm.field("Active ingredient(s)", list(dict.fromkeys(n for n, _, _ in ctx.ingredients)), "active_ingredients"),
        dm.field("CAS number(s) of the active ingredient(s)", cas_all, "cas_numbers"),
        dm.field("Relative amount of each active ingredient", [ingredient_text(n, c, conc) for n, c, conc in ctx.ingredients], "concentrations"),
        dm.field("Formulation type", type_text(ftype), "formulation_type"),
        dm.field("Trade names", sorted({t for r in recs for t in lines(r, "trade_names")}, key=str.casefold), "trade_names"),
        dm.field("Names of the producers", sorted({t for r in recs for t in lines(r, "producers")}, key=str.casefold), "producers"),
        dm.field("Category", CATEGORY_LABEL, "category"),
        dm.field("Annex III entry (formulation type and concentration threshold)", ctx.entry, "annex_iii_entry"),
        dm.field("Formulation type(s) covered by the entry", type_text(entry_codes), "entry_formulation_types"),
        dm.field("Concentration threshold", st.get("concentration_threshold") or None, "concentration_threshold"),
        dm.field("Listed in Annex III", st.get("annex_iii_entry") if listed else "no", "listed"),
        dm.field("Harmonized System customs code", _hs_codes(ctx), "hs_code"),
        dm.field("Common and recognized patterns of use in the proposing Party", [f"{e['label']}: {text(e['row'], 'patterns_of_use')}" for e in ctx.basis + ctx.others if text(e["row"], "patterns_of_use")], "uses"),
        dm.field("Other formulations and uses of the active ingredient(s)", _other_uses(ctx), "other_formulations"),
    ]
    if ctx.coverage_note and not listed:
        ctx.notes.append(("Annex III", ctx.coverage_note))
    return [dm.section("1", "Identification and specifications", number="1", blocks=[
        dm.fields(rows, key="identification", caption=name),
        dm.table([("ingredient", N_("Active ingredient")), ("cas", N_("CAS number")), ("concentration", N_("Concentration"))], ing_rows, key="ingredients", caption="Active ingredients of the formulation"),
    ])]


# --------------------------------------------------------------------------- section 2


def _lead(ctx: Shpf) -> list[dict]:
    if not ctx.basis:
        return [dm.to_complete(_("No proposal for {name} has been concluded to meet the criteria of Annex IV Part 3: there is no basis for listing yet (Article 6.5).").format(name=ctx.name))]
    who = join([f"{e['prose']} ({region_prose(e['region']) or 'PIC region not established'}; a {DEVELOPMENT_LABELS.get(str(ctx.facts.verification.get(e['pid'], {}).get('development_status') or ''), 'Party not classified by development')})" for e in ctx.basis])
    out = [
        dm.p(f"{ctx.name} is proposed for inclusion in the PIC procedure as a severely hazardous pesticide formulation on the basis of the proposal{'s' if len(ctx.basis) > 1 else ''} by {who}, which experienced problems with the formulation under conditions of use in its territory (Article 6.1)."),
        dm.p("Under Article 6 one proposal, verified as containing the information required by Annex IV Part 1 and supplemented by the information the Secretariat collects under Annex IV Part 2, is enough: no proposal from a second PIC region is needed."),
    ]
    meetings = list(dict.fromkeys(m for e in ctx.basis if e["concluded"] for m in [text(e["row"], "committee_meeting")] if m))
    if all(e["concluded"] for e in ctx.basis):
        out.append(dm.p(f"The Chemical Review Committee concluded{' at ' + join(meetings) if meetings else ''} that the proposal meets the criteria of Annex IV Part 3 (Article 6.5)" + (f", and recommended the entry: {ctx.entry}." if ctx.entry else ".")))
    else:
        out.append(dm.to_complete("The conclusion of the Chemical Review Committee on the criteria of Annex IV Part 3 (none recorded)."))
    return out


def _part3_paragraphs(ctx: Shpf, e: dict) -> list[dict]:
    """Return the Committee's conclusion on each criterion of Annex IV Part 3, as prose; to be completed where it has not concluded."""
    out = []
    crit = ctx.facts.criteria.get(e["pid"], {})
    for it in items("annex_iv_part3").items:
        c = crit.get(it.id, {})
        status = str(c.get("status") or "")
        by_committee = str(c.get("role") or "committee") == "committee" and status in ("met", "not_met")
        if by_committee:
            verdict = "is met" if status == "met" else "is not met"
            out.append(dm.p(f"Criterion {it.id}: the Committee concluded that the criterion {verdict}." + (f" {str(c.get('justification')).strip()}" if str(c.get("justification") or "").strip() else "")))
        else:
            out.append(dm.to_complete(f"Criterion {it.id}: the Committee's conclusion ({it.text[:1].lower() + it.text[1:]})"))
    return out


def section_2(ctx: Shpf) -> list[dict]:
    """Reasons for inclusion: the proposal; 2.1 the incidents, 2.2 the Committee's conclusions on Annex IV Part 3."""
    b21: list[dict] = []
    b22: list[dict] = []
    for e in ctx.basis:
        v = ctx.facts.verification.get(e["pid"], {})
        b21.append(dm.heading(e["label"], party=e["party"], region=e["region"], status=ctx.facts.status(e["pid"]), basis=True, eligibility=eligibility_text(v)))
        b21.append(dm.fields([dm.field("Description of the incidents", text(e["row"], "incidents"), "incident_summary")], party=e["party"]))
        table = incident_table(ctx.facts, e, caption=f"Incident reports from {e['label']}")
        b21.append(table if table["rows"] else dm.to_complete("The incident reports behind the proposal."))
        b22.append(dm.heading(e["label"]))
        b22 += _part3_paragraphs(ctx, e)
    if not ctx.basis:
        b21 = b22 = [dm.to_complete()]
    return [
        dm.section("2", "Reasons for inclusion in the PIC procedure", number="2", blocks=_lead(ctx)),
        dm.section("2.1", "Incidents reported by the proposing Party", number="2.1", level=2, part="2", blocks=b21),
        dm.section("2.2", "Conclusions of the Chemical Review Committee on the criteria of Annex IV Part 3", number="2.2", level=2, part="2", blocks=b22),
    ]


def section_3(ctx: Shpf) -> list[dict]:
    """Protective measures: those of the proposing Party, handling restrictions, alternatives."""
    rows31 = [dm.field(e["label"], text(e["row"], "measures_taken")) for e in ctx.basis]
    b32 = [dm.fields([dm.field(e["label"], text(e["row"], "handling_restrictions")) for e in ctx.basis], key="restrictions_needed", caption="Restrictions that safe use would need, as stated by the proposing Party")] if ctx.basis else [dm.to_complete()]
    b32 += [dm.heading("Handling or applicator restrictions in other States"), *part2_blocks(ctx.facts, ctx.basis, "(b)", key="part2_section", notes=ctx.notes)] if ctx.basis else []
    b33 = part2_blocks(ctx.facts, ctx.basis, "(h)", key="part2_section", notes=ctx.notes) if ctx.basis else [dm.to_complete()]
    b33.append(dm.p("Before a country considers substituting an alternative, it should make sure that the use is relevant to its national needs and to the anticipated local conditions of use, and evaluate the hazards of the substitute and the controls needed for its safe use."))
    return [
        dm.section("3", "Protective measures that have been applied concerning the formulation", number="3"),
        dm.section("3.1", "Regulatory and administrative measures taken by the proposing Party", number="3.1", level=2, part="3", blocks=[dm.fields(rows31, key="measures", caption="Measures taken")] if rows31 else [dm.to_complete()]),
        dm.section("3.2", "Handling or applicator restrictions", number="3.2", level=2, part="3", blocks=b32),
        dm.section("3.3", "Alternatives", number="3.3", level=2, part="3", blocks=b33),
    ]


def section_4(ctx: Shpf) -> list[dict]:
    """Hazards and risks (4.1-4.5), from the substance data of the active ingredient."""
    return sb.hazard_sections(ctx.substance, CATEGORY, ctx.basis, ctx.refs, pops=ctx.pops, name=ctx.name)


def annex_1(ctx: Shpf) -> list[dict]:
    """Further information on the formulation: the substance data, then the Annex IV Part 2 information item by item."""
    a7: list[dict] = [dm.p("After verifying the proposal and circulating its summary, the Secretariat collects the information of Annex IV Part 2 (Article 6.3).")]
    for it in items("annex_iv_part2").items:
        a7.append(dm.heading(f"{it.id} {lookup(it.text)}", key="part2_item"))
        a7 += part2_blocks(ctx.facts, ctx.basis, it.id, key="part2", notes=ctx.notes) if ctx.basis else [dm.to_complete()]
    extra = [dm.section("annex1.7", "Information collected by the Secretariat (Annex IV Part 2)", number="7", level=2, part="annex1", blocks=a7)]
    intro = "This annex gives further information on the formulation and its active ingredient(s) from the proposal, the information collected by the Secretariat and the other documents listed in Annex 4; numbers in square brackets refer to Annex 4."
    return sb.annex1_sections(ctx.substance, ctx.refs, [e["prose"] for e in ctx.basis], title=N_("Further information on the formulation"), intro=intro, extra=extra)


def _annex2_rows(ctx: Shpf, e: dict) -> list[dict]:
    from ..intake.fields import proposal_schema

    r, ings = e["row"], ingredients(e["row"])
    rows = [
        dm.field("Proposing Party and PIC region", f"{e['label']} ({region_prose(e['region']) or 'PIC region not established'})"),
        dm.field("Name of the hazardous pesticide formulation (Annex IV Part 1 (a))", text(r, "formulation_name"), "formulation_as_proposed"),
        dm.field("Active ingredient(s) (Annex IV Part 1 (b))", [n for n, _, _ in ings], "ingredients_as_proposed"),
        dm.field("CAS number(s) as proposed", [c for _, c, _ in ings if c], "cas_as_proposed"),
        dm.field("Relative amount of each active ingredient (Annex IV Part 1 (c))", [ingredient_text(n, c, conc) for n, c, conc in ings], "concentrations_as_proposed"),
        dm.field("Type of formulation (Annex IV Part 1 (d))", type_text(text(r, "formulation_type") or ""), "type_as_proposed"),
        dm.field("Trade names and producers (Annex IV Part 1 (e))", [*lines(r, "trade_names"), *(f"Producer: {x}" for x in lines(r, "producers"))]),
    ]
    shown = {"proposal_id", "proposing_party", "formulation_name", "active_ingredients", "active_ingredient_cas", "active_ingredient_concentrations", "formulation_type", "trade_names", "producers", "incident_reports"}
    for spec in proposal_schema().fields:
        if spec.form == "Part A" and spec.name not in shown and not spec.name.startswith("dna_"):
            rows.append(dm.field(spec.display + (f" (Annex IV Part 1 {spec.annex_iv})" if spec.annex_iv else ""), text(r, spec.name), spec.name))
    return rows + [dm.field("Received by the Secretariat", date(r, "received_date"))]


def annex_2(ctx: Shpf) -> list[dict]:
    """Return Annex 2: the proposal and its incident reports (Annex IV Part 1; Part B reports)."""
    a2: list[dict] = []
    for e in ctx.basis:
        a2.append(dm.heading(e["label"], party=e["party"]))
        a2.append(dm.fields(_annex2_rows(ctx, e), key="annex2", party=e["party"], caption=f"Proposal of {e['label']}"))
        reports = ctx.facts.incident_rows(e["pid"])
        for inc in reports:
            kind = INCIDENT_TYPE_LABELS.get(str(inc.get("incident_type") or ""), "incident")
            when = date(inc, "incident_date")
            a2.append(dm.heading(f"Incident report {text(inc, 'incident_id') or ''} ({kind}{', ' + when if when else ''})".replace("  ", " "), level=4, party=e["party"], key="incident"))
            a2.append(incident_fields(inc, e["party"]))
        if not reports:
            a2.append(dm.to_complete("The incident reports (the report forms for human-health and environmental incidents)."))
    return [dm.section("annex2", "The proposal and its incident reports", number=N_("Annex 2"), blocks=a2 or [dm.to_complete()])]


def annex_3(ctx: Shpf) -> list[dict]:
    """Return Annex 3: the designated national authority of the proposing Party."""
    return [dna_annex(ctx.basis, _("Pesticides"), title=N_("Addresses of designated national authorities"), party_heading=N_("Proposing Party"))]


def annex_4(ctx: Shpf) -> list[dict]:
    """Return Annex 4: the proposal, the documents collected under Annex IV Part 2, those the Committee cited, the substance references."""
    g = References.GROUPS
    for e in ctx.basis:
        r = e["row"]
        ctx.refs.add(g[0], f"{e['label']}. Proposal to list {text(r, 'formulation_name') or ctx.name} in Annex III as a severely hazardous pesticide formulation" + (f". Received by the Secretariat on {date(r, 'received_date')}." if date(r, "received_date") else "."), party=e["party"])
        if text(r, "summary_published"):
            ctx.refs.add(g[0], f"Summary of the proposal of {e['label']}: {text(r, 'summary_published')}.", party=e["party"])
        for it in ctx.facts.part2.get(e["pid"], {}).values():
            if str(it.get("status")) == "collected" and str(it.get("source") or "").strip():
                ctx.refs.add(g[1], str(it["source"]).strip(), party=e["party"])
        for c in ctx.facts.criteria.get(e["pid"], {}).values():
            for ref in [x.strip() for x in str(c.get("references") or "").split("\n") if x.strip() and x.strip() != "nan"]:
                ctx.refs.add(g[1], ref, party=e["party"])
    general = ["Rotterdam Convention on the Prior Informed Consent Procedure for Certain Hazardous Chemicals and Pesticides in International Trade."]
    general += [f"Stockholm Convention on Persistent Organic Pollutants, Annex {s.stockholm_annex}" + (f", decision {s.cop_decision}." if s.cop_decision else ".") for s in ctx.pops]
    return [ctx.refs.section(list(dict.fromkeys(general)))]


PARTS = (section_1, section_2, section_3, section_4, annex_1, annex_2, annex_3, annex_4)
"""The parts of the SHPF DGD after its front matter, in order."""


def _review_notes(document: dict, ctx: Shpf) -> None:
    st = ctx.f.status
    if st.get("listed_in_annex_iii"):
        dm.add_note(document, "Status", f"{ctx.name} is already covered by Annex III ({st.get('annex_iii_entry')}); a DGD exists, so this draft can only serve a revision.")
    elif not st.get("recommend_listing"):
        dm.add_note(document, "Status", f"The Committee has not concluded that a proposal for {ctx.name} meets Annex IV Part 3: {st.get('missing') or 'no proposal meets it'}. This draft is for preparation only.")
    for e in ctx.basis:
        v = ctx.facts.verification.get(e["pid"], {})
        if eligibility_text(v).startswith("no"):
            dm.add_note(document, "Article 6.1", str(v.get("eligibility_basis")))
        for x in lines(e["row"], "sources"):
            dm.add_note(document, f"Sources of the proposal of {e['label']} ({e['pid']})", x)
        for x in lines(e["row"], "illustrative"):
            dm.add_note(document, f"Illustrative details of the proposal of {e['label']} ({e['pid']})", x)
    for e in ctx.others:
        dm.add_note(document, "Proposals not presented", f"{e['label']} ({region_prose(e['region']) or 'no established PIC region'}), proposal {e['pid']}: Annex IV Part 3 {ctx.facts.status(e['pid']).replace('_', ' ')}; not a basis for this listing.")
    for topic, note in ctx.notes:
        dm.add_note(document, topic, note)
    sb.notes(document, ctx.substance)


def shpf_dgd(*, chemical: str, category: str | None, data: CaseData, today: dt.date) -> dict:
    """Return the model of the draft DGD for a severely hazardous pesticide formulation.

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
    from ..errors import UsageError

    if category and str(category).strip().casefold() != CATEGORY:
        raise UsageError(f"a DGD for a severely hazardous pesticide formulation is in the shpf category, not '{category}'")
    ctx = Shpf.build(data, chemical, today)
    sections_ = [cover("shpf", ctx.name, CATEGORY, today), *front_matter("shpf"), title_block("shpf", ctx.name, today)]
    for part in PARTS:
        sections_ += part(ctx)
    regions = sorted({e["region"] for e in ctx.basis if e["region"]}, key=lambda r: PIC_REGIONS.index(r) if r in PIC_REGIONS else 99)
    meta = {
        "variant": "shpf", "chemical": ctx.name, "category": CATEGORY, "category_label": CATEGORY_LABEL,
        "file_stem": f"dgd-{safe_filename(ctx.name)}-{CATEGORY}", "generated_on": today.isoformat(),
        "proposing_parties": [e["party"] for e in ctx.basis], "proposal_ids": [e["pid"] for e in ctx.basis], "pic_regions": regions,
        "annex_iii_entry": ctx.entry or "", "recommend_listing": bool(ctx.f.status.get("recommend_listing")), "listed_in_annex_iii": bool(ctx.f.status.get("listed_in_annex_iii")),
    }
    document = dm.new_document("dgd", f"Decision guidance document for a severely hazardous pesticide formulation: {ctx.name} (draft)", sections_, meta=meta)
    _review_notes(document, ctx)
    return finish(document, checks=check_shpf_dgd)


def recommended_formulations(data: CaseData, *, include_listed: bool = True) -> list[str]:
    """Return the names of the formulations whose proposal meets Annex IV Part 3 (Article 6.5)."""
    st = data.shpf_status
    if st.empty:
        return []
    rec = st[st["recommend_listing"].astype(bool) & (include_listed | ~st["listed_in_annex_iii"].astype(bool))]
    return [str(x) for x in rec["chemical"]]


__all__ = ["shpf_dgd", "recommended_formulations", "PARTS", "Shpf", "party_label"]
