"""Quiz questions for a training session, made from the documents' own sentences.

Trainers ask for quizzes ("Maak een quiz over de rol van het CLB"). Without a language model, a
quiz that cannot be wrong is a cloze: the points the extractive answerer chose, each with one
word or number left out, and an answer key below. The blank is, in this order of preference:

1. a number ("36 klokuren", "43 leersteuncentra", "2023-2024"): facts a session can check;
2. an actor ("... pakken de trajecten aan": who does it?): the roles Steunwijs is about; one
   the question did not name comes first;
3. the longest content word the question did not already give away.

A sentence with none of these is left out. Every quiz line and every key line keeps the marker of
the sentence it comes from, so the citation check holds the quiz to the sources like any answer,
and the source panel shows the full sentence: the answer, in the document's own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.templates import wording
from steunwijs.dutch import actors
from steunwijs.dutch.terms import content_stems, content_words

_NUMBER = re.compile(r"(?<![\w/])\d+(?:[.,]\d+)*(?:-\d+)?(?:\s?%)?(?![\w/])")
_MIN_WORD = 7  # shorter words make a blank anyone can guess from the grammar


@dataclass(frozen=True)
class Cloze:
    """A sentence with one gap: the prompt with the blank, and what goes in it."""

    prompt: str
    answer: str


def _templates() -> dict[str, str]:
    return wording().quiz


def _blank(text: str, start: int, end: int) -> Cloze:
    return Cloze(prompt=text[:start] + _templates()["blank"] + text[end:], answer=text[start:end])


def cloze(sentence: str, question: str) -> Cloze | None:
    """The sentence with its most telling word or number left out, or None when it has none."""
    number = _NUMBER.search(sentence)
    if number:
        return _blank(sentence, number.start(), number.end())
    mentioned = [m for m in actors.mentions(sentence) if not m.weak]
    if mentioned:
        asked = {m.actor for m in actors.mentions(question)}
        m = next((m for m in mentioned if m.actor not in asked), mentioned[0])
        words = m.text.split()
        start = m.start + (len(m.text) - len(words[-1]) if words[0].lower() in actors.ARTICLES else 0)
        return _blank(sentence, start, m.end)
    given = content_stems(question)
    candidates = [w for w in content_words(sentence) if len(w) >= _MIN_WORD and not content_stems(w) <= given]
    if not candidates:
        return None
    word = max(candidates, key=len)
    found = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", sentence, re.IGNORECASE)
    if found is None:
        return None
    return _blank(sentence, found.start(), found.end())


def render(items: list[tuple[Cloze, str]]) -> list[str]:
    """The quiz's Markdown lines: title, instruction, numbered gaps, then the key.

    `items` are (cloze, marker) pairs, the marker written "[n]"; both lists carry it.
    """
    templates = _templates()
    lines = [f"### {templates['title']}", templates["lead"], ""]
    lines += [f"{i}. {c.prompt} {marker}" for i, (c, marker) in enumerate(items, 1)]
    lines += ["", templates["key_lead"]]
    lines += [f"{i}. {c.answer} {marker}" for i, (c, marker) in enumerate(items, 1)]
    return lines
