"""Lazy public names for the suite's packages.

Each package's ``__init__`` names its public API in a table and imports a module only when
one of its names is first used, so ``import crc_tools.dashboard.data`` does not load Panel and
``import crc_tools`` stays quick.
"""

from __future__ import annotations

import importlib
import sys


def exports(package: str, table: dict[str, str]):
    """Return a module ``__getattr__`` serving ``table`` (public name -> submodule of ``package``)."""

    def __getattr__(name: str):
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        target = importlib.import_module(f"{package}.{module}")
        value = target if name == module else getattr(target, name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
