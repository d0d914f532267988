"""The optional LLM answerer: any OpenAI-compatible endpoint, held to the same citation check.

A model writes fluent text but may cite a source it never saw, state something no source says or
leave a sentence unsourced. So the model only drafts: it gets the hits as numbered sources
(prompts/llm_user.md) under a system prompt that asks for a marker after every sentence and a
fixed abstention sentence when the sources do not answer (prompts/llm_system.md). Then `ground`
holds the draft to what the extractive answerer guarantees by construction:

- markers to sources that were not given are removed and reported;
- every cited statement gets the exact words of its passage that support it (`best_quote`); a
  marker whose passage holds less than half of the statement's content words is removed (one
  shared word is not support: a copied source label or a claim that merely names the topic);
- a statement without a marker gets the marker of the given passage that clearly supports it
  (most of its content words occur there), or is dropped and reported.

The endpoint is reached through llama-index's `OpenAILike` (llama.cpp server, Ollama, vLLM and
hosted APIs all speak this protocol). Whatever goes wrong on the way (refused connection, timeout,
HTTP error, nothing usable in the reply) raises `AnswererUnavailable`, and `assistant.answer`
falls back to the extractive answerer and says why.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import httpx
import openai
from llama_index.core.llms import ChatMessage, MessageRole
from llama_index.core.prompts import RichPromptTemplate
from llama_index.llms.openai_like import OpenAILike

from assistant.answerer import AnswererUnavailable, AnswerRefused, Draft, DraftCitation
from assistant.citations import MARKER, best_quote, drop_unknown_markers, normalize_ws, statements
from assistant.sentences import split_sentences
from assistant.templates import phrase
from assistant.terms import content_stems, covers
from kb.models import Hit
from steunwijs.settings import PROJECT_ROOT, Settings

PROMPTS_DIR = PROJECT_ROOT / "prompts"
SYSTEM_PROMPT_FILE = PROMPTS_DIR / "llm_system.md"
USER_PROMPT_FILE = PROMPTS_DIR / "llm_user.md"
REWRITE_PROMPT_FILE = PROMPTS_DIR / "llm_rewrite.md"

# The sentence the system prompt tells the model to give, alone, when the sources do not answer.
# It must stand in SYSTEM_PROMPT_FILE word for word (checked when the prompt is loaded).
ABSTAIN_PHRASE = "Dat staat niet in de documenten."

# An unmarked statement is attached to a passage only when that passage contains at least this
# share of the statement's content words (stems, compounds counted) ...
SUPPORT_MIN_COVERAGE = 0.7
# ... and the statement has at least this many content words: "Dat klopt." is supported by anything.
SUPPORT_MIN_TERMS = 3
# A marker the model wrote is kept when its passage contains at least this share of the
# statement's content words (statements shorter than SUPPORT_MIN_TERMS need one shared word).
MARKED_MIN_COVERAGE = 0.5
# Why a reply is refused when not one of its statements holds (Dutch: it ends up in a notice).
UNGROUNDED_REASON = "geen enkele zin van zijn antwoord steunde op de bronnen"
# A rewritten question is one line; a model that rambles on is cut off early.
REWRITE_MAX_TOKENS = 96
# Longest dropped sentence quoted in full in a notice.
NOTICE_SENTENCE_CHARS = 120

_LIST_PREFIX = re.compile(r"^(\s*(?:>\s*)?(?:[-*+]\s+|\d+[.)]\s+)?)(.*)$")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?])")
_PUNCT_ONLY = re.compile(r"^[\W_]*$")
# Markers go before the final punctuation ("... erkend [2]."), where they unmistakably belong to
# the sentence they follow.
_FINAL_PUNCT = re.compile(r"^(.*?)([.!?…]*)$", re.DOTALL)
# A label the model may echo from the prompt in front of its rewritten question.
_REWRITE_LABEL = re.compile(r"^\s*(?:herschreven|laatste|zelfstandige)?\s*vraag\s*:\s*", re.IGNORECASE)


class UngroundedAnswer(AnswerRefused):
    """The model answered, but not one of its statements is supported by the sources it was given.

    A kind of `AnswererUnavailable`, so the assistant falls back to the extractive answerer, which
    can only say what the documents say; its notices report what was dropped.
    """


@lru_cache(maxsize=1)
def system_prompt() -> str:
    """The Dutch system prompt; fails loudly if it no longer contains the abstention phrase."""
    text = SYSTEM_PROMPT_FILE.read_text(encoding="utf-8").strip()
    if ABSTAIN_PHRASE not in text:
        raise RuntimeError(
            f"{SYSTEM_PROMPT_FILE} must contain the abstention phrase {ABSTAIN_PHRASE!r} word for word:"
            " assistant.llm detects abstentions by it."
        )
    return text


@lru_cache(maxsize=2)
def _template(name: str) -> RichPromptTemplate:
    """A Jinja prompt template from prompts/ (llama-index renders it; loops over sources live in the file)."""
    return RichPromptTemplate(PROMPTS_DIR.joinpath(name).read_text(encoding="utf-8"))


def source_label(hit: Hit) -> str:
    """How a source is introduced to the model: document, regime, section and page.

    The regime is there so the model can say that an answer rests on an older support system.
    """
    doc = hit.passage.doc
    parts = [doc.short_title or doc.title]
    if doc.era:
        parts.append(f"stelsel: {doc.era}")
    if hit.passage.section:
        parts.append(hit.passage.section)
    if hit.passage.page is not None:
        parts.append(f"p. {hit.passage.page}")
    return " | ".join(parts)


def build_messages(question: str, hits: list[Hit], persona: str) -> list[ChatMessage]:
    """The system prompt and the numbered sources with the question, as chat messages."""
    sources = [
        {"n": i, "label": source_label(hit), "text": hit.passage.text} for i, hit in enumerate(hits, start=1)
    ]
    user = _template(USER_PROMPT_FILE.name).format(sources=sources, persona=persona, question=question)
    return [
        ChatMessage(role=MessageRole.SYSTEM, content=system_prompt()),
        ChatMessage(role=MessageRole.USER, content=user),
    ]


def make_llm(settings: Settings, max_tokens: int | None = None, max_retries: int = 0) -> OpenAILike:
    """The llama-index client for the configured endpoint.

    No retries by default: a fallback answer exists, so a user should not wait through back-offs
    for an endpoint that is down. Temperature 0: the model should restate the sources, not be
    creative (and a judge should give the same answer the same verdict).
    """
    if not settings.llm_base_url:
        raise AnswererUnavailable("er is geen adres van een taalmodel ingesteld (STEUNWIJS_LLM_BASE_URL)")
    return OpenAILike(
        model=settings.llm_model,
        api_base=settings.llm_base_url,
        api_key=settings.llm_api_key,
        is_chat_model=True,
        is_function_calling_model=False,
        timeout=settings.llm_timeout,
        max_retries=max_retries,
        max_tokens=max_tokens or settings.llm_max_tokens,
        temperature=0.0,
    )


def is_abstention(text: str) -> bool:
    """True when the model's reply opens with the fixed abstention phrase (case, markers, quotes ignored)."""

    def norm(s: str) -> str:
        return " ".join(re.sub(r"[^\w\s]", " ", MARKER.sub(" ", s)).lower().split())

    return bool(norm(ABSTAIN_PHRASE)) and norm(text).startswith(norm(ABSTAIN_PHRASE))


