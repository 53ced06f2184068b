"""Severely hazardous pesticide formulation (SHPF) proposals: Article 6 and Annex IV Parts 1-3.

Article 6 is the other road into Annex III. It differs from notifications on three points
the suite keeps exact:

* **who may propose** (Article 6.1): a Party that is a developing country or a country with
  an economy in transition. The classification (``party_development_status.csv``) is
  contestable, so a proposal from another Party is kept and *flagged*, never refused;
* **one verified proposal is enough**: there is no two-region rule;
* **the evidence is incidents** under conditions of use (Part B incident reports), judged
  against Annex IV Part 3 (a)-(e).

This module gathers the public names of the package's modules (``crc_tools.shpf`` and
``from crc_tools.proposals.shpf import …`` keep working):

* reading — :mod:`crc_tools.intake.proposals` (:class:`Proposals`, :func:`read_proposals`);
* :mod:`crc_tools.proposals.verification` — Article 6.1 (:func:`eligibility`), Annex IV Part 1
  and the Secretariat's verification within six months (Article 6.2);
* :mod:`crc_tools.proposals.tracker` — the Part 2 collection (Article 6.3);
* :mod:`crc_tools.proposals.criteria` — Annex IV Part 3: the aid and the committee's
  conclusions, kept apart (Article 6.5);
* :mod:`crc_tools.proposals.listing` — one formulation, and Annex III coverage (Article 7);
* :mod:`crc_tools.proposals.review` — the review status per formulation.
"""

from __future__ import annotations

from ..intake.proposals import CATEGORY, ELIGIBLE_STATUSES, KIND, Proposals, empty_proposals, read_proposals
from .criteria import AID_LABEL, MISUSE, NOT_MISUSE, SEVERE_OUTCOMES, assess, conclusions, effects_vs_quantity, part3_aids
from .listing import annex_iii_coverage, identify_formulations
from .review import STATUS_COLUMNS, from_intake, proposal_rows, review_status, with_register
from .tracker import PART2_STATUSES, part2_items
from .verification import eligibility, part1_items, verification_status

__all__ = [
    "Proposals",
    "read_proposals",
    "empty_proposals",
    "eligibility",
    "part1_items",
    "part2_items",
    "verification_status",
    "effects_vs_quantity",
    "part3_aids",
    "assess",
    "conclusions",
    "annex_iii_coverage",
    "identify_formulations",
    "review_status",
    "proposal_rows",
    "from_intake",
    "with_register",
    "STATUS_COLUMNS",
    "PART2_STATUSES",
    "AID_LABEL",
    "KIND",
    "CATEGORY",
    "ELIGIBLE_STATUSES",
    "NOT_MISUSE",
    "MISUSE",
    "SEVERE_OUTCOMES",
]
