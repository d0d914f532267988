"""What a user keeps of a chat: thumbs and comments on answers, the conversation as a handout,
and the feedback of all users as a CSV file (offered on the 'Evaluatie' tab)."""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path
from typing import Any

import gradio as gr

from steunwijs.settings import Settings
from webapp import texts
from webapp.feedback_store import FeedbackStore
from webapp.handout import write_conversation
from webapp.session import ChatSession


class FeedbackHandler:
    """Feedback in data/feedback.sqlite, downloads in data/exports/."""

    def __init__(self, settings: Settings) -> None:
        self.store = FeedbackStore(settings.feedback_db)
        self.exports_dir: Path = settings.data_dir / "exports"

    def rate(self, history: list[dict[str, Any]], session: ChatSession, data: gr.LikeData) -> tuple[ChatSession, str]:
        """Store a thumb up/down on an answer; clicking the same thumb again withdraws it."""
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

    def export_csv(self) -> str:
        """All feedback as a CSV file; returns its path (for a download)."""
        when = datetime.now()
        return str(self.store.export_csv(self.exports_dir / f"steunwijs-feedback-{when:%Y%m%d-%H%M%S}-{secrets.token_urlsafe(12)}.csv"))

    def export_conversation(self, history: list[dict[str, Any]], session: ChatSession) -> tuple[str | None, str]:
        """The chat shown now, with its sources, as a Markdown file; returns (path or None, message)."""
        answers = session.shown(history)
        if not answers:
            return None, texts.EXPORT_EMPTY
        return str(write_conversation(answers, self.exports_dir, datetime.now())), ""
