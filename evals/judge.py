"""An LLM judge of answer-point coverage, for when an OpenAI-compatible endpoint is configured.

The lexical coverage metric misses paraphrase ("de directie" vs "de schoolleider"); a judge that
reads the answer catches it, at the price of an LLM call per question and a verdict that depends on
the judge model. Its figures are therefore reported beside, never instead of, the lexical ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, ClassVar

from llama_index.core.llms import LLM
from llama_index.core.prompts import RichPromptTemplate
from llama_index.llms.openai_like import OpenAILike
from openai import APIConnectionError
from pydantic import ConfigDict

from evals.metrics import Metric
from evals.questionset import Question
from evals.results import ResultRow
from evals.scoring import aggregate
from evals.summary import Judge, JudgeNote, JudgeScores
from steunwijs.errors import SteunwijsError
from steunwijs.llm import make_llm
from steunwijs.resources import read_text
from steunwijs.settings import Settings

JUDGE_PROMPT = "judge.md"  # in prompts/
JUDGE_MAX_TOKENS = 64  # "1: ja" a line, for the few points of a question
_VERDICT = re.compile(r"^\s*(\d+)\s*[:.)=-]\s*\**\s*(ja|nee)\b", re.IGNORECASE | re.MULTILINE)


class JudgeOutputError(SteunwijsError):
    """The judge's reply did not give a ja/nee verdict for every answer point."""

    def __init__(self, missing: list[int], reply: str) -> None:
        super().__init__(
            f"Het oordeel van het taalmodel mist een ja/nee voor punt(en) {missing}: {reply[:200]!r}",
            f"no verdict for point(s) {missing} in judge reply {reply[:200]!r}",
        )


@lru_cache(maxsize=1)
def _template() -> RichPromptTemplate:
    return RichPromptTemplate(read_text("prompts", JUDGE_PROMPT))


def parse_verdicts(reply: str, points: int) -> list[bool]:
    """The judge's "n: ja|nee" lines as booleans in point order; raise if a point has no verdict."""
    verdicts: dict[int, bool] = {}
    for number, word in _VERDICT.findall(reply):
        verdicts.setdefault(int(number), word.lower() == "ja")
    missing = [n for n in range(1, points + 1) if n not in verdicts]
    if missing:
        raise JudgeOutputError(missing, reply)
    return [verdicts[n] for n in range(1, points + 1)]


def judge_llm(settings: Settings) -> OpenAILike:
    """The judge model at settings.llm_base_url: the answerer's client, with room for one verdict
    line per point and one retry (a judge run is a batch job; nobody waits for a fallback)."""
    return make_llm(settings, max_tokens=JUDGE_MAX_TOKENS, max_retries=1)


class JudgeCoverage(Metric):
    """Share of the answer points the judge LLM says the answer contains (abstaining covers nothing)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    metric_name: ClassVar[str] = "coverage_judge"
    description: ClassVar[str] = "answer points an LLM judge finds in the answer"

    llm: Any  # an llama-index LLM; Any because pydantic cannot validate the LLM class itself

    def compute(self, question: Question, result: ResultRow) -> float | None:
        if not question.answerable or not question.answer_points:
            return None
        if result.abstained:
            return 0.0
        llm: LLM = self.llm
        messages = _template().format_messages(
            question=question.question, answer=result.answer, points=question.answer_points
        )
        reply = llm.chat(messages).message.content or ""
        verdicts = parse_verdicts(reply, len(question.answer_points))
        return sum(verdicts) / len(verdicts)


def judge_results(
    questions: Sequence[Question],
    results: Sequence[ResultRow],
    settings: Settings,
    advance: Callable[[], None] = lambda: None,
) -> Judge:
    """Judge scores per question and their aggregates, or a note why there are none.

    Without an endpoint the judge is skipped with a note; a reply without a verdict for every point
    leaves that question out and is listed; an endpoint that goes away ends judging with a note,
    because the answers are already in and must still reach the report.
    """
    if not settings.llm_base_url:
        return JudgeNote(status="skipped", note="no LLM endpoint configured (set STEUNWIJS_LLM_BASE_URL)")
    metric = JudgeCoverage(llm=judge_llm(settings))
    by_id = {r.id: r for r in results}
    scores: list[float | None] = []
    unparsed: list[str] = []
    for question in questions:
        try:
            scores.append(metric.compute(question, by_id[question.id]))
        except JudgeOutputError as exc:
            scores.append(None)
            unparsed.append(f"{question.id}: {exc}")
        except APIConnectionError as exc:  # includes APITimeoutError
            return JudgeNote(status="failed", note=f"judge endpoint {settings.llm_base_url} failed: {exc}")
        advance()
    tables = aggregate([metric], questions, {metric.name: scores})
    return JudgeScores(
        model=settings.llm_model,
        endpoint=settings.llm_base_url,
        unparsed=unparsed,
        scores=dict(zip([q.id for q in questions], scores)),
        overall=tables.overall,
        by_persona=tables.by_persona,
        by_topic=tables.by_topic,
        applicable=tables.applicable,
    )
