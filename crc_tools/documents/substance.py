"""The DGD's substance parts from the substance data: section 4 (hazards and risks) and Annex 1.

Published DGDs tabulate the hazard classifications (4.1), exposure limits (4.2), the UN
transport classification (4.3), first aid (4.4) and waste management (4.5), and in Annex 1
the physico-chemical properties and the evaluation summaries of each notifying Party
(toxicology, human exposure and risk, environmental fate, effects on non-target organisms,
environmental exposure and risk), each value with its reference (domain brief §3.3). They
come from the substance case files (:mod:`crc_tools.intake.substance`); a value the data do
not hold is a highlighted "To be completed." cell, never a blank and never a guess. Wastes
are outside the Convention (Article 3.2(c)); 4.5 says where they are addressed.
"""

from __future__ import annotations

from ..i18n import N_, _
from . import model as dm
from .parts import References, text
from .style import join, party_label

SCHEMES = {
    "pesticide": (("WHO", "WHO recommended classification of pesticides by hazard"), ("IARC", "IARC"), ("GHS", "GHS / European Union (Regulation (EC) No 1272/2008)"), ("EPA", "US EPA")),
    "industrial": (("IARC", "IARC"), ("GHS", "GHS / European Union (Regulation (EC) No 1272/2008)"), ("EPA", "US EPA")),
}
"""Classification schemes a DGD's 4.1 table shows for each category (a row to complete where the data hold none)."""
SCHEME_WORDS = {"WHO": ("who",), "IARC": ("iarc",), "GHS": ("ghs", "clp", "1272/2008", "european union", "eu "), "EPA": ("epa",)}
LIMIT_TYPES = {"pesticide": ("ADI", "ARfD", "AOEL"), "industrial": ("OEL",)}
"""Exposure limits a DGD's 4.2 table shows for each category (a row to complete where the data hold none)."""
TOPICS = (
    ("toxicology", N_("Toxicological properties")),
    ("human_exposure_risk", N_("Human exposure/Risk evaluation")),
    ("environmental_fate", N_("Environmental fate")),
    ("ecotoxicity", N_("Effects on non-target organisms")),
    ("environmental_exposure_risk", N_("Environmental exposure/Risk evaluation")),
)
"""Annex 1 sections 2-6, in the order of published DGDs; section 1 is the physico-chemical properties."""


def find(data, names, cas_numbers) -> dict:
    """Return the substance record for a chemical (by name or CAS number), or an empty one."""
    hits = data.substances.find(names, cas_numbers) if data.substances is not None else []
    if hits:
        return hits[0]
    return {"chemical": "", "cas_numbers": [], "identity": {}, "transport": {}, "first_aid": {}, "waste_management": {}, "references": [],
            "physico_chemical_properties": [], "hazard_classifications": [], "exposure_limits": [], "evaluations": [], "sources": [], "drafting_notes": []}


def notes(document: dict, sub: dict) -> None:
    """Copy a substance file's drafting notes and provenance to the document's drafting notes."""
    if not sub.get("chemical"):
        dm.add_note(document, "Substance data", "No substance case file (kind: substance) names this chemical: sections 4.1-4.4 and Annex 1 are to be completed.")
        return
    for n in sub.get("drafting_notes", []):
        dm.add_note(document, f"Substance data: {sub['chemical']}", n)
    for s in sub.get("sources", []):
        dm.add_note(document, f"Sources of the substance data: {sub['chemical']}", s)
    for r in sub.get("references", []):
        if r.get("note"):
            dm.add_note(document, f"Reference {r['citation'][:60]}", r["note"])


def _kind(category: str) -> str:
    return "industrial" if category == "industrial" else "pesticide"


def hazard_classification(sub: dict, category: str, refs: References) -> list[dict]:
    """Return the blocks of 4.1: one row per classification given, and a row to complete for each usual scheme not given."""
    rows = [[c["scheme"], c["classification"] or None, c["statement"] or None, refs.cite(sub, c["source"])] for c in sub["hazard_classifications"]]
    given = " ".join(r[0] for r in rows).casefold()
    for key, label in SCHEMES[_kind(category)]:
        if not any(w in f"{given} " for w in SCHEME_WORDS[key]):
            rows.append([label, None, None, None])
    return [dm.table([("scheme", N_("Classification scheme")), ("class", N_("Class or category")), ("statement", N_("Hazard statement")), ("reference", N_("Reference"))], rows, key="hazard_classification")]


def exposure_limits(sub: dict, category: str, refs: References) -> list[dict]:
    """Return the blocks of 4.2: each limit given, and a row to complete for each usual type not given."""
    rows = [[x["type"], x["value"] or None, x["unit"] or None, x["body"] or None, refs.cite(sub, x["source"])] for x in sub["exposure_limits"]]
    given = {r[0].split()[0].casefold() for r in rows if r[0]}
    rows += [[t, None, None, None, None] for t in LIMIT_TYPES[_kind(category)] if t.casefold() not in given]
    return [dm.table([("type", N_("Type of limit")), ("value", N_("Value")), ("unit", N_("Unit")), ("body", N_("Set by")), ("reference", N_("Reference"))], rows, key="exposure_limits")]


def packaging(sub: dict, refs: References) -> list[dict]:
    """Return the blocks of 4.3: UN number, transport hazard class and packing group (UN Model Regulations)."""
    t = sub["transport"]
    return [
        dm.fields(
            [
                dm.field("UN number", t.get("un_number")),
                dm.field("Transport hazard class", t.get("transport_hazard_class")),
                dm.field("Packing group", t.get("packing_group")),
                dm.field("Reference", refs.cite(sub, t.get("source"))),
            ],
            key="transport",
            caption="United Nations Recommendations on the Transport of Dangerous Goods",
        )
    ]


