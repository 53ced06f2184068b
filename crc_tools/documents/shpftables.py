"""The SHPF tables documents read (Article 6, Annex IV), derived once from a case's proposals.

A part of :class:`crc_tools.documents.casedata.CaseData`: each table is computed on first use
from ``self.proposals`` and ``self.today``.
"""

from __future__ import annotations

from functools import cached_property

import pandas as pd


class ShpfTables:
    """Review status, verification, assessment and conclusions of the SHPF proposals (``self.proposals``)."""

    @cached_property
    def shpf_status(self) -> pd.DataFrame:
        """The review status of SHPF proposals, one row per formulation (Article 6, Annex IV)."""
        from ..proposals.shpf import review_status

        return review_status(self.proposals, today=self.today)

    @cached_property
    def shpf_verification(self) -> pd.DataFrame:
        """Article 6.1 eligibility, Annex IV Part 1 verification and Part 2 collection per proposal."""
        from ..proposals.shpf import verification_status

        return verification_status(self.proposals, today=self.today)

    @cached_property
    def shpf_assessment(self) -> pd.DataFrame:
        """The Annex IV Part 3 assessment, one row per proposal and criterion (aid and determination apart)."""
        from ..proposals.shpf import assess

        return assess(self.proposals)

    @cached_property
    def shpf_conclusions(self) -> pd.DataFrame:
        """The Annex IV Part 3 conclusion per proposal, with what it rests on (Article 6.5)."""
        from ..proposals.shpf import conclusions

        return conclusions(self.proposals)
