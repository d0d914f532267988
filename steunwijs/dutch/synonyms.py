"""Query expansion: bridge the words users type and the words the documents use.

Users ask in today's words ("leerondersteuner", "leersteuncentrum", "zorgco", "fase 2"); the
2016-2019 documents say "ondersteuner", "PWB-ondersteuner", "ondersteuningsnetwerk",
"zorgcoördinator", "uitbreiding van zorg". BM25 only finds words that are literally there, so the
lexical query gets the documents' words added (steunwijs/tables/synonyms.toml). The dense query stays the user's
own question: the embedding model already places paraphrases near each other, and padding the
question with a list of synonyms would pull its vector away from what was asked.

Matching works on stemmed, accent-folded whole words (so "leerondersteuners" and "zorgcoordinator"
match their entries), and keeps one-character words, so "fase 2" is not "fase".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pydantic import BaseModel, Field

from steunwijs.dutch.analysis import analyze, fold, stem
from steunwijs.resources import load_toml, parse_toml

SYNONYMS_FILE = "synonyms.toml"

_WORD = re.compile(r"\w+")


def phrase_stems(text: str) -> tuple[str, ...]:
    """A text as the stemmed, accent-folded words that user phrases are matched on."""
    return tuple(stem(_WORD.findall(fold(text.replace("-", " ")))))


class SynonymRow(BaseModel):
    """One ``[[term]]`` of steunwijs/tables/synonyms.toml."""

    user: list[str] = Field(min_length=1, description="Phrases a user may type.")
    documents: list[str] = Field(min_length=1, description="The documents' phrases for the same thing.")


class SynonymTable(BaseModel):
    """steunwijs/tables/synonyms.toml: the users' words -> the documents' words."""

    term: list[SynonymRow]


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
    def from_table(cls, table: SynonymTable) -> Expander:
        return cls([Term(tuple(row.user), tuple(row.documents)) for row in table.term])

    @classmethod
    def from_toml_text(cls, text: str, origin: str = "synonyms table") -> Expander:
        """An expander over a table given as TOML text (tests, other corpora)."""
        return cls.from_table(parse_toml(text, SynonymTable, origin))

    def extended(self, terms: list[Term]) -> Expander:
        """This table plus `terms` (the glossary's acronyms, kb/glossary.py): one expander, one mechanism."""
        return Expander([*self.terms, *terms])

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
    """The expander over steunwijs/tables/synonyms.toml, read once per process."""
    return Expander.from_table(load_toml("tables", SYNONYMS_FILE, SynonymTable))
