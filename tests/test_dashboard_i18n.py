"""The dashboard in the Convention's languages, without a browser (issue 19): every view, the recording form's callbacks, the sign-in page.

The browser test (a French chair clicking a matrix cell and recording) is in ``test_dashboard_browser.py``.
What these tests read is the catalogue itself (``crc_tools/locale/<lang>/LC_MESSAGES/crc_tools.po``),
never a list of expected translations: a message the dashboard asks for must be in the catalogue, and a
word only the dashboard uses must be translated (not left awaiting an official text).
"""

from __future__ import annotations

import ast
import asyncio
import html
import re

import pytest
from babel.messages.pofile import read_po

from crc_tools import i18n
from crc_tools.dashboard import labels
from crc_tools.dashboard.recording import Identity
from crc_tools.dashboard.route import Route

from .conftest import ROOT
from .test_dashboard import data as _data_fixture  # noqa: F401  (the sample meeting, shared: fixtures "data" and "sample")
from .test_dashboard import sample as _sample_fixture  # noqa: F401

CHAIR = Identity("alice", "chair")
CHRYSOTILE = "Chrysotile asbestos (industrial)"
EUU = "EUU-CHRYSOTILE-1999"
ROUTES = {
    "agenda": Route(),
    "item": Route(view="item", item=CHRYSOTILE),
    "shpf": Route(view="shpf"),
    "unknown item": Route(view="item", item="No such thing (pesticide)"),
}


@pytest.fixture
def translators(monkeypatch):
    """Record every translator the dashboard makes (each ``using`` block and each callback makes one)."""
    made = []

    class Recorded(i18n.Translator):
        def __post_init__(self):
            super().__post_init__()
            made.append(self)

    monkeypatch.setattr(i18n, "Translator", Recorded)
    return made


def _dashboard_only(lang: str) -> set[str]:
    """Return the messages whose every location is the dashboard's own code or templates (read from the catalogue)."""
    with open(i18n.po_path(lang), "rb") as fh:
        catalogue = read_po(fh)
    return {m.id for m in catalogue if m.id and isinstance(m.id, str) and not m.context and m.locations and all("crc_tools/dashboard/" in loc for loc, _line in m.locations)}


def _page_text(app) -> str:
    import panel as pn

    panes = [o.object for o in app.main.select(pn.pane.HTML)] + ([o.object for o in app.record.select(pn.pane.HTML)] if app.record is not None else [])
    widgets = app.record.select(pn.widgets.Widget) if app.record is not None else []
    words = [str(getattr(w, "label", "") or getattr(w, "name", "")) for w in widgets] + [str(k) for w in widgets for k in (getattr(w, "options", None) or {})]
    header = " ".join(str(v) for v in app.header().values())
    return html.unescape(re.sub(r"<[^>]+>", " ", " ".join([*panes, *words, header])))


@pytest.mark.parametrize("lang", ["fr", "es", "nl"])
@pytest.mark.parametrize("view", list(ROUTES))
def test_every_view_asks_only_for_catalogue_entries_and_translates_its_own_words(data, translators, view, lang):
    from dataclasses import replace

    from crc_tools.dashboard.serve import build_app

    app = build_app(data, identity=CHAIR, route=replace(ROUTES[view], lang=lang), logins=True, poll=False)
    text = _page_text(app)
    used = set().union(*(t.used for t in translators))
    missing = set().union(*(t.missing for t in translators))
    assert used, "the page asked the catalogue for nothing"
    assert sorted(missing) == [], "messages the catalogue does not hold (run python -m crc_tools.i18n update)"
    unexplained = sorted({m for t in translators for m in t.unexplained()})
    assert unexplained == [], "shown in English without being marked as awaiting an official text"
    own = _dashboard_only(lang)
    english = sorted({m for t in translators for m in t.fallbacks()} & own)
    assert english == [], "a word only the dashboard uses is left in English"
    # and on the page itself, no sentence of the dashboard's own stays English
    long_english = [m for m in own if len(m) > 24 and "{" not in m and "<" not in m and m in text]
    assert long_english == []


