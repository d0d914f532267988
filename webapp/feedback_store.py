"""Thumbs up/down with an optional comment on answers, kept in SQLite in the data folder.

The feedback is what a project team reads to learn which answers fail, so each row keeps the whole
context of the verdict (question, answer text, citations as JSON, persona, time) rather than an id
into something that may change. SQLite because it is one file beside the rest of the data, safe for
the app's concurrent worker threads (one connection per call) and readable without Steunwijs; CSV
because that is what people open in a spreadsheet.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import astuple, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from steunwijs.types import Answer

Rating = Literal["up", "down"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment TEXT NOT NULL DEFAULT '',
    persona TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,
    abstained INTEGER NOT NULL,
    answerer TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class FeedbackRow:
    """One verdict on one answer; `citations` is the JSON list of the answer's citations."""

    id: int
    created_at: str
    rating: str
    comment: str
    persona: str
    question: str
    answer: str
    citations: str
    abstained: int
    answerer: str


_COLUMNS = tuple(f.name for f in fields(FeedbackRow))


class FeedbackStore:
    """The feedback table in one SQLite file (created on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10)
        try:
            with db:  # commits on success, rolls back on an exception
                yield db
        finally:
            db.close()

    def add(self, answer: Answer, rating: Rating, comment: str = "") -> int:
        """Store a verdict on `answer`; returns the row id (to change the rating or add a comment later)."""
        citations = json.dumps([c.model_dump(mode="json") for c in answer.citations], ensure_ascii=False)
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO feedback (created_at, rating, comment, persona, question, answer, citations,"
                " abstained, answerer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    datetime.now(UTC).isoformat(timespec="seconds"),
                    rating,
                    comment.strip(),
                    answer.persona,
                    answer.question,
                    answer.text,
                    citations,
                    int(answer.abstained),
                    answer.answerer,
                ),
            )
            return int(cursor.lastrowid)

    def set_rating(self, row_id: int, rating: Rating) -> None:
        """Change a verdict (a user who first clicked thumbs up, then thumbs down)."""
        self._update(row_id, "rating", rating)

    def set_comment(self, row_id: int, comment: str) -> None:
        """Attach the optional comment to a verdict given before."""
        self._update(row_id, "comment", comment.strip())

    def _update(self, row_id: int, column: str, value: str) -> None:
        with self._connect() as db:
            changed = db.execute(f"UPDATE feedback SET {column} = ? WHERE id = ?", (value, row_id)).rowcount
        if changed != 1:
            raise KeyError(f"no feedback row {row_id} in {self.path}")

    def delete(self, row_id: int) -> None:
        """Withdraw a verdict (the user clicked the same thumb again)."""
        with self._connect() as db:
            db.execute("DELETE FROM feedback WHERE id = ?", (row_id,))

    def rows(self) -> list[FeedbackRow]:
        """All verdicts, oldest first."""
        with self._connect() as db:
            found = db.execute(f"SELECT {', '.join(_COLUMNS)} FROM feedback ORDER BY id").fetchall()
        return [FeedbackRow(*row) for row in found]

    def export_csv(self, path: Path) -> Path:
        """Write every verdict to a CSV file (UTF-8 with BOM, so that spreadsheet programs read the accents).

        Text that a spreadsheet would run as a formula (a comment typed as "=HYPERLINK(...)") is
        written with a leading apostrophe, so it opens as the text the user typed.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(_COLUMNS)
            writer.writerows([spreadsheet_safe(value) for value in astuple(row)] for row in self.rows())
        return path


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: strings that would start a formula get a leading "'"."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
