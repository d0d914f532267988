"""Thumbs up/down with comments: the SQLite rows (only what the user sent), the handler flow, the
exports, retention, and `steunwijs feedback export|purge`."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import gradio as gr
import pytest
from click.testing import Result
from typer.testing import CliRunner

from cli.main import app as cli
from steunwijs.settings import Settings, get_settings
from tests.webapp_answers import abstained, answered
from webapp import texts
from webapp.chat_format import answer_message
from webapp.feedback_store import FeedbackStore
from webapp.handlers import Handlers
from webapp.handlers.feedback import FeedbackHandler
from webapp.session import ChatSession
from webapp.startup import Startup
from webapp.ui import build_app


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


def test_a_row_keeps_only_what_the_user_saw_and_sent(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite")
    row_id = store.add(answered(), "up", comment="  helder  ")
    [row] = store.rows()
    assert row.id == row_id and row.rating == "up" and row.comment == "helder"
    assert row.question == "Wat doet een leerondersteuner in de klas?"
    assert row.answer == answered().text
    assert row.created_at.endswith("+00:00")
    with sqlite3.connect(tmp_path / "feedback.sqlite") as db:  # readable without Steunwijs
        columns = [c[1] for c in db.execute("PRAGMA table_info(feedback)")]
        assert db.execute("SELECT rating, question FROM feedback").fetchall() == [("up", answered().question)]
    # no persona, no citations, no other part of the conversation
    assert columns == ["id", "created_at", "rating", "comment", "question", "answer"]


def test_rating_changes_and_unknown_rows_are_reported(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite")
    row_id = store.add(abstained(), "up")
    store.set_rating(row_id, "down")
    store.set_comment(row_id, "Dit staat wel in de documenten.")
    [row] = store.rows()
    assert (row.rating, row.comment, row.answer) == ("down", "Dit staat wel in de documenten.", abstained().text)
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


def test_csv_export_has_every_row_and_column(chat, tmp_path: Path) -> None:
    feedback, session, history = chat
    feedback.rate(history, session, like(1, True))
    feedback.rate(history, session, like(3, False))
    feedback.save_comment("Mist het CLB; “citaat” met ë", session)
    path = Path(feedback.export_csv(tmp_path / "session"))
    assert re.fullmatch(r"steunwijs-feedback-\d{8}-\d{6}-[\w-]{16}", path.stem)  # unguessable, not only a timestamp
    assert path.parent == tmp_path / "session" and path.suffix == ".csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["rating"] for r in rows] == ["up", "down"]
    assert rows[1]["comment"] == "Mist het CLB; “citaat” met ë"
    assert list(rows[1]) == ["id", "created_at", "rating", "comment", "question", "answer"]
    assert feedback.summary() == texts.FEEDBACK_COUNT.format(total=2, up=1, down=1)


def test_a_comment_typed_as_a_formula_opens_as_text(chat, tmp_path: Path) -> None:
    feedback, session, history = chat
    feedback.rate(history, session, like(1, True))
    feedback.save_comment('=HYPERLINK("http://example.org","klik")', session)
    with Path(feedback.export_csv(tmp_path)).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["comment"] == '\'=HYPERLINK("http://example.org","klik")'
    assert rows[0]["rating"] == "up"


def _age(path: Path, row_id: int, days: float) -> None:
    """Backdate a row by `days` (the test cannot wait half a year)."""
    when = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE feedback SET created_at = ? WHERE id = ?", (when, row_id))


def test_retention_deletes_old_feedback_on_start_and_on_every_save(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite"
    store = FeedbackStore(path, retention_days=30)
    old, recent = store.add(answered(), "up"), store.add(abstained(), "down")
    _age(path, old, 31)
    _age(path, recent, 29)
    reopened = FeedbackStore(path, retention_days=30)  # the app starts
    assert [r.id for r in reopened.rows()] == [recent]
    _age(path, recent, 40)
    newest = reopened.add(answered(), "down")  # a save
    assert [r.id for r in reopened.rows()] == [newest]


def test_a_database_of_an_earlier_version_keeps_only_what_the_user_sent(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, rating TEXT NOT NULL,"
            " comment TEXT NOT NULL DEFAULT '', persona TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL,"
            " citations TEXT NOT NULL, abstained INTEGER NOT NULL, answerer TEXT NOT NULL)"
        )
        now = datetime.now(UTC).isoformat(timespec="seconds")
        db.execute(
            "INSERT INTO feedback VALUES (1, ?, 'up', 'goed', 'directie', 'Wat?', 'Dit.', '[{\"n\": 1}]', 0, 'default')",
            (now,),
        )
    [row] = FeedbackStore(path).rows()
    assert (row.question, row.answer, row.comment, row.rating) == ("Wat?", "Dit.", "goed", "up")
    with sqlite3.connect(path) as db:
        tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        columns = [c[1] for c in db.execute("PRAGMA table_info(feedback)")]
    assert "persona" not in columns and "citations" not in columns and "feedback_old" not in tables


def test_the_page_says_beside_the_buttons_what_is_stored_and_for_how_long(tmp_path: Path) -> None:
    settings = get_settings(data_dir=tmp_path / "data", feedback_retention_days=90)
    config = build_app(Handlers(settings, Startup(settings))).get_config_file()
    [note] = [c for c in config["components"] if c["props"].get("elem_id") == "sw-feedback-privacy"]
    assert note["props"]["value"] == texts.FEEDBACK_PRIVACY.format(days=90)
    assert "Na 90 dagen wordt het gewist" in note["props"]["value"]


def _cli(settings: Settings, *args: str, stdin: str | None = None) -> Result:
    env = {"STEUNWIJS_DATA_DIR": str(settings.data_dir), "STEUNWIJS_FEEDBACK_RETENTION_DAYS": "365"}
    return CliRunner().invoke(cli, list(args), env=env, input=stdin)


def test_feedback_export_and_purge_on_the_command_line(tmp_settings: Settings, tmp_path: Path) -> None:
    store = FeedbackStore(tmp_settings.feedback_db)
    old = store.add(answered(), "up", comment="=1+1")
    store.add(abstained(), "down", comment="mist de bron")
    _age(tmp_settings.feedback_db, old, 100)

    result = _cli(tmp_settings, "feedback", "export", "--out", str(tmp_path / "f.jsonl"))
    assert result.exit_code == 0, result.output
    assert "2 beoordelingen geëxporteerd" in result.output
    lines = [json.loads(line) for line in (tmp_path / "f.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [line["comment"] for line in lines] == ["=1+1", "mist de bron"]  # JSON keeps the text as typed
    assert set(lines[0]) == {"id", "created_at", "rating", "comment", "question", "answer"}

    result = _cli(tmp_settings, "feedback", "export", "--out", str(tmp_path / "f.csv"))
    assert result.exit_code == 0, result.output
    with (tmp_path / "f.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert [r["comment"] for r in csv.DictReader(handle)] == ["'=1+1", "mist de bron"]
    assert _cli(tmp_settings, "feedback", "export", "--format", "xml").exit_code == 2

    result = _cli(tmp_settings, "feedback", "purge", "--older-than", "30")
    assert result.exit_code == 0, result.output
    assert "1 beoordelingen ouder dan 30 dagen gewist; 1 blijven bewaard" in result.output
    assert [r.comment for r in store.rows()] == ["mist de bron"]
    assert _cli(tmp_settings, "feedback", "purge").exit_code == 2  # --older-than is required
