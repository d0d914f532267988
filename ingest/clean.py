"""Cleaning: the extracted lines of a document -> readable blocks (headings, paragraphs, list items,
footnotes), each knowing the source lines it came from.

The text of the corpus is PDF extraction output with the quirks listed in DOMAIN.md ("The text as
extracted"). Each quirk has one small named rule below, applied in this order:

1. `drop_page_furniture`      printed page numbers and running footers (found by ingest.structure)
2. `split_off_footnotes`      footnote blocks spliced into running sentences; glued markers -> "[n]"
3. `normalise_line`           NBSP/tabs, private-use bullets -> "- ", shared bullet lines, letter spacing
   `drop_repeated_urls`, `undouble_caption_numbers`   (000's doubled URLs, 004's "Figuur 77")
4. `build_blocks`             paragraphs rebuilt (double line spacing aware), headings kept apart,
                              footnotes placed after the paragraph they interrupted
5. `join_lines`               line-end hyphenation resolved with evidence from the corpus (`Vocabulary`)

Nothing here changes the source: every block carries its line numbers, so the raw lines stay
reachable for quoting the source's own words.
"""

from __future__ import annotations

import logging
import re
import statistics
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Literal

from ingest.readers import SourceText, UnreadableDocument, read_document
from ingest.structure import (
    Heading,
    HeadingKind,
    classify_heading,
    continues_heading,
    ends_sentence,
)

log = logging.getLogger(__name__)

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_TOKEN = re.compile(r"\w+(?:[.,]\d+)*")
_SUFFIXES = ("e", "en", "n", "s", "'s", "’s", "es", "er", "ers", "d", "t", "de", "te", "ing", "ingen")
_SUSPENDED = {"en", "of", "tot", "en/of", "and", "or"}  # "basis- en secundair onderwijs"
_VOWEL_CLASHES = {"aa", "ee", "oo", "uu", "ie", "ei", "eu", "ui", "oe", "ou", "au", "ij", "ae", "oi"}


# --- corpus evidence -----------------------------------------------------------------------------


