"""Reciprocal rank fusion: one ranking from several, by rank alone.

Dense and BM25 scores live on different scales (a cosine near 0.85, a BM25 score of 3 to 30), so
the hybrid retriever and the scoped search fuse by rank: score(id) = sum over the lists it appears
in of 1 / (k + rank). A passage both sides rank well beats one that only one side found.
"""

from __future__ import annotations

from collections.abc import Sequence


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], k: int) -> list[tuple[str, float]]:
    """Fuse ranked id lists (best first): score(id) = sum over lists of 1 / (k + rank), rank from 1.

    Ties keep the order of first appearance (the first list's order, then the next list's new ids).
    """
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, pid in enumerate(ranking, start=1):
            scores[pid] = scores.get(pid, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda item: item[1], reverse=True)
