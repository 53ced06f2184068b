"""Concentrations of active ingredients and the wording of an Annex III SHPF entry.

An SHPF proposal gives the relative amount of each active ingredient (Annex IV Part 1 (c));
an Annex III SHPF entry names the formulation type and a concentration threshold
("ultra low volume (ULV) formulations at or above 640 g active ingredient/L"). This module
reads concentrations written the ways proposals write them, compares them where their
bases agree, and words a threshold the way Annex III does. It has no pandas dependency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A number, then a unit; anything after the unit (a parenthetical, "or above") is kept as text.
_CONC = re.compile(
    r"""^\s*(?:about|approx\.?|approximately|ca\.?|~|>=|≥|at\s+or\s+above|min\.?|minimum)?\s*
    (?P<num>\d+(?:[.,]\d+)?)\s*
    (?P<unit>
        %\s*\(?\s*w\s*/\s*[wv]\s*\)? | %
      | g\s*(?:a\.?\s*i\.?|ai|a\.?\s*e\.?|active\s+ingredient|active\s+substance)?\s*/\s*(?:l|litre|liter|kg)
      | g\s+(?:per)\s+(?:l|litre|liter|kg)
    )
    (?P<rest>.*)$""",
    re.I | re.X,
)

BASIS = {"%": "w/w", "g/kg": "w/w", "% w/v": "w/v", "g/L": "w/v"}
"""What each unit measures: mass per mass (w/w) or mass per volume (w/v). Only like bases compare."""


@dataclass(frozen=True)
class Concentration:
    """A concentration as a number and a normalised unit (``%``, ``% w/v``, ``g/L``, ``g/kg``)."""

    value: float
    unit: str
    text: str = ""

    @property
    def basis(self) -> str:
        """Return ``w/w`` or ``w/v``."""
        return BASIS[self.unit]

    def canonical(self) -> float:
        """Return the value in % (w/w basis) or g/L (w/v basis)."""
        if self.unit == "g/kg":
            return self.value / 10.0
        if self.unit == "% w/v":
            return self.value * 10.0
        return self.value

    def comparable(self, other: "Concentration") -> bool:
        """Return whether the two are on the same basis (w/w or w/v)."""
        return self.basis == other.basis

    def at_or_above(self, other: "Concentration") -> bool | None:
        """Return whether this is at or above ``other``; ``None`` when the bases differ."""
        if not self.comparable(other):
            return None
        return self.canonical() >= other.canonical() - 1e-9

    def exceeds(self, other: "Concentration") -> bool | None:
        """Return whether this is strictly above ``other``; ``None`` when the bases differ."""
        if not self.comparable(other):
            return None
        return self.canonical() > other.canonical() + 1e-9

    def short(self) -> str:
        """Return the concentration as ``640 g/L`` or ``7%``."""
        num = _number(self.value)
        return f"{num}%" if self.unit == "%" else f"{num} {self.unit}" if self.unit != "% w/v" else f"{num}% (w/v)"

    def as_threshold(self) -> str:
        """Return the concentration worded as Annex III words a threshold.

        ``640 g/L`` → ``640 g active ingredient/L``; ``19.5 %`` → ``19.5% active ingredient``.
        """
        num = _number(self.value)
        if self.unit == "%":
            return f"{num}% active ingredient"
        if self.unit == "% w/v":
            return f"{num}% (w/v) active ingredient"
        return f"{num} g active ingredient/{self.unit.split('/')[1]}"


def _number(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def _unit(raw: str) -> str:
    u = re.sub(r"\s+", "", raw.lower())
    if u.startswith("%"):
        return "% w/v" if "w/v" in u else "%"
    if u.endswith(("kg",)):
        return "g/kg"
    return "g/L"


def parse_concentration(text) -> Concentration | None:
    """Return the concentration written in ``text``, or ``None`` when it is not one.

    Accepted: a number (``.`` or ``,`` as decimal mark; ``1,000`` as thousands) and a
    unit among ``%``, ``% w/w``, ``% w/v``, ``g/L`` (also ``g ai/L``, ``g active
    ingredient/L``, ``g per litre``) and ``g/kg``; a leading ``about`` or ``>=`` and any
    trailing words (``(paraquat ion 200 g/L)``) are allowed.

    Examples
    --------
    >>> parse_concentration("640 g/L").short()
    '640 g/L'
    >>> parse_concentration("19,5 % w/w").short()
    '19.5%'
    >>> parse_concentration("ten percent") is None
    True
    """
    raw = str(text or "").strip()
    m = _CONC.match(raw)
    if not m:
        return None
    num = m.group("num")
    if "," in num:
        whole, frac = num.split(",")
        num = whole + frac if len(frac) == 3 else f"{whole}.{frac}"
    try:
        value = float(num)
    except ValueError:  # pragma: no cover - the pattern admits only digits
        return None
    return Concentration(value, _unit(m.group("unit")), raw)


def split_list(text) -> list[str]:
    """Split an aligned list (active ingredients, concentrations) on ``;`` and new lines, keeping empty slots."""
    raw = str(text or "")
    if not raw.strip():
        return []
    parts = re.split(r"[;\n]", raw)
    return [p.strip() for p in parts]


def check_concentration(value) -> tuple[str, str | None]:
    """Validate one cell of concentrations (``;``-separated); return (normalised, message)."""
    parts = split_list(value)
    if not parts:
        return ("", None)
    bad = [p for p in parts if p and parse_concentration(p) is None]
    if bad:
        return ("", f"'{bad[0]}' is not a concentration (a number with its unit: %, % w/v, g/L or g/kg, e.g. '640 g/L' or '7 %')")
    for p in parts:  # a share by weight cannot exceed the whole
        c = parse_concentration(p) if p else None
        if c is not None and (c.value > 100 if c.unit == "%" else c.value > 1000 if c.unit == "g/kg" else False):
            return ("", f"'{p}' is more than the whole formulation (at most 100 % w/w or 1000 g/kg)")
    return (";".join(parts), None)


def entry_wording(ingredients: list[str], concentrations: list[Concentration | None], type_wordings: list[str], threshold_text: str = "") -> str:
    """Word an Annex III SHPF entry from its formulation type(s) and threshold(s).

    One active ingredient: ``ultra low volume (ULV) formulations at or above 640 g active
    ingredient/L``. Several: ``dustable powder formulations (DP) containing a combination of
    benomyl at or above 7%, carbofuran at or above 10% and thiram at or above 15%``. A
    threshold given in words (``threshold_text``, as the committee adopted it) is used as it is.
    """
    types = " and ".join(t for t in type_wordings if t) or "formulations"
    if threshold_text:
        return f"{types} at or above {threshold_text}" if not re.match(r"^\s*(at or above|exceeding|above|containing)\b", threshold_text, re.I) else f"{types} {threshold_text.strip()}"
    named = [(i, c) for i, c in zip(ingredients, concentrations, strict=False) if i]
    if len(named) == 1:
        c = named[0][1]
        return f"{types} at or above {c.as_threshold()}" if c else types
    clauses = [f"{i} at or above {c.short()}" if c else i for i, c in named]
    if not clauses:
        return types
    joined = clauses[0] if len(clauses) == 1 else ", ".join(clauses[:-1]) + " and " + clauses[-1]
    return f"{types} containing a combination of {joined}"


_QTY = re.compile(
    r"(?P<num>\d{1,3}(?:[ ,\u202f]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<unit>tonnes?|tons?|t|kg|kilograms?|kilos?|litres?|liters?|l|hl|m3|m³)\b",
    re.I,
)
_QTY_FACTORS = {"t": (1000.0, "kg"), "ton": (1000.0, "kg"), "tons": (1000.0, "kg"), "tonne": (1000.0, "kg"), "tonnes": (1000.0, "kg"),
                "kg": (1.0, "kg"), "kilogram": (1.0, "kg"), "kilograms": (1.0, "kg"), "kilo": (1.0, "kg"), "kilos": (1.0, "kg"),
                "l": (1.0, "L"), "litre": (1.0, "L"), "litres": (1.0, "L"), "liter": (1.0, "L"), "liters": (1.0, "L"),
                "hl": (100.0, "L"), "m3": (1000.0, "L"), "m³": (1000.0, "L")}


def parse_quantity(text) -> tuple[float, str] | None:
    """Return the first quantity of product in ``text`` as (amount, ``L`` or ``kg``), or ``None``.

    ``"about 40 000 L per year"`` → ``(40000.0, "L")``; ``"12 t sold in 2010"`` → ``(12000.0, "kg")``.
    Used to relate reported effects to the quantity used (Annex IV Part 3 (d)).
    """
    raw = str(text or "")
    for m in _QTY.finditer(raw):
        if re.match(r"\s*(?:/|per\s)\s*(?:ha|hectare|acre|feddan)", raw[m.end():], re.I):
            continue  # a rate of application, not a quantity used
        break
    else:
        return None
    num = re.sub(r"[ ,\u202f]", "", m.group("num"))
    factor, unit = _QTY_FACTORS[m.group("unit").lower()]
    return float(num) * factor, unit
