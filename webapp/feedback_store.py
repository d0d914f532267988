"""Thumbs up/down with an optional comment on answers, kept in SQLite in the data folder.

Feedback stores only what the user typed and chose to send: the question, the answer shown to them,
the thumb, the comment they typed, and when. Nothing else of the conversation, no persona, no
name. The page says so beside the buttons (texts.FEEDBACK_PRIVACY), and rows older than the
retention setting (`feedback_retention_days`) are deleted when the app starts and on every save;
`steunwijs feedback purge --older-than DAYS` deletes earlier on request. SQLite because it is one
file beside the rest of the data, safe for the app's concurrent worker threads (one connection per
call) and readable without Steunwijs; CSV because that is what people open in a spreadsheet, JSON
lines for anything else.

A database written by an earlier version, which kept the persona and the answer's citations too,
is rewritten to the five columns when it is first opened.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, astuple, dataclass, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from steunwijs.spreadsheet import spreadsheet_safe
from steunwijs.types import Answer

Rating = Literal["up", "down"]
ExportFormat = Literal["csv", "jsonl"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    answer TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class FeedbackRow:
    """One verdict on one answer: what the user saw and what they sent, nothing more."""

    id: int
    created_at: str
    rating: str
    comment: str
    question: str
    answer: str


_COLUMNS = tuple(f.name for f in fields(FeedbackRow))


class FeedbackStore:
    """The feedback table in one SQLite file (created on first use), with its retention in days."""

    def __init__(self, path: Path, retention_days: int | None = None, read_only: bool = False) -> None:
        """`read_only` (a read-only data folder): the file is only read, never created or changed."""
        self.path = Path(path)
        self.retention_days = retention_days
        self.read_only = read_only
        if read_only:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            _migrate(db)
            db.execute(_SCHEMA)
        self.apply_retention()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        if self.read_only:
            db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
        else:
            db = sqlite3.connect(self.path, timeout=10)
        try:
            with db:  # commits on success, rolls back on an exception
                yield db
        finally:
            db.close()

    def add(self, answer: Answer, rating: Rating, comment: str = "") -> int:
        """Store a verdict on `answer`; returns the row id (to change the rating or add a comment later)."""
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO feedback (created_at, rating, comment, question, answer) VALUES (?, ?, ?, ?, ?)",
                (datetime.now(UTC).isoformat(timespec="seconds"), rating, comment.strip(), answer.question, answer.text),
            )
            row_id = int(cursor.lastrowid)
        self.apply_retention()
        return row_id

    def purge(self, older_than_days: float) -> int:
        """Delete the verdicts given more than `older_than_days` days ago; returns how many."""
        cutoff = (datetime.now(UTC) - timedelta(days=older_than_days)).isoformat(timespec="seconds")
        with self._connect() as db:
            return db.execute("DELETE FROM feedback WHERE created_at < ?", (cutoff,)).rowcount

    def apply_retention(self) -> int:
        """Delete what is older than the retention period (nothing without one); returns how many."""
        return self.purge(self.retention_days) if self.retention_days is not None else 0

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
        if self.read_only and not self.path.exists():
            return []
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

    def export_jsonl(self, path: Path) -> Path:
        """Write every verdict as one JSON object per line (the text exactly as typed)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as out:
            out.writelines(json.dumps(asdict(row), ensure_ascii=False) + "\n" for row in self.rows())
        return path

    def export(self, path: Path, kind: ExportFormat) -> Path:
        """`export_csv` or `export_jsonl`."""
        return self.export_csv(path) if kind == "csv" else self.export_jsonl(path)


def _migrate(db: sqlite3.Connection) -> None:
    """Rewrite a table of an earlier version (with persona, citations, ...) to today's columns only."""
    columns = [row[1] for row in db.execute("PRAGMA table_info(feedback)")]
    if not columns or set(columns) == set(_COLUMNS):
        return
    db.execute("ALTER TABLE feedback RENAME TO feedback_old")
    db.execute(_SCHEMA)
    kept = ", ".join(_COLUMNS)
    db.execute(f"INSERT INTO feedback ({kept}) SELECT {kept} FROM feedback_old")
    db.execute("DROP TABLE feedback_old")
