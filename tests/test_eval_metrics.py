"""Each eval metric on hand-made results rows: where it must score full marks, partial, zero, or n/a."""

from __future__ import annotations

from typing import Any

import pytest

from evals.matching import holds, markers, normalise
from evals.metrics import (
    AnswerPointCoverage,
    CitationSourcePrecision,
    CitationSupport,
    CorrectAbstention,
    EvidenceRecall,
    FalseAbstention,
    Latency,
    MarkersValid,
    MeanReciprocalRank,
    default_metrics,
)
from evals.questionset import Question
from evals.results import ResultRow
from evals.scoring import aggregate, score_rows

QUOTE_A = "de zorgcoördinator is voor de ondersteuners de spilfiguur in de school"
QUOTE_B = "ondersteuners vragen meer tijd per aanvraag voor het type basisaanbod"
FILLER = "Dit stuk gaat over iets heel anders, namelijk de verplaatsingen van het personeel."


def question(**overrides: Any) -> Question:
    fields: dict[str, Any] = {
        "id": "q1",
        "persona": "leerondersteuner",
        "topic": "rollen",
        "question": "Wie is mijn vaste aanspreekpunt op school?",
        "answer_points": ["De zorgcoördinator is de spilfiguur in de school"],
        "sources": ["000_baa5b4e532ab2e0a.txt"],
        "evidence": [QUOTE_A],
        "answerable": True,
    }
    fields.update(overrides)
    return Question(**fields)


def unanswerable(**overrides: Any) -> Question:
    fields: dict[str, Any] = {
        "id": "q9",
        "question": "Hoeveel verdient een leerondersteuner?",
        "answer_points": [],
        "sources": [],
        "evidence": [],
        "answerable": False,
    }
    fields.update(overrides)
    return question(**fields)


def passage(text: str, source: str = "000_baa5b4e532ab2e0a.txt") -> dict[str, Any]:
    return {"source": source, "text": text, "score": 0.1}


def result(
    retrieved: list[dict[str, Any]],
    answer: str = "",
    cited: list[int] | None = None,
    abstained: bool = False,
    qid: str = "q1",
    latency_ms: float = 100.0,
) -> ResultRow:
    """A results row whose citation n points at retrieved passage cited[n-1] (1-based indexes)."""
    citations = [
        {"n": n, "source": retrieved[i - 1]["source"], "text": retrieved[i - 1]["text"], "quote": ""}
        for n, i in enumerate(cited or [], start=1)
    ]
    return ResultRow.model_validate(
        {
            "id": qid,
            "question": "",
            "answer": answer,
            "abstained": abstained,
            "citations": citations,
            "retrieved": retrieved,
            "latency_ms": latency_ms,
        }
    )


def ranked(evidence_at: dict[int, str], n: int = 10) -> list[dict[str, Any]]:
    """n retrieved passages, filler except the given 1-based ranks."""
    return [passage(evidence_at.get(rank, f"{FILLER} ({rank})")) for rank in range(1, n + 1)]


# --- matching -------------------------------------------------------------------------------------


def test_normalise_keeps_only_lowercase_letters_and_digits() -> None:
    assert normalise("Referentie-\n\nkader “CLB’s”\u00a07,26") == "referentiekaderclbs726"


def test_holds_matches_a_raw_quote_in_cleaned_text_and_rejects_other_words() -> None:
    raw = "de zorg-\n\ncoördinator is voor de ondersteuners de ‘spilfiguur’ in de school"
    assert holds(f"Inleiding. {QUOTE_A}. Verder.", raw)
    assert not holds("de zorgcoördinator is voor de leerkrachten de spilfiguur in de school", raw)
    assert not holds("anything", "  ...  ")  # a quote without letters matches nothing


def test_markers_reads_single_grouped_and_adjacent_markers_but_not_words() -> None:
    assert markers("Eerst [1]. Dan [2, 3][4]. Citaat [sic] en [a].") == [1, 2, 3, 4]


