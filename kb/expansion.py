"""Query expansion: bridge the words users type and the words the documents use.

Users ask in today's words ("leerondersteuner", "leersteuncentrum", "zorgco", "fase 2"); the
2016-2019 documents say "ondersteuner", "PWB-ondersteuner", "ondersteuningsnetwerk",
"zorgcoördinator", "uitbreiding van zorg". BM25 only finds words that are literally there, so the
lexical query gets the documents' words added (kb/synonyms.toml). The dense query stays the user's
own question: the embedding model already places paraphrases near each other, and padding the
question with a list of synonyms would pull its vector away from what was asked.

Matching works on stemmed, accent-folded whole words (so "leerondersteuners" and "zorgcoordinator"
match their entries), and keeps one-character words, so "fase 2" is not "fase".
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kb.bm25 import analyze, fold, stem

DEFAULT_TABLE = Path(__file__).with_name("synonyms.toml")

_WORD = re.compile(r"\w+")


def phrase_stems(text: str) -> tuple[str, ...]:
    """A text as the stemmed, accent-folded words that user phrases are matched on."""
    return tuple(stem(_WORD.findall(fold(text.replace("-", " ")))))


@dataclass(frozen=True)
class Term:
    """One row of the table: phrases a user may type, and the documents' phrases for the same thing."""

    user: tuple[str, ...]
    documents: tuple[str, ...]
    patterns: tuple[tuple[str, ...], ...] = field(repr=False, default=())


@dataclass
class Expansion:
    """A question with the documents' phrases that its words call for."""

    query: str
    added: list[str]

    def extra_terms(self) -> list[str]:
        """BM25 terms of the added phrases that the question does not already contain."""
        own = set(analyze(self.query))
        extra: list[str] = []
        for phrase in self.added:
            for term in analyze(phrase):
                if term not in own and term not in extra:
                    extra.append(term)
        return extra


class Expander:
    """Finds the table's user phrases in a question and returns the matching document phrases."""

    def __init__(self, terms: list[Term]) -> None:
        self.terms = [
            Term(t.user, t.documents, tuple(p for p in (phrase_stems(u) for u in t.user) if p)) for t in terms
        ]

    @classmethod
    def from_toml(cls, path: Path = DEFAULT_TABLE) -> Expander:
        with path.open("rb") as handle:
            table = tomllib.load(handle)
        try:
            terms = [Term(tuple(row["user"]), tuple(row["documents"])) for row in table["term"]]
        except KeyError as missing:
            raise ValueError(f"{path}: every [[term]] needs `user` and `documents` (missing {missing})") from missing
        return cls(terms)

    def expand(self, query: str) -> Expansion:
        words = phrase_stems(query)
        added: list[str] = []
        for term in self.terms:
            if any(contains_phrase(words, pattern) for pattern in term.patterns):
                added.extend(d for d in term.documents if d not in added)
        return Expansion(query, added)


def contains_phrase(words: tuple[str, ...], pattern: tuple[str, ...]) -> bool:
    """Whether the stemmed `pattern` occurs in `words` as consecutive words."""
    n = len(pattern)
    return any(words[i : i + n] == pattern for i in range(len(words) - n + 1))


@lru_cache(maxsize=1)
def default_expander() -> Expander:
    """The expander over kb/synonyms.toml, read once per process."""
    return Expander.from_toml()
