"""From scored results rows to the run summary: aggregates, baseline ratios and the failure list.

Kept apart from the runner so that a summary (and with it a report) can be built from any results
rows, a saved run or hand-made rows in a test, without asking the assistant anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from evals.metrics import (
    AnswerPointCoverage,
    CitationSupport,
    EvidenceRecall,
    Latency,
    MarkersValid,
    Metric,
    Result,
    aggregate,
    holds,
    score_rows,
)
from evals.questionset import Question

# Below this lexical coverage an answer is listed among the failures (it misses most of its points).
COVERAGE_FAILURE = 0.5


def find_failures(
    questions: Sequence[Question], results: Sequence[Result], scores: dict[str, list[float | None]]
) -> list[dict[str, Any]]:
    """The questions that went wrong, each with why, what was expected and what came back."""
    recall, support, coverage = EvidenceRecall(k=10).name, CitationSupport().name, AnswerPointCoverage().name
    markers_valid = MarkersValid().name
    failures = []
    for i, (question, result) in enumerate(zip(questions, results)):
        row = {name: values[i] for name, values in scores.items()}
        reasons = []
        if not question.answerable and not result["abstained"]:
            reasons.append("answered a question no document answers")
        if question.answerable and result["abstained"]:
            reasons.append("declined a question the documents answer")
        valid = row.get(markers_valid)
        if valid is not None and valid < 1.0:
            reasons.append("a marker does not map to a retrieved passage")
        if row.get(recall) == 0.0:
            reasons.append("no evidence in the top 10 retrieved passages")
        if not result["abstained"] and row.get(support) == 0.0:
            reasons.append("the cited passages hold no evidence")
        covered = row.get(coverage)
        if not result["abstained"] and covered is not None and covered < COVERAGE_FAILURE:
            reasons.append(f"covers {covered:.0%} of the answer points")
        if not reasons:
            continue
        failures.append(
            {
                "id": question.id,
                "persona": question.persona,
                "topic": question.topic,
                "question": question.question,
                "rewritten_question": result.get("rewritten_question"),
                "reasons": reasons,
                "expected": {
                    "answerable": question.answerable,
                    "answer_points": question.answer_points,
                    "sources": question.sources,
                    "evidence": [
                        {
                            "quote": quote,
                            "retrieved": any(holds(r["text"], quote) for r in result["retrieved"][:10]),
                            "cited": any(holds(c["text"], quote) for c in result["citations"]),
                        }
                        for quote in question.evidence
                    ],
                },
                "got": {
                    "abstained": result["abstained"],
                    "answer": result["answer"],
                    "cited_sources": [c["source"] for c in result["citations"]],
                    "retrieved_sources": [r["source"] for r in result["retrieved"][:5]],
                },
            }
        )
    return failures


def ratios(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, float | None]:
    """Steunwijs / baseline per metric; None where either is missing or the baseline scored 0."""
    return {
        name: (value / theirs[name] if value is not None and theirs.get(name) not in (None, 0) else None)
        for name, value in ours.items()
        if name != "n"
    }


def _ratio_tables(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    return {
        "overall": ratios(ours["overall"], theirs["overall"]),
        "by_persona": {k: ratios(v, theirs["by_persona"][k]) for k, v in ours["by_persona"].items()},
        "by_topic": {k: ratios(v, theirs["by_topic"][k]) for k, v in ours["by_topic"].items()},
    }


def build_summary(
    questions: Sequence[Question],
    results: Sequence[Result],
    metrics: Sequence[Metric],
    run: dict[str, Any],
    judge: dict[str, Any],
    baseline_results: Sequence[Result] | None = None,
    baseline_description: str = "",
) -> dict[str, Any]:
    """Everything the report shows, JSON-ready: run facts, aggregates, baseline and ratios, failures."""
    scores = score_rows(metrics, questions, results)
    summary_metrics = aggregate(metrics, questions, scores)
    baseline = None
    if baseline_results is not None:
        baseline_metrics = aggregate(metrics, questions, score_rows(metrics, questions, baseline_results))
        baseline = {"description": baseline_description, "metrics": baseline_metrics}
    by_id = {r["id"]: r for r in results}
    ordered = [by_id[q.id] for q in questions]
    return {
        "run": run,
        "metric_info": {
            m.name: {"description": m.explanation, "higher_is_better": m.higher_is_better} for m in metrics
        },
        "metrics": summary_metrics,
        "judge": judge,
        "baseline": baseline,
        "ratios": _ratio_tables(summary_metrics, baseline["metrics"]) if baseline else None,
        "per_question": [
            {
                "id": q.id,
                "persona": q.persona,
                "topic": q.topic,
                "latency_ms": r["latency_ms"],
                "scores": {m.name: scores[m.name][i] for m in metrics if not isinstance(m, Latency)},
            }
            for i, (q, r) in enumerate(zip(questions, ordered))
        ],
        "failures": find_failures(questions, ordered, scores),
    }
