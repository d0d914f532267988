"""Framing an answer for who asks: same facts and citations, a different shape.

A leerondersteuner gets a practical to-do list ("Wat kun je doen"), a directie a responsibilities
checklist per actor ("Wie is verantwoordelijk"), a trainer the points plus questions for a session
("Om te bespreken"). Only questions about roles, expectations, recommendations or in general are
framed that way; a question about a number or a definition gets plain bullets for everyone.
All wording comes from prompts/answers.toml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.templates import PersonaStyle, phrase, wording
from steunwijs.dutch import actors
from steunwijs.errors import InputError
from steunwijs.settings import PERSONAS

_GENERAL_GROUP = "Algemeen"


class UnknownPersona(InputError):
    """A persona that prompts/answers.toml does not describe."""


@dataclass(frozen=True)
class Item:
    """One point of an answer: its Markdown text (marker included) and the actor it is about."""

    text: str
    actor: str | None = None


def _persona(persona: str) -> PersonaStyle:
    configured = wording().personas
    if persona not in configured or persona not in PERSONAS:
        choices = ", ".join(PERSONAS)
        raise UnknownPersona(
            phrase("errors", "unknown_persona", persona=persona, choices=choices),
            f"Unknown persona {persona!r}; choose one of {choices}.",
        )
    return configured[persona]


def check_persona(persona: str) -> None:
    """Raise UnknownPersona unless `persona` is one of the configured personas."""
    _persona(persona)


@lru_cache(maxsize=1)
def _type_patterns() -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
    types = wording().question_types
    return tuple((name, tuple(re.compile(p) for p in types.patterns[name])) for name in types.order)


def question_type(question: str) -> str:
    """rollen, verwachtingen, aanbevelingen, feiten, vergelijking, definitie or algemeen."""
    lowered = question.lower().strip()
    for name, patterns in _type_patterns():
        if any(p.search(lowered) for p in patterns):
            return name
    return wording().question_types.fallback


def groups_by_actor(persona: str, qtype: str) -> bool:
    """Whether the points are grouped per actor: role questions always, the directie's framed ones too."""
    types = wording().question_types
    return qtype in types.grouped or (qtype in types.framed and _persona(persona).group_by_actor)


def _list_prefix(style: str, number: int) -> str:
    if style == "numbered":
        return f"{number}. "
    if style == "checkbox":
        return "- [ ] "
    return "- "


def render(persona: str, qtype: str, items: list[Item]) -> list[str]:
    """The answer's Markdown lines: title (framed types), lead line, the points, discussion questions."""
    config = _persona(persona)
    framed = qtype in wording().question_types.framed
    style = config.list if framed else "bullet"
    lines: list[str] = []
    if framed:
        lines.append(f"### {config.title}")
    lines.append(config.lead[qtype])
    lines.append("")
    groups: dict[str | None, list[Item]] = {}
    for item in items:
        groups.setdefault(item.actor, []).append(item)
    if groups_by_actor(persona, qtype) and len(groups) > 1:
        number = 0
        # actors in order of their best point; points about no actor in particular come last
        for actor in sorted(groups, key=lambda a: a is None):
            members = groups[actor]
            lines.append(f"**{actors.label(actor) if actor else _GENERAL_GROUP}**")
            for item in members:
                number += 1
                lines.append(_list_prefix(style, number) + item.text)
            lines.append("")
    else:
        lines += [_list_prefix(style, i) + item.text for i, item in enumerate(items, 1)]
        lines.append("")
    questions = config.discussion.get(qtype, [])
    if questions and config.discussion_lead:
        lines.append(config.discussion_lead)
        lines += [f"- {q}" for q in questions]
    while lines and not lines[-1]:
        lines.pop()
    return lines
