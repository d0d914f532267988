"""Corpus evidence: word, word-pair and token frequencies that decide hyphens and footnote markers.

Cleaning a line end ("leerondersteu-" / "ners") or a glued digit ("paramedisch3") needs to know how
the corpus writes things elsewhere; a dictionary would not know its compounds, acronyms and codes.
The evidence comes from every readable document of the folder(s), not just the one being cleaned.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from ingest.errors import UnreadableDocument
from ingest.readers import read_document

log = logging.getLogger(__name__)

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_TOKEN = re.compile(r"\w+(?:[.,]\d+)*")
_SUFFIXES = ("e", "en", "n", "s", "'s", "’s", "es", "er", "ers", "d", "t", "de", "te", "ing", "ingen")


class Vocabulary:
    """Word and token frequencies of a corpus: the evidence for hyphenation and footnote decisions.

    Words are counted only inside lines (not a line's first or last word), because the words at
    line edges are the fragments in question ("leerondersteu" / "ners"); numbers and alphanumeric
    tokens are counted everywhere ("SMARTI20" once = a glued footnote marker, "LM1" often = a code).
    """

    def __init__(self, words: Counter[str], bigrams: Counter[tuple[str, str]], tokens: Counter[str]) -> None:
        self.words = words
        self.bigrams = bigrams
        self.tokens = tokens

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Vocabulary:
        words: Counter[str] = Counter()
        bigrams: Counter[tuple[str, str]] = Counter()
        tokens: Counter[str] = Counter()
        for text in texts:
            for line in text.splitlines():
                tokens.update(token.lower() for token in _TOKEN.findall(line))
                matches = list(_WORD.finditer(line))[1:-1]
                words.update(match.group().lower() for match in matches)
                for left, right in zip(matches, matches[1:]):
                    if line[left.end() : right.start()].isspace():
                        bigrams[(left.group().lower(), right.group().lower())] += 1
        return cls(words, bigrams, tokens)

    @classmethod
    def from_files(cls, paths: Iterable[Path], max_bytes: int | None = None) -> Vocabulary:
        """Evidence from every readable file; an unreadable one adds nothing (its ingest reports it)."""
        texts = []
        for path in paths:
            try:
                texts.append("\n".join(read_document(Path(path), max_bytes=max_bytes).lines))
            except UnreadableDocument as error:  # passages_for_file raises it again for this file
                log.warning("no vocabulary evidence from %s", error)
        return cls.from_texts(texts)

    def count(self, word: str) -> int:
        return self.words[word.lower()]

    def support(self, word: str) -> int:
        """Occurrences of the word or an inflected/derived form ("werkvorm" via "werkvormen")."""
        word = word.lower()
        total = self.words[word] + sum(self.words[word + suffix] for suffix in _SUFFIXES)
        for suffix in ("en", "e", "s", "n"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                total += self.words[word[: -len(suffix)]]
        return total

    def token_count(self, token: str) -> int:
        return self.tokens[token.lower()]
