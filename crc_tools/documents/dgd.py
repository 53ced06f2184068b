"""Document models built from the data: draft DGD, rationale, six-monthly synopsis.

Each builder returns a plain, JSON-compatible model (:mod:`crc_tools.documents.model`) that the
notebook templates display and :mod:`crc_tools.documents.word` writes to DOCX. All the logic is
here; the templates only show what the model holds.

* :func:`dgd_document` — the draft decision guidance document for a chemical and
  category (Article 7.1; layout of published DGDs, domain brief §3.2-3.3), with its
  internal-consistency check (§3.4) reported in the draft;
* :func:`rationale_document` — the rationale for one notification: scope, one block per
  Annex II criterion with the recorded determination (the rule-based aid shown only as
  an aid), and the overall conclusion (domain brief §1.7);
* :func:`synopsis_document` — the six-monthly synopsis of notifications (Article 5.4;
  PIC Circular Appendix I and V style).

Where the data lack an item the draft says so (:data:`crc_tools.documents.model.MISSING`).
Builders for other documents plug in through :data:`DGD_VARIANTS` and
:data:`SYNOPSIS_APPENDICES`: :mod:`crc_tools.documents.shpf_dgd` adds the DGD for a severely
hazardous pesticide formulation (variant ``shpf``, Article 6 with Annex IV), the synopsis'
Appendix II (SHPF proposals) and the rationale for a proposal (Annex IV Part 3), which
:func:`rationale_document` returns for a proposal id.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from ..convention.reference import CATEGORIES, CATEGORY_LABELS, PIC_REGIONS, hs_codes_for, items, stockholm_for
from ..errors import CrcError, Problems, UsageError
from ..text import is_blank, normalize_name, safe_filename
from . import model as dm

GROUP_TITLES = {
    "(a)": "protection of human health or the environment",
    "(b)": "a risk evaluation under the prevailing conditions",
    "(c)": "a sufficiently broad basis to merit listing",
    "(d)": "not intentional misuse alone",
}
"""Short headings of the Annex II criteria groups in a rationale (the legal text follows each)."""

FRA_TYPE_LABELS = {"ban": "banned", "severe_restriction": "severely restricted"}
STATUS_LABELS = {"met": "met", "not_met": "not met", "insufficient_information": "insufficient information", "pending": "no conclusion recorded"}
ROLE_LABELS = {"committee": "the committee", "contact_group": "a contact group", "task_group": "a task group", "secretariat": "the Secretariat"}
EVALUATION_LABELS = {"risk": "risk evaluation", "hazard": "hazard evaluation", "none": "no evaluation"}

SECRETARIAT = "Secretariat of the Rotterdam Convention on the Prior Informed Consent Procedure for Certain Hazardous Chemicals and Pesticides in International Trade"


class DocumentDataError(CrcError):
    """The data do not hold what a document needs (an unknown chemical or notification)."""


# --------------------------------------------------------------------------- data


@dataclass
class CaseData:
    """Validated notifications, SHPF proposals and determinations, with the derived tables documents read.

    Build it once (:meth:`load` or :meth:`from_intake`) and reuse it for many documents.
    ``proposals`` holds the SHPF proposals (:class:`crc_tools.proposals.shpf.Proposals`; empty when
    the data hold none).
    """

    notifications: pd.DataFrame
    determinations: pd.DataFrame
    problems: Problems = field(default_factory=Problems)
    files: list[str] = field(default_factory=list)
    today: dt.date | None = None
    proposals: object = None

    def __post_init__(self) -> None:
        if self.proposals is None:
            from ..proposals.shpf import from_intake

            self.proposals = from_intake(None)

    @classmethod
    def load(cls, paths=None, *, today: dt.date | None = None) -> "CaseData":
        """Read case files, folders and bulk tables (default: the shipped sample data)."""
        from ..intake.reader import load

        return cls.from_intake(load(paths or None, today=today), today=today)

    @classmethod
    def from_intake(cls, intake, *, today: dt.date | None = None, register: bool = True) -> "CaseData":
        """Wrap what :func:`crc_tools.intake.reader.load` returned.

        With ``register`` (the default) the determinations recorded in the register of
        determinations are read beside those of the case files, as ``crc score`` and
        ``crc status`` do; when the register cannot be reached the documents are built from
        the case files alone and a problem says so.
        """
        from ..errors import CrcError
        from ..proposals.shpf import from_intake

        determinations, problems = intake.determinations, intake.problems
        proposals = from_intake(intake)
        if register:
            from ..register.store import Register, all_determinations

            reg = Register()
            try:
                determinations = all_determinations(intake, reg)
                proposals = from_intake(intake, register=reg)
            except CrcError as exc:
                problems = Problems(list(problems.items))
                problems.add("register", None, "", f"unavailable, documents use the case files' determinations only: {exc}", "warning")
            finally:
                reg.close()
        return cls(intake.notifications, determinations, problems, list(intake.files), today, proposals)

    @cached_property
    def prepared(self) -> pd.DataFrame:
        """Notifications with ``chemical_key``, ``verified`` and ``annex_ii_status`` (see :func:`crc_tools.notifications.review.prepare`)."""
        from ..notifications.review import prepare

        return prepare(self.notifications, self.determinations, today=self.today)

    @cached_property
    def identities(self) -> dict:
        """Chemical key → :class:`crc_tools.notifications.review.ChemicalIdentity`."""
        from ..notifications.review import identify_chemicals

        return identify_chemicals(self.notifications)[1]

    @cached_property
    def status(self) -> pd.DataFrame:
        """The review status per chemical and category (Article 5.5-5.6)."""
        from ..notifications.review import review_status

        return review_status(self.notifications, self.determinations, today=self.today)

    @cached_property
    def assessment(self) -> pd.DataFrame:
        """The Annex II assessment, one row per notification, category and criterion."""
        from ..notifications.criteria import assess

        return assess(self.notifications, self.determinations)

    @cached_property
    def verification(self) -> pd.DataFrame:
        """Annex I verification per notification and category (Article 5.3)."""
        from ..notifications.verification import verification_status

        return verification_status(self.notifications, today=self.today)

    @cached_property
    def shpf_status(self) -> pd.DataFrame:
        """The review status of SHPF proposals, one row per formulation (Article 6, Annex IV)."""
        from ..proposals.shpf import review_status

        return review_status(self.proposals, today=self.today)

    @cached_property
    def shpf_verification(self) -> pd.DataFrame:
        """Article 6.1 eligibility, Annex IV Part 1 verification and Part 2 collection per proposal."""
        from ..proposals.shpf import verification_status

        return verification_status(self.proposals, today=self.today)

    @cached_property
    def shpf_assessment(self) -> pd.DataFrame:
        """The Annex IV Part 3 assessment, one row per proposal and criterion (aid and determination apart)."""
        from ..proposals.shpf import assess

        return assess(self.proposals)

    @cached_property
    def shpf_conclusions(self) -> pd.DataFrame:
        """The Annex IV Part 3 conclusion per proposal, with what it rests on (Article 6.5)."""
        from ..proposals.shpf import conclusions

        return conclusions(self.proposals)

    def status_row(self, key: str, category: str) -> dict | None:
        """Return the review-status row of a chemical key and category, or ``None``."""
        name = self.identities[key].name
        st = self.status
        hit = st[(st["chemical"] == name) & (st["category"] == category)]
        return hit.iloc[0].to_dict() if len(hit) else None

    def find_chemical(self, query: str) -> str:
        """Return the key of the chemical a name, CAS number or Annex III name refers to.

        Raises
        ------
        DocumentDataError
            When no notification concerns such a chemical (with close names), or the
            query names several chemicals.
        """
        from ..convention.cas import split_cas
        from ..convention.reference import annex_iii_matches

        q = normalize_name(query)
        if not q:
            raise UsageError("name a chemical (common name, CAS number or Annex III name)")
        df = self.prepared
        if df.empty:
            raise DocumentDataError("no notifications in the data", source=str(query), field_name="chemical")
        hits: set[str] = set()
        names = df["chemical"].astype(str)
        hits.update(df.loc[names.map(normalize_name) == q, "chemical_key"])
        for key, ident in self.identities.items():
            if normalize_name(ident.name) == q or str(query).strip() in ident.cas_numbers:
                hits.add(key)
        if not hits:
            wanted = {e.entry_id for e in annex_iii_matches(str(query), split_cas(str(query)) if any(ch.isdigit() for ch in str(query)) else [])}
            for key, ident in self.identities.items():
                if wanted & {e.entry_id for e in ident.annex_iii}:
                    hits.add(key)
        if not hits:
            contains = {k for k, n in zip(df["chemical_key"], names, strict=True) if q in normalize_name(n)}
            if len(contains) == 1:
                hits = contains
        if len(hits) == 1:
            return hits.pop()
        known = sorted({i.name for i in self.identities.values()}, key=str.casefold)
        if not hits:
            close = difflib.get_close_matches(str(query), known, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else f"; chemicals in the data: {', '.join(known[:12])}{' …' if len(known) > 12 else ''}"
            raise DocumentDataError(f"no notification in the data concerns '{query}'{hint}", source=str(query), field_name="chemical")
        raise DocumentDataError(f"'{query}' matches several chemicals: {', '.join(sorted(self.identities[k].name for k in hits))}; name one of them", source=str(query), field_name="chemical")

    def recommended(self, *, include_listed: bool = False) -> list[tuple[str, str]]:
        """Return ``(chemical, category)`` pairs the committee recommends (Article 5.6).

        By default only those Annex III does not yet list in that category; with
        ``include_listed`` also those already listed (their draft serves a revision).
        """
        st = self.status
        if st.empty:
            return []
        rec = st[st["recommend_listing"] & (include_listed | ~st["listed_in_annex_iii"])]
        return list(zip(rec["chemical"], rec["category"], strict=True))


def _data(data) -> CaseData:
    if isinstance(data, CaseData):
        return data
    if data is not None and hasattr(data, "notifications") and hasattr(data, "determinations"):
        return CaseData.from_intake(data)
    return CaseData.load(data)


# --------------------------------------------------------------------------- small helpers


def _t(row, name: str) -> str | None:
    value = row.get(name) if hasattr(row, "get") else None
    if is_blank(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value).strip()


def _items(row, name: str) -> list[str]:
    text = _t(row, name)
    if text is None:
        return []
    return [x.strip() for x in text.replace(";", "\n").split("\n") if x.strip()] if name == "cas_number" else [x.strip() for x in text.split("\n") if x.strip()]


def _date(row, name: str) -> str | None:
    value = row.get(name)
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return pd.Timestamp(value).date().isoformat()


def _parties(row) -> str:
    return ", ".join(p for p in str(row.get("notifying_party") or "").split(";") if p) or "(Party not given)"


def _regions(row) -> str:
    return ", ".join(p for p in str(row.get("pic_region") or "").split(";") if p)


def _join(parts: list[str], word: str = "and") -> str:
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {word} " + parts[-1]


def _per_party(entries: list[dict], name: str, *, list_field: bool = False) -> list[dict]:
    """Return fields rows, one per Party: the Party's value of a notification field."""
    rows = []
    for e in entries:
        value = _items(e["row"], name) if list_field else _t(e["row"], name)
        rows.append(dm.field(e["label"], value))
    return rows


