"""The llama-index quickstart baseline on a two-document corpus with the real embedding model."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals import baseline
from evals.metrics import EvidenceRecall, MarkersValid
from evals.questionset import Question
from kb.embeddings import get_embedder
from steunwijs.settings import get_settings

pytestmark = pytest.mark.slow

CLB = (
    "Het centrum voor leerlingenbegeleiding schrijft het gemotiveerd verslag dat toegang geeft tot "
    "uitbreiding van zorg in het gewone onderwijs. "
)
KOFFIE = "De leerkracht en de leerondersteuner plannen elke week een vast moment om samen koffie te drinken. "


@pytest.fixture()
def tiny(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a_clb.txt").write_text(CLB * 3, encoding="utf-8")
    (corpus / "b_koffie.txt").write_text(KOFFIE * 3, encoding="utf-8")
    (corpus / "sources.toml").write_text('["a_clb.txt"]\ntitle = "CLB"\n', encoding="utf-8")
    return get_settings(corpus_dir=corpus, data_dir=tmp_path / "data")


def _question() -> Question:
    return Question(
        id="clb",
        persona="directie",
        topic="rollen",
        question="Wie maakt het verslag voor extra zorg op een gewone school?",
        answer_points=["Het CLB schrijft het gemotiveerd verslag"],
        sources=["a_clb.txt"],
        evidence=["Het centrum voor leerlingenbegeleiding schrijft het gemotiveerd verslag"],
        answerable=True,
    )


def test_baseline_answers_with_its_top_passage_and_never_abstains(tiny) -> None:
    embedder = get_embedder(tiny)
    [row] = baseline.run_baseline([_question()], tiny, embedder.llama, embedder.name)
    assert row.id == "clb" and row.abstained is False
    # one passage per document (both are far below 1024 tokens); sources.toml is not a document
    assert sorted(r.source for r in row.retrieved) == ["a_clb.txt", "b_koffie.txt"]
    assert row.retrieved[0].source == "a_clb.txt"
    assert row.answer == row.retrieved[0].text + " [1]"
    assert row.citations[0].source == "a_clb.txt"
    # the quickstart knows no sections, pages or history: its row holds the format's fields only
    assert set(row.model_dump(exclude_unset=True)) == {
        "id", "question", "answer", "abstained", "citations", "retrieved", "latency_ms"
    }
    assert EvidenceRecall(k=10).compute(_question(), row) == 1.0
    assert MarkersValid().compute(_question(), row) == 1.0


def test_baseline_index_is_built_once_and_then_loaded(tiny, monkeypatch: pytest.MonkeyPatch) -> None:
    embedder = get_embedder(tiny)
    first = baseline.run_baseline([_question()], tiny, embedder.llama, embedder.name)
    [cache] = (tiny.eval_dir / "baseline").iterdir()
    assert not cache.name.endswith(".partial")

    def no_rebuild(*args: object) -> None:
        raise AssertionError("the cached index should have been loaded")

    monkeypatch.setattr(baseline, "build_index", no_rebuild)
    second = baseline.run_baseline([_question()], tiny, embedder.llama, embedder.name)
    assert [r.text for r in second[0].retrieved] == [r.text for r in first[0].retrieved]


def test_cache_key_changes_with_the_documents(tiny) -> None:
    before = baseline.cache_key(tiny.corpus_dir, "model")
    (tiny.corpus_dir / "b_koffie.txt").write_text(KOFFIE, encoding="utf-8")
    assert baseline.cache_key(tiny.corpus_dir, "model") != before
    assert baseline.cache_key(tiny.corpus_dir, "other-model") != baseline.cache_key(tiny.corpus_dir, "model")
