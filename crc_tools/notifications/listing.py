"""Say it early: a notification on a chemical Annex III already lists in its category.

A chemical in Annex III is subject to the PIC procedure in that category (Articles 7, 10);
the committee does not recommend it again there (Article 5.6 concerns chemicals to be
*listed*), so a new notification on it needs no review for listing in that category — it
is published in the PIC Circular (Article 5.4) and may inform a revision of the decision
guidance document (Article 7). A chemical listed in one category can still be recommended
in another (CRC-10, tributyltin compounds as industrial chemicals).

``crc validate``, ``verify``, ``score``, ``register record`` and the notebooks call
:func:`already_listed` / :func:`listed_lines` so that the expert hears it before the review
starts, not only from ``crc status``. A notification received before the listing (a case
that led to it) is not flagged: Annex III did not list the chemical then.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

LISTED_COLUMNS = ["notification_id", "chemical", "category", "annex_iii_entry", "annex_iii_chemical", "listing", "source"]


def _dates(frame: pd.DataFrame) -> pd.Series:
    """Return the date each notification stands on: received by the Secretariat, else its action's entry into force."""
    out = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[s]")
    for name in ("fra_date", "received_date"):  # the later one read wins
        if name in frame.columns:
            values = pd.to_datetime(frame[name], errors="coerce").astype("datetime64[s]")
            out = values.where(values.notna(), out)
    return out


def already_listed(notifications: pd.DataFrame, *, as_of: dt.date | None = None) -> pd.DataFrame:
    """Return the notifications whose chemical (or its Annex III group) Annex III lists in their category.

    One row per notification and category, with ``annex_iii_entry`` (its id),
    ``annex_iii_chemical`` (the entry as Annex III words it) and ``listing`` (``COP-8 (2017)``).
    Only listings made before the notification was received (or, without a receipt date,
    before its action took effect; without either, any listing) count; ``as_of`` judges
    Annex III as it stood on that date.
    """
    from .review import identify_chemicals

    if notifications.empty or "chemical" not in notifications.columns:
        return pd.DataFrame(columns=LISTED_COLUMNS)
    keys, identities = identify_chemicals(notifications)
    entries = pd.DataFrame(
        [
            {"_key": k, "category": e.category, "annex_iii_entry": e.entry_id, "annex_iii_chemical": e.chemical, "listing": e.listing, "_listed_on": pd.Timestamp(e.listed_on)}
            for k, ident in identities.items()
            for e in ident.annex_iii
            if as_of is None or e.listed_on <= as_of
        ]
    )
    if entries.empty:
        return pd.DataFrame(columns=LISTED_COLUMNS)
    mask = pd.Series(keys, index=notifications.index).isin(set(entries["_key"])).to_numpy()
    sub = notifications[mask]
    frame = pd.DataFrame(
        {
            "notification_id": sub["notification_id"].astype(str).to_numpy(),
            "chemical": sub["chemical"].astype(str).to_numpy(),
            "category": sub["category"].astype(str).to_numpy(),
            "source": sub["_source"].astype(str).to_numpy() if "_source" in sub.columns else "",
            "_key": keys[mask],
            "_when": _dates(sub).to_numpy(),
        }
    )
    merged = frame.merge(entries, on=["_key", "category"])
    merged = merged[merged["_when"].isna() | (merged["_when"] >= merged["_listed_on"])]
    return merged[LISTED_COLUMNS].drop_duplicates(["notification_id", "category"]).reset_index(drop=True)


CATEGORY_WORDS = {"pesticide": "a pesticide", "industrial": "an industrial chemical"}


def listed_line(row: dict) -> str:
    """Return the one line that says it: which entry lists the chemical, and what that means for the review."""
    as_what = CATEGORY_WORDS.get(row["category"], row["category"])
    return (
        f"note: {row['notification_id']}: {row['chemical']} is already in Annex III as {as_what} "
        f"(entry \"{row['annex_iii_chemical']}\", {row['listing']}): it is subject to the PIC procedure in that category, "
        "so this notification needs no review for listing there (a listed chemical is not recommended again, Article 5.6); "
        "it is published in the PIC Circular and may inform a revision of the decision guidance document (Article 7)"
    )


def listed_lines(notifications: pd.DataFrame, *, as_of: dt.date | None = None, limit: int = 20) -> list[str]:
    """Return :func:`listed_line` for every notification :func:`already_listed` finds (the first ``limit``, then a count)."""
    found = already_listed(notifications, as_of=as_of).to_dict("records")
    lines = [listed_line(r) for r in found[:limit]]
    if len(found) > limit:
        more = sorted({r["annex_iii_chemical"] for r in found[limit:]})
        lines.append(f"note: {len(found) - limit} more notification(s) concern chemicals already in Annex III in their category ({', '.join(more[:10])}{' …' if len(more) > 10 else ''})")
    return lines
