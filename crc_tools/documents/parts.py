"""Parts every document kind shares, written once: reading rows, front matter, annexes, references.

The DGD of a banned or severely restricted chemical (:mod:`~crc_tools.documents.dgd`) and the
DGD of a severely hazardous pesticide formulation (:mod:`~crc_tools.documents.shpf_dgd`) share
their cover, introduction, purpose, disclaimer, list of abbreviations, title block, section 4
and Annex 1 (from the substance data, :mod:`~crc_tools.documents.substance`), Annex 3 and
Annex 4; rationales and the synopsis share the row readers. What differs between variants is
data (:data:`FRONT`), not code.
"""

from __future__ import annotations

import pandas as pd

from ..convention.reference import CATEGORY_LABELS
from ..i18n import N_, _, lookup
from ..text import is_blank
from . import model as dm
from .style import join, party_label, party_prose, region_prose, un_date

SECRETARIAT = N_("Secretariat of the Rotterdam Convention on the Prior Informed Consent Procedure for Certain Hazardous Chemicals and Pesticides in International Trade")
FRA_TYPE_LABELS = {"ban": N_("banned"), "severe_restriction": N_("severely restricted")}
STATUS_LABELS = {"met": "met", "not_met": "not met", "insufficient_information": "insufficient information", "pending": "no conclusion recorded"}
ROLE_LABELS = {"committee": "the Committee", "contact_group": "the contact group", "task_group": "the task group", "secretariat": "the Secretariat"}
EVALUATION_SENTENCES = {
    "risk": N_("The final regulatory action was based on a risk evaluation."),
    "hazard": N_("The final regulatory action was based on a hazard evaluation."),
    "none": N_("The final regulatory action was not based on a risk or hazard evaluation."),
}
DEFAULT_SYMBOL = "UNEP/FAO/RC/CRC.[…]/[…]"
"""The running header's document symbol until the Secretariat assigns one (``--symbol``)."""

