"""From results rows to a `Summary`: per-question scores, aggregates, baseline ratios and failures.

Kept apart from the runner so that a summary (and with it a report) can be built from any results
rows, a saved run or hand-made rows in a test, without asking the assistant anything.
"""

from __future__ import annotations

from collections.abc import Sequence

from evals.failures import find_failures
from evals.metrics import Latency, Metric
from evals.questionset import Question
from evals.results import ResultRow
from evals.summary import (
    BaselineSummary,
    GroupScores,
    Judge,
    MetricInfo,
    MetricTables,
    QuestionScores,
    RatioTables,
    RunInfo,
    Scores,
    Summary,
)

ScoreLists = dict[str, list[float | None]]
"""Metric name -> score per question, aligned with the questions."""


def score_rows(metrics: Sequence[Metric], questions: Sequence[Question], results: Sequence[ResultRow]) -> ScoreLists:
    """Per-metric score lists, aligned with the questions (results are matched by id)."""
    by_id = {r.id: r for r in results}
    missing = [q.id for q in questions if q.id not in by_id]
    if missing:
        raise KeyError(f"no result for question id(s): {', '.join(missing)}")
    return {m.name: [m.compute(q, by_id[q.id]) for q in questions] for m in metrics}


def aggregate(metrics: Sequence[Metric], questions: Sequence[Question], scores: ScoreLists) -> MetricTables:
    """Overall, per-persona and per-topic aggregates plus how many questions each metric applied to."""

    def summarise(indices: list[int]) -> GroupScores:
        values = {m.name: m.aggregate(scores[m.name][i] for i in indices) for m in metrics}
        return GroupScores(n=len(indices), values=values)

    def grouped(key: str) -> dict[str, GroupScores]:
        groups: dict[str, list[int]] = {}
        for i, q in enumerate(questions):
            groups.setdefault(getattr(q, key), []).append(i)
        return {name: summarise(idx) for name, idx in groups.items()}

    return MetricTables(
        overall=summarise(list(range(len(questions)))),
        by_persona=grouped("persona"),
        by_topic=grouped("topic"),
        applicable={m.name: sum(s is not None for s in scores[m.name]) for m in metrics},
    )


def ratios(ours: GroupScores, theirs: GroupScores) -> Scores:
    """Steunwijs / baseline per metric; None where either is missing or the baseline scored 0."""
    return {
        name: (value / theirs.values[name] if value is not None and theirs.values.get(name) not in (None, 0) else None)
        for name, value in ours.values.items()
    }


def _ratio_tables(ours: MetricTables, theirs: MetricTables) -> RatioTables:
    return RatioTables(
        overall=ratios(ours.overall, theirs.overall),
        by_persona={k: ratios(v, theirs.by_persona[k]) for k, v in ours.by_persona.items()},
        by_topic={k: ratios(v, theirs.by_topic[k]) for k, v in ours.by_topic.items()},
    )


def build_summary(
    questions: Sequence[Question],
    results: Sequence[ResultRow],
    metrics: Sequence[Metric],
    run: RunInfo,
    judge: Judge,
    baseline_results: Sequence[ResultRow] | None = None,
    baseline_description: str = "",
) -> Summary:
    """Everything the report shows: run facts, aggregates, baseline and ratios, failures."""
    scores = score_rows(metrics, questions, results)
    summary_metrics = aggregate(metrics, questions, scores)
    baseline = None
    if baseline_results is not None:
        baseline_metrics = aggregate(metrics, questions, score_rows(metrics, questions, baseline_results))
        baseline = BaselineSummary(description=baseline_description, metrics=baseline_metrics)
    by_id = {r.id: r for r in results}
    ordered = [by_id[q.id] for q in questions]
    return Summary(
        run=run,
        metric_info={
            m.name: MetricInfo(description=m.explanation, higher_is_better=m.higher_is_better) for m in metrics
        },
        metrics=summary_metrics,
        judge=judge,
        baseline=baseline,
        ratios=_ratio_tables(summary_metrics, baseline.metrics) if baseline else None,
        per_question=[
            QuestionScores(
                id=q.id,
                persona=q.persona,
                topic=q.topic,
                latency_ms=r.latency_ms,
                scores={m.name: scores[m.name][i] for m in metrics if not isinstance(m, Latency)},
            )
            for i, (q, r) in enumerate(zip(questions, ordered))
        ],
        failures=find_failures(questions, ordered, scores),
    )
