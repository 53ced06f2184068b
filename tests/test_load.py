"""Concurrent recording from several dashboard sessions while a real server serves pages: nothing lost or duplicated."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.slow]


def test_concurrent_sessions_lose_and_duplicate_nothing():
    from crc_tools.dashboard.loadtest import run_load

    result = run_load(sessions=4, seconds=6, http_clients=3)
    assert result.ok, result.summary() + " " + "; ".join(result.errors)
    assert result.acknowledged > 0 and result.stored == result.acknowledged
    assert result.page_loads > 0 and result.page_errors == 0