def test_the_agenda_in_french_shows_french_headings_regions_and_stages_while_data_stay_as_given(data):
    from crc_tools.dashboard.serve import build_app

    app = build_app(data, identity=Identity(), route=Route(lang="fr"), logins=True, poll=False)
    text = _page_text(app)
    with i18n.using("fr", context=i18n.DASHBOARD):
        for english in ("Agenda: chemicals under review", "Chemical", "Stage", "Category", "every region"):
            assert i18n._(english) in text and i18n._(english) != english
        assert i18n.lookup("Latin America and the Caribbean") in text  # the region filter's options
    assert "Chrysotile asbestos" in text  # a chemical's name is data: never translated


def test_the_recording_form_speaks_french_in_its_callbacks(data):
    """Panel calls a button's handler after the page was built, outside its language block: the form still answers in French."""
    from crc_tools.dashboard.serve import build_app

    app = build_app(data, identity=CHAIR, route=Route(view="item", item=CHRYSOTILE, lang="fr"), logins=True, poll=False)
    form = app.view.form
    assert i18n.current_lang() == "en"  # what Panel's callbacks find
    form.show_review()
    with i18n.using("fr", context=i18n.DASHBOARD):
        not_ready, choose = i18n._("Not ready to record: {why}").split("{")[0], i18n._("Choose {what}.").split("{")[0]
        stored = i18n._("Stored as register entry {entry}.").split("{")[0]
        criterion_label = i18n._("Criterion")
    assert not_ready in form.message.object and choose in form.message.object
    app.view._on_cell(type("E", (), {"new": [{"notification_id": EUU}, {"criterion": "(d)"}]})())  # a matrix click
    assert (form.subject.value, form.criterion.value) == (EUU, "(d)")
    form.status.value = "met"
    form.show_review()
    sentence = html.unescape(form.message.object)
    assert "La conclusion du Comité" in sentence and "Annexe II" in sentence and "rempli" in sentence and EUU in sentence
    outcome = asyncio.run(form.confirm_and_record())
    assert outcome.state == "stored" and stored in outcome.message
    assert form.criterion.name == criterion_label  # after the form cleared itself, its labels are still French
    assert "— choisir —" in form.subject.options


def test_english_is_unchanged(data):
    from crc_tools.dashboard.serve import build_app

    app = build_app(data, identity=CHAIR, route=Route(view="item", item=CHRYSOTILE), logins=True, poll=False)
    text = _page_text(app)
    for english in ("Criterion-by-notification matrix", "PIC regions", "Review before recording", "Annex II: committee"):
        assert english in text


@pytest.mark.parametrize("lang", ["fr", "es", "nl"])
def test_recorded_phrases_are_put_back_together_in_the_language(lang):
    with i18n.using(lang, context=i18n.DASHBOARD) as tr:
        assert labels.said("met (register entry 12)") == f"{i18n._('met')} ({i18n._('register entry')} 12)"
        assert labels.said("task group proposes: not met") == i18n._("{who} proposes: {what}").format(who=i18n._("task group"), what=i18n._("not met"))
        assert labels.said("superseded by entry 14 (correction)") == i18n._("superseded by entry {entry} ({how})").format(entry=14, how=i18n._("correction"))
        assert labels.said("Pest Control Products Board, 12 May 2004") == "Pest Control Products Board, 12 May 2004"  # data stay as given
        assert sorted(tr.missing) == []


def test_the_region_and_category_words_are_the_conventions_lists():
    from crc_tools.convention.reference import PIC_REGIONS

    assert tuple(labels.REGION_WORDS) == tuple(PIC_REGIONS)
    assert set(labels.CATEGORY_WORDS) == {"pesticide", "industrial"}


@pytest.mark.parametrize("lang", ["fr", "es", "nl"])
def test_the_sign_in_page_follows_the_page_it_returns_to(lang):
    from crc_tools.dashboard.web import WebSettings, render_plain

    class Handler:
        def __init__(self, args):
            self.args = args

        def get_argument(self, name, default=None):
            return self.args.get(name, default)

    settings = WebSettings.__new__(WebSettings)
    object.__setattr__(settings, "meeting", "CRC-21")
    page = render_plain(Handler({"next": f"/?item=x&lang={lang}"}), settings, title=i18n.N_("Sign in to record"), form="login", csrf="t", next="/")
    assert f'<input type="hidden" name="lang" value="{lang}">' in page  # the answer to the form (wrong password, signed out) stays in the language
    with i18n.using(lang, context=i18n.DASHBOARD):
        assert f'<html lang="{i18n.BCP47[lang]}">' in page
        for english in ("Sign in to record", "User name", "Password", "Back to the dashboard"):
            assert html.escape(i18n._(english), quote=True) in page and i18n._(english) != english
    english = render_plain(Handler({"next": "/?lang=xx"}), settings, title="Sign in to record", form="login", csrf="t", next="/")
    assert "User name" in english and '<html lang="en">' in english  # an unknown language falls back to English


