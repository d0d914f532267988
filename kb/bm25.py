"""The lexical half of hybrid retrieval: a bm25s index over Dutch-stemmed passage text.

Why BM25 next to the dense model: the documents are full of exact terms that a small multilingual
embedding blurs (acronyms such as IAC, GC-verslag, BVH1, type 9; numbers; names of nets). BM25 finds
those by their words; the dense side finds paraphrases. Reciprocal rank fusion combines both.

Text analysis (`analyze`) is shared by indexing and querying, so both sides see the same terms:
lower case, accents folded (users type "zorgcoordinator" and "continuum"; the documents write
"zorgcoördinator", "zorgcontinuüm"), words of two or more letters/digits, Dutch stopwords and a few
question words removed, then the Snowball Dutch stemmer (PyStemmer), so "leerondersteuners" and
"leerondersteuner" meet.

The index is saved into a generation folder together with the passage ids in index order
(`ids.json`) and a fingerprint of the text analysis (`analyzer.json`); `load` refuses an index whose
ids do not match the Chroma collection of the same generation, or that was built with a different
analysis than the queries now get, so the halves can never silently disagree (the caller rebuilds).
"""

from __future__ import annotations

import hashlib
import inspect
import json
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH

IDS_FILE = "ids.json"
ANALYZER_FILE = "analyzer.json"

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


class BM25Mismatch(RuntimeError):
    """A saved BM25 index does not belong to the collection it is loaded for."""


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


class BM25Index:
    """A bm25s index whose document i is the passage `ids[i]`."""

    def __init__(self, ids: list[str], model: bm25s.BM25) -> None:
        self.ids = ids
        self._model = model
        self._position = {pid: i for i, pid in enumerate(ids)}

    @classmethod
    def build(cls, ids: Sequence[str], texts: Sequence[str]) -> BM25Index:
        """Index `texts` (one per id, same order)."""
        if len(ids) != len(texts):
            raise ValueError(f"{len(ids)} ids but {len(texts)} texts")
        model = bm25s.BM25()
        model.index([analyze(t) for t in texts], show_progress=False)
        return cls(list(ids), model)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._model.save(str(folder), show_progress=False)
        (folder / IDS_FILE).write_text(json.dumps(self.ids), encoding="utf-8")
        (folder / ANALYZER_FILE).write_text(json.dumps({"analyzer": analyzer_fingerprint()}), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, expected_ids: Sequence[str] | None = None) -> BM25Index:
        """Load a saved index; with `expected_ids`, check it covers exactly those passages.

        Raises FileNotFoundError when nothing (complete) is saved there, BM25Mismatch when it is stale.
        """
        ids = json.loads((folder / IDS_FILE).read_text(encoding="utf-8"))
        analyzer = json.loads((folder / ANALYZER_FILE).read_text(encoding="utf-8"))["analyzer"]
        if analyzer != analyzer_fingerprint():
            raise BM25Mismatch(f"BM25 index in {folder} was built with a different text analysis")
        if expected_ids is not None and set(ids) != set(expected_ids):
            raise BM25Mismatch(f"BM25 index in {folder} does not match its collection ({len(ids)} vs {len(expected_ids)} ids)")
        model = bm25s.BM25.load(str(folder), show_progress=False)
        return cls(ids, model)

    def __len__(self) -> int:
        return len(self.ids)

    def position(self, passage_id: str) -> int:
        return self._position[passage_id]

    def search(
        self,
        terms: Sequence[str],
        k: int,
        mask: np.ndarray | None = None,
        extra_terms: Sequence[str] = (),
        extra_weight: float = 0.5,
    ) -> list[tuple[str, float]]:
        """The `k` best (id, score) pairs for analysed query `terms`; passages with score 0 are left out.

        `extra_terms` (query expansion) count with `extra_weight`, so the words the user typed keep
        the upper hand over the synonyms added for them. `mask` (1.0 = allowed, 0.0 = filtered out,
        one entry per passage) applies the document/era filters inside the scoring, so a filter never
        leaves fewer than `k` candidates when more passages match.
        """
        if not (terms or extra_terms) or not self.ids:
            return []
        scores = self._model.get_scores(list(terms), weight_mask=mask) if terms else np.zeros(len(self.ids))
        if extra_terms:
            scores = scores + extra_weight * self._model.get_scores(list(extra_terms), weight_mask=mask)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0.0]
