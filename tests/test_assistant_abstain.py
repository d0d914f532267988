"""Abstention: the decision rule, its tuned thresholds, and refusals over the real corpus."""

from __future__ import annotations

import pytest

from assistant.abstain import (
    ABSTENTION_FILE,
    PLAIN_MODEL,
    AbstentionTable,
    Evidence,
    Thresholds,
    decide,
    load_thresholds,
)
from assistant.answer import answer
from assistant.citations import check
from assistant.templates import phrase
from steunwijs.resources import load_toml
from steunwijs.settings import get_settings

THRESHOLDS = Thresholds(min_sentence=0.8, min_coverage=0.4, min_known=0.6, min_fused=0.02)
STRONG = Evidence(sentence=0.86, coverage=0.9, known=1.0, fused=0.03, dense=0.88)


def test_strong_evidence_is_answered() -> None:
    assert decide(STRONG, THRESHOLDS).abstain is False


@pytest.mark.parametrize(
    ("field", "value", "reason_key"),
    [
        ("sentence", 0.79, "reason_sentence"),
        ("coverage", 0.2, "reason_coverage"),
        ("known", 0.5, "reason_known"),
        ("fused", 0.016, "reason_fused"),
    ],
)
def test_any_weak_piece_of_evidence_abstains_and_says_which(field: str, value: float, reason_key: str) -> None:
    evidence = Evidence(**{**STRONG.as_dict(), field: value})
    decision = decide(evidence, THRESHOLDS)
    assert decision.abstain
    minimum = getattr(THRESHOLDS, f"min_{field}")
    assert decision.reason == phrase("abstain", reason_key, value=f"{value:.3f}", minimum=f"{minimum:.3f}")


def test_each_model_has_its_thresholds_and_an_unknown_one_gets_the_plain_models(tmp_path) -> None:  # noqa: ANN001
    table = load_toml("tables", ABSTENTION_FILE, AbstentionTable).root
    assert PLAIN_MODEL in table
    for key, entry in table.items():
        settings = get_settings(embedding_model=str(tmp_path / key))
        assert settings.model_key == key and load_thresholds(settings) == entry.thresholds
    assert load_thresholds(get_settings(embedding_model=str(tmp_path / "another-model"))) == table[PLAIN_MODEL].thresholds


def test_the_tuned_thresholds_are_in_range() -> None:
    tuned = load_thresholds(get_settings())
    assert 0.0 <= tuned.min_sentence < 1.0
    assert 0.0 <= tuned.min_coverage <= 1.0
    assert 0.0 <= tuned.min_known <= 1.0
    assert 0.0 <= tuned.min_fused < 0.05


# Our own questions that no document answers (not the tuning set's).
UNANSWERABLE = [
    "Wat is de hoofdstad van Frankrijk?",
    "Hoeveel verdient een leerondersteuner per maand netto?",
    "Welke medicatie helpt het best bij ADHD?",
    "Wat is het recept voor Vlaamse stoofvlees met bier?",
    "Hoe laat begint de schooldag in Finland?",
]


@pytest.mark.slow
@pytest.mark.parametrize("question", UNANSWERABLE)
def test_questions_the_documents_cannot_answer_are_refused(corpus_kb, question: str) -> None:  # noqa: ANN001
    result = answer(question, settings=corpus_kb.settings, kb=corpus_kb)
    assert result.abstained, result.text
    assert result.abstain_reason
    assert result.text.startswith(phrase("abstain", "statement"))
    check(result)  # the closest passages shown as "mogelijk relevant" are cited properly
    if result.citations:
        assert phrase("abstain", "related_lead") in result.text
        assert len(result.citations) <= 3


def test_a_related_sentence_with_a_footnote_reference_keeps_its_place_in_the_refusal() -> None:
    """A source's own "[16]" is shown as "(16)": read as a marker it failed the check, and the refusal
    lost its related passages."""
    import numpy as np

    from assistant.answer import _abstention
    from assistant.ranking import Candidate
    from ingest.sources import load_metadata
    from steunwijs.dutch.sentences import split_sentences
    from steunwijs.types import Hit, Passage

    settings = get_settings()
    source = "004_f932f971383260c2.txt"
    text = "Het leersteuncentrum bespreekt elk traject met de school en het CLB.[16] Daarna volgt een evaluatie van het traject."
    passage = Passage(
        id="p1", doc=load_metadata(settings.corpus_dir)[source], section="1 Inleiding", lines=(1, 1), text=text, raw=text
    )
    hits = [Hit(passage=passage, score=1.0, rank=1)]
    sentence = split_sentences(text)[0]
    assert "[16]" in sentence.text
    ranked = [Candidate(0, source, sentence, np.ones(3, np.float32) / np.sqrt(3), frozenset(), 0.8, 0.0, 0.8)]
    result = _abstention(hits, ranked, "reden", "default", {"question": "Hoeveel verdient een leerondersteuner?", "retrieved": hits})
    assert result.abstained and len(result.citations) == 1
    assert "(16)" in result.text and "[16]" not in result.text
