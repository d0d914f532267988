"""The default answerer: the documents' own sentences, ranked, deduplicated and framed. No LLM.

Why extractive: on a 2-core CPU without a language model, the most trustworthy answer is made of
sentences the documents really contain, each quoted exactly and cited. The work is choosing them
(assistant.ranking) and framing them: for the persona (assistant.personas), with older regimes
tagged (assistant.eras); a request for a quiz turns the points into gaps to fill in, with the key
below (assistant.quiz).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant import quiz
from assistant.answerer import Draft, DraftCitation
from assistant.eras import bullet_tag
from assistant.personas import Item, groups_by_actor, question_type, render
from assistant.ranking import Candidate, SentenceRanker, select
from steunwijs.dutch import actors
from steunwijs.dutch.sentences import Sentence
from steunwijs.types import Hit

# --- how many points (chosen on the training questions: citation support, source precision and
# answer-point coverage of the eval suite) ------------------------------------------------------
MAX_POINTS = 4  # points in an answer
MAX_POINTS_GROUPED = 6  # points when grouped by actor (role questions name several actors)
MAX_POINTS_QUIZ = 6  # candidate points of a quiz (a sentence without a good gap is left out)
_SOURCE_MARKER = re.compile(r"\[(\d+)\]")


def display(sentence: Sentence) -> str:
    """The sentence as a point: whitespace collapsed, and a footnote reference "[2]" of the source
    written "(2)", so it cannot pass for one of the answer's own markers."""
    return _SOURCE_MARKER.sub(r"(\1)", sentence.clean)


def _grouped_order(chosen: list[Candidate]) -> list[tuple[Candidate, str | None]]:
    """Points ordered by actor (actors in order of their best point, no actor last), rank within."""
    with_actor = [(c, actors.main_actor(c.sentence.text)) for c in chosen]
    order: list[str | None] = []
    for _, actor in with_actor:
        if actor not in order:
            order.append(actor)
    order.sort(key=lambda a: a is None)
    return sorted(with_actor, key=lambda pair: order.index(pair[1]))


class ExtractiveAnswerer:
    """The `Answerer` that quotes the documents: deterministic, CPU only, no LLM."""

    name = "default"

    def __init__(self, ranker: SentenceRanker) -> None:
        self.ranker = ranker

    def compose(
        self,
        question: str,
        hits: list[Hit],
        persona: str,
        on_text: Callable[[str], None] | None = None,
    ) -> Draft:
        qtype = question_type(question)
        if qtype == "quiz":
            lines, citations = self._quiz(question, hits)
        else:
            lines, citations = self._points(question, hits, persona, qtype)
        if not citations:
            return Draft(text="", abstained=True)
        if on_text is not None:
            for i in range(1, len(lines) + 1):
                if lines[i - 1]:
                    on_text("\n".join(lines[:i]))
        return Draft(text="\n".join(lines), citations=citations)

    def _points(
        self, question: str, hits: list[Hit], persona: str, qtype: str
    ) -> tuple[list[str], list[DraftCitation]]:
        """The chosen sentences as points, framed for the persona (no citations: nothing fits)."""
        grouped = groups_by_actor(persona, qtype)
        chosen = select(
            self.ranker.rank(question, hits),
            MAX_POINTS_GROUPED if grouped else MAX_POINTS,
            self.ranker.selection,
            spread_sources=qtype == "vergelijking",
        )
        ordered = _grouped_order(chosen) if grouped else [(c, None) for c in chosen]
        items: list[Item] = []
        citations: list[DraftCitation] = []
        for n, (candidate, actor) in enumerate(ordered, start=1):
            tag = bullet_tag(hits[candidate.hit].passage.doc)
            text = f"{tag} {display(candidate.sentence)} [{n}]".strip()
            items.append(Item(text=text, actor=actor))
            citations.append(DraftCitation(n=n, hit=candidate.hit + 1, quote=candidate.sentence.text))
        return (render(persona, qtype, items) if items else []), citations

    def _quiz(self, question: str, hits: list[Hit]) -> tuple[list[str], list[DraftCitation]]:
        """The chosen sentences as gaps to fill in, with the key (the same for every persona)."""
        chosen = select(self.ranker.rank(question, hits), MAX_POINTS_QUIZ, self.ranker.selection)
        items: list[tuple[quiz.Cloze, str]] = []
        citations: list[DraftCitation] = []
        for candidate in chosen:
            gap = quiz.cloze(display(candidate.sentence), question)
            if gap is None:
                continue
            n = len(citations) + 1
            tag = bullet_tag(hits[candidate.hit].passage.doc)
            items.append((quiz.Cloze(f"{tag} {gap.prompt}".strip(), gap.answer), f"[{n}]"))
            citations.append(DraftCitation(n=n, hit=candidate.hit + 1, quote=candidate.sentence.text))
        return (quiz.render(items) if items else []), citations
