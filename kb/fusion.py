"""Fusing rankings: reciprocal rank fusion, and a linear fusion whose weights are learned.

Dense and BM25 scores live on different scales (a cosine near 0.85, a BM25 score of 3 to 30), so
the scoped search fuses by rank: score(id) = sum over the lists it appears in of 1 / (k + rank). A
passage both sides rank well beats one that only one side found.

The hybrid retriever can fuse its dense and BM25 sides either way (setting `fusion`): RRF, or a
logistic model over a few signals of each candidate (both RRF terms, the cosine and BM25 scores
relative to the best, the section heading) whose weights are learned on the train split by
`python -m evals.tuning.fusion` and kept in steunwijs/tables/fusion.toml, one entry per embedding
model. The learned model sees more than ranks: how far a candidate's cosine falls behind the best,
whether its heading names what is asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field, RootModel, field_validator

from steunwijs.errors import ConfigurationError
from steunwijs.resources import parse_toml


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], k: int) -> list[tuple[str, float]]:
    """Fuse ranked id lists (best first): score(id) = sum over lists of 1 / (k + rank), rank from 1.

    Ties keep the order of first appearance (the first list's order, then the next list's new ids).
    """
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, pid in enumerate(ranking, start=1):
            scores[pid] = scores.get(pid, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda item: item[1], reverse=True)


# --- learned fusion ---------------------------------------------------------------------------
FUSION_FILE = "fusion.toml"
FEATURES: tuple[str, ...] = ("dense_rrf", "bm25_rrf", "dense_gap", "bm25_rel", "heading", "both")
"""What the learned fusion weighs, per candidate passage (kb.retriever.HybridRetriever.features):

- dense_rrf, bm25_rrf: the candidate's reciprocal-rank terms 1/(k + rank) on each side (0 if that
  side did not rank it in its top candidates): RRF itself is the weights (1, 1, 0, 0, 0, 0);
- dense_gap: its cosine minus the best candidate's cosine (<= 0), so a clear winner stands out;
- bm25_rel: its BM25 score over the best candidate's (0 if BM25 did not find it);
- heading: the share of the question's content words its section path holds;
- both: 1 when both sides ranked it.
"""


class LinearFusion(BaseModel):
    """A logistic model over FEATURES: score = sigmoid(bias + sum(weight * feature)), in (0, 1).

    Learned by `python -m evals.tuning.fusion` for one embedding model (an adapter moves every
    cosine), together with what it measured (cross-validated on train, then on dev against RRF).
    """

    bias: float
    weights: dict[str, float] = Field(description="One weight per name in FEATURES")
    measured: dict[str, str | int | float] = Field(default_factory=dict)

    @field_validator("weights")
    @classmethod
    def _all_features(cls, weights: dict[str, float]) -> dict[str, float]:
        if set(weights) != set(FEATURES):
            raise ValueError(f"weights must name exactly {', '.join(FEATURES)}; got {', '.join(sorted(weights))}")
        return weights

    def vector(self) -> np.ndarray:
        return np.array([self.weights[name] for name in FEATURES], dtype=np.float64)

    def scores(self, features: np.ndarray) -> np.ndarray:
        """The fused score of each row of `features` (n, len(FEATURES))."""
        return 1.0 / (1.0 + np.exp(-(features @ self.vector() + self.bias)))


class FusionTable(RootModel[dict[str, LinearFusion]]):
    """steunwijs/tables/fusion.toml: model key (the embedding model's folder name) -> its weights."""


def load_fusion(path: Path, model_key: str) -> LinearFusion | None:
    """The learned weights for `model_key` from the table at `path`; None when it has no entry.

    A missing or invalid file is a ConfigurationError naming the file: the setting `fusion=learned`
    asks for weights, and silently ranking by something else would hide a broken install.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigurationError(
            f"Het bestand met de fusiegewichten ({path}) kan niet gelezen worden: {error.strerror or error}."
            " Maak het met `python -m evals.tuning.fusion --write`, of kies STEUNWIJS_FUSION=rrf.",
            f"Cannot read the fusion weights file {path}: {error}",
        ) from error
    return parse_toml(text, FusionTable, str(path)).root.get(model_key)
