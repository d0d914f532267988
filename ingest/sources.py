"""Document metadata: `sources.toml` when the corpus folder has one, otherwise what the file says.

Citations show a title, answers filter and order by era and year; none of that is in the extracted
text of the corpus (000 and 001 have no title page), so a curated `sources.toml` is the preferred
source. A folder without one (a user's own documents) still gets usable metadata: the title from
the file's own metadata (PDF/Word/HTML), else its first heading, else its file name.
"""

from __future__ import annotations

import logging
import re
import tomllib
from pathlib import Path

from pydantic import ValidationError

from ingest.admission import refusal
from ingest.clean import clean_document
from ingest.clean.records import BlockKind
from ingest.clean.vocabulary import Vocabulary
from ingest.errors import SourcesFileError, UnreadableDocument
from ingest.readers import SUPPORTED_SUFFIXES, SourceText, read_document
from ingest.structure import page_layout
from steunwijs.types import DocumentMeta

SOURCES_FILE = "sources.toml"
_SHORT_TITLE_CHARS = 40
_KEYS = {"title", "short", "short_title", "publisher", "year", "kind", "era"}

log = logging.getLogger(__name__)


def load_metadata(folder: Path, max_bytes: int | None = None) -> dict[str, DocumentMeta]:
    """Metadata for every supported file in `folder`, keyed by file name.

    Files listed in sources.toml get their entry from it (keys: title, short or short_title,
    publisher, year, kind, era); other files get metadata read from the file itself, unless
    `admission.refusal` forbids reading it (a link out of the folder, a file over `max_bytes`):
    such a file is not ingested and gets no entry.
    """
    folder = Path(folder)
    table = _read_sources_toml(folder / SOURCES_FILE) if (folder / SOURCES_FILE).is_file() else {}
    for path in sorted(folder.iterdir()):
        if (
            path.is_file()
            and path.suffix.lower() in SUPPORTED_SUFFIXES
            and path.name not in table
            and refusal(path, max_bytes) is None
        ):
            table[path.name] = meta_from_file(path)
    return table


def meta_for(path: Path, table: dict[str, DocumentMeta]) -> DocumentMeta:
    """The entry for this file, or metadata read from the file when the table has none."""
    path = Path(path)
    return table.get(path.name) or meta_from_file(path)


def meta_from_file(path: Path) -> DocumentMeta:
    """Metadata from the file itself: embedded title, else first heading, else the file name.

    An unreadable file still gets a name-based entry here; reading it for passages raises the
    UnreadableDocument that tells the user what is wrong.
    """
    path = Path(path)
    title: str | None = None
    year: int | None = None
    try:
        source = read_document(path)
    except UnreadableDocument as error:
        log.warning("metadata from the file name only: %s", error)
    else:
        title = source.title or _first_heading(source)
        year = source.year
    title = title or _title_from_name(path)
    return DocumentMeta(source=path.name, title=title, short_title=short_title(title), year=year)


def short_title(title: str) -> str:
    """The title cut at a word boundary to fit a citation chip."""
    if len(title) <= _SHORT_TITLE_CHARS:
        return title
    cut = title[:_SHORT_TITLE_CHARS].rsplit(" ", 1)[0].rstrip(" ,:;-")
    return f"{cut}…"


def _read_sources_toml(path: Path) -> dict[str, DocumentMeta]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SourcesFileError(path, f"geen geldige TOML: {error}", f"not valid TOML: {error}") from error
    table: dict[str, DocumentMeta] = {}
    for name, entry in data.items():
        if not isinstance(entry, dict):
            raise SourcesFileError(path, f"[{name}] moet een tabel zijn", f"[{name}] must be a table")
        unknown = set(entry) - _KEYS
        if unknown:
            raise SourcesFileError(
                path, f"[{name}] onbekende sleutels: {sorted(unknown)}", f"[{name}] unknown keys: {sorted(unknown)}"
            )
        if "title" not in entry:
            raise SourcesFileError(path, f"[{name}] mist 'title'", f"[{name}] has no 'title'")
        title = str(entry["title"])
        try:
            table[name] = DocumentMeta(
                source=name,
                title=title,
                short_title=str(entry.get("short_title") or entry.get("short") or short_title(title)),
                publisher=entry.get("publisher"),
                year=entry.get("year"),
                kind=entry.get("kind"),
                era=entry.get("era"),
            )
        except ValidationError as error:
            raise SourcesFileError(
                path, f"[{name}] ongeldige waarde: {error}", f"[{name}] invalid value: {error}"
            ) from error
    return table


def _first_heading(source: SourceText) -> str | None:
    """The first heading: marked by the format (Markdown/Word/HTML) or found by the cleaner."""
    markers = page_layout(source.lines).markers if source.pages is None else frozenset()
    blocks = clean_document(source, Vocabulary.from_texts(["\n".join(source.lines)]), markers)
    return next((block.text for block in blocks if block.kind is BlockKind.HEADING), None)


def _title_from_name(path: Path) -> str:
    words = re.sub(r"[_\-.]+", " ", path.stem).split()
    text = " ".join(words) or path.name
    return text[:1].upper() + text[1:]