def _entries(frame: pd.DataFrame) -> list[dict]:
    """Return one entry per notification: the Party label used as its heading, region and row."""
    rows = [r for _, r in frame.sort_values(["notifying_party", "notification_id"], key=lambda s: s.astype(str).str.casefold()).iterrows()]
    counts: dict[str, int] = {}
    for r in rows:
        counts[_parties(r)] = counts.get(_parties(r), 0) + 1
    out = []
    for r in rows:
        party = _parties(r)
        label = party if counts[party] == 1 else f"{party} (notification {r['notification_id']})"
        out.append({"party": party, "label": label, "region": _regions(r), "row": r})
    return out


def _missing_block(hint: str = "") -> dict:
    text = dm.MISSING + (f" {dm.PLACEHOLDER_PREFIX}{hint}" if hint else "")
    return dm.p(text, "missing")


def _category_label(category: str) -> str:
    return CATEGORY_LABELS.get(category, category)


# --------------------------------------------------------------------------- DGD


DGD_VARIANTS: dict[str, object] = {}
"""Builders of DGD variants, by name: ``fra`` (a chemical banned or severely restricted,
Article 7 with Annex II) and, from :mod:`crc_tools.documents.shpf_dgd`, ``shpf`` (a severely
hazardous pesticide formulation, Article 6 with Annex IV)."""


def _load_extensions() -> None:
    """Import the modules that register further DGD variants and synopsis appendices."""
    from . import shpf_dgd as shpf_documents  # noqa: F401  registers DGD_VARIANTS["shpf"] and Appendix II


def dgd_document(*, chemical: str, category: str | None = None, data=None, variant: str = "fra", today: dt.date | None = None) -> dict:
    """Return the model of a draft decision guidance document.

    Parameters
    ----------
    chemical : str
        Common name, CAS number or Annex III name of the chemical; for the ``shpf``
        variant the formulation's name, a trade name, its Annex III entry or a proposal id.
    category : str, optional
        ``pesticide`` or ``industrial``; by default the one category in which the
        committee recommends the chemical (or the only one notified). ``shpf`` (a
        severely hazardous pesticide formulation) selects the ``shpf`` variant.
    data : CaseData, Intake or list of paths, optional
        The notifications and proposals (default: the shipped sample data).
    variant : str
        Which DGD to draft (:data:`DGD_VARIANTS`): ``fra`` (default) or ``shpf``.
    today : datetime.date, optional
        The date printed on the draft.

    Returns
    -------
    dict
        The document model, with the internal-consistency findings in ``checks`` and in
        the draft's last section.
    """
    _load_extensions()
    variant = str(variant or "fra").strip().casefold()
    cat = str(category).strip().casefold() if category else None
    if cat == "shpf":
        if variant not in ("fra", "shpf"):
            raise UsageError(f"the shpf category is drafted by the shpf variant, not '{variant}'")
        variant = "shpf"
    elif variant == "shpf" and cat is not None:
        raise UsageError(f"a DGD for a severely hazardous pesticide formulation is in the shpf category, not '{category}'")
    try:
        builder = DGD_VARIANTS[variant]
    except KeyError:
        raise UsageError(f"unknown DGD variant '{variant}'; known: {', '.join(DGD_VARIANTS)}") from None
    data = _data(data)
    try:
        return builder(chemical=chemical, category=category, data=data, today=today or dt.date.today())
    except DocumentDataError as exc:
        if variant == "fra" and exc.field_name == "chemical":
            from .shpf_dgd import formulation_for

            if formulation_for(data, chemical) is not None:
                raise DocumentDataError(
                    f"{exc.message}; '{chemical}' is a severely hazardous pesticide formulation proposed under Article 6: draft its DGD with --variant shpf (or --category shpf)",
                    source=exc.source,
                    field_name=exc.field_name,
                ) from None
        raise


def resolve_category(data: CaseData, key: str, category: str | None) -> str:
    """Return the category of a DGD: the one given, or the recommended (or only) one."""
    df = data.prepared
    notified = sorted(set(df.loc[df["chemical_key"] == key, "category"].astype(str)))
    name = data.identities[key].name
    if category:
        cat = str(category).strip().casefold()
        if cat not in CATEGORIES:
            raise UsageError(f"category must be one of {', '.join(CATEGORIES)}, not '{category}'")
        if cat not in notified:
            raise DocumentDataError(f"no notification of {name} in the {cat} category (notified: {', '.join(notified)})", source=name, field_name="category")
        return cat
    recommended = [c for c in notified if (data.status_row(key, c) or {}).get("recommend_listing")]
    if len(recommended) == 1:
        return recommended[0]
    if len(notified) == 1:
        return notified[0]
    raise UsageError(f"{name} is notified in the {' and '.join(notified)} categories; choose one with --category")


