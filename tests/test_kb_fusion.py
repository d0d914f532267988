"""Fusion: the arithmetic of reciprocal rank fusion, and the learned weights' table and scores."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kb.fusion import FEATURES, FUSION_FILE, FusionTable, load_fusion, reciprocal_rank_fusion
from steunwijs.errors import ConfigurationError
from steunwijs.resources import parse_toml, resource_path


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


# --- learned fusion -----------------------------------------------------------------------------
def _table(path, key: str, weights: dict[str, float], bias: float = 0.0):  # noqa: ANN001, ANN202
    lines = [f'["{key}"]', f"bias = {bias}", f'["{key}".weights]'] + [f"{k} = {v}" for k, v in weights.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _weights(**given: float) -> dict[str, float]:
    return {name: given.get(name, 0.0) for name in FEATURES}


def test_learned_weights_load_per_model_and_score_by_the_logistic_of_the_weighted_features(tmp_path) -> None:  # noqa: ANN001
    path = _table(tmp_path / "fusion.toml", "model-a", _weights(heading=2.0, both=-1.0), bias=0.5)
    fusion = load_fusion(path, "model-a")
    assert fusion is not None and load_fusion(path, "model-b") is None
    row = np.zeros(len(FEATURES))
    row[FEATURES.index("heading")], row[FEATURES.index("both")] = 0.5, 1.0
    assert fusion.scores(row[None, :])[0] == pytest.approx(1 / (1 + math.exp(-(0.5 + 2.0 * 0.5 - 1.0))))


def test_a_missing_or_wrong_weights_file_is_a_clear_configuration_error(tmp_path) -> None:  # noqa: ANN001
    with pytest.raises(ConfigurationError) as missing:
        load_fusion(tmp_path / "nope.toml", "model-a")
    assert "nope.toml" in missing.value.nl and "STEUNWIJS_FUSION=rrf" in missing.value.nl
    weights = _weights()
    del weights["heading"]
    with pytest.raises(ConfigurationError) as wrong:
        load_fusion(_table(tmp_path / "fusion.toml", "model-a", weights), "model-a")
    assert "heading" in wrong.value.nl


def test_the_packaged_table_is_valid() -> None:
    """Every entry names all features (a broken table would only show at the first search)."""
    table = parse_toml(resource_path("tables", FUSION_FILE).read_text(encoding="utf-8"), FusionTable, FUSION_FILE)
    for entry in table.root.values():
        assert set(entry.weights) == set(FEATURES)
