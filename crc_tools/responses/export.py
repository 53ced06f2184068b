"""The export check (Articles 11, 12.5 and 13): may this chemical go to this Party, and with what.

For an exporter or a customs officer: a chemical named by its name, CAS number or HS code, and
the importing Party. The answer says whether the chemical is in Annex III (which entry, which
category), the importing Party's current response, and ``export_allowed``:

``yes``              a decision consenting to import (Article 10.4 (a) (i), or an interim
                     decision consenting, (b) (i))
``no``               a decision not consenting to import ((a) (ii), (b) (i))
``with_conditions``  consent only subject to the conditions stated ((a) (iii), (b) (i))
``conditional``      no decision to follow: no response, or an interim response without an
                     interim decision (under review, a request for information). Article 11.2
                     then says when the chemical may still be exported: registered in the
                     importing Party, previously used or imported there without a prohibiting
                     measure, or explicit consent sought and received.

Exporters follow a decision in an interim response as they follow a final one (Article 11.1 (b));
``kind`` says which it is. What must accompany the export comes from Article 13 (HS code,
labelling, safety data sheet, languages). A chemical that is not in Annex III is never answered
as if it were: the answer says so, and ``export_allowed`` is null.
"""

from __future__ import annotations

import datetime as dt
import difflib

import pandas as pd

from ..convention.cas import is_valid_cas
from ..convention.reference import AnnexIIIEntry, annex_iii, annex_iii_matches, hs_codes, hs_codes_for, regions, search_annex_iii
from ..errors import UsageError
from ..text import normalize_name
from .dates import parties
from .reader import DECISION_LABELS, KIND_LABELS
from .status import current_responses, response_status

EXPORT_ALLOWED = ("yes", "no", "with_conditions", "conditional")
_BY_DECISION = {"consent": "yes", "no_consent": "no", "consent_with_conditions": "with_conditions"}
ARTICLE_11_2 = [
    "(a) at the time of import, the chemical is registered as a chemical in the importing Party; or",
    "(b) evidence exists that it has previously been used in, or imported into, the importing Party, and no regulatory action to prohibit its use has been taken there; or",
    "(c) explicit consent to the import has been sought and received by the exporter through a designated national authority of the importing Party (which responds within sixty days).",
]
"""Article 11.2: when a chemical may be exported to a Party that has not given a decision."""


def find_entries(query: str) -> tuple[list[AnnexIIIEntry], str]:
    """Return the Annex III entries a name, CAS number or HS code designates, and how it matched."""
    q = str(query or "").strip()
    if not q:
        return [], ""
    if is_valid_cas(q):
        return [e for e in annex_iii() if q in e.cas_numbers], "cas_number"
    digits = q.replace(".", "").replace(" ", "")
    if digits.isdigit() and len(digits) >= 4:
        names = {h.chemical for h in hs_codes() if h.hs_code and h.hs_code.replace(".", "").startswith(digits)}
        return [e for e in annex_iii() if e.chemical in names], "hs_code"
    exact = annex_iii_matches(q)
    if exact:
        return exact, "name"
    return search_annex_iii(q), "name (part of)"


def _suggestions(query: str) -> list[str]:
    names = {normalize_name(n): n for e in annex_iii() for n in (e.short_name, e.chemical, *e.aliases)}
    close = difflib.get_close_matches(normalize_name(query), list(names), n=3, cutoff=0.75)
    return [names[c] for c in close]


def _timing(row: dict | None, party: str) -> str:
    due = None if row is None else row.get("due_date")
    if due is None or pd.isna(due):
        return f"When {party}'s response was due is not established (the date the decision guidance document was dispatched, or the date the Convention entered into force for {party}, is not known to the suite)."
    due_text = pd.Timestamp(due).date().isoformat()
    overdue = row.get("overdue")
    if overdue is not None and overdue is not pd.NA and bool(overdue):
        return (
            f"{party}'s response was due by {due_text} (Article 10.2) and none has been received; the Secretariat informs the Parties of the failure in the PIC Circular (Article 10.10)."
        )
    return f"{party}'s response is due by {due_text} (Article 10.2)."


