"""Build data/reference/parties.csv from the research transcription (/work/research/parties/parties.csv).

Run once by hand when the research file changes; the output is reviewed and committed. It adds
``status_basis`` (what the Party status rests on), writes ``not_established`` where the status
is unknown, and applies the corrections listed in CORRECTIONS (each with its source). It never
invents a date: ``entry_into_force`` is kept as read (``stated``) or computed by Article 26
from a deposit date read in a source (``derived``).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

COLUMNS = ["country", "iso3", "status", "status_basis", "deposit_date", "instrument", "entry_into_force", "basis", "source", "source_url", "notes"]

# Party status resting only on the project's record of real CRC cases (Article 5.1: notifications come from Parties).
CRC_CASE_ONLY = {"TCD", "GMB", "JAM", "JOR", "LVA", "MRT", "NER", "NOR", "PAN", "PER", "SEN", "TGO", "THA"}

CORRECTIONS = {
    "USA": {
        "source": "US Department of State, 'Rotterdam Convention on the Prior Informed Consent Procedure ...' (Office of Environmental Quality "
        "and Transboundary Issues key topic page): 'The United States signed the Rotterdam Convention in 1998, but has yet to ratify'; "
        "IntLawGrrls 'On September 10' (10 Sep 2010): signed 11 Sep 1998, not ratified",
        "source_url": "https://public-preview-server.prod.cstreetsandbox.com/key-topics-office-of-environmental-quality-and-transboundary-issues/"
        "rotterdam-convention-on-the-prior-informed-consent-procedure-for-certain-hazardous-chemicals-and-pesticides-in-international-trade "
        "http://www.intlawgrrls.com/2010/09/on-september-10.html",
        "notes": "Signed 11 Sep 1998; not ratified (State Department page, undated, read through a preview mirror of state.gov; "
        "IntLawGrrls as of Sep 2010). Not a Party (Article 2(g)).",
    },
}


def status_basis(row: dict) -> str:
    """Return what a row's Party status rests on."""
    status = row["status"]
    if not status:
        return "not_established"
    if status == "party":
        return "crc_case" if row["iso3"] in CRC_CASE_ONLY else "stated"
    if status == "signatory" and row["iso3"] == "USA":
        return "stated"
    return "absent_from_lists"


def main(source: str, target: str) -> int:
    """Write ``target`` from the research file ``source``."""
    rows = list(csv.DictReader(open(source, encoding="utf-8")))
    out = []
    for row in rows:
        row = {**row, **CORRECTIONS.get(row["iso3"], {})}
        row["status_basis"] = status_basis(row)
        row["status"] = row["status"] or "not_established"
        out.append({c: row.get(c, "") for c in COLUMNS})
    out.sort(key=lambda r: (r["iso3"] != "EUU", r["country"].casefold()))
    with open(target, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(*(sys.argv[1:] or ["/work/research/parties/parties.csv", str(Path(__file__).resolve().parents[1] / "data" / "reference" / "parties.csv")])))
