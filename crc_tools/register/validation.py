"""Checking one determination against the Convention and the register's rules, before anything is written.

:func:`validate_entry` is a table of parts, one per field, each returning the field's
normalised value and adding its ``(field, message)`` problems.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from .model import (
    _KIND_SYNONYMS,
    _STATUS_SYNONYMS,
    CATEGORIES,
    CLOCK_SKEW,
    CRITERIA_SETS,
    MAX_SHORT_CHARS,
    MAX_TEXT_CHARS,
    OVERALL,
    STATUSES,
    SUBJECT_KINDS,
    _iso,
    _utcnow,
    parse_time,
)
from .roles import role_problem


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    return str(value).strip()


def _references(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        parts = value.split("\n")
    elif isinstance(value, Iterable):
        parts = [_text(v) for v in value]
    else:
        parts = [str(value)]
    return tuple(p.strip() for p in parts if p and p.strip())


def normalize_kind(value) -> str | None:
    """Return ``notification`` / ``shpf_proposal`` for a loose spelling, or ``None``."""
    k = _text(value).casefold().replace(" ", "_").replace("-", "_") or "notification"
    k = _KIND_SYNONYMS.get(k, k)
    return k if k in SUBJECT_KINDS else None


def normalize_criterion(kind: str, value) -> str | None:
    """Return the canonical criterion id (``(b)(iii)``) or ``overall``; ``None`` when not in the Convention."""
    from ..convention.reference import items

    raw = _text(value)
    if raw.casefold() in ("overall", "conclusion", "all"):
        return OVERALL
    if not raw:
        return None
    return items(CRITERIA_SETS[kind]).normalize(raw)


def validate_entry(values: dict, *, known_subjects=None, now: dt.datetime | None = None) -> tuple[dict, list[tuple[str, str]]]:
    """Check one determination against the Convention and the register's rules.

    Parameters
    ----------
    values : dict
        ``subject_kind``, ``subject_id``, ``category``, ``criterion``, ``status``,
        ``justification``, ``references``, ``recorded_by``, ``role``, and optionally
        ``recorded_at``, ``document_version``, ``document_hash``.
    known_subjects : collection of str, optional
        The ids of the subjects in the loaded data; when given, a determination about
        any other subject is refused.
    now : datetime.datetime, optional
        The present (naive UTC), against which a future ``recorded_at`` is refused.

    Returns
    -------
    tuple
        The normalised values and a list of ``(field, message)`` problems (empty when
        the determination can be recorded).
    """
    problems: list[tuple[str, str]] = []
    out: dict = {}
    kind = out["subject_kind"] = _checked_kind(values, problems)
    out["subject_id"] = _checked_subject(values, kind, known_subjects, problems)
    out["category"] = _checked_category(values, problems)
    out["criterion"] = _checked_criterion(values, kind, problems)
    out["status"] = _checked_status(values, problems)
    out["justification"] = _checked_justification(values, out["status"], problems)
    out["references"] = _checked_references(values, problems)
    out["recorded_by"] = _checked_recorded_by(values, problems)
    role, role_msg = role_problem(values.get("role"))
    if role_msg:
        problems.append(("role", role_msg))
    out["role"] = role
    out["recorded_at"] = _checked_recorded_at(values, now or _utcnow(), problems)
    for name in ("document_version", "document_hash", "origin"):
        value = _text(values.get(name))
        if len(value) > MAX_SHORT_CHARS:
            problems.append((name, f"text is {len(value):,} characters, more than {MAX_SHORT_CHARS:,}"))
        out[name] = value
    _check_characters(out, problems)
    return out, problems


def _checked_kind(values: dict, problems: list) -> str:
    """Return the kind of subject (``notification`` when it is not one)."""
    kind = normalize_kind(values.get("subject_kind"))
    if kind is None:
        problems.append(("subject_kind", f"'{values.get('subject_kind')}' is not a kind of subject ({', '.join(SUBJECT_KINDS)})"))
        kind = "notification"
    return kind


def _checked_subject(values: dict, kind: str, known_subjects, problems: list) -> str:
    """Return the subject's id: required, short, and one of the loaded data's when those are given."""
    label = "notification" if kind == "notification" else "SHPF proposal"
    subject = _text(values.get("subject_id"))
    if not subject:
        problems.append(("subject_id", f"the {label} id is required"))
    elif len(subject) > MAX_SHORT_CHARS:
        problems.append(("subject_id", f"id is {len(subject):,} characters, more than {MAX_SHORT_CHARS:,}"))
    elif known_subjects is not None and subject not in known_subjects:
        n = len(known_subjects)
        problems.append(("subject_id", f"{label} '{subject}' does not exist in the loaded data ({n:,} {label}(s) read); check the id or the data given"))
    return subject


def _checked_category(values: dict, problems: list) -> str:
    """Return the category (``pesticide``, ``industrial``, or empty for every category)."""
    category = _text(values.get("category")).casefold()
    category = {"pesticides": "pesticide", "industrial chemical": "industrial", "all": "", "any": ""}.get(category, category)
    if category not in CATEGORIES:
        problems.append(("category", f"'{values.get('category')}' is not a category (pesticide, industrial, or empty for every category)"))
    return category


def _checked_criterion(values: dict, kind: str, problems: list) -> str:
    """Return the criterion's canonical id (Annex II for a notification, Annex IV Part 3 for an SHPF proposal) or ``overall``."""
    from ..convention.reference import ITEM_SET_LABELS, items

    raw_criterion = _text(values.get("criterion"))
    criterion = normalize_criterion(kind, raw_criterion)
    if criterion is None:
        item_set = items(CRITERIA_SETS[kind])
        what = f"'{raw_criterion}' is not a criterion of {ITEM_SET_LABELS[item_set.name]}" if raw_criterion else "the criterion is required"
        problems.append(("criterion", f"{what} ({', '.join(item_set.ids)}, or 'overall')"))
    return criterion or raw_criterion


