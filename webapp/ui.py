"""The page of the web app: header, status banner and its tabs, and `serve` to start it.

Nothing here decides anything: each tab's layout (webapp.layout) wires its components to its
handler (webapp.handlers). This module puts the tabs together and keeps the page in step with the
knowledge base: the banner shows the start-up's progress, and the documents table, its dropdowns,
the roles map's filters and matrix, the glossary and the Over page are filled once the knowledge base is ready and
again after an upload or a removal.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import gradio as gr

from steunwijs.editors import Editors
from steunwijs.settings import Settings
from webapp import texts
from webapp.access import check_exposure
from webapp.handlers import Handlers
from webapp.layout import static_file
from webapp.layout.ask import build_ask_tab
from webapp.layout.documents import build_documents_tab
from webapp.layout.editors import build_editor_panel, wire_editor_panel
from webapp.layout.evaluation import build_eval_tab
from webapp.layout.glossary import build_glossary_tab
from webapp.layout.roles import build_roles_tab
from webapp.layout.session import build_session_tab
from webapp.startup import Startup

log = logging.getLogger(__name__)

# System fonts: the page must not fetch fonts from the internet (privacy in schools, offline use).
THEME = gr.themes.Soft(
    primary_hue="blue",
    secondary_hue="slate",
    font=["system-ui", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
)


def build_app(handlers: Handlers) -> gr.Blocks:
    """The whole app for one Handlers (so tests can build it over a temp data folder)."""
    with gr.Blocks(title=texts.APP_TITLE, fill_width=False) as demo:
        gr.HTML(
            f'<div class="sw-header"><h1>{texts.APP_TITLE}</h1><p>{texts.APP_SUBTITLE}</p></div>',
            js_on_load=None,
        )
        status = gr.HTML(handlers.about.status_html, js_on_load=None, elem_id="sw-status")
        access, read_only = handlers.access, handlers.read_only
        editor_panel = build_editor_panel(access, read_only)
        writes_on = access.local_mode and not read_only  # until the page's load event says per session
        timer = gr.Timer(1.0)
        with gr.Tabs():
            with gr.Tab(texts.TAB_ASK, id="vraag"):
                build_ask_tab(handlers.chat, handlers.feedback, access, handlers.settings.feedback_retention_days)
            with gr.Tab(texts.TAB_DOCUMENTS, id="documenten"):
                documents = build_documents_tab(handlers.documents, access, writes_on)
            with gr.Tab(texts.TAB_ROLES, id="rollen"):
                roles = build_roles_tab(handlers.roles, access.downloads)
            with gr.Tab(texts.TAB_GLOSSARY, id="begrippen"):
                glossary = build_glossary_tab(handlers.glossary)
            with gr.Tab(texts.TAB_SESSION, id="sessie"):
                build_session_tab(handlers.session, access.downloads)
            with gr.Tab(texts.TAB_EVAL, id="evaluatie"):
                evaluation = build_eval_tab(handlers.evaluation, handlers.feedback, access, writes_on)
            with gr.Tab(texts.TAB_ABOUT, id="over"):
                about = gr.Markdown(handlers.about.markdown, elem_id="sw-about")

        refresh_outputs = [*documents.outputs, *roles.outputs, *glossary.outputs, about]

        def refresh() -> tuple[Any, ...]:
            listed = documents.show(handlers.documents.listing())
            return *listed, *roles.show(), *glossary.show(), handlers.about.markdown()

        def follow_startup() -> tuple[Any, ...]:
            """Until the knowledge base is ready: update the banner; then fill the pages once and stop."""
            if not handlers.startup.status().ready:
                return handlers.about.status_html(), gr.skip(), *[gr.skip()] * len(refresh_outputs)
            return handlers.about.status_html(), gr.Timer(active=False), *refresh()

        startup_outputs = [status, timer, *refresh_outputs]
        timer.tick(follow_startup, None, startup_outputs, show_progress="hidden")
        demo.load(follow_startup, None, startup_outputs)
        demo.load(evaluation.show, None, evaluation.outputs)
        for event in (documents.uploaded, documents.removed):
            event.then(refresh, None, refresh_outputs)
        wire_editor_panel(
            demo,
            editor_panel,
            access,
            read_only,
            write_controls=[*documents.editor_controls, evaluation.editor_controls[0]],
            read_controls=evaluation.editor_controls[1:],
            editor_texts=[(evaluation.feedback_count, handlers.feedback.summary)],
        )
    return demo


def serve(settings: Settings) -> None:
    """Start the app on settings.host:settings.port (blocks); the knowledge base opens, or is first
    filled with the default corpus, in the background while the page already shows its progress.

    Refuses to start beyond this computer (or with a share link) without editors (`check_exposure`).
    Gradio serves only what it must: its own uploads and cache, moved into the data folder
    (data/web, which also holds each session's downloads), and the eval reports; the feedback
    database, the store and the passwords file are blocked outright.
    """
    check_exposure(settings, Editors.from_settings(settings))
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
        logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request to itself otherwise
    startup = Startup(settings)
    handlers = Handlers(settings, startup)
    # Gradio keeps uploads and its cache in GRADIO_TEMP_DIR (default /tmp/gradio) and serves files
    # from there; it reads these when the app is built, so they are set first.
    os.environ["GRADIO_TEMP_DIR"] = str(handlers.web_dir)
    os.environ["GRADIO_EXAMPLES_CACHE"] = str(handlers.web_dir / "examples")
    handlers.access.forget_old_downloads()
    demo = build_app(handlers)
    demo.queue()
    if not handlers.read_only:
        settings.eval_dir.mkdir(parents=True, exist_ok=True)
    blocked = [settings.feedback_db, settings.chroma_dir, handlers.documents.uploads_dir]
    if settings.editor_passwords_file:
        blocked.append(settings.editor_passwords_file)
    log.info("Steunwijs op http://%s:%s (data: %s)", settings.host, settings.port, settings.data_dir)
    demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        share=settings.share,
        theme=THEME,
        css_paths=[static_file("app.css")],
        allowed_paths=[str(settings.eval_dir)],
        blocked_paths=[str(path) for path in blocked],
        max_file_size=f"{settings.max_upload_mb}mb",
        footer_links=["gradio", "settings"],
        show_error=True,
        prevent_thread_lock=True,
    )
    # Only now: Gradio's launch checks that the page answers within 3 s, which a start-up that is
    # loading the model and ingesting at the same time (two cores) could prevent.
    startup.start()
    demo.block_thread()
