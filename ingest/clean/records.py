"""The records cleaning works on: source lines, footnotes, and the blocks of clean text it returns.

Every record keeps its source line numbers, so a passage built from blocks can always name (and
quote) the raw lines it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from ingest.structure import Heading


@dataclass
class Line:
    """One line of the source text as cleaning sees it (a source line can become several: bullets)."""

    number: int  # 1-based line number in the source text
    text: str
    wide_end: bool = False  # the source line ended in 2+ spaces: how the extraction ends a paragraph
    page_start: bool = False  # the source line began with a single space: the first line of a page


@dataclass
class Footnote:
    """A footnote moved out of the running text, and where it interrupted it."""

    number: int
    lines: list[Line]
    before: int  # index of the body line the footnote block interrupted


class BlockKind(str, Enum):
    """What a block is; the chunker joins list items more tightly than paragraphs."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    ITEM = "item"  # one item of a bullet or numbered list
    FOOTNOTE = "footnote"


@dataclass
class Block:
    """A piece of cleaned text and where it came from: `spans` maps text offsets to source lines."""

    kind: BlockKind
    text: str
    spans: list[tuple[int, int]] = field(default_factory=list)  # (offset in text, line number)
    heading: Heading | None = None

    def append(self, text: str, line: int, separator: str) -> None:
        """Add a line's text; `separator` is what joins it ("" after a resolved hyphen)."""
        self.text += separator
        self.spans.append((len(self.text), line))
        self.text += text
