"""The 'Wie doet wat?' tab: filters, then two views of the roles map, each with a source panel.

- "Overzicht": the matrix of actors by type with counts. Clicking a count (or choosing an actor and
  a type) lists those statements; clicking a statement's number opens its passage in the panel, as
  a marker does in the chat. The listed statements can be downloaded as a Markdown checklist or CSV.
- "Wat is er veranderd?": one actor's statements side by side per era.

The filter choices and the matrix are filled by the page (webapp.ui) once the knowledge base is
ready and after every upload or removal (`RolesTab.show`). Downloads go to the folder `downloads`
names for the request (the session's own, webapp.access).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from kb.roles_export import wording
from steunwijs.dutch.roles import KINDS
from webapp import texts
from webapp.citation_panel import render_message
from webapp.handlers.roles import ALL_TYPES, Format, Listing, RolesHandler, RolesSelection
from webapp.layout import static_file
from webapp.roles_view import matrix_headers, matrix_rows

Downloads = Callable[[gr.Request], Path]


@dataclass(frozen=True)
class RolesTab:
    """What the page refreshes of this tab: the filters and the matrix."""

    show: Callable[[], tuple[Any, ...]]
    outputs: list[Any]


def _type_choices() -> list[tuple[str, str]]:
    names = wording().types
    return [(texts.ROLES_ALL_TYPES, ALL_TYPES), *((names[kind].name, kind) for kind in KINDS)]


def source_panel(elem_id: str, empty: str = texts.ROLES_PANEL_EMPTY) -> gr.HTML:
    """A source panel as the chat's (filled by render_source), scrolling to its highlighted quote."""
    return gr.HTML(
        render_message(empty),
        label=texts.SOURCE_PANEL_LABEL,
        show_label=True,
        container=True,
        padding=True,
        js_on_load=static_file("statement_panel.js").read_text(encoding="utf-8"),
        elem_id=elem_id,
        elem_classes=["sw-panel"],
    )


def statement_list(elem_id: str, message: str) -> gr.HTML:
    """A numbered list whose number buttons send "open_statement" (static/statement_list.js)."""
    return gr.HTML(
        render_message(message),
        js_on_load=static_file("statement_list.js").read_text(encoding="utf-8"),
        elem_id=elem_id,
        elem_classes=["sw-statement-list"],
    )


