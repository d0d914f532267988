"""Hold an LLM's reply to the sources it was given: the citation check of a model's draft.

A model writes fluent text but may cite a source it never saw, state something no source says or
leave a sentence unsourced. `ground` holds the draft to what the extractive answerer guarantees by
construction:

- markers to sources that were not given are removed and reported;
- every cited statement gets the exact words of its passage that support it (`best_quote`); a
  marker whose passage holds less than half of the statement's content words is removed (one
  shared word is not support: a copied source label or a claim that merely names the topic);
- a statement without a marker gets the marker of the given passage that clearly supports it
  (most of its content words occur there), or is dropped and reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.answerer import AnswerRefused, Draft, DraftCitation
from assistant.citations import MARKER, best_quote, drop_unknown_markers, statements
from assistant.llm_prompts import ABSTAIN_PHRASE
from assistant.templates import phrase
from steunwijs.dutch.patterns import collapse_ws
from steunwijs.dutch.sentences import split_sentences
from steunwijs.dutch.terms import content_stems, covers
from steunwijs.types import Hit

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
UNGROUNDED_REASON_EN = "not one sentence of its reply was supported by the sources"
# Longest dropped sentence quoted in full in a notice.
NOTICE_SENTENCE_CHARS = 120

_LIST_PREFIX = re.compile(r"^(\s*(?:>\s*)?(?:[-*+]\s+|\d+[.)]\s+)?)(.*)$")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?])")
_PUNCT_ONLY = re.compile(r"^[\W_]*$")
# Markers go before the final punctuation ("... erkend [2]."), where they unmistakably belong to
# the sentence they follow.
_FINAL_PUNCT = re.compile(r"^(.*?)([.!?…]*)$", re.DOTALL)

_LIST_PREFIX = re.compile(r"^(\s*(?:>\s*)?(?:[-*+]\s+|\d+[.)]\s+)?)(.*)$")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?])")
_PUNCT_ONLY = re.compile(r"^[\W_]*$")
# Markers go before the final punctuation ("... erkend [2]."), where they unmistakably belong to
# the sentence they follow.
_FINAL_PUNCT = re.compile(r"^(.*?)([.!?…]*)$", re.DOTALL)


class UngroundedAnswer(AnswerRefused):
    """The model answered, but not one of its statements is supported by the sources it was given.

    A kind of `AnswererUnavailable`, so the assistant falls back to the extractive answerer, which
    can only say what the documents say; its notices report what was dropped.
    """


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
        raise UngroundedAnswer(UNGROUNDED_REASON, UNGROUNDED_REASON_EN, notices)
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
    statement = collapse_ws(_SPACE_BEFORE_PUNCT.sub(r"\1", MARKER.sub("", sentence)))
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
    text = collapse_ws(MARKER.sub("", sentence))
    return text if len(text) <= NOTICE_SENTENCE_CHARS else text[: NOTICE_SENTENCE_CHARS - 1].rstrip() + "…"
