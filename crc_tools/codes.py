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
        uniques = list(values.cat.categories)
        if len(codes) and codes.min() < 0:
            codes = np.where(codes < 0, len(uniques), codes)
            uniques.append(None)
        return codes, uniques
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes.astype(np.int64), list(uniques)


def dense_factorize(values: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Factorize non-negative integers below ``size`` by a look-up table (no hashing).

    Returns ``(codes, uniques)`` with the uniques in increasing order. For combined codes
    whose range is a small multiple of the number of rows.
    """
    present = np.zeros(size, dtype=bool)
    present[values] = True
    uniques = np.flatnonzero(present)
    remap = np.cumsum(present) - 1
    return remap[values], uniques