# --- retrieval ------------------------------------------------------------------------------------


def test_evidence_recall_counts_quotes_within_k() -> None:
    q = question(evidence=[QUOTE_A, QUOTE_B])
    row = result(ranked({2: f"... {QUOTE_A} ...", 7: QUOTE_B}))
    assert EvidenceRecall(k=5).compute(q, row) == 0.5
    assert EvidenceRecall(k=10).compute(q, row) == 1.0
    assert EvidenceRecall(k=10).compute(q, result(ranked({}))) == 0.0


def test_mrr_is_one_over_the_first_rank_with_evidence() -> None:
    assert MeanReciprocalRank(k=10).compute(question(), result(ranked({3: QUOTE_A, 5: QUOTE_A}))) == pytest.approx(1 / 3)
    assert MeanReciprocalRank(k=10).compute(question(), result(ranked({1: QUOTE_A}))) == 1.0
    assert MeanReciprocalRank(k=10).compute(question(), result(ranked({11: QUOTE_A}, n=12))) == 0.0


def test_retrieval_metrics_do_not_apply_to_unanswerable_questions() -> None:
    row = result(ranked({1: QUOTE_A}), qid="q9")
    assert EvidenceRecall(k=10).compute(unanswerable(), row) is None
    assert MeanReciprocalRank(k=10).compute(unanswerable(), row) is None


# --- citations ------------------------------------------------------------------------------------


def test_citation_support_needs_evidence_in_a_cited_passage() -> None:
    retrieved = ranked({2: QUOTE_A})
    assert CitationSupport().compute(question(), result(retrieved, "Antwoord [1].", cited=[2])) == 1.0
    # evidence retrieved but the answer cites a different passage: unsupported
    assert CitationSupport().compute(question(), result(retrieved, "Antwoord [1].", cited=[1])) == 0.0
    # declining an answerable question supports nothing
    assert CitationSupport().compute(question(), result(retrieved, "Dat staat er niet in.", abstained=True)) == 0.0
    assert CitationSupport().compute(unanswerable(), result(retrieved, qid="q9")) is None


def test_citation_source_precision_is_the_share_of_citations_in_the_question_sources() -> None:
    retrieved = [passage(QUOTE_A), passage(FILLER, "004_f932f971383260c2.txt"), passage(QUOTE_B)]
    metric = CitationSourcePrecision()
    assert metric.compute(question(), result(retrieved, "a [1] b [2]", cited=[1, 2])) == 0.5
    assert metric.compute(question(), result(retrieved, "a [1] b [2]", cited=[1, 3])) == 1.0
    assert metric.compute(question(), result(retrieved, "b [1]", cited=[2])) == 0.0
    assert metric.compute(question(), result(retrieved, "geen bronnen")) is None
    # the related passages an abstention points to are not answer citations
    assert metric.compute(question(), result(retrieved, "Niet gevonden. [1]", cited=[2], abstained=True)) is None


def test_markers_valid_requires_a_citation_whose_passage_was_retrieved() -> None:
    retrieved = ranked({1: QUOTE_A})
    metric = MarkersValid()
    assert metric.compute(question(), result(retrieved, "Zin [1]. Zin [2].", cited=[1, 3])) == 1.0
    # [3] has no citation at all
    assert metric.compute(question(), result(retrieved, "Zin [1]. Zin [3].", cited=[1, 3])) == 0.5
    # a citation whose passage is not among the retrieved ones
    row = result(retrieved, "Zin [1].", cited=[1])
    row.citations[0].text = "a passage that retrieval never returned"
    assert metric.compute(question(), row) == 0.0
    # same words, different document: still not the retrieved passage
    row = result(retrieved, "Zin [1].", cited=[1])
    row.citations[0].source = "004_f932f971383260c2.txt"
    assert metric.compute(question(), row) == 0.0
    assert metric.compute(question(), result(retrieved, "Dat staat niet in de documenten.")) is None


