"""The lexical half of hybrid retrieval: a bm25s index over Dutch-stemmed passage text.

Why BM25 next to the dense model: the documents are full of exact terms that a small multilingual
embedding blurs (acronyms such as IAC, GC-verslag, BVH1, type 9; numbers; names of nets). BM25 finds
those by their words; the dense side finds paraphrases. Reciprocal rank fusion combines both.

Text analysis (`steunwijs.dutch.analysis.analyze`) is shared by indexing and querying, so both
sides see the same terms.

The index is saved into a generation folder together with the passage ids in index order
(`ids.json`) and a fingerprint of the text analysis (`analyzer.json`); `load` refuses an index whose
ids do not match the Chroma collection of the same generation, or that was built with a different
analysis than the queries now get, so the halves can never silently disagree, and one whose files
are damaged (truncated, overwritten: bm25s then fails deep inside numpy or json). In every case the
caller rebuilds it from the collection, BM25 being derived data.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np

from steunwijs.dutch.analysis import analyze, analyzer_fingerprint

IDS_FILE = "ids.json"
ANALYZER_FILE = "analyzer.json"


class BM25Mismatch(RuntimeError):
    """A saved BM25 index does not belong to the collection it is loaded for."""


class BM25Damaged(RuntimeError):
    """A saved BM25 index whose files cannot be read (the message says which problem)."""


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

        Raises FileNotFoundError when nothing (complete) is saved there, BM25Mismatch when it is
        stale, BM25Damaged when its files are unreadable.
        """
        try:
            ids = json.loads((folder / IDS_FILE).read_text(encoding="utf-8"))
            analyzer = json.loads((folder / ANALYZER_FILE).read_text(encoding="utf-8"))["analyzer"]
        except FileNotFoundError:
            raise
        except (OSError, ValueError, KeyError, TypeError) as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise BM25Damaged(f"BM25 index in {folder} is damaged: {type(error).__name__}: {error}") from error
        if analyzer != analyzer_fingerprint():
            raise BM25Mismatch(f"BM25 index in {folder} was built with a different text analysis")
        if expected_ids is not None and set(ids) != set(expected_ids):
            raise BM25Mismatch(f"BM25 index in {folder} does not match its collection ({len(ids)} vs {len(expected_ids)} ids)")
        try:
            model = bm25s.BM25.load(str(folder), show_progress=False)
        except FileNotFoundError:
            raise
        except (OSError, ValueError, KeyError, TypeError, EOFError) as error:  # numpy/json on truncated or foreign bytes
            raise BM25Damaged(f"BM25 index in {folder} is damaged: {type(error).__name__}: {error}") from error
        problem = _inconsistency(model, len(ids))
        if problem:
            raise BM25Damaged(f"BM25 index in {folder} is damaged: {problem}")
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


def _inconsistency(model: bm25s.BM25, documents: int) -> str | None:
    """What does not fit in a loaded bm25s matrix (bytes that parse but do not belong together), or None.

    The sparse matrix has a column per term (`indptr` into `indices` and `data`) whose rows are
    documents; a search would index out of range, or quietly score wrong passages, otherwise.
    """
    scores = model.scores
    indptr, indices, data = scores["indptr"], scores["indices"], scores["data"]
    if scores["num_docs"] != documents:
        return f"{documents} ids for {scores['num_docs']} documents"
    if len(indices) != len(data) or not len(indptr) or indptr[-1] != len(data) or (np.diff(indptr) < 0).any():
        return "the score matrix is inconsistent"
    if len(indices) and (indices.min() < 0 or indices.max() >= documents):
        return "the score matrix names documents that do not exist"
    return None
