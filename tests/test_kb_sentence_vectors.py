"""Point-sentence vectors made at ingest: an answer embeds only its question.

Real chunker, real model, real Chroma in tmp_path. The ranker counts the sentences it had to embed
itself (`SentenceRanker.embedded`): that count is what the stored table exists to keep at zero.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.answer import answer
from assistant.ranking import SentenceRanker, sentence_ranker
from ingest.pipeline import ingest_folder
from kb.generations import Layout, read_pointer
from kb.knowledge_base import KnowledgeBase
from kb.sentence_vectors import SentenceVectors, sentence_key
from kb.store import Store
from steunwijs.dutch.points import point_sentences
from steunwijs.settings import Settings
from tests.pipeline_corpus import DOCS, write_corpus

pytestmark = pytest.mark.slow

QUESTION = "Mag een co-teacher een zieke leerkracht vervangen?"


def sentences_file(settings: Settings) -> Path:
    layout = Layout(settings)
    pointer = read_pointer(Store(settings), layout)
    assert pointer is not None
    return layout.sentences_path(pointer.generation)


def test_the_table_round_trips_and_reports_what_it_lacks(tmp_path: Path) -> None:
    vectors = {sentence_key("Een zin."): np.ones(4, np.float32) / 2, sentence_key("Nog een zin."): np.zeros(4, np.float32)}
    table = SentenceVectors.of("model-a", vectors, dim=4)
    table.save(tmp_path / "s.npz")

    loaded = SentenceVectors.load(tmp_path / "s.npz", "model-a", 4)
    matrix, missing = loaded.lookup(["Nog een zin.", "Onbekend.", "Een zin."])

    assert len(loaded) == 2 and missing == [1]
    assert np.array_equal(matrix[2], np.ones(4, np.float32) / 2) and not matrix[0].any()
    assert len(SentenceVectors.load(tmp_path / "s.npz", "model-b", 4)) == 0  # another model's vectors: ignored
    assert len(SentenceVectors.load(tmp_path / "s.npz", "model-a", 8)) == 0  # another dimension: ignored


def test_a_key_ending_in_zero_bytes_survives_the_file(tmp_path: Path) -> None:
    text = next(f"Zin {i}." for i in range(100_000) if sentence_key(f"Zin {i}.").endswith(b"\x00"))
    SentenceVectors.of("m", {sentence_key(text): np.ones(2, np.float32)}, dim=2).save(tmp_path / "s.npz")

    _, missing = SentenceVectors.load(tmp_path / "s.npz", "m", 2).lookup([text])

    assert missing == []


def test_ingest_stores_a_vector_for_every_point_sentence(tmp_path: Path, tmp_settings: Settings) -> None:
    ingest_folder(write_corpus(tmp_path / "corpus"), tmp_settings)
    kb = KnowledgeBase(tmp_settings)
    table = kb.sentence_vectors()
    assert table is not None

    texts = [s.clean for name in DOCS for p in kb.passages(name) for s in point_sentences(p.text)]
    matrix, missing = table.lookup(texts)

    assert texts and missing == []
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-4)
    fresh = kb.embedder.embed_passages(texts[:3])  # the stored vectors are the model's vectors
    assert np.allclose(matrix[:3], fresh, atol=1e-4)


def test_an_answer_embeds_no_sentence_and_a_missing_table_gives_the_same_answer(
    tmp_path: Path, tmp_settings: Settings
) -> None:
    ingest_folder(write_corpus(tmp_path / "corpus"), tmp_settings)
    kb = KnowledgeBase(tmp_settings)
    stored = answer(QUESTION, settings=tmp_settings, kb=kb)
    assert sentence_ranker(kb).embedded == 0 and stored.citations

    sentences_file(tmp_settings).write_bytes(b"PK\x03\x04 kapot")  # damaged: answers embed on the fly
    other = KnowledgeBase(tmp_settings)
    fallback = answer(QUESTION, settings=tmp_settings, kb=other)

    assert sentence_ranker(other).embedded > 0
    assert fallback.text == stored.text
    assert [c.quote for c in fallback.citations] == [c.quote for c in stored.citations]


def test_a_ranker_without_a_table_embeds_what_it_needs(tmp_path: Path, tmp_settings: Settings) -> None:
    ingest_folder(write_corpus(tmp_path / "corpus"), tmp_settings)
    kb = KnowledgeBase(tmp_settings)
    ranker = SentenceRanker(kb.embedder)  # no stored table at all
    passage = kb.passages("pwb.txt")[0]

    found = ranker.passage_sentences(passage)

    assert ranker.embedded == len(found.sentences) > 0
    ranker.passage_sentences(passage)
    assert ranker.embedded == len(found.sentences)  # the second time it comes from the cache


def test_ingest_rebuilds_missing_sentence_vectors_and_says_so(tmp_path: Path, tmp_settings: Settings) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    ingest_folder(corpus, tmp_settings)
    path = sentences_file(tmp_settings)
    pointer = read_pointer(Store(tmp_settings), Layout(tmp_settings))
    assert pointer is not None
    original = SentenceVectors.read(path, pointer.model, pointer.dim)
    assert original is not None
    path.unlink()  # a generation built before sentence vectors existed

    repaired = ingest_folder(corpus, tmp_settings)

    assert not repaired.changed_anything
    assert any("zinvectoren" in r.nl for r in repaired.repaired)
    assert path.exists() and len(KnowledgeBase(tmp_settings).sentence_vectors()) == len(original)
    again = ingest_folder(corpus, tmp_settings)
    assert not any("zinvectoren" in r.nl for r in again.repaired)


def test_a_table_chosen_by_older_rules_is_used_and_completed_by_ingest(tmp_path: Path, tmp_settings: Settings) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    ingest_folder(corpus, tmp_settings)
    path = sentences_file(tmp_settings)
    with np.load(path) as data:
        stored = {name: data[name] for name in data.files}
    np.savez(path, **{**stored, "rules": np.array("older rules")})

    kb = KnowledgeBase(tmp_settings)
    table = kb.sentence_vectors()
    assert table is not None and not table.current and len(table) == len(stored["keys"])  # still serves answers

    repaired = ingest_folder(corpus, tmp_settings)

    assert any("verouderd" in r.nl and " 0 zinnen" in r.nl for r in repaired.repaired)  # nothing re-embedded
    fresh = SentenceVectors.read(path, table.model, table.vectors.shape[1])
    assert fresh is not None and fresh.current
