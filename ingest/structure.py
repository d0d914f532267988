"""Document structure: where pages start, which lines are headings, and the section path of a block.

The corpus is text extracted from PDFs without form feeds (DOMAIN.md, "Page markers"): a page
starts with a line that has a single leading space, some pages carry a bare page number after a
run of whitespace-only lines (000 l.1529 "31", 001 l.5380 "64"), 004 has running footers
"Erkenningsonderzoeken leersteuncentra 2023-2024 8/40". The leading-space signal is noisy
(flattened tables add spurious ones), so the printed page numbers and footers are anchors and the
page starts only interpolate between them.

Headings have to be told from look-alikes: footnotes ("1 Dit zijn nieuwe benamingen…"), table rows
("8 LM1 en LM2, LP1, LP2, LP4, S2 2", "Antwerpen 6 3 2 1 (*)"), list items ("1. Profiel van de
ondersteuners" in 000's reading guide) and sentences that happen to fill one line.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from enum import Enum

SECTION_SEPARATOR = " > "

_PAGE_START = re.compile(r"^ \S")
_FOOTER = re.compile(r"^(?P<prefix>\S.*?\S)\s+(?P<page>\d{1,4})\s*/\s*(?P<total>\d{1,4})\s*$")
_BARE_NUMBER = re.compile(r"^\s*(\d{1,4})\s*$")
_NUMBERED = re.compile(r"^(?P<number>\d{1,2}(?:\.\d{1,2}){0,4})(?P<dot>\.?)\s+(?P<title>\S.*)$")
_CHAPTER = re.compile(r"^(?:HOOFDSTUK|Hoofdstuk|DEEL|Deel)\s+\d{1,2}\b")
_SENTENCE_END = re.compile(r"[.!?:…]['’\"”)\]]*$")
_LISTING = re.compile(r"^(?:lijst (?:met|van) (?:figuren|tabellen)|inhoud(?:stafel|sopgave)?|inhoudsoverzicht)\b", re.I)
_LETTER = re.compile(r"[^\W\d_]")
_ADDRESS_END = re.compile(r"(?:^|\s)(?:https?://|www\.)\S+$|\S+@\S+\.\w+$")


class HeadingKind(str, Enum):
    """How a heading was recognised; decides its level in the section path."""

    NUMBERED = "numbered"  # "4.3.1 Werken leersteuncentra …": level = depth of the number
    CHAPTER = "chapter"  # "HOOFDSTUK 2: THEORETISCH KADER": level 1
    CAPS = "caps"  # "PROFIEL", "HET VOORSPEL": level 1 when unnumbered
    SUBHEADING = "subheading"  # "Wie doet wat?", "Organisatiebeleid (K2)": one below the last of the above
    MARKED = "marked"  # marked by the format (Markdown #, Word style, HTML h1-h6)


@dataclass(frozen=True)
class Heading:
    kind: HeadingKind
    depth: int = 1  # depth of the number for NUMBERED, the marked level for MARKED


# --- pages ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageLayout:
    """The inferred page of each line, and the lines that are page furniture (to drop from text)."""

    pages: list[int]  # pages[n - 1] = page of line n
    markers: frozenset[int]  # line numbers of printed page numbers and running footers

    def page_of(self, line: int) -> int:
        return self.pages[line - 1]


def page_layout(lines: list[str]) -> PageLayout:
    """Pages of an extracted text: page starts interpolated between printed page numbers."""
    anchors = _page_anchors(lines)
    starts = [n for n, line in enumerate(lines, start=1) if starts_page(line)]
    cumulative = [0] * (len(lines) + 1)  # cumulative[n] = page starts in lines 1..n
    start_set = set(starts)
    for n in range(1, len(lines) + 1):
        cumulative[n] = cumulative[n - 1] + (n in start_set)
    pages = [_page_at(n, anchors, cumulative, 1 in start_set) for n in range(1, len(lines) + 1)]
    return PageLayout(pages=pages, markers=frozenset(line for line, _ in anchors))


def starts_page(line: str) -> bool:
    """Whether a line starts a page of the extraction: one leading space, then text (a noisy signal)."""
    return bool(_PAGE_START.match(line))


def _page_anchors(lines: list[str]) -> list[tuple[int, int]]:
    """(line, page) pairs from running footers and bare page numbers, kept only if increasing.

    A footer counts when its text before "N/M" recurs (a one-off "3/4" is a fraction in a
    sentence). A bare number counts when it follows a run of whitespace-only lines, as the page
    numbers of 000 and 001 do; numbers inside flattened tables follow text lines.
    """
    footers: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for n, line in enumerate(lines, start=1):
        match = _FOOTER.match(line)
        if match and int(match["page"]) <= int(match["total"]):
            footers.setdefault((match["prefix"], match["total"]), []).append((n, int(match["page"])))
    found = [anchor for group in footers.values() if len(group) >= 2 for anchor in group]
    for n, line in enumerate(lines, start=1):
        match = _BARE_NUMBER.match(line)
        if match and _after_blank_run(lines, n):
            found.append((n, int(match.group(1))))
    anchors: list[tuple[int, int]] = []
    for line, page in sorted(found):
        if not anchors or page > anchors[-1][1]:
            anchors.append((line, page))
    return anchors


def _after_blank_run(lines: list[str], n: int, run: int = 4) -> bool:
    """True when the `run` lines before line n are whitespace-only and at least one holds spaces."""
    before = lines[max(0, n - 1 - run) : n - 1]
    return len(before) == run and all(not line.strip() for line in before) and any(before)


def _page_at(n: int, anchors: list[tuple[int, int]], cumulative: list[int], first_is_start: bool) -> int:
    """The page of line n: an anchor line starts its page; between anchors, page starts interpolate."""
    if not anchors:
        return max(1, cumulative[n] + (0 if first_is_start else 1))
    lines = [line for line, _ in anchors]
    index = bisect_right(lines, n) - 1
    if index < 0:  # before the first anchor: count back from it
        line, page = anchors[0]
        return max(1, page - 1 - (cumulative[line - 1] - cumulative[n]))
    line, page = anchors[index]
    since = cumulative[n] - cumulative[line]
    if index == len(anchors) - 1:
        return page + since
    next_line, next_page = anchors[index + 1]
    gap = next_page - 1 - page  # pages that start strictly between the two anchors
    between = cumulative[next_line - 1] - cumulative[line]
    if between == 0:
        return page + (gap + 1) * (n - line) // (next_line - line) if gap > 0 else page
    return page + min(gap, round(since * gap / between))


# --- headings ------------------------------------------------------------------------------------


def classify_heading(text: str, previous: str | None, following: str | None, line_length: float) -> Heading | None:
    """The kind of heading `text` is, or None for body text.

    `previous`/`following` are the neighbouring non-blank lines (None at a document edge, a
    paragraph break or after a heading), `line_length` the document's typical line length. No
    heading follows a line ending in a comma or hyphen; an unnumbered mixed-case one also needs
    the line before to end a sentence, is short, and introduces running text.
    """
    text = text.strip()
    if not text or not _LETTER.search(text) or len(text) > 160:
        return None
    if previous is not None and re.search(r"[,\-–]$", previous.strip()):
        return None  # the line continues the sentence of the line before
    if _CHAPTER.match(text):
        return Heading(HeadingKind.CHAPTER)
    numbered = _NUMBERED.match(text)
    if numbered:
        return _numbered_heading(numbered)
    if text[:1].isdigit():
        return None
    if _is_caps(text):
        return Heading(HeadingKind.CAPS)
    if (previous is None or ends_sentence(previous)) and _is_subheading(text, following, line_length):
        return Heading(HeadingKind.SUBHEADING)
    return None


def continues_heading(heading: str, line: str) -> bool:
    """Whether `line` is the second line of a heading broken over two lines.

    004 l.504-505 "4.1 Adviezen: in welke mate beantwoorden de leersteuncentra aan de" +
    "erkenningsvoorwaarden?"; 000 l.963-965 "6 CONTEXT … WAAR MEN" + "ONDERSTEUNING BIEDT".
    """
    line = line.strip()
    if not line or len(line) > 90 or ends_sentence(heading) or line[:1] in "-•":
        return False
    if _is_caps(re.sub(r"^[\d.]+\s+", "", heading.strip())):
        return _is_caps(line) and len(line.split()) <= 4
    return line[:1].islower() and (line.endswith("?") or not ends_sentence(line)) and len(line.split()) <= 10


def _numbered_heading(match: re.Match[str]) -> Heading | None:
    number, dot, title = match["number"], match["dot"], match["title"].strip()
    parts = number.split(".")
    if len(parts) == 1 and dot:
        return None  # "1. Profiel van de ondersteuners": an enumerated list item
    if int(parts[0]) == 0 or int(parts[0]) > 30:
        return None  # "1210 Brussel" is an address, not chapter 1210
    if not title[:1].isupper() or not _LETTER.search(title[:1]):
        return None  # "23 november in Gent", "1 146 GON, ION, PWB + +" (a table row)
    if re.search(r"[.,;]$", title) or len(title.split()) > (10 if len(parts) == 1 else 18):
        return None  # a footnote or a sentence: "10 Levuur cvba.", "1 In het vervolg van het rapport …"
    if len(parts) == 1 and re.search(r"[‘’“”\"]", title):
        return None  # quoting is for sentences: "1 Dit zijn nieuwe benamingen, de oude benamingen ‘verslag’ …"
    if re.search(r"\d$", title) or sum(any(c.isdigit() for c in word) for word in title.split()) >= 3:
        return None  # a table row: "8 LM1 en LM2, LP1, LP2, LP4, S2 2"
    return Heading(HeadingKind.NUMBERED, depth=len(parts))


def _is_caps(text: str) -> bool:
    """An all-capitals title like "PROFIEL" or "LIJST MET FIGUREN EN TABELLEN" (not "GON-ASS")."""
    text = text.strip()
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 4 or len(text.split()) > 12 or re.search(r"[,;]|\d", text):
        return False
    if sum(c.isupper() for c in letters) < 0.9 * len(letters):
        return False
    return any(len(word) >= 5 for word in re.findall(r"[^\W\d_]+", text))


def _is_subheading(text: str, following: str | None, line_length: float) -> bool:
    """A short unnumbered title that introduces running text: "Wie doet wat?", "Organisatiebeleid (K2)".

    Rejected: signatures and salutations (followed by another short line), table legends, "Tips"
    (it introduces a bullet list and stays part of the text), quotes and captions.
    """
    words = text.split()
    if not text[:1].isupper() or len(words) > 12 or len(text) > max(70.0, 0.85 * line_length):
        return False
    if not re.search(r"[a-zà-ÿ]", text) or sum(word.isdigit() for word in words) >= 2:
        return False  # table cells: "GON-ASS", "Antwerpen 6 3 2 1 (*)"
    if re.search(r"[.,;:]['’\"”)]*$", text) or "&" in text:
        return False  # a sentence, a quote, a list of names ("Elke Emmers, Katrien Hermans & …")
    if len(words) >= 2 and sum(word[:1].isupper() and not word.isupper() for word in words) > len(words) / 2:
        return False  # names in title case: "Linde Smits", "Specifiek Leersteuncentrum Limburg"
    if re.match(r"(Figuur|Tabel|Grafiek|Bron)\b", text):
        return False
    if text.endswith("?"):
        return following is not None and following[:1].isupper()
    if following is None:
        return False
    return following[:1].isupper() and len(following.strip()) >= 0.6 * line_length


def ends_sentence(text: str) -> bool:
    """Whether a line ends a sentence, or ends in an address (URL, e-mail) that nothing continues."""
    text = text.strip()
    return bool(_SENTENCE_END.search(text) or _ADDRESS_END.search(text))


# --- sections ------------------------------------------------------------------------------------


class SectionPath:
    """The stack of open headings while reading a document top to bottom."""

    def __init__(self) -> None:
        self._stack: list[tuple[int, str]] = []
        self._structural_level = 0  # level of the last numbered/chapter/caps/marked heading
        self._resume: tuple[list[tuple[int, str]], int] = ([], 0)  # the path a listing interrupted

    def enter(self, title: str, heading: Heading) -> None:
        if _LISTING.match(title):
            self._resume = (list(self._stack), self._structural_level)
        level = self._level(heading)
        while self._stack and self._stack[-1][0] >= level:
            self._stack.pop()
        self._stack.append((level, title))
        if heading.kind is not HeadingKind.SUBHEADING:
            self._structural_level = level

    def _level(self, heading: Heading) -> int:
        if heading.kind in (HeadingKind.NUMBERED, HeadingKind.MARKED):
            return heading.depth
        if heading.kind is HeadingKind.SUBHEADING:
            return self._structural_level + 1
        return 1

    @property
    def path(self) -> str:
        return SECTION_SEPARATOR.join(title for _, title in self._stack)

    @property
    def in_listing(self) -> bool:
        """Inside a list of figures or a table of contents ("LIJST MET FIGUREN EN TABELLEN")."""
        return bool(self._stack) and bool(_LISTING.match(self._stack[-1][1]))

    def leave_listing(self) -> None:
        """Back to the section a listing interrupted: 003's list of figures (l.62-78) sits in
        the middle of the voorwoord, which goes on after it."""
        self._stack, self._structural_level = self._resume
