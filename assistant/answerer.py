"""The seam between the assistant and whatever writes the answer text.

`assistant.answer` retrieves, decides whether to abstain and checks citations; an `Answerer`
only turns the retrieved hits into a `Draft`: text with ``[n]`` markers plus, for every marker,
the hit it points at and the exact words of that hit's passage it relies on. The extractive
answerer (assistant.extractive) and the LLM answerer (assistant.llm) both implement it, so both
go through the same citation check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from steunwijs.errors import AnswererUnavailable
from steunwijs.types import Hit


class AnswerRefused(AnswererUnavailable):
    """The answerer replied, but its reply did not pass the citation check as a whole.

    `notices` say what was dropped on the way (in Dutch, for the user), so that the fallback answer
    can still show why the model's reply was not used.
    """

    def __init__(self, nl: str, en: str, notices: list[str] | None = None) -> None:
        super().__init__(nl, en)
        self.notices = list(notices or [])


@dataclass(frozen=True)
class DraftCitation:
    """Marker ``[n]`` of a draft: which hit (1-based, in the order given to compose) and which words."""

    n: int
    hit: int
    quote: str


@dataclass
class Draft:
    """What an answerer produces; `assistant.answer` turns it into a checked `Answer`.

    Markers may be any positive numbers; the assistant renumbers them 1.. in order of appearance.
    `abstained` is set when the answerer itself found that the hits do not answer the question
    (the LLM's fixed abstention phrase); the assistant then gives its own abstention answer.
    """

    text: str
    citations: list[DraftCitation] = field(default_factory=list)
    abstained: bool = False
    notices: list[str] = field(default_factory=list)  # for the user (e.g. LLM sentences dropped); go to Answer.notices


@runtime_checkable
class Answerer(Protocol):
    """Writes an answer from hits. `name` ends up in `Answer.answerer`."""

    name: str

    def compose(
        self,
        question: str,
        hits: list[Hit],
        persona: str,
        on_text: Callable[[str], None] | None = None,
    ) -> Draft:
        """Answer `question` from `hits` only; call `on_text` with the growing text while writing."""
        ...


@runtime_checkable
class QuestionRewriter(Protocol):
    """An answerer that can also rewrite a follow-up question with the conversation (the LLM).

    `assistant.conversation.rewrite` uses it when given one and falls back to its rules when it
    raises `AnswererUnavailable`.
    """

    def rewrite(self, question: str, history: list[tuple[str, str]]) -> str:
        """A self-contained version of `question`, given (question, answer) pairs of the conversation."""
        ...
