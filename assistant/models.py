"""The answer the assistant gives, the same for the CLI, the app and the eval runner."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from kb.models import Hit, Passage


class Citation(BaseModel):
    """What marker [n] points at: a retrieved passage and the exact words relied on."""

    n: int
    source: str = Field(description="Document file name")
    title: str
    era: str | None = None
    year: int | None = Field(None, description="Year of the document, for era notes when era is unknown")
    section: str = ""
    page: int | None = None
    lines: tuple[int, int]
    text: str = Field(description="The cited passage as stored")
    quote: str = Field(description="The exact words relied on, as they stand in the passage")

    @classmethod
    def of(cls, n: int, passage: Passage, quote: str) -> "Citation":
        """Marker `n` on `passage`, relying on `quote`: the one place a passage becomes a citation."""
        return cls(
            n=n,
            source=passage.source,
            title=passage.doc.title,
            era=passage.doc.era,
            year=passage.doc.year,
            section=passage.section,
            page=passage.page,
            lines=passage.lines,
            text=passage.text,
            quote=quote,
        )


class Answer(BaseModel):
    """A complete answer: text with [n] markers, its citations and how it came about."""

    question: str
    rewritten_question: str | None = Field(None, description="The question as sent to retrieval, if rewritten")
    persona: str = "leerondersteuner"
    text: str = Field(description="Markdown; every sentence carries a marker [n]")
    citations: list[Citation] = Field(default_factory=list)
    abstained: bool = False
    abstain_reason: str | None = None
    retrieved: list[Hit] = Field(default_factory=list)
    answerer: str = "default"
    notices: list[str] = Field(default_factory=list, description="Things the user should know (cut question, LLM fallback)")
    timings: dict[str, float] = Field(default_factory=dict, description="Milliseconds per step")

    def to_result(self, qid: str, latency_ms: float | None = None) -> dict[str, Any]:
        """One line of results.jsonl in the format of EVAL_FORMAT.md."""
        return {
            "id": qid,
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [
                {
                    "n": c.n,
                    "source": c.source,
                    "text": c.text,
                    "quote": c.quote,
                    "section": c.section,
                    "page": c.page,
                    "lines": list(c.lines),
                }
                for c in self.citations
            ],
            "retrieved": [
                {
                    "source": h.passage.source,
                    "text": h.passage.text,
                    "score": h.score,
                    "section": h.passage.section,
                    "page": h.passage.page,
                    "lines": list(h.passage.lines),
                }
                for h in self.retrieved
            ],
            "latency_ms": latency_ms if latency_ms is not None else self.timings.get("total", 0.0),
        }
