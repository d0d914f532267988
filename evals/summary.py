"""The run summary, ``summary.json``, as pydantic models: what the report and the web app read.

The runner writes a `Summary` and the report, the CLI and the web app's evaluation tab read it, so
a report can be re-rendered from an old run and every reader agrees on one shape. The JSON keys
and nesting are those the web app has always read; `GroupScores` keeps the flat
``{"<metric>": value, ..., "n": size}`` objects of that format while giving code a typed ``n``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, ValidationError, model_serializer, model_validator

from evals.questionset import Topic
from steunwijs.errors import SteunwijsError
from steunwijs.settings import Persona

Scores = dict[str, float | None]
"""Metric name -> value (None: the metric applied to none of the questions)."""


class SummaryUnreadable(SteunwijsError):
    """A summary.json that is not JSON or not of this shape (cut off, or written by another version)."""

    def __init__(self, path: Path, error: ValidationError) -> None:
        super().__init__(
            f"Het evaluatieoverzicht {path} is onleesbaar of van een andere versie; voer de evaluatie opnieuw uit.",
            f"unreadable eval summary {path}: {error}",
        )


class GroupScores(BaseModel):
    """The aggregate of each metric over one group of questions, and the group's size."""

    n: int = Field(description="Questions in the group.")
    values: Scores = Field(description="Aggregate per metric name, in report order.")

    @model_validator(mode="before")
    @classmethod
    def _from_flat(cls, data: Any) -> Any:
        """Read the flat JSON object ``{"<metric>": value, ..., "n": size}``."""
        if isinstance(data, dict) and "values" not in data:
            values = {k: v for k, v in data.items() if k != "n"}
            return {"n": data.get("n"), "values": values}
        return data

    @model_serializer
    def _to_flat(self) -> dict[str, float | int | None]:
        return {**self.values, "n": self.n}


class MetricTables(BaseModel):
    """Aggregates overall, per persona and per topic, and how many questions each metric applied to."""

    overall: GroupScores
    by_persona: dict[Persona, GroupScores]
    by_topic: dict[Topic, GroupScores]
    applicable: dict[str, int]


class RunInfo(BaseModel):
    """The facts of a run: when, over what, with which answerer and model."""

    started: str = Field(description="Start time, ISO 8601 in UTC to the second.")
    seconds: float = Field(description="Wall time of the whole run.")
    sets: list[str] = Field(description="The question-set files, as given.")
    questions: int = Field(description="Questions asked (selected ones plus their earlier turns).")
    selected_ids: list[str] | None = Field(description="The ids asked for; None when whole sets ran.")
    added_for_history: list[str] = Field(description="Ids run only because a selected follow-up needs them.")
    answerer: str
    embedding_model: str
    top_k: int
    fusion: str = Field("rrf", description="How dense and BM25 candidates were fused (setting `fusion`).")


class MetricInfo(BaseModel):
    """What a metric measures, for the report's first table."""

    description: str
    higher_is_better: bool


class JudgeNote(BaseModel):
    """Why there are no judge scores: no endpoint configured, or the endpoint failed mid-run."""

    status: Literal["skipped", "failed"]
    note: str


class JudgeScores(BaseModel):
    """The LLM judge's coverage per question and its aggregates (fields as in `MetricTables`)."""

    status: Literal["done"] = "done"
    model: str
    endpoint: str
    unparsed: list[str] = Field(description="'<id>: <why>' for each reply without a verdict for every point.")
    scores: Scores = Field(description="Question id -> judged coverage (None: not applicable or unparsed).")
    overall: GroupScores
    by_persona: dict[Persona, GroupScores]
    by_topic: dict[Topic, GroupScores]
    applicable: dict[str, int]


Judge = Annotated[JudgeNote | JudgeScores, Field(discriminator="status")]


class BaselineSummary(BaseModel):
    """The comparison system's aggregates, scored with the same metrics on the same questions."""

    description: str
    metrics: MetricTables


class RatioTables(BaseModel):
    """Steunwijs / baseline per metric, overall and per group (None: missing or a zero baseline)."""

    overall: Scores
    by_persona: dict[Persona, Scores]
    by_topic: dict[Topic, Scores]


class QuestionScores(BaseModel):
    """One question's score per metric (latency apart, in milliseconds)."""

    id: str
    persona: Persona
    topic: Topic
    latency_ms: float
    scores: Scores


class EvidenceCheck(BaseModel):
    """Whether an evidence quote was among the top 10 retrieved passages and among the cited ones."""

    quote: str
    retrieved: bool
    cited: bool


class Expected(BaseModel):
    """What the question set says a good answer has."""

    answerable: bool
    answer_points: list[str]
    sources: list[str]
    evidence: list[EvidenceCheck]


class Got(BaseModel):
    """What came back: the answer and where it came from (top 5 retrieved documents)."""

    abstained: bool
    answer: str
    cited_sources: list[str]
    retrieved_sources: list[str]


class Failure(BaseModel):
    """A question that went wrong, with why, what was expected and what came back."""

    id: str
    persona: Persona
    topic: Topic
    question: str
    rewritten_question: str | None
    reasons: list[str]
    expected: Expected
    got: Got


class Summary(BaseModel):
    """Everything the report shows: run facts, aggregates, judge, baseline and ratios, failures."""

    run: RunInfo
    metric_info: dict[str, MetricInfo] = Field(description="Per metric name, in report order.")
    metrics: MetricTables
    judge: Judge
    baseline: BaselineSummary | None
    ratios: RatioTables | None
    per_question: list[QuestionScores]
    failures: list[Failure]

    @classmethod
    def read(cls, path: Path) -> Summary:
        """A run's ``summary.json``; raises `SummaryUnreadable` when it is not one."""
        try:
            return cls.model_validate_json(path.read_text(encoding="utf-8"))
        except ValidationError as error:
            raise SummaryUnreadable(path, error) from error

    def write(self, path: Path) -> None:
        """Write ``summary.json`` (indented, UTF-8 as is, floats as Python writes them)."""
        text = json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=2)
        path.write_text(text, encoding="utf-8")
