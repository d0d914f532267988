"""The 'Vraag het' tab: persona, chat, feedback and export on the left; examples and sources on the right.

The chat is a `gr.ChatInterface` (streaming, stop, retry, undo, clear come with it) with the persona
and the session as extra inputs and the source panel and sources dropdown as extra outputs. The
source panel is a `gr.HTML` whose `js_on_load` (static/marker_hook.js) turns clicks on marker links
in the chat into its `open_source` event.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from steunwijs.settings import PERSONAS
from webapp import texts
from webapp.access import EditorAccess
from webapp.citation_panel import render_message
from webapp.handlers.chat import ChatHandler
from webapp.handlers.feedback import FeedbackHandler
from webapp.layout import static_file
from webapp.session import ChatSession

EXAMPLE_SLOTS = max(len(p.questions) for p in texts.personas().values())
FOCUS_QUESTION_JS = "() => { document.querySelector('#sw-question textarea')?.focus(); }"


def _example_slots(persona: str) -> list[tuple[str, bool]]:
    """(question, visible) for each example button: the persona's questions, then hidden blanks."""
    questions = texts.personas()[persona].questions
    return [(questions[i], True) if i < len(questions) else ("", False) for i in range(EXAMPLE_SLOTS)]


def _example_buttons(persona: str) -> list[dict[str, Any]]:
    return [gr.update(value=value, visible=visible) for value, visible in _example_slots(persona)]


def build_ask_tab(chat: ChatHandler, feedback: FeedbackHandler, access: EditorAccess, retention_days: int) -> None:
    """The tab's components and events, inside the caller's `gr.Tab`; downloads go to the session's own
    folder (`access.downloads`)."""
    session = gr.State(ChatSession())
    personas = texts.personas()
    default_persona = PERSONAS[0]
    panel = gr.HTML(
        render_message(texts.SOURCE_PANEL_EMPTY),
        label=texts.SOURCE_PANEL_LABEL,
        show_label=True,
        container=True,
        padding=True,
        js_on_load=static_file("marker_hook.js").read_text(encoding="utf-8"),
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
                choices=[(p.label, key) for key, p in personas.items()],
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
                chat.respond,
                chatbot=chatbot,
                textbox=textbox,
                additional_inputs=[persona, session],
                additional_outputs=[session, panel, sources],
                fill_height=False,
                api_name="vraag",
            )
            feedback_status = gr.Markdown(texts.FEEDBACK_HELP, elem_id="sw-feedback-status")
            gr.Markdown(texts.FEEDBACK_PRIVACY.format(days=retention_days), elem_id="sw-feedback-privacy")
            comment = gr.Textbox(label=texts.COMMENT_LABEL, placeholder=texts.COMMENT_PLACEHOLDER, elem_id="sw-comment")
            with gr.Row():
                save_comment = gr.Button(texts.COMMENT_SAVE, size="sm", elem_id="sw-comment-save")
                export = gr.Button(texts.EXPORT_CHAT, size="sm", elem_id="sw-export-chat")
            export_file = gr.File(label=texts.EXPORT_CHAT_FILE, visible=False, interactive=False)
        with gr.Column(scale=2, min_width=320):
            gr.Markdown(f"**{texts.EXAMPLES_LABEL}**")
            examples = [
                gr.Button(value=value, visible=visible, size="sm", variant="secondary", elem_classes=["sw-example"])
                for value, visible in _example_slots(default_persona)
            ]
            sources.render()
            panel.render()

    persona.change(_example_buttons, [persona], examples)
    for button in examples:
        button.click(lambda question: question, [button], [textbox]).then(None, js=FOCUS_QUESTION_JS)
    panel.open_source(chat.open_marker, [session], [panel, sources])  # type: ignore[attr-defined]
    sources.input(chat.open_source, [sources, session], [panel])
    # ChatInterface blanks the placeholder while it answers and does not put it back
    chatbot.change(
        lambda: gr.update(placeholder=texts.QUESTION_PLACEHOLDER),
        None,
        [textbox],
        queue=False,
        show_progress="hidden",
        trigger_mode="always_last",
    )
    chatbot.like(feedback.rate, [chatbot, session], [session, feedback_status])
    chatbot.clear(
        lambda: (render_message(texts.SOURCE_PANEL_EMPTY), gr.update(choices=[], value=None, interactive=False)),
        None,
        [panel, sources],
    )
    save_comment.click(feedback.save_comment, [comment, session], [comment, feedback_status])
    comment.submit(feedback.save_comment, [comment, session], [comment, feedback_status])

    def export_conversation(
        history: list[dict[str, Any]], state: ChatSession, request: gr.Request
    ) -> tuple[dict[str, Any], str]:
        path, message = feedback.export_conversation(history, state, access.downloads(request))
        return gr.update(value=path, visible=path is not None), message or texts.FEEDBACK_HELP

    export.click(export_conversation, [chatbot, session], [export_file, feedback_status])
