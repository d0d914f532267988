"""The app's actions without a browser, over a real knowledge base in a temp data folder.

The chat, document and about tests run over a private copy of the session's ingested default
corpus (`corpus_kb`), so that uploads and feedback never touch the shared one; the start-up test
ingests two small documents itself. The real model, Chroma store and assistant answer throughout.
"""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path
from typing import Any

import gradio as gr
import pytest

from steunwijs.settings import Settings, get_settings
from tests.webapp_corpus import copy_data_dir, subset_corpus
from webapp import texts
from webapp.chat_format import message_answer_index
from webapp.handlers import Handlers
from webapp.handlers.documents import Listing
from webapp.session import ChatSession
from webapp.startup import Phase, Startup, Status

SMALL_CORPUS = ("002_6a138d292be975d4.txt", "003_f0048e20d44ebb64.txt")
LINK = re.compile(r"\]\(#(sw-\d+-\d+)\)")
FILE, PASSAGES = texts.DOCS_COLUMNS.index("Bestand"), texts.DOCS_COLUMNS.index("Passages")


@pytest.fixture(scope="module")
def handlers(corpus_kb, tmp_path_factory: pytest.TempPathFactory) -> Handlers:
    """Handlers over a copy of the ingested default corpus, opened by the app's own start-up."""
    data = copy_data_dir(corpus_kb.settings.data_dir, tmp_path_factory.mktemp("webapp") / "data")
    settings = get_settings(data_dir=data)
    startup = Startup(settings)
    status = startup.run()
    assert status.message == texts.STATUS_READY.format(
        documents=len(corpus_kb.documents()), passages=sum(d.passages for d in corpus_kb.documents())
    )
    return Handlers(settings, startup)


def finished(startup: Startup, timeout_s: float) -> Status:
    """The start-up's status once its background thread has finished (ready or failed)."""
    deadline = time.monotonic() + timeout_s
    while startup.status().phase not in (Phase.READY, Phase.FAILED) and time.monotonic() < deadline:
        time.sleep(0.2)
    return startup.status()


