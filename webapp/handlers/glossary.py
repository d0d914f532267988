"""The 'Begrippen' tab: the glossary of the knowledge base as a searchable list, each sentence's source a click away.

Read through `KnowledgeBase.glossary()` and `Glossary.search`, the same calls as `steunwijs
begrippen`, so the tab and the CLI find the same terms. What a browser tab listed last is kept in
its `GlossarySelection` (a gr.State): the numbers on the page and the source panel refer to exactly
those entries.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from kb.glossary import Entry
from steunwijs.settings import Settings
from webapp import texts
from webapp.citation_panel import render_message, render_source
from webapp.errors import shows_errors
from webapp.glossary_view import entries_html
from webapp.startup import Startup

log = logging.getLogger(__name__)


@dataclass
class GlossarySelection:
    """The entries a browser tab was last shown, numbered from 1 in this order."""

    entries: list[Entry] = field(default_factory=list)


@dataclass(frozen=True)
class GlossaryListing:
    """What the page shows for a search: the selection, its HTML and a message ('' when terms were found)."""

    selection: GlossarySelection
    html: str
    message: str


class GlossaryHandler:
    """The glossary of the knowledge base the start-up opened."""

    def __init__(self, settings: Settings, startup: Startup) -> None:
        self.settings = settings
        self.startup = startup

    @shows_errors(lambda message: GlossaryListing(GlossarySelection(), render_message(message), message))
    def search(self, text: str | None) -> GlossaryListing:
        """The terms whose name, spelling, expansion or meaning contain `text` (all of them for '')."""
        glossary = self.startup.knowledge_base().glossary()
        if not len(glossary):
            return GlossaryListing(GlossarySelection(), render_message(texts.GLOSSARY_NONE), texts.GLOSSARY_NONE)
        found = glossary.search(text or "")
        if not found:
            message = texts.GLOSSARY_NOT_FOUND.format(text=(text or "").strip())
            return GlossaryListing(GlossarySelection(), render_message(message), message)
        return GlossaryListing(GlossarySelection(found), entries_html(found, text or ""), "")

    def open_entry(self, ref: str | None, selection: GlossarySelection) -> str:
        """The source panel for entry `ref` ('3') of the list the page shows, its sentence highlighted
        (the entry holds its passage, so no lookup can fail; a number not in the list gets a message)."""
        try:
            n = int(str(ref))
            if not 1 <= n <= len(selection.entries):
                raise IndexError(n)
            return render_source(selection.entries[n - 1].citation(n))
        except (ValueError, IndexError) as error:
            log.info("glossary entry %r is not in this list: %r", ref, error)
            return render_message(texts.GLOSSARY_SOURCE_GONE)
