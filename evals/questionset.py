"""The question-set format of EVAL_FORMAT.md as a pydantic model, its loader and its evidence check.

Every curated set and every runner reads questions through :func:`load_set`, so a malformed line is
rejected once, with its line number, instead of surfacing later as a puzzling metric. The evidence
check exists because the retrieval and citation metrics match evidence quotes against passages: a
quote that is not really in its source would silently count as a miss for every system under test.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from steunwijs.dutch.patterns import collapse_ws
from steunwijs.errors import InputError
from steunwijs.settings import Persona

Topic = Literal["rollen", "verwachtingen", "aanbevelingen", "feiten", "vergelijking"]
TOPICS: tuple[str, ...] = ("rollen", "verwachtingen", "aanbevelingen", "feiten", "vergelijking")

MIN_QUOTE_WORDS = 8
MAX_QUOTE_WORDS = 30
MAX_ANSWER_POINTS = 4
MAX_EVIDENCE = 3


class QuestionSetError(InputError):
    """A question set that does not follow EVAL_FORMAT.md; the message lists every problem by line."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        listed = "\n".join(problems)
        super().__init__(
            f"De vragenset {path} volgt het formaat niet ({len(problems)} probleem/problemen):\n{listed}",
            f"{path}: {len(problems)} problem(s)\n{listed}",
        )


class Question(BaseModel):
    """One line of a question set (EVAL_FORMAT.md), with the rules a scorer relies on enforced."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, description="Unique within the set.")
    persona: Persona = Field(description="Who asks: leerondersteuner, directie or trainer.")
    topic: Topic = Field(description="rollen, verwachtingen, aanbevelingen, feiten or vergelijking.")
    question: str = Field(min_length=1, description="The question in the user's own Dutch words.")
    answer_points: list[str] = Field(description="1-4 statements a correct answer contains.")
    sources: list[str] = Field(description="File names of the documents that hold the answer.")
    evidence: list[str] = Field(description="1-3 verbatim quotes (8-30 words) from those files.")
    answerable: bool = Field(description="False when none of the documents answers the question.")
    follow_up_of: str | None = Field(None, description="Id of the earlier question in the conversation.")

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        """Reject combinations that would make the question unscorable (e.g. evidence for a refusal)."""
        problems: list[str] = []
        if not self.question.strip():
            problems.append("question is blank")
        if self.follow_up_of == self.id:
            problems.append("follow_up_of points to the question itself")
        if self.answerable:
            if not 1 <= len(self.answer_points) <= MAX_ANSWER_POINTS:
                problems.append(f"answerable question needs 1-{MAX_ANSWER_POINTS} answer_points")
            if not self.sources:
                problems.append("answerable question needs at least one source")
            if not 1 <= len(self.evidence) <= MAX_EVIDENCE:
                problems.append(f"answerable question needs 1-{MAX_EVIDENCE} evidence quotes")
            for quote in self.evidence:
                words = len(quote.split())
                if not MIN_QUOTE_WORDS <= words <= MAX_QUOTE_WORDS:
                    problems.append(
                        f"evidence quote has {words} words, expected {MIN_QUOTE_WORDS}-{MAX_QUOTE_WORDS}:"
                        f" {quote[:60]!r}"
                    )
            if any(not point.strip() for point in self.answer_points):
                problems.append("an answer point is blank")
        elif self.answer_points or self.sources or self.evidence:
            problems.append("unanswerable question must have empty answer_points, sources and evidence")
        if problems:
            raise ValueError("; ".join(problems))
        return self


def load_set(path: Path | str) -> list[Question]:
    """Read a JSON Lines question set; raise :class:`QuestionSetError` naming every bad line.

    Beyond each line's own schema this checks what only the whole set can tell: ids are unique and a
    follow-up points to an *earlier* question, because the runner replays that question as history.
    Blank lines are ignored so a trailing newline or a visual separator is not an error.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise QuestionSetError(path, [f"file not found: {exc.filename}"]) from exc
    except UnicodeDecodeError as exc:
        raise QuestionSetError(path, [f"not UTF-8 text: {exc.reason}"]) from exc

    questions: list[Question] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            question = Question.model_validate_json(line)
        except ValidationError as exc:
            problems.append(f"line {number}: {_describe(exc)}")
            continue
        if question.id in seen:
            problems.append(f"line {number}: id {question.id!r} already used on line {seen[question.id]}")
        elif question.follow_up_of is not None and question.follow_up_of not in seen:
            problems.append(
                f"line {number}: follow_up_of {question.follow_up_of!r} is not an earlier id in this set"
            )
        seen.setdefault(question.id, number)
        questions.append(question)
    if problems:
        raise QuestionSetError(path, problems)
    if not questions:
        raise QuestionSetError(path, ["the set holds no questions"])
    return questions


def _describe(error: ValidationError) -> str:
    """Pydantic's errors as one readable clause each, prefixed by the field when there is one."""
    parts = []
    for err in error.errors():
        field = ".".join(str(part) for part in err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        parts.append(f"{field}: {message}" if field else message)
    return "; ".join(parts)


@lru_cache(maxsize=32)
def _collapsed_source(path: Path, mtime_ns: int) -> str:
    """The collapsed text of one corpus file, cached per version so a whole set is checked quickly."""
    return collapse_ws(path.read_text(encoding="utf-8"))


def verify_evidence(question: Question, corpus_dir: Path | str) -> list[str]:
    """Problems with a question's sources and evidence against the corpus; empty when all is well.

    A quote must occur, after collapsing whitespace on both sides, in at least one of the question's
    own sources: evidence found only in an uncited document would reward citing the wrong document.
    """
    corpus_dir = Path(corpus_dir)
    problems: list[str] = []
    texts: list[str] = []
    for source in question.sources:
        path = corpus_dir / source
        if Path(source).name != source or not path.is_file():
            problems.append(f"{question.id}: source {source!r} is not a file in {corpus_dir}")
            continue
        texts.append(_collapsed_source(path.resolve(), path.stat().st_mtime_ns))
    if not texts:
        return problems
    for quote in question.evidence:
        if not any(collapse_ws(quote) in text for text in texts):
            problems.append(
                f"{question.id}: evidence not found in {', '.join(question.sources)}: {quote[:80]!r}"
            )
    return problems