def _entry_answer(entry: AnnexIIIEntry, party: str, response: dict | None, status_row: dict | None) -> dict:
    """Return the answer for one Annex III entry and one importing Party."""
    decision = (response or {}).get("decision") or None
    kind = (response or {}).get("kind") or None
    allowed = _BY_DECISION.get(decision, "conditional") if decision else "conditional"
    conditions = (response or {}).get("conditions") or None
    label = DECISION_LABELS.get(decision, "")
    if allowed != "conditional":
        which = "final decision (Article 10.4 (a))" if kind == "final" else "interim decision, for the interim period (Article 10.4 (b) (i))"
        text = f"{party}'s {which}: {label.lower()}."
        if conditions:
            text += f" Conditions: {conditions}"
        text += " Exporters comply with it no later than six months after the Secretariat first informs the Parties of the response (Article 11.1 (b))."
        cases: list[str] = []
    else:
        if response is None:
            text = f"{party} has transmitted no import response on this entry: there is no decision to follow."
        else:
            text = f"{party}'s interim response contains no interim decision ({label.lower()}): there is no decision to follow."
        text += " " + _timing(status_row, party)
        text += (
            f" Article 11.2: the exporting Party ensures that the chemical is not exported to {party} unless one of the following holds "
            "(from six months after the Secretariat first informs the Parties of the failure to respond, or of an interim response without an interim decision, and for one year):"
        )
        cases = list(ARTICLE_11_2)
    applies = (response or {}).get("applies_from")
    return {
        "entry_id": entry.entry_id,
        "chemical": entry.chemical,
        "category": entry.category,
        "cas_numbers": list(entry.cas_numbers),
        "hs_codes": [h.hs_code for h in hs_codes_for(entry.chemical)],
        "listed": entry.listing,
        "response": None if response is None else {**response, "decision_label": label, "kind_label": KIND_LABELS.get(kind, "")},
        "decision": decision,
        "kind": kind,
        "conditions": conditions,
        "applies_from": applies,
        "export_allowed": allowed,
        "explanation": text,
        "article_11_2": cases,
    }


def accompany(entries: list[AnnexIIIEntry], party: str) -> list[str]:
    """Return what must accompany an export of these Annex III chemicals (Articles 12.5 and 13)."""
    codes = sorted({f"{h.hs_code} ({h.hs_edition}: {h.description})" if h.description else h.hs_code for e in entries for h in hs_codes_for(e.chemical)})
    out = [
        ("The shipping document bears the HS customs code assigned to the chemical (Article 13.1): " + "; ".join(codes) + ".")
        if codes
        else "The shipping document bears the HS customs code assigned to the chemical, where one is assigned (Article 13.1); the suite's reference data hold none for it.",
        "Labelling that ensures adequate information on the risks and hazards to human health and the environment, taking into account international standards (Article 13.2).",
        "For occupational use, a safety data sheet in an internationally recognized format with the most up-to-date information, sent to each importer (Article 13.4).",
        f"The label and the safety data sheet, as far as practicable, in one or more official languages of {party} (Article 13.5).",
        "An export notification (Article 12, Annex V) where the chemical is banned or severely restricted in the exporting Party; for an Annex III chemical the obligation ceases once the importing Party has given a response and the Secretariat has circulated it (Article 12.5).",
    ]
    return out


def _importing_party(to: str):
    found = regions().find(to)
    if found is None:
        sug = regions().suggestions(to)
        raise UsageError(f"unknown country '{to}'" + (f"; did you mean {', '.join(repr(s) for s in sug)}?" if sug else ""))
    return found


