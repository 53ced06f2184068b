"""Documents: one model module per document kind, the parts they share, and writers per format.

Model modules (each builds a plain model, :mod:`~crc_tools.documents.model`):
:mod:`~crc_tools.documents.dgd` (a banned or severely restricted chemical),
:mod:`~crc_tools.documents.shpf_dgd` (a severely hazardous pesticide formulation),
:mod:`~crc_tools.documents.rationale`, :mod:`~crc_tools.documents.shpf_rationale`,
:mod:`~crc_tools.documents.synopsis`. Shared parts: :mod:`~crc_tools.documents.parts`,
:mod:`~crc_tools.documents.substance`, :mod:`~crc_tools.documents.formulation`,
:mod:`~crc_tools.documents.appendices`, :mod:`~crc_tools.documents.reasoning`,
:mod:`~crc_tools.documents.style`, :mod:`~crc_tools.documents.checks`. Writers:
:mod:`~crc_tools.documents.html`, :mod:`~crc_tools.documents.word`, :mod:`~crc_tools.documents.pdf`,
:mod:`~crc_tools.documents.notes` (drafting notes beside a draft); rendering (papermill) in
:mod:`~crc_tools.documents.render`.

Public API (loaded on first use)::

    from crc_tools.documents import dgd_document, rationale_document, synopsis_document, proposal_rationale_document
    from crc_tools.documents import check_dgd, render_many, CaseData
"""

from ..lazy import exports

_PUBLIC = {
    "model": "model", "dgd": "dgd", "shpf_dgd": "shpf_dgd", "rationale": "rationale", "shpf_rationale": "shpf_rationale", "synopsis": "synopsis",
    "render": "render", "word": "word", "html": "html", "notes": "notes", "pdf": "pdf",
    "dgd_document": "build", "rationale_document": "build", "synopsis_document": "build", "proposal_rationale_document": "build",
    "CaseData": "casedata", "recommended_formulations": "shpf_dgd",
    "check_dgd": "checks", "render_many": "render", "template_path": "render",  # `render` is the module; crc_tools.render the function
}
__all__ = sorted(_PUBLIC)
__getattr__ = exports(__name__, _PUBLIC)
