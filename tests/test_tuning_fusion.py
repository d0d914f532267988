"""The fusion tuner: it learns what separates relevant candidates, writes a table the retriever
loads, keeps other models' tables, and refuses the test split."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from evals.splits import HeldOutSetTouched, split_paths
from evals.tuning.fusion import Case, cross_validate, fit, ranked_by, rrf_score, tune, write_fusion
from kb.fusion import FEATURES, LinearFusion, load_fusion
from steunwijs.settings import get_settings


def _cases(n: int = 40, seed: int = 1) -> list[Case]:
    """Questions whose one relevant candidate has a heading naming the question but a poor RRF rank."""
    rng = np.random.default_rng(seed)
    found = []
    for _ in range(n):
        features = np.zeros((12, len(FEATURES)))
        features[:, FEATURES.index("dense_rrf")] = 1 / (60 + np.arange(1, 13))
        features[:, FEATURES.index("bm25_rrf")] = 1 / (60 + rng.permutation(12) + 1)
        features[:, FEATURES.index("heading")] = rng.uniform(0.0, 0.3, 12)
        relevant = rng.integers(6, 12)  # ranked low by both sides
        features[relevant, FEATURES.index("heading")] = 0.9
        holds = np.zeros((12, 1), dtype=bool)
        holds[relevant, 0] = True
        found.append(Case("q", features, holds))
    return found


def test_the_learned_model_finds_the_signal_rrf_misses() -> None:
    found = _cases()
    model = fit(found, c=1.0)
    assert model.weights["heading"] > 0
    assert ranked_by(found, model.scores).mrr_at_10 > ranked_by(found, rrf_score).mrr_at_10 + 0.5
    held_out = cross_validate(found, c=1.0)
    assert held_out.hit_at_5 > ranked_by(found, rrf_score).hit_at_5


def test_a_written_table_loads_and_rewriting_one_model_keeps_the_others(tmp_path: Path) -> None:
    path = tmp_path / "fusion.toml"
    path.write_text("# comment kept\n", encoding="utf-8")
    first = LinearFusion(bias=0.1, weights={n: float(i) for i, n in enumerate(FEATURES)}, measured={"c": 1.0, "train": "x.jsonl"})
    write_fusion(path, "model-a", first)
    write_fusion(path, "model-b", first.model_copy(update={"bias": 2.0}))
    second = first.model_copy(update={"bias": -3.0})
    write_fusion(path, "model-a", second)
    assert path.read_text(encoding="utf-8").startswith("# comment kept")
    assert load_fusion(path, "model-a") == second
    assert load_fusion(path, "model-b").bias == 2.0  # type: ignore[union-attr]


def test_the_tuner_refuses_the_test_split(tmp_path: Path) -> None:
    with pytest.raises(HeldOutSetTouched):
        tune(split_paths("test"), get_settings(data_dir=tmp_path / "data"), write=True)
