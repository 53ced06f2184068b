"""The draft decision guidance document for a banned or severely restricted chemical (Article 7.1).

Layout of published DGDs (domain brief §3.2-3.3): cover, introduction, purpose, disclaimer,
list of abbreviations, title block; 1 identification and specifications; 2 reasons for
inclusion in the PIC procedure (2.1 final regulatory action, 2.2 risk evaluation); 3
protective measures (3.1-3.4); 4 hazards and risks (4.1-4.5); Annex 1 further information on
the substance; Annex 2 details on the final regulatory actions; Annex 3 designated national
authorities; Annex 4 references. Each part is one function of :data:`PARTS`; the shared ones
(front matter, section 4, Annex 1, Annexes 3 and 4) are in :mod:`~crc_tools.documents.parts`
and :mod:`~crc_tools.documents.substance`.

Only notifications concluded to meet Annex II are presented as the basis for listing
(Article 5.6). The DGD holds only DGD content: the review notes (other notifications, the
criterion matrix, the consistency check, provenance of the data) go to the drafting notes
written beside it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from ..convention.reference import PIC_REGIONS, annex_iii_matches, hs_codes_for, stockholm_for
from ..i18n import N_, _, lookup, ngettext
from ..text import normalize_name, safe_filename
from . import model as dm
from . import substance as sb
from .casedata import CaseData, resolve_category
from .checks import check_dgd
from .parts import (
    EVALUATION_SENTENCES,
    FRA_TYPE_LABELS,
    STATUS_LABELS,
    References,
    category_label,
    committee_concluded,
    cover,
    date,
    dna_annex,
    entries,
    finish,
    front_matter,
    items,
    notification_citation,
    regions_prose,
    text,
    title_block,
)
from .style import join, party_lead, region_prose, with_parties, with_parties_n

HS_PROVENANCE = {"wco_subheading": "subheading", "wco_recommendation": "code recommended by the World Customs Organization", "notifying_party": "code given by a notifying Party"}
"""How section 1 says where an HS code comes from (``data/reference/hs_codes.csv`` provenance)."""


@dataclass
class Fra:
    """What the parts of one DGD read: the chemical, its notifications and the data behind them."""

    data: CaseData
    key: str
    category: str
    today: dt.date
    name: str = ""
    mine: pd.DataFrame = None
    basis: list[dict] = field(default_factory=list)
    others: list[dict] = field(default_factory=list)
    status: dict = field(default_factory=dict)
    annex_iii: list = field(default_factory=list)
    pops: list = field(default_factory=list)
    substance: dict = field(default_factory=dict)
    refs: References = field(default_factory=References)

    @classmethod
    def build(cls, data: CaseData, chemical: str, category: str | None, today: dt.date) -> "Fra":
        """Return the context of the DGD of a chemical and category (the recommended one by default)."""
        key = data.find_chemical(chemical)
        cat = resolve_category(data, key, category)
        ctx = cls(data, key, cat, today)
        ident = data.identities[key]
        ctx.name = ident.name
        df = data.prepared
        ctx.mine = df[(df["chemical_key"] == key) & (df["category"] == cat)]
        ctx.basis = [e for e in entries(ctx.mine[ctx.mine["annex_ii_status"] == "met"]) if e]
        ctx.others = entries(ctx.mine[ctx.mine["annex_ii_status"] != "met"])
        for e in ctx.basis:
            concl = data.conclusions.get((e["id"], cat), {})
            e["concluded"] = committee_concluded(concl, data.criteria_rows(e["id"], cat))
        ctx.status = data.status_row(key, cat) or {}
        ctx.annex_iii = list(ident.annex_iii) or [e for e in annex_iii_matches(ctx.name, ident.cas_numbers) if e.category != "shpf"]
        ctx.pops = stockholm_for(ctx.name, ident.cas_numbers)
        ctx.substance = sb.find(data, [ctx.name, *ctx.mine["chemical"].astype(str)], ident.cas_numbers)
        return ctx

    @property
    def other_categories(self) -> pd.DataFrame:
        """Return the notifications of the chemical in the other category."""
        df = self.data.prepared
        return df[(df["chemical_key"] == self.key) & (df["category"] != self.category)]

    @property
    def precedent(self) -> bool:
        """Return whether the review rests on the additional-category precedent (CRC-10/5)."""
        return bool(self.status.get("basis")) and "CRC-10/5" in str(self.status.get("basis"))

    @property
    def meetings(self) -> list[str]:
        """Return the meetings at which the Committee concluded on the notifications presented."""
        return sorted({m for e in self.basis if e["concluded"] for m in [text(e["row"], "committee_meeting")] if m})


# --------------------------------------------------------------------------- section 1


def _labelled(label: str, value: str | None) -> str | None:
    """Return ``Label: value`` in the language in use (the label translated, the notification's value as submitted), or ``None``."""
    return lookup(label) + value if value else None


def _hs_codes(ctx: Fra) -> list[str]:
    """HS codes with where each comes from: the reference table's subheadings, then codes only a notification gives."""
    out, codes = [], set()
    for e in ctx.annex_iii:
        for h in hs_codes_for(e.chemical):
            codes.add(h.hs_code)
            out.append(f"{h.hs_code} ({h.hs_edition} {HS_PROVENANCE.get(h.provenance, h.provenance.replace('_', ' '))}{': ' + h.description if h.description else ''})")
    for e in entries(ctx.mine):
        code = text(e["row"], "hs_code")
        if code and code not in codes:
            codes.add(code)
            out.append(with_parties("{code} (as given in the notification of {party})", code=code, party=e["prose"]))
    return list(dict.fromkeys(out))


def _uses_other(ctx: Fra) -> list[str]:
    out = []
    for e in entries(ctx.other_categories):
        bits = [x for x in (text(e["row"], "uses"), _("uses that remain allowed: {uses}").format(uses=text(e["row"], "uses_allowed")) if text(e["row"], "uses_allowed") else None) if x]
        out.append(with_parties("{category}, notified by {party}: ", category=category_label(str(e["row"]["category"])), party=e["prose"]) + ("; ".join(bits) if bits else _("notified in this category; uses to be completed")))
    for a in ctx.annex_iii:
        if a.category != ctx.category:
            out.append(_("Listed in Annex III in the {category} category ({listing}).").format(category=lookup(a.category), listing=a.listing))
    for a in annex_iii_matches(ctx.name, ctx.data.identities[ctx.key].cas_numbers):
        if a.category == "shpf":
            out.append(_("Formulations listed in Annex III as severely hazardous pesticide formulations: {chemical} ({listing}).").format(chemical=a.chemical, listing=a.listing))
    return list(dict.fromkeys(out))


def section_1(ctx: Fra) -> list[dict]:
    """Identification and specifications."""
    mine = ctx.mine
    name = ctx.name
    notified = sorted({str(n) for n in mine["chemical"] if str(n).strip() and normalize_name(n) != normalize_name(name)}, key=str.casefold)
    synonyms = notified + sorted({a for e in ctx.annex_iii for a in (e.chemical, e.short_name, *e.aliases) if a and normalize_name(a) != normalize_name(name)} - set(notified), key=str.casefold)
    ident = sb.identity_rows(ctx.substance)
    chem_names = [ident["chemical_name"]] if ident["chemical_name"] else sorted({v for _, r in mine.iterrows() for v in [text(r, "chemical_name")] if v})
    cas = list(dict.fromkeys([c for _, r in mine.iterrows() for c in items(r, "cas_number")] + [c for e in ctx.annex_iii if e.category == ctx.category for c in e.cas_numbers] + ctx.substance["cas_numbers"]))
    trade = sorted({x for _, r in mine.iterrows() for x in items(r, "trade_names")}, key=str.casefold)
    uses_here = [f"{e['label']}: {text(e['row'], 'uses')}" for e in entries(mine) if text(e["row"], "uses")]
    rows = [
        dm.field("Common name", name, "common_name"),
        dm.field("Other names and synonyms", synonyms, "synonyms"),
        dm.field("Chemical name (IUPAC or other internationally recognized nomenclature)", chem_names, "chemical_name"),
        dm.field("Molecular formula", ident["molecular_formula"], "molecular_formula"),
        dm.field("Chemical structure", ident["structure"], "structure"),
        dm.field("CAS number(s)", cas, "cas_numbers"),
        dm.field("Harmonized System customs code", _hs_codes(ctx), "hs_code"),
        dm.field("Other numbers", list(dict.fromkeys(x for _, r in mine.iterrows() for x in items(r, "other_numbers"))), "other_numbers"),
        dm.field("Category", category_label(ctx.category), "category"),
        dm.field("Regulated category", category_label(ctx.category), "regulated_category"),
        dm.field("Use(s) in regulated category", uses_here, "uses_regulated"),
        dm.field("Trade names", trade, "trade_names"),
    ]
    if ctx.category == "pesticide":
        rows.append(dm.field("Formulation types", ident["formulation_types"], "formulation_types"))
    rows += [dm.field("Uses in other categories", _uses_other(ctx), "uses_other_categories"), dm.field("Basic manufacturers", ident["manufacturers"], "manufacturers")]
    return [dm.section("1", "Identification and specifications", number="1", blocks=[dm.fields(rows, key="identification", caption=name)])]


# --------------------------------------------------------------------------- section 2


def _lead(ctx: Fra) -> list[dict]:
    basis = ctx.basis
    if not basis:
        return [dm.to_complete(_("No notification of {chemical} in the {category} category has been concluded to meet the criteria of Annex II: there is no basis for listing yet (Article 5.6).").format(chemical=ctx.name, category=lookup(ctx.category)))]
    types = tuple(sorted({FRA_TYPE_LABELS.get(str(e["row"].get("fra_type") or ""), "") for e in basis} - {""}))
    action = {("banned",): _("ban"), ("severely restricted",): _("severely restrict")}.get(types) or _("ban or severely restrict")
    n_regions = len({r for e in basis for r in e["region"].split(", ") if r})
    n = len(basis)
    where = ngettext("one PIC region", "{n} PIC regions", n_regions).format(n=n_regions) + ": " + (regions_prose(basis) or _("to be completed"))
    as_what = _("a pesticide") if ctx.category == "pesticide" else _("an industrial chemical")
    out = [
        dm.p(
            with_parties_n(
                "{chemical} is proposed for inclusion in the PIC procedure as {as_what} on the basis of the final regulatory action to {action} it notified by {parties}. ",
                "{chemical} is proposed for inclusion in the PIC procedure as {as_what} on the basis of the final regulatory actions to {action} it notified by {parties}. ",
                n,
                chemical=ctx.name,
                as_what=as_what,
                action=action,
                parties=join([e["prose"] for e in basis]),
            )
            + ngettext("The notification comes from {where}.", "The notifications come from {where}.", n).format(where=where)
        )
    ]
    if ctx.precedent and n_regions < 2:
        listed = [a for a in ctx.annex_iii if a.category != ctx.category]
        other = lookup(listed[0].category) if listed else _("other")
        out.append(dm.p(_("The chemical is already listed in Annex III in the {category} category; one notification meeting the criteria of Annex II supports its listing in the additional category, as the Committee decided for tributyltin compounds in decision CRC-10/5.").format(category=other)))
    concluded = [e for e in basis if e["concluded"]]
    if concluded and len(concluded) == len(basis):
        meetings = ctx.meetings
        if meetings:
            text_ = ngettext(
                "The Chemical Review Committee concluded at {meetings} that this notification meets the criteria of Annex II (Article 5.6).",
                "The Chemical Review Committee concluded at {meetings} that these notifications meet the criteria of Annex II (Article 5.6).",
                n,
            ).format(meetings=join(meetings))
        else:
            text_ = ngettext(
                "The Chemical Review Committee concluded that this notification meets the criteria of Annex II (Article 5.6).",
                "The Chemical Review Committee concluded that these notifications meet the criteria of Annex II (Article 5.6).",
                n,
            )
        out.append(dm.p(text_))
    else:
        out.append(dm.to_complete(_("The conclusion of the Chemical Review Committee that these notifications meet the criteria of Annex II (none recorded for {parties}).").format(parties=join([e["label"] for e in basis if not e["concluded"]]))))
    return out


def section_2(ctx: Fra) -> list[dict]:
    """Reasons for inclusion in the PIC procedure; 2.1 final regulatory action, 2.2 risk evaluation."""
    b21: list[dict] = []
    b22: list[dict] = []
    for e in ctx.basis:
        r = e["row"]
        fra = FRA_TYPE_LABELS.get(str(r.get("fra_type") or ""))
        reasons = [x for x in (_labelled(N_("Human health: "), text(r, "reasons_human_health")), _labelled(N_("Environment: "), text(r, "reasons_environment"))) if x]
        b21.append({**dm.fields([
            dm.field("Final regulatory action", ((_("The chemical is {fra}. ").format(fra=lookup(fra)) if fra else "") + (text(r, "fra_summary") or "")).strip() or None),
            dm.field("Entry into force", date(r, "fra_date")),
            dm.field("Reference to the regulatory document", text(r, "regulatory_document")),
            dm.field("Reasons for the action", reasons),
        ], party=e["party"], caption=e["label"]), "region": e["region"], "status": str(e["row"].get("annex_ii_status") or ""), "basis": True})
        rows22 = [dm.field("Risk evaluation", [x for x in (lookup(EVALUATION_SENTENCES.get(str(r.get("evaluation_basis") or ""), "")), text(r, "evaluation_summary")) if x])]
        rows22.append(dm.field("Exposure under the conditions prevailing in the notifying Party", text(r, "prevailing_conditions")))
        if text(r, "bridging_source") or text(r, "bridging_justification"):
            rows22.append(dm.field("Evaluation of another Party or body relied on", [x for x in (text(r, "bridging_source"), text(r, "bridging_justification")) if x]))
        rows22.append(dm.field("Summary of hazards and risks", text(r, "hazards_and_risks")))
        b22.append(dm.fields(rows22, caption=e["label"]))
    if not ctx.basis:
        b21 = b22 = [dm.to_complete()]
    return [
        dm.section("2", "Reasons for inclusion in the PIC procedure", number="2", blocks=_lead(ctx)),
        dm.section("2.1", "Final regulatory action", number="2.1", level=2, part="2", blocks=b21),
        dm.section("2.2", "Risk evaluation", number="2.2", level=2, part="2", blocks=b22),
    ]


# --------------------------------------------------------------------------- section 3


def _per_party(ctx: Fra, name: str, caption: str) -> list[dict]:
    if not ctx.basis:
        return [dm.to_complete()]
    return [dm.fields([dm.field(e["label"], text(e["row"], name)) for e in ctx.basis], caption=caption)]


def section_3(ctx: Fra) -> list[dict]:
    """Protective measures that have been applied concerning the chemical (3.1-3.4)."""
    rows31 = []
    for e in ctx.basis:
        r = e["row"]
        value = [x for x in (
            _labelled(N_("Uses prohibited: "), text(r, "uses_prohibited")),
            _labelled(N_("Uses that remain allowed: "), text(r, "uses_allowed")),
            _labelled(N_("Quantities: "), text(r, "quantities")),
        ) if x]
        rows31.append(dm.field(e["label"], value))
    b32 = [dm.to_complete("General measures to reduce exposure, such as good practice in handling, personal protective equipment and training.")]
    for s in ctx.pops:
        b32.append(dm.p(_("{chemical} is listed in Annex {annex} to the Stockholm Convention on Persistent Organic Pollutants").format(chemical=ctx.name, annex=s.stockholm_annex) + (_(" (decision {decision}, {year}).").format(decision=s.cop_decision, year=s.year_listed) if s.cop_decision else f" ({s.year_listed}).")))
    caveat = dm.p(_("Before a country considers substituting an alternative, it should make sure that the use is relevant to its national needs and to the anticipated local conditions of use, and evaluate the hazards of the substitute and the controls needed for its safe use."))
    return [
        dm.section("3", "Protective measures that have been applied concerning the chemical", number="3"),
        dm.section("3.1", "Regulatory measures to reduce exposure", number="3.1", level=2, part="3", blocks=[dm.fields(rows31, caption=N_("Measures taken by the notifying Parties"))] if rows31 else [dm.to_complete()]),
        dm.section("3.2", "Other measures to reduce exposure", number="3.2", level=2, part="3", blocks=b32),
        dm.section("3.3", "Alternatives", number="3.3", level=2, part="3", blocks=[*_per_party(ctx, "alternatives", N_("Alternatives reported by the notifying Parties")), caveat]),
        dm.section("3.4", "Socio-economic effects", number="3.4", level=2, part="3", blocks=_per_party(ctx, "socio_economic_effects", N_("Socio-economic effects reported by the notifying Parties"))),
    ]


def section_4(ctx: Fra) -> list[dict]:
    """Hazards and risks to human health and the environment (4.1-4.5), from the substance data."""
    return sb.hazard_sections(ctx.substance, ctx.category, ctx.basis, ctx.refs, pops=ctx.pops, name=ctx.name)


def annex_1(ctx: Fra) -> list[dict]:
    """Further information on the substance, per Party, from the substance data."""
    intro = _(
        "This annex gives further information on the substance from the notifying Parties' notifications and supporting documentation "
        "and from the other documents listed in Annex 4; numbers in square brackets refer to Annex 4."
    )
    return sb.annex1_sections(ctx.substance, ctx.refs, [e["prose"] for e in ctx.basis], title=N_("Further information on the substance"), intro=intro)


# --------------------------------------------------------------------------- annexes 2-4


def _annex2_rows(ctx: Fra, e: dict) -> list[dict]:
    r = e["row"]
    fra = FRA_TYPE_LABELS.get(str(r.get("fra_type") or ""))
    meeting = text(r, "committee_meeting")
    criteria = ((_("Annex II criteria; the Chemical Review Committee concluded that they are met at {meeting}.").format(meeting=meeting) if meeting else _("Annex II criteria; the Chemical Review Committee concluded that they are met.")) if e["concluded"] else None)
    return [
        dm.field("Chemical as notified", [x for x in (text(r, "chemical"), text(r, "chemical_name")) if x], "chemical_as_notified"),
        dm.field("CAS number(s) as notified", items(r, "cas_number"), "cas_as_notified"),
        dm.field("Category", category_label(str(r["category"])), "category_as_notified"),
        dm.field("1 Effective date(s) of entry into force of actions", date(r, "fra_date")),
        dm.field("Reference to the regulatory document", text(r, "regulatory_document")),
        dm.field("2 Succinct details of the final regulatory action(s)", [x for x in (text(r, "fra_summary"), _("The chemical is {fra}.").format(fra=lookup(fra)) if fra else None, _labelled(N_("Uses prohibited: "), text(r, "uses_prohibited")), _labelled(N_("Uses that remain allowed: "), text(r, "uses_allowed"))) if x]),
        dm.field("3 Reasons for action", [x for x in (_labelled(N_("Human health: "), text(r, "reasons_human_health")), _labelled(N_("Environment: "), text(r, "reasons_environment")), _labelled(N_("Other: "), text(r, "reasons_other"))) if x]),
        dm.field("4.1 Risk evaluation", [x for x in (lookup(EVALUATION_SENTENCES.get(str(r.get("evaluation_basis") or ""), "")), text(r, "evaluation_summary")) if x]),
        dm.field("4.2 Criteria used", criteria),
        dm.field("5 Relevance to other States and regions", text(r, "relevance_to_other_states")),
        dm.field("6 Alternatives", text(r, "alternatives")),
        dm.field("7 Waste management", text(r, "waste_management")),
        dm.field("8 Other", [x for x in (_labelled(N_("Expected effect: "), text(r, "expected_effect")), _labelled(N_("Quantities: "), text(r, "quantities"))) if x]),
    ]


def annex_2(ctx: Fra) -> list[dict]:
    """Details on final regulatory actions reported: one block per notifying Party."""
    blocks: list[dict] = []
    for e in ctx.basis:
        blocks.append(dm.fields(_annex2_rows(ctx, e), party=e["party"], key="annex2", caption=e["label"]))
    return [dm.section("annex2", "Details on final regulatory actions reported", number=N_("Annex 2"), blocks=blocks or [dm.to_complete()])]


def annex_3(ctx: Fra) -> list[dict]:
    """Addresses of designated national authorities."""
    dna_for = _("Industrial chemicals") if ctx.category == "industrial" else _("Pesticides")
    return [dna_annex(ctx.basis, dna_for, title=N_("Addresses of designated national authorities"), party_heading=N_("Notifying Party"))]


def annex_4(ctx: Fra) -> list[dict]:
    """Return Annex 4, the references: final regulatory actions, notifications, supporting documents, evaluations cited."""
    refs = ctx.refs
    groups = References.GROUPS
    for e in ctx.basis:
        r = e["row"]
        refs.add(groups[0], text(r, "regulatory_document"), party=e["party"])
        refs.add(groups[0], notification_citation(e, ctx.name), party=e["party"])
        for x in items(r, "evaluation_references"):
            refs.add(groups[1], x, party=e["party"])  # a data file named here is left out by model.scrub, with a note
        refs.add(groups[1], text(r, "bridging_source"), party=e["party"])
    general = [_("Rotterdam Convention on the Prior Informed Consent Procedure for Certain Hazardous Chemicals and Pesticides in International Trade.")]
    general += [_("Stockholm Convention on Persistent Organic Pollutants, Annex {annex}").format(annex=s.stockholm_annex) + (_(", decision {decision}.").format(decision=s.cop_decision) if s.cop_decision else ".") for s in ctx.pops]
    return [refs.section(general)]


PARTS = (section_1, section_2, section_3, section_4, annex_1, annex_2, annex_3, annex_4)
"""The parts of the DGD after its front matter, in order; each returns its sections."""


# --------------------------------------------------------------------------- the document


def _review_notes(document: dict, ctx: Fra) -> None:
    """Note what the review knows and the DGD does not say: status, other notifications, provenance of the data."""
    note = dm.add_note
    listed = [a for a in ctx.annex_iii if a.category == ctx.category]
    if listed:
        note(document, "Status", f"{ctx.name} is already listed in Annex III in the {ctx.category} category ({listed[0].listing}); a DGD exists, so this draft can only serve a revision.")
    elif not ctx.status.get("recommend_listing"):
        note(document, "Status", f"The Committee has not recommended {ctx.name} for listing in the {ctx.category} category: {ctx.status.get('missing') or 'no notification meets Annex II'}. This draft is for preparation only.")
    if ctx.status.get("basis"):
        note(document, "Status", f"Review of this chemical and category: {ctx.status['basis']}.")
    for e in ctx.others:
        st = str(e["row"].get("annex_ii_status") or "")
        note(document, "Notifications not presented", f"{e['label']} ({region_prose(e['region']) or 'no established PIC region'}), notification {e['id']}: Annex II {STATUS_LABELS.get(st, st)}; not a basis for this listing.")
    for e in ctx.basis:
        if not e["concluded"]:
            note(document, "Conclusions", f"{party_lead(e['prose'])}: Annex II met on the recorded determinations, but no conclusion of the Committee itself is recorded; section 2 says the conclusion is to be completed.")
        for s in items(e["row"], "sources"):
            note(document, f"Sources of the notification of {e['label']} ({e['id']})", s)
    sb.notes(document, ctx.substance)


def fra_dgd(*, chemical: str, category: str | None, data: CaseData, today: dt.date) -> dict:
    """Return the model of the draft DGD for a banned or severely restricted chemical (Article 7.1).

    Parameters
    ----------
    chemical : str
        Common name, CAS number or Annex III name.
    category : str or None
        ``pesticide`` or ``industrial``; by default the one the Committee recommends.
    data : CaseData
        The notifications, determinations and substance data.
    today : datetime.date
        The date printed on the draft.
    """
    ctx = Fra.build(data, chemical, category, today)
    sections_ = [cover("fra", ctx.name, ctx.category, today), *front_matter("fra"), title_block("fra", ctx.name, today)]
    for part in PARTS:
        sections_ += part(ctx)
    meta = {
        "variant": "fra",
        "chemical": ctx.name,
        "category": ctx.category,
        "category_label": category_label(ctx.category),
        "file_stem": f"dgd-{safe_filename(ctx.name)}-{ctx.category}",
        "generated_on": today.isoformat(),
        "notifying_parties": [e["party"] for e in ctx.basis],
        "pic_regions": sorted({r for e in ctx.basis for r in e["region"].split(", ") if r}, key=lambda r: PIC_REGIONS.index(r) if r in PIC_REGIONS else 99),
        "recommend_listing": bool(ctx.status.get("recommend_listing")),
        "listed_in_annex_iii": any(a.category == ctx.category for a in ctx.annex_iii),
        "additional_category_precedent": ctx.precedent,
    }
    document = dm.new_document("dgd", _("Decision guidance document: {chemical} (draft)").format(chemical=ctx.name), sections_, meta=meta)
    _review_notes(document, ctx)
    return finish(document, checks=check_dgd)


__all__ = ["fra_dgd", "PARTS", "Fra"]
