"""Single lines: page furniture out, characters normalised, contact details redacted, caption fixes.

These rules look at one line at a time (or at a line and the one before it): NBSP and tabs, private-use
bullet glyphs, letter-spaced headings, personal e-mail addresses and phone numbers, 000's doubled
URLs and 004's doubled caption numbers. Paragraphs are rebuilt afterwards (ingest.clean.blocks).
"""

from __future__ import annotations

import re

from ingest.clean.records import Line
from ingest.structure import starts_page
from steunwijs.dutch.patterns import BULLET_CHARS, EMAIL, PHONE, collapse_ws

_BULLET_SPLIT = re.compile(rf"\s*[{BULLET_CHARS}]\s*")
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\ufeff]")
_MARKDOWN_BULLET = re.compile(r"^\*\s+")
_CAPTION_NUMBER = re.compile(r"^(Figuur|Tabel|Grafiek)\s+(\d+)\b")


def drop_page_furniture(lines: list[Line], markers: frozenset[int]) -> list[Line]:
    """Printed page numbers ("31", "64" mid-sentence in 001) and footers ("… 2023-2024 8/40")."""
    return [line for line in lines if line.number not in markers]


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
    lines = [Line(line.number, collapse_ws(parts[0]))] if parts[0].strip() or len(parts) == 1 else []
    lines += [Line(line.number, "- " + collapse_ws(part)) for part in parts[1:] if part.strip()]
    if not lines:
        return [Line(line.number, "")]  # a bullet without text
    lines[0].page_start = starts_page(line.text)
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


def redact_contact_details(text: str) -> str:
    """Replace personal e-mail addresses and phone numbers with a placeholder.

    002 (l.258-260) prints a named person's e-mail and mobile number; DOMAIN.md asks not to
    surface them. Only the cleaned text is redacted: the raw lines stay verbatim for quoting.
    """
    return PHONE.sub("[telefoonnummer]", EMAIL.sub("[e-mailadres]", text))


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
            line.text = f"{kind} {number}{line.text[match.end() :]}"
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
