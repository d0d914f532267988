"""The 'Begrippen' tab: a search box, the matching terms (each with its sentence and place), a source panel.

The list and the panel are the roles tab's (webapp/layout/roles.py): a click on a term's number
(or Enter on it) opens its sentence's passage in the panel, highlighted. The page fills the whole
list once the knowledge base is ready and after every upload or removal (`GlossaryTab.show`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr

from webapp import texts
from webapp.citation_panel import render_message
from webapp.handlers.glossary import GlossaryHandler, GlossaryListing, GlossarySelection
from webapp.layout.roles import source_panel, statement_list


@dataclass(frozen=True)
class GlossaryTab:
    """What the page refreshes of this tab: the search box (cleared) and the whole list."""

    show: Callable[[], tuple[Any, ...]]
    outputs: list[Any]


def build_glossary_tab(glossary: GlossaryHandler) -> GlossaryTab:
    """The tab's components and events, inside the caller's `gr.Tab`."""
    gr.Markdown(texts.GLOSSARY_INTRO)
    selection = gr.State(GlossarySelection())
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=420):
            search = gr.Textbox(
                label=texts.GLOSSARY_SEARCH_LABEL,
                placeholder=texts.GLOSSARY_SEARCH_PLACEHOLDER,
                max_lines=1,
                elem_id="sw-glossary-search",
            )
            listing = statement_list("sw-glossary-list", texts.NOT_READY)
        with gr.Column(scale=2, min_width=320, elem_classes=["sw-sticky"]):
            panel = source_panel("sw-glossary-panel", texts.GLOSSARY_PANEL_EMPTY)

    def shown(found: GlossaryListing) -> tuple[Any, ...]:
        return found.selection, found.html, render_message(texts.GLOSSARY_PANEL_EMPTY)

    def find(text: str) -> tuple[Any, ...]:
        return shown(glossary.search(text))

    def open_clicked(chosen: GlossarySelection, event: gr.EventData) -> str:
        """A term's number clicked (static/statement_list.js sends it as `ref`)."""
        return glossary.open_entry(str(event.ref), chosen)

    for event in (search.submit, search.input):
        event(find, [search], [selection, listing, panel], show_progress="hidden", trigger_mode="always_last")
    listing.open_statement(open_clicked, [selection], [panel])  # type: ignore[attr-defined]

    def show() -> tuple[Any, ...]:
        return "", *shown(glossary.search(""))

    return GlossaryTab(show, [search, selection, listing, panel])
