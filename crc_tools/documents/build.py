"""Which model module builds a document: the entry points ``dgd_document``, ``rationale_document``, ``synopsis_document``.

One model module per kind of document, each depending only on the shared parts below it;
this module alone knows them all (so none imports another):

* :mod:`~crc_tools.documents.dgd` — DGD of a banned or severely restricted chemical (``fra``);
* :mod:`~crc_tools.documents.shpf_dgd` — DGD of a severely hazardous pesticide formulation (``shpf``);
* :mod:`~crc_tools.documents.rationale` — rationale of a notification against Annex II;
* :mod:`~crc_tools.documents.shpf_rationale` — rationale of an SHPF proposal against Annex IV Part 3;
* :mod:`~crc_tools.documents.synopsis` — the six-monthly synopsis (PIC Circular appendices).
"""

from __future__ import annotations

import datetime as dt

from ..errors import UsageError
from .casedata import CaseData, DocumentDataError, case_data
from .language import build_in


def _variants() -> dict:
    from .dgd import fra_dgd
    from .shpf_dgd import shpf_dgd

    return {"fra": fra_dgd, "shpf": shpf_dgd}


DGD_VARIANTS = ("fra", "shpf")
"""The DGD variants: ``fra`` (a chemical banned or severely restricted, Article 5 with Annex II) and ``shpf`` (Article 6 with Annex IV)."""


def _variant(variant: str, category: str | None) -> str:
    variant = str(variant or "fra").strip().casefold()
    cat = str(category).strip().casefold() if category else None
    if cat == "shpf":
        if variant not in ("fra", "shpf"):
            raise UsageError(f"the shpf category is drafted by the shpf variant, not '{variant}'")
        return "shpf"
    if variant == "shpf" and cat is not None:
        raise UsageError(f"a DGD for a severely hazardous pesticide formulation is in the shpf category, not '{category}'")
    if variant not in DGD_VARIANTS:
        raise UsageError(f"unknown DGD variant '{variant}'; known: {', '.join(DGD_VARIANTS)}")
    return variant


def dgd_document(*, chemical: str, category: str | None = None, data=None, variant: str = "fra", today: dt.date | None = None, lang: str = "en") -> dict:
    """Return the model of a draft decision guidance document (Article 7.1).

    Parameters
    ----------
    chemical : str
        Common name, CAS number or Annex III name of the chemical; for the ``shpf`` variant
        the formulation's name, a trade name, its Annex III entry or a proposal id.
    category : str, optional
        ``pesticide`` or ``industrial``; by default the one category in which the Committee
        recommends the chemical (or the only one notified). ``shpf`` selects the ``shpf`` variant.
    data : CaseData, Intake or list of paths, optional
        The notifications, proposals and substance data (default: the shipped sample data).
    variant : str
        ``fra`` (default) or ``shpf``.
    today : datetime.date, optional
        The date printed on the draft.
    lang : str
        ``en`` (default), ``fr`` or ``es``: the language of the suite's own words (:mod:`crc_tools.documents.language`).
    """
    variant = _variant(variant, category)
    data = case_data(data)
    try:
        return build_in(lang, _variants()[variant], chemical=chemical, category=category, data=data, today=today or dt.date.today())
    except DocumentDataError as exc:
        if variant == "fra" and exc.field_name == "chemical":
            from .formulation import formulation_for

            if formulation_for(data, chemical) is not None:
                raise DocumentDataError(
                    f"{exc.message}; '{chemical}' is a severely hazardous pesticide formulation proposed under Article 6: draft its DGD with --variant shpf (or --category shpf)",
                    source=exc.source,
                    field_name=exc.field_name,
                ) from None
        raise


def rationale_document(*, notification_id: str, category: str | None = None, data=None, today: dt.date | None = None, lang: str = "en") -> dict:
    """Return the model of the rationale for a notification (Annex II) or, for a proposal id or ``category="shpf"``, an SHPF proposal (Annex IV Part 3)."""
    data = case_data(data)
    nid = str(notification_id).strip()
    df = data.prepared
    is_notification = len(df) and (df["notification_id"].astype(str) == nid).any()
    proposal_ids = set(data.proposals.proposals["proposal_id"].astype(str)) if not data.proposals.empty else set()
    if (category and str(category).strip().casefold() == "shpf") or (not is_notification and nid in proposal_ids):
        from .shpf_rationale import proposal_rationale_document

        return build_in(lang, proposal_rationale_document, proposal_id=nid, data=data, today=today)
    from .rationale import rationale_document as notification_rationale

    return build_in(lang, notification_rationale, notification_id=nid, category=category, data=data, today=today)


def synopsis_document(*, data=None, date_from: dt.date | None = None, date_to: dt.date | None = None, today: dt.date | None = None, lang: str = "en") -> dict:
    """Return the model of the six-monthly synopsis (:func:`crc_tools.documents.synopsis.synopsis_document`)."""
    from .synopsis import synopsis_document as build

    return build_in(lang, build, data=data, date_from=date_from, date_to=date_to, today=today)


def proposal_rationale_document(*, proposal_id: str, data=None, today: dt.date | None = None) -> dict:
    """Return the model of the rationale for an SHPF proposal (:mod:`crc_tools.documents.shpf_rationale`)."""
    from .shpf_rationale import proposal_rationale_document as build

    return build(proposal_id=proposal_id, data=data, today=today)


__all__ = ["CaseData", "DocumentDataError", "DGD_VARIANTS", "dgd_document", "rationale_document", "synopsis_document", "proposal_rationale_document"]
