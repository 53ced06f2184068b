"""Words, symbols and colours the dashboard shows, declared once (no Panel).

Every status the committee's matrix, tables and tiles show carries a symbol and a word, never
colour alone (WCAG 2.1 1.4.1): ✓ met, ✗ not met, ? insufficient information, – none. The
fills are told apart under the common colour-vision deficiencies by their lightness as well as
their hue (``tests/test_dashboard.py`` simulates deuteranopia, protanopia and tritanopia), each
symbol has at least 4.5:1 contrast on its fill, and every cell has a dark outline (3:1 against
the page, WCAG 2.1 1.4.11).
"""

from __future__ import annotations

import html
from dataclasses import dataclass


def esc(value) -> str:
    """Return text from the data escaped for HTML (``<script>`` shows as text)."""
    return html.escape("" if value is None else str(value), quote=True)


@dataclass(frozen=True)
class StatusStyle:
    """How one status is shown: its symbol, word, fill and the symbol's colour."""

    key: str
    symbol: str
    word: str
    fill: str
    ink: str


STATUS_STYLES: dict[str, StatusStyle] = {
    s.key: s
    for s in (
        StatusStyle("met", "✓", "met", "#1d4f91", "#ffffff"),
        StatusStyle("not_met", "✗", "not met", "#f2a154", "#000000"),
        StatusStyle("insufficient_information", "?", "insufficient information", "#fbe7a1", "#000000"),
        StatusStyle("conflict", "!", "conflict", "#7f7f7f", "#000000"),
        StatusStyle("", "–", "none", "#ffffff", "#333333"),
    )
}
"""Committee statuses; ``""`` is no conclusion (a criterion without any, or an overall ``pending``)."""

CELL_OUTLINE = "#333333"
"""The outline of every matrix cell and tile: 12.6:1 on white."""

STATUS_WORDS = {"met": "met", "not_met": "not met", "insufficient_information": "insufficient information", "pending": "no conclusion", "conflict": "conflict", "": "no conclusion"}
FRA_WORDS = {"ban": "banned", "severe_restriction": "severely restricted"}
ROLE_WORDS = {"committee": "committee", "task_group": "task group", "contact_group": "contact group", "secretariat": "Secretariat"}
CRITERION_OVERALL = "overall"


def status_key(value) -> str:
    """Return the status key of a recorded status (``pending`` and unknown values are ``""``)."""
    text = "" if value is None else str(value).strip()
    if text in ("nan", "<NA>", "None", "pending"):
        return ""
    text = text.replace(" ", "_")
    return text if text in STATUS_STYLES else ""


def status_badge(value, *, word: str | None = None) -> str:
    """Return an HTML badge for a status: its symbol and its word (escaped, never colour alone)."""
    style = STATUS_STYLES[status_key(value)]
    text = word if word is not None else style.word
    return f'<span class="crc-badge crc-s-{style.key or "none"}"><span aria-hidden="true">{style.symbol}</span> {esc(text)}</span>'


def party_name(given: str) -> str:
    """Return a Party's name as in UN documents (``United Kingdom of Great Britain and Northern Ireland``).

    Names the suite does not know are shown as given.
    """
    from ..convention.reference import regions

    text = "" if given is None else str(given)
    try:
        party = regions().find(text)
    except Exception:  # noqa: BLE001 - a region table that cannot be read must not hide the name
        return text
    return party.country if party is not None else text


def relative_luminance(colour: str) -> float:
    """Return the WCAG relative luminance of ``#rrggbb``."""
    rgb = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """Return the WCAG contrast ratio of two colours ``#rrggbb``."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


__all__ = [
    "STATUS_STYLES", "STATUS_WORDS", "FRA_WORDS", "ROLE_WORDS", "CRITERION_OVERALL", "CELL_OUTLINE",
    "StatusStyle", "esc", "status_key", "status_badge", "party_name", "contrast", "relative_luminance",
]
