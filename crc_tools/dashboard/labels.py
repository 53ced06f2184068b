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
import re
from dataclasses import dataclass

from ..i18n import N_, P_, _, lookup


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
        StatusStyle("met", "✓", N_("met"), "#1d4f91", "#ffffff"),
        StatusStyle("not_met", "✗", N_("not met"), "#f2a154", "#000000"),
        StatusStyle("insufficient_information", "?", N_("insufficient information"), "#fbe7a1", "#000000"),
        StatusStyle("conflict", "!", N_("conflict"), "#7f7f7f", "#000000"),
        StatusStyle("", "–", N_("none"), "#ffffff", "#333333"),
    )
}
"""Committee statuses; ``""`` is no conclusion (a criterion without any, or an overall ``pending``)."""

CELL_OUTLINE = "#333333"
"""The outline of every matrix cell and tile: 12.6:1 on white."""

STATUS_WORDS = {"met": N_("met"), "not_met": N_("not met"), "insufficient_information": N_("insufficient information"), "pending": N_("no conclusion"), "conflict": N_("conflict"), "": N_("no conclusion")}
"""Each status in words (English in the tables; shown through the catalogue where a page is drawn)."""
FRA_WORDS = {"ban": N_("banned"), "severe_restriction": N_("severely restricted")}
ROLE_WORDS = {"committee": N_("committee"), "task_group": N_("task group"), "contact_group": N_("contact group"), "secretariat": N_("Secretariat")}
CRITERION_OVERALL = "overall"
CATEGORY_WORDS = {"pesticide": N_("pesticide"), "industrial": N_("industrial")}
"""The Convention's categories as the dashboard names them (the data keep the English key)."""
REGION_WORDS = (N_("Africa"), N_("Asia"), N_("Europe"), N_("Latin America and the Caribbean"), N_("Near East"), N_("North America"), N_("Southwest Pacific"))
"""The seven PIC regions (decision RC-1/2) as messages: the data keep the English name, pages show the language's."""
SHARED_WORDS = (
    P_("dashboard", "PIC regions"), P_("dashboard", "What is missing"), P_("dashboard", "Notifications"), P_("dashboard", "Party"), P_("dashboard", "Decision"),
    P_("dashboard", "Conditions"), P_("dashboard", "banned"), P_("dashboard", "severely restricted"), P_("dashboard", "Category"), P_("dashboard", "Conclusion"),
    P_("dashboard", "Notification"), P_("dashboard", "PIC region"), P_("dashboard", "Chemical"), P_("dashboard", "Proposing Party"), P_("dashboard", "Proposal"),
)
"""Words the dashboard shares with the documents: in a document they await an official text, on the dashboard they are
interface words (``msgctxt "dashboard"``, translated by the team; :data:`crc_tools.i18n.DASHBOARD`)."""


def status_key(value) -> str:
    """Return the status key of a recorded status (``pending`` and unknown values are ``""``)."""
    text = "" if value is None else str(value).strip()
    if text in ("nan", "<NA>", "None", "pending"):
        return ""
    text = text.replace(" ", "_")
    return text if text in STATUS_STYLES else ""


_SOURCES = (N_("register entry"), N_("case file"), N_("a proposal"), N_("correction"), N_("later entry"), N_("stands"), N_("superseded"), N_("in the case file"))
_SAID = (
    (re.compile(r"^(met|not met|insufficient information|no conclusion) \((register entry|case file) (.+)\)$"), lambda m: f"{_(m[1])} ({_(m[2])} {m[3]})"),
    (re.compile(r"^(task group|contact group|a proposal) proposes: (.+)$"), lambda m: _("{who} proposes: {what}").format(who=_(m[1]), what=said(m[2]))),
    (re.compile(r"^already listed \((.+)\)$"), lambda m: _("already listed ({listing})").format(listing=m[1])),
    (re.compile(r"^notifications from (.+) are not counted until a PIC region is set$"),
     lambda m: _("notifications from {parties} are not counted until a PIC region is set").format(parties=party_shown(m[1]))),
    (re.compile(r"^notifications from (.+) are not counted: not a Party to the Convention \((.+)\)$"),
     lambda m: _("notifications from {parties} are not counted: not a Party to the Convention ({rule})").format(parties=party_shown(m[1]), rule=lookup(m[2]))),
    (re.compile(r"^incomplete: (.+)$"), lambda m: _("incomplete: {items}").format(items=m[1])),
    (re.compile(r"^awaiting (.+)$"), lambda m: _("awaiting {items}").format(items=m[1])),
    (re.compile(r"^superseded by entry (\d+) \((.+)\)$"), lambda m: _("superseded by entry {entry} ({how})").format(entry=m[1], how=lookup(m[2]))),
)
"""The recorded-conclusion phrases the tables hold in English ("met (register entry 12)", "task group proposes: met",
"superseded by entry 14 (correction)"), each put back together in the language in use."""


def said(text) -> str:
    """Return a phrase of the tables in the language in use: "met (register entry 12)" → "respecté (entrée du registre 12)".

    A phrase that is a message is translated whole; one of the recorded-conclusion phrases is
    put together from its translated parts; anything else (data) is returned as it is.
    """
    text = "" if text is None else str(text)
    whole = lookup(text)
    if whole != text:
        return whole
    for pattern, build in _SAID:
        m = pattern.match(text)
        if m:
            return build(m)
    return text


def status_badge(value, *, word: str | None = None) -> str:
    """Return an HTML badge for a status: its symbol and its word (escaped, never colour alone), in the language in use."""
    style = STATUS_STYLES[status_key(value)]
    text = said(word) if word is not None else _(style.word)
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


def party_shown(name) -> str:
    """Return a Party's name as a page in the language in use shows it: UNTERM's French or Spanish short name, else as given.

    ``name`` is the UN English name the tables hold (:func:`party_name`); a list ``"A, B"`` is
    shown name by name. Dutch pages show the English names (no Dutch source is in the data).
    """
    from ..convention.party_names import party_label
    from ..i18n import current_lang

    text = "" if name is None else str(name)
    if current_lang() not in ("fr", "es") or not text:
        return text
    return ", ".join(party_label(part) for part in text.split(", "))


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
    "StatusStyle", "esc", "said", "party_shown", "status_key", "status_badge", "party_name", "contrast", "relative_luminance",
]
