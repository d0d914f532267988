"""`answer(question, history, persona)`: the one entry point behind the CLI, the app and the evals.

The steps, each timed into `Answer.timings` (milliseconds):

1. validate the question (empty -> `QuestionError`; longer than `settings.max_question_chars` ->
   cut, with a notice) and the persona;
2. rewrite a follow-up with the conversation (assistant.conversation);
3. retrieve (`KnowledgeBase.search`);
4. rank the sentences of the best passages and decide whether to abstain (assistant.abstain);
5. let the answerer write a draft: the extractive one, or the LLM when `settings.answerer` is
   "llm"; an LLM that is unavailable, or whose draft fails the citation check, is replaced by the
   extractive answerer with a notice, so the user always gets a checked answer;
6. renumber the markers in order of appearance, attach the citations, add the era note for
   older regimes, and run the citation check (assistant.citations) - nothing leaves unchecked;
7. explain the terms the answer uses, one line each with its defining sentence (assistant.term_notes).

`stream_answer` runs the same steps and yields the growing text while the answerer writes.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from assistant import abstain, conversation
from assistant.answerer import Answerer, AnswerRefused, Draft, QuestionRewriter
from assistant.citations import (
    MARKER,
    CitationError,
    check,
    drop_unknown_markers,
    markers,
)
from assistant.eras import era_note
from assistant.extractive import ExtractiveAnswerer, display
from assistant.map_hits import map_hits
from assistant.personas import check_persona
from assistant.ranking import Candidate, SentenceRanker, sentence_ranker
from assistant.templates import phrase
from assistant.term_notes import with_term_notes
from kb.knowledge_base import KnowledgeBase
from steunwijs.errors import AnswererUnavailable, InputError
from steunwijs.settings import Settings, get_settings
from steunwijs.types import Answer, Citation, Hit

log = logging.getLogger(__name__)

RELATED_PASSAGES = 3  # closest passages shown as "mogelijk relevant" when abstaining
_HAS_WORDS = re.compile(r"\w")


class QuestionError(InputError):
    """A question the assistant cannot take (empty, no words, unknown persona)."""


@lru_cache(maxsize=4)
def _knowledge_base(settings_json: str) -> KnowledgeBase:
    return KnowledgeBase(Settings.model_validate_json(settings_json))


def default_knowledge_base(settings: Settings) -> KnowledgeBase:
    """One KnowledgeBase per distinct settings, shared by all answers of the process."""
    return _knowledge_base(settings.model_dump_json())


def _llm_answerer(settings: Settings) -> Answerer:
    # imported here: the LLM client is an optional part and loads only when configured
    from assistant.llm import LLMAnswerer

    return LLMAnswerer(settings)


class _Clock:
    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.timings: dict[str, float] = {}
        self._last = self.start

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = self.timings.get(name, 0.0) + (now - self._last) * 1000
        self._last = now

    def total(self) -> dict[str, float]:
        self.timings["total"] = (time.perf_counter() - self.start) * 1000
        return {k: round(v, 1) for k, v in self.timings.items()}


def prepare_question(question: str, settings: Settings) -> tuple[str, list[str]]:
    """The question to answer and the notices about it; raises QuestionError for an unusable one."""
    text = question.strip() if question else ""
    if not text:
        raise QuestionError(phrase("errors", "empty_question"), "The question is empty.")
    if not _HAS_WORDS.search(text):
        raise QuestionError(phrase("errors", "no_question_text", question=text), f"The question has no words: {text!r}")
    notices: list[str] = []
    limit = settings.max_question_chars
    if len(text) > limit:
        text = text[:limit].rstrip()
        notices.append(phrase("notices", "question_cut", limit=limit))
    return text, notices


def _renumber(draft: Draft, hits: list[Hit]) -> tuple[str, list[Citation], list[int]]:
    """Markers 1.. in order of appearance, one citation each; markers that point nowhere are dropped."""
    by_marker = {c.n: c for c in reversed(draft.citations) if 1 <= c.hit <= len(hits)}
    text, removed = drop_unknown_markers(draft.text, set(by_marker))
    order = {old: new for new, old in enumerate(markers(text), start=1)}
    text = MARKER.sub(lambda m: f"[{order[int(m.group(1))]}]", text)
    citations = []
    for old, new in order.items():
        source = by_marker[old]
        passage = hits[source.hit - 1].passage
        citations.append(Citation(n=new, passage=passage, quote=source.quote))
    return text, citations, removed


def _abstention_text(hits: list[Hit], ranked: list[Candidate]) -> tuple[str, list[Citation]]:
    """The abstention sentence and the closest passages, each quoted by its best sentence."""
    best_sentence: dict[int, Candidate] = {}
    for candidate in ranked:  # best first, so the first seen per passage is its best
        best_sentence.setdefault(candidate.hit, candidate)
    lines = [phrase("abstain", "statement")]
    citations: list[Citation] = []
    related = [i for i in range(len(hits)) if i in best_sentence][:RELATED_PASSAGES]
    if related:
        lines += ["", phrase("abstain", "related_lead")]
    for n, index in enumerate(related, start=1):
        passage, sentence = hits[index].passage, best_sentence[index].sentence
        item = phrase("abstain", "related_item", title=passage.doc.short_title, sentence=display(sentence))
        lines.append(f"- {item} [{n}]")
        citations.append(Citation(n=n, passage=passage, quote=sentence.text))
    return "\n".join(lines), citations


@dataclass(frozen=True)
class Retrieval:
    """What the documents offer for a question: the query sent, the hits, ranked sentences, evidence."""

    query: str
    hits: list[Hit]
    ranked: list[Candidate]
    evidence: abstain.Evidence


def retrieve(
    question: str,
    history: list[tuple[str, str]] | None,
    kb: KnowledgeBase,
    ranker: SentenceRanker,
    rewriter: QuestionRewriter | None = None,
    clock: _Clock | None = None,
) -> Retrieval:
    """Steps 2-4 of an answer (rewrite, search, rank, gather evidence); the abstention tuner uses them too."""
    clock = clock or _Clock()
    query = conversation.rewrite(question, history, llm=rewriter)
    clock.lap("rewrite")
    hits = kb.scoped_search(query)
    if kb.settings.roles_in_answers:
        hits = map_hits(query, hits, kb)
    clock.lap("retrieve")
    ranked = ranker.rank(query, hits)
    evidence = abstain.gather(query, hits, ranked, abstain.corpus_vocabulary(kb))
    clock.lap("rank")
    return Retrieval(query, hits, ranked, evidence)


def _checked(draft: Draft, hits: list[Hit], answerer_name: str, base: dict[str, Any]) -> Answer | None:
    """The checked answer of a draft; None when the answerer itself found nothing to say."""
    if draft.abstained:
        return None
    result = _finish(draft, hits, answerer_name, base)
    check(result)
    return result


def _drafted(
    answerer: Answerer,
    extractive: ExtractiveAnswerer,
    query: str,
    hits: list[Hit],
    base: dict[str, Any],
    on_text: Callable[[str], None] | None,
) -> Answer | None:
    """The answerer's checked answer; an LLM that is unavailable, refused or uncited yields to quotes.

    The LLM's failures become notices (in `base["notices"]`) and the extractive answer. A failed
    check of the extractive draft is logged as the bug it is and yields None: the caller then
    abstains, showing the closest passages, so no answer ever ends in an exception.
    """
    persona, notices = base["persona"], base["notices"]
    if answerer is not extractive:
        try:
            return _checked(answerer.compose(query, hits, persona, on_text), hits, answerer.name, base)
        except AnswerRefused as error:
            notices.extend(error.notices)
            notices.append(phrase("notices", "llm_refused", reason=error.nl))
        except AnswererUnavailable as error:
            notices.append(phrase("notices", "llm_fallback", reason=error.nl))
        except CitationError as error:
            notices.append(phrase("notices", "llm_uncited", reason=error.en))
    try:
        return _checked(extractive.compose(query, hits, persona, on_text), hits, extractive.name, base)
    except CitationError as error:
        # The extractive answerer only quotes, so this is a bug to fix; the user still gets an
        # honest answer (the closest passages) instead of an error.
        log.error("the extractive draft for %r failed the citation check: %s", query, error.en)
        notices.append(phrase("notices", "check_failed"))
        return None


def _abstention(
    hits: list[Hit], ranked: list[Candidate], reason: str | None, answerer_name: str, base: dict[str, Any]
) -> Answer:
    """The honest refusal, with the closest passages as "mogelijk relevant"."""
    text, citations = _abstention_text(hits, ranked)
    result = Answer(**base, text=text, citations=citations, abstained=True, abstain_reason=reason, answerer=answerer_name)
    try:
        check(result)
    except CitationError as error:  # a quoted neighbour the check cannot parse: refuse without quotes
        log.error("the abstention's related passages failed the citation check: %s", error.en)
        result = result.model_copy(update={"text": phrase("abstain", "statement"), "citations": []})
        check(result)
    return result


def _choose_answerer(settings: Settings, extractive: ExtractiveAnswerer, notices: list[str]) -> Answerer:
    """The LLM when one is configured and reachable, else the extractive answerer (with a notice why)."""
    if settings.answerer != "llm":
        return extractive
    try:
        return _llm_answerer(settings)
    except AnswererUnavailable as error:
        notices.append(phrase("notices", "llm_fallback", reason=error.nl))
        return extractive


def _run(
    question: str,
    history: list[tuple[str, str]] | None,
    persona: str,
    settings: Settings | None,
    kb: KnowledgeBase | None,
    on_text: Callable[[str], None] | None,
) -> Answer:
    clock = _Clock()
    settings = settings or get_settings()
    check_persona(persona)
    text, notices = prepare_question(question, settings)
    kb = kb or default_knowledge_base(settings)
    extractive = ExtractiveAnswerer(sentence_ranker(kb))
    answerer = _choose_answerer(settings, extractive, notices)
    clock.lap("prepare")

    rewriter = answerer if isinstance(answerer, QuestionRewriter) else None
    found = retrieve(text, history, kb, extractive.ranker, rewriter, clock)
    query, hits = found.query, found.hits
    decision = (
        abstain.Decision(True, phrase("abstain", "reason_no_hits"))
        if not hits
        else abstain.decide(found.evidence, abstain.load_thresholds(settings))
    )
    clock.lap("decide")

    if query != text:
        notices.append(phrase("notices", "rewritten", question=query))
    base: dict[str, Any] = {
        "question": question,
        "rewritten_question": query if query != text else None,
        "persona": persona,
        "retrieved": hits,
        "notices": notices,
    }
    result = None if decision.abstain else _drafted(answerer, extractive, query, hits, base, on_text)
    if result is not None:  # after the check: the lines cite by place, not by marker (assistant/term_notes.py)
        result = with_term_notes(result, kb.glossary())
    clock.lap("compose")
    if result is None:
        reason = decision.reason if decision.abstain else phrase("abstain", "reason_answerer")
        result = _abstention(hits, found.ranked, reason, answerer.name, base)
        if on_text is not None:
            on_text(result.text)
    clock.lap("check")
    result.timings = clock.total()
    return result


def _finish(draft: Draft, hits: list[Hit], answerer_name: str, base: dict[str, Any]) -> Answer:
    """The answer from a draft: renumbered markers, citations, removed-marker notice, era note."""
    text, citations, removed = _renumber(draft, hits)
    notices = [*base["notices"], *draft.notices]
    if removed:
        notices.append(phrase("notices", "markers_removed", markers=", ".join(f"[{n}]" for n in removed)))
    note = era_note(citations)
    if note:
        text = f"{text}\n\n{note}"
    return Answer(**{**base, "notices": notices}, text=text, citations=citations, answerer=answerer_name)


def answer(
    question: str,
    history: list[tuple[str, str]] | None = None,
    persona: str = "leerondersteuner",
    settings: Settings | None = None,
    kb: KnowledgeBase | None = None,
) -> Answer:
    """Answer `question` from the documents, with checked citations, or abstain.

    `history` holds the earlier (question, answer) turns of the conversation, oldest first.
    Raises QuestionError (Dutch message) for an empty question or an unknown persona.
    """
    return _run(question, history, persona, settings, kb, on_text=None)


def stream_answer(
    question: str,
    history: list[tuple[str, str]] | None = None,
    persona: str = "leerondersteuner",
    settings: Settings | None = None,
    kb: KnowledgeBase | None = None,
) -> Iterator[str | Answer]:
    """Like `answer`, but yields the growing answer text while it is written, then the final Answer.

    The final Answer's text may differ from the last partial text (markers renumbered, era note,
    or a fallback after a failed check): show the Answer once it comes.
    """
    prepare_question(question, settings or get_settings())  # raise QuestionError before any thread starts
    updates: queue.Queue[tuple[str, object]] = queue.Queue()

    def work() -> None:
        try:
            result = _run(question, history, persona, settings, kb, on_text=lambda t: updates.put(("text", t)))
        except BaseException as error:  # handed to the consumer thread, which re-raises it
            updates.put(("error", error))
        else:
            updates.put(("done", result))

    worker = threading.Thread(target=work, name="steunwijs-answer", daemon=True)
    worker.start()
    while True:
        kind, payload = updates.get()
        if kind == "text":
            yield str(payload)
        elif kind == "error":
            worker.join()
            raise payload  # type: ignore[misc]
        else:
            worker.join()
            yield payload  # type: ignore[misc]
            return
