"""Drafting notes: what the drafting group needs and no circulated document may carry.

Written beside a draft as ``<name>.notes.html``: where each part of the sample data came from
(``sources:``), which values the data mark as illustrative or unverified, the findings of the
internal-consistency check, the review notes (status, notifications not presented, proposals
and conclusions still missing), the rule-based aid of a rationale, and the notes of the
substance files. The draft itself holds none of them (:func:`crc_tools.documents.model.scrub`).
"""

from __future__ import annotations

import html

from .style import un_date


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def notes_html(document: dict) -> str:
    """Return the drafting notes of a document model as a self-contained HTML page (every text escaped)."""
    notes = document.get("drafting_notes") or []
    groups: dict[str, list[str]] = {}
    for n in notes:
        groups.setdefault(str(n.get("topic", "")), []).append(str(n.get("text", "")))
    title = f"Drafting notes: {document.get('title', '')}"
    body = [f"<h1>{_e(title)}</h1>", f"<p class=\"meta\">For the drafting group; not for circulation. Prepared on {_e(un_date(document.get('meta', {}).get('generated_on')) or '')}.</p>"]
    checks = document.get("checks") or []
    if checks:
        rows = "".join(f"<tr class=\"{_e(f['result'].replace(' ', '-'))}\"><td>{_e(f['check'])}</td><td>{_e(f['result'])}</td><td>{_e(f['message'])}</td></tr>" for f in checks)
        body.append(f"<h2>Internal-consistency check</h2><table><thead><tr><th>Check</th><th>Result</th><th>Details</th></tr></thead><tbody>{rows}</tbody></table>")
    for topic, texts in groups.items():
        if topic == "Internal-consistency check":
            continue
        body.append(f"<h2>{_e(topic)}</h2><ul>" + "".join(f"<li>{_e(t)}</li>" for t in texts) + "</ul>")
    if not notes and not checks:
        body.append("<p>No notes.</p>")
    style = (
        "body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:60rem;margin:2rem auto;color:#1f2d3d;line-height:1.4}"
        "table{border-collapse:collapse;width:100%}td,th{border:1px solid #c9d1d9;padding:.3rem .5rem;vertical-align:top;text-align:left}"
        ".problem td{background:#fde2e1}.to-complete td{background:#fff4ce}.meta{color:#5a6572;font-style:italic}"
        "@page{size:A4;margin:2cm}"
    )
    return f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{_e(title)}</title><style>{style}</style></head><body>{''.join(body)}</body></html>"


__all__ = ["notes_html"]
