"""Precision and recall of the roles map against the gold set, per type and per actor.

Matching (issue 12): an extracted statement matches a gold statement when both stand in the same
document, their quotes overlap after normalising (letters and digits only, lower case: the gold
set keeps glued footnote numbers and line-break hyphens the passages lost, and the other way
round), and they name the same actor and type. Quotes overlap when they share a run of at
least `MIN_SHARED` of the longer one: a sentence the splitter cut differently still matches, a
short heading or fragment that happens to occur inside a long sentence does not.

The gold set is a sample of sentences, not the whole corpus, so precision counts only the
extracted statements whose quote overlaps a gold item's: each is right when that item lists its
actor and type, wrong otherwise (negatives list none). Recall counts the gold statements matched.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from evals.roles.gold import GoldItem
from kb.roles import Statement
from steunwijs.dutch.roles import KINDS

MIN_SHARED = 0.6
_NOT_ALNUM = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Letters and digits only, lower case."""
    return _NOT_ALNUM.sub("", text.lower())


def overlaps(a: str, b: str) -> bool:
    """Whether two normalised quotes are (mostly) the same words."""
    if not a or not b:
        return False
    shorter, longer = sorted((a, b), key=len)
    if shorter in longer:
        return len(shorter) >= MIN_SHARED * len(longer)
    block = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return block.size >= MIN_SHARED * len(longer)


@dataclass
class Counts:
    """Matches for one type or actor: precision = right / extracted, recall = found / gold."""

    extracted: int = 0
    right: int = 0
    gold: int = 0
    found: int = 0

    @property
    def precision(self) -> float | None:
        return self.right / self.extracted if self.extracted else None

    @property
    def recall(self) -> float | None:
        return self.found / self.gold if self.gold else None


@dataclass
class RolesScore:
    """Counts per type, per actor and overall, plus the misses for reading (never for tuning held-out)."""

    by_type: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    by_actor: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    overall: Counts = field(default_factory=Counts)
    wrong: list[tuple[str, Statement]] = field(default_factory=list)  # (gold id, extracted statement)
    missed: list[tuple[str, str, str]] = field(default_factory=list)  # (gold id, actor, type)


def score(statements: list[Statement], items: list[GoldItem]) -> RolesScore:
    """Match the extracted `statements` of the whole corpus against the gold `items`."""
    result = RolesScore()
    by_source: dict[str, list[tuple[str, Statement]]] = defaultdict(list)
    for statement in statements:
        by_source[statement.source].append((normalise(statement.quote), statement))
    for item in items:
        quote = normalise(item.quote)
        near = [s for q, s in by_source.get(item.source, []) if overlaps(quote, q)]
        expected = {(g.actor, g.type) for g in item.statements}
        for actor, kind in sorted(expected):
            hit = any(s.actor == actor and s.type == kind for s in near)
            for counts in (result.by_type[kind], result.by_actor[actor], result.overall):
                counts.gold += 1
                counts.found += hit
            if not hit:
                result.missed.append((item.id, actor, kind))
        for statement in {(s.actor, s.type): s for s in near}.values():
            right = (statement.actor, statement.type) in expected
            for counts in (result.by_type[statement.type], result.by_actor[statement.actor], result.overall):
                counts.extracted += 1
                counts.right += right
            if not right:
                result.wrong.append((item.id, statement))
    return result


def _cell(value: float | None) -> str:
    return "   -" if value is None else f"{value:.2f}"


def table(result: RolesScore, actors: list[str]) -> str:
    """The figures as a plain-text table: per type, per actor, overall."""
    lines = [f"{'':32} {'prec':>5} {'rec':>5} {'right/extr':>11} {'found/gold':>11}"]

    def row(name: str, counts: Counts) -> str:
        return (
            f"{name:32} {_cell(counts.precision):>5} {_cell(counts.recall):>5} "
            f"{counts.right:>5}/{counts.extracted:<5} {counts.found:>5}/{counts.gold:<5}"
        )

    lines += [row(f"type {kind}", result.by_type[kind]) for kind in KINDS]
    lines += [row(f"actor {actor}", result.by_actor[actor]) for actor in actors if actor in result.by_actor]
    lines.append(row("overall", result.overall))
    return "\n".join(lines)
