"""From scored rows to the summary: which questions count as failures and why, and the ratios."""

from __future__ import annotations

from typing import Any

from evals.metrics import default_metrics
from evals.questionset import Question
from evals.summary import build_summary, ratios

QUOTE = "Voor ondersteuners is de zorgcoördinator/leerlingenbegeleider de spilfiguur op school."
SOURCE = "000_baa5b4e532ab2e0a.txt"
GOOD_TEXT = f"Uit de focusgroepen. {QUOTE} Ze zitten vaak samen."


def _q(qid: str, answerable: bool = True) -> Question:
    if not answerable:
        return Question(id=qid, persona="trainer", topic="feiten", question="Wat kost een leersteuncentrum?",
                        answer_points=[], sources=[], evidence=[], answerable=False)
    return Question(id=qid, persona="directie", topic="rollen", question="Wie is de spilfiguur op school?",
                    answer_points=["De zorgcoördinator is de spilfiguur op school"], sources=[SOURCE],
                    evidence=[QUOTE], answerable=True)


def _row(qid: str, answer: str, cited_text: str | None, abstained: bool = False) -> dict[str, Any]:
    retrieved = [{"source": SOURCE, "text": GOOD_TEXT, "score": 0.5}, {"source": SOURCE, "text": "Iets.", "score": 0.1}]
    citations = [{"n": 1, "source": SOURCE, "text": cited_text, "quote": ""}] if cited_text else []
    return {"id": qid, "question": "", "answer": answer, "abstained": abstained, "citations": citations,
            "retrieved": retrieved, "latency_ms": 5.0}


def _summary(rows: list[dict[str, Any]], questions: list[Question]) -> dict[str, Any]:
    run = {"questions": len(questions)}
    return build_summary(questions, rows, default_metrics(), run, {"status": "skipped", "note": "-"})


def test_a_good_answer_and_a_correct_abstention_are_not_failures() -> None:
    questions = [_q("good"), _q("none", answerable=False)]
    rows = [
        _row("good", "De zorgcoördinator is de spilfiguur op school [1].", GOOD_TEXT),
        _row("none", "Dat staat niet in de documenten.", None, abstained=True),
    ]
    assert _summary(rows, questions)["failures"] == []


def test_each_kind_of_failure_is_named() -> None:
    questions = [_q("declined"), _q("bad-marker"), _q("unsupported"), _q("answered", answerable=False)]
    rows = [
        _row("declined", "Dat staat niet in de documenten.", None, abstained=True),
        _row("bad-marker", "De zorgcoördinator is de spilfiguur op school [1] [2].", GOOD_TEXT),
        _row("unsupported", "Iets [1].", "Iets."),
        _row("answered", "Het kost veel [1].", "Iets."),
    ]
    reasons = {f["id"]: f["reasons"] for f in _summary(rows, questions)["failures"]}
    assert reasons == {
        "declined": ["declined a question the documents answer"],
        "bad-marker": ["a marker does not map to a retrieved passage"],
        "unsupported": ["the cited passages hold no evidence", "covers 0% of the answer points"],
        "answered": ["answered a question no document answers"],
    }


def test_results_are_matched_by_id_whatever_their_order() -> None:
    questions = [_q("a"), _q("b", answerable=False)]
    rows = [_row("b", "Dat staat er niet in.", None, abstained=True), _row("a", "Spilfiguur [1].", GOOD_TEXT)]
    summary = _summary(rows, questions)
    assert [q["id"] for q in summary["per_question"]] == ["a", "b"]
    assert summary["metrics"]["overall"]["abstention_correct"] == 1.0


def test_ratios_skip_missing_values_and_a_zero_baseline() -> None:
    ours = {"n": 3, "coverage": 0.6, "mrr@10": 0.5, "abstention_correct": 0.5, "citation_support": None}
    theirs = {"n": 3, "coverage": 0.3, "mrr@10": 0.5, "abstention_correct": 0.0, "citation_support": 0.4}
    assert ratios(ours, theirs) == {"coverage": 2.0, "mrr@10": 1.0, "abstention_correct": None, "citation_support": None}