def export_check(chemical: str, to: str, responses: pd.DataFrame, *, as_of: dt.date | None = None, category: str | None = None) -> dict:
    """Return the export check of a chemical to an importing Party (Articles 10-13).

    Parameters
    ----------
    chemical : str
        Name, CAS number or HS code.
    to : str
        The importing Party (name or ISO 3166 alpha-3 code).
    responses : DataFrame
        Validated import responses (``intake.extra["import_response"]``).
    as_of : datetime.date, optional
        The date of the check (default: today).
    category : str, optional
        ``pesticide``, ``industrial`` or ``shpf``, where the chemical has entries in several.

    Returns
    -------
    dict
        ``query``, ``matched_by``, ``to``, ``to_iso3``, ``party_status``, ``in_annex_iii``,
        ``entries`` (one answer per entry matched), ``entry_id``, ``category``, ``decision``,
        ``kind``, ``conditions``, ``export_allowed`` (of the one entry matched; null when none
        or several matched), ``note``, ``accompany``, ``as_of``.
    """
    as_of = as_of or dt.date.today()
    party = _importing_party(to)
    entries, matched_by = find_entries(chemical)
    if category:
        entries = [e for e in entries if e.category == category]
    entries = [e for e in entries if e.listed_on <= as_of]
    table = parties()
    status = table.status(party.iso3) if table.available else ""
    out = {
        "query": chemical, "matched_by": matched_by or None, "to": party.country, "to_iso3": party.iso3,
        "party_status": status or "not established", "in_annex_iii": bool(entries), "entries": [],
        "entry_id": None, "category": None, "decision": None, "kind": None, "conditions": None, "export_allowed": None,
        "note": "", "accompany": [], "as_of": as_of.isoformat(),
    }
    if not entries:
        sug = _suggestions(chemical)
        out["note"] = (
            f"'{chemical}' is not in Annex III{' in the category ' + category if category else ''} (searched names, CAS numbers and HS codes): "
            "the PIC procedure does not apply to it and there is no import response to follow. Other obligations may still apply "
            "(an export notification under Article 12 where the chemical is banned or severely restricted in the exporting Party; labelling under Article 13.3)."
            + (f" Did you mean {', '.join(repr(s) for s in sug)}?" if sug else "")
        )
        return out
    if status in ("non_party", "signatory"):
        out["note"] = f"{party.country} is not a Party to the Convention: Article 11 concerns exports to Parties, and its import responses are not compiled (decision RC-1/13)."
        return out
    _answer(out, entries, party.country, responses, as_of)
    if not table.available:
        out["note"] += f" Whether {party.country} is a Party, and since when, is not established (the Parties table is not available)."
    elif not status:
        out["note"] += f" Whether {party.country} is a Party is not established in the Parties table; it is answered as a Party."
    return out


def _answer(out: dict, entries: list[AnnexIIIEntry], party: str, responses: pd.DataFrame, as_of: dt.date) -> None:
    iso3 = out["to_iso3"]
    own = responses[responses["party_iso3"].astype(str) == iso3] if len(responses) else responses
    current = current_responses(own, as_of=as_of)
    status = response_status(own, as_of=as_of, parties_=[iso3]) if len(entries) else None
    keys = ["response_id", "kind", "decision", "conditions", "legislative_measure", "received_date", "published_date", "issued_date", "applies_from", "remarks"]
    for e in entries:
        hit = current[(current["entry_id"].astype(str) == e.entry_id) & (current["category"].astype(str) == e.category)] if len(current) else current
        response = None
        if len(hit):
            r = hit.iloc[-1]
            response = {k: (None if pd.isna(r[k]) or r[k] == "" else (pd.Timestamp(r[k]).date().isoformat() if "date" in k or k == "applies_from" else str(r[k]))) for k in keys}
        srow = None
        if status is not None and len(status):
            m = status[(status["entry_id"] == e.entry_id) & (status["category"] == e.category)]
            srow = m.iloc[0].to_dict() if len(m) else None
        out["entries"].append(_entry_answer(e, party, response, srow))
    if len(out["entries"]) == 1:
        one = out["entries"][0]
        out.update({k: one[k] for k in ("entry_id", "category", "decision", "kind", "conditions", "export_allowed")})
    else:
        listed = "; ".join(f"{a['chemical']} ({a['category']}): {a['export_allowed']}" for a in out["entries"])
        out["note"] = f"'{out['query']}' designates {len(out['entries'])} Annex III entries ({listed}); name the chemical (or its CAS number) and the category to get one answer."
    out["accompany"] = accompany(entries, party)


__all__ = ["EXPORT_ALLOWED", "ARTICLE_11_2", "export_check", "find_entries", "accompany"]
