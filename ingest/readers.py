"""Readers: one document file -> its text as numbered lines, with whatever structure the format gives.

Every later step (cleaning, structure, chunking, citations) refers to a document by 1-based line
numbers of the text returned here, so a reader decides what "the source's own lines" are:
the file's lines for .txt/.md, the text pypdf extracts page by page for .pdf (each line knows its
page exactly), one line per paragraph for .docx and per block element for .html (headings marked).

A file that cannot be turned into text raises `UnreadableDocument` (ingest.errors) with the file and a
reason a user can act on, in Dutch and English, instead of a library traceback or an empty document in
the store.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import docx
from bs4 import BeautifulSoup
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from ingest.errors import UnreadableDocument

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")

# Control characters that never occur in text files; a few of them mean "this is binary data".
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(\S.*?)\s*#*\s*$")
_HTML_BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "td", "th", "pre", "blockquote", "dt", "dd", "div")


@dataclass(frozen=True)
class SourceText:
    """The text of one file as numbered lines (line n is `lines[n - 1]`).

    `pages[i]` is the exact 1-based page of line i+1 when the format has pages (PDF), else None.
    `headings` maps a line number to a heading level when the format marks headings itself
    (Markdown `#`, Word heading styles, HTML h1-h6); then no heading has to be guessed.
    """

    path: Path
    lines: list[str]
    pages: list[int] | None = None
    headings: dict[int, int] = field(default_factory=dict)
    title: str | None = None
    year: int | None = None


def read_document(path: Path, max_bytes: int | None = None) -> SourceText:
    """Read one supported file; raises UnreadableDocument for anything that is not usable text."""
    path = Path(path)
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        raise UnreadableDocument(
            path,
            f"bestandstype '{suffix or '(geen extensie)'}' wordt niet ondersteund (alleen {supported})",
            f"unsupported file type '{suffix or '(none)'}'",
        )
    if not path.is_file():
        raise UnreadableDocument(path, "bestand niet gevonden", "file not found")
    check_size(path, max_bytes)
    source = reader(path)
    if not any(line.strip() for line in source.lines):
        raise UnreadableDocument(path, "het bestand bevat geen tekst", "the file contains no text")
    return source


def check_size(path: Path, max_bytes: int | None) -> None:
    """Refuse an empty file, or one over `max_bytes`, from its size alone: before a byte is read."""
    size = path.stat().st_size
    if size == 0:
        raise UnreadableDocument(path, "het bestand is leeg", "the file is empty")
    if max_bytes is not None and size > max_bytes:
        raise UnreadableDocument(
            path,
            f"het bestand is te groot ({size / 2**20:.1f} MiB, maximum {max_bytes / 2**20:.0f} MiB)",
            "the file is too large",
        )


def _decode(path: Path) -> str:
    data = path.read_bytes()
    if _BINARY_BYTES.search(data[:65536]):
        raise UnreadableDocument(path, "dit is geen tekstbestand (binaire inhoud)", "not a text file (binary content)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableDocument(
            path,
            f"de tekst is geen geldige UTF-8 (byte {error.start}); sla het bestand op als UTF-8",
            "the text is not valid UTF-8; save the file as UTF-8",
        ) from error


def _split_lines(text: str) -> list[str]:
    """Lines as `sed -n Np` counts them: split on newlines only (not on form feeds or U+2028)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _read_text(path: Path) -> SourceText:
    return SourceText(path=path, lines=_split_lines(_decode(path)))


def _read_markdown(path: Path) -> SourceText:
    lines = _split_lines(_decode(path))
    headings: dict[int, int] = {}
    title = None
    in_code = False
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith("```"):
            in_code = not in_code
            continue
        match = None if in_code else _MD_HEADING.match(line)
        if match:
            headings[number] = len(match.group(1))
            title = title or match.group(2)
    return SourceText(path=path, lines=lines, headings=headings, title=title)


def _read_pdf(path: Path) -> SourceText:
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise UnreadableDocument(path, "de PDF is beveiligd met een wachtwoord", "the PDF is password-protected")
        page_texts = [page.extract_text() or "" for page in reader.pages]
        metadata = reader.metadata
    except (PyPdfError, ValueError, TypeError, KeyError) as error:  # pypdf meets broken structure with these
        raise UnreadableDocument(
            path, f"geen geldige of een beschadigde PDF ({error})", f"not a valid or a corrupt PDF ({error})"
        ) from error
    lines: list[str] = []
    pages: list[int] = []
    for number, text in enumerate(page_texts, start=1):
        page_lines = _split_lines(text)
        lines.extend(page_lines)
        pages.extend([number] * len(page_lines))
    if not any(line.strip() for line in lines):
        raise UnreadableDocument(
            path,
            "de PDF bevat geen tekstlaag (gescand document?)",
            "the PDF has no text layer (scanned?)",
        )
    title = (metadata.title or "").strip() if metadata else ""
    created = metadata.creation_date if metadata else None
    return SourceText(path=path, lines=lines, pages=pages, title=title or None, year=created.year if created else None)


def _read_docx(path: Path) -> SourceText:
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as error:
        raise UnreadableDocument(
            path,
            f"geen geldig of een beschadigd Word-bestand ({error})",
            f"not a valid or a corrupt .docx ({error})",
        ) from error
    lines: list[str] = []
    headings: dict[int, int] = {}
    for paragraph in document.paragraphs:
        text = paragraph.text.replace("\n", " ")
        level = _docx_heading_level(paragraph.style.name if paragraph.style is not None else "")
        lines.append(text)
        if level and text.strip():
            headings[len(lines)] = level
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text.replace("\n", " ").strip() for cell in row.cells))
    properties = document.core_properties
    title = (properties.title or "").strip() or None
    year = properties.created.year if properties.created else None
    return SourceText(path=path, lines=lines, headings=headings, title=title, year=year)


def _docx_heading_level(style_name: str) -> int:
    """Word's 'Title' and 'Heading N' styles (also the Dutch 'Kop N') as heading levels."""
    if style_name == "Title":
        return 1
    match = re.fullmatch(r"(?:Heading|Kop)\s+(\d)", style_name)
    return int(match.group(1)) if match else 0


def _read_html(path: Path) -> SourceText:
    soup = BeautifulSoup(_decode(path), "html.parser")  # Python's own parser: always present
    for element in soup(["script", "style", "noscript", "template"]):
        element.decompose()
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    lines: list[str] = []
    headings: dict[int, int] = {}
    body = soup.body or soup
    for element in body.find_all(_HTML_BLOCKS):
        if element.find(_HTML_BLOCKS):  # a container of other blocks: its children are read instead
            continue
        text = " ".join(element.get_text(" ").split())
        if not text:
            continue
        lines.append(text)
        if element.name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            headings[len(lines)] = int(element.name[1])
    if not lines:  # markup without block elements: fall back to the visible text
        lines = [" ".join(line.split()) for line in body.get_text("\n").split("\n") if line.strip()]
    return SourceText(path=path, lines=lines, headings=headings, title=title or None)


_READERS: dict[str, Callable[[Path], SourceText]] = {
    ".txt": _read_text,
    ".md": _read_markdown,
    ".pdf": _read_pdf,
    ".docx": _read_docx,
    ".html": _read_html,
    ".htm": _read_html,
}