def _fra_dgd(*, chemical: str, category: str | None, data: CaseData, today: dt.date) -> dict:
    from ..convention.reference import annex_iii_matches

    key = data.find_chemical(chemical)
    category = resolve_category(data, key, category)
    ident = data.identities[key]
    df = data.prepared
    mine = df[(df["chemical_key"] == key) & (df["category"] == category)]
    basis_rows = mine[mine["annex_ii_status"] == "met"]
    others = mine[mine["annex_ii_status"] != "met"]
    other_cats = df[(df["chemical_key"] == key) & (df["category"] != category)]
    status = data.status_row(key, category) or {}
    basis = _entries(basis_rows)
    name = ident.name
    cat_label = _category_label(category)
    entries_all = list(ident.annex_iii) or [e for e in annex_iii_matches(name, ident.cas_numbers) if e.category != "shpf"]
    listed_here = [e for e in entries_all if e.category == category]
    listed_other = [e for e in entries_all if e.category != category]
    listed_other += [e for e in annex_iii_matches(name, ident.cas_numbers) if e.category == "shpf" and e not in listed_other]
    precedent = bool(status.get("basis")) and "CRC-10/5" in str(status.get("basis"))

    notices = [
        f"Draft prepared by crc-tools on {today.isoformat()} from the notifications and the committee's recorded conclusions, "
        "for the intersessional drafting group (Article 7.1). It is not a document adopted by the Chemical Review Committee "
        f"or the Conference of the Parties. Items the data do not hold are marked '{dm.MISSING}'"
    ]
    if listed_here:
        e = listed_here[0]
        notices.append(f"{name} is already listed in Annex III in the {category} category ({e.listing}); a decision guidance document exists. This draft can only serve a revision.")
    elif not status.get("recommend_listing"):
        notices.append(f"The committee has not recommended {name} for listing in the {category} category: {status.get('missing') or 'no notification meets Annex II'}. This draft is for preparation only.")

    S: list[dict] = []
    # Cover -------------------------------------------------------------------
    S.append(
        dm.section(
            "cover",
            "Cover",
            level=0,
            blocks=[
                dm.p("Rotterdam Convention", "lead"),
                dm.p("Operation of the prior informed consent procedure for banned or severely restricted chemicals", "lead"),
                dm.p("Decision Guidance Document", "cover-title"),
                {**dm.p(name, "cover-title"), "key": "chemical"},
                {**dm.p(f"Category: {cat_label}", "lead"), "key": "category"},
                dm.p(f"Draft of {today.isoformat()}, prepared from the notifications; not adopted", "placeholder"),
                dm.p(SECRETARIAT + ". The Secretariat is provided jointly by UNEP and FAO.", "small"),
            ],
        )
    )
    # Front matter ---------------------------------------------------------------
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
                    "Candidate chemicals for inclusion in the prior informed consent (PIC) procedure are those that have been banned or "
                    "severely restricted by national regulatory actions in two or more Parties in two different PIC regions. Inclusion "
                    "rests on the regulatory actions of those Parties, which addressed the risks of the chemical under their own conditions; "
                    "other ways of controlling or reducing such risks may exist. Inclusion does not imply that all Parties to the Convention "
                    "have banned or severely restricted the chemical. For each chemical in Annex III, Parties are requested to make an informed "
                    "decision whether they consent to its future import."
                ),
                dm.p(dm.PLACEHOLDER_PREFIX + "the meeting of the Conference of the Parties that decides to list the chemical in Annex III, and the date on which this decision guidance document is communicated to designated national authorities.", "placeholder"),
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
                    "For each chemical listed in Annex III, a decision guidance document (DGD) is approved by the Conference of the Parties and "
                    "sent to all Parties with a request for a decision on future import of the chemical (Articles 7 and 10). The DGD is prepared "
                    "by the Chemical Review Committee and reflects the information provided by the Parties whose final regulatory actions are "
                    "the basis of the listing. It is not the only source of information on the chemical and is not updated or revised after its "
                    "adoption. Parties that have taken regulatory action on the chemical, and other information exchanged under Article 14, "
                    "can be found on the Convention's website."
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
                    "Trade names are used in this document only to help identify the chemical; their use does not imply approval or "
                    "disapproval of any company. FAO and UNEP take no responsibility for omissions in this document or for the consequences "
                    "of a decision to import or to prohibit the import of the chemical. The designations used and the presentation of material "
                    "do not imply any opinion on the legal status of any country, territory, city or area or of its authorities, or on the "
                    "delimitation of its frontiers or boundaries."
                )
            ],
        )
    )
    abbreviations = dm.section("abbreviations", "List of abbreviations", part="front")
    S.append(abbreviations)

    # Title block -------------------------------------------------------------------
    S.append(
        dm.section(
            "title",
            "Decision guidance document for a banned or severely restricted chemical",
            level=0,
            blocks=[{**dm.p(name, "cover-title"), "key": "chemical"}, dm.p(f"Published: draft of {today.isoformat()} (not adopted)", "small")],
        )
    )

    # 1 Identification and specifications -------------------------------------------
    mine_entries = _entries(mine)
    names_notified = sorted({str(n) for n in mine["chemical"] if str(n).strip() and normalize_name(n) != normalize_name(name)}, key=str.casefold)
    synonyms = names_notified + sorted({a for e in entries_all for a in (e.chemical, e.short_name, *e.aliases) if normalize_name(a) != normalize_name(name)} - set(names_notified), key=str.casefold)
    chemical_names = sorted({v for _, r in mine.iterrows() for v in [_t(r, "chemical_name")] if v})
    cas = list(dict.fromkeys([c for _, r in mine.iterrows() for c in _items(r, "cas_number")] + [c for e in listed_here for c in e.cas_numbers]))
    hs = []
    for e in entries_all:
        for h in hs_codes_for(e.chemical):
            hs.append(f"{h.hs_code} ({h.hs_edition}; {h.provenance.replace('_', ' ')}{': ' + h.description if h.description else ''})")
    for e in mine_entries:
        code = _t(e["row"], "hs_code")
        if code:
            hs.append(f"{code} (given by {e['party']} in its notification)")
    hs = list(dict.fromkeys(hs))
    other_numbers = list(dict.fromkeys(x for _, r in mine.iterrows() for x in _items(r, "other_numbers")))
    trade_names = sorted({x for _, r in mine.iterrows() for x in _items(r, "trade_names")}, key=str.casefold)
    uses_here = [f"{e['label']}: {_t(e['row'], 'uses')}" for e in mine_entries if _t(e["row"], "uses")]
    uses_other = []
    for e in _entries(other_cats):
        parts_ = [x for x in (_t(e["row"], "uses"), ("uses that remain allowed: " + _t(e["row"], "uses_allowed")) if _t(e["row"], "uses_allowed") else None) if x]
        uses_other.append(f"{_category_label(str(e['row']['category']))} — {e['label']}: " + ("; ".join(parts_) if parts_ else "notified in this category (uses not stated)"))
    for e in listed_other:
        if e.category != "shpf":
            uses_other.append(f"Listed in Annex III in the {e.category} category ({e.listing}).")
        else:
            uses_other.append(f"Formulations listed in Annex III as severely hazardous pesticide formulations: {e.chemical} ({e.listing}).")
    pops = stockholm_for(name, ident.cas_numbers)
    pop_text = [f"Stockholm Convention, Annex {s.stockholm_annex}" + (f" (decision {s.cop_decision}, {s.year_listed})" if s.cop_decision else f" ({s.year_listed})") for s in pops]
    S.append(
        dm.section(
            "1",
            "Identification and specifications",
            number="1",
            blocks=[
                dm.fields(
                    [
                        dm.field("Common name", name, "common_name"),
                        dm.field("Other names and synonyms", synonyms, "synonyms"),
                        dm.field("Chemical name (IUPAC or other internationally recognized nomenclature)", chemical_names, "chemical_name"),
                        dm.field("Molecular formula", None, "molecular_formula"),
                        dm.field("Chemical structure", None, "structure"),
                        dm.field("CAS number(s)", cas, "cas_numbers"),
                        dm.field("Harmonized System customs code", hs, "hs_code"),
                        dm.field("Other numbers", other_numbers, "other_numbers"),
                        dm.field("Category", cat_label, "category"),
                        dm.field("Regulated category", cat_label, "regulated_category"),
                        dm.field("Use(s) in regulated category", uses_here, "uses_regulated"),
                        dm.field("Trade names", trade_names, "trade_names"),
                        dm.field("Formulation types", None, "formulation_types"),
                        dm.field("Uses in other categories (Article 7.1)", uses_other, "uses_other_categories"),
                        dm.field("Basic manufacturers", None, "manufacturers"),
                        dm.field("Other international agreements", pop_text or ["Not listed under the Stockholm Convention in the suite's reference data."], "other_agreements"),
                    ],
                    key="identification",
                )
            ],
        )
    )

    # 2 Reasons for inclusion --------------------------------------------------------
    regions = []
    for e in basis:
        for r in e["region"].split(", "):
            if r and r not in regions:
                regions.append(r)
    regions.sort(key=lambda r: PIC_REGIONS.index(r) if r in PIC_REGIONS else 99)
    fra_types = sorted({FRA_TYPE_LABELS.get(str(e["row"].get("fra_type") or ""), "") for e in basis} - {""})
    verb = {"banned": "ban", "severely restricted": "severely restrict"}
    action = " or ".join(verb[t] for t in fra_types) if fra_types else "ban or severely restrict"
    meetings = sorted({m for e in basis for m in [_t(e["row"], "committee_meeting")] if m})
    blocks2: list[dict] = [
        dm.fields([dm.field("Category of the proposed listing", cat_label, "category")], key="listing"),
    ]
    if basis:
        blocks2.append(
            dm.p(
                f"{name} is proposed for inclusion in the PIC procedure in the {category} category on the basis of the final regulatory "
                f"actions to {action} it notified by {_join([f'{e['party']} ({e['region'] or 'PIC region not established'})' for e in basis])}, "
                f"from {len(regions)} PIC region{'s' if len(regions) != 1 else ''}."
            )
        )
        concl = f"At {_join(meetings)} the Chemical Review Committee concluded" if meetings else "The Chemical Review Committee's recorded conclusion is"
        blocks2.append(dm.p(f"{concl} that these notifications meet the criteria of Annex II (Article 5.6)."))
    else:
        blocks2.append(dm.p(f"No notification of {name} in the {category} category has been concluded to meet the criteria of Annex II; there is no basis for listing yet (Article 5.6).", "notice"))
    blocks2.append(
        dm.table(
            [("party", "Notifying Party"), ("region", "PIC region"), ("action", "Final regulatory action"), ("entry_into_force", "Entry into force"), ("annex_ii", "Annex II"), ("meeting", "Concluded at"), ("notification", "Notification")],
            [[e["party"], e["region"] or None, FRA_TYPE_LABELS.get(str(e["row"].get("fra_type") or ""), None), _date(e["row"], "fra_date"), "met", _t(e["row"], "committee_meeting"), str(e["row"]["notification_id"])] for e in basis],
            key="basis",
            caption="Notifications that are the basis for listing",
        )
    )
    if status.get("basis"):
        blocks2.append(dm.p(f"Noted by the review of this chemical and category: {status['basis']}.", "note"))
    if len(others):
        listed_others = "; ".join(f"{e['party']} ({e['region'] or 'no established PIC region'}): {STATUS_LABELS.get(str(e['row']['annex_ii_status']), str(e['row']['annex_ii_status']))}" for e in _entries(others))
        blocks2.append(dm.p(f"Other notifications of {name} in this category are not a basis for this listing and are not presented in this document: {listed_others}.", "note"))
    matrix = _criteria_matrix(data, basis_rows, f"Annex II determinations recorded for the notifications that are the basis for listing {name}")
    if matrix:
        blocks2.append(matrix)
    S.append(dm.section("2", "Reasons for inclusion in the PIC procedure", number="2", blocks=blocks2))

    b21: list[dict] = [dm.p("A summary of each notifying Party's final regulatory action; the details are in Annex 2.", "note")]
    b22: list[dict] = [dm.p("A summary of the evaluation each final regulatory action rests on; further information is in Annexes 1 and 2.", "note")]
    for e in basis:
        r = e["row"]
        b21.append(dm.heading(f"{e['label']}", party=e["party"]))
        b21.append(
            dm.fields(
                [
                    dm.field("The chemical is", FRA_TYPE_LABELS.get(str(r.get("fra_type") or ""))),
                    dm.field("Summary of the final regulatory action", _t(r, "fra_summary")),
                    dm.field("Entry into force", _date(r, "fra_date")),
                    dm.field("Reference to the regulatory document", _t(r, "regulatory_document")),
                    dm.field("Reasons relevant to human health", _t(r, "reasons_human_health")),
                    dm.field("Reasons relevant to the environment", _t(r, "reasons_environment")),
                ],
                party=e["party"],
            )
        )
        rows22 = [
            dm.field("The action was based on", EVALUATION_LABELS.get(str(r.get("evaluation_basis") or ""))),
            dm.field("Summary of the evaluation", _t(r, "evaluation_summary")),
            dm.field("Exposure under the conditions prevailing in the notifying Party", _t(r, "prevailing_conditions")),
        ]
        if _t(r, "bridging_source") or _t(r, "bridging_justification"):
            rows22.append(dm.field("Evaluation of another Party or body relied on (bridging)", _t(r, "bridging_source")))
            rows22.append(dm.field("Why conditions are similar (bridging)", _t(r, "bridging_justification")))
        rows22.append(dm.field("Summary of hazards and risks", _t(r, "hazards_and_risks")))
        b22.append(dm.heading(e["label"]))
        b22.append(dm.fields(rows22))
    if not basis:
        b21.append(_missing_block())
        b22.append(_missing_block())
    S.append(dm.section("2.1", "Final regulatory action", number="2.1", level=2, part="2", blocks=b21))
    S.append(dm.section("2.2", "Risk evaluation", number="2.2", level=2, part="2", blocks=b22))

    # 3 Protective measures ------------------------------------------------------------
    S.append(dm.section("3", "Protective measures that have been applied concerning the chemical", number="3"))
    rows31 = []
    for e in basis:
        r = e["row"]
        value = [x for x in (
            ("Uses prohibited: " + _t(r, "uses_prohibited")) if _t(r, "uses_prohibited") else None,
            ("Uses that remain allowed: " + _t(r, "uses_allowed")) if _t(r, "uses_allowed") else None,
            ("Quantities: " + _t(r, "quantities")) if _t(r, "quantities") else None,
        ) if x]
        rows31.append(dm.field(e["label"], value))
    S.append(dm.section("3.1", "Regulatory measures to reduce exposure", number="3.1", level=2, part="3", blocks=[dm.fields(rows31) if rows31 else _missing_block()]))
    S.append(dm.section("3.2", "Other measures to reduce exposure", number="3.2", level=2, part="3", blocks=[_missing_block("general measures such as good practice in handling, personal protective equipment and training.")]))
    S.append(
        dm.section(
            "3.3",
            "Alternatives",
            number="3.3",
            level=2,
            part="3",
            blocks=[
                dm.fields(_per_party(basis, "alternatives")) if basis else _missing_block(),
                dm.p("Before a country considers substituting an alternative, it should make sure that the use is relevant to its national needs and to the anticipated local conditions of use, and evaluate the hazards of the substitute and the controls needed for its safe use.", "note"),
            ],
        )
    )
    S.append(dm.section("3.4", "Socio-economic effects", number="3.4", level=2, part="3", blocks=[dm.fields(_per_party(basis, "socio_economic_effects")) if basis else _missing_block()]))

    # 4 Hazards and risks -----------------------------------------------------------------
    S.append(dm.section("4", "Hazards and risks to human health and the environment", number="4"))
    S.append(dm.section("4.1", "Hazard classification", number="4.1", level=2, part="4", blocks=[dm.fields(_per_party(basis, "hazard_classification", list_field=True)) if basis else _missing_block()]))
    S.append(dm.section("4.2", "Exposure limits", number="4.2", level=2, part="4", blocks=[_missing_block("acceptable daily intake, acute reference dose, occupational exposure limits and drinking-water values where they exist.")]))
    S.append(dm.section("4.3", "Packaging and labelling", number="4.3", level=2, part="4", blocks=[_missing_block("UN transport hazard class, packing group and labelling requirements.")]))
    S.append(dm.section("4.4", "First aid", number="4.4", level=2, part="4", blocks=[_missing_block("first-aid measures from an authoritative source (e.g. WHO/IPCS International Chemical Safety Cards).")]))
    b45: list[dict] = [dm.fields(_per_party(basis, "waste_management")) if basis else _missing_block()]
    b45.append(dm.p("Wastes are outside the scope of the Rotterdam Convention (Article 3.2(c)); their environmentally sound management is addressed by the Basel Convention.", "note"))
    for s in pops:
        b45.append(dm.p(f"{name} is listed in Annex {s.stockholm_annex} of the Stockholm Convention{(' (decision ' + s.cop_decision + ')') if s.cop_decision else ''}: its stockpiles and wastes are subject to that Convention's provisions on stockpiles and wastes.", "note"))
    S.append(dm.section("4.5", "Waste management", number="4.5", level=2, part="4", blocks=b45))

    # Annex 1 -----------------------------------------------------------------------------
    a1: list[dict] = [dm.p("The information given by the notifying Parties, tabulated per Party. The drafting group completes it from the supporting documentation.", "note")]
    for n_, (title_, fname) in enumerate(
        [
            ("Physico-chemical properties", "physico_chemical_properties"),
            ("Toxicological properties", "toxicological_properties"),
            ("Human exposure and risk evaluation", "reasons_human_health"),
            ("Environmental fate and effects on non-target organisms", "ecotoxicological_properties"),
            ("Environmental exposure and risk evaluation", "reasons_environment"),
        ],
        start=1,
    ):
        a1.append(dm.heading(f"{n_} {title_}"))
        a1.append(dm.fields(_per_party(basis, fname)) if basis else _missing_block())
    S.append(dm.section("annex1", "Further information on the substance", number="Annex 1", blocks=a1))

    # Annex 2 -------------------------------------------------------------------------------
    a2: list[dict] = []
    for e in basis:
        r = e["row"]
        reasons = [x for x in (
            ("Human health: " + _t(r, "reasons_human_health")) if _t(r, "reasons_human_health") else None,
            ("Environment: " + _t(r, "reasons_environment")) if _t(r, "reasons_environment") else None,
            ("Other: " + _t(r, "reasons_other")) if _t(r, "reasons_other") else None,
        ) if x]
        details = [x for x in (
            _t(r, "fra_summary"),
            ("The chemical is " + FRA_TYPE_LABELS[str(r.get("fra_type"))] + ".") if str(r.get("fra_type") or "") in FRA_TYPE_LABELS else None,
            ("Uses prohibited: " + _t(r, "uses_prohibited")) if _t(r, "uses_prohibited") else None,
            ("Uses that remain allowed: " + _t(r, "uses_allowed")) if _t(r, "uses_allowed") else None,
        ) if x]
        evaluation = [x for x in (
            ("Based on a " + EVALUATION_LABELS[str(r.get("evaluation_basis"))] + ".") if str(r.get("evaluation_basis") or "") in EVALUATION_LABELS else None,
            _t(r, "evaluation_summary"),
            ("Bridging: " + _t(r, "bridging_source") + (" — " + _t(r, "bridging_justification") if _t(r, "bridging_justification") else "")) if _t(r, "bridging_source") else None,
            "Criteria used: Annex II, concluded as met by the Chemical Review Committee" + (f" at {_t(r, 'committee_meeting')}" if _t(r, "committee_meeting") else "") + ".",
        ) if x]
        other = [x for x in (
            ("Expected effect: " + _t(r, "expected_effect")) if _t(r, "expected_effect") else None,
            ("Quantities: " + _t(r, "quantities")) if _t(r, "quantities") else None,
            *("Evidence of international trade: " + t for t in _items(r, "trade_evidence")),
        ) if x]
        a2.append(dm.heading(e["label"], party=e["party"]))
        a2.append(
            dm.fields(
                [
                    dm.field("Notifying Party and PIC region", f"{e['party']} ({e['region'] or 'PIC region not established'})"),
                    dm.field("Chemical as notified", [x for x in (_t(r, "chemical"), _t(r, "chemical_name")) if x], "chemical_as_notified"),
                    dm.field("CAS number(s) as notified", _items(r, "cas_number"), "cas_as_notified"),
                    dm.field("Category", _category_label(str(r["category"])), "category_as_notified"),
                    dm.field("Effective date of entry into force", _date(r, "fra_date")),
                    dm.field("Reference to the regulatory document", _t(r, "regulatory_document")),
                    dm.field("Succinct details of the final regulatory action", details),
                    dm.field("Reasons for action", reasons),
                    dm.field("Basis for inclusion into Annex III", evaluation),
                    dm.field("Relevance to other States and regions", _t(r, "relevance_to_other_states")),
                    dm.field("Alternatives", _t(r, "alternatives")),
                    dm.field("Waste management", _t(r, "waste_management")),
                    dm.field("Other relevant information", other),
                ],
                party=e["party"],
                key="annex2",
            )
        )
    if not basis:
        a2.append(_missing_block())
    S.append(dm.section("annex2", "Details on final regulatory actions reported", number="Annex 2", blocks=a2))

    # Annex 3 -------------------------------------------------------------------------------
    dna_for = "Industrial chemicals" if category == "industrial" else "Pesticides"
    a3_rows = []
    for e in basis:
        r = e["row"]
        a3_rows.append([e["party"], dna_for, _t(r, "dna_institution"), _t(r, "dna_address"), _t(r, "dna_contact"), _t(r, "dna_email")])
    S.append(
        dm.section(
            "annex3",
            "Addresses of designated national authorities",
            number="Annex 3",
            blocks=[
                dm.table(
                    [("party", "Notifying Party"), ("dna_for", "Designated national authority for"), ("institution", "Institution"), ("address", "Address"), ("contact", "Person in charge"), ("email", "E-mail")],
                    a3_rows,
                    key="dna",
                )
                if basis
                else _missing_block()
            ],
        )
    )

    # Annex 4 -------------------------------------------------------------------------------
    a4: list[dict] = []
    for e in basis:
        r = e["row"]
        refs = []
        if _t(r, "regulatory_document"):
            refs.append("Regulatory document: " + _t(r, "regulatory_document"))
        refs += ["Evaluation: " + x for x in _items(r, "evaluation_references")]
        if _t(r, "bridging_source"):
            refs.append("Evaluation relied on (bridging): " + _t(r, "bridging_source"))
        refs.append(f"Notification of final regulatory action by {e['party']}, {r['notification_id']}" + (f", received by the Secretariat on {_date(r, 'received_date')}" if _date(r, "received_date") else ""))
        refs += ["Source: " + x for x in _items(r, "sources")]
        a4.append(dm.heading(e["label"]))
        a4.append(dm.bullet_list(refs, key="references", party=e["party"]))
    general = ["Rotterdam Convention on the Prior Informed Consent Procedure for Certain Hazardous Chemicals and Pesticides in International Trade: Articles 5, 7 and 10; Annexes I, II and III."]
    if meetings:
        general.append(f"Rationale of the Chemical Review Committee for the conclusion that the notifications meet the criteria of Annex II ({_join(meetings)} meeting report).")
    general += [f"Stockholm Convention listing: {s.source_url}" for s in pops if s.source_url]
    a4.append(dm.heading("General"))
    a4.append(dm.bullet_list(general, key="general_references"))
    S.append(dm.section("annex4", "References", number="Annex 4", blocks=a4))

    document = {
        "kind": "dgd",
        "schema": dm.SCHEMA_VERSION,
        "title": f"Decision guidance document: {name} (draft)",
        "meta": {
            "variant": "fra",
            "chemical": name,
            "category": category,
            "category_label": cat_label,
            "file_stem": f"dgd-{safe_filename(name)}-{category}",
            "generated_on": today.isoformat(),
            "notifying_parties": [e["party"] for e in basis],
            "pic_regions": regions,
            "recommend_listing": bool(status.get("recommend_listing")),
            "listed_in_annex_iii": bool(listed_here),
            "additional_category_precedent": precedent,
        },
        "notices": notices,
        "sections": S,
        "checks": [],
    }
    used = dm.abbreviations_used(document)
    abbreviations["blocks"] = [dm.table([("abbreviation", "Abbreviation"), ("meaning", "Meaning")], [[a, dm.ABBREVIATIONS[a]] for a in used], key="abbreviations")]
    findings = dm.check_dgd(document)
    document["checks"] = findings
    S.append(_checks_section(findings))
    n_problems = sum(1 for f in findings if f["result"] == dm.RESULT_PROBLEM)
    if n_problems:
        notices.append(f"The internal-consistency check found {n_problems} problem(s) in this draft; see the last section.")
    return document


