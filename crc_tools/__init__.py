"""crc-tools: decision support for the Chemical Review Committee of the Rotterdam Convention.

The package stays light to import: pandas-free modules load on demand, and panel,
papermill and altair are imported only by the modules that use them.

Public entry points::

    from crc_tools import load, verification_status, assess, conclusions, review_status
    from crc_tools import Register, all_determinations   # the register of determinations
    from crc_tools import dgd_document, rationale_document, synopsis_document, check_dgd, render, render_many
    dgd_document(chemical="Fenthion 640 ULV", variant="shpf")   # DGD of a severely hazardous pesticide formulation
    from crc_tools import proposal_rationale_document            # rationale for an SHPF proposal (Annex IV Part 3)
    from crc_tools import reference
    from crc_tools import shpf   # SHPF proposals (Article 6, Annex IV): shpf.review_status(...)
"""

from __future__ import annotations

__version__ = "0.1.0"

_LAZY = {
    "load": ("crc_tools.intake.reader", "load"),
    "Intake": ("crc_tools.intake.reader", "Intake"),
    "verification_status": ("crc_tools.notifications.verification", "verification_status"),
    "annex_i_items": ("crc_tools.notifications.verification", "annex_i_items"),
    "assess": ("crc_tools.notifications.criteria", "assess"),
    "annex_ii_aids": ("crc_tools.notifications.criteria", "annex_ii_aids"),
    "conclusions": ("crc_tools.notifications.criteria", "conclusions"),
    "review_status": ("crc_tools.notifications.review", "review_status"),
    "awaiting_second_region": ("crc_tools.notifications.review", "awaiting_second_region"),
    "Register": ("crc_tools.register.store", "Register"),
    "all_determinations": ("crc_tools.register.store", "all_determinations"),
    "Proposals": ("crc_tools.proposals.shpf", "Proposals"),
    "dgd_document": ("crc_tools.documents.build", "dgd_document"),
    "rationale_document": ("crc_tools.documents.build", "rationale_document"),
    "synopsis_document": ("crc_tools.documents.build", "synopsis_document"),
    "proposal_rationale_document": ("crc_tools.documents.build", "proposal_rationale_document"),
    "check_dgd": ("crc_tools.documents.checks", "check_dgd"),
    "render": ("crc_tools.documents.render", "render"),
    "render_many": ("crc_tools.documents.render", "render_many"),
    "Problem": ("crc_tools.errors", "Problem"),
    "CrcError": ("crc_tools.errors", "CrcError"),
}

# Modules reachable as attributes (``from crc_tools import reference``), by their short names.
_MODULES = {
    "config": "config", "reference": "convention.reference", "cas": "convention.cas", "formulation": "convention.formulation",
    "intake": "intake", "verification": "notifications.verification", "criteria": "notifications.criteria",
    "review": "notifications.review", "register": "register", "shpf": "proposals.shpf", "documents": "documents",
    "charts": "charts", "convention": "convention", "notifications": "notifications", "proposals": "proposals",
}

__all__ = sorted([*_LAZY, "__version__", "reference", "config"])


def __getattr__(name):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    if name in _MODULES:
        import importlib

        return importlib.import_module(f"crc_tools.{_MODULES[name]}")
    raise AttributeError(f"module 'crc_tools' has no attribute {name!r}")
