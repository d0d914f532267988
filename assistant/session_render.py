"""A session pack (assistant/session_pack.py) as Markdown and as a printable HTML page.

Both come from Jinja templates under prompts/ (session_pack.md.j2, session_pack.html.j2), so the
sheet's layout and wording can be changed without touching code, and both show the same parts:
the statements with where they stand, the questions, the quiz with its key, the timeline. The HTML
page is standalone (its stylesheet inline, no fonts or scripts fetched) and carries a print
stylesheet (A4, no item split over two pages, the key on a page of its own), so a trainer prints
it from the browser or saves it as PDF. It is autoescaped: the documents are data, never markup.
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, StrictUndefined, Template

from assistant.session_pack import SessionPack, wording
from steunwijs.resources import read_text
from steunwijs.types import DocumentMeta


def _document(doc: DocumentMeta) -> str:
    """'Leersteun in de praktijk (2024)': the short title, with the year when it lacks one."""
    name = doc.short_title or doc.title
    return name if doc.year is None or str(doc.year) in name else f"{name} ({doc.year})"


@lru_cache(maxsize=2)
def _template(name: str, html: bool) -> Template:
    env = Environment(autoescape=html, undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters["marker"] = lambda n: f"[{n}]"
    env.filters["document"] = _document
    return env.from_string(read_text("prompts", name))


def to_markdown(pack: SessionPack, date: str) -> str:
    """The sheet as Markdown (`date`: when it was made, in words, e.g. '3 maart 2026')."""
    return _template("session_pack.md.j2", False).render(pack=pack, w=wording(), date=date)


def to_html(pack: SessionPack, date: str) -> str:
    """The sheet as one printable HTML page."""
    return _template("session_pack.html.j2", True).render(pack=pack, w=wording(), date=date)
