"""Which sentence should lead an answer, by what the question asks: the point rules of issue 10.

The cosine of question and sentence rewards a sentence that talks about the same things; it does
not know that a "hoeveel" question wants the sentence with the number, that "wat doet de
zorgcoördinator" wants a sentence whose subject is the zorgcoördinator, that "wat raadt de
inspectie aan" wants a recommendation, or that a sentence about the research itself ("Hiertoe
werden ... opgevraagd") answers nothing unless the method is asked about. Each rule adds a weight
to the sentence's ranking score (steunwijs/tables/point_rules.toml, tuned on train by
evals/tuning/points.py), so the rule reorders the points without ever adding a sentence the
ranking did not find.

A sentence's reading by the roles map depends on the sentence and its section only, so it is
cached across questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel, Field

from steunwijs.dutch import roles
from steunwijs.dutch.patterns import any_of, collapse_ws
from steunwijs.resources import load_toml

RULES_FILE = "point_rules.toml"


class Weights(BaseModel):
    number: float = Field(description="Added for a sentence holding a number, on a 'hoeveel' question.")
    actor_subject: float = Field(description="Added for a sentence whose subject is the actor asked about.")
    recommendation: float = Field(description="Added for a recommending sentence, on a 'raadt aan' question.")
    meta: float = Field(le=0, description="Added (<= 0) for a sentence about the research, unless method is asked.")


class QuestionPatterns(BaseModel):
    how_many: list[str]
    actor_role: list[str]
    recommend: list[str]
    method: list[str]


class SentencePatterns(BaseModel):
    number: str
    meta: list[str]


class PointRulesTable(BaseModel):
    """`steunwijs/tables/point_rules.toml`."""

    weights: Weights
    questions: QuestionPatterns
    sentences: SentencePatterns


@dataclass(frozen=True)
class Compiled:
    table: PointRulesTable
    how_many: re.Pattern[str]
    actor_role: re.Pattern[str]
    recommend: re.Pattern[str]
    method: re.Pattern[str]
    number: re.Pattern[str]
    meta: re.Pattern[str]


@lru_cache(maxsize=1)
def compiled() -> Compiled:
    table = load_toml("tables", RULES_FILE, PointRulesTable)
    q, s = table.questions, table.sentences
    return Compiled(
        table,
        any_of(q.how_many),
        any_of(q.actor_role),
        any_of(q.recommend),
        any_of(q.method),
        re.compile(s.number, re.IGNORECASE),
        any_of(s.meta),
    )


@dataclass(frozen=True)
class Intent:
    """What kind of sentence the question wants first."""

    how_many: bool = False
    actor: str | None = None  # the actor whose role or expectations are asked about
    recommend: bool = False
    method: bool = False


def intent(question: str) -> Intent:
    """The question's wants, from its wording (lower-cased patterns of the table)."""
    c = compiled()
    text = collapse_ws(question).lower()
    actor = roles.first_actor(question) if c.actor_role.search(text) else None
    return Intent(
        how_many=bool(c.how_many.search(text)),
        actor=actor,
        recommend=bool(c.recommend.search(text)),
        method=bool(c.method.search(text)),
    )


@lru_cache(maxsize=20_000)
def _reading(flat: str, section: str) -> tuple[bool, tuple[str, ...]]:
    """(recommends, the actors it is about, subject first) as the roles map reads the sentence;
    a recommendations section makes its sentences recommendations. Cached: the same sentences
    come back with every question about their passages."""
    headings = [h.strip() for h in section.split(">")] if section else []
    context = roles.Context(recommendation=any(roles.is_recommendation_heading(h) for h in headings))
    analysis = roles.analyse(flat, context)
    return any(f.type == "aanbeveling" for f in analysis.findings), analysis.about


def bonus(wants: Intent, text: str, section: str, weights: Weights | None = None) -> float:
    """What the rules add to a sentence's ranking score for this question (`section`: the sentence's
    passage's section path). The roles reading, the costly part, runs only when the question needs it."""
    c = compiled()
    w = weights or c.table.weights
    flat = collapse_ws(text)
    total = 0.0
    if wants.how_many and c.number.search(flat):
        total += w.number
    if (wants.actor is not None and w.actor_subject) or (wants.recommend and w.recommendation):
        recommends, about = _reading(flat, section)
        if wants.actor is not None and about[:1] == (wants.actor,):
            total += w.actor_subject
        if wants.recommend and recommends:
            total += w.recommendation
    if not wants.method and c.meta.search(flat):
        total += w.meta
    return total
