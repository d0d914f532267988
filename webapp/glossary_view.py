"""The glossary ("Begrippen") as the page lists it: each term, what it stands for, its sentence and place.

The list has the roles map's shape and behaviour (webapp/roles_view.py): numbered items whose number
is a button (webapp/static/statement_list.js) that opens the sentence's passage in a source panel,
the chat's own (webapp.citation_panel.render_source), with the sentence highlighted. The place is
`Citation.where()`, the wording every view uses. Everything is escaped: the documents are data.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from assistant.term_notes import meaning_shown
from assistant.term_notes import wording as glossary_wording
from kb.glossary import Entry
from steunwijs.dutch.patterns import collapse_ws
from webapp import texts


def _item(n: int, entry: Entry) -> str:
    words = glossary_wording()
    meaning = meaning_shown(entry)
    label = texts.GLOSSARY_OPEN.format(term=entry.term)
    said = words.defined_label if entry.defined else words.used_label
    where = f"{said}: {entry.citation(n).where()} · {words.uses.format(n=entry.uses)}"
    return (
        '<li class="sw-statement sw-term">'
        f'<button type="button" class="sw-statement-open" data-ref="{n}" aria-label="{escape(label)}"'
        f' title="{escape(label)}">[{n}]</button> '
        f'<strong class="sw-term-name">{escape(entry.term)}</strong>'
        + (f' <span class="sw-term-meaning">— {escape(meaning)}</span>' if meaning else "")
        + f'<span class="sw-statement-quote sw-term-quote">“{escape(collapse_ws(entry.quote))}”</span>'
        f'<span class="sw-where">{escape(where)}</span>'
        "</li>"
    )


def entries_html(entries: Sequence[Entry], searched: str) -> str:
    """The found terms, numbered from 1, under a count ('12 begrippen' or '2 begrippen voor "IAC"')."""
    count = (
        texts.GLOSSARY_COUNT_FOR.format(n=len(entries), text=searched.strip())
        if searched.strip()
        else texts.GLOSSARY_COUNT.format(n=len(entries))
    )
    items = "".join(_item(n, entry) for n, entry in enumerate(entries, start=1))
    return (
        f'<section class="sw-statements sw-glossary"><p class="sw-count">{escape(count)}</p><ol>{items}</ol></section>'
    )