DGD_VARIANTS["fra"] = _fra_dgd


def _checks_section(findings: list[dict], what: str = "identity, notifying Parties across sections and annexes, basis for listing, Article 7.1, abbreviations") -> dict:
    return dm.section(
        "checks",
        "Draft only: internal-consistency check",
        number="Appendix",
        blocks=[
            dm.p(f"Checks of this draft against itself ({what}). Remove this appendix before the draft is circulated.", "note"),
            dm.table([("check", "Check"), ("result", "Result"), ("message", "Details")], [[f["check"], f["result"], f["message"]] for f in findings], key="checks"),
            dm.p(dm.check_summary(findings), "note"),
        ],
    )


def _criteria_matrix(data: CaseData, rows: pd.DataFrame, title: str) -> dict | None:
    """Return a chart block of the recorded Annex II determinations of some notifications."""
    if rows.empty:
        return None
    a = data.assessment
    ids = set(rows["notification_id"])
    sub = a[a["notification_id"].isin(ids) & a["category"].isin(set(rows["category"]))]
    if sub.empty:
        return None
    order = {c: i for i, c in enumerate(items("annex_ii").ids)}
    cells = []
    for r in sub.itertuples(index=False):
        label = f"{str(r.notifying_party).replace(';', ', ')} ({r.notification_id})"
        status = STATUS_LABELS.get(str(r.status), "") if str(r.status) else ""
        cells.append({"notification": label, "criterion": r.criterion, "status": status or "no determination", "order": order.get(r.criterion, 99)})
    criteria = [c for c in items("annex_ii").ids]
    labels = list(dict.fromkeys(c["notification"] for c in cells))
    table_rows = []
    for label in labels:
        by = {c["criterion"]: c["status"] for c in cells if c["notification"] == label}
        table_rows.append([label, *[("—" if by.get(c, "no determination") == "no determination" else by[c]) for c in criteria]])
    title = f"{title} (—: no determination recorded)"
    svg = ""
    try:
        from ..charts import criteria_matrix, to_svg

        svg = to_svg(criteria_matrix(cells, title=""))
    except Exception:  # noqa: BLE001 - a chart that cannot be drawn falls back to its table
        svg = ""
    return dm.chart(title, [("notification", "Notification"), *[(c, c) for c in criteria]], table_rows, svg, key="criteria_matrix")


