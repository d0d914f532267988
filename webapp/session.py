"""One browser tab's conversation: the answers it was shown and the feedback given on them.

Gradio keeps the chat's messages; a message names the index of its answer in the session
(`chat_format.answer_message`), so feedback and the export find the `Answer` behind a message
whatever the user undid, retried or cleared since.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from steunwijs.types import Answer
from webapp.chat_format import message_answer_index


@dataclass
class ChatSession:
    """Every answer shown in this tab (a message names its index) and the feedback rows given on them."""

    answers: list[Answer] = field(default_factory=list)
    feedback_rows: dict[int, int] = field(default_factory=dict)
    last_rated: int | None = None

    def answer_at(self, history: Sequence[dict[str, Any]], position: int) -> int | None:
        """The session index of the answer the chat message at `position` shows; None if it shows none."""
        if not 0 <= position < len(history):
            return None
        index = message_answer_index(history[position])
        return index if index is not None and index < len(self.answers) else None

    def shown(self, history: Sequence[dict[str, Any]]) -> list[Answer]:
        """The answers the chat shows now, in order (undone or cleared turns are not in `history`)."""
        shown = []
        for message in history:
            index = message_answer_index(message) if message.get("role") == "assistant" else None
            if index is not None and index < len(self.answers):
                shown.append(self.answers[index])
        return shown
