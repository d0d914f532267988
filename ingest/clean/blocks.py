"""Blocks: clean lines -> paragraphs, list items and headings; footnotes after their paragraph.

The extraction gives lines, not paragraphs: a blank line may be double line spacing (000, 001, 002)
rather than a paragraph break, a sentence may run on across a removed footnote block or page
number, and headings must be told from look-alikes (ingest.structure). Each block keeps the source
line of every piece of its text.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from ingest.clean.hyphenation import Hyphenation, join_lines, learn_hyphenation
from ingest.clean.lines import normalise_line
from ingest.clean.records import Block, BlockKind, Footnote, Line
from ingest.clean.vocabulary import Vocabulary
from ingest.structure import Heading, HeadingKind, classify_heading, continues_heading, ends_sentence

_CAPTION = re.compile(r"^(?:Figuur|Tabel|Grafiek)\s+\d+")
_ITEM = re.compile(r"^(?:- |\d{1,2}[.)] |[a-z][.)] |(?:Figuur|Tabel|Grafiek)\s+\d+\b)")
_CONTINUES = re.compile(r"[\w,;(–-]$")


@dataclass
class _Layout:
    """Typical line length and spacing of a document (000, 001, 002 are double spaced)."""

    line_length: float
    double_spaced: bool


def _layout(lines: list[Line]) -> _Layout:
    """Double spacing shows as sentences running on across a single empty line, again and again."""
    lengths = [len(line.text) for line in lines if line.text.strip()]
    across_blank = [
        (before.text, after.text)
        for before, blank, after in zip(lines, lines[1:], lines[2:])
        if blank.text == "" and before.text.strip() and after.text.strip()
    ]
    running_on = sum(1 for before, after in across_blank if _CONTINUES.search(before) and after[:1].islower())
    return _Layout(
        line_length=statistics.median(lengths) if lengths else 80.0,
        double_spaced=running_on >= 3
        and running_on > 0.3 * len(across_blank)
        and len(across_blank) > 0.3 * len(lengths),
    )


def build_blocks(
    body: list[Line],
    footnotes: list[Footnote],
    vocabulary: Vocabulary,
    marked_headings: dict[int, int] | None = None,
) -> list[Block]:
    """Rebuild paragraphs, list items and headings from cleaned lines; footnotes follow their paragraph.

    A blank line is no paragraph break in a double-spaced text (000, 001, 002 have one after almost
    every line); there a break is a whitespace-only line holding spaces, two blank lines, or a
    sentence end on a short line or on a line the extraction ended with two spaces. A line that
    continues a sentence (previous ends in a letter, comma or hyphen, this one starts in lower
    case) never starts a paragraph, so text on both sides of a removed footnote block or page
    number is joined again. Bullets, enumerations and captions ("Figuur 3 – …", 003's list of
    figures) are items of their own.
    """
    layout = _layout(body)
    hyphenation = learn_hyphenation(body, vocabulary)
    pending: dict[int, list[Footnote]] = {}
    for note in footnotes:
        pending.setdefault(note.before, []).append(note)
    waiting: list[Footnote] = []
    blocks: list[Block] = []
    current: Block | None = None
    gap: list[str] = []
    previous: Line | None = None

    def close() -> None:
        nonlocal current
        current = None
        for note in waiting:
            blocks.append(_footnote_block(note, vocabulary, hyphenation))
        waiting.clear()

    for index, line in enumerate(body):
        waiting.extend(pending.pop(index, []))
        if not line.text.strip():
            gap.append(line.text)
            continue
        raw_gap, gap = gap, []
        following = _next_text(body, index)
        in_item = current is not None and current.kind is BlockKind.ITEM
        broken = previous is None or _is_break(previous, line.text, raw_gap, layout, line.page_start, in_item)
        heading = _heading(line, previous, following, broken, current, layout, marked_headings)
        if current is not None and current.kind is BlockKind.HEADING and marked_headings is None:
            if continues_heading(current.text, line.text):
                current.append(line.text, line.number, " ")
                previous = line
                continue
        if current is not None and not heading and not broken and current.kind is not BlockKind.HEADING:
            if not _ITEM.match(line.text):
                _extend(current, line, vocabulary, hyphenation, layout)
                previous = line
                continue
        close()
        kind = BlockKind.HEADING if heading else BlockKind.ITEM if _ITEM.match(line.text) else BlockKind.PARAGRAPH
        current = Block(kind, "", heading=heading)
        current.append(line.text, line.number, "")
        blocks.append(current)
        previous = line
    for index in sorted(pending):
        waiting.extend(pending[index])
    close()
    return demote_thin_subheadings([block for block in blocks if block.text.strip()])


def demote_thin_subheadings(blocks: list[Block], min_chars: int = 200) -> list[Block]:
    """An unnumbered subheading over less than `min_chars` of text is a label, not a section.

    004 l.363-372 explains three levels ("Beneden de verwachting" + one sentence, …): legend
    entries that look like subheadings but would each make a one-sentence section. A caption
    ("Figuur 77: Ontwikkelingsniveaus.") right after shows the "section" was a flattened figure.
    """
    for index, block in enumerate(blocks):
        if block.kind is not BlockKind.HEADING or block.heading is None:
            continue
        if block.heading.kind is not HeadingKind.SUBHEADING:
            continue
        body = 0
        for following in blocks[index + 1 :]:
            if following.kind is BlockKind.HEADING:
                break
            body += len(following.text)
        if body < min_chars or any(_CAPTION.match(item.text) for item in blocks[index + 1 : index + 3]):
            block.kind, block.heading = BlockKind.PARAGRAPH, None
    return blocks


def _extend(block: Block, line: Line, vocabulary: Vocabulary, hyphenation: Hyphenation, layout: _Layout) -> None:
    kept, separator = join_lines(block.text, line.text, vocabulary, hyphenation)
    last_line = block.text[block.spans[-1][0] :]
    new_start = line.text[:1].isupper() or line.text[:1].isdigit()
    if separator == " " and new_start and len(last_line) < 0.6 * layout.line_length:
        separator = "\n"  # a short line followed by a new start: a table row or an address line
    block.text = kept
    block.append(line.text, line.number, separator)


def _is_break(previous: Line, text: str, gap: list[str], layout: _Layout, starts_page: bool, in_item: bool) -> bool:
    if _CONTINUES.search(previous.text) and text[:1].islower():
        return False
    if gap and (not layout.double_spaced or len(gap) >= 2 or any(item for item in gap)):
        return True
    if text[:1].islower():
        return False
    if in_item and not re.search(r"[,(–-]$", previous.text):
        return True  # a capital after a list item starts the text after the list
    if starts_page and (ends_sentence(previous.text) or not _CONTINUES.search(previous.text)):
        return True  # a new page starting with a capital after a finished line
    return ends_sentence(previous.text) and (previous.wide_end or len(previous.text) < 0.7 * layout.line_length)


def _heading(
    line: Line,
    previous: Line | None,
    following: str | None,
    broken: bool,
    current: Block | None,
    layout: _Layout,
    marked_headings: dict[int, int] | None,
) -> Heading | None:
    if marked_headings is not None:
        level = marked_headings.get(line.number)
        return Heading(HeadingKind.MARKED, depth=level) if level else None
    after_heading = current is not None and current.kind is BlockKind.HEADING
    context = None if broken or after_heading or previous is None else previous.text
    return classify_heading(line.text, context, following, layout.line_length)


def _next_text(body: list[Line], index: int) -> str | None:
    return next((body[i].text for i in range(index + 1, len(body)) if body[i].text.strip()), None)


def _footnote_block(note: Footnote, vocabulary: Vocabulary, hyphenation: Hyphenation) -> Block:
    block = Block(BlockKind.FOOTNOTE, "")
    for position, line in enumerate(note.lines):
        text = " ".join(part.text for part in normalise_line(line)).strip()
        if not text:
            continue
        if position == 0:
            block.append(f"[{note.number}] {text}", line.number, "")
        else:
            kept, separator = join_lines(block.text, text, vocabulary, hyphenation)
            block.text = kept
            block.append(text, line.number, separator)
    return block
