"""The roles map as text: grouped by actor and type, as a Markdown checklist, as CSV.

Shared by `steunwijs rollen` and the app's "Wie doet wat?" tab (webapp/handlers/roles.py), so both
say the same thing in the same words (prompts/roles.toml). A directie that exports its own statements of type `rol`
gets "Verantwoordelijkheden van de directie" as a checklist it can work through, each item in
the document's own words with where it stands.

Where a statement stands is worded by the caller's `where` (the CLI and the app pass
`KnowledgeBase.cite(statement).where()`, the one wording of a citation's place), so this module
needs no passages. CSV cells pass through steunwijs.spreadsheet.spreadsheet_safe: a quote that
starts with "-" (a list item) or "=" must open as text, never as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from pydantic import BaseModel

from kb.roles import Statement, actor_names
from steunwijs.dutch.actors import role_actors
from steunwijs.dutch.patterns import collapse_ws
from steunwijs.dutch.roles import KINDS, Kind
from steunwijs.resources import load_toml
from steunwijs.spreadsheet import spreadsheet_safe

Where = Callable[[Statement], str]


class TypeWording(BaseModel):
    name: str
    checklist: str


class CsvWording(BaseModel):
    columns: list[str]


class RolesWording(BaseModel):
    """prompts/roles.toml."""

    title: str
    empty: str
    count: str
    actors: dict[str, str]
    types: dict[Kind, TypeWording]
    csv: CsvWording


def wording() -> RolesWording:
    return load_toml("prompts", "roles.toml", RolesWording)


def grouped(statements: list[Statement]) -> list[tuple[str, Kind, list[Statement]]]:
    """(actor, type, statements) in the lexicon's order of actors and the order rol, verwachting, aanbeveling."""
    groups: dict[tuple[str, Kind], list[Statement]] = {}
    for statement in statements:
        groups.setdefault((statement.actor, statement.type), []).append(statement)
    order = {actor: i for i, actor in enumerate(actor_names())}
    keys = sorted(groups, key=lambda k: (order.get(k[0], len(order)), KINDS.index(k[1])))
    return [(actor, kind, groups[(actor, kind)]) for actor, kind in keys]


def title(statements: list[Statement]) -> str:
    """ "Verantwoordelijkheden van de directie" for one actor and type, else the map's title."""
    words = wording()
    kinds = {(s.actor, s.type) for s in statements}
    if len(kinds) == 1:
        actor, kind = kinds.pop()
        return words.types[kind].checklist.format(actor=words.actors.get(actor, actor))
    return words.title


def _quote(statement: Statement) -> str:
    return collapse_ws(statement.quote)


def to_text(statements: list[Statement], where: Where) -> str:
    """Plain text for a terminal: per actor, per type, each quote with where it stands."""
    words = wording()
    if not statements:
        return words.empty
    labels = role_actors()
    lines: list[str] = []
    current_actor = None
    for actor, kind, items in grouped(statements):
        if actor != current_actor:
            lines += ([""] if lines else []) + [labels.get(actor, actor)]
            current_actor = actor
        lines.append(f"  {words.types[kind].name} ({len(items)})")
        lines += [f"    - “{_quote(s)}” ({where(s)})" for s in items]
    return "\n".join(lines)


def to_markdown(statements: list[Statement], where: Where) -> str:
    """A Markdown checklist: a title, then per actor and type a box per statement, cited."""
    words = wording()
    lines = [f"# {title(statements)}", ""]
    if not statements:
        return "\n".join(lines + [words.empty, ""])
    documents = len({s.source for s in statements})
    lines += [f"_{words.count.format(n=len(statements), documents=documents)}_", ""]
    labels = role_actors()
    single = len({(s.actor, s.type) for s in statements}) == 1
    for actor, kind, items in grouped(statements):
        if not single:
            lines += [f"## {labels.get(actor, actor)}: {words.types[kind].name}", ""]
        lines += [f"- [ ] {_quote(s)} ({where(s)})" for s in items]
        lines.append("")
    return "\n".join(lines)


def to_csv(statements: list[Statement], where: Where) -> str:
    """One row per statement (quote on one line), with the column headers of prompts/roles.toml."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(wording().csv.columns)
    for s in statements:
        row = [s.actor, s.type, _quote(s), s.source, s.section, s.page or "", s.era or "", where(s)]
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return buffer.getvalue()
