"""Synthetic bulk notification tables for the benchmarks (deterministic for a seed)."""

from __future__ import annotations

import numpy as np
import pandas as pd

CHEMICALS = [
    ("Endosulfan", "115-29-7", "pesticide"), ("Aldicarb", "116-06-3", "pesticide"), ("Paraquat dichloride", "1910-42-5", "pesticide"),
    ("Chlorpyrifos", "2921-88-2", "pesticide"), ("Carbofuran", "1563-66-2", "pesticide"), ("Atrazine", "1912-24-9", "pesticide"),
    ("Chrysotile asbestos", "12001-29-5", "industrial"), ("PFOA", "335-67-1", "industrial"), ("Mercury", "7439-97-6", "industrial"),
    ("Short-chain chlorinated paraffins", "85535-84-8", "industrial"), ("Tributyltin compounds", "56-35-9", "industrial"), ("Lead carbonate", "598-63-0", "industrial"),
]
PARTIES = ["European Union", "Canada", "Japan", "Thailand", "Brazil", "Jamaica", "Mozambique", "Kenya", "Jordan", "Australia", "Norway", "Peru", "India", "Chile", "USA", "NZL", "Senegal", "Mauritania"]


def synthetic_cas(numbers: np.ndarray) -> np.ndarray:
    """Return a valid CAS number (correct check digit) for each non-negative integer, all distinct."""
    body = numbers.astype(np.int64) + 100_000  # at least six digits: NNNN-NN
    digits = body.astype(str)
    check = np.zeros(len(body), dtype=np.int64)
    rest = body.copy()
    for weight in range(1, 11):  # the rightmost digit weighs 1, the next 2, ... (modulo 10)
        check += (rest % 10) * weight
        rest //= 10
    head = np.array([d[:-2] for d in digits]) if len(digits) else digits
    tail = np.array([d[-2:] for d in digits]) if len(digits) else digits
    return np.char.add(np.char.add(np.char.add(head, "-"), np.char.add(tail, "-")), (check % 10).astype(str))


def synthetic_table(n: int, seed: int = 1, chemicals: int | None = None) -> pd.DataFrame:
    """Return ``n`` synthetic notifications with the bulk-table columns of DESIGN.md.

    Half the rows name one of the real chemicals above; the other half one of ``chemicals``
    other chemicals (default: up to 2,000, about the number of distinct chemicals ever
    notified to any chemicals-control register). Each other chemical has a CAS number of
    its own, given on about a third of its rows, so identity rests on names and numbers.
    """
    rng = np.random.default_rng(seed)
    chem_idx = rng.integers(0, len(CHEMICALS), n)
    synthetic = rng.random(n) < 0.5
    n_other = int(chemicals if chemicals is not None else min(2000, max(10, n // 50)))
    other = rng.integers(0, n_other, n)
    names = np.where(synthetic, np.char.add("Chemical-", other.astype(str)), np.array([c[0] for c in CHEMICALS])[chem_idx])
    with_cas = synthetic & (rng.random(n) < 1 / 3) if chemicals is not None else np.zeros(n, dtype=bool)
    cas = np.where(with_cas, synthetic_cas(other), np.where(synthetic, "", np.array([c[1] for c in CHEMICALS])[chem_idx]))
    cats = np.where(synthetic, np.where(rng.random(n) < 0.5, "pesticide", "industrial"), np.array([c[2] for c in CHEMICALS])[chem_idx])
    conclusion = np.array(["met", "not_met", "pending", ""])[rng.integers(0, 4, n)]
    reviewed = (conclusion == "met") | (conclusion == "not_met")
    fra = pd.Timestamp("2000-01-01") + pd.to_timedelta(rng.integers(0, 9000, n), unit="D")
    received = fra + pd.to_timedelta(rng.integers(10, 200, n), unit="D")
    return pd.DataFrame(
        {
            "notification_id": np.char.add("BN-", np.arange(n).astype(str)),
            "chemical": names,
            "category": cats,
            "notifying_party": np.array(PARTIES)[rng.integers(0, len(PARTIES), n)],
            "cas_number": cas,
            "fra_type": np.where(rng.random(n) < 0.7, "ban", "severe_restriction"),
            "fra_date": fra.strftime("%Y-%m-%d"),
            "received_date": received.strftime("%Y-%m-%d"),
            # the committee only concludes on verified notifications (Article 5.5): a recorded
            # conclusion goes with annex_i_verified true; open ones are verified or not
            "annex_i_verified": np.where(reviewed | (rng.random(n) < 0.7), "true", "false"),
            "annex_ii_conclusion": conclusion,
        }
    )
