"""Content words and their stems: the vocabulary side of ranking, abstention and follow-ups.

Term overlap complements e5 similarity where embeddings are weakest: exact facts ("hoeveel
leersteuncentra"), acronyms (CLB, PBD, IAC) and telling whether the documents mention the
question's subject at all. Stems come from the BM25 index's own analyzer (kb.bm25.analyze:
accent folding, Dutch Snowball stems), so "overlap" means the same thing here as in retrieval.
Two additions for questions: interrogatives and light verbs are not content, and a user's word
counts as covered when the documents use its synonym from steunwijs/tables/synonyms.toml ("leerondersteuner"
-> "ondersteuner"), another form of the same verb ("bewaart" -> "bewaren"), or contain it as part
of a compound ("ondersteuner" in "leerondersteuners").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from steunwijs.dutch.analysis import analyze
from steunwijs.dutch.synonyms import default_expander

# Words of questions that carry no topic: interrogatives, modal and light verbs, fillers.
QUESTION_WORDS: frozenset[str] = frozenset(
    """wat wie welke welk hoe waarom wanneer waar waarmee waarover waarvoor hoeveel kan kun kunnen
    mag mogen moet moeten wordt worden werd zijn is was waren zal zullen zou zouden heb hebt heeft
    hebben doe doet doen gaat gaan geldt gelden staat staan men iemand ik jij je jullie we wij u uw
    mijn onze ons ze zij hun hen graag eigenlijk precies juist nu dan daarbij daarover daarvan
    hierbij hiervoor ook nog even eens vooral zoal allemaal zeggen zegt vertel uitleggen leg uit
    kort soort manier iets volgens documenten document quiz quizvraag raadt raden aanraden
    raadde raadden meldt melden meldde meldden noemt noemen noemde beschrijft beschrijven allebei
    beide vind vindt vinden vond vonden zeiden zei stelt stellen elk elke ieder iedere alle binnen
    tijdens""".split()
)
_QUESTION_STEMS: frozenset[str] = frozenset(s for w in QUESTION_WORDS for s in analyze(w))
_TOKEN = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_MIN_COMPOUND_PART = 5  # shortest stem that may count as part of a compound
_MIN_PART = 3  # shortest half of a compound split into two known words


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; hyphenated compounds ("CLB-medewerkers") stay one token."""
    return [t.lower() for t in _TOKEN.findall(text)]


def content_words(text: str) -> list[str]:
    """Tokens that carry a topic: not a question word, not a BM25 stopword, longer than one letter."""
    return [t for t in tokens(text) if t not in QUESTION_WORDS and len(t) > 1 and analyze(t)]


def _verb_base(stem: str) -> frozenset[str]:
    """The stem of a verb form the Snowball stemmer leaves inflected: "bewaart" -> "bewar".

    Dutch Snowball strips "-en" but not the "-t"/"-d" of "bewaart", "evalueert", "volgt", so the
    question's "bewaart" would never meet the documents' "bewaren".
    """
    if len(stem) <= 4 or stem[-1] not in "td":
        return frozenset()
    base = frozenset(analyze(stem[:-1])) - {stem}
    return base if len(base) == 1 else frozenset()


def _plain_stems(text: str) -> frozenset[str]:
    return frozenset(analyze(text)) - _QUESTION_STEMS


@lru_cache(maxsize=20_000)
def content_stems(text: str) -> frozenset[str]:
    """Stems of the content words of `text`, plus the base of inflected verbs ("bewaard" -> "bewar").

    Cached: sentences are analysed again and again.
    """
    stems = _plain_stems(text)
    return stems.union(*(_verb_base(s) for s in stems))


def covers(term: str, stems: Iterable[str]) -> bool:
    """True when stem `term` occurs among `stems`, or a compound explains it.

    Two compound cases count: the term is part of a longer word ("ondersteuner" in
    "leerondersteuner"), or the term is two words of the pool glued together, with an optional
    linking "s" or "e" ("tijdsgebrek" = "tijd" + "s" + "gebrek"). A term that merely contains some
    known word ("screeningsmethode" contains "methode") is not covered: its other half may be
    the very topic of the question.
    """
    pool = stems if isinstance(stems, (set, frozenset)) else set(stems)
    if term in pool:
        return True
    if len(term) < _MIN_COMPOUND_PART:
        return False
    if any(len(s) > len(term) and term in s for s in pool):
        return True
    for cut in range(_MIN_PART, len(term) - _MIN_PART + 1):
        head, tail = term[:cut], term[cut:]
        if tail in pool and (head in pool or (head[-1] in "se" and head[:-1] in pool)):
            return True
    return False


@dataclass(frozen=True)
class QueryTerms:
    """The content stems of a question, each with alternatives that also cover it (synonyms, verb bases)."""

    stems: frozenset[str]
    synonyms: dict[str, tuple[frozenset[str], ...]]

    def covered(self, stem: str, text_stems: frozenset[str]) -> bool:
        if covers(stem, text_stems):
            return True
        return any(all(covers(s, text_stems) for s in phrase) for phrase in self.synonyms.get(stem, ()))

    def coverage(self, text_stems: frozenset[str]) -> float:
        """Share of the question's content stems that `text_stems` cover (0 for a question without any)."""
        if not self.stems:
            return 0.0
        return sum(self.covered(s, text_stems) for s in self.stems) / len(self.stems)


@lru_cache(maxsize=1024)
def query_terms(question: str) -> QueryTerms:
    """Content stems of `question`, with synonyms from the knowledge base's expansion table and
    the base form of inflected verbs."""
    stems = _plain_stems(question)
    synonyms: dict[str, list[frozenset[str]]] = {}
    for s in stems:
        if base := _verb_base(s):
            synonyms.setdefault(s, []).append(base)
    for term in default_expander().terms:
        for user_phrase in term.user:
            user_stems = frozenset(analyze(user_phrase))
            if not user_stems or not user_stems <= stems:
                continue
            for phrase in term.documents:
                doc_stems = frozenset(analyze(phrase))
                if doc_stems:
                    for s in user_stems:
                        synonyms.setdefault(s, []).append(doc_stems)
    return QueryTerms(stems, {k: tuple(v) for k, v in synonyms.items()})
