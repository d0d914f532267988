"""The 'Begrippen' and 'Sessie voorbereiden' tabs' actions without a browser, over two real documents
of the leersteundecreet ingested by the app's own start-up (as tests/test_webapp_roles.py does).

Every listed term is checked against `KnowledgeBase.glossary()`, the API `steunwijs begrippen` uses;
a session pack's two downloads must land in the folder the page gives for the session.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

import pytest

from assistant.term_notes import meaning_shown
from kb.knowledge_base import KnowledgeBase
from steunwijs.dutch.patterns import collapse_ws
from steunwijs.settings import get_settings
from tests.webapp_corpus import subset_corpus
from webapp import texts
from webapp.handlers.glossary import GlossaryHandler, GlossarySelection
from webapp.handlers.session import SessionHandler
from webapp.startup import Startup

pytestmark = pytest.mark.slow

SMALL_CORPUS = ("003_f0048e20d44ebb64.txt", "004_f932f971383260c2.txt")  # 004 spells IAC out
MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> tuple[GlossaryHandler, SessionHandler, KnowledgeBase]:
    root = tmp_path_factory.mktemp("glossary")
    settings = get_settings(corpus_dir=subset_corpus(root / "corpus", SMALL_CORPUS), data_dir=root / "data")
    startup = Startup(settings)
    assert startup.run().ready
    return GlossaryHandler(settings, startup), SessionHandler(settings, startup), startup.knowledge_base()


def test_an_empty_search_lists_every_term_with_its_meaning_sentence_and_place(app) -> None:
    glossary, _, kb = app
    listing = glossary.search("")
    everything = kb.glossary().entries
    assert listing.message == "" and listing.selection.entries == everything and len(everything) > 3
    assert texts.GLOSSARY_COUNT.format(n=len(everything)) in listing.html
    numbers = [int(n) for n in re.findall(r'data-ref="(\d+)"', listing.html)]
    assert numbers == list(range(1, len(everything) + 1))
    for n, entry in enumerate(everything, start=1):
        assert f'<strong class="sw-term-name">{escape(entry.term)}</strong>' in listing.html
        assert escape(f"“{collapse_ws(entry.quote)}”") in listing.html
        assert escape(entry.citation(n).where()) in listing.html
        if meaning_shown(entry):
            assert escape(meaning_shown(entry)) in listing.html


def test_a_search_for_iac_finds_its_sentence_and_opens_its_passage(app) -> None:
    glossary, _, kb = app
    listing = glossary.search("IAC")
    assert listing.selection.entries == kb.glossary().search("IAC")
    first = listing.selection.entries[0]
    assert first.term == "IAC" and first.quote in first.passage.text  # verbatim in its passage
    assert escape(f"“{collapse_ws(first.quote)}”") in listing.html
    panel = glossary.open_entry("1", listing.selection)
    assert '<span class="sw-badge">[1]</span>' in panel and escape(first.passage.source) in panel
    [marked] = MARK.findall(panel)
    assert collapse_ws(marked) == escape(collapse_ws(first.quote))


def test_a_search_without_terms_and_a_number_not_listed_say_so(app) -> None:
    glossary, _, _ = app
    nothing = glossary.search("kwantumfysica")
    assert nothing.selection.entries == [] and nothing.message == texts.GLOSSARY_NOT_FOUND.format(text="kwantumfysica")
    assert escape(nothing.message) in nothing.html
    listing = glossary.search("IAC")
    for ref in ("0", str(len(listing.selection.entries) + 1), "x", None):
        assert escape(texts.GLOSSARY_SOURCE_GONE) in glossary.open_entry(ref, listing.selection)
    assert escape(texts.GLOSSARY_SOURCE_GONE) in glossary.open_entry("1", GlossarySelection())


def test_a_session_pack_is_offered_as_markdown_and_html_in_the_sessions_folder(app, tmp_path: Path) -> None:
    _, session, _ = app
    folder = tmp_path / "downloads" / "sessie-a"
    made = session.build("samenwerking leerkracht en leerondersteuner", folder)
    paths = [Path(p) for p in made.files]
    assert [p.suffix for p in paths] == [".md", ".html"]
    assert all(p.parent == folder and p.name.startswith("steunwijs-sessie-") for p in paths)
    assert paths[0].read_text(encoding="utf-8") == made.preview
    assert made.preview.startswith("# Sessie: samenwerking leerkracht en leerondersteuner")
    assert "@media print" in paths[1].read_text(encoding="utf-8")
    assert made.message.startswith("Klaar: sessieblad over")


def test_an_empty_theme_writes_nothing_and_says_so_in_dutch(app, tmp_path: Path) -> None:
    _, session, _ = app
    made = session.build("  ", tmp_path / "downloads")
    assert made.files == [] and made.preview == ""
    assert made.message.startswith("Geef een thema op")
    assert not (tmp_path / "downloads").exists()