def _coverage(wanted: frozenset[str], passage_text: str) -> float:
    """Share of a statement's content stems `wanted` that occur in the passage (compounds counted)."""
    have = content_stems(passage_text)
    return sum(covers(w, have) for w in wanted) / len(wanted) if wanted else 0.0


@dataclass
class _Citations:
    """Draft markers, one per (hit, quote): the same words of the same passage share a marker."""

    items: list[DraftCitation] = field(default_factory=list)

    def marker(self, hit: int, quote: str) -> int:
        for c in self.items:
            if c.hit == hit and c.quote == quote:
                return c.n
        n = len(self.items) + 1
        self.items.append(DraftCitation(n=n, hit=hit, quote=quote))
        return n


def ground(text: str, hits: list[Hit]) -> Draft:
    """Hold a model's reply to the sources it was given (see the module docstring).

    `hits` are the sources in the order they were numbered in the prompt. Raises
    `UngroundedAnswer` when no statement of the reply survives.
    """
    if is_abstention(text):
        return Draft(text="", abstained=True)
    text, removed = drop_unknown_markers(text, set(range(1, len(hits) + 1)))
    notices = []
    if removed:
        notices.append(phrase("notices", "markers_removed", markers=", ".join(f"[{n}]" for n in removed)))
    book = _Citations()
    lines: list[str] = []
    for line in text.strip().splitlines():
        if not MARKER.search(line) and not statements(line):
            lines.append(line.rstrip())  # blank, heading, lead-in or question: nothing to source
            continue
        prefix, body = _LIST_PREFIX.match(line).groups()  # type: ignore[union-attr]
        kept: list[str] = []
        for sentence in _sentences(body):
            if _PUNCT_ONLY.match(MARKER.sub("", sentence)):
                continue  # a stray marker says nothing: no statement to keep or to report
            if not MARKER.search(sentence) and not statements(sentence):
                kept.append(sentence)
                continue
            grounded = _ground_sentence(sentence, hits, book)
            if grounded is None:
                notices.append(phrase("notices", "llm_sentence_dropped", sentence=_short(sentence)))
            else:
                kept.append(grounded)
        if kept:
            lines.append(prefix + " ".join(kept))
    if not book.items:
        raise UngroundedAnswer(UNGROUNDED_REASON, notices)
    return Draft(text="\n".join(lines).strip(), citations=book.items, notices=notices)


def _sentences(text: str) -> list[str]:
    """The sentences of one line; markers the splitter separated ("... erkend. [2]") rejoin their sentence."""
    found: list[str] = []
    for sentence in split_sentences(text):
        if found and _PUNCT_ONLY.match(MARKER.sub("", sentence.text)):
            found[-1] = f"{found[-1]} {sentence.text}"
        else:
            found.append(sentence.text)
    return found


