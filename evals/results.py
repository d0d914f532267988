"""A run's results rows (../shared/EVAL_FORMAT.md) as pydantic models.

The runner writes one `ResultRow` per question to ``results.jsonl``; the metrics, the summary and
the report read them back typed, and `steunwijs ask --json` prints the same fields, so every
consumer agrees on one shape. Rows may carry fields beyond the format (``history``,
``rewritten_question``, ``section`` ...); readers of the format ignore them.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from steunwijs.types import Answer


class PassageRow(BaseModel):
    """A passage as a results row names it: its document, its text and, when known, where it stands."""

    model_config = ConfigDict(extra="allow")

    source: str = Field(description="The document's file name.")
    text: str = Field(description="The passage as stored.")
    section: str = ""
    page: int | None = None
    lines: tuple[int, int] | None = None


class CitationRow(PassageRow):
    """What marker [n] of an answer cites."""

    n: int
    quote: str = Field("", description="The exact words relied on.")


class RetrievedRow(PassageRow):
    """A passage retrieval returned, best first."""

    score: float


class ResultRow(BaseModel):
    """One line of results.jsonl: a question, the answer the system gave and what it relied on."""

    model_config = ConfigDict(extra="allow")

    id: str
    question: str
    answer: str = Field(description="The full answer, markers included.")
    abstained: bool
    citations: list[CitationRow] = Field(default_factory=list)
    retrieved: list[RetrievedRow] = Field(default_factory=list)
    latency_ms: float
    history: list[str] | None = Field(None, description="Ids of the turns sent as history (runner only).")
    rewritten_question: str | None = Field(None, description="What the assistant made of a follow-up.")

    @classmethod
    def from_answer(cls, qid: str, answer: Answer, latency_ms: float | None = None) -> ResultRow:
        """The row of an assistant's answer; latency defaults to the answer's own total timing."""
        return cls(
            id=qid,
            question=answer.question,
            answer=answer.text,
            abstained=answer.abstained,
            citations=[
                CitationRow(
                    n=c.n, source=c.source, text=c.text, quote=c.quote, section=c.section, page=c.page, lines=c.lines
                )
                for c in answer.citations
            ],
            retrieved=[
                RetrievedRow(
                    source=h.passage.source,
                    text=h.passage.text,
                    score=h.score,
                    section=h.passage.section,
                    page=h.passage.page,
                    lines=h.passage.lines,
                )
                for h in answer.retrieved
            ],
            latency_ms=latency_ms if latency_ms is not None else answer.timings.get("total", 0.0),
            rewritten_question=answer.rewritten_question,
        )
