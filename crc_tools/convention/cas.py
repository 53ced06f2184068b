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


def valid_cas_many(values) -> tuple:
    """Settle many CAS cells at once: ``(settled, normalised)``, the normalised values of the settled cells only.

    Settled are the cells that are blank or hold one valid CAS number.

    The vectorised twin of checking each cell with :func:`split_cas` and :func:`cas_problem`:
    a blank cell gives ``""``, a cell holding one well-formed number with a correct check
    digit gives the number. Every other cell (several numbers, a typing error) is left
    unsettled for the one-by-one check, which words the message.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(values)
    settled, out = np.zeros(n, dtype=bool), np.empty(n, dtype=object)
    if not n:
        return settled, out[settled]
    try:
        arr = pc.utf8_trim_whitespace(pc.fill_null(pa.array(values, type=pa.string(), from_pandas=True), ""))
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeEncodeError):
        return settled, out[settled]
    text = arr.to_numpy(zero_copy_only=False).astype(object)
    blank = text == ""
    shaped = pc.match_substring_regex(arr, r"^[0-9]{2,7}-[0-9]{2}-[0-9]$").to_numpy(zero_copy_only=False).astype(bool)
    if shaped.any():
        digits = pc.utf8_lpad(pc.replace_substring(arr.filter(pa.array(shaped)), "-", ""), 10, "0")
        grid = (np.frombuffer("".join(digits.to_pylist()).encode("ascii"), dtype=np.uint8).reshape(-1, 10) - 48).astype(np.int64)
        ok = (grid[:, :9] @ np.arange(9, 0, -1)) % 10 == grid[:, 9]
        at = np.flatnonzero(shaped)[ok]
        settled[at] = True
        out[at] = text[at]
    settled[blank] = True
    out[blank] = ""
    return settled, out[settled]
