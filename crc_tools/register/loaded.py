"""Register entries whose notification (or SHPF proposal) the data read do not hold.

``crc status`` and ``crc score`` read the register beside the case files; an entry about a
notification that was not loaded cannot count, and is never silently ignored: one line says
how many there are, about what, and how to bring their case files in.
"""

from __future__ import annotations

import pandas as pd

KIND_WORDS = {"notification": "notifications", "shpf_proposal": "SHPF proposals"}


def not_loaded(intake, register=None) -> pd.DataFrame:
    """Return the register's current entries about subjects the intake does not hold.

    Columns: ``entry_id``, ``subject_kind``, ``subject_id``. Empty when the register is
    empty or cannot be read (the commands say so elsewhere).
    """
    from ..errors import CrcError
    from .store import Register, known_subject_ids

    reg = register if register is not None else Register()
    try:
        cur = reg.current()
    except CrcError:
        return pd.DataFrame(columns=["entry_id", "subject_kind", "subject_id"])
    finally:
        if register is None:
            reg.close()
    if cur.empty:
        return pd.DataFrame(columns=["entry_id", "subject_kind", "subject_id"])
    parts = []
    for kind, rows in cur.groupby("subject_kind", sort=False):
        subjects = set(rows["subject_id"].astype(str))
        if kind == "notification":  # look the (few) register subjects up in the (maybe millions of) loaded ids
            ids = intake.notifications["notification_id"] if "notification_id" in intake.notifications.columns else pd.Series([], dtype=object)
            known = set(ids[ids.isin(subjects)].astype(str))
        else:
            known = known_subject_ids(intake, str(kind))
        if known is None:  # that kind is not read by this version: not checked
            continue
        parts.append(rows[~rows["subject_id"].astype(str).isin(known)])
    if not parts:
        return pd.DataFrame(columns=["entry_id", "subject_kind", "subject_id"])
    return pd.concat(parts)[["entry_id", "subject_kind", "subject_id"]].sort_values("entry_id").reset_index(drop=True)


def not_loaded_line(frame: pd.DataFrame, *, limit: int = 8) -> str | None:
    """Return the one line that reports :func:`not_loaded` (``None`` when there is nothing to say)."""
    if frame.empty:
        return None
    kinds = " or ".join(KIND_WORDS.get(k, k) for k in dict.fromkeys(frame["subject_kind"]))
    subjects = list(dict.fromkeys(frame["subject_id"].astype(str)))
    named = ", ".join(subjects[:limit]) + (f" and {len(subjects) - limit} more" if len(subjects) > limit else "")
    n = len(frame)
    return (
        f"register: {n} register entr{'y concerns' if n == 1 else 'ies concern'} {kinds} not loaded: {named}; "
        "they do not count here: add their case files or workspace (crc.toml [data] paths, or PATH... on the command line)"
    )
