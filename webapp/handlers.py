"""What the web app does, as plain methods: the layout (ui.py) only wires them to components.

Every action goes through the same functions as the CLI (`assistant.answer.stream_answer`,
`ingest.pipeline.ingest_files` / `remove_documents`, `KnowledgeBase.documents` / `passages`, the
eval runner), so the app cannot drift from what the tests and the evals measure. The methods take
and return plain values (strings, lists, paths, `gr.update` dicts) and can be called without a
browser; the tests do exactly that.

Errors a user can cause (an empty question, a file that cannot be read, a question before the
knowledge base is ready, a Chroma server that went away) come back as a Dutch message; nothing
already stored is touched by a failed action.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.answer import QuestionError, stream_answer
from evals.gate import GATE_IDS
from evals.report import view as report_view
from evals.runner import read_ids_file, run_eval
from ingest.pipeline import IngestError, IngestReport, ingest_files, remove_documents
from ingest.readers import UnreadableDocument, read_document
from kb.embeddings import EmbeddingModelMissing
from kb.knowledge_base import KnowledgeBase, ModelMismatch, UnknownFilter
from kb.store import StoreUnavailable
from steunwijs.settings import PROJECT_ROOT, Settings
from steunwijs.types import Answer
from webapp import texts
from webapp.chat_format import (
    SourceRef,
    answer_message,
    message_answer_index,
    source_choices,
    source_view,
)
from webapp.citation_panel import render_message, render_passages, render_source
from webapp.export import dutch_date, write_conversation
from webapp.feedback import FeedbackStore
from webapp.startup import KnowledgeBaseNotReady, Phase, Startup

UPLOAD_SUFFIXES = (".pdf", ".docx", ".txt", ".md")
FAST_SET = PROJECT_ROOT / "evals" / "sets" / "steunwijs.jsonl"
ProgressCallback = Callable[..., Any]
"""gr.Progress, or any callable taking ((done, total), desc=...) - what the tests pass."""

# Failures of the knowledge base that a user can meet while the app runs, each told in Dutch.
_KB_FAILURES = (KnowledgeBaseNotReady, StoreUnavailable, EmbeddingModelMissing, ModelMismatch)


@dataclass
class ChatSession:
    """One browser tab's conversation: every answer shown (a message names its index) and its feedback."""

    answers: list[Answer] = field(default_factory=list)
    feedback_rows: dict[int, int] = field(default_factory=dict)
    last_rated: int | None = None


@dataclass(frozen=True)
class EvalView:
    """The evaluation tab's content: a line about the run, the metrics table and the plot files."""

    info: str
    headers: list[str]
    rows: list[list[Any]]
    plots: list[str]


def _kb_failure_message(error: Exception) -> str:
    if isinstance(error, KnowledgeBaseNotReady):
        return str(error)
    return texts.KB_UNREACHABLE.format(error=error)


def dutch_reason(reason: str) -> str:
    """The Dutch half of an ingest reason ('Dutch / English', see ingest.readers.UnreadableDocument)."""
    return reason.split(" / ", 1)[0]


