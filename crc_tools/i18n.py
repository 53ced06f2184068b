"""The suite's own words in the Convention's languages: message catalogues, dates and numbers.

Every fixed string of the documents and of the dashboard is an English ``msgid`` in the gettext
domain ``crc_tools`` (``crc_tools/locale/<lang>/LC_MESSAGES/crc_tools.po``, extracted by
``pybabel extract -F babel.cfg``). English is the identity; French and Spanish are authentic
languages of the Convention (Article 30); Dutch is an official translation (Trb. 1999, 30) used
for the dashboard's labels and the Convention's item texts only.

Official wording only: an entry that quotes the Convention or a published DGD names its source
(``#. source: ...``); an entry whose official text has not been found is kept ``#, fuzzy`` with
the comment "awaiting an official text", and the English is shown. The translator records which
``msgid`` fell back to English so a document can say so (:meth:`Translator.fallbacks`).

The ``.po`` files are the single source: each is compiled into a ``.mo`` in a cache folder when
the ``.mo`` is missing or older (:func:`compiled`), so a fresh clone needs no build step.

This module sits at the bottom of the package order (beside :mod:`crc_tools.text`) and imports
nothing from the suite.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import gettext as _gettext
import io
import os
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DOMAIN = "crc_tools"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "fr", "es", "nl")
"""Every language of the suite's words: the dashboard offers all four."""
DOCUMENT_LANGUAGES = ("en", "fr", "es")
"""Languages of the circulated documents (DGD, rationale, synopsis, Circular): English, French, Spanish."""
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español", "nl": "Nederlands"}
"""Each language as it names itself (the dashboard's language switch)."""
BCP47 = {"en": "en-GB", "fr": "fr-FR", "es": "es-ES", "nl": "nl-NL"}
"""Language tags for HTML ``lang`` and the DOCX proofing language (UN documents use British English)."""
EXTRACT_KEYWORDS = {"_": (1,), "N_": (1,), "P_": (1, 2), "ngettext": (1, 2), "lookup": (1,), "field": (1,), "section": (2,), "heading": (1,), "to_complete": (1,), "Column": (2,), "with_parties": (1,), "with_parties_n": (1, 2)}
"""The calls whose literal string arguments are messages (argument positions, from 1): gettext's own, the
document model's constructors (:mod:`crc_tools.documents.model`) and the dashboard's table columns
(:class:`crc_tools.dashboard.html.Column`), which translate their labels, and
:func:`crc_tools.documents.style.with_parties` / ``with_parties_n`` (``_`` and ``ngettext`` with Party names in their language's form)."""
EXTRACT_NAMED = {"section": ("heading_text",), "fields": ("caption",), "table": ("caption", "empty"), "Column": ("hint",), "pager": ("label", "noun")}
"""Named arguments of the constructors that are messages too (``number=N_("Annex 2")`` is marked explicitly elsewhere)."""
AWAITING = "awaiting an official text"
"""The translator comment of an entry whose official text has not been found."""


def N_(message: str) -> str:
    """Mark a string for extraction without translating it (it is translated where it is shown)."""
    return message


def check_language(lang, allowed=LANGUAGES) -> str:
    """Return a language code from ``allowed``, or raise ``ValueError`` naming the known ones."""
    code = str(lang or "en").strip().casefold().replace("_", "-").split("-")[0]
    if code not in allowed:
        raise ValueError(f"unknown language '{lang}'; known: {', '.join(allowed)}")
    return code


# --------------------------------------------------------------------------- catalogues


def po_path(lang: str) -> Path:
    """Return the ``.po`` file of a language."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def cache_dir() -> Path:
    """Return where compiled catalogues go: ``$CRC_TOOLS_CACHE`` or ``$XDG_CACHE_HOME/crc-tools`` (``~/.cache/crc-tools``)."""
    base = os.environ.get("CRC_TOOLS_CACHE") or os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "crc-tools")
    return Path(base) / "locale"


def _read_po(path: Path):
    from babel.messages.pofile import read_po

    with open(path, "rb") as fh:
        return read_po(fh, locale=path.parent.parent.name, domain=DOMAIN)


def _mo_bytes(catalog) -> bytes:
    from babel.messages.mofile import write_mo

    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)  # a fuzzy entry stays English
    return buf.getvalue()


def compiled(lang: str) -> bytes:
    """Return the compiled ``.mo`` of a language, compiling the ``.po`` into the cache when the ``.mo`` is missing or older.

    Where the cache cannot be written the catalogue is compiled in memory; the ``.po`` is
    always the source.
    """
    po = po_path(lang)
    mo = cache_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
            return mo.read_bytes()
    except OSError:
        pass
    data = _mo_bytes(_read_po(po))
    try:
        mo.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".crc_tools-", suffix=".mo", dir=mo.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, mo)
    except OSError:
        pass
    return data


@dataclass(frozen=True)
class Entry:
    """What the catalogue says about one ``msgid``: its translation (``""`` when none) and whether it awaits an official text."""

    msgstr: str
    fuzzy: bool
    awaiting: bool
    comments: tuple[str, ...] = ()


DASHBOARD = "dashboard"
"""The message context of the dashboard's own words where a document uses the same English word (``msgctxt "dashboard"``).

