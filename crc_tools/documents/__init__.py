"""Documents: one model per document (DGD, SHPF DGD, rationale, synopsis), rendering (papermill) and writers (HTML, DOCX).

Public API (loaded on first use)::

    from crc_tools.documents import dgd_document, rationale_document, synopsis_document, proposal_rationale_document
    from crc_tools.documents import check_dgd, render_many, CaseData
    from crc_tools import render   # the function (crc_tools.documents.render is its module)
"""

from ..lazy import exports

_PUBLIC = {
    "model": "model", "dgd": "dgd", "shpf_dgd": "shpf_dgd", "render": "render", "word": "word",
    "dgd_document": "dgd", "rationale_document": "dgd", "synopsis_document": "dgd", "CaseData": "dgd",
    "proposal_rationale_document": "shpf_dgd", "recommended_formulations": "shpf_dgd",
    "check_dgd": "model", "render_many": "render", "template_path": "render",  # `render` is the module; crc_tools.render the function
}
__all__ = sorted(_PUBLIC)
__getattr__ = exports(__name__, _PUBLIC)
