"""Case files (YAML/JSON) read safely: bytes to text, text to documents, folders to files.

YAML that tries to build Python objects or to expand aliases, text that is not UTF-8, files
past the documented limits (SECURITY.md) are reported as problems, never raised.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..errors import Problems
from ..text import control_character
from .records import CASE_SUFFIXES, TABLE_SUFFIXES


def _decode(data: bytes, path: Path, problems: Problems) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.add(path, str(line), "", f"not UTF-8 text (byte 0x{data[exc.start]:02x} at line {line}); save the file as UTF-8")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _yaml_loader():
    import yaml

    class CaseFileLoader(yaml.SafeLoader):
        """Safe YAML without aliases (no billion laughs) and without implicit timestamps."""

        def compose_node(self, parent, index):
            if self.check_event(yaml.events.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, "YAML aliases (*name) are not allowed in case files", event.start_mark
                )
            return super().compose_node(parent, index)

    # Dates stay text so that the validator can name an impossible one (2023-02-30).
    CaseFileLoader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return CaseFileLoader


_LOADER = None


def parse_case_text(text: str, path: Path | str, problems: Problems):
    """Parse YAML or JSON case-file text safely; return the document or ``None``."""
    global _LOADER
    path = Path(path)
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            problems.add(path, str(exc.lineno), "", f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
            return None
        except RecursionError:
            problems.add(path, None, "", "JSON nested too deeply")
            return None
    import yaml

    if _LOADER is None:
        _LOADER = _yaml_loader()
    try:
        return _load_yaml(text, _LOADER)
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        if "unhashable" in str(exc.problem):  # '? [a, b]': a list or a mapping used as a key
            problems.add(path, str(line) if line else None, "", "not valid YAML for a case file: a key must be a plain name, not a list or a mapping")
        else:
            problems.add(path, str(line) if line else None, "", f"YAML tag not allowed in a case file ({exc.problem}); only plain data is read")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.add(path, str(line) if line else None, "", f"not valid YAML: {what}")
    except RecursionError:
        problems.add(path, None, "", "YAML nested too deeply")
    except CaseFileLimit as exc:
        problems.add(path, str(exc.line) if exc.line else None, "", str(exc))
    return None


class CaseFileLimit(ValueError):
    """A case file past one of the documented limits (SECURITY.md), with the line where it went past."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


MAX_YAML_DEPTH = 100
"""Deepest nesting of mappings and lists accepted in a YAML case file (a notification needs five)."""
MAX_YAML_VALUES = 200_000
"""Most keys and values (scalars) in one YAML case file: a notification has a few hundred, a file of
:data:`MAX_RECORDS_PER_CASE_FILE` notifications under this; more is a bulk table's job."""
_C_LOADER = None


def _load_yaml(text: str, loader):
    """Load YAML with libyaml's C parser when present (a 4 MB file in seconds, not minutes), else ``loader``.

    The C composer cannot be told to refuse aliases, and recurses in C: the events are read
    first, so that an alias (``*name``) or a nesting deeper than :data:`MAX_YAML_DEPTH` is
    refused before anything is built. Dates stay text and tags are refused as by ``loader``.
    """
    import yaml

    global _C_LOADER
    if not getattr(yaml, "__with_libyaml__", False):
        return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass
    if _C_LOADER is None:
        _C_LOADER = type("CaseFileCLoader", (yaml.CSafeLoader,), {"yaml_implicit_resolvers": loader.yaml_implicit_resolvers})
    depth = scalars = 0
    for event in yaml.parse(text, Loader=_C_LOADER):
        if isinstance(event, yaml.ScalarEvent):
            scalars += 1
            if scalars > MAX_YAML_VALUES:
                raise CaseFileLimit(f"more than {MAX_YAML_VALUES:,} keys and values in one case file (a notification has a few hundred); use a bulk table", event.start_mark.line + 1)
        elif isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "YAML aliases (*name) are not allowed in case files", event.start_mark)
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise RecursionError
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return yaml.load(text, Loader=_C_LOADER)  # noqa: S506 - libyaml's safe loader


def expand_paths(paths, problems: Problems) -> list[Path]:
    """Return the data files named by paths (files and folders, recursively), reporting what is not one."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = []

            def unreadable(exc: OSError, p=p) -> None:  # a folder that cannot be listed is reported, never silently skipped
                problems.add(exc.filename or p, None, "", f"cannot read folder: {exc.strerror or exc}")

            for folder, dirs, names in os.walk(p, onerror=unreadable):  # symbolic links to folders are not followed (no loops)
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(Path(folder) / n for n in names if not n.startswith("."))
            for f in sorted(found):
                if f.is_file() and f.suffix.lower() in CASE_SUFFIXES | TABLE_SUFFIXES:
                    out.append(f)
        elif p.is_file():
            if p.suffix.lower() in CASE_SUFFIXES | TABLE_SUFFIXES:
                out.append(p)
            else:
                problems.add(p, None, "", f"not a case file or table (expected {', '.join(sorted(CASE_SUFFIXES | TABLE_SUFFIXES))})")
        elif p.exists():  # a FIFO, a socket, a device such as /dev/zero: never read (it could block or never end)
            problems.add(p, None, "", "not a regular file or folder (a pipe, socket or device); give a case file, a table or a folder")
        else:
            problems.add(p, None, "", "no such file or folder")
    seen: set[Path] = set()
    unique = []
    for f in out:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def _unpaired_surrogate(node, path: str = "") -> tuple[str, str] | None:
    """Return ``(field path, message)`` for the first text in a document holding an unpaired surrogate, else ``None``."""
    if isinstance(node, str):
        msg = control_character(node)
        return (path, msg) if msg and "surrogate" in msg else None
    if isinstance(node, dict):
        items_ = [(f"{path}.{k}" if path else str(k), v) for k, v in node.items()]
        items_ += [(path, k) for k in node]
    elif isinstance(node, list):
        items_ = [(f"{path}[{i}]", v) for i, v in enumerate(node, start=1)]
    else:
        return None
    for sub, value in items_:
        found = _unpaired_surrogate(value, sub)
        if found is not None:
            return found
    return None


def _case_kind(doc: dict) -> str:
    kind = str(doc.get("kind", "")).strip().casefold()
    if kind in ("shpf_proposal", "proposal", "shpf"):
        return "shpf_proposal"
    if kind in ("notification", "fra", "final_regulatory_action"):
        return "notification"
    if kind == "substance":  # DGD substance data (crc_tools.intake.substance)
        return "substance"
    if kind in ("import_response", "response"):
        return "import_response"
    if "response_id" in doc:
        return "import_response"
    if "proposal_id" in doc:
        return "shpf_proposal"
    return "notification"
