"""The append-only register of determinations: store (SQLAlchemy; SQLite or PostgreSQL), roles, corrections.

Public API (loaded on first use)::

    from crc_tools.register import Register, RegisterError, RefusedEntry, all_determinations, document_hash
"""

from ..lazy import exports

_PUBLIC = {
    "store": "store",
    "Register": "store", "RegisterError": "store", "RefusedEntry": "store", "all_determinations": "store",
    "document_hash": "store", "validate_entry": "store",
}
__all__ = sorted(_PUBLIC)
__getattr__ = exports(__name__, _PUBLIC)
