"""Import responses per Party and Annex III entry: the current decision, the due date, who is overdue.

For each Party and each Annex III entry (one category) as of a date:

* **the current response** is the latest received by that date, of either kind: a newer
  response from the same Party on the same entry supersedes the older (Article 10.2: "If a
  Party modifies this response, it shall forthwith submit the revised response"). Responses are
  ordered by their date of receipt — for a response taken from a published Circular whose
  receipt date is not known, by the Circular's date, the latest it can have arrived; failing
  both, by the date the Party issued it (an approximation: it arrived on or after it) — then by
  ``applies_from``, then by their order in the data. The older ones are kept as history
  (:func:`response_history`).
* **the due date** is nine months after the DGD's dispatch, or after the Convention's entry into
  force for a Party that joined later (:mod:`crc_tools.responses.dates`); null where either date
  is not established.
* **overdue** is true when the as-of date is past the due date and no response of either kind
  has been received by the as-of date (a late response ends the failure from the day it
  arrives; its ``received_date`` shows it was late); false otherwise; null where the due date is
  not established (Article 10.3, 10.10).

Only Parties are compiled: responses of States that are not Parties are left out and named
(decision RC-1/13: "Import responses from non-Parties are no longer compiled by the Secretariat
as of 24 February 2006"). A State whose status the Parties table does not establish is compiled,
with a warning.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..codes import factorize
from ..convention.reference import annex_iii, regions, search_annex_iii
from ..errors import Problems, UsageError
from .dates import Parties, dgd_dispatch, due_dates, parties

RESPONSE_COLUMNS = ["party", "chemical", "category", "decision", "kind", "conditions", "received_date", "due_date", "overdue"]
"""The keys of ``crc responses --format json``, in order (``../shared/DESIGN.md``)."""
NON_PARTY_NOTE = "decision RC-1/13: import responses from non-Parties are not compiled"


def _response_date(responses: pd.DataFrame) -> pd.Series:
    """Return when each response counts as received.

    Its date of receipt; where that is not recorded, the date of the Circular that published it
    (the latest it can have arrived); failing both, the date the Party issued it (the earliest).
    """
    return responses["received_date"].fillna(responses["published_date"]).fillna(responses["issued_date"])


def _ordered(responses: pd.DataFrame) -> pd.DataFrame:
    """Return the responses sorted so that, per Party and entry, the newest comes last."""
    df = responses.assign(_counts_from=_response_date(responses))
    return df.sort_values(["party_iso3", "entry_id", "category", "_counts_from", "applies_from", "_order"], kind="stable", na_position="first")


def response_history(responses: pd.DataFrame) -> pd.DataFrame:
    """Return every response with ``superseded_by`` (the id of the next response of the same Party on the same entry, or "")."""
    if responses.empty:
        return responses.assign(superseded_by=pd.Series([], dtype=object))
    df = _ordered(responses)
    key = df["party_iso3"].astype(str) + "|" + df["entry_id"].astype(str) + "|" + df["category"].astype(str)
    nxt = df["response_id"].astype(str).groupby(key.to_numpy()).shift(-1)
    return df.assign(superseded_by=nxt.fillna("").to_numpy()).drop(columns=["_counts_from"]).sort_values("_order").reset_index(drop=True)


def current_responses(responses: pd.DataFrame, *, as_of: dt.date | None = None) -> pd.DataFrame:
    """Return the latest response of each Party on each entry received by ``as_of`` (default: all)."""
    if responses.empty:
        return responses.assign(_counts_from=pd.Series([], dtype="datetime64[s]"))
    counts_from = _response_date(responses)
    keep = np.ones(len(responses), dtype=bool) if as_of is None else (counts_from <= pd.Timestamp(as_of)).to_numpy(dtype=bool)
    key = np.zeros(len(responses), dtype=np.int64)
    for name in ("party_iso3", "entry_id", "category"):  # one integer per Party and entry, from the columns' codes
        codes, uniques = factorize(responses[name])
        key = key * (len(uniques) + 1) + codes

    def ints(dates: pd.Series) -> np.ndarray:  # a missing date sorts first, as an older one
        values = dates.to_numpy(dtype="datetime64[s]").astype(np.int64)
        return np.where(dates.isna().to_numpy(), np.iinfo(np.int64).min, values)

    rows = np.flatnonzero(keep)
    order = rows[np.lexsort((responses["_order"].to_numpy()[rows], ints(responses["applies_from"])[rows], ints(counts_from)[rows], key[rows]))]
    last = order[np.r_[key[order][1:] != key[order][:-1], True]] if len(order) else order
    return responses.iloc[np.sort(last)].assign(_counts_from=counts_from.iloc[np.sort(last)])


def _entries(as_of: dt.date, chemicals) -> pd.DataFrame:
    entries = [e for e in annex_iii() if e.listed_on <= as_of]
    if chemicals:
        wanted = set()
        for q in chemicals:
            wanted |= {(e.entry_id, e.category) for e in search_annex_iii(q)}
        entries = [e for e in entries if (e.entry_id, e.category) in wanted]
    dispatch = dgd_dispatch()
    return pd.DataFrame({
        "entry_id": [e.entry_id for e in entries],
        "category": [e.category for e in entries],
        "chemical": [e.chemical for e in entries],
        "dgd_dispatch": pd.Series([getattr(dispatch.get((e.entry_id, e.category)), "date", None) for e in entries], dtype="datetime64[s]"),
        "dispatch_basis": [getattr(dispatch.get((e.entry_id, e.category)), "basis", "not_established") for e in entries],
    })


def _parties_frame(table: Parties, responses: pd.DataFrame, as_of: dt.date, problems: Problems) -> pd.DataFrame:
    """Return the Parties compiled as of a date: those the table names, and responding States of unknown status."""
    t = table.table
    stamp = pd.Timestamp(as_of)
    in_force = t[(t["status"] == "party") & ~(t["entry_into_force"] > stamp)]
    frame = in_force[["iso3", "country", "entry_into_force"]]
    responding = _first_per_party(responses)
    status = dict(zip(t["iso3"], t["status"], strict=True))
    listed = set(frame["iso3"])
    unknown = []
    for iso3, party, source, record in _columns(responding, "party_iso3", "party", "_source", "_record"):
        if status.get(iso3, "") == "" and iso3 not in listed:
            unknown.append({"iso3": iso3, "country": party, "entry_into_force": pd.NaT})
            where = "the Parties table does not establish it" if table.available else f"the Parties table ({table.source}) is not available"
            problems.add(source, record, "party", f"{party}: whether it is a Party is not established ({where}); its responses are compiled as a Party's", "warning")
    if unknown:
        frame = pd.concat([frame, pd.DataFrame(unknown).astype({"entry_into_force": "datetime64[s]"})], ignore_index=True)
    return frame.reset_index(drop=True)


def _not_parties(responses: pd.DataFrame, table: Parties, problems: Problems) -> pd.DataFrame:
    """Leave out the responses of States that are not Parties, naming each (decision RC-1/13)."""
    if responses.empty or not table.available:
        return responses
    status = dict(zip(table.table["iso3"], table.table["status"], strict=True))
    codes, uniques = factorize(responses["party_iso3"])
    out = np.array([status.get(str(u), "") in ("signatory", "non_party") for u in uniques], dtype=bool)[codes]
    if not out.any():
        return responses
    for iso3, party, source, record in _columns(responses[out], "party_iso3", "party", "_source", "_record"):
        label = "a signatory, not a Party" if status.get(iso3) == "signatory" else "not a Party"
        problems.add(source, record, "party", f"{party} is {label}: its response is not compiled ({NON_PARTY_NOTE})", "warning")
    return responses[~out]


def _first_per_party(responses: pd.DataFrame) -> pd.DataFrame:
    """Return the first response of each responding State (one row each)."""
    if responses.empty:
        return responses
    codes, _ = factorize(responses["party_iso3"])
    _, first = np.unique(codes, return_index=True)
    return responses.iloc[np.sort(first)]


def _columns(df: pd.DataFrame, *names: str):
    """Yield tuples of the named columns, row by row."""
    return zip(*(df[n].tolist() for n in names), strict=True)


def _party_filter(names) -> set[str]:
    table = regions()
    out = set()
    for name in names:
        found = table.find(name)
        if found is None:
            sug = table.suggestions(name)
            raise UsageError(f"unknown country '{name}'" + (f"; did you mean {', '.join(repr(x) for x in sug)}?" if sug else ""))
        out.add(found.iso3)
    return out


def _chemical_filter(chemicals, problems: Problems) -> None:
    for q in chemicals or ():
        if not search_annex_iii(q):
            problems.add(q, None, "chemical", "no Annex III entry matches (searched names, CAS numbers and HS codes); import responses exist only for Annex III chemicals")


def response_status(
    responses: pd.DataFrame,
    *,
    as_of: dt.date | None = None,
    parties_: list[str] | None = None,
    chemicals: list[str] | None = None,
    problems: Problems | None = None,
    party_table: Parties | None = None,
) -> pd.DataFrame:
    """Return one row per Party and Annex III entry (category) as of a date (Article 10).

    Parameters
    ----------
    responses : DataFrame
        Validated import responses (``intake.extra["import_response"]``).
    as_of : datetime.date, optional
        The date the status is judged on (default: today). Only Annex III entries listed by
        then, Parties for which the Convention is in force by then (or whose date is not
        established) and responses received by then count.
    parties_, chemicals : list of str, optional
        Only these Parties (names or ISO codes) and Annex III entries (names, CAS numbers or
        HS codes); default every Party and every entry.
    problems : Problems, optional
        Receives a warning for each response left out (non-Parties) or compiled with doubt.
    party_table : Parties, optional
        The Parties and their dates (default: :func:`crc_tools.responses.dates.parties`).

    Returns
    -------
    DataFrame
        :data:`RESPONSE_COLUMNS` (``decision``, ``kind``, ``conditions``, ``received_date``
        missing where no response was received; ``due_date`` and ``overdue`` missing where the
        due date is not established) and ``party_iso3``, ``pic_region``, ``entry_id``,
        ``response_id``, ``legislative_measure``, ``applies_from``, ``published_date``,
        ``dgd_dispatch``, ``dispatch_basis``, ``entry_into_force``.
    """
    as_of = as_of or dt.date.today()
    problems = problems if problems is not None else Problems()
    table = party_table or parties()
    _chemical_filter(chemicals, problems)
    compiled = _not_parties(responses, table, problems)
    grid_parties = _parties_frame(table, compiled, as_of, problems)
    if parties_:
        wanted = _party_filter(parties_)
        for iso3 in sorted(wanted - set(grid_parties["iso3"])):
            why = table.status(iso3) or "status not established, and no response read"
            known = regions().by_iso3.get(iso3)
            problems.add(known.country if known else iso3, None, "party", f"not compiled: not a Party in force on {as_of.isoformat()} ({why.replace('_', '-')})", "warning")
        grid_parties = grid_parties[grid_parties["iso3"].isin(wanted)]
    entries = _entries(as_of, chemicals)
    n_p, n_e = len(grid_parties), len(entries)
    grid = entries.iloc[np.tile(np.arange(n_e), n_p)].reset_index(drop=True)
    for col in ("iso3", "country", "entry_into_force"):
        grid[col] = np.repeat(grid_parties[col].to_numpy(), n_e)
    current = current_responses(compiled, as_of=as_of)
    keep = ["party_iso3", "entry_id", "category", "response_id", "decision", "kind", "conditions", "received_date", "published_date", "applies_from", "legislative_measure", "_counts_from"]
    cur = current[keep].astype({"party_iso3": object, "entry_id": object, "category": object}) if len(current) else pd.DataFrame(columns=keep)
    grid = grid.merge(cur, how="left", left_on=["iso3", "entry_id", "category"], right_on=["party_iso3", "entry_id", "category"])
    grid["due_date"] = due_dates(grid["dgd_dispatch"], grid["entry_into_force"]) if len(grid) else pd.Series([], dtype="datetime64[s]")
    responded = grid["_counts_from"].notna().to_numpy()
    due = grid["due_date"]
    overdue = pd.array(((pd.Timestamp(as_of) > due) & ~responded).to_numpy(), dtype="boolean")
    overdue[due.isna().to_numpy()] = pd.NA
    grid["overdue"] = overdue
    grid["party"] = grid["country"]
    grid["party_iso3"] = grid["iso3"]
    region = {p.iso3: p.pic_region for p in regions().parties}
    grid["pic_region"] = grid["iso3"].map(region).fillna("")
    return grid.drop(columns=["iso3", "country", "_counts_from"]).sort_values(["party", "chemical", "category"], kind="stable").reset_index(drop=True)


def status_frame(status: pd.DataFrame) -> pd.DataFrame:
    """Return exactly :data:`RESPONSE_COLUMNS` as plain values: dates as ISO text, ``None`` where nothing is known."""
    n = len(status)
    cols = {}
    for c in RESPONSE_COLUMNS:
        s = status[c] if c in status.columns else pd.Series([None] * n, index=status.index)
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            cols[c] = s.dt.strftime("%Y-%m-%d").astype(object).where(s.notna(), None)
        elif c == "overdue":
            cols[c] = s.astype(object).where(s.notna(), None)
        else:
            text = s.astype(object)
            cols[c] = text.where(text.notna() & (text != ""), None)
    return pd.DataFrame(cols, index=status.index).reset_index(drop=True)


def status_records(status: pd.DataFrame) -> list[dict]:
    """Return ``crc responses`` objects: exactly :data:`RESPONSE_COLUMNS`, dates as ISO text, nulls where nothing is known."""
    return status_frame(status).to_dict("records")


def status_json(status: pd.DataFrame) -> str:
    """Return ``crc responses --format json``: an array of :func:`status_records` objects, one per line."""
    frame = status_frame(status)
    if frame.empty:
        return "[]\n"
    text = frame.to_json(orient="records", force_ascii=False)
    # pandas writes "/" as "\/" (valid JSON, but not what a reader greps for). An escaped slash is the
    # only source of that pair: a raw "/" never follows an escaped backslash, so a plain replace is exact.
    text = text.replace("\\/", "/")
    # One object per line: every object opens with its first key, and inside a string a quote is
    # always escaped, so '},{"party":' occurs only between two objects.
    lines = text[1:-1].split('},{"party":')
    lines = [lines[0] + "}", *('{"party":' + x + "}" for x in lines[1:-1]), '{"party":' + lines[-1]] if len(lines) > 1 else lines
    return "[\n" + ",\n".join(lines) + "\n]\n"


def chemical_responses(chemical: str, responses: pd.DataFrame, *, as_of: dt.date | None = None) -> pd.DataFrame:
    """Return the Parties' responses on one listed chemical, for the dashboard's chemical page.

    One row per Party (and category, where the chemical is listed in several): ``party``,
    ``category``, ``decision``, ``kind``, ``conditions``, ``received_date``, ``due_date``,
    ``overdue``, ``legislative_measure``. Empty when the chemical is not in Annex III.
    """
    if not search_annex_iii(chemical):
        return pd.DataFrame(columns=[*RESPONSE_COLUMNS, "legislative_measure"])
    status = response_status(responses, as_of=as_of, chemicals=[chemical])
    return status[[*RESPONSE_COLUMNS, "legislative_measure", "pic_region"]].reset_index(drop=True)


__all__ = [
    "RESPONSE_COLUMNS", "NON_PARTY_NOTE", "response_status", "status_records", "status_json", "status_frame", "current_responses", "response_history", "chemical_responses", "from_intake", "overdue_by_region",
]


def from_intake(intake) -> pd.DataFrame:
    """Return the import responses an intake read (an empty table when it read none)."""
    from .reader import KIND, read_responses

    found = intake.extra.get(KIND)
    return found if found is not None else read_responses([], [], Problems())


def overdue_by_region(status: pd.DataFrame) -> pd.DataFrame:
    """Return the failures to respond counted by PIC region and Annex III entry: ``pic_region``, ``chemical``, ``category``, ``parties_overdue``.

    A Party without an established PIC region is counted under "no established PIC region".
    """
    failed = status[status["overdue"].fillna(False).astype(bool)]
    if failed.empty:
        return pd.DataFrame({"pic_region": [], "chemical": [], "category": [], "parties_overdue": []})
    region = failed["pic_region"].replace("", "no established PIC region")
    return failed.assign(pic_region=region).groupby(["pic_region", "chemical", "category"], as_index=False).size().rename(columns={"size": "parties_overdue"})
