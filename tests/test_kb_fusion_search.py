"""The learned fusion inside the real search: weights decide the order, RRF is one setting of them.

Uses the session fixture `corpus_kb` (the default corpus ingested once into a temp folder); each
test opens a second KnowledgeBase over the same data with `fusion=learned` and a table of its own.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from kb.fusion import FEATURES
from kb.knowledge_base import KnowledgeBase
from steunwijs.errors import ConfigurationError

pytestmark = pytest.mark.slow

QUESTION = "Wie beslist of een leerling recht heeft op leersteun?"


def _learned(corpus_kb: KnowledgeBase, path: Path, **weights: float) -> KnowledgeBase:
    key = corpus_kb.settings.model_key
    lines = [f'["{key}"]', "bias = 0.0", f'["{key}".weights]'] + [f"{n} = {weights.get(n, 0.0)}" for n in FEATURES]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return KnowledgeBase(corpus_kb.settings.model_copy(update={"fusion": "learned", "fusion_weights": path}))


def test_weights_equal_to_rrf_rank_as_rrf_does(corpus_kb: KnowledgeBase, tmp_path: Path) -> None:
    learned = _learned(corpus_kb, tmp_path / "fusion.toml", dense_rrf=1.0, bm25_rrf=1.0)
    plain = [hit.passage.id for hit in corpus_kb.search(QUESTION)]
    assert [hit.passage.id for hit in learned.search(QUESTION)] == plain
    assert all(0.0 < hit.score < 1.0 for hit in learned.search(QUESTION))  # a probability, not an RRF sum


def test_other_weights_change_the_order(corpus_kb: KnowledgeBase, tmp_path: Path) -> None:
    """Weighing only the BM25 score ranks the passages as BM25 alone does."""
    learned = _learned(corpus_kb, tmp_path / "fusion.toml", bm25_rel=5.0)
    hits = learned.search(QUESTION)
    bm25 = [h.bm25_score or 0.0 for h in hits]
    assert bm25 == sorted(bm25, reverse=True) and bm25[0] > 0
    assert [h.passage.id for h in hits] != [h.passage.id for h in corpus_kb.search(QUESTION)]


def test_a_model_without_weights_falls_back_to_rrf_with_a_warning(
    corpus_kb: KnowledgeBase, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "fusion.toml"
    path.write_text('["another-model"]\nbias = 0.0\n["another-model".weights]\n' + "".join(f"{n} = 1.0\n" for n in FEATURES))
    kb = KnowledgeBase(corpus_kb.settings.model_copy(update={"fusion": "learned", "fusion_weights": path}))
    with caplog.at_level(logging.WARNING, logger="kb.knowledge_base"):
        hits = kb.search(QUESTION)
    assert kb.fusion is None and "no learned fusion weights" in caplog.text
    assert [h.passage.id for h in hits] == [h.passage.id for h in corpus_kb.search(QUESTION)]


def test_a_missing_weights_file_fails_the_search_with_a_clear_message(corpus_kb: KnowledgeBase, tmp_path: Path) -> None:
    kb = KnowledgeBase(corpus_kb.settings.model_copy(update={"fusion": "learned", "fusion_weights": tmp_path / "gone.toml"}))
    with pytest.raises(ConfigurationError) as error:
        kb.search(QUESTION)
    assert "gone.toml" in error.value.nl
