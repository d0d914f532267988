"""The text rules the metrics score by: evidence matching, citation markers and content stems.

Evidence matching is the rule of EVAL_FORMAT.md: lower-case, then keep only letters and digits, on
both the quote and the passage. That makes a quote from the raw file match a cleaned passage whose
hyphenation was joined, whose bullets were dropped or whose quotes were straightened.

These rules are the eval's own ruler, deliberately not the retriever's text analysis
(`steunwijs.dutch`): a change to the system under test must not also move what it is measured with.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH

# "[1]", "[1][2]" and "[1, 2]" are all markers; a bracketed word ("[sic]") is not.
_MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_WORD = re.compile(r"\w+")
_STEMMER = Stemmer.Stemmer("dutch")
_STOPWORDS = frozenset(STOPWORDS_DUTCH)


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """Lower-case letters and digits only (NFKC first, so ligatures and decomposed accents agree)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if ch.isalnum())


def holds(passage: str, quote: str) -> bool:
    """Whether a passage contains an evidence quote, by the matching rule of EVAL_FORMAT.md."""
    needle = normalise(quote)
    return bool(needle) and needle in normalise(passage)


def markers(answer: str) -> list[int]:
    """Every citation marker number in an answer, in order of appearance ("[1, 3]" gives 1 and 3)."""
    return [int(n) for group in _MARKER.findall(answer) for n in re.split(r"\s*[,;]\s*", group)]


def strip_markers(answer: str) -> str:
    """The answer text without its markers, so marker digits do not count as content words."""
    return _MARKER.sub(" ", answer)


def content_stems(text: str) -> set[str]:
    """Stemmed Dutch content words: lower-cased word tokens minus stopwords, Snowball-stemmed.

    Stemming lets "samenwerken" in an answer point meet "samenwerking" in the answer. The stopwords
    are bm25s' Snowball Dutch list. This is deliberately not the retriever's own analysis
    (steunwijs.dutch.analysis), which folds accents and shortens vowels for recall.
    """
    tokens = [t for t in _WORD.findall(text.lower()) if t not in _STOPWORDS]
    return set(_STEMMER.stemWords(tokens))


def point_overlap(point: str, answer: str) -> float:
    """Share of an answer point's content stems that occur in the answer (0.0 for an empty point)."""
    wanted = content_stems(point)
    if not wanted:
        return 0.0
    return len(wanted & content_stems(strip_markers(answer))) / len(wanted)