A document's headings take official wording only, so "Party" in a DGD table awaits an official
French text; the dashboard's column "Party" is the suite's interface word and may be translated
by the team. The dashboard's translator (``using(lang, context=DASHBOARD)``) looks for the
entry in this context first (marked for extraction with :func:`P_`)."""


def P_(context: str, message: str) -> str:
    """Mark a message in a context for extraction (``msgctxt``) without translating it."""
    return message


@lru_cache(maxsize=16)
def _contextual(lang: str, mtime: float) -> dict[tuple[str, str], Entry]:
    out = {}
    for m in _read_po(po_path(lang)):
        if m.id and m.context and isinstance(m.id, str):
            comments = (" ".join(m.auto_comments), " ".join(m.user_comments))
            out[(m.context, m.id)] = Entry(str(m.string or ""), m.fuzzy, any(AWAITING in c for c in comments), comments)
    return out


@lru_cache(maxsize=16)
def _entries(lang: str, mtime: float) -> dict[str, Entry]:
    out = {}
    for m in _read_po(po_path(lang)):
        if not m.id or m.context:
            continue
        msgid = m.id[0] if isinstance(m.id, (tuple, list)) else m.id  # a plural entry by its singular
        msgstr = (m.string[0] if m.string else "") if isinstance(m.string, (tuple, list)) else m.string
        comments = (" ".join(m.auto_comments), " ".join(m.user_comments))  # a long comment is written over several lines
        out[msgid] = Entry(str(msgstr or ""), m.fuzzy, any(AWAITING in c for c in comments), comments)
    return out


def entries(lang: str) -> dict[str, Entry]:
    """Return every entry of a language's catalogue by ``msgid`` (English: none)."""
    if lang == "en" or not po_path(lang).is_file():
        return {}
    return _entries(lang, po_path(lang).stat().st_mtime)


@lru_cache(maxsize=16)
def _translations(lang: str, mtime: float) -> _gettext.NullTranslations:
    return _gettext.GNUTranslations(io.BytesIO(compiled(lang)))


# --------------------------------------------------------------------------- the translator


