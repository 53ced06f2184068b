"""Annex I verification and deadlines (Article 5.1, 5.3).

Two things are kept apart:

* the **check** of which Annex I items a notification carries — an aid computed here,
  item by item, respecting that Annex I asks for information "where available"
  (missing items are listed; the Secretariat decides);
* the **Secretariat's verification** (Article 5.3), recorded as ``annex_i_verified``.
  Only a recorded verification counts towards the two-region trigger (Article 5.5), and
  nothing implies it: not an Annex II conclusion, nor a proposal on the criteria
  (``../shared/DESIGN.md``, "Who concludes").
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..convention.items import items
from ..i18n import N_
from .deadlines import NOTIFY_WITHIN_DAYS as NOTIFY_WITHIN_DAYS  # re-exported
from .deadlines import notification_deadlines

CONVENTION_IN_FORCE = pd.Timestamp("2004-02-24")
"""Entry into force of the Convention (Article 26.1). Each Party's own date is in
``data/reference/parties.csv``; deadlines use it (:mod:`crc_tools.notifications.deadlines`)."""
VERIFY_WITHIN_MONTHS = 6
"""Article 5.3 (and 6.2 for proposals): verify no later than six months after receipt."""


def _present(df: pd.DataFrame, name: str) -> np.ndarray:
    if name not in df.columns:
        return np.zeros(len(df), dtype=bool)
    s = df[name]
    if s.dtype == bool or str(s.dtype) == "boolean":
        return s.notna().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return s.notna().to_numpy()
    if pd.api.types.is_numeric_dtype(s.dtype):  # a count: present when above zero
        return (pd.to_numeric(s, errors="coerce").fillna(0) > 0).to_numpy()
    codes, uniques = pd.factorize(s, use_na_sentinel=False)
    answered = np.array([_answered(u) for u in uniques], dtype=bool)
    return answered[codes] if len(codes) else np.zeros(0, dtype=bool)


NOT_AVAILABLE = {"", "not available", "n/a", "na", "unknown", "not known", "not provided", "no information", "-", "?"}
"""Answers that say the information is missing. "None" is an answer (no uses remain allowed; no evaluation)."""


def _answered(value) -> bool:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return False
    return " ".join(str(value).split()).casefold().rstrip(".") not in NOT_AVAILABLE


CONDITIONAL_FIELDS = {
    ("annex_i", "2(a)(iv)"): {"evaluation_references": ("evaluation_basis", ("none",))},
}
"""Fields an item asks for only under a condition, by item: field → (field answering it, answers that make it moot).