def _checked_status(values: dict, problems: list) -> str:
    """Return the status (``met``, ``not_met``, ``insufficient_information``; loose spellings read)."""
    raw_status = _text(values.get("status"))
    status = raw_status.casefold().replace("-", "_")
    status = _STATUS_SYNONYMS.get(status, status).replace(" ", "_")
    if status not in STATUSES:
        problems.append(("status", f"'{raw_status}' is not a status ({', '.join(STATUSES)})" if raw_status else f"the status is required ({', '.join(STATUSES)})"))
    return status


def _checked_justification(values: dict, status: str, problems: list) -> str:
    """Return the justification: required unless the status is ``met``, at most :data:`MAX_TEXT_CHARS`."""
    justification = _text(values.get("justification"))
    if status in ("not_met", "insufficient_information") and not justification:
        problems.append(("justification", f"a '{status}' determination needs a justification"))
    if len(justification) > MAX_TEXT_CHARS:
        problems.append(("justification", f"text is {len(justification):,} characters, more than the {MAX_TEXT_CHARS:,} accepted"))
    return justification


def _checked_references(values: dict, problems: list) -> tuple[str, ...]:
    """Return the references, together at most :data:`MAX_TEXT_CHARS`."""
    refs = _references(values.get("references"))
    if sum(len(r) for r in refs) > MAX_TEXT_CHARS:
        problems.append(("references", f"references are longer than the {MAX_TEXT_CHARS:,} characters accepted"))
    return refs


def _checked_recorded_by(values: dict, problems: list) -> str:
    """Return who recorded the determination: required, at most :data:`MAX_SHORT_CHARS`."""
    by = _text(values.get("recorded_by"))
    if not by:
        problems.append(("recorded_by", "who recorded the determination is required (a name, a task group, 'CRC-20' …)"))
    elif len(by) > MAX_SHORT_CHARS:
        problems.append(("recorded_by", f"text is {len(by):,} characters, more than {MAX_SHORT_CHARS:,}"))
    return by


def _checked_recorded_at(values: dict, now: dt.datetime, problems: list) -> dt.datetime:
    """Return when the determination was made (default: now), never in the future beyond :data:`CLOCK_SKEW`."""
    raw_time = values.get("recorded_at")
    if raw_time is None or _text(raw_time) == "":
        return now
    when, msg = parse_time(raw_time)
    if msg:
        problems.append(("recorded_at", msg))
    elif when > now + CLOCK_SKEW:
        problems.append(("recorded_at", f"{_iso(when)} is in the future (now is {_iso(now)})"))
    return when or now


def _check_characters(out: dict, problems: list) -> None:
    """Refuse control characters in any field, and invisible format characters in identifiers and names (one problem per field)."""
    from ..text import control_character, format_character

    for name in ("subject_id", "category", "criterion", "status", "justification", "references", "recorded_by", "role", "document_version", "document_hash", "origin"):
        value = out.get(name)
        text = "\n".join(value) if isinstance(value, tuple) else value
        msg = control_character(text)
        if not msg and name in ("subject_id", "recorded_by", "document_version", "document_hash"):  # identifiers and names
            msg = format_character(text)
        if msg and not any(f == name for f, _ in problems):
            problems.append((name, msg))


def known_subject_ids(intake, kind: str = "notification") -> set[str] | None:
    """Return the ids of the notifications (or SHPF proposals) in an :class:`~crc_tools.intake.reader.Intake`.

    Returns ``None`` when the intake holds no reader's result for that kind (SHPF
    proposals before their reader is installed), so that the caller can say the ids
    were not checked.
    """
    if kind == "notification":
        df = intake.notifications
        return set(df["notification_id"].astype(str)) if "notification_id" in df.columns else set()
    found = intake.extra.get(kind)
    for candidate in (found, getattr(found, "proposals", None)):
        if isinstance(candidate, pd.DataFrame) and "proposal_id" in candidate.columns:
            return set(candidate["proposal_id"].astype(str))
    return None


def _entry_id(value, *, spreadsheet: bool = False) -> int | None:
    """Return ``value`` as an entry id (a whole number from 1 that the database's integers hold), else ``None``.

    With ``spreadsheet``, a whole number written as a decimal (``3.0``, as a spreadsheet
    exports it) is accepted too.
    """
    text = str(value).strip()
    try:
        number = int(text)
    except ValueError:
        if not spreadsheet:
            return None
        try:
            decimal = float(text)
        except ValueError:
            return None
        if not decimal.is_integer():  # also refuses inf and nan
            return None
        number = int(decimal)
    return number if 1 <= number < 2**63 else None
