"""The data documents are built from: notifications, SHPF proposals, substance data, determinations.

:class:`CaseData` is built once (from paths, or from what the intake read) and reused for many
documents; the derived tables (review status, assessments, verification) are computed on
first use. Finding a chemical by name, CAS number or Annex III name is here too.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from ..convention.reference import CATEGORIES
from ..errors import CrcError, Problems, UsageError
from ..text import normalize_name
from .shpftables import ShpfTables


class DocumentDataError(CrcError):
    """The data do not hold what a document needs (an unknown chemical or notification)."""


@dataclass
class CaseData(ShpfTables):
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
    substances: object = None

    def __post_init__(self) -> None:
        if self.proposals is None:
            from ..proposals.shpf import from_intake

            self.proposals = from_intake(None)
        if self.substances is None:
            from ..intake.substance import Substances

            self.substances = Substances()

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
        substances = intake.extra.get("substance") if hasattr(intake, "extra") else None
        return cls(intake.notifications, determinations, problems, list(intake.files), today, proposals, substances)

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
    def conclusions(self) -> dict:
        """The Annex II conclusion per (notification id, category) (:func:`crc_tools.notifications.criteria.conclusions`)."""
        from ..notifications.criteria import conclusions

        if self.notifications.empty:
            return {}
        rows = conclusions(self.notifications, self.determinations).to_dict("records")
        return {(str(r["notification_id"]), str(r["category"])): r for r in rows}

    def criteria_rows(self, nid: str, category: str) -> list[dict]:
        """Return the Annex II assessment rows of one notification and category, in criterion order."""
        a = self.assessment
        return a[(a["notification_id"].astype(str) == str(nid)) & (a["category"] == category)].to_dict("records")

    @cached_property
    def verification(self) -> pd.DataFrame:
        """Annex I verification per notification and category (Article 5.3)."""
        from ..notifications.verification import verification_status

        return verification_status(self.notifications, today=self.today)

    def status_row(self, key: str, category: str) -> dict | None:
        """Return the review-status row of a chemical key and category, or ``None``."""
        name = self.identities[key].name
        st = self.status
        hit = st[(st["chemical"] == name) & (st["category"] == category)]
        return hit.iloc[0].to_dict() if len(hit) else None

    def find_chemical(self, query: str) -> str:
        """Return the key of the chemical a name, CAS number or Annex III name refers to (:func:`find_chemical`)."""
        return find_chemical(self, query)

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


def find_chemical(data: "CaseData", query: str) -> str:
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
    df = data.prepared
    if df.empty:
        raise DocumentDataError("no notifications in the data", source=str(query), field_name="chemical")
    hits: set[str] = set()
    names = df["chemical"].astype(str)
    hits.update(df.loc[names.map(normalize_name) == q, "chemical_key"])
    for key, ident in data.identities.items():
        if normalize_name(ident.name) == q or str(query).strip() in ident.cas_numbers:
            hits.add(key)
    if not hits:
        wanted = {e.entry_id for e in annex_iii_matches(str(query), split_cas(str(query)) if any(ch.isdigit() for ch in str(query)) else [])}
        for key, ident in data.identities.items():
            if wanted & {e.entry_id for e in ident.annex_iii}:
                hits.add(key)
    if not hits:
        contains = {k for k, n in zip(df["chemical_key"], names, strict=True) if q in normalize_name(n)}
        if len(contains) == 1:
            hits = contains
    if len(hits) == 1:
        return hits.pop()
    known = sorted({i.name for i in data.identities.values()}, key=str.casefold)
    if not hits:
        close = difflib.get_close_matches(str(query), known, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else f"; chemicals in the data: {', '.join(known[:12])}{' …' if len(known) > 12 else ''}"
        raise DocumentDataError(f"no notification in the data concerns '{query}'{hint}", source=str(query), field_name="chemical")
    raise DocumentDataError(f"'{query}' matches several chemicals: {', '.join(sorted(data.identities[k].name for k in hits))}; name one of them", source=str(query), field_name="chemical")


def case_data(data) -> CaseData:
    """Return ``data`` as a :class:`CaseData` (it may be one, an Intake, or paths to read)."""
    if isinstance(data, CaseData):
        return data
    if data is not None and hasattr(data, "notifications") and hasattr(data, "determinations"):
        return CaseData.from_intake(data)
    return CaseData.load(data)


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


__all__ = ["CaseData", "DocumentDataError", "case_data", "find_chemical", "resolve_category"]