class Vocabulary:
    """Word and token frequencies of a corpus: the evidence for hyphenation and footnote decisions.

    Words are counted only inside lines (not a line's first or last word), because the words at
    line edges are the fragments in question ("leerondersteu" / "ners"); numbers and alphanumeric
    tokens are counted everywhere ("SMARTI20" once = a glued footnote marker, "LM1" often = a code).
    """

    def __init__(self, words: Counter[str], bigrams: Counter[tuple[str, str]], tokens: Counter[str]) -> None:
        self.words = words
        self.bigrams = bigrams
        self.tokens = tokens

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Vocabulary:
        words: Counter[str] = Counter()
        bigrams: Counter[tuple[str, str]] = Counter()
        tokens: Counter[str] = Counter()
        for text in texts:
            for line in text.splitlines():
                tokens.update(token.lower() for token in _TOKEN.findall(line))
                matches = list(_WORD.finditer(line))[1:-1]
                words.update(match.group().lower() for match in matches)
                for left, right in zip(matches, matches[1:]):
                    if line[left.end() : right.start()].isspace():
                        bigrams[(left.group().lower(), right.group().lower())] += 1
        return cls(words, bigrams, tokens)

    @classmethod
    def from_files(cls, paths: Iterable[Path], max_bytes: int | None = None) -> Vocabulary:
        """Evidence from every readable file; an unreadable one adds nothing (its ingest reports it)."""
        texts = []
        for path in paths:
            try:
                texts.append("\n".join(read_document(Path(path), max_bytes=max_bytes).lines))
            except UnreadableDocument as error:  # passages_for_file raises it again for this file
                log.warning("no vocabulary evidence from %s", error)
        return cls.from_texts(texts)

    def count(self, word: str) -> int:
        return self.words[word.lower()]

    def support(self, word: str) -> int:
        """Occurrences of the word or an inflected/derived form ("werkvorm" via "werkvormen")."""
        word = word.lower()
        total = self.words[word] + sum(self.words[word + suffix] for suffix in _SUFFIXES)
        for suffix in ("en", "e", "s", "n"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                total += self.words[word[: -len(suffix)]]
        return total

    def token_count(self, token: str) -> int:
        return self.tokens[token.lower()]


# --- records -------------------------------------------------------------------------------------


@dataclass
class Line:
    number: int  # 1-based line number in the source text
    text: str
    wide_end: bool = False  # the source line ended in 2+ spaces: how the extraction ends a paragraph
    page_start: bool = False  # the source line began with a single space: the first line of a page


@dataclass
class Footnote:
    number: int
    lines: list[Line]
    before: int  # index of the body line the footnote block interrupted


class BlockKind(str, Enum):
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

    @property
    def first_line(self) -> int:
        return min(line for _, line in self.spans)

    @property
    def last_line(self) -> int:
        return max(line for _, line in self.spans)

    def append(self, text: str, line: int, separator: str) -> None:
        """Add a line's text; `separator` is what joins it ("" after a resolved hyphen)."""
        self.text += separator
        self.spans.append((len(self.text), line))
        self.text += text


# --- 1. page furniture ---------------------------------------------------------------------------


def drop_page_furniture(lines: list[Line], markers: frozenset[int]) -> list[Line]:
    """Printed page numbers ("31", "64" mid-sentence in 001) and footers ("… 2023-2024 8/40")."""
    return [line for line in lines if line.number not in markers]


# --- 2. footnotes --------------------------------------------------------------------------------

_SEPARATOR = re.compile(r"^ {20,}$")  # the ~43 spaces before a footnote block (000, 001)
_PAGE_START = re.compile(r"^ \S")
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
    return line.number in markers or bool(_PAGE_START.match(line.text))


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


# --- 3. characters and single lines --------------------------------------------------------------

_BULLETS = "\uf0b7\uf0d8\uf0a7\uf076\uf0fc•▪◦●"
_BULLET_SPLIT = re.compile(rf"\s*[{_BULLETS}]\s*")
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\ufeff]")
_MARKDOWN_BULLET = re.compile(r"^\*\s+")


def normalise_line(line: Line) -> list[Line]:
    """One source line -> one or more clean lines (a line holding two bullets becomes two).

    NBSP (003 l.157, 159) and tabs (003's list of figures) become spaces; the private-use bullets
    U+F0B7 and U+F0D8 of 001, the "•" of 000/002 and Markdown's "* " become "- " list items;
    letter-spaced headings are restored; runs of spaces collapse. Two or more trailing spaces are remembered: the
    extraction ends most paragraphs that way (000 l.722 "…van hun werk.  ").
    """
    text = _INVISIBLE.sub("", line.text.replace("\u00a0", " ").replace("\u202f", " ").replace("\t", " "))
    if not text.strip():
        return [Line(line.number, " " if text else "")]  # a line of spaces can be a paragraph break
    wide_end = bool(re.search(r"\S {2,}$", text))
    text = _MARKDOWN_BULLET.sub("- ", restore_letter_spacing(redact_contact_details(text.strip())))
    parts = _BULLET_SPLIT.split(text)
    lines = [Line(line.number, _collapse(parts[0]))] if parts[0].strip() or len(parts) == 1 else []
    lines += [Line(line.number, "- " + _collapse(part)) for part in parts[1:] if part.strip()]
    if not lines:
        return [Line(line.number, "")]  # a bullet without text
    lines[0].page_start = bool(_PAGE_START.match(line.text))
    lines[-1].wide_end = wide_end
    return lines


def restore_letter_spacing(text: str) -> str:
    """ "E E N  L I E FD E S V E R K L A R I N G" -> "EEN LIEFDESVERKLARING", "VO O RWO O R D" -> "VOORWOORD".

    003's headings are set in spaced capitals: single spaces fall inside words, double spaces
    between them. Only capitals lines mostly made of one-letter pieces qualify.
    """
    pieces = text.split()
    if len(pieces) < 4 or not text.isupper() or sum(len(piece) == 1 for piece in pieces) < 0.6 * len(pieces):
        return text
    return " ".join(word.replace(" ", "") for word in re.split(r"\s{2,}", text.strip()))


