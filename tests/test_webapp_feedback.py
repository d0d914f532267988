"""Thumbs up/down with comments: the SQLite rows, the handler flow, and the CSV export."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from pathlib import Path

import gradio as gr
import pytest

from steunwijs.settings import Settings
from tests.webapp_answers import abstained, answered
from webapp import texts
from webapp.chat_format import answer_message
from webapp.feedback_store import FeedbackStore
from webapp.handlers import Handlers
from webapp.handlers.feedback import FeedbackHandler
from webapp.session import ChatSession
from webapp.startup import Startup


def like(index: int, liked: bool | str) -> gr.LikeData:
    return gr.LikeData(None, {"index": index, "value": ["..."], "liked": liked})


@pytest.fixture()
def chat(tmp_settings: Settings) -> tuple[FeedbackHandler, ChatSession, list[dict]]:
    """The feedback handler over a temp data folder and a session in which two answers were shown."""
    feedback = Handlers(tmp_settings, Startup(tmp_settings)).feedback  # feedback needs no knowledge base
    session = ChatSession(answers=[answered(), abstained()])
    history = [
        {"role": "user", "content": session.answers[0].question},
        answer_message(session.answers[0], 0),
        {"role": "user", "content": session.answers[1].question},
        answer_message(session.answers[1], 1),
    ]
    return feedback, session, history


def test_a_row_keeps_the_whole_context_of_the_verdict(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite")
    row_id = store.add(answered(), "up", comment="  helder  ")
    [row] = store.rows()
    assert row.id == row_id and row.rating == "up" and row.comment == "helder"
    assert row.question == "Wat doet een leerondersteuner in de klas?"
    assert row.persona == "directie"
    assert row.answer == answered().text
    assert [c["quote"] for c in json.loads(row.citations)] == [c.quote for c in answered().citations]
    assert row.created_at.endswith("+00:00")
    with sqlite3.connect(tmp_path / "feedback.sqlite") as db:  # readable without Steunwijs
        assert db.execute("SELECT rating, persona FROM feedback").fetchall() == [("up", "directie")]


def test_rating_changes_and_unknown_rows_are_reported(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite")
    row_id = store.add(abstained(), "up")
    store.set_rating(row_id, "down")
    store.set_comment(row_id, "Dit staat wel in de documenten.")
    [row] = store.rows()
    assert (row.rating, row.comment, row.abstained) == ("down", "Dit staat wel in de documenten.", 1)
    with pytest.raises(KeyError):
        store.set_comment(row_id + 1, "x")
    with pytest.raises(sqlite3.IntegrityError):
        store.add(answered(), "meh")  # type: ignore[arg-type]


def test_thumbs_and_comment_through_the_handler(chat) -> None:
    feedback, session, history = chat
    session, message = feedback.rate(history, session, like(3, False))
    assert message == texts.FEEDBACK_SAVED_DOWN
    comment, message = feedback.save_comment("De vraag is wel beantwoord.", session)
    assert (comment, message) == ("", texts.COMMENT_SAVED)
    session, _ = feedback.rate(history, session, like(1, True))
    [first, second] = feedback.store.rows()
    assert (first.question, first.rating, first.comment) == (abstained().question, "down", "De vraag is wel beantwoord.")
    assert (second.question, second.rating, second.comment) == (answered().question, "up", "")


def test_changing_and_withdrawing_a_thumb_keeps_one_row_per_answer(chat) -> None:
    feedback, session, history = chat
    session, _ = feedback.rate(history, session, like(1, True))
    session, _ = feedback.rate(history, session, like(1, False))
    assert [r.rating for r in feedback.store.rows()] == ["down"]
    session, message = feedback.rate(history, session, like(1, ""))
    assert message == texts.FEEDBACK_REMOVED and feedback.store.rows() == []
    assert feedback.save_comment("te laat", session) == ("te laat", texts.COMMENT_WITHOUT_VOTE)


def test_only_answers_can_be_rated(chat) -> None:
    feedback, session, history = chat
    _, message = feedback.rate(history, session, like(0, True))  # the user's own question
    assert message == texts.FEEDBACK_NOT_AN_ANSWER
    assert feedback.store.rows() == []


def test_csv_export_has_every_row_and_column(chat) -> None:
    feedback, session, history = chat
    feedback.rate(history, session, like(1, True))
    feedback.rate(history, session, like(3, False))
    feedback.save_comment("Mist het CLB; “citaat” met ë", session)
    path = Path(feedback.export_csv())
    assert re.fullmatch(r"steunwijs-feedback-\d{8}-\d{6}-[\w-]{16}", path.stem)  # unguessable, not only a timestamp
    assert path.parent == feedback.exports_dir and path.suffix == ".csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["rating"] for r in rows] == ["up", "down"]
    assert rows[1]["comment"] == "Mist het CLB; “citaat” met ë"
    assert rows[1]["abstained"] == "1"
    assert json.loads(rows[0]["citations"])[0]["n"] == 1
    assert feedback.summary() == texts.FEEDBACK_COUNT.format(total=2, up=1, down=1)


def test_a_comment_typed_as_a_formula_opens_as_text(chat) -> None:
    feedback, session, history = chat
    feedback.rate(history, session, like(1, True))
    feedback.save_comment('=HYPERLINK("http://example.org","klik")', session)
    with Path(feedback.export_csv()).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["comment"] == '\'=HYPERLINK("http://example.org","klik")'
    assert rows[0]["rating"] == "up"
