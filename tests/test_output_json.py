"""The column-by-column JSON writer of `crc status` gives exactly the text of the record-by-record one."""

from __future__ import annotations

import io

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from crc_tools.output import frame_to_json, records, to_json, write_frame_json

text = st.one_of(st.none(), st.text(max_size=12))
shared = [["Africa", "Asia"], [], ["Europe"]]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(text, st.booleans(), st.integers(-10**12, 10**12), st.lists(st.text(max_size=6), max_size=3), st.sampled_from(range(3))), min_size=1, max_size=12))
def test_same_text_as_record_by_record(rows):
    df = pd.DataFrame(
        {
            "name": pd.Series([r[0] for r in rows], dtype=object),
            "flag": [r[1] for r in rows],
            "count": [r[2] for r in rows],
            "items": pd.Series([r[3] for r in rows], dtype=object),
            "regions": pd.Series([shared[r[4]] for r in rows], dtype=object),
        }
    )
    expected = to_json(records(df, list(df)))
    assert frame_to_json(df, list(df)) == expected
    buf = io.BytesIO()
    write_frame_json(df, list(df), buf)
    assert buf.getvalue().decode("utf-8") == expected
