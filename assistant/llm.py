"""The optional LLM answerer: any OpenAI-compatible endpoint, held to the same citation check.

The model only drafts: it gets the hits as numbered sources (assistant.llm_prompts) and streams its
answer; `assistant.grounding.ground` then holds the draft to the sources, as the extractive
answerer is held by construction. The model also rewrites follow-up questions.

The endpoint is reached through the ground's client (`steunwijs.llm.make_llm`, llama-index's
`OpenAILike`). Whatever goes wrong on the way (refused connection, timeout, HTTP error, nothing
usable in the reply) raises `AnswererUnavailable`, and `assistant.answer` falls back to the
extractive answerer and says why.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TypeVar

from llama_index.core.llms import ChatMessage, MessageRole

from assistant.answerer import Draft
from assistant.citations import MARKER
from assistant.grounding import ground
from assistant.llm_prompts import REWRITE_PROMPT_FILE, build_messages, template
from steunwijs.dutch.patterns import collapse_ws
from steunwijs.errors import AnswererUnavailable
from steunwijs.llm import CALL_ERRORS, MALFORMED_REPLY_ERRORS, make_llm, unavailable
from steunwijs.settings import Settings
from steunwijs.types import Hit

T = TypeVar("T")

# A rewritten question is one line; a model that rambles on is cut off early.
REWRITE_MAX_TOKENS = 96
# A label the model may echo from the prompt in front of its rewritten question.
_REWRITE_LABEL = re.compile(r"^\s*(?:herschreven|laatste|zelfstandige)?\s*vraag\s*:\s*", re.IGNORECASE)


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
        stream = self._call(lambda: iter(self._llm.stream_chat(messages)))
        # only the client's own work is guarded: an error in on_text is a bug, not a bad reply
        while (chunk := self._call(lambda: next(stream, None))) is not None:
            text = chunk.message.content or ""
            if on_text is not None:
                on_text(text)
            if time.monotonic() > deadline:
                raise AnswererUnavailable(
                    f"geen volledig antwoord binnen {self.settings.llm_timeout:g} s van {self.settings.llm_base_url}",
                    f"no complete reply within {self.settings.llm_timeout:g} s from {self.settings.llm_base_url}",
                )
        if not text.strip():
            raise AnswererUnavailable(
                f"{self.settings.llm_base_url} gaf een leeg antwoord", f"{self.settings.llm_base_url} sent an empty reply"
            )
        return text

    def _call(self, call: Callable[[], T]) -> T:
        """`call()` to the client; a failed call or a 200 reply that is no chat completion (an HTML
        page, JSON without choices: the client then raises while reading it) is AnswererUnavailable."""
        try:
            return call()
        except (*CALL_ERRORS, *MALFORMED_REPLY_ERRORS) as error:
            raise unavailable(error, self.settings) from error

    def rewrite(self, question: str, history: list[tuple[str, str]]) -> str:
        """A self-contained version of a follow-up `question`, written by the model (one line)."""
        turns = [(collapse_ws(q), collapse_ws(MARKER.sub("", a))) for q, a in history]
        prompt = template(REWRITE_PROMPT_FILE).format(history=turns, question=question)
        llm = make_llm(self.settings, max_tokens=REWRITE_MAX_TOKENS)
        reply = self._call(lambda: llm.chat([ChatMessage(role=MessageRole.USER, content=prompt)]).message.content) or ""
        lines = [_REWRITE_LABEL.sub("", line).strip().strip("\"'„”“") for line in reply.splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise AnswererUnavailable(
                f"{self.settings.llm_base_url} gaf geen herschreven vraag",
                f"{self.settings.llm_base_url} returned no rewritten question",
            )
        return lines[0][: self.settings.max_question_chars]