class Handlers:
    """The app's actions over one Settings: chat, sources, feedback, export, documents, evaluation."""

    def __init__(self, settings: Settings, startup: Startup) -> None:
        self.settings = settings
        self.startup = startup
        self.feedback = FeedbackStore(settings.feedback_db)
        self.uploads_dir = settings.data_dir / "uploads"
        self.exports_dir = settings.data_dir / "exports"

    @property
    def kb(self) -> KnowledgeBase:
        return self.startup.knowledge_base()

    # --- status -------------------------------------------------------------------------------
    def status_html(self) -> str:
        """The banner at the top of the page: opening, ingesting, ready or failed."""
        status = self.startup.status()
        css = {Phase.READY: "sw-ready", Phase.FAILED: "sw-failed"}.get(status.phase, "sw-busy")
        return f'<div class="sw-status {css}" role="status" aria-live="polite">{escape(status.message)}</div>'

    # --- chat ---------------------------------------------------------------------------------
    @staticmethod
    def conversation(history: Sequence[dict[str, Any]], session: ChatSession) -> list[Answer]:
        """The answers the chat shows now, in order (undone or cleared turns are not in `history`)."""
        shown = []
        for message in history:
            index = message_answer_index(message) if message.get("role") == "assistant" else None
            if index is not None and index < len(session.answers):
                shown.append(session.answers[index])
        return shown

    def respond(
        self, message: str, history: list[dict[str, Any]], persona: str, session: ChatSession
    ) -> Iterator[tuple[Any, ChatSession, Any, Any]]:
        """Stream the answer to `message`: the growing text, then the final message with linked markers.

        Yields (chat message, session, source panel, sources dropdown); while the text grows the
        panel and dropdown are left alone. Follow-ups get the earlier turns of this chat as history.
        """
        history_turns = [(a.question, a.text) for a in self.conversation(history, session)]
        try:
            kb = self.kb
            parts = stream_answer(message, history=history_turns or None, persona=persona, settings=self.settings, kb=kb)
            final: Answer | None = None
            for part in parts:
                if isinstance(part, Answer):
                    final = part
                else:
                    yield part, session, gr.skip(), gr.skip()
        except QuestionError as error:
            yield str(error), session, gr.skip(), gr.skip()
            return
        except _KB_FAILURES as error:
            yield _kb_failure_message(error), session, gr.skip(), gr.skip()
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

    def open_source(self, ref: str, session: ChatSession) -> str:
        """The source panel for a marker link (or a dropdown choice) such as 'sw-0-2'."""
        try:
            parsed = SourceRef.parse(ref)
            view = source_view(session.answers[parsed.answer], parsed.n)
        except (ValueError, IndexError, KeyError):
            return render_message(texts.SOURCE_GONE)
        return render_source(view)

    def open_marker(self, session: ChatSession, event: gr.EventData) -> tuple[str, Any]:
        """The source panel for a clicked marker link (static/marker_hook.js sends its target as `ref`),
        and the sources dropdown showing the same source."""
        ref = str(event.ref)
        html = self.open_source(ref, session)
        return html, gr.update(value=ref) if texts.SOURCE_GONE not in html else gr.skip()

    # --- feedback -----------------------------------------------------------------------------
    def rate(self, history: list[dict[str, Any]], session: ChatSession, data: gr.LikeData) -> tuple[ChatSession, str]:
        """Store a thumb up/down on an answer; clicking the same thumb again withdraws it."""
        position = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        index = message_answer_index(history[position]) if 0 <= position < len(history) else None
        if index is None or index >= len(session.answers):
            return session, texts.FEEDBACK_NOT_AN_ANSWER
        row = session.feedback_rows.get(index)
        if data.liked == "" or data.liked is None:
            if row is not None:
                self.feedback.delete(row)
                del session.feedback_rows[index]
            session.last_rated = None
            return session, texts.FEEDBACK_REMOVED
        rating = "up" if data.liked is True else "down"
        if row is None:
            session.feedback_rows[index] = self.feedback.add(session.answers[index], rating)
        else:
            self.feedback.set_rating(row, rating)
        session.last_rated = index
        return session, texts.FEEDBACK_SAVED_UP if rating == "up" else texts.FEEDBACK_SAVED_DOWN

    def save_comment(self, comment: str, session: ChatSession) -> tuple[str, str]:
        """Attach the comment to the most recent thumb; returns (new comment box value, message)."""
        if not comment or not comment.strip():
            return comment, texts.COMMENT_EMPTY
        if session.last_rated is None or session.last_rated not in session.feedback_rows:
            return comment, texts.COMMENT_WITHOUT_VOTE
        self.feedback.set_comment(session.feedback_rows[session.last_rated], comment)
        return "", texts.COMMENT_SAVED

    def feedback_summary(self) -> str:
        rows = self.feedback.rows()
        up = sum(1 for r in rows if r.rating == "up")
        return texts.FEEDBACK_COUNT.format(total=len(rows), up=up, down=len(rows) - up)

    def export_feedback(self) -> str:
        """All feedback as a CSV file; returns its path (for a download)."""
        when = datetime.now()
        return str(self.feedback.export_csv(self.exports_dir / f"steunwijs-feedback-{when:%Y%m%d-%H%M%S}.csv"))

    # --- export -------------------------------------------------------------------------------
    def export_conversation(self, history: list[dict[str, Any]], session: ChatSession) -> tuple[str | None, str]:
        """The chat shown now, with its sources, as a Markdown file; returns (path or None, message)."""
        answers = self.conversation(history, session)
        if not answers:
            return None, texts.EXPORT_EMPTY
        path = write_conversation(answers, self.exports_dir, datetime.now())
        return str(path), ""

    # --- documents ----------------------------------------------------------------------------
    def documents_rows(self) -> list[list[Any]]:
        """The documents table: title, era, year, kind, file, passages, sections."""
        try:
            documents = self.kb.documents()
        except _KB_FAILURES:
            return []
        return [
            [
                info.doc.title,
                info.doc.era or "",
                info.doc.year or "",
                info.doc.kind or "",
                info.doc.source,
                info.passages,
                len(info.sections),
            ]
            for info in documents
        ]

    def document_choices(self) -> list[tuple[str, str]]:
        """(title, file name) for the document dropdowns."""
        try:
            documents = self.kb.documents()
        except _KB_FAILURES:
            return []
        return [(f"{info.doc.short_title} ({info.doc.source})", info.doc.source) for info in documents]

    def section_choices(self, source: str | None) -> dict[str, Any]:
        """The section dropdown for a document: its sections in document order, the first chosen."""
        if not source:
            return gr.update(choices=[], value=None)
        sections = [info.sections for info in self.kb.documents() if info.doc.source == source]
        choices = sections[0] if sections and sections[0] else [texts.BROWSE_NO_SECTION]
        return gr.update(choices=choices, value=choices[0])

    def browse(self, source: str | None, section: str | None) -> str:
        """The passages of one section of a document (or all of it when it has no sections)."""
        if not source:
            return render_message(texts.BROWSE_EMPTY)
        try:
            passages = self.kb.passages(source)
        except UnknownFilter:
            return render_message(texts.REMOVE_UNKNOWN)
        if section and section != texts.BROWSE_NO_SECTION:
            passages = [p for p in passages if p.section == section]
        return render_passages(passages)

    def upload(self, files: Sequence[str] | None, progress: ProgressCallback = gr.Progress()) -> str:
        """Copy uploaded documents to data/uploads/ and ingest them; returns what happened, in Dutch.

        Each file is read once before it is copied, so that an unreadable upload never replaces
        a good earlier version with the same name; the others are still ingested.
        """
        if not files:
            return texts.UPLOAD_NONE
        limit = self.settings.max_upload_mb
        problems: list[str] = []
        accepted: list[Path] = []
        for name in files:
            path = Path(name)
            if path.suffix.lower() not in UPLOAD_SUFFIXES:
                problems.append(texts.UPLOAD_BAD_TYPE.format(name=path.name))
                continue
            try:
                read_document(path, max_bytes=limit * 2**20)
            except UnreadableDocument as error:
                problems.append(texts.UPLOAD_SKIPPED.format(name=path.name, reason=dutch_reason(error.reason)))
                continue
            accepted.append(path)
        if not accepted:
            return "\n\n".join(problems)
        self.uploads_dir.mkdir(parents=True, exist_ok=True)
        copies = []
        for path in accepted:
            copy = self.uploads_dir / path.name
            shutil.copyfile(path, copy)
            copies.append(copy)

        def report_progress(stage: str, done: int, total: int) -> None:
            progress((done, total), desc=texts.INGEST_STAGES.get(stage, stage))

        try:
            report = ingest_files(copies, self.settings, progress=report_progress)
        except (IngestError, StoreUnavailable, EmbeddingModelMissing) as error:
            return f"{texts.UPLOAD_FAILED} {error}"
        return "\n\n".join([*problems, *self._report_lines(report)])

    @staticmethod
    def _report_lines(report: IngestReport) -> list[str]:
        lines = [
            texts.UPLOAD_SKIPPED.format(name=name, reason=dutch_reason(reason)) for name, reason in report.skipped
        ]
        for template, names in (
            (texts.UPLOAD_ADDED, report.added),
            (texts.UPLOAD_CHANGED, report.changed),
            (texts.UPLOAD_UNCHANGED, report.unchanged),
        ):
            if names:
                lines.append(template.format(names=", ".join(names)))
        lines.append(texts.UPLOAD_TOTAL.format(documents=report.documents, passages=report.passages))
        return lines

    def remove(self, source: str | None) -> str:
        """Remove a document from the knowledge base (and its copy in data/uploads/, if it was uploaded)."""
        if not source:
            return texts.REMOVE_NONE
        try:
            titles = {info.doc.source: info.doc.title for info in self.kb.documents()}
        except _KB_FAILURES as error:
            return _kb_failure_message(error)
        if source not in titles:
            return texts.REMOVE_UNKNOWN
        try:
            report = remove_documents([source], self.settings)
        except (IngestError, StoreUnavailable) as error:
            return f"{texts.REMOVE_FAILED} {error}"
        if source not in report.removed:
            return texts.REMOVE_UNKNOWN
        (self.uploads_dir / source).unlink(missing_ok=True)
        return texts.REMOVE_DONE.format(title=titles[source], documents=report.documents, passages=report.passages)

    # --- evaluation ---------------------------------------------------------------------------
    def latest_eval(self) -> EvalView:
        """The newest eval report under settings.eval_dir (a run's folder holds summary.json and plots/)."""
        summaries = sorted(
            [*self.settings.eval_dir.glob("summary.json"), *self.settings.eval_dir.glob("*/summary.json")],
            key=lambda p: p.stat().st_mtime,
        )
        if not summaries:
            return EvalView(texts.EVAL_NONE, texts.EVAL_COLUMNS, [], [])
        path = summaries[-1]
        summary = json.loads(path.read_text(encoding="utf-8"))
        with_baseline = summary["baseline"] is not None
        baseline_columns = texts.EVAL_BASELINE_COLUMNS if with_baseline else []
        headers = texts.EVAL_COLUMNS[:3] + baseline_columns + texts.EVAL_COLUMNS[3:]
        rows = [
            [
                r["name"],
                texts.EVAL_METRICS.get(r["name"], r["description"]),
                r["ours"],
                *((r["baseline"], r["ratio"]) if with_baseline else ()),
                r["n"],
            ]
            for r in report_view(summary)["overall"]
        ]
        run = summary["run"]
        started = datetime.fromisoformat(run["started"]).astimezone()
        info = texts.EVAL_INFO.format(
            when=f"{dutch_date(started)}, {started:%H:%M}",
            questions=run["questions"],
            failures=len(summary["failures"]),
            report=path.parent / "report.html",
        )
        plots = [str(p) for p in sorted((path.parent / "plots").glob("*.png"))]
        return EvalView(info, headers, rows, plots)

    def run_fast_eval(self, progress: ProgressCallback = gr.Progress()) -> str:
        """Run the fast gate set (evals/sets/gate.txt) through the eval runner into settings.eval_dir."""
        try:
            kb = self.kb
        except _KB_FAILURES as error:
            return _kb_failure_message(error)
        started = time.perf_counter()
        ids = read_ids_file(GATE_IDS)

        def report_progress(stage: str, done: int, total: int) -> None:
            progress((done, total), desc=texts.EVAL_STAGES.get(stage, stage))

        summary = run_eval(
            [FAST_SET],
            self.settings.eval_dir / "snel",
            self.settings,
            ids=ids,
            kb=kb,
            with_baseline=False,
            on_progress=report_progress,
        )
        return texts.EVAL_DONE.format(n=summary["run"]["questions"], seconds=time.perf_counter() - started)

    # --- about --------------------------------------------------------------------------------
    def about_markdown(self) -> str:
        """The Over page: what Steunwijs is, the documents it knows with their dates, its limits."""
        try:
            documents = self.kb.documents()
        except _KB_FAILURES as error:
            listing = f"_{_kb_failure_message(error)}_"
        else:
            listing = "\n".join(
                texts.ABOUT_DOC_LINE.format(
                    title=info.doc.title,
                    year=info.doc.year or texts.YEAR_UNKNOWN,
                    publisher=info.doc.publisher or texts.UNKNOWN,
                    era=info.doc.era or texts.UNKNOWN,
                    passages=info.passages,
                )
                for info in documents
            ) or texts.ABOUT_NO_DOCS
        return texts.page_text("over").format(documents=listing)
