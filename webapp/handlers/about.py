"""What the page says about the knowledge base itself: the status banner above every tab, and the
'Over' tab (what Steunwijs is, the documents it knows with their dates, its limits)."""

from __future__ import annotations

from html import escape

from steunwijs.errors import SteunwijsError
from webapp import texts
from webapp.errors import user_message
from webapp.startup import Phase, Startup


class AboutHandler:
    """The banner and the Over page over the start-up's knowledge base."""

    def __init__(self, startup: Startup) -> None:
        self.startup = startup

    def status_html(self) -> str:
        """The banner at the top of the page: opening, ingesting, ready or failed."""
        status = self.startup.status()
        css = {Phase.READY: "sw-ready", Phase.FAILED: "sw-failed"}.get(status.phase, "sw-busy")
        return f'<div class="sw-status {css}" role="status" aria-live="polite">{escape(status.message)}</div>'

    def markdown(self) -> str:
        """The Over page, with the documents of the knowledge base (or why they cannot be listed)."""
        try:
            documents = self.startup.knowledge_base().documents()
        except SteunwijsError as error:
            listing = f"_{user_message(error)}_"
        else:
            listing = (
                "\n".join(
                    texts.ABOUT_DOC_LINE.format(
                        title=info.doc.title,
                        year=info.doc.year or texts.YEAR_UNKNOWN,
                        publisher=info.doc.publisher or texts.UNKNOWN,
                        era=info.doc.era or texts.UNKNOWN,
                        passages=info.passages,
                    )
                    for info in documents
                )
                or texts.ABOUT_NO_DOCS
            )
        return texts.page_text("over").format(documents=listing)
