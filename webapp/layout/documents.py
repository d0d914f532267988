"""The 'Documenten' tab: the documents table, browsing a document, upload and removal.

The table and the dropdowns are filled by the page (webapp.ui) when it loads, once the knowledge
base is ready and after every upload or removal, from one `DocumentsHandler.listing()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr
from gradio.events import Dependency

from webapp import texts
from webapp.access import EditorAccess
from webapp.citation_panel import render_message
from webapp.handlers.documents import UPLOAD_SUFFIXES, DocumentsHandler, Listing


@dataclass(frozen=True)
class DocumentsTab:
    """What the rest of the page needs from the documents tab: what to refresh, and when."""

    table: gr.Dataframe
    browse_doc: gr.Dropdown
    remove_doc: gr.Dropdown
    message: gr.Markdown
    uploaded: Dependency  # the event chain of an upload, to refresh the page after it
    removed: Dependency
    editor_controls: list[Any]  # what only an editor may use (webapp.access), in a writable data folder

    @property
    def outputs(self) -> list[Any]:
        """The components `show` fills, in its order."""
        return [self.table, self.browse_doc, self.remove_doc, self.message]

    @staticmethod
    def show(listing: Listing) -> tuple[Any, ...]:
        """The values of `outputs` for a listing of the knowledge base."""
        return listing.rows, gr.update(choices=listing.choices), gr.update(choices=listing.choices), listing.message


def build_documents_tab(documents: DocumentsHandler, access: EditorAccess, writes_on: bool) -> DocumentsTab:
    """The tab's components and events, inside the caller's `gr.Tab`.

    Upload and removal run for editors only (`access.editors_only`, on the server); their buttons
    start enabled only when `writes_on` (local mode in a writable data folder), else a login or
    nothing enables them.
    """
    gr.Markdown(texts.DOCS_INTRO)
    message = gr.Markdown(elem_id="sw-documents-message")
    table = gr.Dataframe(
        headers=texts.DOCS_COLUMNS,
        column_widths=["31%", "19%", "6%", "13%", "15%", "9%", "7%"],
        label=texts.DOCS_TABLE_LABEL,
        interactive=False,
        wrap=True,
        elem_id="sw-documents",
    )
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            gr.Markdown(f"### {texts.BROWSE_HEADING}")
            with gr.Row():
                browse_doc = gr.Dropdown(choices=[], value=None, label=texts.BROWSE_DOC_LABEL, elem_id="sw-browse-doc")
                browse_section = gr.Dropdown(
                    choices=[], value=None, label=texts.BROWSE_SECTION_LABEL, elem_id="sw-browse-section"
                )
            passages = gr.HTML(
                render_message(texts.BROWSE_EMPTY), js_on_load=None, max_height=640, elem_id="sw-browse-passages"
            )
        with gr.Column(scale=2):
            gr.Markdown(f"### {texts.UPLOAD_HEADING}")
            upload_files = gr.File(
                label=texts.UPLOAD_LABEL,
                file_count="multiple",
                file_types=list(UPLOAD_SUFFIXES),
                type="filepath",
                elem_id="sw-upload",
            )
            upload_button = gr.Button(
                texts.UPLOAD_BUTTON, variant="primary", interactive=writes_on, elem_id="sw-upload-button"
            )
            upload_message = gr.Markdown(elem_id="sw-upload-message")
            gr.Markdown(f"### {texts.REMOVE_HEADING}")
            remove_doc = gr.Dropdown(choices=[], value=None, label=texts.REMOVE_LABEL, elem_id="sw-remove-doc")
            remove_button = gr.Button(
                texts.REMOVE_BUTTON, variant="stop", interactive=writes_on, elem_id="sw-remove-button"
            )
            remove_message = gr.Markdown(elem_id="sw-remove-message")

    browse_doc.input(documents.open_document, [browse_doc], [browse_section, passages])
    browse_section.input(documents.browse, [browse_doc, browse_section], [passages])
    refused = access.editors_only(lambda message: message)
    uploaded = upload_button.click(
        refused(documents.upload), [upload_files], [upload_message], api_name="upload"
    ).then(lambda: None, None, [upload_files])
    removed = remove_button.click(refused(documents.remove), [remove_doc], [remove_message], api_name="remove")
    return DocumentsTab(table, browse_doc, remove_doc, message, uploaded, removed, [upload_button, remove_button])
