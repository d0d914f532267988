"""The 'Sessie voorbereiden' tab: a theme in, a session sheet out (a preview and two downloads).

Downloads go to the folder `downloads` names for the request (the session's own, webapp.access),
as the roles tab's do.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from webapp import texts
from webapp.handlers.session import SessionHandler

Downloads = Callable[[gr.Request], Path]


def build_session_tab(session: SessionHandler, downloads: Downloads) -> None:
    """The tab's components and events, inside the caller's `gr.Tab`."""
    gr.Markdown(texts.SESSION_INTRO)
    with gr.Row():
        theme = gr.Textbox(
            label=texts.SESSION_THEME_LABEL,
            placeholder=texts.SESSION_THEME_PLACEHOLDER,
            max_lines=1,
            scale=4,
            elem_id="sw-session-theme",
        )
        build = gr.Button(texts.SESSION_BUILD, variant="primary", scale=1, elem_id="sw-session-build")
    message = gr.Markdown(elem_id="sw-session-message")
    files = gr.File(
        label=texts.SESSION_FILES, file_count="multiple", visible=False, interactive=False, elem_id="sw-session-files"
    )
    preview = gr.Markdown(elem_id="sw-session-preview")

    def run(text: str, request: gr.Request) -> tuple[Any, ...]:
        made = session.build(text, downloads(request))
        return gr.update(value=made.files or None, visible=bool(made.files)), made.message, made.preview

    for event in (build.click, theme.submit):
        event(run, [theme], [files, message, preview])
