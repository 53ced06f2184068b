"""When a notification was due: Article 5.1 or 5.2, from the notifying Party's own date of entry into force.

* Article 5.1: a Party notifies "no later than ninety days after the date on which the final
  regulatory action has taken effect".
* Article 5.2: "at the date of entry into force of this Convention for it", a Party notifies
  "its final regulatory actions in effect at that time". An action that took effect before
  the Convention entered into force for the Party is therefore due on that date.

The date is the Party's own (``data/reference/parties.csv``, Article 26): 24 February 2004
for the first Parties, later for those that joined later. Where that date is not established
the rule is still named when it can be (an action older than 24 February 2004 is always an
Article 5.2 action), but no deadline is computed and the words say why; the suite never falls
back to 24 February 2004 for a Party whose date it does not know. A State that is not a Party
has no deadline (Article 5 binds Parties).

An action taking effect on the very day the Convention entered into force for the Party is
read as an Article 5.1 action (it took effect when the Party was already bound), giving the
Party its ninety days.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..codes import combine
from ..convention.parties import CONVENTION_IN_FORCE, party_status
from .party_rules import party_codes

NOTIFY_WITHIN_DAYS = 90
"""Article 5.1: notify no later than ninety days after the action has taken effect."""

RULE_5_1 = "Article 5.1: within 90 days of taking effect"
NO_FRA_DATE = "the date the action took effect (fra_date) is not given: deadline not computed"


def _in_force_for(iso3s: tuple, countries: tuple) -> tuple[str, dt.date | None, str]:
    """Return (kind, date, words) for the notifying Party or Parties of a row: kind is party, unknown or non_party."""
    statuses = [party_status(i) for i in iso3s] if iso3s and len(iso3s) == len(countries) else [None] * len(countries)
    if countries and all(s is not None and s.not_a_party for s in statuses):
        return "non_party", None, f"no deadline: {', '.join(countries)} not a Party to the Convention (Article 5 binds Parties; Article 2(g))"
    dates = {s.entry_into_force if s is not None else None for s in statuses if s is None or not s.not_a_party}
    who = " and ".join(countries) or "the notifying Party"
    if len(dates) == 1 and None not in dates:
        return "party", dates.pop(), who
    missing = [c for c, s in zip(countries, statuses, strict=True) if s is None or (not s.not_a_party and s.entry_into_force is None)]
    why = f"the date the Convention entered into force for {', '.join(missing) or who} is not established in data/reference/parties.csv"
    if len(dates) > 1 and None not in dates:
        why = f"the Convention entered into force for {who} on different dates; judge each Party's notification apart"
    return "unknown", None, why


def _words(kind: str, eif: dt.date | None, who: str, case: int) -> str:
    """Return the rule in words for one combination: case 0 no fra_date, 1 took effect before the Party's date, 2 on or after it, 3 not decidable."""
    if kind == "non_party":
        return who
    if case == 0:
        return NO_FRA_DATE
    if kind == "party":
        if case == 1:
            return f"Article 5.2: action in effect when the Convention entered into force for {who} on {eif.isoformat()}; due that date"
        return RULE_5_1
    if case == 1:
        return f"Article 5.2: action in effect before the Convention entered into force for the Party; {who}: deadline not computed"
    return f"Article 5.1 or 5.2: {who}: deadline not computed"


def notification_deadlines(df: pd.DataFrame) -> tuple[np.ndarray, pd.Series]:
    """Return per notification the rule that sets its deadline (Article 5.1 or 5.2, in words) and the deadline (NaT where none)."""
    n = len(df)
    fra = df["fra_date"] if "fra_date" in df.columns else pd.Series(pd.NaT, index=df.index, dtype="datetime64[s]")
    codes = party_codes(df)
    info = [_in_force_for(tuple(i for i in iso.split(";") if i), names) for iso, names in zip(codes.iso3s, codes.names, strict=True)]
    kind = np.array([k for k, _, _ in info], dtype=object)[codes.codes] if n else np.array([], dtype=object)
    eif = pd.Series(pd.to_datetime([d for _, d, _ in info] + [None]).to_numpy()[:-1][codes.codes] if n else [], index=df.index, dtype="datetime64[ns]")
    has_fra = fra.notna().to_numpy()
    before_any = (fra < pd.Timestamp(CONVENTION_IN_FORCE)).fillna(False).to_numpy(dtype=bool)
    before_own = (fra < eif).fillna(False).to_numpy(dtype=bool)
    known = kind == "party"
    case = np.where(~has_fra, 0, np.where(known, np.where(before_own, 1, 2), np.where(before_any, 1, 3)))
    deadline = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
    deadline = deadline.mask(known & (case == 2), fra + pd.Timedelta(days=NOTIFY_WITHIN_DAYS))
    deadline = deadline.mask(known & (case == 1), eif)
    which, first = combine(codes.codes, case)
    words = np.array([_words(info[codes.codes[at]][0], info[codes.codes[at]][1], info[codes.codes[at]][2], int(case[at])) for at in first.tolist()] + [""], dtype=object)[:-1]
    return words[which] if n else np.array([], dtype=object), deadline
