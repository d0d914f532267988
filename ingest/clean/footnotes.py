"""Footnotes: blocks spliced into running sentences are moved out; glued markers become "[n]".

The extraction puts a page's footnotes at the page bottom, which is often mid-sentence, and glues
each marker to the word or number it belongs to ("paramedisch3", "195" + "14" -> "19514"). The
corpus evidence (`Vocabulary`) tells a glued marker from a code such as "LM1" or a plain number.
"""

from __future__ import annotations

import re

from ingest.clean.records import Footnote, Line
from ingest.clean.vocabulary import Vocabulary
from ingest.structure import starts_page

_SEPARATOR = re.compile(r"^ {20,}$")  # the ~43 spaces before a footnote block (000, 001)
_FOOTNOTE_START = re.compile(r"^(\d{1,2})[ \t]+(\S.*)$")
_FOOTNOTE_WINDOW = 150  # lines searched back from a footnote block for its marker
_FOOTNOTE_MAX_LINES = 30
_GLUED_TO_WORD = re.compile(r"(?<![\w])(?P<word>[^\W\d_]{2,})(?P<punct>[)\]’”'\".,;:]{0,3})(?P<num>\d{1,2})(?![\w])")
_GLUED_TO_NUMBER = re.compile(r"(?<![\w.,])(?P<token>\d[\d.]*\d)(?![\w]|[.,]\d)")
_GROUPED = re.compile(r"^\d{1,3}(?:\.\d{3})+$")


def split_off_footnotes(
    lines: list[Line], vocabulary: Vocabulary, markers: frozenset[int] = frozenset()
) -> tuple[list[Line], list[Footnote]]:
    """Move footnote blocks out of the running text; separate their markers from the words.

    The extraction puts a page's footnotes at the page bottom, which is often mid-sentence:
    000 l.67-79 cut "…via regionale [footnotes] ondersteuningsnetwerken.", 001 l.5513-5523.
    A block starts after a separator line of spaces (000, 001), or - in 003/004, which have no
    separator - at a blank line followed by "n Text" where n is the next footnote number and a
    marker n is glued to a word shortly before ("volgen)1.", "beperking1"). It ends where the
    next page starts (a line with a single leading space), at a printed page number (`markers`)
    or at the end of the text.
    Table rows such as "8 LM1 en LM2, LP1, LP2, LP4, S2 2" fail these tests and stay text.
    """
    body: list[Line] = []
    footnotes: list[Footnote] = []
    expected = 1
    window_start = 0
    index = 0
    while index < len(lines):
        line = lines[index]
        start = _footnote_block_start(lines, index, expected, body, window_start, vocabulary, markers)
        if start is None:
            body.append(line)
            index += 1
            continue
        end = _footnote_block_end(lines, start, markers)
        notes = _split_numbered([item for item in lines[start:end] if item.text.strip()], expected)
        if not notes:  # numbering out of step: keep the lines as text rather than lose them
            body.append(line)
            index += 1
            continue
        for note in notes:
            _separate_marker(body, max(window_start, len(body) - _FOOTNOTE_WINDOW), note.number, vocabulary)
            footnotes.append(Footnote(note.number, note.lines, before=len(body)))
        expected = notes[-1].number + 1
        window_start = len(body)
        index = end
    return body, footnotes


def _footnote_block_start(
    lines: list[Line],
    index: int,
    expected: int,
    body: list[Line],
    window_start: int,
    vocabulary: Vocabulary,
    markers: frozenset[int],
) -> int | None:
    """Index of the first footnote line if a footnote block starts at `index`, else None."""
    line = lines[index]
    if _SEPARATOR.match(line.text):
        following = next((i for i in range(index + 1, len(lines)) if lines[i].text.strip()), None)
        if following is not None and _FOOTNOTE_START.match(lines[following].text):
            return index + 1
        return None
    match = _FOOTNOTE_START.match(line.text)
    if not match or int(match.group(1)) != expected or index == 0 or lines[index - 1].text.strip():
        return None
    text = match.group(2)
    if not (text[:1].isupper() or text.startswith("http")):
        return None
    end = _footnote_block_end(lines, index, markers)
    if end - index > _FOOTNOTE_MAX_LINES or (end < len(lines) and not _ends_page(lines[end], markers)):
        return None
    window = body[max(window_start, len(body) - _FOOTNOTE_WINDOW) :]
    if _find_marker(window, expected, vocabulary) is None:
        return None
    return index


def _footnote_block_end(lines: list[Line], start: int, markers: frozenset[int]) -> int:
    """Index just past the block: the next page start or page number, or the end of the text."""
    for index in range(start + 1, min(len(lines), start + _FOOTNOTE_MAX_LINES * 2)):
        if _ends_page(lines[index], markers):
            return index
    return min(len(lines), start + _FOOTNOTE_MAX_LINES * 2)


def _ends_page(line: Line, markers: frozenset[int]) -> bool:
    return line.number in markers or starts_page(line.text)


def _split_numbered(block: list[Line], expected: int) -> list[Footnote]:
    """A block can hold several footnotes (001 l.495-504: 6, 7, 8, 9), numbered consecutively."""
    notes: list[Footnote] = []
    for line in block:
        match = _FOOTNOTE_START.match(line.text)
        number = int(match.group(1)) if match else None
        if number is not None and (not notes and number >= expected or notes and number == notes[-1].number + 1):
            notes.append(Footnote(number, [Line(line.number, match.group(2))], before=0))
        elif notes:
            notes[-1].lines.append(line)
    return notes


def _find_marker(window: list[Line], number: int, vocabulary: Vocabulary) -> tuple[Line, int, int] | None:
    """The glued marker of footnote `number`: (line, start, end of the digits), nearest first.

    Glued to a word ("paramedisch3", "leerlingen.19", "SMARTI20") it counts when punctuation
    separates it, or the glued form occurs once and the word alone is attested or in lower case
    (codes such as "LM1", "BVH1", "OV4" are capitals and recur).
    Glued to a number ("19514" = 195 + 14, "2.39215" = 2.392 + 15) it counts only when no word
    carries the marker, the glued number occurs once, and the number without the marker is
    attested elsewhere or only it has valid thousands grouping.
    """
    digits = str(number)
    for line in reversed(window):
        for match in reversed(list(_GLUED_TO_WORD.finditer(line.text))):
            if match["num"] != digits:
                continue
            glued = match["word"] + match["num"]
            known = vocabulary.support(match["word"]) or match["word"].islower()
            if match["punct"] or (known and vocabulary.token_count(glued) < 2):
                return line, match.start("num"), match.end("num")
    for line in reversed(window):
        for match in reversed(list(_GLUED_TO_NUMBER.finditer(line.text))):
            token = match["token"]
            stem = token[: -len(digits)]
            if not token.endswith(digits) or not stem or stem.endswith(".") or vocabulary.token_count(token) >= 2:
                continue
            if vocabulary.token_count(stem) or (_GROUPED.match(stem) and not _GROUPED.match(token)):
                return line, match.end() - len(digits), match.end()
    return None


def _separate_marker(body: list[Line], window_start: int, number: int, vocabulary: Vocabulary) -> None:
    found = _find_marker(body[window_start:], number, vocabulary)
    if found:
        line, start, end = found
        line.text = f"{line.text[:start]}[{number}]{line.text[end:]}"