def build_roles_tab(roles: RolesHandler, downloads: Downloads) -> RolesTab:
    """The tab's components and events, inside the caller's `gr.Tab`."""
    filters = roles.filters()
    gr.Markdown(texts.ROLES_INTRO)
    with gr.Row():
        eras = gr.Dropdown(
            choices=filters.eras,
            value=[],
            multiselect=True,
            label=texts.ROLES_ERA_LABEL,
            info=texts.ROLES_FILTER_INFO,
            elem_id="sw-roles-era",
        )
        documents = gr.Dropdown(
            choices=filters.documents,
            value=[],
            multiselect=True,
            label=texts.ROLES_DOCUMENT_LABEL,
            info=texts.ROLES_FILTER_INFO,
            elem_id="sw-roles-document",
        )
    selection = gr.State(RolesSelection())
    changes_selection = gr.State(RolesSelection())
    with gr.Tabs():
        with gr.Tab(texts.ROLES_MAP_TAB, id="rollen-overzicht"):
            with gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=420):
                    matrix = gr.Dataframe(
                        value=matrix_rows([]),
                        headers=matrix_headers(),
                        label=texts.ROLES_MATRIX_LABEL,
                        column_widths=["32%", "17%", "17%", "17%", "17%"],
                        interactive=False,
                        max_height=640,
                        elem_id="sw-roles-matrix",
                    )
                    message = gr.Markdown(elem_id="sw-roles-message")
                    with gr.Row():
                        actor = gr.Dropdown(
                            choices=filters.actors, value=None, label=texts.ROLES_ACTOR_LABEL, elem_id="sw-roles-actor"
                        )
                        kind = gr.Dropdown(
                            choices=_type_choices(),
                            value=ALL_TYPES,
                            label=texts.ROLES_TYPE_LABEL,
                            elem_id="sw-roles-type",
                        )
                    listing = statement_list("sw-roles-list", texts.ROLES_CHOOSE)
                    with gr.Row():
                        export_markdown = gr.Button(
                            texts.ROLES_EXPORT_MARKDOWN, size="sm", elem_id="sw-roles-export-md"
                        )
                        export_csv = gr.Button(texts.ROLES_EXPORT_CSV, size="sm", elem_id="sw-roles-export-csv")
                    export_message = gr.Markdown(elem_id="sw-roles-export-message")
                    export_file = gr.File(
                        label=texts.ROLES_EXPORT_FILE, visible=False, interactive=False, elem_id="sw-roles-file"
                    )
                with gr.Column(scale=2, min_width=320, elem_classes=["sw-sticky"]):
                    statement = gr.Dropdown(
                        choices=[],
                        value=None,
                        label=texts.ROLES_STATEMENT_LABEL,
                        info=texts.ROLES_STATEMENT_INFO,
                        interactive=False,
                        elem_id="sw-roles-statement",
                    )
                    panel = source_panel("sw-roles-panel")
        with gr.Tab(texts.ROLES_CHANGES_TAB, id="rollen-veranderd"):
            gr.Markdown(texts.CHANGES_INTRO)
            with gr.Row():
                changes_actor = gr.Dropdown(
                    choices=filters.actors, value=None, label=texts.ROLES_ACTOR_LABEL, elem_id="sw-changes-actor"
                )
                changes_kind = gr.Dropdown(
                    choices=_type_choices(), value=ALL_TYPES, label=texts.ROLES_TYPE_LABEL, elem_id="sw-changes-type"
                )
            changes = statement_list("sw-changes", texts.CHANGES_CHOOSE)
            changes_panel = source_panel("sw-changes-panel")

    listed = [selection, listing, statement, panel, message]

    def show_listing(found: Listing) -> tuple[Any, ...]:
        """The values of `listed` for a listing (the panel waits for a statement to be chosen)."""
        return (
            found.selection,
            found.html,
            gr.update(choices=found.choices, value=None, interactive=bool(found.choices)),
            render_message(texts.ROLES_PANEL_EMPTY),
            found.message,
        )

    def relist(who: str | None, what: str | None, era: list[str], docs: list[str]) -> tuple[Any, ...]:
        return show_listing(roles.list_statements(who, what, era, docs))

    def open_cell(era: list[str], docs: list[str], event: gr.SelectData) -> tuple[Any, ...]:
        """A click in the matrix: its actor and type in the dropdowns, and their statements listed."""
        who, what = roles.cell(event.row_value, event.index[1])
        return who, what, *show_listing(roles.list_statements(who, what, era, docs))

    def refilter(who: str | None, what: str | None, era: list[str], docs: list[str]) -> tuple[Any, ...]:
        found = roles.matrix(era, docs)
        listed_now = roles.list_statements(who, what, era, docs)
        return found.rows, found.message, *show_listing(listed_now)[:-1]

    def show_changes(who: str | None, what: str | None, docs: list[str]) -> tuple[Any, ...]:
        found = roles.changes(who, what, docs)
        return found.selection, found.html, render_message(texts.ROLES_PANEL_EMPTY)

    def export(output: Format) -> Callable[[RolesSelection, gr.Request], tuple[Any, str]]:
        def run(chosen: RolesSelection, request: gr.Request) -> tuple[Any, str]:
            path, said = roles.export(chosen, output, downloads(request))
            return gr.update(value=path, visible=path is not None), said

        return run

    matrix.select(open_cell, [eras, documents], [actor, kind, *listed])
    for dropdown in (actor, kind):
        dropdown.input(relist, [actor, kind, eras, documents], listed)
    for dropdown in (eras, documents):
        dropdown.input(refilter, [actor, kind, eras, documents], [matrix, message, *listed[:-1]])
    documents.input(show_changes, [changes_actor, changes_kind, documents], [changes_selection, changes, changes_panel])
    for dropdown in (changes_actor, changes_kind):
        dropdown.input(
            show_changes, [changes_actor, changes_kind, documents], [changes_selection, changes, changes_panel]
        )

    def open_clicked(chosen: RolesSelection, event: gr.EventData) -> str:
        """A statement's number clicked in a list (static/statement_list.js sends it as `ref`)."""
        return roles.open_statement(str(event.ref), chosen)

    listing.open_statement(open_clicked, [selection], [panel])  # type: ignore[attr-defined]
    statement.input(roles.open_statement, [statement, selection], [panel])
    changes.open_statement(open_clicked, [changes_selection], [changes_panel])  # type: ignore[attr-defined]
    export_markdown.click(export("markdown"), [selection], [export_file, export_message])
    export_csv.click(export("csv"), [selection], [export_file, export_message])

    def show() -> tuple[Any, ...]:
        """Fresh filter choices (cleared) and the whole map's matrix."""
        now = roles.filters()
        found = roles.matrix(None, None)
        return (
            gr.update(choices=now.eras, value=[]),
            gr.update(choices=now.documents, value=[]),
            found.rows,
            now.message or found.message,
        )

    return RolesTab(show, [eras, documents, matrix, message])
