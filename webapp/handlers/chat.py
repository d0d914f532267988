"""The chat of the 'Vraag het' tab: streaming an answer, and opening the source a marker names.

An answer goes through `assistant.answer.stream_answer`, the same function the CLI and the evals
use, so the app cannot drift from what is measured. Follow-ups get the earlier turns the chat
still shows as their history.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import gradio as gr

from assistant.answer import stream_answer
from steunwijs.errors import SteunwijsError
from steunwijs.settings import Settings
from steunwijs.types import Answer, Citation
from webapp import texts
from webapp.chat_format import SourceRef, answer_message, find_citation, source_choices
from webapp.citation_panel import render_message, render_source
from webapp.errors import user_message
from webapp.session import ChatSession
from webapp.startup import Startup

log = logging.getLogger(__name__)


class ChatHandler:
    """Answers questions over the knowledge base the start-up opened, and shows their sources."""

    def __init__(self, settings: Settings, startup: Startup) -> None:
        self.settings = settings
        self.startup = startup

    def respond(
        self, message: str, history: list[dict[str, Any]], persona: str, session: ChatSession
    ) -> Iterator[tuple[Any, ChatSession, Any, Any]]:
        """Stream the answer to `message`: the growing text, then the final message with linked markers.

        Yields (chat message, session, source panel, sources dropdown); while the text grows the
        panel and dropdown are left alone. A question that cannot be answered (empty, knowledge
        base not ready or gone) gets the error's Dutch message as the chat's reply.
        """
        history_turns = [(a.question, a.text) for a in session.shown(history)]
        final: Answer | None = None
        try:
            kb = self.startup.knowledge_base()
            parts = stream_answer(
                message, history=history_turns or None, persona=persona, settings=self.settings, kb=kb
            )
            for part in parts:
                if isinstance(part, Answer):
                    final = part
                else:
                    yield part, session, gr.skip(), gr.skip()
        except SteunwijsError as error:
            yield user_message(error), session, gr.skip(), gr.skip()
            return
        if final is None:
            raise RuntimeError("stream_answer ended without an Answer")
        index = len(session.answers)
        session.answers.append(final)
        choices = source_choices(final, index)
        yield (
            answer_message(final, index),
            session,
            render_message(texts.SOURCE_PANEL_EMPTY),
            gr.update(choices=choices, value=None, interactive=bool(choices)),
        )

    @staticmethod
    def _citation(ref: str, session: ChatSession) -> Citation | None:
        """The citation a marker link (or a dropdown choice) such as 'sw-0-2' names in this chat.

        None when it names none: an answer of another (or a cleared) chat, or a citation the
        answer does not have. The panel then says the source is gone.
        """
        try:
            parsed = SourceRef.parse(ref)
            return find_citation(session.answers[parsed.answer], parsed.n)
        except (ValueError, IndexError, KeyError) as error:
            log.info("source %r is not in this chat: %s", ref, error)
            return None

    def open_source(self, ref: str, session: ChatSession) -> str:
        """The source panel for a dropdown choice (or a marker link) such as 'sw-0-2'."""
        citation = self._citation(ref, session)
        return render_source(citation) if citation else render_message(texts.SOURCE_GONE)

    def open_marker(self, session: ChatSession, event: gr.EventData) -> tuple[str, Any]:
        """The source panel for a clicked marker link (static/marker_hook.js sends its target as `ref`),
        and the sources dropdown showing the same source."""
        ref = str(event.ref)
        citation = self._citation(ref, session)
        if citation is None:
            return render_message(texts.SOURCE_GONE), gr.skip()
        return render_source(citation), gr.update(value=ref)
