"""Integer codes for a column: what the review and the intake compute on instead of strings."""

from __future__ import annotations

import numpy as np
import pandas as pd


def factorize(values) -> tuple[np.ndarray, list]:
    """Return ``(codes, uniques)`` such that ``uniques[codes]`` gives back ``values``.

    Like :func:`pandas.factorize` with missing values kept as a value of their own, but a
    categorical column is answered from the codes it already holds (a million rows cost no
    hashing), its missing values coded as one more value, ``None``. Uniques may include
    categories no row uses.
    """
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy().astype(np.int64)
        uniques = values.cat.categories.to_numpy(dtype=object).tolist()  # not list(): an Arrow-backed Index iterates slowly
        if len(codes) and codes.min() < 0:
            codes = np.where(codes < 0, len(uniques), codes)
            uniques.append(None)
        return codes, uniques
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes.astype(np.int64), list(uniques)


def flags(codes: np.ndarray, uniques, predicate) -> np.ndarray:
    """Return ``predicate(value)`` per row, asked once per distinct value (``uniques[codes]``)."""
    return np.array([bool(predicate(u)) for u in uniques], dtype=bool)[codes]


def factorize_ints(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Factorize non-negative integers (combined codes); return ``(codes, uniques)``, uniques in increasing order.

    When their range is a small multiple of their number, a look-up table does it without
    hashing or sorting; otherwise :func:`pandas.factorize`.
    """
    values = np.asarray(values, dtype=np.int64)
    if not len(values):
        return values, values
    size = int(values.max()) + 1
    if size > 4 * len(values) + 1024:
        codes, uniques = pd.factorize(values, sort=True)
        return codes.astype(np.int64), np.asarray(uniques, dtype=np.int64)
    present = np.zeros(size, dtype=bool)
    present[values] = True
    return (np.cumsum(present) - 1)[values], np.flatnonzero(present)


def combine(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return one code per row for the combination of several integer columns, and the first row of each code.

    The columns (non-negative integers, e.g. codes) are folded in one at a time, each fold
    factorized again, so the combined codes stay below the number of rows: no row-wise tuple
    and no sort of a wide table.
    """
    columns = [np.asarray(c, dtype=np.int64) for c in columns]
    code = columns[0]
    for c in columns[1:]:
        code = factorize_ints(code * (int(c.max(initial=0)) + 1) + c)[0]
    if len(columns) == 1:
        code = factorize_ints(code)[0]
    n = int(code.max(initial=-1)) + 1
    first = np.full(n, len(code), dtype=np.int64)
    np.minimum.at(first, code, np.arange(len(code), dtype=np.int64))
    return code, first
