"""Dutch word analysis shared by BM25, the answerer's term overlap and abstention.

One analysis for indexing and querying, so both sides see the same terms: lower case, accents
folded (users type "zorgcoordinator" and "continuum"; the documents write "zorgcoördinator",
"zorgcontinuüm"), words of two or more letters/digits, Dutch stopwords and a few question words
removed, then the Snowball Dutch stemmer (PyStemmer), so "leerondersteuners" and
"leerondersteuner" meet.
"""

from __future__ import annotations

import hashlib
import inspect
import re
import unicodedata

import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH

# Question words that BM25 would otherwise count as content: they are in nearly every question and
# carry nothing about which passage answers it.
_QUESTION_WORDS = frozenset(
    "welke welk waarom wanneer waar wat hoe wie doet mag mogen moeten kunnen zouden graag eigenlijk precies "
    "iemand bestaat gebeurt iets juist ervan erover hierover daarover".split()
)
_STOPWORDS = frozenset(STOPWORDS_DUTCH) | _QUESTION_WORDS
# Words of two or more characters, and single digits ("fase 2", "type 9", "4 en 5").
_WORD = re.compile(r"\w\w+|\d")
_STEMMER = Stemmer.Stemmer("dutch")
_LONG_VOWEL = re.compile(r"([aeou])\1([^aeiouy])$")


def fold(text: str) -> str:
    """Lower case without accents: the form in which users' and documents' words are compared."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def stem(words: list[str]) -> list[str]:
    """Snowball Dutch stems with a long final vowel made short.

    The Snowball Dutch stemmer restores the long vowel of an open syllable ("verslagen" ->
    "verslaag", "maatregelen" -> "maatregeel") but leaves the singular alone ("verslag",
    "maatregel"), so singular and plural would never meet. Shortening the vowel in every stem maps
    both forms to one term; the rare words that become equal ("maan", "man") cost little here.
    """
    return [_LONG_VOWEL.sub(r"\1\2", s) for s in _STEMMER.stemWords(words)]


def analyze(text: str) -> list[str]:
    """The terms BM25 indexes and searches for: folded, tokenised, stopwords out, stemmed."""
    return stem([w for w in _WORD.findall(fold(text)) if w not in _STOPWORDS])


def analyzer_fingerprint() -> str:
    """Changes whenever the text analysis changes, so an index built with the old one is rebuilt."""
    parts = [_WORD.pattern, _LONG_VOWEL.pattern, "dutch", *sorted(_STOPWORDS)]
    parts += [inspect.getsource(f) for f in (fold, stem, analyze)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()
