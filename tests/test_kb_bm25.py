"""BM25: Dutch analysis that lets users' spellings meet the documents', filters, persistence, staleness."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kb.bm25 import ANALYZER_FILE, BM25Index, BM25Mismatch
from steunwijs.dutch.analysis import analyze

TEXTS = {
    "zc": "De zorgcoördinator is de spilfiguur voor de ondersteuners op school.",
    "clb": "Het CLB schrijft de gemotiveerde verslagen en volgt de leerlingen op.",
    "klas": "Leerondersteuners werken samen met de leraar in de klas, ook in fase 2.",
    "iac": "Een IAC-verslag geeft toegang tot een individueel aangepast curriculum.",
}


@pytest.fixture()
def index() -> BM25Index:
    return BM25Index.build(list(TEXTS), list(TEXTS.values()))


@pytest.mark.parametrize(
    ("user", "document"),
    [
        ("zorgcoordinatoren", "zorgcoördinator"),  # accents folded, plural stemmed
        ("verslag", "verslagen"),  # Snowball's long vowel in "verslaag" made short again
        ("maatregel", "maatregelen"),
        ("leerondersteuner", "Leerondersteuners"),
        ("scholen", "school"),
    ],
)
def test_user_and_document_forms_meet(user: str, document: str) -> None:
    assert analyze(user) == analyze(document)


def test_stopwords_and_question_words_carry_no_weight() -> None:
    assert analyze("Wat doet een zorgco eigenlijk en waarom?") == ["zorgco"]


def test_single_digits_are_terms_so_fase_2_differs_from_fase_3() -> None:
    assert analyze("fase 2") != analyze("fase 3")


def test_search_ranks_the_passage_with_the_words(index: BM25Index) -> None:
    hits = index.search(analyze("Wie schrijft het verslag?"), k=3)
    assert hits[0][0] == "clb"
    assert all(score > 0 for _, score in hits)


def test_passages_without_any_query_word_are_not_returned(index: BM25Index) -> None:
    assert index.search(analyze("giraf olifant"), k=3) == []


def test_mask_filters_inside_the_scoring(index: BM25Index) -> None:
    mask = np.array([1.0 if pid != "clb" else 0.0 for pid in index.ids], dtype=np.float32)
    hits = index.search(analyze("verslagen"), k=4, mask=mask)
    assert [pid for pid, _ in hits] == ["iac"]


def test_expansion_terms_count_less_than_the_users_own_words(index: BM25Index) -> None:
    own = index.search(analyze("spilfiguur"), k=1)[0]
    extra = index.search([], k=1, extra_terms=analyze("spilfiguur"), extra_weight=0.5)[0]
    assert own[0] == extra[0] == "zc"
    assert extra[1] == pytest.approx(own[1] * 0.5)


def test_save_load_round_trip(index: BM25Index, tmp_path: Path) -> None:
    index.save(tmp_path / "bm25")
    loaded = BM25Index.load(tmp_path / "bm25", expected_ids=list(TEXTS))
    query = analyze("leraar in de klas")
    assert loaded.search(query, k=4) == index.search(query, k=4)


def test_load_refuses_an_index_of_other_passages(index: BM25Index, tmp_path: Path) -> None:
    index.save(tmp_path / "bm25")
    with pytest.raises(BM25Mismatch):
        BM25Index.load(tmp_path / "bm25", expected_ids=["zc", "clb"])


def test_load_refuses_an_index_built_with_another_analysis(index: BM25Index, tmp_path: Path) -> None:
    index.save(tmp_path / "bm25")
    (tmp_path / "bm25" / ANALYZER_FILE).write_text(json.dumps({"analyzer": "an older analysis"}))
    with pytest.raises(BM25Mismatch):
        BM25Index.load(tmp_path / "bm25")
