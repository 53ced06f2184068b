"""Small text helpers shared by the reference look-ups and the intake."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_PUNCT = re.compile(r"[^0-9a-z]+")


def normalize_name(value) -> str:
    """Return a comparison key for a name (see :func:`_normalize`)."""
    return _normalize(None if value is None else str(value))


@lru_cache(maxsize=65536)
def _normalize(value) -> str:
    """Return a comparison key for a name: accents removed, case folded, punctuation collapsed.

    ``"Côte d'Ivoire"``, ``"COTE D IVOIRE"`` and ``"cote-d'ivoire"`` all give ``"cote d ivoire"``.
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("&", " and ")
    text = _PUNCT.sub(" ", text).strip()
    if text.startswith("the "):
        text = text[4:]
    return text


def name_variants(value) -> list[str]:
    """Return comparison keys to try for a name, most specific first.

    A parenthetical is tried with and without: ``"European Union (European Community)"``
    gives the whole, ``"european union"`` and ``"european community"``.
    """
    text = str(value or "").strip()
    out = [normalize_name(text)]
    m = re.match(r"^(.*?)\s*\((.*)\)\s*$", text)
    if m:
        out.append(normalize_name(m.group(1)))
        out.append(normalize_name(m.group(2)))
    return [v for i, v in enumerate(out) if v and v not in out[:i]]


SALT_WORDS = frozenset(
    """salt salts ester esters sodium disodium potassium dipotassium ammonium calcium magnesium lithium
    chloride dichloride bromide dibromide hydrochloride sulfate sulphate methylsulfate metilsulfate
    acetate amine dimethylamine diethylamine triethylamine isopropylamine triethanolamine""".split()
)
"""Words that name a salt or ester form of a parent chemical (``paraquat dichloride``, ``dinoseb ammonium``)."""


def salt_base(value) -> str:
    """Return the comparison key of the parent chemical a salt or ester name refers to, or ``""``.

    ``"Paraquat dichloride"`` gives ``"paraquat"``, ``"2,4,5-T sodium salt"`` gives ``"2 4 5 t"``;
    a name with no salt or ester word, or with nothing else, gives ``""``. The key is only a
    candidate: callers match it against names they know (an Annex III entry covering salts, or
    another notification's chemical), so ``"methyl bromide"`` groups with nothing.
    """
    tokens = normalize_name(value).split()
    kept = [t for t in tokens if t not in SALT_WORDS]
    if not kept or len(kept) == len(tokens):
        return ""
    return " ".join(kept)


def is_blank(value) -> bool:
    """Return whether a cell or field holds nothing (None, NaN, empty or whitespace)."""
    if value is None:
        return True
    if isinstance(value, float) and value != value:  # NaN
        return True
    if isinstance(value, (list, tuple, dict, set)):
        return len(value) == 0
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return True
    except ImportError:  # pragma: no cover
        pass
    return str(value).strip() == ""


def safe_filename(value: str, *, default: str = "document", max_length: int = 80) -> str:
    """Return a file-name stem derived from data that cannot leave its folder.

    Path separators, ``..``, control characters and anything but letters, digits,
    ``-``, ``_`` and ``.`` are replaced; leading dots are removed; the result is
    never empty and never longer than ``max_length``.
    """
    text = unicodedata.normalize("NFKD", str(value or ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text)
    text = re.sub(r"\.{2,}", ".", text)
    text = re.sub(r"-{2,}", "-", text).strip("-._")
    text = text[:max_length].strip("-._")
    reserved = {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
    if not text or text.lower() in reserved:
        return default
    return text