_INTRO = N_(
    "The objective of the Rotterdam Convention is to promote shared responsibility and cooperative efforts among Parties "
    "in the international trade of certain hazardous chemicals in order to protect human health and the environment from "
    "potential harm, and to contribute to their environmentally sound use, by facilitating information exchange about their "
    "characteristics, by providing for a national decision-making process on their import and export and by disseminating "
    "these decisions to Parties. The Secretariat of the Convention is provided jointly by the United Nations Environment "
    "Programme (UNEP) and the Food and Agriculture Organization of the United Nations (FAO)."
)
_DISCLAIMER = N_(
    "Trade names are used in this document only to help identify the {thing}; their use does not imply approval or "
    "disapproval of any company. FAO and UNEP take no responsibility for omissions in this document or for the consequences "
    "of a decision to import or to prohibit the import of the {thing}. The designations used and the presentation of material "
    "do not imply any opinion on the legal status of any country, territory, city or area or of its authorities, or on the "
    "delimitation of its frontiers or boundaries."
)
FRONT = {
    "fra": {
        "operation": N_("Operation of the prior informed consent procedure for banned or severely restricted chemicals"),
        "title": N_("Decision guidance document for a banned or severely restricted chemical"),
        "thing": N_("chemical"),
        "candidates": N_(
            "Candidate chemicals for inclusion in the prior informed consent (PIC) procedure are those that have been banned or "
            "severely restricted by national regulatory actions in two or more Parties in two different PIC regions. Inclusion "
            "rests on the regulatory actions of those Parties, which addressed the risks of the chemical under their own conditions; "
            "other ways of controlling or reducing such risks may exist. Inclusion does not imply that all Parties to the Convention "
            "have banned or severely restricted the chemical. For each chemical in Annex III, Parties are requested to make an informed "
            "decision whether they consent to its future import."
        ),
        "purpose": N_(
            "For each chemical listed in Annex III, a decision guidance document (DGD) is approved by the Conference of the Parties and "
            "sent to all Parties with a request for a decision on future import of the chemical (Articles 7 and 10). The DGD is prepared "
            "by the Chemical Review Committee and reflects the information provided by the Parties whose final regulatory actions are "
            "the basis of the listing. It is not the only source of information on the chemical and is not updated or revised after its "
            "adoption. Information on the Parties that have taken regulatory action on the chemical, and other information exchanged "
            "under Article 14, can be found on the Convention's website."
        ),
    },
    "shpf": {
        "operation": N_("Operation of the prior informed consent procedure for severely hazardous pesticide formulations"),
        "title": N_("Decision guidance document for a severely hazardous pesticide formulation"),
        "thing": N_("formulation"),
        "candidates": N_(
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
        "purpose": N_(
            "For each chemical and severely hazardous pesticide formulation listed in Annex III, a decision guidance document (DGD) "
            "is approved by the Conference of the Parties and sent to all Parties with a request for a decision on future import "
            "(Articles 7 and 10). The DGD is prepared by the Chemical Review Committee on the basis, at a minimum, of the information "
            "specified in Annex IV: the proposal of the proposing Party (Part 1) and the information collected by the Secretariat "
            "(Part 2). It is not the only source of information on the formulation and is not updated or revised after its adoption. "
            "Other information exchanged under Article 14 can be found on the Convention's website."
        ),
    },
}
"""The standing texts of each DGD variant (domain brief §3.2)."""


# --------------------------------------------------------------------------- reading rows


def present(row, name: str):
    """Return a field of a record as it is, or ``None`` when it holds nothing (blank, missing, NaN)."""
    value = row.get(name) if hasattr(row, "get") else None
    if is_blank(value):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def text(row, name: str) -> str | None:
    """Return a field of a record as stripped text, or ``None`` when it holds nothing."""
    value = present(row, name)
    return None if value is None else str(value).strip()


def items(row, name: str) -> list[str]:
    """Return a list field (one item a line; CAS numbers also split on ';')."""
    value = text(row, name)
    if value is None:
        return []
    if name == "cas_number":
        value = value.replace(";", "\n")
    return [x.strip() for x in value.split("\n") if x.strip()]


def _day(row, name: str):
    """Return a date field as a ``datetime.date``, or ``None`` when it holds nothing."""
    value = present(row, name)
    return None if value is None else pd.Timestamp(value).date()


def date(row, name: str) -> str | None:
    """Return a date field in UN style (``31 December 2003``), or ``None``."""
    day = _day(row, name)
    return None if day is None else un_date(day)


def iso(row, name: str) -> str | None:
    """Return a date field as an ISO date (for comparisons), or ``None``."""
    day = _day(row, name)
    return None if day is None else day.isoformat()


_CATEGORY_WORDS = (N_("Pesticide"), N_("Industrial"), N_("Severely hazardous pesticide formulation"))
"""The labels of :data:`~crc_tools.convention.reference.CATEGORY_LABELS`, marked for the catalogue."""


def category_label(category: str) -> str:
    """Return a category as documents write it, in the language in use."""
    return lookup(CATEGORY_LABELS.get(category, category))


def split(value) -> list[str]:
    """Return the parts of a ';'-joined cell (notifying Parties, PIC regions)."""
    return [x for x in str(value or "").split(";") if x]


def entries(frame: pd.DataFrame, *, id_column: str = "notification_id", party_column: str = "notifying_party", what: str = "notification") -> list[dict]:
    """Return one entry per notification (or proposal): its Party as table label and as prose, its region, row and id.

    A Party with two notifications gets its id in the label, so each has its own block.
    """
    if frame is None or len(frame) == 0:
        return []
    rows = [r for _, r in frame.sort_values([party_column, id_column], key=lambda s: s.astype(str).str.casefold()).iterrows()]
    out = []
    for r in rows:
        names = split(r.get(party_column)) or ["(Party not given)"]
        received = iso(r, "received_date")
        out.append(
            {
                "party": ", ".join(names),
                "label": ", ".join(party_label(n, received=received) for n in names),
                "prose": join([party_prose(n, received=received) for n in names]),
                "region": ", ".join(split(r.get("pic_region"))),
                "row": r,
                "id": str(r[id_column]),
            }
        )
    counts: dict[str, int] = {}
    for e in out:
        counts[e["party"]] = counts.get(e["party"], 0) + 1
    for e in out:
        if counts[e["party"]] > 1:
            e["label"] = f"{e['label']} ({what} {e['id']})"
    return out


def regions_prose(entries_: list[dict]) -> str:
    """Return the PIC regions of some entries as prose ("Africa and South West Pacific")."""
    regions: list[str] = []
    for e in entries_:
        for r in e["region"].split(", "):
            if r and r not in regions:
                regions.append(r)
    return join([region_prose(r) for r in regions])


def committee_concluded(conclusion: dict, criteria: list[dict]) -> bool:
    """Return whether the Committee itself has concluded (Articles 5.6, 6.5): only its entries conclude.

    Reads ``committee_conclusion`` where the register's roles provide it; otherwise a
    conclusion recorded as the committee's, or one that follows from criterion
    determinations all recorded by the committee. Task group and contact group entries are
    proposals; the Secretariat verifies only.
    """
    if "committee_conclusion" in conclusion:
        return bool(str(conclusion.get("committee_conclusion") or "").strip())
    status = str(conclusion.get("annex_ii_status") or conclusion.get("part3_status") or "")
    if status not in ("met", "not_met"):
        return False
    basis = str(conclusion.get("annex_ii_basis") or conclusion.get("part3_basis") or "")
    if basis.startswith("committee") or "(committee)" in basis:
        return True
    roles = {str(r.get("role") or "") for r in criteria if str(r.get("status") or "")}
    return roles == {"committee"}


# --------------------------------------------------------------------------- front matter


def cover(variant: str, name: str, category: str, today) -> dict:
    """Return the cover (domain brief §3.2): the Convention, the procedure, the chemical, the Secretariat."""
    f = FRONT[variant]
    return dm.section(
        "cover",
        "Cover",
        level=0,
        blocks=[
            dm.p(_("Rotterdam Convention"), "lead"),
            dm.p(_(f["operation"]), "lead"),
            dm.p(_("Decision Guidance Document"), "cover-title"),
            {**dm.p(name, "cover-title"), "key": "chemical"},
            {**dm.p(_("Category: {category}").format(category=category_label(category)), "lead"), "key": "category"},
            dm.p(_("Draft of {date}").format(date=un_date(today)), "small"),
            dm.p(_(SECRETARIAT), "small"),
        ],
    )


def front_matter(variant: str) -> list[dict]:
    """Return the introduction, purpose, disclaimer and (empty, filled by :func:`fill_abbreviations`) list of abbreviations."""
    f = FRONT[variant]
    return [
        dm.section(
            "introduction",
            "Introduction",
            part="front",
            blocks=[
                dm.p(_(_INTRO)),
                dm.p(_(f["candidates"])),
                dm.to_complete(_("The meeting of the Conference of the Parties that lists the {thing} in Annex III, and the date on which this document is communicated to designated national authorities.").format(thing=_(f["thing"]))),
            ],
        ),
        dm.section("purpose", "Purpose of the decision guidance document", part="front", blocks=[dm.p(_(f["purpose"]))]),
        dm.section("disclaimer", "Disclaimer", part="front", blocks=[dm.p(_(_DISCLAIMER).format(thing=_(f["thing"])))]),
        dm.section("abbreviations", "List of abbreviations that may be used in this document", part="front"),
    ]


def title_block(variant: str, name: str, today) -> dict:
    """Return the title block before section 1."""
    return dm.section(
        "title",
        FRONT[variant]["title"],
        level=0,
        blocks=[{**dm.p(name, "cover-title"), "key": "chemical"}, dm.p(_("Draft of {date}").format(date=un_date(today)), "small")],
    )


def fill_abbreviations(document: dict) -> list[str]:
    """Fill the list of abbreviations with the known ones the text uses; return those used but unknown."""
    s = dm.find_section(document, "abbreviations")
    used = dm.abbreviations_used(document)
    known = [a for a in used if a in dm.ABBREVIATIONS]
    if s is not None:
        s["blocks"] = [dm.table([("abbreviation", N_("Abbreviation")), ("meaning", N_("Meaning"))], [[a, dm.ABBREVIATIONS[a]] for a in known], key="abbreviations")]
    return [a for a in used if a not in dm.ABBREVIATIONS]


# --------------------------------------------------------------------------- annexes 3 and 4


def dna_annex(entries_: list[dict], dna_for: str, *, title: str, party_heading: str) -> dict:
    """Return Annex 3: the designated national authorities of the Parties presented."""
    rows = [[e["label"], dna_for, text(e["row"], "dna_institution"), text(e["row"], "dna_address"), text(e["row"], "dna_contact"), text(e["row"], "dna_email")] for e in entries_]
    block = dm.table(
        [("party", party_heading), ("dna_for", N_("Designated national authority for")), ("institution", N_("Institution")), ("address", N_("Address")), ("contact", N_("Person in charge")), ("email", N_("E-mail"))],
        rows,
        key="dna",
    )
    block["parties"] = [e["party"] for e in entries_]
    return dm.section("annex3", title, number=N_("Annex 3"), blocks=[block] if entries_ else [dm.to_complete()])


class References:
    """The documents a draft rests on, grouped as Annex 4 lists them; substance references numbered where cited."""

    GROUPS = (N_("Final regulatory actions and proposals"), N_("Documents supporting them"), N_("Evaluations and other documents"))

    def __init__(self) -> None:
        self.items: dict[str, list[str]] = {g: [] for g in self.GROUPS}
        self.parties: dict[str, set[str]] = {g: set() for g in self.GROUPS}
        self.numbered: dict[tuple[str, str], int] = {}
        self.cited: list[str] = []

    def add(self, group: str, citation: str | None, *, party: str = "") -> None:
        """Add a citation to a group once (a Party's document records that Party)."""
        if not citation:
            return
        if citation not in self.items[group]:
            self.items[group].append(citation)
        if party:
            self.parties[group].add(party)

    def cite(self, substance: dict, ref_ids) -> str | None:
        """Return ``[n]`` for the references a substance value names (numbered in order of first citation)."""
        ids = [ref_ids] if isinstance(ref_ids, str) else list(ref_ids or [])
        known = {r["id"]: r for r in substance.get("references", [])}
        numbers = []
        for rid in ids:
            ref = known.get(rid)
            if ref is None:
                continue
            key = (substance["chemical"], rid)
            if key not in self.numbered:
                self.numbered[key] = len(self.cited) + 1
                self.cited.append(ref["citation"] + (f" Available from: {ref['url']}" if ref.get("url") else ""))
            numbers.append(self.numbered[key])
        return ", ".join(f"[{n}]" for n in numbers) or None

    def section(self, general: list[str]) -> dict:
        """Return Annex 4: each group as a list, the numbered references last."""
        blocks: list[dict] = []
        for group in self.GROUPS:
            items_ = self.items[group] + (general if group == self.GROUPS[-1] else [])
            if group == self.GROUPS[-1]:
                items_ = [f"[{n}] {c}" for n, c in enumerate(self.cited, start=1)] + items_
            if items_:
                blocks.append(dm.heading(group))
                blocks.append({**dm.bullet_list(items_, key="references"), "parties": sorted(self.parties[group])})
        return dm.section("annex4", "References", number=N_("Annex 4"), blocks=blocks or [dm.to_complete()])


def notification_citation(e: dict, chemical: str) -> str:
    """Return the bibliographic entry of a notification of final regulatory action."""
    r = e["row"]
    received = date(r, "received_date")
    return _("{party}. Notification of final regulatory action: {chemical}").format(party=e["label"], chemical=chemical) + (_(". Received by the Secretariat on {date}.").format(date=received) if received else ".")


# --------------------------------------------------------------------------- finishing a draft


def finish(document: dict, *, checks=None, data=None) -> dict:
    """Scrub provenance markers, fill the abbreviations, run the consistency check; findings go to the drafting notes."""
    header = document.setdefault("header", {})
    header["symbol"] = header.get("symbol") or DEFAULT_SYMBOL
    header["date"] = header.get("date") or un_date(document.get("meta", {}).get("generated_on")) or ""
    dm.scrub(document)
    unknown = fill_abbreviations(document)
    if checks is not None:
        document["checks"] = checks(document)
    for f in document.get("checks", []):
        dm.add_note(document, "Internal-consistency check", f"{f['check']}: {f['result']}: {f['message']}")
    if unknown and checks is None:
        dm.add_note(document, "Abbreviations", "used in the text but not in the list: " + ", ".join(unknown))
    return document


__all__ = [
    "present",
    "SECRETARIAT",
    "FRONT",
    "References",
    "text",
    "items",
    "date",
    "iso",
    "entries",
    "cover",
    "front_matter",
    "title_block",
    "dna_annex",
    "fill_abbreviations",
    "finish",
    "category_label",
    "committee_concluded",
    "regions_prose",
    "notification_citation",
]