# --------------------------------------------------------------------------- rationale


def rationale_document(*, notification_id: str, category: str | None = None, data=None, today: dt.date | None = None) -> dict:
    """Return the model of the rationale for one notification (domain brief §1.7).

    One block per Annex II criterion carries the recorded determination (status,
    justification, references, who recorded it); the rule-based aid is shown beside it,
    labelled as an aid and never as the conclusion. The conclusion is the committee's
    recorded one, or the one that follows from the recorded determinations (Annex II:
    (a), (b)(i)-(iii) and (c)(i)-(iv) met and (d) holds).

    An SHPF proposal id (or ``category="shpf"``) gives the rationale for the proposal
    against Annex IV Part 3 instead (:func:`crc_tools.documents.shpf_dgd.proposal_rationale_document`).

    Parameters
    ----------
    notification_id : str
        The notification's id, or an SHPF proposal's id.
    category : str, optional
        Needed when the notification covers both categories.
    data : CaseData, Intake or list of paths, optional
        The notifications and proposals (default: the shipped sample data).
    today : datetime.date, optional
        The date printed on the draft.
    """
    from ..notifications.criteria import AID_LABEL, conclusions

    data = _data(data)
    today = today or dt.date.today()
    df = data.prepared
    nid = str(notification_id).strip()
    rows = df[df["notification_id"].astype(str) == nid] if len(df) else df
    proposal_ids = sorted(data.proposals.proposals["proposal_id"].astype(str)) if not data.proposals.empty else []
    if (category and str(category).strip().casefold() == "shpf") or (rows.empty and nid in proposal_ids):
        _load_extensions()
        from .shpf_dgd import proposal_rationale_document

        return proposal_rationale_document(proposal_id=nid, data=data, today=today)
    if rows.empty:
        ids = sorted(df["notification_id"].astype(str).unique()) if len(df) else []
        close = difflib.get_close_matches(nid, ids + proposal_ids, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        what = "notification or SHPF proposal" if proposal_ids else "notification"
        raise DocumentDataError(f"no {what} '{nid}' in the data{hint}", source=nid, field_name="notification_id")
    cats = sorted(set(rows["category"].astype(str)))
    if category:
        cat = str(category).strip().casefold()
        if cat not in cats:
            raise DocumentDataError(f"notification {nid} does not cover the {cat} category (it covers: {', '.join(cats)})", source=nid, field_name="category")
    elif len(cats) == 1:
        cat = cats[0]
    else:
        raise UsageError(f"notification {nid} covers the {' and '.join(cats)} categories; choose one with --category")
    row = rows[rows["category"] == cat].iloc[0]
    raw = data.notifications
    concl = conclusions(raw[(raw["notification_id"].astype(str) == nid) & (raw["category"] == cat)], data.determinations).iloc[0]
    status = str(concl["annex_ii_status"])
    party = _parties(row)
    region = _regions(row) or "PIC region not established"
    chem = str(row["chemical"])
    verdict = {"met": "meets", "not_met": "does not meet"}.get(status)
    if verdict:
        title = f"Rationale for the conclusion that the notification of final regulatory action submitted by {party} in respect of {chem} under the {cat} category {verdict} the criteria of Annex II"
    else:
        title = f"Draft rationale: the notification of final regulatory action submitted by {party} in respect of {chem} under the {cat} category, assessed against the criteria of Annex II (no conclusion recorded)"
    a = data.assessment
    crit_rows = {r["criterion"]: r for r in a[(a["notification_id"].astype(str) == nid) & (a["category"] == cat)].to_dict("records")}
    ann = items("annex_ii")
    notices = [f"Prepared by crc-tools on {today.isoformat()} from the recorded determinations. The rule-based aid under each criterion is an aid for the experts, not a conclusion of the committee."]
    if bool(concl["annex_ii_conflict"]):
        notices.append("The recorded overall conclusion disagrees with the recorded criterion determinations; the committee's record needs reconciling.")
    S: list[dict] = [dm.section("title", title, level=0, blocks=[{**dm.p(chem, "cover-title"), "key": "chemical"}, dm.p(f"{party} — {region} — {_category_label(cat)}", "lead")])]
    fra = FRA_TYPE_LABELS.get(str(row.get("fra_type") or ""))
    scope_text = (
        f"This rationale concerns the notification {nid} of final regulatory action by {party} ({region}) in respect of {chem} "
        f"in the {cat} category" + (f", by which the chemical is {fra}" if fra else "") + (f", in force from {_date(row, 'fra_date')}" if _date(row, "fra_date") else "") + "."
    )
    ver = data.verification
    vrow = ver[(ver["notification_id"].astype(str) == nid) & (ver["category"] == cat)]
    vtext = str(vrow.iloc[0]["verification_basis"]) if len(vrow) else None
    S.append(
        dm.section(
            "scope",
            "Introduction and scope",
            number="1",
            blocks=[
                dm.p(scope_text),
                dm.fields(
                    [
                        dm.field("Notification", nid),
                        dm.field("Notifying Party", party),
                        dm.field("PIC region", _regions(row) or None),
                        dm.field("Category", _category_label(cat)),
                        dm.field("The chemical is", fra),
                        dm.field("Date of entry into force", _date(row, "fra_date")),
                        dm.field("Summary of the final regulatory action", _t(row, "fra_summary")),
                        dm.field("Uses prohibited", _t(row, "uses_prohibited")),
                        dm.field("Uses that remain allowed", _t(row, "uses_allowed")),
                        dm.field("Reference to the regulatory document", _t(row, "regulatory_document")),
                        dm.field("Annex I verification by the Secretariat (Article 5.3)", vtext),
                        dm.field("Reviewed at", _t(row, "committee_meeting")),
                    ]
                ),
            ],
        )
    )
    numbers = {"(a)": "2", "(b)": "3", "(c)": "4", "(d)": "5"}
    for group, number in numbers.items():
        members = [i for i in ann.items if i.group == group]
        blocks: list[dict] = []
        single = len(members) == 1
        if not single:
            blocks.append(dm.p(ann.groups.get(group, ""), "legal"))
        sub_sections = []
        for k, item in enumerate(members, start=1):
            target = blocks if single else []
            target.append(dm.p(item.text, "legal"))
            target.extend(_criterion_blocks(crit_rows.get(item.id), AID_LABEL))
            if not single:
                sub_sections.append(dm.section(item.id, f"Criterion {item.id}", number=f"{number}.{k}", level=2, part=group.strip("()"), blocks=target))
        head = f"Criterion {group}: {GROUP_TITLES.get(group, '')}".rstrip(": ")
        S.append(dm.section(group, head, number=number, part=group.strip("()"), blocks=blocks))
        S.extend(sub_sections)
    label = {"met": "The notification meets the criteria of Annex II.", "not_met": "The notification does not meet the criteria of Annex II."}.get(status, "No conclusion is recorded: the notification has not yet been concluded to meet or not to meet the criteria of Annex II.")
    cblocks = [
        dm.p(label, "lead"),
        dm.fields(
            [
                dm.field("Conclusion", STATUS_LABELS.get(status, status)),
                dm.field("On what it rests", str(concl["annex_ii_basis"])),
            ],
            key="conclusion",
        ),
        dm.p("Annex II is met when criteria (a), (b)(i)-(iii) and (c)(i)-(iv) are met and (d) holds (the action does not rest on intentional misuse alone); a criterion recorded as not met means it is not met (Article 5.6).", "note"),
    ]
    matrix = _criteria_matrix(data, rows[rows["category"] == cat], f"Annex II determinations recorded for notification {nid}")
    if matrix:
        cblocks.append(matrix)
    S.append(dm.section("conclusion", "Conclusion", number="6", blocks=cblocks))
    return {
        "kind": "rationale",
        "schema": dm.SCHEMA_VERSION,
        "title": title,
        "meta": {
            "notification_id": nid,
            "chemical": chem,
            "category": cat,
            "notifying_party": party,
            "annex_ii_status": status,
            "file_stem": f"rationale-{safe_filename(nid)}-{cat}",
            "generated_on": today.isoformat(),
        },
        "notices": notices,
        "sections": S,
        "checks": [],
    }


def _criterion_blocks(r: dict | None, aid_label: str) -> list[dict]:
    if r is None:
        return [dm.p("No assessment available for this criterion.", "note")]
    status = str(r.get("status") or "")
    who = None
    if status:
        bits = [str(r.get("recorded_by") or "").strip(), ROLE_LABELS.get(str(r.get("role") or ""), "")]
        date = r.get("recorded_at")
        when = pd.Timestamp(date).date().isoformat() if date is not None and not pd.isna(date) else ""
        who = ", ".join(b for b in bits if b) + (f", {when}" if when else "")
    refs = [x for x in str(r.get("references") or "").split("\n") if x.strip()] if not is_blank(r.get("references")) else []
    if status:
        rows = [
            dm.field("Recorded determination", STATUS_LABELS.get(status, status), "status"),
            dm.field("Justification", "none recorded" if is_blank(r.get("justification")) else str(r.get("justification")), "justification"),
            dm.field("References", refs or "none recorded", "references"),
            dm.field("Recorded by", who or "not recorded", "recorded_by"),
        ]
    else:
        rows = [dm.field("Recorded determination", "none recorded: the committee has not yet concluded on this criterion", "status")]
    proposal = str(r.get("proposal_status") or "")
    if proposal:  # a task group's or contact group's proposal, carried as such (never the committee's conclusion)
        why = "" if is_blank(r.get("proposal_justification")) else f": {r.get('proposal_justification')}"
        rows.append(dm.field("Proposal (not the committee's conclusion)", f"{r.get('proposed_by')} proposes {STATUS_LABELS.get(proposal, proposal)}{why}", "proposal"))
    aid = f"{aid_label[0].upper()}{aid_label[1:]}: {r.get('aid')} — {r.get('aid_reason')}. It reads: {r.get('aid_fields')}."
    return [dm.fields(rows, key="determination"), dm.p(aid, "aid")]


# --------------------------------------------------------------------------- synopsis


SYNOPSIS_APPENDICES: list = []
"""Further appendices of the synopsis: functions ``(data, date_from, date_to) -> list of
sections`` (:mod:`crc_tools.documents.shpf_dgd` adds Appendix II, proposals of severely
hazardous pesticide formulations). A section numbered ``Appendix <roman>`` is placed in
the order of the PIC Circular, before the first appendix with a higher number."""

_ROMAN = {"I": 1, "V": 5, "X": 10}


def _appendix_rank(number: str) -> int | None:
    """Return 2 for ``"Appendix II"``, 5 for ``"Appendix V"``; ``None`` for anything else."""
    parts = str(number or "").split()
    if len(parts) != 2 or parts[0] != "Appendix" or not parts[1] or set(parts[1]) - set(_ROMAN):
        return None
    values = [_ROMAN[c] for c in parts[1]]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _insert_appendix(sections_: list[dict], extra: list[dict]) -> None:
    """Insert an appendix's sections before the first top-level appendix numbered higher."""
    rank = next((r for r in (_appendix_rank(x.get("number", "")) for x in extra) if r is not None), None)
    at = len(sections_)
    if rank is not None:
        for i, x in enumerate(sections_):
            r = _appendix_rank(x.get("number", ""))
            if r is not None and r > rank:
                at = i
                break
    sections_[at:at] = extra


def half_year(day: dt.date) -> tuple[dt.date, dt.date]:
    """Return the calendar half-year (January-June or July-December) holding a day."""
    if day.month <= 6:
        return dt.date(day.year, 1, 1), dt.date(day.year, 6, 30)
    return dt.date(day.year, 7, 1), dt.date(day.year, 12, 31)


def synopsis_period(data: CaseData, date_from: dt.date | None = None, date_to: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """Return the period of a synopsis (Article 5.4: every six months).

    With both dates, that period; with one, the six months from or to it; with none,
    the calendar half-year of the latest receipt date of a notification or an SHPF
    proposal in the data (or of today).
    """
    if date_from and date_to:
        if date_to < date_from:
            raise UsageError(f"--to {date_to} is before --from {date_from}")
        return date_from, date_to
    try:
        if date_from:
            end = (pd.Timestamp(date_from) + pd.DateOffset(months=6) - pd.Timedelta(days=1)).date()
            return date_from, end
        if date_to:
            start = (pd.Timestamp(date_to) + pd.Timedelta(days=1) - pd.DateOffset(months=6)).date()
            return start, date_to
    except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):  # six months past 9999-12-31 or before year 1
        given = f"--from {date_from}" if date_from else f"--to {date_to}"
        raise UsageError(f"{given}: six months from it fall outside the calendar; give both --from and --to") from None
    dates = []
    for frame in (data.notifications, data.proposals.proposals):
        if "received_date" in frame.columns:
            rec = frame["received_date"].dropna()
            if len(rec):
                dates.append(pd.Timestamp(rec.max()).date())
    latest = max(dates) if dates else (data.today or dt.date.today())
    return half_year(latest)


def synopsis_document(*, data=None, date_from: dt.date | None = None, date_to: dt.date | None = None, today: dt.date | None = None) -> dict:
    """Return the model of the six-monthly synopsis of notifications (Article 5.4).

    In the style of the PIC Circular: Appendix I summarises the notifications of final
    regulatory action received in the period, those verified as meeting Annex I and,
    separately, those found incomplete or not yet verified; Appendix V lists the
    chemicals not in Annex III for which verified notifications come from one PIC region
    only (awaiting a second region, Article 5.5). Appendix II (SHPF proposals received or
    verified in the period, Article 6.2) comes from :data:`SYNOPSIS_APPENDICES`.

    Parameters
    ----------
    data : CaseData, Intake or list of paths, optional
        The notifications (default: the shipped sample data).
    date_from, date_to : datetime.date, optional
        The period (see :func:`synopsis_period`).
    today : datetime.date, optional
        The date printed on the synopsis.
    """
    from ..notifications.review import awaiting_second_region, review_status

    _load_extensions()
    data = _data(data)
    today = today or dt.date.today()
    start, end = synopsis_period(data, date_from, date_to)
    df = data.prepared
    ver = data.verification
    rec = df["received_date"] if "received_date" in df.columns else pd.Series(pd.NaT, index=df.index)
    in_period = df[(rec >= pd.Timestamp(start)) & (rec <= pd.Timestamp(end))]
    undated = int(rec.isna().sum()) if len(df) else 0
    vkey = {(str(r["notification_id"]), str(r["category"])): r for r in ver.to_dict("records")}

    def vinfo(r) -> dict:
        return vkey.get((str(r["notification_id"]), str(r["category"])), {})

    complete = [r for _, r in in_period.iterrows() if bool(vinfo(r).get("verified"))]
    incomplete = [r for _, r in in_period.iterrows() if not bool(vinfo(r).get("verified"))]
    title = f"Synopsis of notifications of final regulatory action received from {start.isoformat()} to {end.isoformat()}"
    S: list[dict] = [
        dm.section(
            "title",
            title,
            level=0,
            blocks=[
                dm.p("Rotterdam Convention — PIC Circular, Appendices I and V (Article 5.4)", "lead"),
                dm.p(f"Prepared by crc-tools on {today.isoformat()} from the notifications held; for the Secretariat's review before publication.", "small"),
            ],
        )
    ]
    counts = {}
    for _, r in in_period.iterrows():
        for reg in (str(r.get("pic_region") or "") or "no established PIC region").split(";"):
            key_ = (reg, str(r["category"]))
            counts[key_] = counts.get(key_, 0) + 1
    order = {r: i for i, r in enumerate(PIC_REGIONS)}
    summary_rows = [[reg, _category_label(cat), str(n)] for (reg, cat), n in sorted(counts.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0][1]))]
    sblocks: list[dict] = [
        dm.p(
            f"Under Article 5.4 the Secretariat circulates, every six months, a synopsis of the notifications of final regulatory action it has received. "
            f"In this period {len(in_period)} notification record(s) were received: {len(complete)} verified as containing the information required by Annex I "
            f"and {len(incomplete)} found incomplete or not yet verified (Article 5.3)."
        ),
        dm.table([("pic_region", "PIC region"), ("category", "Category"), ("notifications", "Notifications received")], summary_rows, key="summary", caption="Notifications received in the period") if summary_rows else dm.p("No notification was received in this period.", "note"),
    ]
    if undated:
        sblocks.append(dm.p(f"{undated} notification record(s) carry no date of receipt and are not placed in any period.", "note"))
    chart_block = _region_year_chart(df[rec <= pd.Timestamp(end)] if len(df) else df)
    if chart_block:
        sblocks.append(chart_block)
    S.append(dm.section("summary", "Summary", number="", blocks=sblocks))

    def synopsis_blocks(rows_: list, with_missing: bool) -> list[dict]:
        out = []
        for r in sorted(rows_, key=lambda r: (str(r["chemical"]).casefold(), _parties(r).casefold())):
            v = vinfo(r)
            ev = str(r.get("evaluation_basis") or "")
            out.append(dm.heading(f"{r['chemical']} — {_parties(r)} ({_regions(r) or 'no established PIC region'})"))
            frows = [
                dm.field("Notification", str(r["notification_id"])),
                dm.field("Date received", _date(r, "received_date")),
                dm.field("CAS number(s)", _items(r, "cas_number")),
                dm.field("Category", _category_label(str(r["category"]))),
                dm.field("Final regulatory action: the chemical is", FRA_TYPE_LABELS.get(str(r.get("fra_type") or ""))),
                dm.field("Uses prohibited", _t(r, "uses_prohibited")),
                dm.field("Uses that remain allowed", _t(r, "uses_allowed")),
                dm.field("Summary of the final regulatory action", _t(r, "fra_summary")),
                dm.field("Based on a risk or hazard evaluation", ("yes: " + EVALUATION_LABELS[ev]) if ev in ("risk", "hazard") else ("no" if ev == "none" else None)),
                dm.field("Reasons relevant to human health", _t(r, "reasons_human_health")),
                dm.field("Reasons relevant to the environment", _t(r, "reasons_environment")),
                dm.field("Summary of known hazards and risks", _t(r, "hazards_and_risks")),
                dm.field("Expected effect", _t(r, "expected_effect")),
                dm.field("Date of entry into force", _date(r, "fra_date")),
            ]
            if with_missing:
                frows.append(dm.field("Annex I verification (Article 5.3)", str(v.get("verification_basis") or "not yet verified")))
                frows.append(dm.field("Annex I items without information", v.get("missing_items") or "none"))
            out.append(dm.fields(frows))
        return out

    S.append(dm.section("appendix-i", "Synopsis of notifications of final regulatory action received in the period", number="Appendix I", part="appendix-i"))
    S.append(
        dm.section(
            "appendix-i.a",
            "Notifications verified as containing the information required by Annex I",
            number="Part A",
            level=2,
            part="appendix-i",
            blocks=synopsis_blocks(complete, False) or [dm.p("None in this period.", "note")],
        )
    )
    S.append(
        dm.section(
            "appendix-i.b",
            "Notifications found incomplete or not yet verified",
            number="Part B",
            level=2,
            part="appendix-i",
            blocks=[dm.p("These notifications are published for information; they are not forwarded to the Chemical Review Committee until verified as meeting Annex I (Articles 5.3 and 5.5).", "note")]
            + (synopsis_blocks(incomplete, True) or [dm.p("None in this period.", "note")]),
        )
    )
    upto = df[(rec <= pd.Timestamp(end)) | rec.isna()] if len(df) else df
    cols = [c for c in data.notifications.columns]
    base = upto[[c for c in cols if c in upto.columns]]
    status = review_status(base, data.determinations, today=data.today) if len(base) else pd.DataFrame()
    waiting = awaiting_second_region(status) if len(status) else status
    w_rows = []
    for r in waiting.to_dict("records") if len(waiting) else []:
        w_rows.append([r["chemical"], _category_label(r["category"]), ", ".join(r["parties"]), ", ".join(r["regions_verified"]), str(r["notifications"]), r["missing"]])
    S.append(
        dm.section(
            "appendix-v",
            f"Chemicals not listed in Annex III with verified notifications from one PIC region only, as at {end.isoformat()}",
            number="Appendix V",
            blocks=[
                dm.p("A chemical becomes a candidate for review by the Chemical Review Committee once verified notifications from two PIC regions are received (Article 5.5). Until then it is listed here, awaiting a notification from a second region.", "note"),
                dm.table(
                    [("chemical", "Chemical"), ("category", "Category"), ("parties", "Notifying Parties"), ("region", "PIC region"), ("notifications", "Notifications"), ("missing", "What is missing")],
                    w_rows,
                    key="awaiting",
                )
                if w_rows
                else dm.p("No chemical is awaiting a second region.", "note"),
            ],
        )
    )
    for extra in SYNOPSIS_APPENDICES:
        _insert_appendix(S, extra(data, start, end))
    appendices = [x["number"].split()[1] for x in S if x.get("level") == 1 and _appendix_rank(x.get("number", "")) is not None]
    lead = S[0]["blocks"][0]
    lead["text"] = f"Rotterdam Convention — PIC Circular, Appendices {_join(appendices)} (" + ("Articles 5.4 and 6.2" if "II" in appendices else "Article 5.4") + ")"
    return {
        "kind": "synopsis",
        "schema": dm.SCHEMA_VERSION,
        "title": title,
        "meta": {
            "date_from": start.isoformat(),
            "date_to": end.isoformat(),
            "received": len(in_period),
            "verified": len(complete),
            "incomplete": len(incomplete),
            "awaiting_second_region": len(w_rows),
            "file_stem": f"synopsis-{start.isoformat()}-to-{end.isoformat()}",
            "generated_on": today.isoformat(),
        },
        "notices": [],
        "sections": S,
        "checks": [],
    }


