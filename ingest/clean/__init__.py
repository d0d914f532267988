"""Cleaning: the extracted lines of a document -> readable blocks (headings, paragraphs, list items,
footnotes), each knowing the source lines it came from.

The text of the corpus is PDF extraction output with the quirks listed in DOMAIN.md ("The text as
extracted"). Each quirk has one small named rule, applied by `clean_document` in this order:

1. `footnotes.split_off_footnotes`  footnote blocks spliced into running sentences; glued markers -> "[n]"
2. `lines.drop_page_furniture`      printed page numbers and running footers (found by ingest.structure)
3. `lines.normalise_line`           NBSP/tabs, private-use bullets -> "- ", shared bullet lines, letter
                                    spacing, contact details redacted;
   `lines.drop_repeated_urls`, `lines.undouble_caption_numbers`   (000's doubled URLs, 004's "Figuur 77")
4. `blocks.build_blocks`            paragraphs rebuilt (double line spacing aware), headings kept apart,
                                    footnotes placed after the paragraph they interrupted
5. `hyphenation.join_lines`         line-end hyphenation resolved with evidence from the corpus
                                    (`vocabulary.Vocabulary`), while blocks are built

The records they pass along are in `records`. Nothing here changes the source: every block carries
its line numbers, so the raw lines stay reachable for quoting the source's own words.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from ingest.clean.blocks import build_blocks
from ingest.clean.footnotes import split_off_footnotes
from ingest.clean.lines import drop_page_furniture, drop_repeated_urls, normalise_line, undouble_caption_numbers
from ingest.clean.records import Block, Line
from ingest.clean.vocabulary import Vocabulary
from ingest.readers import SourceText


def clean_document(source: SourceText, vocabulary: Vocabulary, markers: frozenset[int] = frozenset()) -> list[Block]:
    """All rules in order: the source's lines -> blocks of clean text with their line numbers."""
    lines = [Line(number, text) for number, text in enumerate(source.lines, start=1)]
    body, footnotes = split_off_footnotes(lines, vocabulary, markers)
    anchors = [body[note.before].number if note.before < len(body) else None for note in footnotes]
    body = drop_page_furniture(body, markers)
    marked = source.headings or None
    normal: list[Line] = []
    for line in body:
        if marked and line.number in marked:
            line = Line(line.number, _strip_markdown_heading(line.text))
        normal.extend(normalise_line(line))
    normal = undouble_caption_numbers(drop_repeated_urls(normal))
    numbers = [line.number for line in normal]
    for note, anchor in zip(footnotes, anchors):
        note.before = len(normal) if anchor is None else bisect_left(numbers, anchor)
    return build_blocks(normal, footnotes, vocabulary, marked)


def _strip_markdown_heading(text: str) -> str:
    return re.sub(r"^\s*#{1,6}\s+|\s+#+\s*$", "", text)
