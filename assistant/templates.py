"""The assistant's own Dutch wording, read from prompts/answers.toml into a typed model.

Lead lines, persona framing, the abstention sentence, notices and error messages live in one
file, so that wording can be reviewed and changed without touching code; the model makes a
missing key fail when the file is loaded, not in the middle of an answer.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from steunwijs.resources import load_toml

ANSWERS_FILE = "answers.toml"


class QuestionTypes(BaseModel):
    """How a question's type is recognised (first matching pattern list in `order` wins)."""

    order: list[str]
    fallback: str
    framed: list[str] = Field(description="Types answered with the persona's title, list style and lead.")
    grouped: list[str] = Field(description="Types whose points are always grouped by actor.")
    patterns: dict[str, list[str]]


class PersonaStyle(BaseModel):
    """How one persona's answers are shaped."""

    title: str
    list: Literal["numbered", "checkbox", "bullet"]
    group_by_actor: bool
    lead: dict[str, str]
    discussion_lead: str | None = None
    discussion: dict[str, list[str]] = Field(default_factory=dict)


class Wording(BaseModel):
    """prompts/answers.toml."""

    question_types: QuestionTypes
    personas: dict[str, PersonaStyle]
    quiz: dict[str, str]
    abstain: dict[str, str]
    notices: dict[str, str]
    errors: dict[str, str]


def wording() -> Wording:
    """The parsed prompts/answers.toml (read once per process)."""
    return load_toml("prompts", ANSWERS_FILE, Wording)


def phrase(section: Literal["quiz", "abstain", "notices", "errors"], key: str, **values: object) -> str:
    """One fixed sentence, e.g. phrase("notices", "question_cut", limit=1000)."""
    return getattr(wording(), section)[key].format(**values)