def first_aid(sub: dict, refs: References) -> list[dict]:
    """Return the blocks of 4.4."""
    fa = sub["first_aid"]
    if not fa.get("text"):
        return [dm.to_complete("First-aid measures from an authoritative source.")]
    ref = refs.cite(sub, fa.get("source"))
    return [dm.p(fa["text"] + (f" {ref}" if ref else ""))]


def waste_management(sub: dict, entries_: list[dict], refs: References, pops: list, name: str) -> list[dict]:
    """Return the blocks of 4.5: the substance guidance, each Party's, the Basel and Stockholm Conventions."""
    blocks: list[dict] = []
    w = sub["waste_management"]
    if w.get("text"):
        ref = refs.cite(sub, w.get("source"))
        blocks.append(dm.p(w["text"] + (f" {ref}" if ref else "")))
    rows = [dm.field(e["label"], text(e["row"], "waste_management")) for e in entries_ if text(e["row"], "waste_management")]
    if rows:
        blocks.append(dm.fields(rows, caption="Waste management reported by the notifying Parties"))
    if not blocks:
        blocks.append(dm.to_complete("Disposal of stocks and of contaminated packaging."))
    blocks.append(dm.p("Wastes are outside the scope of the Rotterdam Convention (Article 3.2 (c)); their environmentally sound management is addressed by the Basel Convention."))
    for s in pops:
        blocks.append(dm.p(f"{name} is listed in Annex {s.stockholm_annex} to the Stockholm Convention{(' (decision ' + s.cop_decision + ')') if s.cop_decision else ''}: its stockpiles and wastes are subject to that Convention's provisions on stockpiles and wastes."))
    return blocks


def hazard_sections(sub: dict, category: str, entries_: list[dict], refs: References, *, pops=(), name: str = "") -> list[dict]:
    """Return section 4 and its subsections 4.1-4.5."""
    return [
        dm.section("4", "Hazards and risks to human health and the environment", number="4"),
        dm.section("4.1", "Hazard classification", number="4.1", level=2, part="4", blocks=hazard_classification(sub, category, refs)),
        dm.section("4.2", "Exposure limits", number="4.2", level=2, part="4", blocks=exposure_limits(sub, category, refs)),
        dm.section("4.3", "Packaging and labelling", number="4.3", level=2, part="4", blocks=packaging(sub, refs)),
        dm.section("4.4", "First aid", number="4.4", level=2, part="4", blocks=first_aid(sub, refs)),
        dm.section("4.5", "Waste management", number="4.5", level=2, part="4", blocks=waste_management(sub, entries_, refs, list(pops), name)),
    ]


def properties_blocks(sub: dict, refs: References) -> list[dict]:
    """Return Annex 1 section 1: the physico-chemical properties, one row per value."""
    rows = [[x["row"] or None, x["property"], x["value"] or None, x["conditions"] or "—", refs.cite(sub, x["source"])] for x in sub["physico_chemical_properties"]]
    if not rows:
        return [dm.to_complete("Physico-chemical properties (identity, colour and texture, melting point, density, vapour pressure, solubility in water and in organic solvents, partition coefficient, hydrolytic stability).")]
    return [dm.table([("row", N_("Row")), ("property", N_("Property")), ("value", N_("Value")), ("conditions", N_("Conditions")), ("reference", N_("Reference"))], rows, key="properties")]


def evaluation_blocks(sub: dict, topic: str, parties: list[str], refs: References) -> list[dict]:
    """Return one Annex 1 section (2-6): the evaluation summaries per Party, each with its reference."""
    rows = [[party_label(x["party"]), x["heading"] or None, x["summary"], refs.cite(sub, x["source"])] for x in sub["evaluations"] if x["topic"] == topic]
    if not rows:
        return [dm.to_complete(_("The evaluation summaries of {parties}.").format(parties=join(parties)) if parties else "")]
    return [dm.table([("party", N_("Party")), ("heading", N_("Topic")), ("summary", N_("Summary")), ("reference", N_("Reference"))], rows, key=f"evaluation_{topic}")]


def annex1_sections(sub: dict, refs: References, parties: list[str], *, title: str, intro: str, extra: list[dict] | None = None) -> list[dict]:
    """Return Annex 1 with its sections 1-6 (and any ``extra`` sections of a variant after them)."""
    out = [dm.section("annex1", title, number=N_("Annex 1"), part="annex1", blocks=[dm.p(intro)])]
    out.append(dm.section("annex1.1", "Physico-chemical properties", number="1", level=2, part="annex1", blocks=properties_blocks(sub, refs)))
    for n, (topic, heading) in enumerate(TOPICS, start=2):
        out.append(dm.section(f"annex1.{n}", heading, number=str(n), level=2, part="annex1", blocks=evaluation_blocks(sub, topic, parties, refs)))
    return out + list(extra or [])


def identity_rows(sub: dict) -> dict:
    """Return the identity details of section 1 the substance data hold, by row key."""
    ident = sub.get("identity", {})
    return {
        "chemical_name": ident.get("chemical_name") or None,
        "molecular_formula": ident.get("molecular_formula") or None,
        "structure": ident.get("structure") or None,
        "formulation_types": ident.get("formulation_types") or None,
        "manufacturers": ident.get("manufacturers") or None,
    }


__all__ = ["find", "notes", "hazard_sections", "annex1_sections", "identity_rows", "TOPICS"]