@dataclass
class Translator:
    """The suite's words in one language, with a record of what was asked and what stayed English."""

    lang: str = "en"
    used: set = field(default_factory=set)
    missing: set = field(default_factory=set)
    context: str = ""

    def __post_init__(self):
        self.lang = check_language(self.lang)
        po = po_path(self.lang)
        self._t = _translations(self.lang, po.stat().st_mtime) if self.lang != "en" and po.is_file() else _gettext.NullTranslations()
        self._entries = entries(self.lang)
        own = _contextual(self.lang, po.stat().st_mtime) if self.context and self.lang != "en" and po.is_file() else {}
        self._own = {m: e.msgstr for (c, m), e in own.items() if c == self.context and e.msgstr and not e.fuzzy}
        self._translated = {e.msgstr for e in self._entries.values() if e.msgstr and not e.fuzzy} | set(self._own.values())

    def gettext(self, message: str) -> str:
        """Return a message in this language (the English where the catalogue has no official text)."""
        message = str(message)
        if self.lang == "en" or not message:
            return message
        if message in self._translated:
            return message  # already in this language (a heading composed of translated parts)
        if message in self._own:
            return self._own[message]  # the context's own word (the dashboard's "Party", not the DGD's)
        self.used.add(message)
        if message not in self._entries:
            self.missing.add(message)
        return self._t.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Return the singular or plural form of a message for ``n``."""
        if self.lang == "en":
            return singular if n == 1 else plural
        self.used.add(singular)
        return self._t.ngettext(singular, plural, n)

    def lookup(self, text: str) -> str:
        """Return a text translated if it is a catalogue entry, else unchanged (labels that may be data, such as a Party's name)."""
        text = str(text)
        if self.lang == "en" or (text not in self._entries and text not in self._own):
            return text
        return self.gettext(text)

    def entry(self, message: str) -> Entry | None:
        """Return the catalogue's entry for a message, or ``None``."""
        return self._entries.get(message)

    def fallbacks(self) -> list[str]:
        """Return the messages asked for that are shown in English: fuzzy, untranslated or not in the catalogue, in order."""
        out = []
        for m in self.used:
            e = self._entries.get(m)
            if e is None or e.fuzzy or not e.msgstr:
                out.append(m)
        return sorted(out, key=str.casefold)

    def unexplained(self) -> list[str]:
        """Return the messages shown in English that are neither translated nor marked as awaiting an official text (a catalogue gap)."""
        return [m for m in self.fallbacks() if not (m in self._entries and self._entries[m].awaiting)]


_CURRENT: contextvars.ContextVar[Translator | None] = contextvars.ContextVar("crc_tools_translator", default=None)


def translator(lang: str = "en") -> Translator:
    """Return a new translator for a language (``en``: the identity)."""
    return Translator(lang)


def current() -> Translator:
    """Return the translator in use (English unless inside :func:`using`)."""
    tr = _CURRENT.get()
    return tr if tr is not None else Translator("en")


def current_lang() -> str:
    """Return the language in use."""
    tr = _CURRENT.get()
    return tr.lang if tr is not None else "en"


@contextlib.contextmanager
def using(lang_or_translator, *, context: str = ""):
    """Use a language (or a translator) for what is built inside the block; yield the translator.

    ``context`` (e.g. :data:`DASHBOARD`) makes the translator look for that context's own entries first.
    """
    tr = lang_or_translator if isinstance(lang_or_translator, Translator) else Translator(lang_or_translator, context=context)
    token = _CURRENT.set(tr)
    try:
        yield tr
    finally:
        _CURRENT.reset(token)


def speaking(method):
    """Run a method in the language of its object (``self.lang``): for callbacks that run outside :func:`using`.

    A dashboard session's buttons and watchers are called by Panel after the page was built,
    outside the ``using`` block that built it; decorated, what they redraw stays in the
    session's language. Works for plain and ``async`` methods.
    """
    import functools
    import inspect

    if inspect.iscoroutinefunction(method):

        @functools.wraps(method)
        async def run_async(self, *args, **kwargs):
            with using(getattr(self, "lang", None) or "en", context=DASHBOARD):
                return await method(self, *args, **kwargs)

        return run_async

    @functools.wraps(method)
    def run(self, *args, **kwargs):
        with using(getattr(self, "lang", None) or "en", context=DASHBOARD):
            return method(self, *args, **kwargs)

    return run


def _(message: str) -> str:
    """Return a message in the language in use."""
    tr = _CURRENT.get()
    return str(message) if tr is None else tr.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Return the singular or plural of a message in the language in use."""
    tr = _CURRENT.get()
    return (singular if n == 1 else plural) if tr is None else tr.ngettext(singular, plural, n)


def lookup(text: str) -> str:
    """Return a text translated when it is a catalogue entry, else unchanged."""
    tr = _CURRENT.get()
    return str(text) if tr is None else tr.lookup(text)


# --------------------------------------------------------------------------- extraction


def extract_python(fileobj, keywords, comment_tags, options):
    """Babel extractor for the suite's Python: every literal string argument of :data:`EXTRACT_KEYWORDS` calls, nested or not.

    Babel's own Python extractor drops a message nested in the call of another keyword
    (``section("1", "Heading", blocks=[p(_("Text"))])``); this one reads the syntax tree, so
    every call counts. f-strings are not messages (use ``_("... {name}").format(name=...)``).
    """
    import ast

    try:
        tree = ast.parse(fileobj.read())
    except SyntaxError:
        return
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr if isinstance(node.func, ast.Attribute) else ""
        found = [node.args[i - 1] for i in EXTRACT_KEYWORDS.get(name, ()) if i <= len(node.args)]
        found += [k.value for k in node.keywords if k.arg in EXTRACT_NAMED.get(name, ())]
        strings = [a.value for a in found if isinstance(a, ast.Constant) and isinstance(a.value, str) and a.value]
        if name in ("ngettext", "P_", "with_parties_n") and len(strings) == 2:
            yield node.lineno, "pgettext" if name == "P_" else "ngettext", tuple(strings), []
        else:
            for message in strings:
                yield node.lineno, None, message, []


def extract_convention_items(fileobj, keywords, comment_tags, options):
    """Babel extractor for ``data/reference/convention_items.yaml``: every set title, group text, heading and item text.

    Declared in ``babel.cfg``; yields ``(line, None, message, comments)`` where the comment
    names the Convention's paragraph (``Annex II (b)(i)``), so a translator knows which
    official text to quote.
    """
    import yaml

    text = fileobj.read().decode("utf-8")
    data = yaml.safe_load(text) or {}
    lines = text.splitlines()

    def line_of(message: str) -> int:
        return next((i for i, line in enumerate(lines, start=1) if message in line), 0)

    for name, item_set in (data.get("sets") or {}).items():
        label = name.replace("_", " ").title()
        if item_set.get("title"):
            yield line_of(item_set["title"]), None, item_set["title"], [f"{label}: title"]
        for group, message in (item_set.get("groups") or {}).items():
            yield line_of(message), None, message, [f"{label} {group}: chapeau"]
        for item in item_set.get("items") or []:
            if item.get("heading"):
                yield line_of(item["heading"]), None, item["heading"], [f"{label}: heading of {item['id']}"]
            yield line_of(item["text"]), None, item["text"], [f"{label} {item['id']}"]


_HEADING = r"^(#{1,6})[ \t]+(.+?)[ \t]*$"


def extract_notebook_headings(fileobj, keywords, comment_tags, options):
    """Babel extractor for the notebooks (jupytext percent ``.py``): the heading of every Markdown cell.

    The headings are the suite's words (a notebook's sections); the prose under them and the
    code are not messages. Declared in ``babel.cfg``.
    """
    import re

    import jupytext

    nb = jupytext.reads(fileobj.read().decode("utf-8"), fmt="py:percent")
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                m = re.match(_HEADING, line)
                if m:
                    yield 0, None, m.group(2), ["notebook heading"]


def translate_headings(nb, lang: str) -> list[str]:
    """Put every Markdown heading of a notebook into a language, in place; return the headings left in English.

    Only the headings change (the catalogue's entries); the prose, the code and the parameters
    stay as they are, so the notebook runs exactly as the English one. The notebook's metadata
    records the language (``crc_tools.lang``).
    """
    import re

    english = []
    with using(lang) as tr:
        for cell in nb.cells:
            if cell.cell_type != "markdown":
                continue
            lines = []
            for line in cell.source.splitlines():
                m = re.match(_HEADING, line)
                lines.append(f"{m.group(1)} {tr.gettext(m.group(2))}" if m else line)
            cell.source = "\n".join(lines)
        english = tr.fallbacks()
    nb.metadata.setdefault("crc_tools", {})["lang"] = lang
    return english


def translate_notebook(source: str | os.PathLike, target: str | os.PathLike, lang: str) -> list[str]:
    """Write a copy of a notebook (``.py`` percent or ``.ipynb``) with its headings in a language; return the headings left in English.

    The target is written whole or not at all (a temporary file, then renamed); an existing
    target is replaced only when it is a notebook this function wrote (its metadata says so).
    """
    import jupytext

    lang = check_language(lang)
    nb = jupytext.read(source)
    english = translate_headings(nb, lang)
    target = Path(target)
    fmt = "ipynb" if target.suffix == ".ipynb" else "py:percent"
    if target.exists() and "crc_tools" not in jupytext.read(target).metadata:
        raise FileExistsError(f"{target}: exists and is not a translated notebook; choose another name")
    fd, tmp = tempfile.mkstemp(prefix=".crc_tools-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    jupytext.write(nb, tmp, fmt=fmt)
    os.replace(tmp, target)
    return english


# --------------------------------------------------------------------------- dates and numbers


def format_date_long(value: dt.date, lang: str | None = None) -> str:
    """Return a date in a language's long form: ``31 December 2003``, ``31 décembre 2003``, ``31 de diciembre de 2003``."""
    lang = check_language(lang or current_lang())
    if lang == "en":
        return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
    from babel.dates import format_date

    return format_date(value, format="long", locale=lang)


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def format_number(value, lang: str | None = None) -> str:
    """Return a number with the language's separators (``1,234.5``; ``1 234,5``; ``1234,5``)."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=BCP47[check_language(lang or current_lang())].replace("-", "_"))


__all__ = [
    "DOMAIN", "DASHBOARD", "P_", "LOCALE_DIR", "LANGUAGES", "DOCUMENT_LANGUAGES", "LANGUAGE_NAMES", "BCP47", "AWAITING", "N_", "check_language",
    "po_path", "compiled", "entries", "Entry", "Translator", "translator", "current", "current_lang", "using", "speaking", "_", "ngettext", "lookup",
    "format_date_long", "format_number", "extract_python", "extract_notebook_headings", "translate_headings", "translate_notebook", "extract_convention_items", "extract_args", "merge_template", "EXTRACT_KEYWORDS",
]


def extract_args(output: str | os.PathLike) -> list[str]:
    """Return the ``pybabel`` arguments that extract every message of the suite into ``output`` (run from the repository root)."""
    args = ["extract", "-F", "babel.cfg", "--no-wrap", "--sort-by-file", "--project", "crc-tools", "--copyright-holder", "crc-tools contributors"]
    return args + ["-o", str(output), "."]


def _minus(lines, remove) -> list[str]:
    out, remove = list(lines), list(remove)
    for r in remove:
        if r in out:
            out.remove(r)
    return out


def merge_template(catalog, template):
    """Merge a template into a catalogue in place: every translation, flag and comment of ours kept.

    ``pybabel update`` replaces the ``#.`` comments by the template's, which would drop each
    entry's ``source:`` and "awaiting an official text"; here the template's extracted comments
    and locations are refreshed, ours kept after them. A new message comes fuzzy, awaiting an
    official text; a message no longer in the code is dropped.
    """
    wanted = {(m.id if isinstance(m.id, str) else tuple(m.id), m.context) for m in template if m.id}
    for m in list(catalog):
        if m.id and (m.id if isinstance(m.id, str) else tuple(m.id), m.context) not in wanted:
            catalog.delete(m.id, context=m.context)
    for m in template:
        if not m.id:
            continue
        old = catalog.get(m.id, context=m.context)
        if old is None:
            string = ("",) * catalog.num_plurals if isinstance(m.id, (tuple, list)) else ""
            catalog.add(m.id, string, locations=m.locations, flags=set(m.flags) | {"fuzzy"}, auto_comments=[*m.auto_comments, AWAITING], context=m.context)
            continue
        ours = _minus(old.auto_comments, m.auto_comments)
        old.locations = list(m.locations)
        old.auto_comments = [*m.auto_comments, *ours]
        old.flags = set(old.flags) | (set(m.flags) - {"fuzzy"})
    return catalog


def main(argv: list[str] | None = None) -> int:
    """``python -m crc_tools.i18n extract|update|awaiting LANG|notebook SOURCE TARGET LANG``.

    Refresh the template, merge it into each catalogue, list what awaits an official text, or
    write a copy of a notebook with its headings in a language (:func:`translate_notebook`).

    ``update`` merges the template into each catalogue (:func:`merge_template`): a new message
    comes fuzzy, "awaiting an official text" (never guessed from a similar one); a translator
    then fills it from an official text (docs/languages.md).
    """
    import sys

    from babel.messages.frontend import CommandLineInterface

    argv = list(sys.argv[1:] if argv is None else argv)
    pot = LOCALE_DIR / f"{DOMAIN}.pot"
    cli = CommandLineInterface()
    if len(argv) == 2 and argv[0] == "awaiting" and argv[1] in LANGUAGES[1:]:
        for message, e in sorted(entries(argv[1]).items(), key=lambda x: x[0].casefold()):
            if e.fuzzy or not e.msgstr:
                print(" ".join(message.split()))
        return 0
    if len(argv) == 4 and argv[0] == "notebook":
        try:
            english = translate_notebook(argv[1], argv[2], argv[3])
        except (OSError, ValueError) as exc:
            print(f"crc_tools.i18n: {exc}", file=sys.stderr)
            return 1
        print(f"{argv[2]}: headings in {argv[3]}" + (f"; in English, awaiting a translation: {'; '.join(english)}" if english else ""))
        return 0
    if not argv or argv[0] not in ("extract", "update"):
        print("usage: python -m crc_tools.i18n extract|update|awaiting LANG|notebook SOURCE TARGET LANG", file=sys.stderr)
        return 2
    cli.run(["pybabel", "-q", *extract_args(pot)])
    if argv[0] == "update":
        from babel.messages.pofile import write_po

        template = _read_po(pot)
        for lang in LANGUAGES[1:]:
            catalog = merge_template(_read_po(po_path(lang)), template)
            with open(po_path(lang), "wb") as fh:
                write_po(fh, catalog, width=0, sort_by_file=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
