"""Problems found in input, reported as ``FILE[:RECORD]: field: message``.

Every reader in the suite collects :class:`Problem` objects instead of raising
on the first bad record, so a batch with some bad records still yields its good
ones and names every bad one (see ``../shared/DESIGN.md``, command-line contract).
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_MESSAGE_CHARS = 1_000
"""Longest message printed whole; a longer one (quoting a huge value) is cut, with its length said."""


class CrcError(Exception):
    """An error the user can act on; the command line prints it without a traceback."""

    def __init__(self, message: str, *, source: str = "", record: str = "", field_name: str = ""):
        super().__init__(message)
        self.message = message
        self.source = source
        self.record = record
        self.field_name = field_name

    def __str__(self) -> str:  # pragma: no cover - trivial
        return Problem(self.source, self.record, self.field_name, self.message).format()


class UsageError(CrcError):
    """Wrong arguments or options (exit status 2)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one record.

    Attributes
    ----------
    source : str
        The file (or ``-`` for standard input) the record came from.
    record : str
        Where in the file: a row number for tables, a notification id or list
        position for case files; empty when the whole file is concerned.
    field : str
        The field concerned, by its declared name; empty for whole-record problems.
    message : str
        What is wrong and, where possible, how to put it right.
    severity : str
        ``error`` (the record is not used), ``warning`` (the record is used) or ``note``
        (what was read, e.g. which sheets of a workbook).
    """

    source: str
    record: str
    field: str
    message: str
    severity: str = "error"

    def format(self) -> str:
        """Return the ``FILE[:RECORD]: field: message`` line.

        Control characters (a line break, an ESC sequence) coming from the data or a file
        name are shown as escapes: one problem is one line, and data never drives the
        terminal it is printed on.
        """
        from .text import printable

        where = self.source or "-"
        if self.record:
            where = f"{where}:{self.record}"
        prefix = {"warning": "warning: ", "note": "note: "}.get(self.severity, "")
        message = self.message
        if len(message) > MAX_MESSAGE_CHARS:  # a megabyte-long value quoted in the message
            message = f"{message[:MAX_MESSAGE_CHARS]}… [message cut: {len(message):,} characters]"
        if self.field:
            return printable(f"{where}: {self.field}: {prefix}{message}")
        return printable(f"{where}: {prefix}{message}")

    def as_dict(self) -> dict:
        """Return the problem as plain data (for JSON output and tests)."""
        return {
            "source": self.source,
            "record": self.record,
            "field": self.field,
            "message": self.message,
            "severity": self.severity,
        }


WARNINGS_SHOWN = 5
"""Warnings of one kind (one message) shown per file; the rest are counted on one more line."""


@dataclass
class Problems:
    """An ordered collection of problems with helpers used by every reader.

    Errors are all kept (each names a record left out). A warning repeated with the same
    message in one file — 400,000 unknown keys in one YAML file — is kept
    :data:`WARNINGS_SHOWN` times, followed by one line counting the others.
    """

    items: list[Problem] = field(default_factory=list)
    _grouped: dict = field(default_factory=dict, repr=False)

    def add(self, source: str, record, field_name: str, message: str, severity: str = "error") -> None:
        """Record one problem."""
        problem = Problem(str(source), "" if record is None else str(record), field_name, message, severity)
        if severity != "warning":
            self.items.append(problem)
            return
        self._add_warning(problem)

    def _add_warning(self, problem: Problem) -> None:
        key = (problem.source, problem.message)
        seen = self._grouped.get(key)
        if seen is None:
            self._grouped[key] = [1, None]
            self.items.append(problem)
            return
        seen[0] += 1
        if seen[0] <= WARNINGS_SHOWN:
            self.items.append(problem)
            return
        more = seen[0] - WARNINGS_SHOWN
        summary = Problem(problem.source, "", "", f"{problem.message} [and {more:,} more warning(s) like it in this file, not listed]", "warning")
        if seen[1] is None:
            seen[1] = len(self.items)
            self.items.append(summary)
        else:
            self.items[seen[1]] = summary

    def extend(self, other: "Problems | list[Problem]") -> None:
        """Append problems from another collection (its warnings grouped with these)."""
        for p in other.items if isinstance(other, Problems) else other:
            if p.severity == "warning":
                self._add_warning(p)
            else:
                self.items.append(p)

    @property
    def errors(self) -> list[Problem]:
        """Problems that kept a record out."""
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Problems reported about records that were still used."""
        return [p for p in self.items if p.severity == "warning"]

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)


EXIT_OK, EXIT_BAD_RECORDS, EXIT_USAGE = 0, 1, 2


def report(problems: Problems, stream=None) -> int:
    """Print every problem to stderr as ``FILE[:RECORD]: field: message``; return the exit code (1 on errors)."""
    import sys

    for p in problems:
        print(p.format(), file=stream or sys.stderr)
    return EXIT_BAD_RECORDS if problems.errors else EXIT_OK
