"""Which questions of a run went wrong, and why: the report's failure list.

A reader fixing the system starts here, so each failure carries the reasons in words, what the
question set expected (with whether each evidence quote was retrieved and cited) and what came back.
"""

from __future__ import annotations

from collections.abc import Sequence

from evals.matching import holds
from evals.metrics import AnswerPointCoverage, CitationSupport, EvidenceRecall, MarkersValid
from evals.questionset import Question
from evals.results import ResultRow
from evals.summary import EvidenceCheck, Expected, Failure, Got

# Below this lexical coverage an answer is listed among the failures (it misses most of its points).
COVERAGE_FAILURE = 0.5
# The scores the reasons look at, by their names in the score lists.
_RECALL, _SUPPORT = EvidenceRecall(k=10).name, CitationSupport().name
_COVERAGE, _MARKERS_VALID = AnswerPointCoverage().name, MarkersValid().name


def _reasons(question: Question, result: ResultRow, row: dict[str, float | None]) -> list[str]:
    """Why one question failed, in words; empty when it did not."""
    reasons = []
    if not question.answerable and not result.abstained:
        reasons.append("answered a question no document answers")
    if question.answerable and result.abstained:
        reasons.append("declined a question the documents answer")
    valid = row.get(_MARKERS_VALID)
    if valid is not None and valid < 1.0:
        reasons.append("a marker does not map to a retrieved passage")
    if row.get(_RECALL) == 0.0:
        reasons.append("no evidence in the top 10 retrieved passages")
    if not result.abstained and row.get(_SUPPORT) == 0.0:
        reasons.append("the cited passages hold no evidence")
    covered = row.get(_COVERAGE)
    if not result.abstained and covered is not None and covered < COVERAGE_FAILURE:
        reasons.append(f"covers {covered:.0%} of the answer points")
    return reasons


def find_failures(
    questions: Sequence[Question], results: Sequence[ResultRow], scores: dict[str, list[float | None]]
) -> list[Failure]:
    """The questions that went wrong (results aligned with the questions), each with why."""
    failures = []
    for i, (question, result) in enumerate(zip(questions, results)):
        reasons = _reasons(question, result, {name: values[i] for name, values in scores.items()})
        if not reasons:
            continue
        failures.append(
            Failure(
                id=question.id,
                persona=question.persona,
                topic=question.topic,
                question=question.question,
                rewritten_question=result.rewritten_question,
                reasons=reasons,
                expected=Expected(
                    answerable=question.answerable,
                    answer_points=question.answer_points,
                    sources=question.sources,
                    evidence=[
                        EvidenceCheck(
                            quote=quote,
                            retrieved=any(holds(r.text, quote) for r in result.retrieved[:10]),
                            cited=any(holds(c.text, quote) for c in result.citations),
                        )
                        for quote in question.evidence
                    ],
                ),
                got=Got(
                    abstained=result.abstained,
                    answer=result.answer,
                    cited_sources=[c.source for c in result.citations],
                    retrieved_sources=[r.source for r in result.retrieved[:5]],
                ),
            )
        )
    return failures
