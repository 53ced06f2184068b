"""What rationales share: numbered paragraphs in the Committee's voice, and who concluded or proposed what.

Only the Committee concludes (Articles 5.6, 6.5; DESIGN.md "Who concludes"). A criterion
the Committee has concluded on is written as its conclusion ("The Committee concluded that
…"); one on which only a task group or contact group has recorded a determination is written
as that group's proposal, naming who proposed it; one with neither is a highlighted "To be
completed." paragraph. A rationale is titled as the Committee's only when the Committee has
concluded on the notification or proposal; otherwise it is a draft for the task group.

Reads the assessment rows of :func:`crc_tools.notifications.criteria.assess` (and of
:func:`crc_tools.proposals.shpf.assess`): ``status`` with ``role``, ``recorded_by`` and
``justification``, or, where the register's roles provide them, ``proposal_status``,
``proposed_by`` and ``proposal_source`` beside a committee-only ``status``.
"""

from __future__ import annotations

import re

from ..i18n import N_
from ..text import is_blank
from . import model as dm
from .parts import ROLE_LABELS

SYMBOL_RE = re.compile(r"\bUNEP/FAO/RC/[A-Z]+\.\d+/(?:INF/)?\d+(?:/(?:Add|Rev|Corr)\.\d+)*(?:\+corr\.\d+)?", re.IGNORECASE)
VERDICT = {"met": "is met", "not_met": "is not met", "insufficient_information": "cannot be judged on the information available"}


def _s(value) -> str:
    return "" if is_blank(value) or str(value) == "nan" else str(value).strip()


class Paragraphs:
    """Numbered paragraphs, numbered on through the sections of one rationale."""

    def __init__(self) -> None:
        self.n = 0
        self.notes: list[tuple[str, str]] = []

    def __call__(self, text: str, style: str = "") -> dict:
        """Return the next numbered paragraph."""
        self.n += 1
        return dm.p(text, style, number=str(self.n))


def committee_entry(row: dict) -> tuple[str, str]:
    """Return the Committee's status on a criterion and its justification ('' when it has not concluded)."""
    if "proposal_status" in row:
        return _s(row.get("status")), _s(row.get("justification"))
    if _s(row.get("role")) == "committee" and _s(row.get("status")):
        return _s(row.get("status")), _s(row.get("justification"))
    return "", ""


def proposal_entry(row: dict) -> tuple[str, str, str]:
    """Return a group's proposal on a criterion: (status, who proposed it, justification); '' when none."""
    if "proposal_status" in row:
        who = _s(row.get("proposed_by")) or "a task group"
        if who.casefold().startswith(("task group", "contact group")):  # "task group (CRC-1)" from the register: in prose, "the task group (CRC-1)"
            who = f"the {who}"
        source = _s(row.get("proposal_source"))
        if source and "register" in source:
            who = f"{who[:-1]}, {source})" if who.endswith(")") else f"{who} ({source})"
        return _s(row.get("proposal_status")), who, _s(row.get("proposal_justification")) or _s(row.get("justification"))
    role = _s(row.get("role"))
    if role in ("task_group", "contact_group") and _s(row.get("status")):
        by = _s(row.get("recorded_by"))
        return _s(row.get("status")), ROLE_LABELS[role] + (f" ({by})" if by and by.casefold() not in ROLE_LABELS[role] else ""), _s(row.get("justification"))
    return "", "", ""


def sentence(text: str) -> str:
    """Return a justification as a sentence: first letter capitalised, closed by a full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else f"{text}."


def references_of(row: dict) -> list[str]:
    """Return the references a determination cites."""
    return [x.strip() for x in _s(row.get("references")).split("\n") if x.strip()]


def criterion_paragraph(item, row: dict | None, number: Paragraphs, subject: str) -> dict:
    """Return the paragraph on one criterion: the Committee's conclusion, a group's proposal, or to be completed."""
    row = row or {}
    label = f"Criterion {item.id}"
    status, why = committee_entry(row)
    refs = [r for r in references_of(row) if not dm.is_internal(r)]
    number.notes += [("Internal references left out", f"criterion {item.id}: {r}") for r in references_of(row) if dm.is_internal(r)]
    cite = f" ({'; '.join(refs)})" if refs else ""
    if status:
        return number(f"{label}: the Committee concluded that the criterion {VERDICT.get(status, status)} for {subject}." + (f" {sentence(why)}" if why else "") + cite)
    p_status, who, p_why = proposal_entry(row)
    if p_status:
        return number(f"{label}: {who} proposes that the criterion {VERDICT.get(p_status, p_status)} for {subject}." + (f" {sentence(p_why)}" if p_why else "") + cite + " The Committee has not concluded on it.")
    out = number(f"{label}: {dm.TO_COMPLETE} No conclusion of the Committee and no proposal is recorded on this criterion.", "missing")
    return out


def documents_reviewed(texts) -> list[str]:
    """Return the UN document symbols named in some texts (the documents a notification or proposal was reviewed in)."""
    found: list[str] = []
    for t in texts:
        for m in SYMBOL_RE.finditer(_s(t)):
            if m.group(0) not in found:
                found.append(m.group(0))
    return found


def aid_notes(document: dict, rows: list[dict], aid_label: str) -> None:
    """Put the rule-based aid of each criterion in the drafting notes (an aid for the experts, not a conclusion)."""
    for r in rows:
        if _s(r.get("aid")):
            dm.add_note(document, aid_label[:1].upper() + aid_label[1:], f"criterion {r.get('criterion')}: {r.get('aid')}: {_s(r.get('aid_reason'))}")


def matrix(rows: list[dict], items_, title: str, *, axis: str = "Annex II criterion") -> dict | None:
    """Return a chart block of the Committee's conclusions and the groups' proposals on each criterion."""
    if not rows:
        return None
    by = {r.get("criterion"): r for r in rows}
    cells, table_rows = [], [["Committee"], ["Task group or contact group"]]
    for k, it in enumerate(items_.items):
        r = by.get(it.id, {})
        for line, status in ((0, committee_entry(r)[0]), (1, proposal_entry(r)[0])):
            word = dm_status(status) if status else "no determination"
            cells.append({"notification": table_rows[line][0], "criterion": it.id, "status": word, "order": k})
            table_rows[line].append(word if status else "—")
    svg = ""
    try:
        from ..charts import criteria_matrix, to_svg

        svg = to_svg(criteria_matrix(cells, title="", axis_title=axis))
    except Exception:  # noqa: BLE001 - the table stands in for a chart that cannot be drawn
        svg = ""
    return dm.chart(title + " (—: none recorded)", [("entries", N_("Recorded by")), *[(it.id, it.id) for it in items_.items]], table_rows, svg, key="criteria_matrix")


def dm_status(status: str) -> str:
    """Return a status in words."""
    return {"met": "met", "not_met": "not met", "insufficient_information": "insufficient information"}.get(status, status)


__all__ = ["Paragraphs", "committee_entry", "proposal_entry", "criterion_paragraph", "documents_reviewed", "aid_notes", "matrix"]
