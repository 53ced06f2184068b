"""Internal consistency of a draft DGD (domain brief §3.4), read from the document as built.

Each check reports ``ok`` only after comparing something, and its message names what was
compared; a ``problem`` names the place and what disagrees; ``to complete`` names what is
missing. The findings go to the drafting notes written beside the draft, never into the DGD.

* identity — the chemical's (formulation's) name and category are the same on the cover, in
  the title block, in section 1 and in Annex 2; CAS numbers in Annex 2 are among those of
  section 1; the CAS number given for a named salt or compound is the one of the reference
  identities (``data/reference/chemical_identities.csv``: paraquat dichloride is 1910-42-5,
  the cation 4685-14-7);
* Parties — every Party presented as the basis for listing has its block in 2.1, Annex 2,
  Annex 3 and Annex 4, and no other Party is presented;
* basis — every such notification is concluded to meet Annex II, from two PIC regions
  (Article 5.6); for a formulation, the proposal meets Annex IV Part 3 and one suffices
  (Article 6.5), from a developing country or economy in transition (Article 6.1);
* uses in other categories (Article 7.1) — given, and for a formulation not a bare pointer
  to a document;
* abbreviations — every all-capital token of two or more letters the text uses is in the list.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache

from .. import config
from . import model as dm

_CAS_RE = re.compile(r"\b\d{2,7}-\d{2}-\d\b")
_POINTER_RE = re.compile(r"^\s*(?:information\s+)?(?:collected|see|available|reported|given|found)?\s*(?:(?:from|in|at)\s+)?(?:(?:UNEP/|FAO/)?[A-Z][\w./-]*\d[\w./-]*|https?://\S+|[\s,;]|and)+\.?\s*$", re.IGNORECASE)


def _norm(value) -> str:
    return re.sub(r"[^0-9a-z]+", " ", str(value or "").casefold()).strip()


def _as_list(value) -> list[str]:
    if dm.is_missing(value):
        return []
    return list(value) if isinstance(value, list) else [value]


def _first(value) -> str | None:
    values = _as_list(value)
    return values[0] if values else None


def _cas(value) -> set[str]:
    return set(_CAS_RE.findall(" ".join(_as_list(value))))


def _blocks(document: dict, sid: str, *, type_: str | None = None, key: str | None = None) -> list[dict]:
    out = []
    for s in document.get("sections", []):
        if s["id"] == sid or s["id"].startswith(sid + "."):
            out += [b for b in s.get("blocks", []) if (type_ is None or b.get("type") == type_) and (key is None or b.get("key") == key)]
    return out


def _field(document: dict, sid: str, key: str):
    for b in _blocks(document, sid, type_="fields"):
        for r in b["rows"]:
            if r.get("key") == key:
                return r["value"]
    return None


def _keyed_text(document: dict, sid: str, key: str) -> str | None:
    return next((b["text"] for b in _blocks(document, sid) if b.get("key") == key and b.get("type") == "p"), None)


def _column(block: dict, key: str) -> list:
    keys = [c["key"] for c in block["columns"]]
    if key not in keys:
        return [None] * len(block["rows"])
    i = keys.index(key)
    return [row[i] if i < len(row) else None for row in block["rows"]]


class Findings(list):
    """The findings of one draft, added by check."""

    def add(self, check: str, result: str, message: str) -> None:
        self.append({"check": check, "result": result, "message": message})

    def has(self, check: str, result: str | None = None) -> bool:
        return any(f["check"] == check and (result is None or f["result"] == result) for f in self)


@lru_cache(maxsize=1)
def identities() -> dict[str, dict]:
    """Return the reference identities of named salts and compounds, by name (``data/reference/chemical_identities.csv``)."""
    path = config.reference_dir() / "chemical_identities.csv"
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            return {_norm(r["name"]): r for r in csv.DictReader(fh) if r.get("name") and r.get("cas_number")}
    except FileNotFoundError:
        return {}


def check_cas_identities(pairs: list[tuple[str, str, set[str]]], out: Findings) -> None:
    """Compare the CAS numbers given for each named salt or compound with its reference identity.

    ``pairs`` are ``(where, name, CAS numbers given)``. Both numbers of a salt and its
    active moiety are valid CAS numbers, so a check-digit test cannot catch them swapped.
    """
    known = identities()
    by_cas = {r["cas_number"]: r for r in known.values()}
    compared = []
    for where, name, cas in pairs:
        ident = known.get(_norm(name))
        if ident is None or not cas:
            continue
        compared.append(f"{name} ({', '.join(sorted(cas))})")
        if ident["cas_number"] not in cas:
            others = [f"{c} is {by_cas[c]['name']} ({by_cas[c]['role']})" for c in sorted(cas) if c in by_cas]
            out.add("identity", dm.RESULT_PROBLEM, f"{where} gives {name} the CAS number {', '.join(sorted(cas))}; the reference identity of {name} is {ident['cas_number']}" + (f" ({'; '.join(others)})" if others else ""))
    if compared and not out.has("identity", dm.RESULT_PROBLEM):
        out.add("CAS numbers", dm.RESULT_OK, "compared with the reference identities of named salts and compounds: " + "; ".join(dict.fromkeys(compared)))


def check_abbreviations(document: dict, out: Findings) -> None:
    """Every all-capital token of two or more letters used in the text is in the list of abbreviations."""
    listed = set()
    for b in _blocks(document, "abbreviations", type_="table", key="abbreviations"):
        listed.update(str(v) for v in _column(b, "abbreviation"))
    used = dm.abbreviations_used(document)
    unlisted = [a for a in used if a not in listed]
    if unlisted:
        out.add("abbreviations", dm.RESULT_PROBLEM, f"used in the text but not in the list of abbreviations: {', '.join(unlisted)}")
    else:
        out.add("abbreviations", dm.RESULT_OK, f"every all-capital abbreviation used in the text ({len(used)}: {', '.join(used)}) is in the list")


def check_names(document: dict, name_key: str, out: Findings) -> tuple[str | None, str | None]:
    """Compare the name on the cover, in the title block and in section 1, and the category on the cover, in section 1 and in Annex 2."""
    name = _first(_field(document, "1", name_key))
    seen = {"cover": _keyed_text(document, "cover", "chemical"), "title block": _keyed_text(document, "title", "chemical"), "section 1": name}
    missing = [k for k, v in seen.items() if not v]
    if missing:
        out.add("identity", dm.RESULT_PROBLEM, f"the name is missing from: {', '.join(missing)}")
    if len({_norm(v) for v in seen.values() if v}) > 1:
        out.add("identity", dm.RESULT_PROBLEM, "the name differs between the cover, the title block and section 1: " + "; ".join(f"{k}: '{v}'" for k, v in seen.items() if v))
    cover_cat = _keyed_text(document, "cover", "category")
    cats = {"cover": re.sub(r"^\s*category\s*:\s*", "", cover_cat, flags=re.I) if cover_cat else None, "section 1": _first(_field(document, "1", "category"))}
    if len({_norm(v) for v in cats.values() if v}) > 1 or any(v is None for v in cats.values()):
        out.add("identity", dm.RESULT_PROBLEM, "the category differs or is missing: " + "; ".join(f"{k}: '{v or 'missing'}'" for k, v in cats.items()))
    return name, cats["section 1"]


def check_parties(document: dict, basis: list[dict], *, word: str, needs: dict, out: Findings) -> None:
    """Every Party presented as the basis has its blocks where ``needs`` says; no other Party is presented.

    ``needs`` maps what is needed ("its final regulatory action in 2.1") to the set of
    Parties that have it.
    """
    names = [b["party"] for b in basis]
    if not names:
        out.add("parties", dm.RESULT_PROBLEM, f"section 2 presents no {word} Party as the basis for listing")
        return
    for party in names:
        gaps = [what for what, have in needs.items() if party not in have]
        if gaps:
            out.add("parties", dm.RESULT_PROBLEM, f"{party} is presented as the basis in section 2 but lacks " + ", ".join(gaps))
    stray = set().union(*[have for what, have in needs.items() if "Annex 3" not in what and "Annex 4" not in what]) - set(names)
    for party in sorted(stray):
        out.add("parties", dm.RESULT_PROBLEM, f"{party} is presented in 2.1 or Annex 2 but is not a {word} Party named as the basis in section 2")
    if not out.has("parties"):
        out.add("parties", dm.RESULT_OK, f"compared the {word} Parties of section 2 ({', '.join(names)}) with 2.1, Annex 2, Annex 3 and Annex 4: each is in all four, and no other Party is presented")


def _basis(document: dict) -> list[dict]:
    """Return the Parties section 2.1 presents as the basis (its blocks carry party, region and status)."""
    return [b for b in _blocks(document, "2.1") if b.get("party") and b.get("basis")]


def _presence(document: dict, annex2_key: str) -> dict:
    in_21 = {b["party"] for b in _basis(document)}
    in_annex2 = {b.get("party") for b in _blocks(document, "annex2", type_="fields", key=annex2_key) if b.get("party")}
    annex3: set[str] = set()
    for b in _blocks(document, "annex3", type_="table", key="dna"):
        for party, inst in zip(b.get("parties", []), _column(b, "institution"), strict=False):
            if not dm.is_missing(inst):
                annex3.add(party)
    annex4 = set().union(*[set(b.get("parties", [])) for b in _blocks(document, "annex4", type_="list", key="references")] or [set()])
    return {"2.1": in_21, "Annex 2": in_annex2, "Annex 3": annex3, "Annex 4": annex4}


def check_dgd(document: dict) -> list[dict]:
    """Return the internal-consistency findings of a draft DGD (see the module docstring)."""
    dm.check_model(document, "dgd")
    if document.get("meta", {}).get("variant") == "shpf":
        return check_shpf_dgd(document)
    out = Findings()
    name, category = check_names(document, "common_name", out)
    _check_annex2_identity(document, category, out)
    if not out.has("identity"):
        cas = sorted(_cas(_field(document, "1", "cas_numbers")))
        out.add("identity", dm.RESULT_OK, f"'{name}' ({category}) is named alike on the cover, in the title block, in section 1 and in Annex 2" + (f"; Annex 2 gives no CAS number outside section 1's ({', '.join(cas)})" if cas else ""))
    basis = _basis(document)
    have = _presence(document, "annex2")
    needs = {"its final regulatory action in 2.1": have["2.1"], "its block in Annex 2": have["Annex 2"], "its designated national authority in Annex 3": have["Annex 3"], "its documents in Annex 4": have["Annex 4"]}
    check_parties(document, basis, word="notifying", needs=needs, out=out)
    _check_basis(document, basis, out)
    other = _field(document, "1", "uses_other_categories")
    if dm.is_missing(other):
        out.add("uses in other categories", dm.RESULT_TO_COMPLETE, "section 1 gives no uses in other categories; Article 7.1 asks the DGD to cover them")
    else:
        out.add("uses in other categories", dm.RESULT_OK, f"section 1 gives uses in other categories ({len(_as_list(other))} item(s); Article 7.1)")
    check_abbreviations(document, out)
    return list(out)


def _check_annex2_identity(document: dict, category: str | None, out: Findings) -> None:
    names = {_norm(n) for n in [*_as_list(_field(document, "1", "common_name")), *_as_list(_field(document, "1", "synonyms")), *_as_list(_field(document, "1", "chemical_name"))] if n}
    sec1_cas = _cas(_field(document, "1", "cas_numbers"))
    pairs = [("section 1", n, sec1_cas) for n in _as_list(_field(document, "1", "common_name"))]
    for b in _blocks(document, "annex2", type_="fields", key="annex2"):
        party = b.get("party", "?")
        rows = {r.get("key"): r["value"] for r in b["rows"]}
        notified = _as_list(rows.get("chemical_as_notified"))
        if notified and not any(_norm(n) in names for n in notified):
            out.add("identity", dm.RESULT_PROBLEM, f"Annex 2 ({party}) names the chemical '{notified[0]}', which section 1 does not list among its names")
        cas = _cas(rows.get("cas_as_notified"))
        if cas - sec1_cas:
            out.add("identity", dm.RESULT_PROBLEM, f"Annex 2 ({party}) gives CAS number(s) {', '.join(sorted(cas - sec1_cas))} that section 1 does not list")
        cat = _first(rows.get("category_as_notified"))
        if cat and category and _norm(cat) != _norm(category):
            out.add("identity", dm.RESULT_PROBLEM, f"Annex 2 ({party}) is in the {cat} category, the document in the {category} category")
        pairs += [(f"Annex 2 ({party})", n, cas) for n in notified[:1]]
    check_cas_identities(pairs, out)


def _check_basis(document: dict, basis: list[dict], out: Findings) -> None:
    """Every notification presented as the basis meets Annex II, from two PIC regions (Article 5.6)."""
    for b in basis:
        if b.get("status") != "met":
            out.add("basis", dm.RESULT_PROBLEM, f"{b['party']} is presented as a basis for listing but its notification is not concluded to meet Annex II ({b.get('status') or 'no conclusion'}) (Article 5.6)")
    regions = {r.strip() for b in basis for r in str(b.get("region") or "").split(",") if r.strip()}
    precedent = bool(document.get("meta", {}).get("additional_category_precedent"))
    if basis and len(regions) < 2 and not precedent:
        out.add("basis", dm.RESULT_PROBLEM, f"the notifications presented as the basis come from {len(regions)} PIC region(s) ({', '.join(sorted(regions)) or 'none'}); listing needs two (Article 5.6)")
    if basis and not out.has("basis"):
        how = "one notification in an additional category (precedent CRC-10/5)" if precedent and len(regions) < 2 else f"{len(regions)} PIC regions ({', '.join(sorted(regions))})"
        out.add("basis", dm.RESULT_OK, f"compared each notification of section 2 with its Annex II conclusion: all {len(basis)} meet Annex II; {how}")


# --------------------------------------------------------------------------- SHPF variant


def is_bare_pointer(text: str) -> bool:
    """Return whether a text only points somewhere (a document symbol, an address, "collected from …") and says nothing itself."""
    body = str(text or "")
    body = body.split(": ", 1)[1] if ": " in body and len(body.split(": ", 1)[0]) < 160 else body
    body = re.sub(r"\([^()]*\)", " ", body)
    return not body.strip() or bool(_POINTER_RE.match(body))


def check_shpf_dgd(document: dict) -> list[dict]:
    """Return the internal-consistency findings of a draft DGD for a severely hazardous pesticide formulation."""
    dm.check_model(document, "dgd")
    out = Findings()
    name, _ = check_names(document, "formulation_name", out)
    _check_shpf_identity(document, out)
    if not out.has("identity"):
        out.add("identity", dm.RESULT_OK, f"'{name}' is named alike on the cover, in the title block, in section 1 and in Annex 2; Annex III entry '{_first(_field(document, '1', 'annex_iii_entry'))}'")
    basis = _basis(document)
    have = _presence(document, "annex2")
    incidents_21 = {b.get("party") for b in _blocks(document, "2.1", type_="table", key="incidents") if b.get("rows")}
    reports = {b.get("party") for b in _blocks(document, "annex2", type_="fields", key="incident")}
    needs = {
        "its incidents in 2.1": have["2.1"] & incidents_21, "its proposal in Annex 2": have["Annex 2"], "an incident report in Annex 2": reports,
        "its designated national authority in Annex 3": have["Annex 3"], "its documents in Annex 4": have["Annex 4"],
    }
    check_parties(document, basis, word="proposing", needs=needs, out=out)
    for b in basis:
        if b.get("status") != "met":
            out.add("basis", dm.RESULT_PROBLEM, f"{b['party']} is presented as a basis for listing but its proposal is not concluded to meet Annex IV Part 3 ({b.get('status') or 'no conclusion'}) (Article 6.5)")
        eligible = str(b.get("eligibility") or "")
        if not eligible or eligible.startswith("not classified"):
            out.add("basis", dm.RESULT_TO_COMPLETE, f"{b['party']}: no development classification, so Article 6.1 eligibility is not checked")
        elif eligible.startswith("no:") or eligible == "no":
            out.add("basis", dm.RESULT_PROBLEM, f"{b['party']} is classified as neither a developing country nor an economy in transition; Article 6.1 admits proposals from those only (flagged: the classification is contestable)")
    if basis and not out.has("basis", dm.RESULT_PROBLEM):
        out.add("basis", dm.RESULT_OK, f"compared each proposal of section 2 with its Annex IV Part 3 conclusion: {len(basis)} meet(s) it; one proposal suffices (Article 6: no second PIC region is needed)")
    _check_part2(document, basis, out)
    _check_other_uses(document, out)
    check_abbreviations(document, out)
    return list(out)


def _check_part2(document: dict, basis: list[dict], out: Findings) -> None:
    """Name the Annex IV Part 2 items the Secretariat has not collected, or collected without a summary (Article 6.3)."""
    blocks = _blocks(document, "annex1", type_="fields", key="part2")
    if not blocks:
        if basis:
            out.add("Annex IV Part 2", dm.RESULT_PROBLEM, "Annex 1 gives no Annex IV Part 2 item for the proposals named in section 2")
        return
    open_items = [f"{b.get('item', '?')} ({b.get('party')})" for b in blocks if b.get("status") in ("awaited", "not recorded")]
    unsummarised = [f"{b.get('item', '?')} ({b.get('party')})" for b in blocks if b.get("status") == "collected" and dm.is_missing({r.get("key"): r["value"] for r in b["rows"]}.get("summary"))]
    if open_items:
        out.add("Annex IV Part 2", dm.RESULT_TO_COMPLETE, f"information not yet collected by the Secretariat for item(s) {', '.join(open_items)} (Article 6.3)")
    if unsummarised:
        out.add("Annex IV Part 2", dm.RESULT_TO_COMPLETE, f"information collected but not summarised in Annex 1 for item(s) {', '.join(unsummarised)}")
    if not open_items and not unsummarised:
        out.add("Annex IV Part 2", dm.RESULT_OK, f"compared the {len(blocks)} Annex IV Part 2 item(s) of Annex 1 with the Secretariat's collection: each is collected and summarised, or was looked for (Article 6.3)")


def _check_shpf_identity(document: dict, out: Findings) -> None:
    names = {_norm(n) for n in [*_as_list(_field(document, "1", "formulation_name")), *_as_list(_field(document, "1", "other_names")), *_as_list(_field(document, "1", "trade_names"))] if n}
    sec1_cas = _cas(_field(document, "1", "cas_numbers"))
    pairs = []
    for b in _blocks(document, "1", type_="table", key="ingredients"):
        pairs += [("section 1", n, _cas(c)) for n, c in zip(_column(b, "ingredient"), _column(b, "cas"), strict=True) if n]
    for b in _blocks(document, "annex2", type_="fields", key="annex2"):
        party = b.get("party", "?")
        rows = {r.get("key"): r["value"] for r in b["rows"]}
        proposed = _first(rows.get("formulation_as_proposed"))
        if proposed and _norm(proposed) not in names:
            out.add("identity", dm.RESULT_PROBLEM, f"Annex 2 ({party}) names the formulation '{proposed}', which section 1 does not give among its names")
        extra = sorted(_cas(rows.get("cas_as_proposed")) - sec1_cas)
        if extra:
            out.add("identity", dm.RESULT_PROBLEM, f"Annex 2 ({party}) gives CAS number(s) {', '.join(extra)} that section 1 does not list")
        ftype, sec1_type = _first(rows.get("type_as_proposed")), _first(_field(document, "1", "formulation_type"))
        if ftype and sec1_type and _norm(ftype) != _norm(sec1_type):
            out.add("identity", dm.RESULT_PROBLEM, f"Annex 2 ({party}) gives the formulation type '{ftype}', section 1 '{sec1_type}'")
    if _first(_field(document, "1", "annex_iii_entry")) is None:
        out.add("identity", dm.RESULT_PROBLEM, "section 1 gives no Annex III entry (formulation type and concentration threshold)")
    check_cas_identities(pairs, out)


def _check_other_uses(document: dict, out: Findings) -> None:
    """Other formulations and uses are given (Article 7.1), each saying something, not only where to look."""
    other = _as_list(_field(document, "1", "other_formulations"))
    if not other:
        out.add("other uses", dm.RESULT_TO_COMPLETE, "section 1 gives no other formulations or uses of the active ingredient(s); Article 7.1 asks the DGD to cover them")
        return
    bare = [x for x in other if is_bare_pointer(x)]
    if bare:
        out.add("other uses", dm.RESULT_PROBLEM, f"section 1 only points to a source for {len(bare)} of its {len(other)} item(s) on other formulations and uses, without saying what they are: " + "; ".join(bare))
    else:
        out.add("other uses", dm.RESULT_OK, f"section 1 describes {len(other)} other formulation(s) or use(s) of the active ingredient(s) (Article 7.1), none a bare pointer")


__all__ = ["check_dgd", "check_shpf_dgd", "check_abbreviations", "check_cas_identities", "identities", "is_bare_pointer"]
