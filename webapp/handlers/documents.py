"""The 'Documenten' tab: what the knowledge base holds, browsing a document, uploading and removing.

Uploads and removals go through `ingest.pipeline`, the same incremental, atomic ingest as the CLI:
a failed action leaves the knowledge base as it was, and the page says so with the error's Dutch
message (webapp.errors).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from ingest.errors import ReadOnlyDataFolder, SkipReason, UnreadableDocument
from kb.damage import Repair
from kb.store import writable
from steunwijs.errors import SteunwijsError
from steunwijs.settings import Settings
from webapp import texts
from webapp.citation_panel import render_message, render_passages
from webapp.errors import shows_errors, user_message
from webapp.handlers.progress import ProgressCallback, stage_reporter
from webapp.startup import Startup

if TYPE_CHECKING:  # the ingest (its readers: pypdf, python-docx, BeautifulSoup) is imported at the first upload
    from ingest.pipeline import IngestReport

log = logging.getLogger(__name__)

UPLOAD_SUFFIXES = (".pdf", ".docx", ".txt", ".md")


@dataclass(frozen=True)
class Listing:
    """The documents as the tab lists them, or the reason it cannot (then `rows` is empty)."""

    rows: list[list[Any]]
    """Title, era, year, kind, file, passages, sections (texts.DOCS_COLUMNS)."""
    choices: list[tuple[str, str]]
    """(short title (file), file name) for the browse and remove dropdowns."""
    message: str = ""


def _skipped(name: str, reason: SkipReason) -> str:
    log.info("upload %s not ingested: %s", name, reason.en)
    return texts.UPLOAD_SKIPPED.format(name=name, reason=reason.nl)


def repaired_lines(repairs: Sequence[Repair]) -> list[str]:
    """What an ingest found damaged in the index and mended, one Dutch line each."""
    return [texts.REPAIRED.format(what=repair.nl) for repair in repairs]


def _report_lines(report: IngestReport) -> list[str]:
    lines = [*repaired_lines(report.repaired), *[_skipped(name, reason) for name, reason in report.skipped]]
    for template, names in (
        (texts.UPLOAD_ADDED, report.added),
        (texts.UPLOAD_CHANGED, report.changed),
        (texts.UPLOAD_UNCHANGED, report.unchanged),
    ):
        if names:
            lines.append(template.format(names=", ".join(names)))
    lines.extend(report.roles_llm.lines() if report.roles_llm else [])
    lines.append(texts.UPLOAD_TOTAL.format(documents=report.documents, passages=report.passages))
    return lines


class DocumentsHandler:
    """The documents of the knowledge base the start-up opened; uploads are kept in data/uploads/."""

    def __init__(self, settings: Settings, startup: Startup) -> None:
        self.settings = settings
        self.startup = startup
        self.uploads_dir: Path = settings.data_dir / "uploads"

    def listing(self) -> Listing:
        """The documents table and dropdown choices, read from the knowledge base once."""
        try:
            documents = self.startup.knowledge_base().documents()
        except SteunwijsError as error:
            return Listing([], [], user_message(error))
        rows = [
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
        choices = [(f"{info.doc.short_title} ({info.doc.source})", info.doc.source) for info in documents]
        return Listing(rows, choices)

    @shows_errors(lambda message: (gr.update(choices=[], value=None), render_message(message)))
    def open_document(self, source: str | None) -> tuple[dict[str, Any], str]:
        """The section dropdown for a document (its sections in document order, the first chosen)
        and the passages of that first section."""
        if not source:
            return gr.update(choices=[], value=None), render_message(texts.BROWSE_EMPTY)
        sections = [info.sections for info in self.startup.knowledge_base().documents() if info.doc.source == source]
        choices = sections[0] if sections and sections[0] else [texts.BROWSE_NO_SECTION]
        return gr.update(choices=choices, value=choices[0]), self.browse(source, choices[0])

    @shows_errors(render_message)
    def browse(self, source: str | None, section: str | None) -> str:
        """The passages of one section of a document (or all of it when it has no sections)."""
        if not source:
            return render_message(texts.BROWSE_EMPTY)
        passages = self.startup.knowledge_base().passages(source)
        if section and section != texts.BROWSE_NO_SECTION:
            passages = [p for p in passages if p.section == section]
        return render_passages(passages)

    @shows_errors(lambda message: f"{texts.UPLOAD_FAILED} {message}")
    def upload(self, files: Sequence[str] | None, progress: ProgressCallback = gr.Progress()) -> str:
        """Copy uploaded documents to data/uploads/ and ingest them; returns what happened, in Dutch.

        Each file is read once before it is copied, so that an unreadable upload never replaces
        a good earlier version with the same name; the others are still ingested.
        """
        from ingest.pipeline import ingest_files
        from ingest.readers import read_document

        if not files:
            return texts.UPLOAD_NONE
        if not writable(self.settings.data_dir):
            raise ReadOnlyDataFolder(self.settings.data_dir)
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
                problems.append(_skipped(path.name, error.reason))
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

        report = ingest_files(copies, self.settings, progress=stage_reporter(progress, texts.INGEST_STAGES))
        return "\n\n".join([*problems, *_report_lines(report)])

    @shows_errors(lambda message: f"{texts.REMOVE_FAILED} {message}")
    def remove(self, source: str | None) -> str:
        """Remove a document from the knowledge base (and its copy in data/uploads/, if it was uploaded)."""
        from ingest.pipeline import remove_documents

        if not source:
            return texts.REMOVE_NONE
        titles = {info.doc.source: info.doc.title for info in self.startup.knowledge_base().documents()}
        if source not in titles:
            return texts.REMOVE_UNKNOWN
        report = remove_documents([source], self.settings)
        if source not in report.removed:
            return texts.REMOVE_UNKNOWN
        (self.uploads_dir / source).unlink(missing_ok=True)
        done = texts.REMOVE_DONE.format(title=titles[source], documents=report.documents, passages=report.passages)
        return "\n\n".join([*repaired_lines(report.repaired), done])
