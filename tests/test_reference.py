"""Reference data: every declared item, region and Annex III entry, checked against the Convention."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from crc_tools import config
from crc_tools.convention import cas, reference
from crc_tools.convention.reference import PIC_REGIONS, ReferenceDataError

CONVENTION = (config.reference_dir() / "rotterdam-convention.md").read_text(encoding="utf-8")


def _section(title: str, until: str) -> str:
    start = CONVENTION.index(title)
    end = CONVENTION.index(until, start + len(title))
    return CONVENTION[start:end]


SECTIONS = {
    "annex_i": _section("### Annex  I  ", "### Annex  II  "),
    "annex_ii": _section("### Annex  II  ", "### Annex  III  "),
    "annex_iv_part1": _section("### Part  1  ", "### Part  2  "),
    "annex_iv_part2": _section("### Part  2  ", "### Part  3  "),
    "annex_iv_part3": _section("### Part  3  ", "### Annex  V  "),
    "annex_v": _section("### Annex  V  ", "### Annex  VI  "),
}

ALL_ITEMS = [pytest.param(item, id=f"{name} {item.id}") for name, s in reference.item_sets().items() for item in s.items]


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


@pytest.mark.parametrize("item", ALL_ITEMS)
def test_item_text_is_the_conventions_text(item):
    """Each declared item's text appears in its annex of the Convention (dashes and list marks aside)."""
    section = _norm(SECTIONS[item.set_name])
    text = _norm(item.text)
    # Annex I 2(d)(ii) and Annex V 1(c) are declared with their sub-list folded into one sentence.
    head = text.split(" such as ")[0]
    assert head in section


@pytest.mark.parametrize("item", ALL_ITEMS)
def test_item_letter_is_the_conventions_numbering(item):
    """The item's last letter or numeral is the one the Convention gives it, in that annex."""
    last = re.findall(r"\(([a-z]+)\)", item.id)
    raw = SECTIONS[item.set_name]
    if not last:  # Annex V paragraph 2
        assert re.search(r"^2\.", raw, re.M)
        return
    mark = last[-1]
    words = r"\s+".join(re.escape(w) for w in item.text.split()[:8])
    assert re.search(rf"^\(?{mark}\)\s+{words}", raw, re.M), f"'{mark}) {item.text[:40]}…' not in {item.set_name}"


def test_declared_sets_have_the_conventions_items():
    expected = {
        "annex_i": ["1(a)", "1(b)", "1(c)", "1(d)", "1(e)", "1(f)", "1(g)", "2(a)(i)", "2(a)(ii)", "2(a)(iii)", "2(a)(iv)", "2(a)(v)", "2(a)(vi)", "2(b)(i)", "2(b)(ii)", "2(b)(iii)", "2(c)", "2(d)(i)", "2(d)(ii)"],
        "annex_ii": ["(a)", "(b)(i)", "(b)(ii)", "(b)(iii)", "(c)(i)", "(c)(ii)", "(c)(iii)", "(c)(iv)", "(d)"],
        "annex_iv_part1": list("abcdefgh"),
        "annex_iv_part2": list("abcdefghi"),
        "annex_iv_part3": list("abcde"),
    }
    sets = reference.item_sets()
    for name, ids in expected.items():
        got = sets[name].ids
        want = [i if i.startswith(("1", "2", "(")) else f"({i})" for i in ids]
        assert got == want, name
    assert sets["annex_v"].ids == ["1(a)", "1(b)", "1(c)", "1(d)", "1(e)", "1(f)", "1(g)", "1(h)", "2"]


def test_every_annex_i_field_is_a_declared_notification_field():
    from crc_tools.intake.fields import notification_schema

    names = set(notification_schema().names)
    for item in reference.items("annex_i").items:
        assert item.fields, item.id
        assert set(item.fields) <= names, item.id


def test_every_annex_i_item_is_carried_by_a_field():
    from crc_tools.intake.fields import notification_schema

    carried = {f.annex_i for f in notification_schema().fields if f.annex_i}
    declared = set(reference.items("annex_i").ids)
    assert declared <= carried | {"2(b)"}, declared - carried


