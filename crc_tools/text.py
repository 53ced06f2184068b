"""Small text helpers shared by the reference look-ups and the intake."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_PUNCT = re.compile(r"[\W_]+")  # anything but letters and digits, of any script
_PARENTHETICAL = re.compile(r"^(.*?)\s*\((.*)\)\s*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
"""Characters no field may hold: C0 and C1 controls (but tab and line breaks), DEL, unpaired surrogates."""
CONTROL_RE2 = r"[\x{00}-\x{08}\x{0b}\x{0c}\x{0e}-\x{1f}\x{7f}-\x{9f}]"
"""The same characters for Arrow's (RE2) regular expressions; Arrow strings are valid UTF-8, so hold no surrogate."""
_CONTROL_NAMES = {0: "NUL", 7: "BEL", 8: "BS", 0x0B: "VT", 0x0C: "FF", 0x1B: "ESC", 0x7F: "DEL", 0x9B: "CSI"}
_FORMAT_CLASS = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_FORMAT = re.compile(f"[{_FORMAT_CLASS}]")
"""Invisible format characters (Unicode category Cf): bidirectional controls such as U+202E, zero-width
spaces and joiners, U+FEFF, tags. In an identifier or a name they make one text look like another, or
reverse what follows it on the screen."""
FORMAT_RE2 = r"\p{Cf}"
"""The same characters for Arrow's (RE2) regular expressions."""


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
    m = _PARENTHETICAL.match(text) if "(" in text else None
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


def control_character(value) -> str | None:
    """Return a message when text holds a control character or an unpaired surrogate, else ``None``.

    Such characters are not text: a NUL byte, an ESC sequence that would drive the reader's
    terminal, a surrogate left by a broken encoder. They cannot be written to Word, XLSX or
    PostgreSQL either, so a field holding one is refused with the character named.
    """
    if not isinstance(value, str):
        return None
    m = _CONTROL.search(value)
    if m is None:
        return None
    code = ord(m.group())
    if 0xD800 <= code <= 0xDFFF:
        return f"text holds an unpaired surrogate (U+{code:04X}, at character {m.start() + 1}), not a character; save the file as UTF-8 text"
    name = f" ({_CONTROL_NAMES[code]})" if code in _CONTROL_NAMES else ""
    return f"text holds the control character U+{code:04X}{name} at character {m.start() + 1}; remove it (only printable text, tabs and line breaks are accepted)"


def format_character(value) -> str | None:
    """Return a message when text holds an invisible format character (Unicode Cf), else ``None``.

    Refused in identifiers and names (a notification id, a chemical's name): U+202E reverses
    what follows it on screen, a zero-width space makes two ids look alike. Free text may hold
    them (a right-to-left language needs some); they are shown escaped on a terminal.
    """
    if not isinstance(value, str):
        return None
    m = _FORMAT.search(value)
    if m is None:
        return None
    code = ord(m.group())
    name = unicodedata.name(m.group(), "")
    return f"text holds the invisible format character U+{code:04X}{f' ({name})' if name else ''} at character {m.start() + 1}; identifiers and names may not hold one (remove it)"


def _escape(ch: str) -> str:
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF or code > 0xFF:
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    return ch.encode("unicode_escape", "backslashreplace").decode("ascii")


_UNPRINTABLE = re.compile(f"[\x00-\x1f\x7f-\x9f\ud800-\udfff{_FORMAT_CLASS}]")


def printable(text: str) -> str:
    r"""Return text with control characters, unpaired surrogates and invisible format characters shown as escapes.

    ``\x1b``, ``\n``, ``\u202e``: for messages and tables on a terminal, data can neither drive
    the terminal, nor reverse what is printed after it, nor break the one-problem-per-line layout.
    """
    text = str(text)
    if _UNPRINTABLE.search(text) is None:
        return text
    return _UNPRINTABLE.sub(lambda m: _escape(m.group()), text)


def json_escape_format(text: str) -> str:
    r"""Return JSON text with invisible format characters written as ``\uXXXX`` escapes (the same JSON value)."""
    if _FORMAT.search(text) is None:
        return text

    def esc(m) -> str:
        code = ord(m.group())
        if code <= 0xFFFF:
            return f"\\u{code:04x}"
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"

    return _FORMAT.sub(esc, text)


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


_ASCII_PUNCT_RE2 = "[^a-z0-9]+"


def normalize_names(values):
    """Return :func:`normalize_name` of each value, computed over the whole array at once.

    ``values`` is a sequence, NumPy array or pandas Series of text (``None`` and NA give ``""``);
    the result is an object array of keys. ASCII text, nearly every chemical and country name,
    is normalised by pyarrow's string kernels (lower case, ``&`` as ``and``, punctuation to one
    space, a leading ``the`` dropped), which gives what :func:`normalize_name` gives for it; other
    text goes through :func:`normalize_name` itself, value by value.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(values, type=pa.string(), from_pandas=True)
    if len(arr) == 0:
        return np.array([], dtype=object)
    arr = pc.fill_null(arr, "")
    ascii_ = pc.string_is_ascii(arr)
    low = pc.ascii_lower(arr)
    low = pc.replace_substring(low, "&", " and ")
    low = pc.replace_substring_regex(low, _ASCII_PUNCT_RE2, " ")
    low = pc.utf8_trim(low, " ")
    low = pc.replace_substring_regex(low, "^the ", "")
    out = low.to_numpy(zero_copy_only=False).astype(object)
    if not pc.all(ascii_).as_py():
        other = np.flatnonzero(~ascii_.to_numpy(zero_copy_only=False))
        raw = arr.to_numpy(zero_copy_only=False)
        for i in other.tolist():
            out[i] = normalize_name(raw[i])
    return out


def _arrow_text(values):
    """Return values as a pyarrow string array, or ``None`` when they are not all text Arrow can hold."""
    import pyarrow as pa

    if not all(isinstance(v, str) for v in values[:1]):
        return None
    try:
        return pa.array(values, type=pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeEncodeError):  # not text, or an unpaired surrogate
        return None


def clean_text_many(values) -> bool:
    """Return whether no value holds a control character (:func:`control_character`), checked at once.

    Arrow strings are valid UTF-8 and hold no surrogate, so the RE2 twin of the pattern
    (:data:`CONTROL_RE2`) answers for them; other values are checked one by one.
    """
    import pyarrow.compute as pc

    arr = _arrow_text(values)
    if arr is None or arr.null_count:
        return not any(control_character(v) for v in values)
    return not pc.any(pc.match_substring_regex(arr, CONTROL_RE2)).as_py()


def stripped_text_many(values) -> bool:
    """Return whether every value is text without surrounding whitespace (``v == v.strip()``), checked at once."""
    import pyarrow.compute as pc

    arr = _arrow_text(values)
    if arr is None or arr.null_count or not pc.all(pc.string_is_ascii(arr)).as_py():
        return all(isinstance(u, str) and u == u.strip() for u in values)
    return pc.all(pc.equal(pc.ascii_trim_whitespace(arr), arr)).as_py() is not False
