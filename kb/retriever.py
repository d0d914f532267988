"""Hybrid retrieval: dense (e5 embeddings, exact) + lexical (BM25), fused by reciprocal rank fusion
or by learned weights (kb/fusion.py).

Why both: the dense side finds passages that say the same thing in other words; BM25 finds exact
terms (acronyms, numbers, names) that a small embedding model blurs. RRF combines the two rankings
without having to calibrate cosine similarities against BM25 scores: each passage scores
sum(1 / (rrf_k + rank)) over the lists it appears in.

Why not llama-index's `QueryFusionRetriever(mode="reciprocal_rerank")`: it fixes k at 60 (the
setting `rrf_k` would be ignored), overwrites each node's score with the fused one (a hit must keep
its cosine and BM25 scores for the abstention logic and the UI), deduplicates by content hash
instead of passage id, and resolves an LLM from llama-index's global settings even when no query
generation is wanted. The fusion itself is a few lines, so it is written out here. For
llama-index components, `as_llama()` gives the retriever as a llama-index `BaseRetriever`
(kb/llama_retriever.py); the retriever itself does not import llama-index, which takes seconds to
import and which answering does not otherwise need (a fresh `steunwijs ask` should be quick).

Filters (documents, eras) apply on both sides as one mask: inside the dense scoring and inside the
BM25 scoring, so filtering never just trims a list that was cut off earlier. Dense scoring is an
exact dot product over the generation's vectors (kb.loading.Generation explains why not HNSW).
The dense query is the user's question; only BM25 gets the expansion (see steunwijs/dutch/synonyms.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from kb.fusion import FEATURES, LinearFusion
from kb.loading import Generation
from steunwijs.dutch.analysis import analyze
from steunwijs.dutch.synonyms import Expander
from steunwijs.dutch.terms import content_stems, query_terms

if TYPE_CHECKING:
    from kb.embeddings import Embedder
    from kb.llama_retriever import LlamaRetriever


_DENSE_RRF, _BM25_RRF, _DENSE_GAP, _BM25_REL, _HEADING, _BOTH = (
    FEATURES.index(name) for name in ("dense_rrf", "bm25_rrf", "dense_gap", "bm25_rel", "heading", "both")
)


@dataclass(frozen=True)
class Candidates:
    """The union of both sides' candidates with what fusion weighs: `features` has one row per id,
    one column per name in kb.fusion.FEATURES."""

    ids: list[str]
    features: np.ndarray
    dense_scores: dict[str, float]
    bm25_scores: dict[str, float]


@dataclass(frozen=True)
class Scored:
    """One retrieved passage: its fused score (RRF, or the learned fusion's), its cosine and its
    BM25 score (None where that side did not find it)."""

    passage_id: str
    score: float
    dense_score: float | None
    bm25_score: float | None


class HybridRetriever:
    """Dense + BM25 retrieval over one index generation, with optional document and era filters."""

    def __init__(
        self,
        generation: Generation,
        embedder: Embedder,
        *,
        top_k: int,
        candidate_k: int,
        rrf_k: int,
        expander: Expander | None = None,
        sources: list[str] | None = None,
        eras: list[str] | None = None,
        fusion: LinearFusion | None = None,
    ) -> None:
        self.generation = generation
        self.embedder = embedder
        self.top_k = top_k
        self.candidate_k = candidate_k
        self.rrf_k = rrf_k
        self.expander = expander
        self.sources = sources
        self.eras = eras
        self.fusion = fusion  # None: reciprocal rank fusion

    def dense(self, embedding: np.ndarray, mask: np.ndarray | None, allowed: int) -> list[tuple[str, float]]:
        """(id, cosine) of the nearest passages among the `allowed` ones that pass the filters, best first."""
        n = min(self.candidate_k, allowed)
        if not n:
            return []
        scores = self.generation.vectors @ embedding
        if mask is not None:
            scores = np.where(mask > 0, scores, -np.inf)
        top = np.argsort(-scores, kind="stable")[:n]
        return [(self.generation.passages[i].id, float(scores[i])) for i in top]

    def lexical(self, query: str, mask: np.ndarray | None) -> list[tuple[str, float]]:
        """(id, BM25 score) of the best passages for the question, expanded with the documents' words."""
        extra = self.expander.expand(query).extra_terms() if self.expander else []
        return self.generation.bm25.search(analyze(query), self.candidate_k, mask=mask, extra_terms=extra)

    def candidates(self, query: str, embedding: np.ndarray | None = None, full: bool = True) -> Candidates | None:
        """Both sides' candidates for `query` with their fusion features (None when no passage is allowed).

        `full=False` fills only the two rank terms and "found by both", all that RRF weighs: the
        cosines of BM25's candidates and the heading match cost more than the search itself.
        """
        if not self.generation.passages:
            return None
        mask = self.generation.mask(self.sources, self.eras)
        allowed = len(self.generation.passages) if mask is None else int(mask.sum())
        if allowed == 0:
            return None
        if embedding is None:
            embedding = self.embedder.embed_query(query)
        dense = self.dense(embedding, mask, allowed)
        lexical = self.lexical(query, mask)
        ids = list(dict.fromkeys([pid for pid, _ in dense] + [pid for pid, _ in lexical]))
        dense_rank = {pid: rank for rank, (pid, _) in enumerate(dense, start=1)}
        bm25_rank = {pid: rank for rank, (pid, _) in enumerate(lexical, start=1)}
        bm25_scores = dict(lexical)
        features = np.zeros((len(ids), len(FEATURES)))
        for row, pid in enumerate(ids):
            in_dense, in_bm25 = pid in dense_rank, pid in bm25_rank
            features[row, _DENSE_RRF] = 1.0 / (self.rrf_k + dense_rank[pid]) if in_dense else 0.0
            features[row, _BM25_RRF] = 1.0 / (self.rrf_k + bm25_rank[pid]) if in_bm25 else 0.0
            features[row, _BOTH] = float(in_dense and in_bm25)
        if full and ids:
            # every candidate has a cosine (dense scoring is exact), also those only BM25 ranked
            cosines = self.generation.vectors[[self.generation.bm25.position(pid) for pid in ids]] @ embedding
            best_bm25 = max(bm25_scores.values(), default=0.0) or 1.0
            terms = query_terms(query)
            features[:, _DENSE_GAP] = cosines - float(cosines.max())
            features[:, _BM25_REL] = [bm25_scores.get(pid, 0.0) / best_bm25 for pid in ids]
            features[:, _HEADING] = [terms.coverage(content_stems(self.generation.passage(pid).section)) for pid in ids]
        return Candidates(ids, features, dict(dense), bm25_scores)

    def retrieve(self, query: str, embedding: np.ndarray | None = None) -> list[Scored]:
        """The best `top_k` passages for `query`, best first (`embedding`: the query's vector, if known)."""
        found = self.candidates(query, embedding, full=self.fusion is not None)
        if found is None:
            return []
        if self.fusion is None:
            scores = found.features[:, _DENSE_RRF] + found.features[:, _BM25_RRF]  # RRF: the sum of both rank terms
        else:
            scores = self.fusion.scores(found.features)
        order = np.argsort(-scores, kind="stable")[: self.top_k]  # ties: dense order, then BM25's new ids
        return [
            Scored(found.ids[i], float(scores[i]), found.dense_scores.get(found.ids[i]), found.bm25_scores.get(found.ids[i]))
            for i in order
        ]

    def as_llama(self) -> LlamaRetriever:
        """This retriever as a llama-index `BaseRetriever` (imports llama-index)."""
        from kb.llama_retriever import LlamaRetriever

        return LlamaRetriever(self)