Annex I 2(a)(iv): "Indication of whether the final regulatory action was taken on the basis
of a risk or hazard evaluation and, *if so*, information on such evaluation, covering a
reference to the relevant documentation": the item is complete with the evaluation basis and
the reference to the evaluation's documentation, or with the answer that no evaluation was
made (``evaluation_basis: none``)."""


def _text_in(df: pd.DataFrame, name: str, values) -> np.ndarray:
    if name not in df.columns:
        return np.zeros(len(df), dtype=bool)
    return df[name].astype("string").fillna("").str.strip().str.casefold().isin(values).to_numpy(dtype=bool)


def annex_i_items(notifications: pd.DataFrame) -> pd.DataFrame:
    """Return the Annex I check item by item: one row per notification, category and item.

    Columns: ``notification_id``, ``category``, ``item`` (e.g. ``2(a)(iv)``), ``text``,
    ``present`` and ``missing_fields`` (the declared fields that carry nothing).
    """
    return item_checks(notifications, "annex_i", ["notification_id", "category"])


def item_checks(records: pd.DataFrame, set_name: str, id_columns: list[str]) -> pd.DataFrame:
    """Return which declared information items each record carries, item by item.

    Used for Annex I (Article 5.3) and Annex IV Part 1 (Article 6.2). An item is present
    when all its fields carry information, or any of them for items declared ``any``.

    Parameters
    ----------
    records : DataFrame
        Validated records with the declared fields as columns.
    set_name : str
        The item set (``annex_i``, ``annex_iv_part1``).
    id_columns : list of str
        The columns that identify a record; they lead the result.

    Returns
    -------
    DataFrame
        One row per record and item: the id columns, ``item``, ``text``, ``present``,
        ``optional`` (asked for only "if available") and ``missing_fields``.
    """
    annex_i = items(set_name)
    notifications = records
    frames = []
    base = notifications[id_columns].reset_index(drop=True)
    for item in annex_i.items:
        flags = {f: _present(notifications, f) for f in item.fields}
        for f, (other, values) in CONDITIONAL_FIELDS.get((set_name, item.id), {}).items():
            if f in flags:  # asked for only "if so": an answer that makes it moot carries the item
                flags[f] = flags[f] | _text_in(notifications, other, values)
        stacked = np.vstack(list(flags.values())) if flags else np.zeros((1, len(notifications)), bool)
        present = stacked.any(axis=0) if item.any_field else stacked.all(axis=0)
        missing = [", ".join(f for f, v in flags.items() if not v[i]) for i in range(len(notifications))]
        frames.append(base.assign(item=item.id, text=item.text, present=present, missing_fields=missing))
        if item.optional:
            frames[-1]["optional"] = True
    if not frames:
        return base.assign(item="", text="", present=False, missing_fields="")
    out = pd.concat(frames, ignore_index=True)
    if "optional" in out.columns:
        out["optional"] = out["optional"].fillna(False).astype(bool)
    return out


def add_months(dates: pd.Series, months: int) -> pd.Series:
    """Return dates moved by whole calendar months, clipped to the month's end (31 Aug + 6 months = 28/29 Feb)."""
    values = dates.to_numpy(dtype="datetime64[D]")
    month = values.astype("datetime64[M]")
    day = values - month.astype("datetime64[D]")
    target = month + np.timedelta64(months, "M")
    last = (target + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    moved = np.minimum(target.astype("datetime64[D]") + day, last)
    return pd.Series(moved.astype("datetime64[s]"), index=dates.index)


def verification_status(notifications: pd.DataFrame, *, today: dt.date | None = None, with_items: bool = True, with_deadlines: bool = True) -> pd.DataFrame:
    """Return one row per notification and category: Annex I status and deadlines.

    Columns added to the identifying ones:

    ``annex_i_complete``     every Annex I item asked for unconditionally carries information (the check)
    ``missing_items``        those items without information
    ``missing_if_available`` items Annex I asks for only conditionally ("where available",
                             "where such nomenclature exists", "to the extent possible",
                             "may cover") that carry nothing: reported, not counted as missing
    ``annex_i_verified``     what the Secretariat recorded (True / False / missing)
    ``verified``             whether the notification counts as verified (Article 5.5)
    ``verification_basis``   where that comes from, in words
    ``notification_rule``    Article 5.1 or 5.2 in words, from the Party's own date of entry into force
    ``notification_deadline``, ``notified_late``      Article 5.1 (90 days after effect) or 5.2 (that date)
    ``verification_deadline``, ``verification_overdue``  Article 5.3 (6 months after receipt)
    """
    today = pd.Timestamp(today or dt.date.today())
    df = notifications
    out = df[[c for c in ("notification_id", "chemical", "category", "notifying_party", "pic_region") if c in df.columns]].copy()
    if with_items and len(df):
        checks = annex_i_items(df)
        key = checks["notification_id"].astype(str) + "\x1f" + checks["category"].astype(str)
        own_key = df["notification_id"].astype(str) + "\x1f" + df["category"].astype(str)
        optional = checks["optional"].to_numpy(dtype=bool) if "optional" in checks.columns else np.zeros(len(checks), dtype=bool)
        for column, selector in (("missing_items", ~checks["present"] & ~optional), ("missing_if_available", ~checks["present"] & optional)):
            missing = checks.loc[selector].groupby(key[selector], sort=False)["item"].agg(lambda s: ", ".join(s))
            out[column] = own_key.map(missing).astype(object).fillna("").to_numpy()
        out["annex_i_complete"] = (out["missing_items"] == "").to_numpy()
    recorded = df["annex_i_verified"] if "annex_i_verified" in df.columns else pd.Series(pd.NA, index=df.index, dtype="boolean")
    recorded = recorded.astype("boolean")
    rec_true = recorded.to_numpy(dtype=bool, na_value=False)
    rec_false = (~recorded).to_numpy(dtype=bool, na_value=False)
    out["annex_i_verified"] = recorded.to_numpy()
    out["verified"] = rec_true
    labels = np.array([N_("not yet verified"), N_("verified by the Secretariat (recorded)"), N_("found incomplete by the Secretariat (recorded)")], dtype=object)
    code = np.where(rec_true, 1, np.where(rec_false, 2, 0))
    out["verification_basis"] = pd.Categorical.from_codes(code, categories=pd.Index(labels, dtype=object))
    if not with_deadlines:
        return out.reset_index(drop=True)
    if "fra_date" in df.columns:
        rule, deadline = notification_deadlines(df)  # Article 5.1 or 5.2, from the notifying Party's own date of entry into force
        out["notification_rule"] = rule
        out["notification_deadline"] = deadline.to_numpy()
        received = df["received_date"] if "received_date" in df.columns else pd.Series(pd.NaT, index=df.index)
        out["notified_late"] = (received > deadline).fillna(False).to_numpy()
    if "received_date" in df.columns:
        vdeadline = add_months(df["received_date"], VERIFY_WITHIN_MONTHS)
        out["verification_deadline"] = vdeadline.to_numpy()
        vdate = df["verified_date"] if "verified_date" in df.columns else pd.Series(pd.NaT, index=df.index)
        done = recorded.notna()
        late_done = done & (vdate > vdeadline).fillna(False)
        open_overdue = ~done & (today > vdeadline).fillna(False)
        out["verification_overdue"] = (late_done | open_overdue).to_numpy()
    return out.reset_index(drop=True)
