"""What the web app does, one handler per tab, as plain methods: the layout only wires them.

Every action goes through the same functions as the CLI (`assistant.answer.stream_answer`,
`ingest.pipeline.ingest_files` / `remove_documents`, `KnowledgeBase.documents` / `passages`, the
eval runner), so the app cannot drift from what the tests and the evals measure. The methods take
and return plain values (strings, lists, paths, `gr.update` dicts) and can be called without a
browser; the tests do exactly that.

Errors a user can cause or meet (an empty question, a file that cannot be read, a question before
the knowledge base is ready, a Chroma server that went away) come back as their Dutch message
(webapp.errors); nothing already stored is touched by a failed action.
"""

from __future__ import annotations

from kb.store import writable
from steunwijs.settings import Settings
from webapp.access import EditorAccess, web_folder
from webapp.handlers.about import AboutHandler
from webapp.handlers.chat import ChatHandler
from webapp.handlers.documents import DocumentsHandler
from webapp.handlers.evaluation import EvalHandler
from webapp.handlers.feedback import FeedbackHandler
from webapp.handlers.glossary import GlossaryHandler
from webapp.handlers.roles import RolesHandler
from webapp.handlers.session import SessionHandler
from webapp.startup import Startup


class Handlers:
    """The handlers of one app over one Settings and its start-up: one per tab, plus the page's banner,
    and who may use the editors' actions (`access`)."""

    def __init__(self, settings: Settings, startup: Startup) -> None:
        self.settings = settings
        self.startup = startup
        self.read_only = not writable(settings.data_dir)
        self.web_dir = web_folder(settings)
        self.access = EditorAccess(settings, self.web_dir / "downloads")
        self.chat = ChatHandler(settings, startup)
        self.feedback = FeedbackHandler(settings)
        self.documents = DocumentsHandler(settings, startup)
        self.roles = RolesHandler(settings, startup)
        self.glossary = GlossaryHandler(settings, startup)
        self.session = SessionHandler(settings, startup)
        self.evaluation = EvalHandler(settings, startup)
        self.about = AboutHandler(startup)
