"""The Parties' import responses on a chemical listed in Annex III, as the meeting view shows them (Article 10; no Panel)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..i18n import N_, _
from ..intake.responses import DECISION_LABELS, KIND_LABELS
from .html import Column, notice, table
from .labels import esc, party_name, party_shown

RESPONSE_COLUMNS = [
    Column("party", "Party", lambda r: esc(party_shown(r["party"]))), Column("decision", "Decision", lambda r: esc(_(DECISION_LABELS.get(r["decision"], r["decision"])) if r["decision"] else "")),
    Column("kind", "Final / interim", lambda r: esc(_(KIND_LABELS.get(r["kind"], r["kind"])) if r["kind"] else "")), Column("conditions", "Conditions"),
    Column("received_date", "Received", css="crc-nowrap"), Column("due_date", "Due by", css="crc-nowrap"), Column("overdue", "Overdue", words=True),
    Column("legislative_measure", "Legislative or administrative measure"),
]


def responses_of(intake, item: dict, today: dt.date) -> pd.DataFrame:
    """Return the Parties' import responses on an agenda item's chemical in its category; empty when it is not in Annex III.

    Columns: ``party``, ``decision``, ``kind``, ``conditions``, ``received_date``, ``due_date``,
    ``overdue`` (``yes``, ``no``, or ``not established`` where the due date is not),
    ``legislative_measure``; answered first, then overdue, then the rest.
    """
    from ..responses.status import chemical_responses, from_intake, status_frame

    if not item:
        return pd.DataFrame()
    found = chemical_responses(str(item["chemical"]), from_intake(intake), as_of=today)
    found = found[found["category"] == item["category"]] if len(found) else found
    if found.empty:
        return pd.DataFrame()
    plain = status_frame(found).drop(columns=["chemical", "category"])
    plain["overdue"] = [N_("not established") if v is None else (N_("yes") if v else N_("no")) for v in plain["overdue"]]
    plain["legislative_measure"] = found["legislative_measure"].astype(object).where(found["legislative_measure"].notna(), None).to_numpy()
    plain = plain.fillna("")
    order = np.lexsort((plain["party"].to_numpy(dtype=object), (plain["overdue"] != "yes").to_numpy(), (plain["decision"] == "").to_numpy()))
    return plain.iloc[order].reset_index(drop=True)


def responses_html(responses: pd.DataFrame) -> str:
    """Return the import-response section: who responded, who is overdue, and a count of the rest."""
    head = "<h2>" + esc(_("Import responses of Parties (Article 10)")) + "</h2>"
    if responses.empty:
        return head + notice(_("Not listed in Annex III in this category: no import responses (Article 10 concerns Annex III chemicals)."), "info")
    answered = (responses["decision"] != "").to_numpy()
    overdue = (responses["overdue"] == "yes").to_numpy()
    rest = responses[~answered & ~overdue]
    unknown = int((rest["overdue"] == "not established").sum())
    note = _(
        "{answered} Party(ies) have responded; {overdue} overdue (no response by the due date, nine months after the DGD's dispatch). "
        "{rest} other Party(ies) not yet due; for {unknown} the due date is not established (the DGD's dispatch date or the Party's date of entry into force is not known)."
    ).format(answered=int(answered.sum()), overdue=int(overdue.sum()), rest=len(rest) - unknown, unknown=unknown)
    shown = responses[answered | overdue].assign(party=lambda f: [party_name(p) for p in f["party"]])
    return head + f"<p>{esc(note)}</p>" + table(shown, RESPONSE_COLUMNS, caption="Parties that responded or are overdue", row_header="party", empty="none")


__all__ = ["responses_of", "responses_html"]