def _region_year_chart(df: pd.DataFrame) -> dict | None:
    if df.empty or "received_date" not in df.columns:
        return None
    dated = df[df["received_date"].notna()]
    if dated.empty:
        return None
    counts: dict[tuple[int, str], int] = {}
    for year, regions in zip(dated["received_date"].dt.year, dated["pic_region"].astype(str), strict=True):
        for reg in (regions or "no established PIC region").split(";"):
            counts[(int(year), reg)] = counts.get((int(year), reg), 0) + 1
    records = [{"year": y, "pic_region": r, "notifications": n} for (y, r), n in sorted(counts.items())]
    svg = ""
    try:
        from ..charts import notifications_by_region_year, to_svg

        svg = to_svg(notifications_by_region_year(records, title=""))
    except Exception:  # noqa: BLE001 - the table stands in for a chart that cannot be drawn
        svg = ""
    return dm.chart(
        "Notifications received, by PIC region and year (all notifications held up to the end of the period)",
        [("year", "Year received"), ("pic_region", "PIC region"), ("notifications", "Notifications")],
        [[str(r["year"]), r["pic_region"], str(r["notifications"])] for r in records],
        svg,
        key="region_year",
    )


__all__ = [
    "CaseData",
    "DocumentDataError",
    "DGD_VARIANTS",
    "SYNOPSIS_APPENDICES",
    "dgd_document",
    "rationale_document",
    "synopsis_document",
    "synopsis_period",
    "resolve_category",
    "half_year",
]
