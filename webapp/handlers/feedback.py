"""What a user keeps of a chat: thumbs and comments on answers, the conversation as a handout,
and the feedback of all users as a CSV file (offered to editors on the 'Evaluatie' tab).

Downloads are written to the folder the caller names: the session's own download folder
(webapp.access), so one visitor's files are never in another's folder. A read-only data folder
stores no feedback, and says so.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path
from typing import Any

import gradio as gr

from kb.store import writable
from steunwijs.settings import Settings
from webapp import texts
from webapp.feedback_store import FeedbackStore
from webapp.handout import write_conversation
from webapp.session import ChatSession


class FeedbackHandler:
    """Feedback in data/feedback.sqlite (kept `feedback_retention_days`); downloads in a folder per session."""

    def __init__(self, settings: Settings) -> None:
        self.read_only = not writable(settings.data_dir)
        self.store = FeedbackStore(settings.feedback_db, settings.feedback_retention_days, read_only=self.read_only)

    def rate(self, history: list[dict[str, Any]], session: ChatSession, data: gr.LikeData) -> tuple[ChatSession, str]:
        """Store a thumb up/down on an answer; clicking the same thumb again withdraws it."""
        if self.read_only:
            return session, texts.FEEDBACK_READ_ONLY
        position = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        index = session.answer_at(history, position)
        if index is None:
            return session, texts.FEEDBACK_NOT_AN_ANSWER
        row = session.feedback_rows.get(index)
        if data.liked == "" or data.liked is None:
            if row is not None:
                self.store.delete(row)
                del session.feedback_rows[index]
            session.last_rated = None
            return session, texts.FEEDBACK_REMOVED
        rating = "up" if data.liked is True else "down"
        if row is None:
            session.feedback_rows[index] = self.store.add(session.answers[index], rating)
        else:
            self.store.set_rating(row, rating)
        session.last_rated = index
        return session, texts.FEEDBACK_SAVED_UP if rating == "up" else texts.FEEDBACK_SAVED_DOWN

    def save_comment(self, comment: str, session: ChatSession) -> tuple[str, str]:
        """Attach the comment to the most recent thumb; returns (new comment box value, message)."""
        if self.read_only:
            return comment, texts.FEEDBACK_READ_ONLY
        if not comment or not comment.strip():
            return comment, texts.COMMENT_EMPTY
        if session.last_rated is None or session.last_rated not in session.feedback_rows:
            return comment, texts.COMMENT_WITHOUT_VOTE
        self.store.set_comment(session.feedback_rows[session.last_rated], comment)
        return "", texts.COMMENT_SAVED

    def summary(self) -> str:
        """How many verdicts are stored, up and down."""
        rows = self.store.rows()
        up = sum(1 for r in rows if r.rating == "up")
        return texts.FEEDBACK_COUNT.format(total=len(rows), up=up, down=len(rows) - up)

    def export_csv(self, folder: Path) -> str:
        """All feedback as a CSV file in `folder`; returns its path (for a download)."""
        when = datetime.now()
        return str(self.store.export_csv(folder / f"steunwijs-feedback-{when:%Y%m%d-%H%M%S}-{secrets.token_urlsafe(12)}.csv"))

    def export_conversation(
        self, history: list[dict[str, Any]], session: ChatSession, folder: Path
    ) -> tuple[str | None, str]:
        """The chat shown now, with its sources, as a Markdown file in `folder`; returns (path or None, message)."""
        answers = session.shown(history)
        if not answers:
            return None, texts.EXPORT_EMPTY
        return str(write_conversation(answers, folder, datetime.now())), ""