def test_no_function_shadows_the_gettext_underscore():
    """``for f, _ in pairs`` inside a function that calls ``_()`` makes ``_`` local (Python 3.12 inlines comprehensions): an UnboundLocalError at run time."""
    bad = []
    for path in sorted((ROOT / "crc_tools").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            a = fn.args
            params = [x.arg for x in [*a.posonlyargs, *a.args, *a.kwonlyargs]] + [x.arg for x in (a.vararg, a.kwarg) if x is not None]
            body = fn.body if isinstance(fn.body, list) else [fn.body]
            nodes = [x for n in body for x in ast.walk(n)]
            local = "_" in params or any(isinstance(x, ast.Name) and x.id == "_" and isinstance(x.ctx, ast.Store) for x in nodes)
            calls = any(isinstance(x, ast.Call) and isinstance(x.func, ast.Name) and x.func.id == "_" for x in nodes)
            if local and calls:
                bad.append(f"{path.relative_to(ROOT)}:{fn.lineno}")
    assert bad == []


@pytest.mark.parametrize("lang", ["fr", "es", "nl"])
def test_a_translated_plural_fills_every_form_of_the_language(lang):
    """French and Spanish have three plural forms in Babel's locale data (one, many, other): an empty one would show English for 3."""
    with open(i18n.po_path(lang), "rb") as fh:
        catalogue = read_po(fh, locale=lang)
    plurals = [m for m in catalogue if isinstance(m.id, (tuple, list)) and not m.fuzzy and any(m.string)]
    assert plurals, "no translated plural to check"
    for m in plurals:
        assert len(m.string) == catalogue.num_plurals and all(m.string), m.id
    with i18n.using(lang):
        for n in (0, 1, 2, 3, 21, 1_000_000):
            assert "PIC region" not in i18n.ngettext("{n} PIC region", "{n} PIC regions", n)


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_party_names_on_the_meeting_view_are_unterms_in_the_language(data, lang):
    """Issue 19: the notifying Parties in the table, the tiles, the matrix and the form's choices are UNTERM's short names."""
    from crc_tools.convention.party_names import party_label
    from crc_tools.dashboard.serve import build_app

    app = build_app(data, identity=CHAIR, route=Route(view="item", item=CHRYSOTILE, lang=lang), logins=True, poll=False)
    text = _page_text(app)
    differ = 0
    for english in ("Chile", "Australia", "European Union"):
        shown = party_label(english, lang)
        assert shown in text
        if shown != english:
            differ += 1
            assert re.search(rf"(?<![\w-]){english}(?![\w-])", text) is None, f"{english} left in English"
    assert differ >= 1
    assert any(label.startswith(party_label("Chile", lang) + " · ") for label in app.view.form.subject.options)


@pytest.mark.parametrize("lang", ["fr", "es", "nl"])
def test_what_a_chemical_still_needs_is_shown_clause_by_clause_in_the_language(lang):
    """The review status's ``missing`` is English (the command-line contract); the dashboard shows each clause through the catalogue, Party names as UNTERM gives them."""
    from crc_tools.convention.party_names import party_label
    from crc_tools.dashboard.html import words
    from crc_tools.notifications.status_parts import stage_and_missing

    _stage, missing = stage_and_missing(0, 0, n_notified=2, n_reviewed=0, forward=False, recommend=False, entry=None, unplaced=["Chile"], non_parties=["Andorra"])
    assert "are not counted" in missing and missing.count("; ") >= 2  # what the contract prints
    with i18n.using(lang, context=i18n.DASHBOARD) as tr:
        shown = words(missing)
        assert sorted(tr.missing) == [] and tr.unexplained() == []
    assert "are not counted" not in shown and "Secretariat's verification" not in shown
    if lang in ("fr", "es"):
        assert party_label("Chile", lang) in shown and party_label("Andorra", lang) in shown