def _ground_sentence(sentence: str, hits: list[Hit], book: _Citations) -> str | None:
    """The sentence with markers that point at supporting words, or None when nothing supports it."""
    statement = normalize_ws(_SPACE_BEFORE_PUNCT.sub(r"\1", MARKER.sub("", sentence)))
    wanted = content_stems(statement)
    # too few content words to judge by words ("Dat klopt."): a written marker needs only the shared
    # word `best_quote` looks for, and no marker is guessed
    judged = len(wanted) >= SUPPORT_MIN_TERMS
    cited: list[int] = []
    for n in dict.fromkeys(int(m) for m in MARKER.findall(sentence)):
        if judged and _coverage(wanted, hits[n - 1].passage.text) < MARKED_MIN_COVERAGE:
            continue
        quote = best_quote(statement, hits[n - 1].passage.text)
        if quote:
            cited.append(book.marker(n, quote))
    if not cited:
        if not judged:
            return None
        scores = [_coverage(wanted, hit.passage.text) for hit in hits]
        best = max(range(len(hits)), key=scores.__getitem__, default=None)
        if best is None or scores[best] < SUPPORT_MIN_COVERAGE:
            return None
        quote = best_quote(statement, hits[best].passage.text)
        if not quote:
            return None
        cited.append(book.marker(best + 1, quote))
    body, end = _FINAL_PUNCT.match(statement).groups()  # type: ignore[union-attr]
    return f"{body} {''.join(f'[{n}]' for n in cited)}{end}"


def _short(sentence: str) -> str:
    text = normalize_ws(MARKER.sub("", sentence))
    return text if len(text) <= NOTICE_SENTENCE_CHARS else text[: NOTICE_SENTENCE_CHARS - 1].rstrip() + "…"


def _unavailable(error: Exception, settings: Settings) -> AnswererUnavailable:
    """A user-readable reason (Dutch, it ends up in a notice) for a failed call to the endpoint."""
    url = settings.llm_base_url
    if isinstance(error, (openai.APITimeoutError, httpx.TimeoutException)):
        reason = f"geen antwoord binnen {settings.llm_timeout:g} s van {url}"
    elif isinstance(error, (openai.APIConnectionError, httpx.TransportError)):
        reason = f"geen verbinding met {url}"
    elif isinstance(error, openai.APIStatusError):
        reason = f"{url} antwoordde met HTTP-fout {error.status_code}"
    else:
        reason = f"fout bij {url}: {error}"
    return AnswererUnavailable(reason)


class LLMAnswerer:
    """Answers through an OpenAI-compatible chat endpoint; rewrites follow-up questions too."""

    name = "llm"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._llm = make_llm(settings)

    def compose(
        self,
        question: str,
        hits: list[Hit],
        persona: str,
        on_text: Callable[[str], None] | None = None,
    ) -> Draft:
        """Stream the model's answer from the first `llm_max_sources` hits, then `ground` it."""
        sources = hits[: self.settings.llm_max_sources]
        text = self._stream(build_messages(question, sources, persona), on_text)
        return ground(text, sources)

    def _stream(self, messages: list[ChatMessage], on_text: Callable[[str], None] | None) -> str:
        """The full reply, streamed; `llm_timeout` bounds each wait and the whole call."""
        deadline = time.monotonic() + self.settings.llm_timeout
        text = ""
        try:
            for chunk in self._llm.stream_chat(messages):
                text = chunk.message.content or ""
                if on_text is not None:
                    on_text(text)
                if time.monotonic() > deadline:
                    raise AnswererUnavailable(
                        f"geen volledig antwoord binnen {self.settings.llm_timeout:g} s van {self.settings.llm_base_url}"
                    )
        except (openai.APIError, httpx.HTTPError) as error:
            raise _unavailable(error, self.settings) from error
        if not text.strip():
            raise AnswererUnavailable(f"{self.settings.llm_base_url} gaf een leeg antwoord")
        return text

    def rewrite(self, question: str, history: list[tuple[str, str]]) -> str:
        """A self-contained version of a follow-up `question`, written by the model (one line)."""
        turns = [(normalize_ws(q), normalize_ws(MARKER.sub("", a))) for q, a in history]
        prompt = _template(REWRITE_PROMPT_FILE.name).format(history=turns, question=question)
        llm = make_llm(self.settings, max_tokens=REWRITE_MAX_TOKENS)
        try:
            reply = llm.chat([ChatMessage(role=MessageRole.USER, content=prompt)]).message.content or ""
        except (openai.APIError, httpx.HTTPError) as error:
            raise _unavailable(error, self.settings) from error
        lines = [_REWRITE_LABEL.sub("", line).strip().strip("\"'„”“") for line in reply.splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise AnswererUnavailable(f"{self.settings.llm_base_url} gaf geen herschreven vraag")
        return lines[0][: self.settings.max_question_chars]
