"""Annex III group entries: every chemical a group covers is recognised, and nothing else is."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crc_tools.convention.annex_iii import annex_iii
from crc_tools.convention.annex_iii_groups import annex_iii_groups, annex_iii_matches
from crc_tools.intake.reader import load
from crc_tools.notifications.identity import components
from crc_tools.notifications.review import review_status
from crc_tools.text import normalize_name, normalize_names

from .conftest import run_crc, write_bulk

ENTRIES = {e.entry_id: e for e in annex_iii()}
GROUPS = annex_iii_groups()


def _category(entry_id: str) -> str:
    cats = [e.category for e in annex_iii() if e.entry_id == entry_id]
    return next((c for c in cats if c != "shpf"), "shpf")


def _members():
    """Every member that is not the entry's headline CAS number: by its CAS number (under another name) and by its name."""
    out = []
    for entry_id, group in GROUPS.items():
        headline = ENTRIES[entry_id].cas_numbers[:1]
        for m in group.members:
            if m.cas_number and m.cas_number not in headline:
                out.append(pytest.param(entry_id, "Product under a trade name", m.cas_number, id=f"{entry_id}: CAS {m.cas_number}"))
            if m.name and m.relation != "parent" and not m.name.startswith(("DNOC salt listed", "PCB commercial mixture (CAS")):
                out.append(pytest.param(entry_id, m.name, "", id=f"{entry_id}: {m.name[:50]}"))
    return out


MEMBERS = _members()
RULE_EXAMPLES = [
    pytest.param("2-4-5-t", "2,4,5-T butyl ester", id="2,4,5-T ester"),
    pytest.param("2-4-5-t", "Sodium 2,4,5-trichlorophenoxyacetate", id="2,4,5-T salt by its anion"),
    pytest.param("dinoseb", "Dinoseb-sodium", id="dinoseb salt"),
    pytest.param("dinoseb", "Dinoseb methyl ester", id="dinoseb ester"),
    pytest.param("pentachlorophenol", "Potassium pentachlorophenate", id="PCP salt"),
    pytest.param("pentachlorophenol", "Pentachlorophenyl laurate", id="PCP ester"),
    pytest.param("dnoc", "DNOC potassium salt", id="DNOC salt"),
    pytest.param("mercury-compounds", "Ethylmercury chloride", id="alkyl mercury"),
    pytest.param("mercury-compounds", "Mercurous chloride", id="inorganic mercury"),
    pytest.param("mercury-compounds", "Phenylmercuric borate", id="aryl mercury"),
    pytest.param("tributyltin-compounds", "Tributyltin maleate", id="TBT compound"),
    pytest.param("pbb", "2,2',4,4'-Tetrabromobiphenyl", id="PBB congener"),
    pytest.param("pcb", "2,2',5,5'-Tetrachlorobiphenyl", id="PCB congener"),
    pytest.param("pcb", "Aroclor 1260", id="PCB Aroclor"),
    pytest.param("pct", "Aroclor 5442", id="PCT Aroclor"),
    pytest.param("commercial-pentabromodiphenyl-ether", "2,2',4,4',5-Pentabromodiphenyl ether (BDE-99)", id="BDE-99"),
    pytest.param("commercial-octabromodiphenyl-ether", "2,2',3,4,4',5',6-Heptabromodiphenyl ether", id="BDE-183 by name"),
    pytest.param("pfos", "Lithium perfluorooctane sulfonate", id="PFOS salt"),
    pytest.param("pfos", "PFOS potassium salt", id="PFOS salt by short name"),
    pytest.param("pfos", "N-Methyl perfluorooctane sulfonamidoethanol", id="PFOS sulfonamide"),
    pytest.param("pfoa", "Sodium perfluorooctanoate", id="PFOA salt"),
    pytest.param("short-chain-chlorinated-paraffins", "Chlorinated paraffins, short-chain (C10-13)", id="SCCP by another name"),
    pytest.param("hexabromocyclododecane", "gamma-Hexabromocyclododecane", id="HBCD isomer by name"),
]
NOT_COVERED = [
    pytest.param("Mercury", id="elemental mercury is not a compound"),
    pytest.param("Elemental mercury", id="elemental mercury, said so"),
    pytest.param("Mercury-free dental amalgam", id="mercury-free"),
    pytest.param("Mercurialis annua extract", id="a plant named like mercury"),
    pytest.param("Dinoterb acetate", id="a neighbour of dinoseb"),
    pytest.param("Dinosebacic acid", id="a name merely starting like dinoseb"),
    pytest.param("2,4,5-TP sodium salt", id="fenoprop is not 2,4,5-T"),
    pytest.param("2,4,5-Trichlorophenol", id="a 2,4,5-T precursor is not a salt or ester"),
    pytest.param("Pentachlorobenzene", id="pentachlorobenzene is not PCP"),
    pytest.param("Pentachloronitrobenzene", id="quintozene is not PCP"),
    pytest.param("DNOC acetate", id="DNOC esters are not covered (salts only)"),
    pytest.param("Tributyl phosphate", id="no tin"),
    pytest.param("Dibutyltin dichloride", id="dibutyltin is not tributyltin"),
    pytest.param("Triphenyltin hydroxide", id="another organotin"),
    pytest.param("Perfluorohexane sulfonic acid", id="PFHxS is not PFOS"),
    pytest.param("Perfluorononanoic acid", id="PFNA is not PFOA"),
    pytest.param("Polychlorinated naphthalenes", id="PCN is not PCB"),
    pytest.param("Chlorodiphenyl oxide", id="a chlorinated diphenyl ether is not a PCB"),
    pytest.param("Polybrominated diphenyl ether", id="PBDE is not PBB"),
    pytest.param("Perfluorooctane", id="the alkane alone is not a sulfonate"),
    pytest.param("Paraquat dichloride", id="a salt of an unlisted chemical"),
]


