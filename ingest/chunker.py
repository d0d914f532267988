"""Chunking: one document file -> `Passage`s sized for the embedding model, one section at a time.

The public entry point of ingestion's text side (`ingest.pipeline` builds on it):
read (ingest.readers) -> pages (ingest.structure) -> clean blocks (ingest.clean) -> sections ->
llama-index `SentenceSplitter` per section, measured with the embedding model's own tokenizer.

Why per section: a passage that straddles two sections mixes topics and gets a wrong section path
in its citation. Why the model's tokenizer: e5 silently truncates past 512 tokens, so a passage
sized in words or characters could lose its end without anyone noticing; every passage is
checked against `max_tokens` and split again if needed.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.node_parser.text.utils import split_by_sentence_tokenizer_internal
from llama_index.core.utils import globals_helper
from nltk.tokenize.punkt import PunktTokenizer

from ingest.clean import clean_document
from ingest.clean.records import Block, BlockKind
from ingest.clean.vocabulary import Vocabulary
from ingest.errors import UnreadableDocument
from ingest.readers import SourceText, read_document
from ingest.structure import PageLayout, SectionPath, page_layout
from steunwijs.errors import ConfigurationError
from steunwijs.types import DocumentMeta, Passage

CountTokens = Callable[[str], int]
_FOOTNOTE_MARK = re.compile(r"\[\d{1,2}\]")


class _ChunkTooLarge(ValueError):
    """A piece of text that no split brings under the token limit (a single enormous 'word')."""


@dataclass
class Section:
    """Consecutive blocks under one section path, as one text with an offset -> line map."""

    path: str
    text: str = ""
    offsets: list[int] = field(default_factory=list)  # ascending text offsets ...
    line_at: list[int] = field(default_factory=list)  # ... and the source line from each offset on
    last_kind: BlockKind | None = None

    def add(self, block: Block) -> None:
        if self.text:
            self.text += "\n" if block.kind is BlockKind.ITEM and self.last_kind is BlockKind.ITEM else "\n\n"
        base = len(self.text)
        for offset, line in block.spans:
            self.offsets.append(base + offset)
            self.line_at.append(line)
        self.text += block.text
        self.last_kind = block.kind

    def lines(self, start: int, end: int) -> tuple[int, int]:
        """First and last source line of the text between offsets start and end."""
        first = bisect_right(self.offsets, start) - 1
        last = bisect_right(self.offsets, max(start, end - 1)) - 1
        covered = self.line_at[max(first, 0) : last + 1]
        return min(covered), max(covered)


def sections(blocks: list[Block]) -> list[Section]:
    """Group blocks under their section path; headings open sections, empty sections vanish.

    A listing (list of figures, table of contents) ends with its last entry: what follows goes
    back to the enclosing section. Footnote markers are left out of section titles
    ("2.3.2 Bij de school als organisatie[13]" is the section "2.3.2 Bij de school als organisatie").
    """
    path = SectionPath()
    found: list[Section] = []
    current = Section(path="")
    for block in blocks:
        if block.heading is not None:
            if current.text:
                found.append(current)
            path.enter(_FOOTNOTE_MARK.sub("", block.text).strip(), block.heading)
            current = Section(path=path.path)
        else:
            if path.in_listing and current.last_kind is BlockKind.ITEM and block.kind is not BlockKind.ITEM:
                found.append(current)
                path.leave_listing()
                current = Section(path=path.path)
            current.add(block)
    if current.text:
        found.append(current)
    return found


def passages_for_file(
    path: Path,
    meta: DocumentMeta,
    count_tokens: CountTokens,
    chunk_size: int,
    chunk_overlap: int,
    max_tokens: int,
    vocabulary: Vocabulary | None = None,
    max_bytes: int | None = None,
) -> list[Passage]:
    """The passages of one document, in reading order.

    `count_tokens(text)` counts what the model sees for "passage: " + text; every passage has
    count_tokens(passage.text) <= max_tokens. `vocabulary` is the corpus evidence for cleaning
    (default: the document's own words). Raises ingest.errors.UnreadableDocument for a file
    that cannot be read.
    """
    source = read_document(Path(path), max_bytes=max_bytes)
    vocabulary = vocabulary or Vocabulary.from_texts(["\n".join(source.lines)])
    layout = page_layout(source.lines) if source.pages is None and Path(path).suffix.lower() == ".txt" else None
    blocks = clean_document(source, vocabulary, layout.markers if layout else frozenset())
    splitter = _Splitter(count_tokens, chunk_size, chunk_overlap, max_tokens)
    chunks: list[tuple[Section, int, int]] = []
    for section in sections(blocks):
        try:
            chunks.extend((section, start, end) for start, end in splitter.spans(section.text))
        except _ChunkTooLarge as error:
            raise UnreadableDocument(
                Path(path),
                f"een stuk tekst is te lang voor het taalmodel: {error}",
                f"a piece of text is too long for the model: {error}",
            ) from error
    passages: list[Passage] = []
    seen: set[str] = set()
    for section, start, end in chunks:
        text = section.text[start:end]
        first, last = section.lines(start, end)
        page, approximate = _page(source, layout, first)
        passages.append(
            Passage(
                id=_passage_id(meta.source, text, seen),
                doc=meta,
                section=section.path,
                page=page,
                page_approximate=approximate,
                lines=(first, last),
                text=text,
                raw="\n".join(source.lines[first - 1 : last]),
            )
        )
    return passages


def embedding_text(passage: Passage) -> str:
    """The passage with its section path in front: more context for the embedding, same clean text.

    Passage.text stays the clean passage (shown and quoted); use this only for what is embedded.
    """
    return f"{passage.section}: {passage.text}" if passage.section else passage.text


class _ModelTokens:
    """A SentenceSplitter tokenizer that measures text as the embedding model does.

    The splitter only needs the number of tokens (it calls len() on the result), so this returns
    a range of that length, without the "passage: " prefix and special tokens counted once per text.
    """

    def __init__(self, count_tokens: CountTokens) -> None:
        self._count = count_tokens
        self._overhead = count_tokens("")

    def __call__(self, text: str) -> range:
        return range(max(0, self._count(text) - self._overhead))


class _Splitter:
    """llama-index's SentenceSplitter (Dutch sentence boundaries) with a hard token limit on top."""

    def __init__(self, count_tokens: CountTokens, chunk_size: int, chunk_overlap: int, max_tokens: int) -> None:
        self._count = count_tokens
        self._max_tokens = max_tokens
        self._tokens = _ModelTokens(count_tokens)
        globals_helper.wait_for_nltk_check()  # puts llama-index's bundled NLTK data on nltk's path
        self._sentences = PunktTokenizer("dutch")
        self._size = min(chunk_size, max_tokens - count_tokens(""))
        if self._size < 16:
            raise ConfigurationError(
                f"max_tokens={max_tokens} laat na het passage-voorvoegsel geen ruimte voor tekst",
                f"max_tokens={max_tokens} leaves no room for text after the passage prefix",
            )
        self._overlap = min(chunk_overlap, self._size // 2)

    def _parser(self, size: int, overlap: int) -> SentenceSplitter:
        return SentenceSplitter(
            chunk_size=size,
            chunk_overlap=overlap,
            tokenizer=self._tokens,
            paragraph_separator="\n\n",
            chunking_tokenizer_fn=lambda text: split_by_sentence_tokenizer_internal(text, self._sentences),
        )

    def spans(self, text: str, size: int | None = None) -> list[tuple[int, int]]:
        """(start, end) offsets of the chunks of `text`; a chunk over max_tokens is split again, smaller."""
        size = size or self._size
        parser = self._parser(size, self._overlap if size == self._size else 0)
        found: list[tuple[int, int]] = []
        cursor = 0
        for chunk in parser.split_text(text):
            start = _locate(text, chunk, cursor)
            cursor = start + 1
            if self._count(chunk) <= self._max_tokens:
                found.append((start, start + len(chunk)))
            elif size <= 16:
                raise _ChunkTooLarge(f"no split brings this text under {self._max_tokens} tokens: {chunk[:80]!r}")
            else:
                found.extend((start + a, start + b) for a, b in self.spans(chunk, size // 2))
        return found


def _locate(text: str, chunk: str, cursor: int) -> int:
    """Where a chunk starts: SentenceSplitter chunks are stripped substrings, in order (overlaps
    start before the previous chunk's end, so search from just after the previous start)."""
    start = text.find(chunk, cursor)
    if start < 0:
        raise ValueError(f"chunk not found in its section text: {chunk[:80]!r}")
    return start


def _page(source: SourceText, layout: PageLayout | None, line: int) -> tuple[int | None, bool]:
    if source.pages is not None:
        return source.pages[line - 1], False
    if layout is not None:
        return layout.page_of(line), True
    return None, True


def _passage_id(source: str, text: str, seen: set[str]) -> str:
    """Hash of document and text; a repeated text in the same document gets its occurrence number."""
    occurrence = 0
    while True:
        digest = hashlib.sha256(f"{source}\n{occurrence}\n{text}".encode()).hexdigest()[:32]
        if digest not in seen:
            seen.add(digest)
            return digest
        occurrence += 1