@pytest.mark.parametrize("spelling,expected", [("(b)(iii)", "(b)(iii)"), ("b_iii", "(b)(iii)"), ("B(III)", "(b)(iii)"), ("c iv", "(c)(iv)"), ("(e)", None)])
def test_criterion_spellings(spelling, expected):
    assert reference.items("annex_ii").normalize(spelling) == expected


# ----------------------------------------------------------------------------- PIC regions


@pytest.mark.parametrize("region", PIC_REGIONS)
def test_each_pic_region_has_countries(region):
    assert reference.regions().countries_in(region)


def test_european_union_is_in_europe_and_stated():
    eu = reference.regions().resolve("European Union")
    assert (eu.pic_region, eu.basis, eu.is_european_union) == ("Europe", "stated", True)


@pytest.mark.parametrize(
    "given,region",
    [("MOZ", "Africa"), ("Sri Lanka", "Asia"), ("EU", "Europe"), ("European Community", "Europe"), ("Côte d'Ivoire", "Africa"), ("Ivory Coast", "Africa"), ("CIV", "Africa"),
     ("cote d'ivoire", "Africa"), ("Iran", "Asia"), ("United States of America", "North America"), ("Jamaica", "Latin America and the Caribbean"), ("JOR", "Near East"), ("New Zealand", "Southwest Pacific"),
     ("European Union (European Community)", "Europe"), ("Netherlands", "Europe")],
)
def test_region_lookup(given, region):
    assert reference.regions().region(given) == region


def test_unknown_country_has_suggestions():
    with pytest.raises(reference.UnknownCountryError) as exc:
        reference.regions().region("Frnace")
    assert "France" in exc.value.suggestions


@pytest.mark.parametrize("country", ["Algeria", "Egypt", "Libya", "Morocco", "Tunisia", "Mauritania", "Sudan", "Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan"])
def test_country_without_established_region_is_never_guessed(country):
    with pytest.raises(reference.RegionNotEstablishedError) as exc:
        reference.regions().region(country)
    assert "region_overrides.csv" in exc.value.message


def test_inferred_rows_say_so():
    assert reference.regions().resolve("Mozambique").basis == "inferred"
    assert reference.regions().resolve("Japan").basis == "stated"


def test_region_override_file(tmp_path, monkeypatch):
    f = tmp_path / "overrides.csv"
    f.write_text("country,pic_region,source\nEgypt,Africa,test decision\n", encoding="utf-8")
    monkeypatch.setenv("CRC_REGION_OVERRIDES", str(f))
    party = reference.regions().resolve("EGY")
    assert (party.pic_region, party.basis) == ("Africa", "override")


def test_region_override_with_bad_region_names_row_and_field(tmp_path, monkeypatch):
    f = tmp_path / "overrides.csv"
    f.write_text("country,pic_region,source\nEgypt,Africa,x\nSudan,Middle Earth,x\n", encoding="utf-8")
    monkeypatch.setenv("CRC_REGION_OVERRIDES", str(f))
    with pytest.raises(ReferenceDataError) as exc:
        reference.regions()
    assert str(exc.value).startswith(f"{f}:3: pic_region:")


def test_malformed_reference_file_is_named(tmp_path, monkeypatch):
    import shutil

    ref = tmp_path / "ref"
    shutil.copytree(config.reference_dir(), ref)
    text = (ref / "annex_iii.csv").read_text(encoding="utf-8").replace("115-29-7", "115-29-8")
    (ref / "annex_iii.csv").write_text(text, encoding="utf-8")
    monkeypatch.setattr(config, "reference_dir", lambda: ref)
    reference.annex_iii.cache_clear()
    reference._annex_iii_index.cache_clear()
    try:
        with pytest.raises(ReferenceDataError) as exc:
            reference.annex_iii()
        assert "cas_numbers" in str(exc.value) and "check digit" in str(exc.value)
    finally:
        reference.annex_iii.cache_clear()
        reference._annex_iii_index.cache_clear()


# ----------------------------------------------------------------------------- Annex III, HS, Stockholm


