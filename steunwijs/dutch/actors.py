"""Who a sentence or question is about: the actors of learning support (steunwijs/tables/actors.toml).

Answers about roles read best grouped per actor, and a follow-up such as "Geldt dat ook voor het
CLB?" keeps the topic but swaps the actor. Both need the same lexicon, kept as data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel, Field, RootModel

from steunwijs.resources import load_toml

ACTORS_FILE = "actors.toml"


class ActorEntry(BaseModel):
    """One actor of steunwijs/tables/actors.toml."""

    label: str = Field(description="How the actor is named in answers.")
    forms: list[str] = Field(min_length=1, description="Words that name the actor for sure.")
    weak: list[str] = Field(default_factory=list, description="Words that name it only when nothing else does.")


class ActorTable(RootModel[dict[str, ActorEntry]]):
    """steunwijs/tables/actors.toml: actor key -> entry, in file order."""


@dataclass(frozen=True)
class Actor:
    key: str
    label: str
    pattern: re.Pattern[str]  # strong forms, each with an optional article in front
    weak: re.Pattern[str] | None


@dataclass(frozen=True)
class Mention:
    """One mention of an actor in a text: span includes a preceding article ("het CLB")."""

    actor: str
    start: int
    end: int
    text: str
    weak: bool


ARTICLES: tuple[str, ...] = ("de", "het", "een", "haar", "hun", "zijn")  # kept with a mention: "het CLB"


def _compile(forms: list[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    articles = "|".join(ARTICLES)
    return re.compile(rf"(?<!\w)(?:(?:{articles})\s+)?(?:{alternatives})(?![\w-])", re.I)


@lru_cache(maxsize=1)
def actors() -> tuple[Actor, ...]:
    """The actor lexicon, in file order."""
    table = load_toml("tables", ACTORS_FILE, ActorTable)
    return tuple(
        Actor(
            key=key,
            label=entry.label,
            pattern=_compile(entry.forms),
            weak=_compile(entry.weak) if entry.weak else None,
        )
        for key, entry in table.root.items()
    )


def label(key: str) -> str:
    """The display label of actor `key` (e.g. "Pedagogische begeleiding")."""
    return next(a.label for a in actors() if a.key == key)


def mentions(text: str) -> list[Mention]:
    """All actor mentions in `text`, in reading order (weak ones only when no strong one exists)."""
    found: list[Mention] = []
    for actor in actors():
        found += [Mention(actor.key, m.start(), m.end(), m.group(0), False) for m in actor.pattern.finditer(text)]
    if not found:
        for actor in actors():
            if actor.weak is not None:
                found += [Mention(actor.key, m.start(), m.end(), m.group(0), True) for m in actor.weak.finditer(text)]
    found.sort(key=lambda m: (m.start, -m.end))
    # drop mentions nested in a longer one ("pedagogische begeleiding" vs a shorter overlapping form)
    kept: list[Mention] = []
    for m in found:
        if kept and m.start < kept[-1].end:
            continue
        kept.append(m)
    return kept


def main_actor(text: str) -> str | None:
    """The actor a sentence is mostly about: the first one it names (Dutch puts the subject early)."""
    found = mentions(text)
    return found[0].actor if found else None