# --- answer ---------------------------------------------------------------------------------------


def test_coverage_credits_inflected_paraphrase_and_ignores_stopwords_and_markers() -> None:
    q = question(answer_points=["De zorgcoördinator is de spilfiguur", "Samenwerking met de leerkrachten"])
    good = "Voor jou is de zorgcoördinator de spilfiguur [1]; je moet samenwerken met elke leerkracht [2]."
    assert AnswerPointCoverage().compute(q, result(ranked({}), good)) == 1.0
    half = "De zorgcoördinator is de spilfiguur [1]."
    assert AnswerPointCoverage().compute(q, result(ranked({}), half)) == 0.5
    # only stopwords and markers in common: nothing covered
    off = "Het is er in de school van [1] [2] niet bij."
    assert AnswerPointCoverage().compute(q, result(ranked({}), off)) == 0.0


def test_coverage_is_zero_for_an_abstention_and_na_for_unanswerable() -> None:
    abstained = result(ranked({}), "De zorgcoördinator is de spilfiguur", abstained=True)
    assert AnswerPointCoverage().compute(question(), abstained) == 0.0
    assert AnswerPointCoverage().compute(unanswerable(), result(ranked({}), "x", qid="q9")) is None


# --- abstention and latency -----------------------------------------------------------------------


def test_abstention_metrics_split_by_answerability() -> None:
    declined, answered = result([], abstained=True), result([], "Antwoord [1].")
    assert CorrectAbstention().compute(unanswerable(), declined) == 1.0
    assert CorrectAbstention().compute(unanswerable(), answered) == 0.0
    assert CorrectAbstention().compute(question(), declined) is None
    assert FalseAbstention().compute(question(), declined) == 1.0
    assert FalseAbstention().compute(question(), answered) == 0.0
    assert FalseAbstention().compute(unanswerable(), answered) is None


def test_latency_aggregates_as_a_percentile() -> None:
    values = [float(v) for v in range(1, 101)]
    assert Latency(percentile=50).aggregate(values) == pytest.approx(50.5)
    assert Latency(percentile=95).aggregate(values) == pytest.approx(95.05)
    assert Latency(percentile=95).name == "latency_p95_ms"
    assert Latency(percentile=50).aggregate([]) is None


# --- aggregation ----------------------------------------------------------------------------------


def test_aggregate_averages_applicable_questions_overall_and_per_group() -> None:
    questions = [
        question(id="a", persona="directie", topic="feiten"),
        question(id="b", persona="directie", topic="rollen"),
        unanswerable(id="c", persona="trainer", topic="feiten"),
    ]
    results = [
        result(ranked({1: QUOTE_A}), "De zorgcoördinator is de spilfiguur [1].", cited=[1], qid="a", latency_ms=10),
        result(ranked({}), "Iets anders [1].", cited=[1], qid="b", latency_ms=30),
        result([], "Dat staat niet in de documenten.", abstained=True, qid="c", latency_ms=20),
    ]
    metrics = default_metrics()
    tables = aggregate(metrics, questions, score_rows(metrics, questions, results))
    overall = tables.overall.values
    assert tables.overall.n == 3
    assert overall["evidence_recall@10"] == 0.5  # a found, b not; c does not count
    assert overall["citation_support"] == 0.5
    assert overall["abstention_correct"] == 1.0
    assert overall["abstention_false"] == 0.0
    assert overall["latency_p50_ms"] == 20.0
    assert tables.applicable["evidence_recall@10"] == 2
    assert tables.by_persona["directie"].values["mrr@10"] == 0.5
    assert tables.by_persona["trainer"].values["mrr@10"] is None
    assert tables.by_topic["feiten"].n == 2


def test_score_rows_names_questions_without_a_result() -> None:
    with pytest.raises(KeyError, match="q9"):
        score_rows(default_metrics(), [question(), unanswerable()], [result([])])
