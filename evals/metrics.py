"""The eval metrics: one small class per measure, scored per question and then aggregated.

They follow the shape of llama-index-core's evaluation metrics (a pydantic model with a
``metric_name`` and one ``compute``), but score a whole results row of EVAL_FORMAT.md against its
question instead of id lists, because what we check (evidence quotes inside passages, citation
markers, answer points, abstentions) lives in the row. ``compute`` returns ``None`` when the metric
does not apply to the question (e.g. retrieval recall for a question no document answers), so that
aggregates average only over the questions a metric is about. The text rules they share (how a
quote matches a passage, what a marker is) are in evals.matching.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from evals.matching import holds, markers, normalise, point_overlap
from evals.questionset import Question
from evals.results import ResultRow


class Metric(BaseModel, ABC):
    """A per-question measure with an aggregate over the questions it applies to."""

    model_config = ConfigDict(frozen=True)

    metric_name: ClassVar[str]
    description: ClassVar[str]
    higher_is_better: ClassVar[bool] = True

    @property
    def name(self) -> str:
        """Key in summaries and reports; parametrised metrics add their parameter."""
        return self.metric_name

    @property
    def explanation(self) -> str:
        """The description with the metric's parameters filled in (e.g. the k of recall@k)."""
        return self.description.format(**self.model_dump())

    @abstractmethod
    def compute(self, question: Question, result: ResultRow) -> float | None:
        """The score of one results row, or None when the metric does not apply to the question."""

    def aggregate(self, scores: Iterable[float | None]) -> float | None:
        """Mean over the applicable questions; None when the metric applied to none of them."""
        applicable = [s for s in scores if s is not None]
        return float(np.mean(applicable)) if applicable else None


def _answerable_with_evidence(question: Question) -> bool:
    return question.answerable and bool(question.evidence)


class TopKMetric(Metric):
    """A metric over the top k retrieved passages, named for its k ("mrr@10")."""

    k: int = Field(10, ge=1)

    @property
    def name(self) -> str:
        return f"{self.metric_name}@{self.k}"


class EvidenceRecall(TopKMetric):
    """Share of a question's evidence quotes found in the top-k retrieved passages."""

    metric_name: ClassVar[str] = "evidence_recall"
    description: ClassVar[str] = "evidence quotes found in the top {k} retrieved passages"

    def compute(self, question: Question, result: ResultRow) -> float | None:
        if not _answerable_with_evidence(question):
            return None
        passages = [r.text for r in result.retrieved[: self.k]]
        found = sum(any(holds(p, quote) for p in passages) for quote in question.evidence)
        return found / len(question.evidence)


class MeanReciprocalRank(TopKMetric):
    """1/rank of the first retrieved passage (within the top k) that holds any evidence quote."""

    metric_name: ClassVar[str] = "mrr"
    description: ClassVar[str] = "1/rank of the first of the top {k} passages holding evidence"

    def compute(self, question: Question, result: ResultRow) -> float | None:
        if not _answerable_with_evidence(question):
            return None
        for rank, passage in enumerate(result.retrieved[: self.k], start=1):
            if any(holds(passage.text, quote) for quote in question.evidence):
                return 1.0 / rank
        return 0.0


class CitationSupport(Metric):
    """1 when the passages the answer cites hold at least one evidence quote, else 0.

    Applies to every answerable question: an abstention there cites nothing and so scores 0, which
    keeps a system from looking well-supported by declining the hard questions.
    """

    metric_name: ClassVar[str] = "citation_support"
    description: ClassVar[str] = "answers whose cited passages hold the evidence"

    def compute(self, question: Question, result: ResultRow) -> float | None:
        if not _answerable_with_evidence(question):
            return None
        cited = [c.text for c in result.citations]
        return float(any(holds(text, quote) for text in cited for quote in question.evidence))


