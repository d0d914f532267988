"""The 'Wie doet wat?' tab: the roles map as a matrix, the statements of a cell, the eras side by side, exports.

Everything is read through `KnowledgeBase.statements` (the map stored with the index generation,
with its filters) and placed through `KnowledgeBase.cite`, the same calls as `steunwijs rollen`;
the exports are kb/roles_export.py's Markdown checklist and CSV, written with the app's one
download writer (webapp.handout.write_download). So the tab, the CLI and the files say the same.

What a browser tab listed last is kept in its `RolesSelection` (a gr.State): the numbers on the
page, the source panel and the export all refer to exactly those statements.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from assistant.eras import regime_of, regimes
from kb.knowledge_base import KnowledgeBase
from kb.roles import Statement, actor_names
from kb.roles_export import title as roles_title
from kb.roles_export import to_csv, to_markdown, wording
from steunwijs.dutch.actors import role_actors
from steunwijs.dutch.roles import KINDS
from steunwijs.errors import SteunwijsError
from steunwijs.settings import Settings
from steunwijs.types import DocumentMeta
from webapp import texts
from webapp.citation_panel import render_message
from webapp.errors import shows_errors, user_message
from webapp.handout import write_download
from webapp.roles_view import EraColumn, Numbered, changes_html, matrix_rows, statement_source, statements_html
from webapp.startup import Startup

log = logging.getLogger(__name__)

Format = Literal["markdown", "csv"]
SUFFIXES: dict[Format, str] = {"markdown": ".md", "csv": ".csv"}
ALL_TYPES = "alle"
"""The type choice that lists every type of an actor (the matrix's actor and total columns)."""


@dataclass
class RolesSelection:
    """The statements a browser tab was last shown (numbered from 1 in this order), and their title."""

    statements: list[Statement] = field(default_factory=list)
    title: str = ""


@dataclass(frozen=True)
class Filters:
    """The tab's filter choices, filled from the knowledge base: (label, value) pairs."""

    actors: list[tuple[str, str]]
    eras: list[tuple[str, str]]
    documents: list[tuple[str, str]]
    message: str = ""


@dataclass(frozen=True)
class Matrix:
    """The matrix's rows (actor label, a count per type, total) and a message ('' when there are statements)."""

    rows: list[list[str | int]]
    message: str


@dataclass(frozen=True)
class Listing:
    """What the page shows for a selection: the statements' HTML, the statement choices, a message."""

    selection: RolesSelection
    html: str
    choices: list[tuple[str, str]]
    message: str


def _types(kind: str | None) -> list[str] | None:
    """The type filter for a type choice: None (all types) for ALL_TYPES or nothing chosen."""
    return None if not kind or kind == ALL_TYPES else [kind]


def _values(chosen: Sequence[str] | str | None) -> list[str] | None:
    """A dropdown's value as a filter: None for nothing chosen (Gradio gives None, '' or [])."""
    if not chosen:
        return None
    return [chosen] if isinstance(chosen, str) else [v for v in chosen if v] or None


def actor_of_label(label: str) -> str | None:
    """The actor a matrix row names ('Directie' -> 'directie'); None for anything else."""
    return next((actor for actor, shown in role_actors().items() if shown == label), None)


def _regime_order(era: str | None, year: int | None = None) -> int:
    """The position of an era's regime, oldest first; after all of them when it names none."""
    regime = regime_of(era, year)
    return regimes().index(regime) if regime else len(regimes())


ARTICLES = ("de ", "het ", "een ")
NAMES_SHOWN = 6


def names_used(statements: Sequence[Statement]) -> list[str]:
    """The words the documents name the actor with, most used first ('ondersteuner', 'co-teacher'):
    without articles, a plural folded into its singular when both occur, at most NAMES_SHOWN."""
    counts: dict[str, int] = {}
    for statement in statements:
        name = statement.named.lower().strip()
        for article in ARTICLES:
            name = name.removeprefix(article)
        if name:
            counts[name] = counts.get(name, 0) + 1
    for name in sorted(counts, key=len, reverse=True):
        singular = next(
            (name[: -len(end)] for end in ("s", "en") if name.endswith(end) and name[: -len(end)] in counts), None
        )
        if singular:
            counts[singular] += counts.pop(name)
    return sorted(counts, key=lambda name: (-counts[name], name))[:NAMES_SHOWN]


def _document_name(doc: DocumentMeta) -> str:
    """'Evaluatie pre-waarborgregeling (2016)': the short title, with the year when it lacks one."""
    name = doc.short_title or doc.title
    return name if doc.year is None or str(doc.year) in name else f"{name} ({doc.year})"


class RolesHandler:
    """The roles map of the knowledge base the start-up opened."""

    def __init__(self, settings: Settings, startup: Startup) -> None:
        self.settings = settings
        self.startup = startup

    def _kb(self) -> KnowledgeBase:
        return self.startup.knowledge_base()

    def filters(self) -> Filters:
        """The actor, era (oldest regime first) and document choices of the map as it is now."""
        labels = role_actors()
        actors = [(labels[a], a) for a in actor_names()]
        try:
            kb = self._kb()
            statements = kb.statements()
            documents = kb.documents()
        except SteunwijsError as error:
            return Filters(actors, [], [], user_message(error))
        eras = sorted({s.era for s in statements if s.era}, key=lambda era: (_regime_order(era), era))
        choices = [(f"{d.doc.short_title} ({d.doc.source})", d.doc.source) for d in documents]
        return Filters(actors, [(era, era) for era in eras], choices)

    @shows_errors(lambda message: Matrix(matrix_rows([]), message))
    def matrix(self, eras: Sequence[str] | None, documents: Sequence[str] | None) -> Matrix:
        """Counts per actor and type of the statements that pass the era and document filters."""
        statements = self._kb().statements(eras=_values(eras), documents=_values(documents))
        return Matrix(matrix_rows(statements), "" if statements else texts.ROLES_EMPTY)

    @staticmethod
    def cell(row: Sequence[str | int] | None, column: int) -> tuple[str | None, str]:
        """(actor, type) a clicked matrix cell stands for: its row's actor; the column's type, or
        ALL_TYPES for the actor's name and the total."""
        actor = actor_of_label(str(row[0])) if row else None
        kind = KINDS[column - 1] if 1 <= column <= len(KINDS) else ALL_TYPES
        return actor, kind

    def _numbered(self, kb: KnowledgeBase, statements: Sequence[Statement]) -> list[Numbered]:
        return [Numbered(n, s, kb.cite(s, n)) for n, s in enumerate(statements, start=1)]

    @shows_errors(lambda message: Listing(RolesSelection(), render_message(message), [], message))
    def list_statements(
        self,
        actor: str | None,
        kind: str | None,
        eras: Sequence[str] | None,
        documents: Sequence[str] | None,
    ) -> Listing:
        """The statements of one actor (of one type, or all for ALL_TYPES), within the filters."""
        if not actor:
            return Listing(RolesSelection(), render_message(texts.ROLES_CHOOSE), [], "")
        kb = self._kb()
        statements = kb.statements(actors=[actor], types=_types(kind), eras=_values(eras), documents=_values(documents))
        if not statements:
            return Listing(RolesSelection(), render_message(texts.ROLES_EMPTY), [], texts.ROLES_EMPTY)
        statements = sorted(statements, key=lambda s: KINDS.index(s.type))  # as listed: by type, reading order
        items = self._numbered(kb, statements)
        title = (
            roles_title(statements) if _types(kind) else texts.ROLES_ACTOR_TITLE.format(actor=wording().actors[actor])
        )
        choices = [(f"[{i.n}] {i.statement.quote[:90]}", str(i.n)) for i in items]
        return Listing(RolesSelection(list(statements), title), statements_html(title, items), choices, "")

    @shows_errors(lambda message: Listing(RolesSelection(), render_message(message), [], message))
    def changes(self, actor: str | None, kind: str | None, documents: Sequence[str] | None) -> Listing:
        """One actor's statements side by side per regime, oldest first (the document filter applies;
        the era filter does not: the eras are the columns)."""
        if not actor:
            return Listing(RolesSelection(), render_message(texts.CHANGES_CHOOSE), [], "")
        kb = self._kb()
        statements = kb.statements(actors=[actor], types=_types(kind), documents=_values(documents))
        if not statements:
            return Listing(RolesSelection(), render_message(texts.ROLES_EMPTY), [], texts.ROLES_EMPTY)

        def order(statement: Statement) -> int:
            return _regime_order(statement.era, statement.year)

        # as the columns list them (so the numbers run down each column): by regime, type, reading order
        ordered = sorted(statements, key=lambda s: (order(s), KINDS.index(s.type)))
        items = self._numbered(kb, ordered)
        columns = []
        for position, regime in enumerate([*regimes(), None]):
            in_column = [i for i in items if order(i.statement) == position]
            if regime is None and not in_column:
                continue
            heading = f"{regime.tag} ({regime.period})" if regime else texts.CHANGES_UNKNOWN_ERA
            docs = {i.statement.source: i.citation.passage.doc for i in in_column}
            listed = [_document_name(d) for d in docs.values()]
            columns.append(EraColumn(heading, listed, names_used([i.statement for i in in_column]), in_column))
        label = role_actors()[actor]
        return Listing(RolesSelection(ordered, label), changes_html(label, columns), [], "")

    def open_statement(self, ref: str | None, selection: RolesSelection) -> str:
        """The source panel for statement `ref` ('3') of the selection the page shows."""
        try:
            n = int(str(ref))
            if not 1 <= n <= len(selection.statements):
                raise IndexError(n)
            statement = selection.statements[n - 1]
            return statement_source(Numbered(n, statement, self._kb().cite(statement, n)))
        except (ValueError, IndexError, KeyError) as error:
            log.info("statement %r is not in this selection or its passage is gone: %r", ref, error)
            return render_message(texts.ROLES_SOURCE_GONE)
        except SteunwijsError as error:
            return render_message(user_message(error))

    @shows_errors(lambda message: (None, message))
    def export(self, selection: RolesSelection, output: Format, folder: Path) -> tuple[str | None, str]:
        """The listed statements as a Markdown checklist or CSV file in `folder` (the session's download
        folder, webapp.access); returns (path or None, message)."""
        if not selection.statements:
            return None, texts.ROLES_EXPORT_EMPTY
        kb = self._kb()
        writer = to_markdown if output == "markdown" else to_csv
        text = writer(selection.statements, lambda s: kb.cite(s).where())
        path = write_download(text, folder, "rollen", SUFFIXES[output], datetime.now())
        return str(path), texts.ROLES_EXPORT_DONE.format(title=selection.title, n=len(selection.statements))
