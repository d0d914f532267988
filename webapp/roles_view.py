"""The roles map ("Wie doet wat?") as the page shows it: the matrix, a list of statements, the eras side by side.

Every statement is shown with its number, the document's exact words and where they stand
(`Citation.where()`, the wording the chat and the handout use). The number is a button: a click
(or Enter) opens the statement's passage in the tab's source panel, the same panel as the chat's
(webapp.citation_panel). Everything is escaped: the documents are data, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from kb.roles import Statement
from kb.roles_export import grouped, wording
from steunwijs.dutch.actors import role_actors
from steunwijs.dutch.patterns import collapse_ws
from steunwijs.dutch.roles import KINDS
from steunwijs.types import Citation
from webapp import texts
from webapp.citation_panel import render_source


def matrix_headers() -> list[str]:
    """Actor, one column per type, total."""
    return [texts.ROLES_ACTOR_COLUMN, *(texts.ROLES_TYPE_COLUMNS[kind] for kind in KINDS), texts.ROLES_TOTAL_COLUMN]


def matrix_rows(statements: Sequence[Statement]) -> list[list[str | int]]:
    """One row per actor of the lexicon (zeros included, so the table keeps its shape): counts per type, total."""
    counts = {(s.actor, s.type): 0 for s in statements}
    for s in statements:
        counts[(s.actor, s.type)] += 1
    rows: list[list[str | int]] = []
    for actor, label in role_actors().items():
        per_type = [counts.get((actor, kind), 0) for kind in KINDS]
        rows.append([label, *per_type, sum(per_type)])
    return rows


@dataclass(frozen=True)
class Numbered:
    """A statement as the page lists it: number n (its citation's), and the citation that places it."""

    n: int
    statement: Statement
    citation: Citation


def _item(item: Numbered) -> str:
    where = item.citation.where()
    era = f" · {escape(item.statement.era)}" if item.statement.era else ""
    label = texts.ROLES_OPEN.format(n=item.n)
    return (
        '<li class="sw-statement">'
        f'<button type="button" class="sw-statement-open" data-ref="{item.n}" aria-label="{escape(label)}"'
        f' title="{escape(label)}">[{item.n}]</button> '
        f'<span class="sw-statement-quote">“{escape(collapse_ws(item.statement.quote))}”</span>'
        f'<span class="sw-where">{escape(where)}{era}</span>'
        "</li>"
    )


def _groups(items: Sequence[Numbered], with_actor: bool) -> str:
    """The items under a heading per (actor and) type, in the exports' order."""
    by_statement = {id(item.statement): item for item in items}
    words = wording()
    labels = role_actors()
    parts = []
    for actor, kind, statements in grouped([item.statement for item in items]):
        name = words.types[kind].name
        heading = f"{labels.get(actor, actor)}: {name}" if with_actor else name
        entries = "".join(_item(by_statement[id(s)]) for s in statements)
        parts.append(f'<h4 class="sw-statement-group">{escape(heading)} ({len(statements)})</h4><ol>{entries}</ol>')
    return "".join(parts)


def statements_html(title: str, items: Sequence[Numbered]) -> str:
    """The listed statements: a title ("Verantwoordelijkheden van de directie"), a count, then per type."""
    documents = len({item.statement.source for item in items})
    count = texts.ROLES_COUNT.format(n=len(items), documents=documents)
    single = len({(item.statement.actor, item.statement.type) for item in items}) == 1
    if single:
        body = f"<ol>{''.join(_item(item) for item in items)}</ol>"
    else:
        body = _groups(items, with_actor=len({item.statement.actor for item in items}) > 1)
    return (
        '<section class="sw-statements">'
        f'<h3>{escape(title)}</h3><p class="sw-count">{escape(count)}</p>{body}'
        "</section>"
    )


@dataclass(frozen=True)
class EraColumn:
    """One column of "Wat is er veranderd?": a regime, the documents it is read from, and its statements."""

    heading: str
    documents: list[str]
    names: list[str]
    items: list[Numbered]


def changes_html(actor_label: str, columns: Sequence[EraColumn]) -> str:
    """The eras side by side for one actor: per column its documents, the names used, the statements by type."""
    cells = []
    for column in columns:
        lines = []
        if column.documents:
            lines.append(texts.CHANGES_DOCUMENTS.format(documents=", ".join(column.documents)))
        if column.names:
            lines.append(texts.CHANGES_NAMED.format(names=", ".join(column.names)))
        about = "".join(f'<p class="sw-era-about">{escape(line)}</p>' for line in lines)
        body = (
            _groups(column.items, with_actor=False)
            if column.items
            else (f'<p class="sw-panel-empty">{escape(texts.CHANGES_EMPTY_ERA)}</p>')
        )
        cells.append(
            f'<div class="sw-era-column"><h3>{escape(column.heading)}</h3>{about}'
            f'<div class="sw-statements">{body}</div></div>'
        )
    return (
        f'<section class="sw-changes" aria-label="{escape(texts.ROLES_CHANGES_TAB)}: {escape(actor_label)}">'
        f'<div class="sw-era-grid">{"".join(cells)}</div></section>'
    )


def statement_source(item: Numbered) -> str:
    """The source panel for a statement, as the chat shows a citation; a heading gets a note first
    (its words stand in the section path, not in the passage, so there is nothing to highlight)."""
    if not item.statement.heading:
        return render_source(item.citation)
    note = f'<p class="sw-note">{escape(texts.ROLES_HEADING_NOTE)}</p>'
    return note + render_source(item.citation.model_copy(update={"quote": ""}))