class CitationSourcePrecision(Metric):
    """Share of an answer's citations that point into one of the question's source documents.

    An abstention's citations are "possibly relevant" pointers, not support for an answer, so they
    are not counted here (false abstentions are counted by their own metric).
    """

    metric_name: ClassVar[str] = "citation_source_precision"
    description: ClassVar[str] = "citations pointing into a source document of the question"

    def compute(self, question: Question, result: ResultRow) -> float | None:
        if not question.sources or not result.citations or result.abstained:
            return None
        sources = set(question.sources)
        return sum(c.source in sources for c in result.citations) / len(result.citations)


class MarkersValid(Metric):
    """Share of the answer's [n] markers that resolve to a citation whose passage was retrieved.

    A marker is valid when a citation with that number exists and its passage (same document, same
    text after normalising) is among the retrieved passages: anything else would send the user to
    a source the answer was not built from. The product promise is 1.0.
    """

    metric_name: ClassVar[str] = "markers_valid"
    description: ClassVar[str] = "markers that map to a retrieved passage"

    def compute(self, question: Question, result: ResultRow) -> float | None:
        found = markers(result.answer)
        if not found:
            return None
        retrieved = {(r.source, normalise(r.text)) for r in result.retrieved}
        by_number = {c.n: c for c in result.citations}
        valid = sum(
            n in by_number and (by_number[n].source, normalise(by_number[n].text)) in retrieved for n in found
        )
        return valid / len(found)


class AnswerPointCoverage(Metric):
    """Mean content-word overlap of the answer points with the answer (abstaining covers nothing).

    A point's score is the share of its stemmed content words found in the answer, so paraphrase
    with the same key words scores high and an answer about something else scores near 0. It is a
    lexical proxy; the LLM judge, when configured, is the semantic check reported beside it.
    """

    metric_name: ClassVar[str] = "coverage"
    description: ClassVar[str] = "content-word overlap of the answer points with the answer"

    def compute(self, question: Question, result: ResultRow) -> float | None:
        if not question.answerable or not question.answer_points:
            return None
        if result.abstained:
            return 0.0
        return float(np.mean([point_overlap(p, result.answer) for p in question.answer_points]))


class _Declined(Metric):
    """1 when the assistant declined, over the questions of one kind (answerable or not)."""

    applies_to_answerable: ClassVar[bool]

    def compute(self, question: Question, result: ResultRow) -> float | None:
        if question.answerable != self.applies_to_answerable:
            return None
        return float(result.abstained)


class CorrectAbstention(_Declined):
    """1 when the assistant declined a question that none of the documents answers."""

    metric_name: ClassVar[str] = "abstention_correct"
    description: ClassVar[str] = "unanswerable questions the assistant declined"
    applies_to_answerable: ClassVar[bool] = False


class FalseAbstention(_Declined):
    """1 when the assistant declined a question the documents do answer (lower is better)."""

    metric_name: ClassVar[str] = "abstention_false"
    description: ClassVar[str] = "answerable questions the assistant declined"
    higher_is_better: ClassVar[bool] = False
    applies_to_answerable: ClassVar[bool] = True


class Latency(Metric):
    """Wall time per answer; aggregated as a percentile rather than a mean (tails matter to users)."""

    metric_name: ClassVar[str] = "latency"
    description: ClassVar[str] = "milliseconds from question to complete answer, percentile {percentile:g}"
    higher_is_better: ClassVar[bool] = False
    percentile: float = Field(50, gt=0, le=100)

    @property
    def name(self) -> str:
        return f"{self.metric_name}_p{self.percentile:g}_ms"

    def compute(self, question: Question, result: ResultRow) -> float | None:
        return float(result.latency_ms)

    def aggregate(self, scores: Iterable[float | None]) -> float | None:
        values = [s for s in scores if s is not None]
        return float(np.percentile(values, self.percentile)) if values else None


def default_metrics() -> list[Metric]:
    """The metric suite every run reports, in report order."""
    return [
        EvidenceRecall(k=5),
        EvidenceRecall(k=10),
        MeanReciprocalRank(k=10),
        CitationSupport(),
        CitationSourcePrecision(),
        MarkersValid(),
        AnswerPointCoverage(),
        CorrectAbstention(),
        FalseAbstention(),
        Latency(percentile=50),
        Latency(percentile=95),
    ]