def _listed(tmp_path, name, cas, category):
    rows = [{"notification_id": "N1", "chemical": name, "cas_number": cas, "category": category, "notifying_party": "Canada", "annex_i_verified": "true", "annex_ii_conclusion": "met"}]
    result = load([write_bulk(tmp_path / "n.csv", rows, list(rows[0]))])
    assert not result.problems.errors, [p.format() for p in result.problems]
    return review_status(result.notifications).iloc[0]


def test_every_group_entry_has_a_member_that_is_not_its_headline():
    tested = {p.values[0] for p in MEMBERS} | {p.values[0] for p in RULE_EXAMPLES}
    assert set(GROUPS) <= tested


@pytest.mark.parametrize("entry_id,name,cas", MEMBERS)
def test_a_covered_member_is_listed_with_its_entry(tmp_path, entry_id, name, cas):
    """A notification of a covered member comes out listed_in_annex_iii, the entry named (or, for an SHPF entry, said)."""
    category = _category(entry_id)
    row = _listed(tmp_path, name, cas, "pesticide" if category == "shpf" else category)
    entry = ENTRIES[entry_id]
    if category == "shpf":
        assert not row["listed_in_annex_iii"] and entry.chemical in row["basis"]
    else:
        assert row["listed_in_annex_iii"] and not row["recommend_new_listing"]
        assert row["annex_iii_entry"].startswith(entry.chemical) and row["chemical"] == entry.short_name


@pytest.mark.parametrize("entry_id,name", RULE_EXAMPLES)
def test_a_name_covered_by_a_rule_matches_its_entry(entry_id, name):
    assert {e.entry_id for e in annex_iii_matches(name)} == {entry_id}


@pytest.mark.parametrize("name", NOT_COVERED)
def test_no_false_match(name):
    assert annex_iii_matches(name) == []


def test_a_listed_entry_is_not_taken_by_a_group():
    """Lindane and decaBDE are entries of their own: a group never claims them."""
    assert {e.entry_id for e in annex_iii_matches("Lindane", ["58-89-9"])} == {"lindane"}
    assert {e.entry_id for e in annex_iii_matches("Decabromodiphenyl ether")} == {"decabromodiphenyl-ether"}


def test_members_of_a_group_and_the_parent_are_one_chemical(tmp_path):
    """Sodium pentachlorophenate from Canada and pentachlorophenol from Japan: one chemical, two regions."""
    rows = [
        {"notification_id": "N1", "chemical": "Sodium pentachlorophenate", "cas_number": "131-52-2", "category": "pesticide", "notifying_party": "Canada", "annex_i_verified": "true", "annex_ii_conclusion": "met"},
        {"notification_id": "N2", "chemical": "PCP", "cas_number": "", "category": "pesticide", "notifying_party": "Japan", "annex_i_verified": "true", "annex_ii_conclusion": "met"},
    ]
    status = review_status(load([write_bulk(tmp_path / "n.csv", rows, list(rows[0]))]).notifications)
    assert len(status) == 1 and status.iloc[0]["regions_meeting_criteria"] == ["Asia", "North America"] and status.iloc[0]["listed_in_annex_iii"]


@pytest.mark.parametrize("cas,entry_id", [pytest.param(m.cas_number, e, id=m.cas_number) for e, g in GROUPS.items() for m in g.members if m.cas_number])
def test_annex3_finds_an_entry_by_any_cas_number_it_covers(cas, entry_id):
    r = run_crc("annex3", cas, "--format", "json")
    assert r.code == 0
    found = json.loads(r.out)
    assert {f["entry_id"] for f in found} == {entry_id}
    assert all(f"CAS number {cas}" in f["matched_by"] for f in found)


def test_annex3_shows_what_a_group_covers():
    (rec, *_) = json.loads(run_crc("annex3", "mercury compounds", "--format", "json").out)
    assert any(m["cas_number"] == "7487-94-7" for m in rec["covers"]) and rec["group_rules"]


# ----------------------------------------------------------------------------- the vectorised helpers


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=20), st.text(alphabet="abcXYZ &-,'()0123 the", max_size=20), st.none()), max_size=20))
def test_vectorised_names_equal_the_one_by_one_key(values):
    assert list(normalize_names(values)) == [normalize_name(v) for v in values]


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 30).flatmap(lambda n: st.tuples(st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=40))))
def test_components_equal_a_union_find(graph):
    n, edges = graph
    labels = components(n, np.array([a for a, _ in edges], dtype=np.int64), np.array([b for _, b in edges], dtype=np.int64))
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        parent[max(ra, rb)] = min(ra, rb)
    assert labels.tolist() == [find(x) for x in range(n)]
