"""Build data/reference/annex_iii_groups.csv from the research transcription (/work/research/annex_iii_groups/).

Run once by hand when the research file changes; the output is reviewed and committed. It keeps
every member row with its source, drops rows that another Annex III entry lists in its own right
(DROP, with the reason), marks weak sources, and gives each ``pattern`` row the machine-readable
rule the suite matches names by (RULES): the rule kind, the stems a name must carry, and words
that exclude a match.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

COLUMNS = ["entry_id", "member_name", "cas_number", "relation", "rule", "stems", "exclude", "source", "source_url", "notes"]
WEAK = ("Smolecule", "BenchChem", "EvitaChem", "Vulcanchem", "chemicaldictionary.org")

# (entry_id, member CAS) -> why the row is left out
DROP = {
    ("hch-mixed-isomers", "58-89-9"): "gamma-HCH is the Annex III entry 'Lindane' in its own right; listing it under HCH too would make the two entries one chemical",
}

# entry_id -> (rule, stems, exclude). Stems and exclusions are compared with normalised names
# (case folded, accents and punctuation removed: '2,4,5-T' is '2 4 5 t').
#   salts_and_esters  the name is a stem plus words naming a salt (a cation, 'salt') or an ester (an alcohol radical, an acid anion, 'ester')
#   salts             the same with salt words only ('and its salts': esters are not covered)
#   contains          the name contains a stem (inside a word too: 'methylmercury'), and no excluded word
RULES = {
    "2-4-5-t": ("salts_and_esters", "2,4,5-T; 2,4,5-trichlorophenoxyacetic acid; 2,4,5-trichlorophenoxyacetate; 2,4,5-trichlorophenoxy acetate", ""),
    "dinoseb": ("salts_and_esters", "dinoseb; 2-sec-butyl-4,6-dinitrophenol; 2-sec-butyl-4,6-dinitrophenolate", ""),
    "pentachlorophenol": ("salts_and_esters", "pentachlorophenol; pentachlorophenate; pentachlorophenolate; pentachlorophenoxide; pentachlorophenyl; PCP", ""),
    "dnoc": ("salts", "DNOC; dinitro-ortho-cresol; 4,6-dinitro-o-cresol; dinitro-o-cresol; 4,6-dinitro-o-cresolate", ""),
    "mercury-compounds": ("contains", "mercury; mercuric; mercurous", "free; elemental; metallic; metal; vapour; vapor; liquid; thermometer; lamp; lamps"),
    "tributyltin-compounds": ("contains", "tributyltin; tri-n-butyltin; tributylstannyl; tributylstannane; bis(tributyltin)", ""),
    "pbb": ("contains", "polybrominated biphenyl; bromobiphenyl; bromobiphenyls", "ether; oxide"),
    "pcb": ("contains", "polychlorinated biphenyl; chlorinated biphenyl; chlorobiphenyl; chlorodiphenyl; Aroclor 12", "ether; oxide; terphenyl"),
    "pct": ("contains", "polychlorinated terphenyl; chlorinated terphenyl; chloroterphenyl; Aroclor 54", ""),
    "commercial-pentabromodiphenyl-ether": ("contains", "tetrabromodiphenyl ether; pentabromodiphenyl ether; tetrabromodiphenyl oxide; pentabromodiphenyl oxide; c-pentaBDE", ""),
    "commercial-octabromodiphenyl-ether": ("contains", "hexabromodiphenyl ether; heptabromodiphenyl ether; hexabromodiphenyl oxide; heptabromodiphenyl oxide; octabromodiphenyl ether; c-octaBDE", ""),
    "hexabromocyclododecane": ("contains", "hexabromocyclododecane", ""),
    "pfos": ("contains", "perfluorooctane sulfonate; perfluorooctane sulphonate; perfluorooctanesulfonate; perfluorooctane sulfonic acid; perfluorooctanesulfonic acid; "
             "perfluorooctane sulfonamid; perfluorooctanesulfonamid; perfluorooctane sulfonyl; perfluorooctanesulfonyl; perfluorooctane sulphonyl", ""),
    "pfoa": ("contains", "perfluorooctanoic acid; perfluorooctanoate; perfluoro-octanoic acid; pentadecafluorooctanoic acid; pentadecafluorooctanoate", ""),
    "short-chain-chlorinated-paraffins": ("contains", "short chain chlorinated paraffin; short-chain chlorinated paraffin; alkanes, C10-13, chloro; chlorinated paraffins, short-chain; chloroalkanes C10-13", ""),
    "hch-mixed-isomers": ("contains", "hexachlorocyclohexane mixed isomers; technical HCH; technical hexachlorocyclohexane", ""),
}

SECOND_RULES = [  # salts named by the short name ('PFOA ammonium salt', 'PFOS potassium salt'): the headings cover salts
    ("pfoa", ("salts", "PFOA; perfluorooctanoic acid", "")),
    ("pfos", ("salts", "PFOS; perfluorooctane sulfonic acid; perfluorooctanesulfonic acid", "")),
]

EXTRA = [  # members named by a source the research already cites, to test a name that is not the entry's own
    {"entry_id": "short-chain-chlorinated-paraffins", "member_name": "Alkanes, C10-13, chloro", "cas_number": "", "relation": "compound",
     "source": "NICNAS 'Rotterdam Convention - Annex III additions' (the listing names the substance 'Alkanes, C10-13, chloro')",
     "source_url": "", "notes": "The chemical name under which SCCPs are registered (CAS 85535-84-8 is the entry's own number); matched by name."},
]


def main(source: str, target: str) -> int:
    """Write ``target`` from the research file ``source``."""
    rows = list(csv.DictReader(open(source, encoding="utf-8")))
    nicnas = next((r["source_url"] for r in rows if r["entry_id"] == "short-chain-chlorinated-paraffins" and r["relation"] == "parent"), "")
    out = []
    for row in rows + [{**e, "source_url": e["source_url"] or nicnas} for e in EXTRA]:
        if (row["entry_id"], row["cas_number"]) in DROP:
            continue
        row = dict(row)
        if any(w in row["source"] for w in WEAK) and "weak source" not in row["notes"]:
            row["notes"] = ("weak source: a vendor or dictionary page gives the name-to-CAS identity only; to be replaced by ECHA or PubChem. " + row["notes"]).strip()
        if row["relation"] == "pattern":
            row["rule"], row["stems"], row["exclude"] = RULES[row["entry_id"]]
        out.append(row)
    covered = {r["entry_id"] for r in out if r["relation"] == "pattern"}
    for entry_id, rule in list(RULES.items()) + SECOND_RULES:
        if entry_id not in covered or (entry_id, rule) in SECOND_RULES:  # a rule without a research pattern row cites the entry's heading
            out.append({"entry_id": entry_id, "member_name": f"{rule[1].split(';')[0]} and its salts" if rule[0] == "salts" else f"any name matching the rule of the entry '{entry_id}'",
                        "relation": "pattern", "rule": rule[0], "stems": rule[1], "exclude": rule[2],
                        "source": "the entry's heading in Annex III (data/reference/annex_iii.csv)", "source_url": "", "notes": "rule added by crc-tools from the heading's words"})
    order = {e: i for i, e in enumerate(dict.fromkeys(r["entry_id"] for r in out))}
    out.sort(key=lambda r: order[r["entry_id"]])
    with open(target, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows({c: r.get(c, "") for c in COLUMNS} for r in out)
    return 0


if __name__ == "__main__":
    default = ["/work/research/annex_iii_groups/annex_iii_groups.csv", str(Path(__file__).resolve().parents[1] / "data" / "reference" / "annex_iii_groups.csv")]
    sys.exit(main(*(sys.argv[1:] or default)))
