"""The side panel that shows one source: where it comes from and the passage, quote highlighted.

A reader who clicks a marker wants to check the claim, so the panel puts the exact words the answer
relied on in a <mark> inside the whole passage (context matters), and names everything needed to
find it in the original: document, era, section, page and line range. Everything is escaped: the
documents are data, never markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from steunwijs.types import Citation, Passage
from webapp import texts


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Start and end of `quote` in `text`: exact first, then with any run of whitespace as one space.

    The assistant copies the quote from the passage, but the passage may have been re-wrapped
    (double-spaced extraction, joined lines), so a whitespace-insensitive match is still the same words.
    """
    quote = quote.strip()
    if not quote:
        return None
    start = text.find(quote)
    if start >= 0:
        return start, start + len(quote)
    pattern = r"\s+".join(re.escape(word) for word in quote.split())
    found = re.search(pattern, text)
    return (found.start(), found.end()) if found else None


def _passage_html(text: str, quote: str | None) -> str:
    span = find_quote(text, quote) if quote else None
    if span is None:
        body = escape(text)
        if quote:
            return (
                f'<p class="sw-note">{escape(texts.QUOTE_NOT_FOUND)}</p>'
                f'<blockquote class="sw-quote">{escape(quote)}</blockquote>'
                f'<div class="sw-passage">{body}</div>'
            )
        return f'<div class="sw-passage">{body}</div>'
    start, end = span
    return (
        '<div class="sw-passage">'
        f"{escape(text[:start])}<mark>{escape(text[start:end])}</mark>{escape(text[end:])}"
        "</div>"
    )


def page_text(page: int | None, approximate: bool) -> str:
    """'12', 'ca. 12' or 'onbekend'."""
    if page is None:
        return texts.UNKNOWN
    return f"{texts.APPROXIMATE} {page}" if approximate else str(page)


def render_source(citation: Citation) -> str:
    """The panel's HTML for the source of marker [n]: its place in full, then the passage."""
    first, last = citation.lines
    label = f"[{citation.n}]"
    meta = [
        (texts.ERA_LABEL, citation.era or texts.UNKNOWN),
        (texts.SECTION_LABEL, citation.section or texts.UNKNOWN),
        (texts.PAGE_LABEL, page_text(citation.page, citation.passage.page_approximate)),
        (texts.LINES_LABEL, f"{first}–{last}"),
        (texts.FILE_LABEL, citation.source),
    ]
    rows = "".join(f"<dt>{escape(name)}</dt><dd>{escape(value)}</dd>" for name, value in meta)
    return (
        f'<article class="sw-source" aria-label="{escape(texts.SOURCE_PANEL_LABEL)} {escape(label)}">'
        f'<header><span class="sw-badge">{escape(label)}</span>'
        f"<h3>{escape(citation.title)}</h3></header>"
        f'<dl class="sw-meta">{rows}</dl>'
        f"{_passage_html(citation.text, citation.quote)}"
        "</article>"
    )


def render_passages(passages: Sequence[Passage]) -> str:
    """A run of passages of one document, each with its section, page and lines (for browsing)."""
    items = []
    for passage in passages:
        first, last = passage.lines
        where = [passage.section or texts.BROWSE_NO_SECTION]
        if passage.page is not None:
            where.append(f"p. {page_text(passage.page, passage.page_approximate)}")
        where.append(f"{texts.LINES_LABEL.lower()} {first}–{last}")
        items.append(
            '<div class="sw-browse-passage">'
            f'<div class="sw-where">{escape(" · ".join(where))}</div>'
            f'<div class="sw-text">{escape(passage.text)}</div>'
            "</div>"
        )
    return "".join(items)


def render_message(message: str) -> str:
    """The panel with a message instead of a source (nothing chosen yet, or the source is gone)."""
    return f'<p class="sw-panel-empty">{escape(message)}</p>'