ENTRIES = [pytest.param(e, id=f"{e.short_name} ({e.category})") for e in reference.annex_iii()]


@pytest.mark.parametrize("entry", ENTRIES)
def test_annex_iii_cas_numbers_pass_check_digit(entry):
    for number in entry.cas_numbers:
        assert cas.is_valid_cas(number), number


def test_annex_iii_has_57_entries_after_cop12():
    assert len({e.entry_id for e in reference.annex_iii()}) == 57


def test_endosulfan_by_cas_is_a_pesticide_listed_at_cop5():
    (entry,) = reference.search_annex_iii("115-29-7")
    assert (entry.short_name, entry.category, entry.cop_listed) == ("Endosulfan", "pesticide", "COP-5")


def test_tributyltin_is_listed_in_both_categories():
    cats = {(e.category, e.cop_listed) for e in reference.annex_iii_matches("tributyltin")}
    assert cats == {("pesticide", "COP-4"), ("industrial", "COP-8")}


def test_annex_iii_as_of_a_date():
    import datetime as dt

    assert reference.annex_iii_matches("Endosulfan", as_of=dt.date(2010, 1, 1)) == []
    assert reference.annex_iii_matches("Endosulfan", as_of=dt.date(2011, 7, 1))


def test_shpf_entries_carry_formulation_type_and_threshold():
    for e in reference.annex_iii():
        if e.category == "shpf":
            assert e.formulation_type and e.concentration_threshold, e.chemical


def test_annex3_by_hs_code_and_name():
    assert any(e.short_name == "Aldrin" for e in reference.search_annex_iii("2903.82"))
    assert [e.short_name for e in reference.search_annex_iii("PFOA")] == ["PFOA"]


def test_hs_codes_have_known_provenance_and_match_annex_iii():
    codes = reference.hs_codes()
    assert codes
    assert {h.provenance for h in codes if h.hs_code} <= set(reference.HS_PROVENANCE)


def test_stockholm_listing_of_a_pop():
    listings = reference.stockholm_for("Endosulfan", ["115-29-7"])
    assert listings and listings[0].stockholm_annex == "A"


def test_development_status_covers_every_country():
    status = reference.development_status()
    for party in reference.regions().parties:
        if party.iso3 != "EUU":
            assert party.iso3 in status, party.country


@pytest.mark.parametrize("number,ok", [("50-29-3", True), ("115-29-7", True), ("7732-18-5", True), ("115-29-8", False), ("50293", False), ("1-23-4", False)])
def test_cas_check_digit(number, ok):
    assert cas.is_valid_cas(number) is ok


def test_import_stays_light():
    code = "import sys, crc_tools; crc_tools.convention.reference; print(sorted(m for m in ('panel','papermill','altair','bokeh','nbconvert') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_case_file_readme_documents_every_declared_field():
    from crc_tools.intake.fields import notification_schema

    readme = (config.PROJ_ROOT / "data" / "cases" / "README.md").read_text(encoding="utf-8")
    for f in notification_schema().fields:
        assert f"| `{f.path}` | `{f.name}` |" in readme, f.name


@pytest.mark.parametrize(
    "given,region",
    [
        pytest.param("E.U.", "Europe", id="eu-dotted"),
        pytest.param("European Community", "Europe", id="european-community"),
        pytest.param("Cote dIvoire", "Africa", id="cote-divoire-no-apostrophe"),
        pytest.param("Islamic Republic of Iran", "Asia", id="iran-inverted-stated-asia"),
        pytest.param("Iran, Islamic Republic of", "Asia", id="iran-comma-form"),
        pytest.param("Korea, Democratic People's Republic of", "Asia", id="dprk-comma-form"),
        pytest.param("Turkey", "Europe", id="turkey-old-name"),
        pytest.param("Czech Republic", "Europe", id="czechia-old-name"),
    ],
)
def test_region_spelling_variants(given, region):
    """PIC regions (decision RC-1/2) are found whatever the spelling a Secretariat export uses."""
    from crc_tools.convention.reference import regions

    assert regions().region(given) == region
