"""CAS Registry Numbers: format and check digit.

A CAS number has the form ``NNNNNNN-NN-R``: two to seven digits, two digits,
and a check digit ``R`` equal to the weighted sum of the other digits (the
rightmost weighted 1, the next 2, …) modulo 10. Annex I 1(d) asks for the CAS
number; a number with a wrong check digit is a typing error, not a chemical.
"""

from __future__ import annotations

import re

_CAS_RE = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")


def cas_check_digit(digits: str) -> int:
    """Return the check digit for the digits before it (without hyphens)."""
    return sum(int(d) * w for w, d in enumerate(reversed(digits), start=1)) % 10


def cas_problem(value: str) -> str | None:
    """Return what is wrong with a CAS number, or ``None`` when it is valid."""
    text = str(value).strip()
    m = _CAS_RE.match(text)
    if not m:
        return f"'{text}' is not a CAS number (expected digits in the form 50-29-3)"
    body = m.group(1) + m.group(2)
    expected = cas_check_digit(body)
    if int(m.group(3)) != expected:
        return f"CAS number {text} has a wrong check digit (the digits give {expected}, not {m.group(3)})"
    return None


def is_valid_cas(value: str) -> bool:
    """Return whether ``value`` is a CAS number with a correct check digit."""
    return cas_problem(value) is None


def split_cas(value) -> list[str]:
    """Split a cell holding one or several CAS numbers (``;``, ``,`` or whitespace separated)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        out: list[str] = []
        for v in value:
            out.extend(split_cas(v))
        return out
    text = str(value).strip()
    if not text or text.lower() in {"nan", "none"}:
        return []
    return [p for p in re.split(r"[;,\s]+", text) if p]