class RecordedProgress:
    """Stands in for gr.Progress: records what the handler reports."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, str | None]] = []

    def __call__(self, progress: Any, desc: str | None = None, **_: Any) -> None:
        self.calls.append((progress, desc))


def ask(handlers: Handlers, question: str, persona: str, session: ChatSession, history: list[dict]) -> list[tuple]:
    return list(handlers.chat.respond(question, history, persona, session))


@pytest.mark.slow
def test_startup_ingests_an_empty_store_once_and_says_so(tmp_path: Path) -> None:
    settings = get_settings(corpus_dir=subset_corpus(tmp_path / "corpus", SMALL_CORPUS), data_dir=tmp_path / "data")
    startup = Startup(settings)
    startup.start()
    status = finished(startup, 600)
    handlers = Handlers(settings, startup)
    assert status.message == texts.STATUS_READY_INGESTED.format(
        documents=2, passages=sum(row[PASSAGES] for row in handlers.documents.listing().rows)
    )
    assert "sw-ready" in handlers.about.status_html()
    again = Startup(settings).run()  # the store is filled now: no second ingest
    assert again.message.startswith("Kennisbank klaar: 2 documenten")
    assert "ingelezen" not in again.message


def test_a_question_before_the_knowledge_base_is_ready_gets_a_clear_answer(tmp_settings: Settings) -> None:
    handlers = Handlers(tmp_settings, Startup(tmp_settings))  # start-up not run yet
    session = ChatSession()
    [(message, returned, *_)] = ask(handlers, "Wat doet een leerondersteuner?", "directie", session, [])
    assert message == texts.NOT_READY
    assert returned.answers == []
    assert "sw-busy" in handlers.about.status_html()
    assert handlers.documents.listing() == Listing([], [], texts.NOT_READY)  # said on the tab, not hidden
    assert f"_{texts.NOT_READY}_" in handlers.about.markdown()


def test_a_lost_chroma_server_is_reported_on_the_page_and_in_the_chat(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = get_settings(data_dir=tmp_path / "data", chroma_url=f"http://127.0.0.1:{port}")
    startup = Startup(settings)
    startup.start()
    status = finished(startup, 120)
    assert status.phase is Phase.FAILED and f"127.0.0.1:{port}" in status.message
    handlers = Handlers(settings, startup)
    assert "sw-failed" in handlers.about.status_html()
    [(message, *_)] = ask(handlers, "Wat doet een leerondersteuner?", "directie", ChatSession(), [])
    assert message == status.message


@pytest.mark.slow
def test_answer_streams_growing_text_then_the_final_message(handlers: Handlers) -> None:
    session = ChatSession()
    outputs = ask(handlers, "Wat is de rol van de directie bij leersteun op school?", "directie", session, [])
    partial = [message for message, *_ in outputs[:-1]]
    assert partial and all(isinstance(text, str) for text in partial)
    assert all(later.startswith(earlier) for earlier, later in zip(partial, partial[1:]))
    final, returned, panel, sources = outputs[-1]
    assert isinstance(final, dict) and message_answer_index(final) == 0
    assert returned.answers[0].persona == "directie" and not returned.answers[0].abstained
    assert LINK.search(final["content"]), final["content"]
    assert sources["choices"] and sources["interactive"] is True
    assert texts.SOURCE_PANEL_EMPTY in panel
    for _, _, panel_update, sources_update in outputs[:-1]:  # the side panel waits for the final answer
        assert panel_update == gr.skip() and sources_update == gr.skip()


@pytest.mark.slow
def test_a_marker_opens_its_source_with_the_quote_highlighted(handlers: Handlers) -> None:
    session = ChatSession()
    final, *_ = ask(handlers, "Welke rol speelt de leerkracht in co-teaching?", "leerondersteuner", session, [])[-1]
    ref = LINK.search(final["content"])[1]
    answer = session.answers[0]
    citation = answer.citations[int(ref.rsplit("-", 1)[1]) - 1]
    html, dropdown = handlers.chat.open_marker(session, gr.EventData(None, {"ref": ref}))
    assert dropdown["value"] == ref  # the sources list shows the same source
    assert citation.title in html and (citation.era or "") in html
    assert f"{citation.lines[0]}–{citation.lines[1]}" in html
    marked = re.search(r"<mark>(.*?)</mark>", html, re.S)
    assert marked and " ".join(marked[1].split()) == " ".join(citation.quote.split())
    assert texts.SOURCE_GONE in handlers.chat.open_source(ref, ChatSession())  # not an answer of this chat
    assert texts.SOURCE_GONE in handlers.chat.open_source("sw-0-99", session)


@pytest.mark.slow
def test_a_follow_up_keeps_the_conversation(handlers: Handlers) -> None:
    session = ChatSession()
    history: list[dict] = []
    first_question = "Wat is een ankerfiguur van het ondersteuningsnetwerk?"
    final, session, *_ = ask(handlers, first_question, "leerondersteuner", session, history)[-1]
    history += [{"role": "user", "content": first_question}, final]
    follow_up = "En wat verwacht men daarbij van de directie?"
    final, session, *_ = ask(handlers, follow_up, "leerondersteuner", session, history)[-1]
    rewritten = session.answers[1].rewritten_question
    # rewritten with the first turn: retrieval is about the network the conversation is about
    assert rewritten and "ondersteuningsnetwerk" in rewritten.lower()
    assert message_answer_index(final) == 1


@pytest.mark.slow
def test_an_empty_question_gets_a_message_and_stores_nothing(handlers: Handlers) -> None:
    session = ChatSession()
    [(message, returned, *_)] = ask(handlers, "   ", "trainer", session, [])
    assert isinstance(message, str) and message.strip()
    assert returned.answers == []


@pytest.mark.slow
def test_upload_browse_and_remove_a_document(handlers: Handlers, tmp_path: Path) -> None:
    document = tmp_path / "huiswerkbeleid-test.md"
    document.write_text(
        "# Huiswerkbeleid van De Regenboog\n\n## Afspraken over huiswerk\n\n"
        "Op basisschool De Regenboog krijgen leerlingen van het derde leerjaar hoogstens twintig minuten "
        "huiswerk per dag. De zorgcoördinator bespreekt aanpassingen met de ouders.\n",
        encoding="utf-8",
    )
    before = len(handlers.documents.listing().rows)
    progress = RecordedProgress()
    message = handlers.documents.upload([str(document)], progress=progress)
    assert texts.UPLOAD_ADDED.format(names="huiswerkbeleid-test.md") in message, message
    assert f"{before + 1} documenten" in message
    assert (handlers.documents.uploads_dir / document.name).read_bytes() == document.read_bytes()
    assert progress.calls and all(isinstance(done, tuple) for done, _ in progress.calls)
    assert {desc for _, desc in progress.calls} <= set(texts.INGEST_STAGES.values())
    rows = {row[FILE]: row for row in handlers.documents.listing().rows}
    assert len(rows) == before + 1 and rows[document.name][PASSAGES] >= 1
    assert document.name in [source for _, source in handlers.documents.listing().choices]

    sections, first_passages = handlers.documents.open_document(document.name)
    assert any("Afspraken over huiswerk" in s for s in sections["choices"])
    assert sections["value"] == sections["choices"][0]
    assert first_passages == handlers.documents.browse(document.name, sections["value"])
    section = next(s for s in sections["choices"] if "Afspraken over huiswerk" in s)
    assert "twintig minuten" in handlers.documents.browse(document.name, section)

    again = handlers.documents.upload([str(document)], progress=RecordedProgress())
    assert texts.UPLOAD_UNCHANGED.format(names=document.name) in again
    document.write_text(document.read_text(encoding="utf-8").replace("twintig", "dertig"), encoding="utf-8")
    changed = handlers.documents.upload([str(document)], progress=RecordedProgress())
    assert texts.UPLOAD_CHANGED.format(names=document.name) in changed
    assert "dertig minuten" in handlers.documents.browse(document.name, section)

    message = handlers.documents.remove(document.name)
    assert message == texts.REMOVE_DONE.format(
        title=rows[document.name][0],
        documents=before,
        passages=sum(r[PASSAGES] for r in handlers.documents.listing().rows),
    )
    assert document.name not in {row[FILE] for row in handlers.documents.listing().rows}
    assert not (handlers.documents.uploads_dir / document.name).exists()
    assert handlers.documents.remove(document.name) == texts.REMOVE_UNKNOWN
    assert "staat niet in de kennisbank" in handlers.documents.browse(document.name, section)  # UnknownFilter's nl


@pytest.mark.slow
def test_unreadable_uploads_are_refused_and_change_nothing(handlers: Handlers, tmp_path: Path) -> None:
    empty = tmp_path / "leeg.txt"
    empty.write_text("", encoding="utf-8")
    program = tmp_path / "setup.exe"
    program.write_bytes(b"MZ\x00\x01")
    before = handlers.documents.listing().rows
    message = handlers.documents.upload([str(empty), str(program)], progress=RecordedProgress())
    assert "leeg.txt" in message and "setup.exe" in message
    assert texts.UPLOAD_BAD_TYPE.format(name="setup.exe") in message
    assert texts.UPLOAD_SKIPPED.format(name="leeg.txt", reason="het bestand is leeg") in message  # Dutch only
    assert handlers.documents.listing().rows == before
    assert not (handlers.documents.uploads_dir / "leeg.txt").exists()
    assert handlers.documents.upload([], progress=RecordedProgress()) == texts.UPLOAD_NONE


@pytest.mark.slow
def test_about_page_lists_the_documents_with_their_dates(handlers: Handlers) -> None:
    about = handlers.about.markdown()
    assert "Nieuwsbrief ondersteuningsnetwerk Kempen, 4 april 2019" in about and "(2019)" in about
    assert "Zeven tinten grijs" in about and f"({texts.YEAR_UNKNOWN})" in about  # the fragment names no year
    assert "## Waar liggen de grenzen?" in about
