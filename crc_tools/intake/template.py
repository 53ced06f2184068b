"""Blank bulk tables for national authorities and the Secretariat, built from the declared fields.

A template's columns are the flat field names the intake reads (required ones first), so a
table filled in from it validates without renaming anything; its XLSX form carries a second
sheet describing every column (type, allowed values, form section, Annex item). Nothing here
is written by hand: the declarations in ``data/reference/*_fields.yaml`` are the one source.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import UsageError
from .fields import Schema, incident_schema, notification_schema, part2_schema, proposal_schema, response_schema

KINDS = {
    "notifications": (notification_schema, "Notifications of final regulatory action (Article 5; Annex I)"),
    "proposals": (proposal_schema, "Severely hazardous pesticide formulation proposals, Part A (Article 6; Annex IV Part 1)"),
    "incidents": (incident_schema, "Part B incident reports of SHPF proposals (Annex IV Part 1 (g))"),
    "part2": (part2_schema, "The Secretariat's Annex IV Part 2 collection tracker (Article 6.3)"),
    "responses": (response_schema, "Import responses of Parties on Annex III chemicals (Article 10; the import response form)"),
}
"""Kinds of bulk table: kind → (declared fields, what the table holds)."""

TYPE_WORDS = {
    "id": "identifier (text)", "text": "text", "text_list": "text; several separated by ';'", "date": "date YYYY-MM-DD",
    "bool": "true or false", "enum": "one of the values listed", "cas_list": "CAS number(s), ';' between several",
    "hs_code": "HS code (4 to 12 digits, e.g. 2920.30)", "party": "country name, ISO 3166 alpha-3 code or European Union",
    "party_list": "countries, ';' between several", "number": "number of zero or more", "formulation_type": "formulation type code (e.g. EC, SL, DP)",
    "concentration_list": "concentration(s) with unit, e.g. 400 g/L; ';' between several",
}


def _schema(kind: str) -> Schema:
    if kind not in KINDS:
        raise UsageError(f"unknown kind of table '{kind}'; choose one of {', '.join(KINDS)}")
    return KINDS[kind][0]()


def template_columns(kind: str) -> list[str]:
    """Return the columns of a blank ``kind`` table: required fields first, then the others as declared."""
    schema = _schema(kind)
    required = [f.name for f in schema.fields if f.required]
    return required + [f.name for f in schema.fields if not f.required]


def field_guide(kind: str):
    """Return a DataFrame describing each column of a ``kind`` table (the XLSX template's second sheet)."""
    import pandas as pd

    schema = _schema(kind)
    by_name = {f.name: f for f in schema.fields}
    rows = []
    for name in template_columns(kind):
        f = by_name[name]
        rows.append(
            {
                "column": name,
                "required": "yes" if f.required else "",
                "type": TYPE_WORDS.get(f.type, f.type),
                "allowed values": ", ".join(f.values),
                "label": f.display,
                "form section": f.form,
                "Convention item": f"Annex I {f.annex_i}" if f.annex_i else (f"Annex IV {f.annex_iv}" if f.annex_iv else ""),
                "description": f.description,
            }
        )
    return pd.DataFrame(rows)


def write_template(kind: str, out: str | Path | None = None, *, fmt: str | None = None, force: bool = False) -> str | Path:
    """Write a blank ``kind`` table; return the path written, or the CSV text when ``out`` is None.

    Parameters
    ----------
    kind : str
        ``notifications``, ``proposals``, ``incidents``, ``part2`` or ``responses``.
    out : str or Path, optional
        File to write (``.csv`` or ``.xlsx``); without it the CSV header is returned.
    fmt : str, optional
        ``csv`` or ``xlsx``; default: from the suffix of ``out``.
    force : bool
        Replace an existing file (refused otherwise: nothing is overwritten silently).
    """
    from ..output import write_text_atomic, write_xlsx_atomic

    columns = template_columns(kind)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(columns)
    if out is None:
        if fmt == "xlsx":
            raise UsageError("an XLSX template needs --out FILE.xlsx")
        return buf.getvalue()
    out = Path(out)
    fmt = fmt or ("xlsx" if out.suffix.lower() == ".xlsx" else "csv")
    if fmt not in ("csv", "xlsx"):
        raise UsageError(f"unknown format '{fmt}'; choose csv or xlsx")
    if out.is_dir():
        raise UsageError(f"{out} is a folder; give the file to write")
    if out.exists() and not force:
        raise UsageError(f"{out} exists; choose another name or add --force to replace it")
    if not out.parent.exists():
        raise UsageError(f"folder {out.parent} does not exist")
    if fmt == "xlsx":
        import pandas as pd

        return write_xlsx_atomic(out, {kind: pd.DataFrame(columns=columns), "fields": field_guide(kind)})
    return write_text_atomic(out, buf.getvalue())
