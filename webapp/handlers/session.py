"""The 'Sessie voorbereiden' tab: a trainer's session pack for a theme, shown and offered as two downloads.

The pack is assistant.session_pack's, rendered by assistant.session_render, the same calls as
`steunwijs sessie`; both files are written with the app's one download writer
(webapp.handout.write_download) into the session's own folder (webapp.access), the Markdown for
editing and the printable HTML page for printing or saving as PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from assistant.session_pack import check_theme, session_pack
from assistant.session_render import to_html, to_markdown
from steunwijs.settings import Settings
from webapp import texts
from webapp.errors import shows_errors
from webapp.handout import dutch_date, write_download
from webapp.startup import Startup


@dataclass(frozen=True)
class SessionResult:
    """The files to download (Markdown, HTML; none after an error), the sheet as Markdown to preview, a message."""

    files: list[str] = field(default_factory=list)
    preview: str = ""
    message: str = ""


class SessionHandler:
    """Session packs over the knowledge base the start-up opened."""

    def __init__(self, settings: Settings, startup: Startup) -> None:
        self.settings = settings
        self.startup = startup

    @shows_errors(lambda message: SessionResult(message=message))
    def build(self, theme: str | None, folder: Path) -> SessionResult:
        """The pack for `theme` written to `folder` (the session's download folder) as .md and .html."""
        check_theme(theme)  # an empty theme is refused even before the knowledge base is ready
        pack = session_pack(theme, self.startup.knowledge_base())
        now = datetime.now()
        markdown = to_markdown(pack, dutch_date(now))
        files = [
            write_download(markdown, folder, "sessie", ".md", now),
            write_download(to_html(pack, dutch_date(now)), folder, "sessie", ".html", now),
        ]
        message = texts.SESSION_DONE.format(
            theme=pack.theme, statements=len(pack.statements), questions=len(pack.questions), quiz=len(pack.quiz)
        )
        return SessionResult([str(path) for path in files], markdown, message)
