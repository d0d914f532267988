"""Who a sentence or question is about: the actors of learning support (steunwijs/tables/actors.toml).

Answers about roles read best grouped per actor, and a follow-up such as "Geldt dat ook voor het
CLB?" keeps the topic but swaps the actor. Both need the same lexicon, kept as data (`groups`).
The roles map (kb/roles_build.py) needs finer actors, each with the older names that count for
it (`roles`, read by `role_actors` and `role_mentions`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel, Field

from steunwijs.resources import load_toml

ACTORS_FILE = "actors.toml"


class ActorEntry(BaseModel):
    """One actor of steunwijs/tables/actors.toml."""

    label: str = Field(description="How the actor is named in answers.")
    forms: list[str] = Field(min_length=1, description="Words that name the actor for sure.")
    weak: list[str] = Field(default_factory=list, description="Words that name it only when nothing else does.")


class RoleActorEntry(BaseModel):
    """One actor of the roles map: today's names and the names earlier regimes used."""

    label: str = Field(description="How the actor is named in the map's views and exports.")
    forms: list[str] = Field(min_length=1, description="Today's names.")
    older: list[str] = Field(default_factory=list, description="Older names that count for this actor.")


class ActorTable(BaseModel):
    """steunwijs/tables/actors.toml: the answer groups and the roles map's actors, each in file order."""

    groups: dict[str, ActorEntry]
    roles: dict[str, RoleActorEntry]


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
        for key, entry in table.groups.items()
    )


@lru_cache(maxsize=1)
def role_actors() -> dict[str, str]:
    """The roles map's actors: key -> display label ("pedagogische begeleiding" -> "Pedagogische begeleiding")."""
    return {key: entry.label for key, entry in load_toml("tables", ACTORS_FILE, ActorTable).roles.items()}


def label(key: str) -> str:
    """The display label of actor `key` (e.g. "Pedagogische begeleiding")."""
    return next(a.label for a in actors() if a.key == key)


def mentions(text: str) -> list[Mention]:
    """All actor mentions in `text`, in reading order (weak ones only when no strong one exists)."""
    found = [Mention(a.key, m.start(), m.end(), m.group(0), False) for a in actors() for m in a.pattern.finditer(text)]
    if not found:
        for actor in actors():
            if actor.weak is not None:
                found += [Mention(actor.key, m.start(), m.end(), m.group(0), True) for m in actor.weak.finditer(text)]
    return _outermost(found)


def role_mentions(text: str) -> list[Mention]:
    """The roles map's actors named in `text`, in reading order (a longer name wins over one inside it).

    One pattern of every form, longest first, so a sentence is scanned once (the map reads every
    sentence of the corpus at ingest).
    """
    pattern, actor_of = _role_pattern()
    return [
        Mention(actor_of[m.group("form").lower()], m.start(), m.end(), m.group(0), False) for m in pattern.finditer(text)
    ]


def role_actor_named(name: str) -> str | None:
    """The roles-map actor a name stands for ("directeur", "ondersteuners" -> their actor), else None."""
    return _role_pattern()[1].get(name.strip().lower())


@lru_cache(maxsize=1)
def _role_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    table = load_toml("tables", ACTORS_FILE, ActorTable)
    actor_of = {form.lower(): key for key, entry in table.roles.items() for form in entry.forms + entry.older}
    alternatives = "|".join(re.escape(f) for f in sorted(actor_of, key=len, reverse=True))
    articles = "|".join(ARTICLES)
    return re.compile(rf"(?<!\w)(?:(?:{articles})\s+)?(?P<form>{alternatives})(?![\w-])", re.I), actor_of


def _outermost(found: list[Mention]) -> list[Mention]:
    """Mentions in reading order without the ones nested in (or overlapping) an earlier, longer one."""
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
