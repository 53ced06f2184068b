"""Who may record what in the register, and what a correction may change (Art. 5.3, 5.6, 6.2, 6.5).

The Convention gives the roles (``../shared/DESIGN.md``, "Who concludes"):

* the **committee** concludes on Annex II (Article 5.6) and Annex IV Part 3 (Article 6.5):
  only its entries count towards ``regions_meeting_criteria``, ``recommend_listing`` and
  ``recommend_new_listing``;
* a **task group** or **contact group** prepares the committee's work: its entries are
  *proposals*, shown as such ("task group proposes: met (register entry 17)"), never counted;
* the **Secretariat** verifies Annex I / Annex IV Part 1 completeness (Articles 5.3, 6.2),
  recorded as ``annex_i_verified`` / ``part1_verified``; it records no Annex II or Annex IV
  Part 3 determination, and the register refuses one.

A **correction** (``supersedes``) replaces an entry by a better one of the same author on the
same question: it must concern the same subject (notification or proposal), criterion,
category and role. Role precedence is not a correction: a committee conclusion that differs
from a task group's proposal is a new committee entry, and both stay visible.

Every path that writes the register (``crc register record`` and ``import``, the notebook
workbench, the dashboard) goes through :func:`role_problem` and :func:`correction_problem`.
"""

from __future__ import annotations

COMMITTEE = "committee"
"""The role whose entries are the committee's conclusions (Article 5.6, 6.5)."""
PROPOSING_ROLES = ("task_group", "contact_group")
"""Roles whose entries are proposals to the committee, never counted as its conclusion."""
SECRETARIAT = "secretariat"
RECORDING_ROLES = (*PROPOSING_ROLES, COMMITTEE)
"""Roles that may record a determination on a criterion or ``overall``."""
ALL_ROLES = (*RECORDING_ROLES, SECRETARIAT)
"""Every role the register's schema knows (entries of the Secretariat recorded by older versions stay readable)."""

ROLE_LABELS = {"task_group": "task group", "contact_group": "contact group", COMMITTEE: "committee", SECRETARIAT: "Secretariat"}

SECRETARIAT_REFUSED = (
    "the Secretariat verifies Annex I / Annex IV Part 1 completeness (Articles 5.3, 6.2; recorded as annex_i_verified / "
    "part1_verified in the notification or proposal) and records no Annex II or Annex IV Part 3 determination: "
    "the committee concludes (role committee); task and contact groups propose (task_group, contact_group)"
)


def normalize_role(value) -> str:
    """Return a role as stored (``Task group`` → ``task_group``)."""
    return str(value or "").strip().casefold().replace(" ", "_").replace("-", "_")


def role_label(role: str) -> str:
    """Return a role in words (``task_group`` → ``task group``)."""
    return ROLE_LABELS.get(role, str(role).replace("_", " "))


def role_problem(raw_role) -> tuple[str, str | None]:
    """Return the normalised role and, when it may not record a determination, why.

    The Secretariat is refused with the reason (Articles 5.3, 5.6); an unknown role is
    refused with the roles that may record.
    """
    role = normalize_role(raw_role)
    if role == SECRETARIAT:
        return role, SECRETARIAT_REFUSED
    if role not in RECORDING_ROLES:
        given = str(raw_role or "").strip()
        if not given:
            return role, f"the role is required ({', '.join(RECORDING_ROLES)})"
        return role, f"'{given}' is not a role ({', '.join(RECORDING_ROLES)})"
    return role, None


CORRECTION_KEY = ("subject_kind", "subject_id", "category", "criterion", "role")
"""What a correction must share with the entry it supersedes."""

_KEY_WORDS = {"subject_kind": "kind of subject", "subject_id": "subject", "category": "category", "criterion": "criterion", "role": "role"}


def _shown(name: str, value) -> str:
    value = "" if value is None else str(value)
    if name == "category" and not value:
        return "every category"
    if name == "role":
        return role_label(value)
    return value


def correction_problem(entry: dict, target: dict) -> str | None:
    """Return why ``entry`` may not supersede ``target``, or ``None`` when it may.

    A correction concerns the same subject, criterion, category and role as the entry it
    supersedes (``../shared/DESIGN.md``, "Who concludes"); ``target`` holds the stored entry's
    values (``id`` or ``entry_id`` names it).
    """
    differs = [name for name in CORRECTION_KEY if str(entry.get(name) or "") != str(target.get(name) or "")]
    if not differs:
        return None
    number = target.get("id", target.get("entry_id"))
    what = "; ".join(f"{_KEY_WORDS[n]} {_shown(n, target.get(n))!s} there, {_shown(n, entry.get(n))!s} here" for n in differs)
    advice = "record a new entry without --supersedes"
    if differs == ["role"] or "role" in differs:
        advice += " (role precedence is not a correction: a committee conclusion that differs from a proposal is a new committee entry)"
    return (
        f"entry {number} cannot be superseded by this entry: a correction concerns the same subject, criterion, category and role "
        f"as the entry it supersedes ({what}); {advice}"
    )


def is_valid_correction(entry: dict, target: dict) -> bool:
    """Return whether ``entry`` may supersede ``target`` (see :func:`correction_problem`)."""
    return all(str(entry.get(n) or "") == str(target.get(n) or "") for n in CORRECTION_KEY)


__all__ = [
    "COMMITTEE", "PROPOSING_ROLES", "SECRETARIAT", "RECORDING_ROLES", "ALL_ROLES", "ROLE_LABELS", "SECRETARIAT_REFUSED",
    "CORRECTION_KEY", "normalize_role", "role_label", "role_problem", "correction_problem", "is_valid_correction",
]
