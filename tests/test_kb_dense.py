"""Dense search is exact and the same after every build: a dot product over the generation's vectors.

Chroma's HNSW index gave different neighbours for two builds from the very same vectors (and not
always the true ones), so answers changed between ingests; the retriever scores every passage.
Real Chroma in tmp_path, hand-made records with random vectors: no model needed.
"""

from __future__ import annotations

import numpy as np

from kb.generations import Layout, read_pointer
from kb.loading import Generation
from kb.retriever import HybridRetriever
from kb.store import Store
from steunwijs.settings import Settings
from tests.test_kb_generations import build, records


class NoEmbedder:
    """The retriever is given query vectors directly; it must not embed anything itself."""

    def embed_query(self, text: str) -> np.ndarray:
        raise AssertionError("the test passes its own query vector")


def loaded(settings: Settings, count: int) -> Generation:
    store, layout = Store(settings), Layout(settings)
    build(store, layout, read_pointer(store, layout), records(count, seed=3), "{}")
    pointer = read_pointer(store, layout)
    assert pointer is not None
    return Generation.load(store, layout, pointer)


def test_dense_search_is_exact_and_respects_the_mask(tmp_settings: Settings) -> None:
    generation = loaded(tmp_settings, 40)
    retriever = HybridRetriever(generation, NoEmbedder(), top_k=10, candidate_k=7, rrf_k=60)  # type: ignore[arg-type]
    query = generation.vectors[5] + 0.1 * generation.vectors[9]
    found = retriever.dense(query, None, len(generation.passages))
    exact = np.argsort(-(generation.vectors @ query), kind="stable")[:7]
    assert [pid for pid, _ in found] == [generation.passages[i].id for i in exact]
    assert found[0][1] == max(float(v @ query) for v in generation.vectors)

    mask = np.zeros(len(generation.passages), dtype=np.float32)
    mask[[1, 2, 3]] = 1.0
    assert {pid for pid, _ in retriever.dense(query, mask, 3)} == {generation.passages[i].id for i in (1, 2, 3)}


def test_two_builds_of_the_same_vectors_rank_alike(tmp_settings: Settings) -> None:
    first = loaded(tmp_settings, 60)
    second = loaded(tmp_settings, 60)  # a new generation from the same records
    assert second.pointer.generation == first.pointer.generation + 1
    queries = np.random.default_rng(4).normal(size=(20, first.vectors.shape[1])).astype(np.float32)
    for query in queries:
        one = HybridRetriever(first, NoEmbedder(), top_k=10, candidate_k=40, rrf_k=60).dense(query, None, 60)  # type: ignore[arg-type]
        two = HybridRetriever(second, NoEmbedder(), top_k=10, candidate_k=40, rrf_k=60).dense(query, None, 60)  # type: ignore[arg-type]
        assert one == two
