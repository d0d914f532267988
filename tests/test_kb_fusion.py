"""Reciprocal rank fusion: the arithmetic the hybrid retriever ranks by."""

from __future__ import annotations

import pytest

from kb.fusion import reciprocal_rank_fusion


def test_a_passage_found_by_both_sides_beats_one_found_by_a_single_side() -> None:
    fused = dict(reciprocal_rank_fusion([["a", "b", "c"], ["d", "b", "e"]], k=60))
    assert max(fused, key=fused.__getitem__) == "b"
    assert fused["b"] == pytest.approx(2 / 62)
    assert fused["a"] == pytest.approx(fused["d"]) == pytest.approx(1 / 61)


def test_order_is_best_first_and_k_controls_how_fast_ranks_decay() -> None:
    rankings = [["a", "b"], ["b", "c"]]
    for k in (1, 60):
        fused = reciprocal_rank_fusion(rankings, k=k)
        assert [pid for pid, _ in fused][0] == "b"
        assert [score for _, score in fused] == sorted((score for _, score in fused), reverse=True)
    sharp, flat = dict(reciprocal_rank_fusion(rankings, k=1)), dict(reciprocal_rank_fusion(rankings, k=60))
    assert sharp["a"] / sharp["c"] > flat["a"] / flat["c"] > 1


def test_empty_rankings_fuse_to_nothing() -> None:
    assert reciprocal_rank_fusion([[], []], k=60) == []