def _collapse(text: str) -> str:
    return " ".join(text.split())


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\d.,])(?:\+32\s?|0)\d{1,3}(?:[ /.]\d{2,3}){3}(?![\d,])")


def redact_contact_details(text: str) -> str:
    """Replace personal e-mail addresses and phone numbers with a placeholder.

    002 (l.258-260) prints a named person's e-mail and mobile number; DOMAIN.md asks not to
    surface them. Only the cleaned text is redacted: the raw lines stay verbatim for quoting.
    """
    return _PHONE.sub("[telefoonnummer]", _EMAIL.sub("[e-mailadres]", text))


_CAPTION_NUMBER = re.compile(r"^(Figuur|Tabel|Grafiek)\s+(\d+)\b")


def undouble_caption_numbers(lines: list[Line]) -> list[Line]:
    """004's extraction doubles some caption numbers: "Figuur 77", "88", "1010", "1212" (= 7, 8, 10, 12).

    A caption number made of a repeated half is read as that half when the half is the number
    the previous caption of the same kind leads one to expect ("Figuur 11" after 10 stays 11).
    """
    last: dict[str, int] = {}
    for line in lines:
        match = _CAPTION_NUMBER.match(line.text)
        if not match:
            continue
        kind, digits = match.group(1), match.group(2)
        half = digits[: len(digits) // 2]
        number = int(digits)
        if len(digits) % 2 == 0 and digits == half * 2 and int(half) == last.get(kind, 0) + 1:
            number = int(half)
            line.text = f"{kind} {number}{line.text[match.end():]}"
        last[kind] = number
    return lines


def drop_repeated_urls(lines: list[Line]) -> list[Line]:
    """The same URL twice in a row (000 l.157-158, 304-305) is kept once."""
    kept: list[Line] = []
    for line in lines:
        previous = next((item for item in reversed(kept) if item.text.strip()), None)
        if previous and line.text == previous.text and line.text.startswith(("http://", "https://", "www.")):
            continue
        kept.append(line)
    return kept


# --- 5. line joining and hyphenation -------------------------------------------------------------

_TRAILING_WORD = re.compile(r"([\w’'-]*\w)-$")
_LEADING_WORD = re.compile(r"^(\w+(?:[-'’/]\w+)*)")
HyphenChoice = Literal["join", "keep", "space"]


@dataclass(frozen=True)
class Hyphenation:
    """The document's tendencies, learnt from its own unambiguous cases.

    `default` decides a line-end hyphen the corpus has no evidence for: 002 breaks words with
    soft hyphens ("onder-\\nsteuningsnetwerk" -> join), 004 only at real compound hyphens.
    `join_unhyphenated` is on for texts that lost their soft hyphens (003: "leerondersteu\\nners").
    """

    default: HyphenChoice = "join"
    join_unhyphenated: bool = False


def hyphen_choice(left: str, right: str, vocabulary: Vocabulary, default: HyphenChoice = "join") -> HyphenChoice:
    """What to do with "left-" at a line end followed by "right" on the next line.

    First the corpus: join what it writes as one word ("referentiekader", "ondersteuningsnetwerk",
    "bepaalde", "pre-waarborgproject"), keep what it writes with a hyphen ("pre-waarborgregeling",
    "co-teaching", "buo-school"). "basis-" before "en"/"of" is a suspended compound: hyphen and
    space stay ("basis- en secundair"), unless the corpus knows the joined word ("groei-\nen").
    Without evidence the hyphen stays for acronyms and numbers ("CLB-medewerkers", "OV4-verslag"),
    names ("Vlaams-Brabant"), multi-part compounds ("één-op-één-relatie") and vowel clashes
    ("inclusie-expertise"); anything else follows the document's own habit (`default`).
    """
    joined, hyphened = vocabulary.support(left + right), vocabulary.support(f"{left}-{right}")
    if right.lower() in _SUSPENDED:
        return "join" if joined else "space"
    if not left or not right or not right[:1].isalpha():
        return "keep"
    if joined != hyphened:
        return "join" if joined > hyphened else "keep"
    if _needs_hyphen(left, right):
        return "keep"
    return default


def _needs_hyphen(left: str, right: str) -> bool:
    """Dutch spelling keeps a hyphen after acronyms and digits, before capitals, in multi-part
    compounds and where two vowels would be misread as one sound (klinkerbotsing)."""
    if any(c.isdigit() for c in left) or any(c.isupper() for c in left[1:]) or right[:1].isupper() or "-" in left:
        return True
    return (left[-1:] + right[:1]).lower() in _VOWEL_CLASHES


def joins_unhyphenated(left: str, right: str, vocabulary: Vocabulary) -> bool:
    """Whether "left" at a line end and "right" on the next line are one word split without hyphen.

    003 lost its soft hyphens: "leerondersteu\\nners", "onderwijs\\nbehoeften", "eer\\nlijke".
    Join when the joined word is attested and either piece is not a word by itself, or both are
    words but the corpus writes them together, never apart (and neither is a short function word).
    """
    if not (left.isalpha() and right.isalpha() and right[:1].islower() and len(left) >= 2 and len(right) >= 2):
        return False
    if not vocabulary.support(left + right):
        return False
    if not vocabulary.count(left) or not vocabulary.count(right):
        return True
    together = vocabulary.count(left + right)
    return min(len(left), len(right)) >= 4 and together >= 2 and not vocabulary.bigrams[(left.lower(), right.lower())]


def learn_hyphenation(lines: list[Line], vocabulary: Vocabulary) -> Hyphenation:
    """The document's habit for line-end hyphens, and whether it lost its soft hyphens.

    Counted over the hyphens the corpus or spelling rules decide: 002 and 003 mostly join (soft
    hyphens), 000 and 004 only keep ("CLB-\nmedewerkers", "Chi-\nkwadraat"), so in 004 an
    undecided "inspecteur-\nteamcoördinator" keeps its hyphen too.
    """
    decided: Counter[str] = Counter()
    unhyphenated = 0
    texts = [line.text for line in lines if line.text.strip()]
    for text, following in zip(texts, texts[1:]):
        trailing, leading = _TRAILING_WORD.search(text), _LEADING_WORD.match(following)
        if not leading:
            continue
        if trailing:
            choice = hyphen_choice(trailing.group(1), leading.group(1), vocabulary, default="space")
            if choice != "space":
                decided[choice] += 1
            continue
        last = re.search(r"([^\W\d_]+)$", text)
        if last and joins_unhyphenated(last.group(1), leading.group(1), vocabulary):
            if not vocabulary.count(last.group(1)) or not vocabulary.count(leading.group(1)):
                unhyphenated += 1
    default: HyphenChoice = "keep" if decided["keep"] > decided["join"] else "join"
    return Hyphenation(default=default, join_unhyphenated=unhyphenated >= 2)


def join_lines(previous: str, following: str, vocabulary: Vocabulary, hyphenation: Hyphenation) -> tuple[str, str]:
    """(text to keep of `previous`, separator) for joining `following` onto `previous`."""
    tail = previous[-80:]  # the regexes look at the line end only; the block can be long
    trailing = _TRAILING_WORD.search(tail)
    leading = _LEADING_WORD.match(following)
    if trailing and leading:
        choice = hyphen_choice(trailing.group(1), leading.group(1), vocabulary, hyphenation.default)
        if choice == "join":
            return previous[:-1], ""
        return previous, " " if choice == "space" else ""
    if hyphenation.join_unhyphenated and leading:
        last = re.search(r"([^\W\d_]+)$", tail)
        if last and joins_unhyphenated(last.group(1), leading.group(1), vocabulary):
            return previous, ""
    return previous, " "


# --- 4. blocks -----------------------------------------------------------------------------------

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


# --- the sequence --------------------------------------------------------------------------------


def clean_document(
    source: SourceText, vocabulary: Vocabulary, markers: frozenset[int] = frozenset()
) -> list[Block]:
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
