"""The ``crc`` command: one module per command group, each mirroring a library function.

``crc = "crc_tools.cli:console"`` is the console script.
"""

from .main import build_parser, console, main

__all__ = ["build_parser", "console", "main"]
