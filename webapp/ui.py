"""The layout of the web app: four tabs wired to the handlers, and `serve` to start it.

Nothing here decides anything: every event calls a method of `webapp.handlers.Handlers`. The chat
is a `gr.ChatInterface` (streaming, stop, retry, undo, clear come with it) with the persona and the
session as extra inputs and the source panel as extra output. The source panel is a `gr.HTML`
whose `js_on_load` (static/marker_hook.js) turns clicks on marker links in the chat into its
`open_source` event.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr
from gradio.events import Dependency

from steunwijs.settings import PERSONAS, Settings
from webapp import texts
from webapp.citation_panel import render_message
from webapp.handlers import UPLOAD_SUFFIXES, ChatSession, Handlers
from webapp.startup import Startup

log = logging.getLogger(__name__)

# System fonts: the page must not fetch fonts from the internet (privacy in schools, offline use).
THEME = gr.themes.Soft(
    primary_hue="blue",
    secondary_hue="slate",
    font=["system-ui", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
)
EXAMPLE_SLOTS = max(len(p.questions) for p in texts.personas().values())
FOCUS_QUESTION_JS = "() => { document.querySelector('#sw-question textarea')?.focus(); }"


@dataclass(frozen=True)
class DocumentsTab:
    """What the rest of the page needs from the documents tab: what to refresh, and when."""

    table: gr.Dataframe
    browse_doc: gr.Dropdown
    remove_doc: gr.Dropdown
    uploaded: Dependency  # the event chain of an upload, to refresh the page after it
    removed: Dependency


@dataclass(frozen=True)
class EvalTab:
    """The report part of the evaluation tab, to fill when the page loads."""

    show: Callable[[], tuple[Any, ...]]
    outputs: list[Any]


def _example_buttons(persona: str) -> list[dict[str, Any]]:
    questions = texts.personas()[persona].questions
    return [
        gr.update(value=questions[i] if i < len(questions) else "", visible=i < len(questions))
        for i in range(EXAMPLE_SLOTS)
    ]


def _build_ask_tab(handlers: Handlers) -> None:
    """The 'Vraag het' tab: persona, chat, feedback and export on the left; examples and sources on the right."""
    session = gr.State(ChatSession())
    personas = texts.personas()
    default_persona = PERSONAS[0]
    panel = gr.HTML(
        render_message(texts.SOURCE_PANEL_EMPTY),
        label=texts.SOURCE_PANEL_LABEL,
        show_label=True,
        container=True,
        padding=True,
        js_on_load=texts.static_file("marker_hook.js").read_text(encoding="utf-8"),
        elem_id="sw-source-panel",
        elem_classes=["sw-panel"],
        render=False,
    )
    sources = gr.Dropdown(
        choices=[],
        value=None,
        label=texts.SOURCES_LABEL,
        info=texts.SOURCES_INFO,
        interactive=False,
        elem_id="sw-sources",
        render=False,
    )
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=420):
            # rendered before the ChatInterface, which would otherwise put it in an accordion of its own
            persona = gr.Radio(
                choices=[(p.label, p.key) for p in personas.values()],
                value=default_persona,
                label=texts.PERSONA_LABEL,
                info=texts.PERSONA_INFO,
                elem_id="sw-persona",
            )
            chatbot = gr.Chatbot(
                label=texts.CHAT_LABEL,
                show_label=False,
                height=560,
                placeholder=texts.page_text("intro"),
                elem_id="sw-chat",
                buttons=["copy", "copy_all"],
            )
            textbox = gr.Textbox(
                label=texts.QUESTION_LABEL,
                placeholder=texts.QUESTION_PLACEHOLDER,
                lines=1,
                max_lines=6,
                submit_btn=texts.SEND,
                stop_btn=texts.STOP,
                autofocus=True,
                elem_id="sw-question",
            )
            gr.ChatInterface(
                handlers.respond,
                chatbot=chatbot,
                textbox=textbox,
                additional_inputs=[persona, session],
                additional_outputs=[session, panel, sources],
                fill_height=False,
                api_name="vraag",
            )
            feedback_status = gr.Markdown(texts.FEEDBACK_HELP, elem_id="sw-feedback-status")
            comment = gr.Textbox(
                label=texts.COMMENT_LABEL, placeholder=texts.COMMENT_PLACEHOLDER, elem_id="sw-comment"
            )
            with gr.Row():
                save_comment = gr.Button(texts.COMMENT_SAVE, size="sm", elem_id="sw-comment-save")
                export = gr.Button(texts.EXPORT_CHAT, size="sm", elem_id="sw-export-chat")
            export_file = gr.File(label=texts.EXPORT_CHAT_FILE, visible=False, interactive=False)
        with gr.Column(scale=2, min_width=320):
            gr.Markdown(f"**{texts.EXAMPLES_LABEL}**")
            first = personas[default_persona].questions
            examples = [
                gr.Button(
                    value=first[i] if i < len(first) else "",
                    visible=i < len(first),
                    size="sm",
                    variant="secondary",
                    elem_classes=["sw-example"],
                )
                for i in range(EXAMPLE_SLOTS)
            ]
            sources.render()
            panel.render()

    persona.change(_example_buttons, [persona], examples)
    for button in examples:
        button.click(lambda question: question, [button], [textbox]).then(None, js=FOCUS_QUESTION_JS)
    panel.open_source(handlers.open_marker, [session], [panel, sources])  # type: ignore[attr-defined]
    sources.input(handlers.open_source, [sources, session], [panel])
    # ChatInterface blanks the placeholder while it answers and does not put it back
    chatbot.change(
        lambda: gr.update(placeholder=texts.QUESTION_PLACEHOLDER),
        None,
        [textbox],
        queue=False,
        show_progress="hidden",
        trigger_mode="always_last",
    )
    chatbot.like(handlers.rate, [chatbot, session], [session, feedback_status])
    chatbot.clear(
        lambda: (render_message(texts.SOURCE_PANEL_EMPTY), gr.update(choices=[], value=None, interactive=False)),
        None,
        [panel, sources],
    )
    save_comment.click(handlers.save_comment, [comment, session], [comment, feedback_status])
    comment.submit(handlers.save_comment, [comment, session], [comment, feedback_status])

    def export_conversation(history: list[dict[str, Any]], state: ChatSession) -> tuple[dict[str, Any], str]:
        path, message = handlers.export_conversation(history, state)
        return gr.update(value=path, visible=path is not None), message or texts.FEEDBACK_HELP

    export.click(export_conversation, [chatbot, session], [export_file, feedback_status])


def build_app(handlers: Handlers) -> gr.Blocks:
    """The whole app for one Handlers (so tests can build it over a temp data folder)."""
    with gr.Blocks(title=texts.APP_TITLE, fill_width=False) as demo:
        gr.HTML(
            f'<div class="sw-header"><h1>{texts.APP_TITLE}</h1><p>{texts.APP_SUBTITLE}</p></div>',
            js_on_load=None,
        )
        status = gr.HTML(handlers.status_html, js_on_load=None, elem_id="sw-status")
        timer = gr.Timer(1.0)
        with gr.Tabs():
            with gr.Tab(texts.TAB_ASK, id="vraag"):
                _build_ask_tab(handlers)
            with gr.Tab(texts.TAB_DOCUMENTS, id="documenten"):
                documents = _build_documents_tab(handlers)
            with gr.Tab(texts.TAB_EVAL, id="evaluatie"):
                evaluation = _build_eval_tab(handlers)
            with gr.Tab(texts.TAB_ABOUT, id="over"):
                about = gr.Markdown(handlers.about_markdown, elem_id="sw-about")

        def refresh() -> tuple[Any, ...]:
            choices = handlers.document_choices()
            return (
                handlers.documents_rows(),
                gr.update(choices=choices),
                gr.update(choices=choices),
                handlers.about_markdown(),
            )

        refresh_outputs = [documents.table, documents.browse_doc, documents.remove_doc, about]

        def tick() -> tuple[Any, ...]:
            """Until the knowledge base is ready: update the banner; then fill the pages once and stop."""
            if not handlers.startup.status().ready:
                return handlers.status_html(), gr.skip(), *[gr.skip()] * len(refresh_outputs)
            return handlers.status_html(), gr.Timer(active=False), *refresh()

        timer.tick(tick, None, [status, timer, *refresh_outputs], show_progress="hidden")
        demo.load(refresh, None, refresh_outputs)
        demo.load(evaluation.show, None, evaluation.outputs)
        for event in (documents.uploaded, documents.removed):
            event.then(refresh, None, refresh_outputs)
    return demo


def _build_documents_tab(handlers: Handlers) -> DocumentsTab:
    gr.Markdown(texts.DOCS_INTRO)
    table = gr.Dataframe(
        value=handlers.documents_rows,
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
            upload_button = gr.Button(texts.UPLOAD_BUTTON, variant="primary", elem_id="sw-upload-button")
            upload_message = gr.Markdown(elem_id="sw-upload-message")
            gr.Markdown(f"### {texts.REMOVE_HEADING}")
            remove_doc = gr.Dropdown(choices=[], value=None, label=texts.REMOVE_LABEL, elem_id="sw-remove-doc")
            remove_button = gr.Button(texts.REMOVE_BUTTON, variant="stop", elem_id="sw-remove-button")
            remove_message = gr.Markdown(elem_id="sw-remove-message")

    browse_doc.input(handlers.section_choices, [browse_doc], [browse_section]).then(
        handlers.browse, [browse_doc, browse_section], [passages]
    )
    browse_section.input(handlers.browse, [browse_doc, browse_section], [passages])
    uploaded = upload_button.click(handlers.upload, [upload_files], [upload_message]).then(
        lambda: None, None, [upload_files]
    )
    removed = remove_button.click(handlers.remove, [remove_doc], [remove_message])
    return DocumentsTab(table, browse_doc, remove_doc, uploaded, removed)


def _build_eval_tab(handlers: Handlers) -> EvalTab:
    """The 'Evaluatie' tab: the latest report, a button for the fast set, and the users' feedback."""
    gr.Markdown(texts.EVAL_INTRO)
    run = gr.Button(texts.EVAL_RUN, variant="primary", elem_id="sw-eval-run")
    run_message = gr.Markdown(elem_id="sw-eval-message")
    info = gr.Markdown(elem_id="sw-eval-info")
    metrics = gr.Dataframe(
        headers=texts.EVAL_COLUMNS,
        label=texts.EVAL_METRICS_LABEL,
        visible=False,
        interactive=False,
        wrap=True,
        elem_id="sw-eval-metrics",
    )
    plots = gr.Gallery(
        label=texts.EVAL_PLOTS_LABEL,
        columns=2,
        height=460,
        object_fit="contain",
        visible=False,
        elem_id="sw-eval-plots",
    )
    with gr.Accordion(texts.FEEDBACK_HEADING, open=False):
        feedback_count = gr.Markdown(handlers.feedback_summary)
        feedback_export = gr.Button(texts.FEEDBACK_EXPORT, elem_id="sw-feedback-export")
        feedback_file = gr.File(label=texts.FEEDBACK_EXPORT_FILE, visible=False, interactive=False)

    def show_report() -> tuple[Any, ...]:
        report = handlers.latest_eval()
        return (
            report.info,
            gr.update(value={"headers": report.headers, "data": report.rows}, visible=bool(report.rows)),
            gr.update(value=report.plots, visible=bool(report.plots)),
        )

    run.click(lambda: texts.EVAL_RUNNING, None, [run_message], queue=False).then(
        handlers.run_fast_eval, None, [run_message]
    ).then(show_report, None, [info, metrics, plots])
    feedback_export.click(
        lambda: (gr.update(value=handlers.export_feedback(), visible=True), handlers.feedback_summary()),
        None,
        [feedback_file, feedback_count],
    )
    return EvalTab(show_report, [info, metrics, plots])


def serve(settings: Settings) -> None:
    """Start the app on settings.host:settings.port (blocks); the knowledge base opens, or is first
    filled with the default corpus, in the background while the page already shows its progress."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
        logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request to itself otherwise
    startup = Startup(settings)
    startup.start()
    handlers = Handlers(settings, startup)
    demo = build_app(handlers)
    demo.queue()
    handlers.exports_dir.mkdir(parents=True, exist_ok=True)
    settings.eval_dir.mkdir(parents=True, exist_ok=True)
    log.info("Steunwijs op http://%s:%s (data: %s)", settings.host, settings.port, settings.data_dir)
    demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        theme=THEME,
        css_paths=[texts.static_file("app.css")],
        allowed_paths=[str(handlers.exports_dir), str(settings.eval_dir)],
        max_file_size=f"{settings.max_upload_mb}mb",
        footer_links=["gradio", "settings"],
        show_error=True,
    )
