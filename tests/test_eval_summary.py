"""From scored rows to the summary: which questions count as failures and why, the ratios, and
summary.json (the shape the web app reads, written and read back unchanged)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.metrics import default_metrics
from evals.questionset import Question
from evals.results import ResultRow
from evals.scoring import build_summary, ratios
from evals.summary import GroupScores, JudgeNote, RunInfo, Summary, SummaryUnreadable

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


def _row(qid: str, answer: str, cited_text: str | None, abstained: bool = False) -> ResultRow:
    retrieved = [{"source": SOURCE, "text": GOOD_TEXT, "score": 0.5}, {"source": SOURCE, "text": "Iets.", "score": 0.1}]
    citations = [{"n": 1, "source": SOURCE, "text": cited_text, "quote": ""}] if cited_text else []
    return ResultRow.model_validate({"id": qid, "question": "", "answer": answer, "abstained": abstained,
                                     "citations": citations, "retrieved": retrieved, "latency_ms": 5.0})


def _run(questions: int) -> RunInfo:
    return RunInfo(started="2025-01-01T00:00:00+00:00", seconds=1.0, sets=["tiny.jsonl"], questions=questions,
                   selected_ids=None, added_for_history=[], answerer="default", embedding_model="e5", top_k=10)


def _summary(rows: list[ResultRow], questions: list[Question], baseline: list[ResultRow] | None = None) -> Summary:
    judge = JudgeNote(status="skipped", note="-")
    return build_summary(questions, rows, default_metrics(), _run(len(questions)), judge, baseline, "quickstart")


def test_a_good_answer_and_a_correct_abstention_are_not_failures() -> None:
    questions = [_q("good"), _q("none", answerable=False)]
    rows = [
        _row("good", "De zorgcoördinator is de spilfiguur op school [1].", GOOD_TEXT),
        _row("none", "Dat staat niet in de documenten.", None, abstained=True),
    ]
    assert _summary(rows, questions).failures == []


def test_each_kind_of_failure_is_named() -> None:
    questions = [_q("declined"), _q("bad-marker"), _q("unsupported"), _q("answered", answerable=False)]
    rows = [
        _row("declined", "Dat staat niet in de documenten.", None, abstained=True),
        _row("bad-marker", "De zorgcoördinator is de spilfiguur op school [1] [2].", GOOD_TEXT),
        _row("unsupported", "Iets [1].", "Iets."),
        _row("answered", "Het kost veel [1].", "Iets."),
    ]
    reasons = {f.id: f.reasons for f in _summary(rows, questions).failures}
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
    assert [q.id for q in summary.per_question] == ["a", "b"]
    assert summary.metrics.overall.values["abstention_correct"] == 1.0


def test_ratios_skip_missing_values_and_a_zero_baseline() -> None:
    ours = GroupScores(n=3, values={"coverage": 0.6, "mrr@10": 0.5, "abstention_correct": 0.5, "citation_support": None})
    theirs = GroupScores(n=3, values={"coverage": 0.3, "mrr@10": 0.5, "abstention_correct": 0.0, "citation_support": 0.4})
    assert ratios(ours, theirs) == {"coverage": 2.0, "mrr@10": 1.0, "abstention_correct": None, "citation_support": None}


def test_summary_json_keeps_its_shape_and_reads_back(tmp_path: Path) -> None:
    questions = [_q("a"), _q("b", answerable=False)]
    rows = [_row("a", "Spilfiguur [1].", GOOD_TEXT), _row("b", "Het kost veel [1].", "Iets.")]
    summary = _summary(rows, questions, baseline=rows)
    path = tmp_path / "summary.json"
    summary.write(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(data) == ["run", "metric_info", "metrics", "judge", "baseline", "ratios", "per_question", "failures"]
    assert list(data["metrics"]) == ["overall", "by_persona", "by_topic", "applicable"]
    # a group is one flat object: every metric by name, then its size "n"
    names = [m.name for m in default_metrics()]
    assert list(data["metrics"]["overall"]) == [*names, "n"] and data["metrics"]["overall"]["n"] == 2
    assert list(data["metrics"]["by_persona"]["directie"]) == [*names, "n"]
    assert data["judge"] == {"status": "skipped", "note": "-"}
    assert data["baseline"]["description"] == "quickstart" and "n" not in data["ratios"]["overall"]
    assert data["ratios"]["overall"]["coverage"] == 1.0
    assert list(data["per_question"][0]) == ["id", "persona", "topic", "latency_ms", "scores"]
    assert list(data["failures"][0]) == [
        "id", "persona", "topic", "question", "rewritten_question", "reasons", "expected", "got",
    ]
    assert Summary.read(path) == summary


def test_a_summary_of_another_shape_is_refused_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "summary.json"
    path.write_text('{"run": {"questions": 3}}', encoding="utf-8")
    with pytest.raises(SummaryUnreadable) as caught:
        Summary.read(path)
    assert str(path) in caught.value.nl and "opnieuw" in caught.value.nl
