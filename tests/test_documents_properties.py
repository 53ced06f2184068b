"""What must never happen in a document, whatever the data hold (hypothesis)."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from crc_tools.documents import html as dm_html
from crc_tools.documents import model as dm
from crc_tools.documents import word

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=120)


@settings(max_examples=80, deadline=None)
@given(TEXT, TEXT, TEXT)
def test_text_from_the_data_is_escaped_in_every_block(a, b, c):
    doc = dm.new_document("dgd", a, [dm.section("1", b, blocks=[dm.p(c), dm.fields([dm.field(a, c)], caption=b), dm.table([("k", a)], [[c]]), dm.bullet_list([a, c])])], meta={})
    page = dm_html.document_html(doc)
    assert "<script" not in page.casefold().replace("&lt;script", "")
    for raw in (a, b, c):
        if "<" in raw and "\n" not in raw and "\r" not in raw:
            assert html.escape(raw, quote=True) in page


@settings(max_examples=80, deadline=None)
@given(TEXT, st.sampled_from(["illustrative", "illustrative, see sources", "ILLUSTRATIVE wording", "see sources", "not read", "unverified date"]), TEXT)
def test_provenance_markers_never_reach_a_document(before, marker, after):
    value = f"{before} ({marker}) {after}"
    doc = dm.new_document("dgd", "t", [dm.section("1", "s", blocks=[dm.fields([dm.field("label", value)])])], meta={})
    dm.scrub(doc)
    out = doc["sections"][0]["blocks"][0]["rows"][0]["value"] or ""
    assert f"({marker})" not in out
    assert doc["drafting_notes"], "the marker is kept for the drafting group"


@settings(max_examples=120, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Zs", "Cc")), max_size=200))
def test_long_tokens_get_break_points_and_lose_nothing(text):
    out = word.breakable(text)
    assert out.replace(word.ZWSP, "") == text.replace(word.ZWSP, "")
    assert all(len(w) <= word.LONG_TOKEN + 1 for w in word.words(out))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.from_regex(r"[A-Z]{2,6}[0-9]{0,2}", fullmatch=True), min_size=1, max_size=6))
def test_every_all_capital_token_is_found(tokens):
    tokens = [t for t in tokens if not re.fullmatch(r"[IVX]+", t)]
    text = "The " + ", ".join(tokens) + " and the Party."
    assert set(tokens) <= dm.capital_tokens(text)
