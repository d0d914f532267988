"""`assistant.answer` with `answerer="llm"`, end to end on a small real knowledge base.

Two endpoints: a dead one (a closed port; the answer must fall back to the extractive answerer
and say so) and a real llama.cpp server running the Gemma 3 270M GGUF in Gemma's turn format
(tests/llm_server.py says why not ChatML). A 270M base model says little that is useful: at
temperature 0 it writes out the numbered sources it was given, labels and markers included, then
sentences of its own (with the check of today, its reply to this question is refused: it invents a
quote). The test proves the plumbing and the check, not the quality: the model is asked, its reply
streams, and then either the answer comes through the LLM path, made of the model's own words that
the citation check held to the passages, or the check refuses the reply as a whole and says so; in
both cases every sentence it dropped is reported.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from assistant.answer import stream_answer
from assistant.citations import MARKER, check, markers
from assistant.eras import era_note
from assistant.grounding import UNGROUNDED_REASON
from assistant.templates import phrase
from ingest.pipeline import ingest_files
from kb.knowledge_base import KnowledgeBase
from steunwijs.settings import Settings, get_settings
from steunwijs.types import Answer
from tests.llm_server import free_port, running_llama_server

pytestmark = pytest.mark.slow

QUESTION = "Wat zijn de drie kernvragen die leerondersteuners delen?"
BOOK = "003_f0048e20d44ebb64.txt"  # "Zeven tinten grijs": small, and it answers QUESTION


@pytest.fixture(scope="module")
def small_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    settings = get_settings(data_dir=tmp_path_factory.mktemp("llm_kb") / "data")
    ingest_files([settings.corpus_dir / BOOK], settings)
    return KnowledgeBase(settings)


def _llm_settings(kb: KnowledgeBase, base_url: str, **overrides: object) -> Settings:
    return kb.settings.model_copy(update={"answerer": "llm", "llm_base_url": base_url, **overrides})


def _ask(kb: KnowledgeBase, settings: Settings) -> tuple[list[str], Answer]:
    """The streamed texts and the final Answer."""
    *texts, final = stream_answer(QUESTION, persona="leerondersteuner", settings=settings, kb=kb)
    assert isinstance(final, Answer)
    return [str(t) for t in texts], final


def _assert_checked(result: Answer) -> None:
    check(result)
    assert set(markers(result.text)) == {c.n for c in result.citations}
    retrieved = {(h.passage.source, h.passage.lines) for h in result.retrieved}
    assert all((c.source, c.lines) in retrieved for c in result.citations)


def test_a_dead_endpoint_falls_back_to_the_extractive_answer(small_kb: KnowledgeBase) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    texts, result = _ask(small_kb, _llm_settings(small_kb, url, llm_timeout=10))
    assert result.answerer == "default" and not result.abstained
    assert phrase("notices", "llm_fallback", reason=f"geen verbinding met {url}") in result.notices
    assert result.citations and all(c.source == BOOK for c in result.citations)
    _assert_checked(result)
    assert texts  # the fallback still streams


def _notice_prefix(key: str, **fields: str) -> str:
    """The fixed start of a notice whose text ends in a variable part (`reason` or `sentence`)."""
    return phrase("notices", key, **fields).split("\0")[0]


def _model_reply(texts: list[str]) -> str:
    """The model's reply: the streamed texts grow while it writes; a fallback answer starts afresh."""
    reply = ""
    for text in texts:
        if not text.startswith(reply):
            break
        reply = text
    return reply


def _words(text: str) -> str:
    """The words of a text without markers, for comparing an answer with the reply it came from."""
    return " ".join(re.findall(r"\w+", MARKER.sub(" ", text)))


@pytest.mark.llm
def test_a_real_llama_cpp_server_answers_through_the_check(small_kb: KnowledgeBase, tmp_path: Path) -> None:
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed (pip install -e '.[llm]')")
    with running_llama_server(tmp_path) as server:
        # generous timeout for a busy 2-core machine; few sources and tokens keep the call short
        settings = _llm_settings(small_kb, server.base_url, llm_timeout=600, llm_max_tokens=96, llm_max_sources=2)
        texts, result = _ask(small_kb, settings)
        log = server.log_text()
    assert '"POST /v1/chat/completions HTTP/1.1" 200' in log, log[-2000:]  # the model was asked and replied
    summary = result.model_dump_json(include={"text", "notices", "answerer", "abstained", "abstain_reason"})
    assert not result.abstained and result.citations, summary
    _assert_checked(result)
    reply = _model_reply(texts)  # the model's whole reply, as it was streamed
    assert reply.strip(), texts
    dropped = _notice_prefix("llm_sentence_dropped", sentence="\0")
    removed = _notice_prefix("markers_removed", markers="\0")
    reported = [n.removeprefix(dropped).rstrip('"…') for n in result.notices if n.startswith(dropped)]
    # what the check dropped is reported, quoted from the reply
    assert all(_words(sentence) in _words(reply) for sentence in reported), (reply, summary)
    assert not [n for n in result.notices if n.startswith(_notice_prefix("llm_fallback", reason="\0"))], summary

    # A 270M base model may or may not write one sentence its sources support; the check decides,
    # and both outcomes are held to what they promise.
    if result.answerer == "default":
        # refused as a whole: said so, with every dropped sentence named, and the extractive answer
        assert phrase("notices", "llm_refused", reason=UNGROUNDED_REASON) in result.notices, summary
        assert reported, summary
        return
    assert result.answerer == "llm", summary
    refused = (_notice_prefix("llm_refused", reason="\0"), _notice_prefix("llm_uncited", reason="\0"))
    assert not [n for n in result.notices if n.startswith(refused)], summary
    note = era_note(result.citations)
    answer_text = result.text.removesuffix(f"\n\n{note}") if note else result.text
    # every cited statement is the model's words held to a passage, not the extractive answer: the
    # text between markers (a kept sentence, or a part of one) stands in the reply; between kept
    # sentences of one line the reply may have had one that was dropped
    cited = [piece for line in answer_text.splitlines() if MARKER.search(line) for piece in MARKER.split(line)[::2]]
    assert any(_words(piece) for piece in cited), summary
    assert all(_words(piece) in _words(reply) for piece in cited), (reply, summary)
    assert all(n.startswith((dropped, removed)) for n in result.notices), summary
