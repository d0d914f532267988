"""Training examples for the embedding adapter: (query, passage that answers it, passage that does not).

Three kinds, all from data the project may tune on:

- **question**: a training question and each passage holding one of its evidence quotes (the eval's
  matching rule), with a hard negative: the best BM25 passage for the question that holds no
  evidence. BM25, not the embedding model, picks negatives, so the examples do not depend on which
  model built the store.
- **heading**: a section's heading and the section's first passage; the negative is the first
  passage of the next section of the same document (near in topic, not the answer).
- **faq**: a question the documents ask themselves (the newsletter's FAQ) and the text after it in
  its passage.

Follow-up questions are left out: alone, "En voor het CLB?" says nothing a passage could answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from evals.matching import holds
from evals.questionset import Question
from ingest.chunker import embedding_text
from kb.bm25 import BM25Index
from kb.generations import bm25_text
from steunwijs.dutch.analysis import analyze
from steunwijs.dutch.sentences import split_sentences
from steunwijs.types import Passage

Kind = Literal["question", "heading", "faq"]
MAX_POSITIVES = 2  # passages per question (a question with three evidence quotes in three passages)
NEGATIVE_POOL = 20  # BM25 candidates searched for a hard negative
MIN_HEADING_WORDS = 3
MIN_ANSWER_WORDS = 15
_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[IVX]+\.)\s+")


@dataclass(frozen=True)
class Example:
    """One training example: texts as the model sees them (prefixes are added by the trainer)."""

    kind: Kind
    query: str
    positive: str
    negative: str


def question_examples(questions: Sequence[Question], passages: Sequence[Passage]) -> list[Example]:
    """Each answerable, self-contained training question with its evidence passages and a hard negative."""
    index = BM25Index.build([p.id for p in passages], [bm25_text(p) for p in passages])
    by_id = {p.id: p for p in passages}
    examples: list[Example] = []
    for question in questions:
        if not question.answerable or question.follow_up_of:
            continue
        positives = [p for p in passages if any(holds(p.text, quote) for quote in question.evidence)]
        if not positives:
            continue
        negative = next(
            (
                by_id[pid]
                for pid, _ in index.search(analyze(question.question), NEGATIVE_POOL)
                if not any(holds(by_id[pid].text, quote) for quote in question.evidence)
            ),
            None,
        )
        if negative is None:
            continue
        examples += [
            Example("question", question.question, embedding_text(p), embedding_text(negative))
            for p in positives[:MAX_POSITIVES]
        ]
    return examples


def _heading(section: str) -> str:
    return _NUMBERING.sub("", section.rsplit(" > ", 1)[-1]).strip()


def heading_examples(passages: Sequence[Passage]) -> list[Example]:
    """Each section's heading with its first passage; negative: the next section's first passage."""
    firsts: dict[str, list[Passage]] = {}
    seen: set[tuple[str, str]] = set()
    for passage in sorted(passages, key=lambda p: (p.source, p.lines)):
        key = (passage.source, passage.section)
        if passage.section and key not in seen:
            seen.add(key)
            firsts.setdefault(passage.source, []).append(passage)
    examples: list[Example] = []
    for sections in firsts.values():
        for passage, following in zip(sections, sections[1:]):
            heading = _heading(passage.section)
            if len(heading.split()) >= MIN_HEADING_WORDS and _heading(following.section) != heading:
                # the passage's own text, without the section path, so the heading is not in it
                examples.append(Example("heading", heading, passage.text, following.text))
    return examples


def faq_examples(passages: Sequence[Passage]) -> list[Example]:
    """Questions the documents ask themselves, with the text that follows them as the positive."""
    examples: list[Example] = []
    ordered = sorted(passages, key=lambda p: (p.source, p.lines))
    for position, passage in enumerate(ordered):
        for sentence in split_sentences(passage.text):
            if not sentence.clean.endswith("?") or len(sentence.clean.split()) < MIN_HEADING_WORDS:
                continue
            answer = passage.text[sentence.end :].strip()
            if len(answer.split()) < MIN_ANSWER_WORDS:
                continue
            negative = ordered[position - 1] if position else ordered[-1]
            examples.append(Example("faq", sentence.clean, answer, negative.text))
    return examples


def training_examples(questions: Sequence[Question], passages: Sequence[Passage]) -> list[Example]:
    """All examples, in a fixed order (the trainer shuffles them with its seed)."""
    return question_examples(questions, passages) + heading_examples(passages) + faq_examples(passages)
