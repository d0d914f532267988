"""Opening the knowledge base when the app starts, ingesting the default corpus first if it is empty.

A first start on a fresh machine has an empty store; ingesting the corpus takes a minute or two.
Rather than keep the page away that long, the app starts at once, does this in a background thread
and shows its progress at the top of the page; questions asked meanwhile get a clear "not yet".
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from enum import Enum

from kb.knowledge_base import KnowledgeBase
from steunwijs.errors import SteunwijsError
from steunwijs.settings import Settings
from webapp import texts
from webapp.errors import user_message

log = logging.getLogger(__name__)


class Phase(Enum):
    OPENING = "opening"
    INGESTING = "ingesting"
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True)
class Status:
    """Where the start-up is, and the Dutch sentence the page shows for it."""

    phase: Phase
    message: str

    @property
    def ready(self) -> bool:
        return self.phase is Phase.READY


class KnowledgeBaseNotReady(SteunwijsError):
    """A question or action arrived before the knowledge base was open (or after opening it failed).

    Its Dutch message is the one the page shows at that moment: "not yet" while opening, the
    failure itself once opening has failed.
    """


class Startup:
    """Opens the knowledge base once; `run()` does it in the caller's thread, `start()` in the background."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._status = Status(Phase.OPENING, texts.STATUS_STARTING)
        self._kb: KnowledgeBase | None = None
        self._thread: threading.Thread | None = None
        self._failure = ""  # in English, for the log of a later KnowledgeBaseNotReady

    def status(self) -> Status:
        with self._lock:
            return self._status

    def _set(self, phase: Phase, message: str, announce: bool = True) -> None:
        with self._lock:
            self._status = Status(phase, message)
        if announce:
            log.info(message)

    def knowledge_base(self) -> KnowledgeBase:
        """The open knowledge base; KnowledgeBaseNotReady (with the page's message) until it is."""
        with self._lock:
            if self._kb is None or self._status.phase is not Phase.READY:
                if self._status.phase is Phase.FAILED:
                    raise KnowledgeBaseNotReady(
                        self._status.message, f"Opening the knowledge base failed: {self._failure}"
                    )
                raise KnowledgeBaseNotReady(texts.NOT_READY, "The knowledge base is not open yet.")
            return self._kb

    def start(self) -> None:
        """Open (and if needed fill) the knowledge base in a daemon thread; returns at once."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run_reporting, name="steunwijs-startup", daemon=True)
            self._thread.start()

    def _run_reporting(self) -> None:
        # The thread boundary: whatever stops the start-up must end up on the page, not only in a
        # traceback on a console nobody watches; so here, and only here, every error is caught.
        try:
            self.run()
        except SteunwijsError as error:
            self._fail(user_message(error), error.en)
        except Exception as error:  # noqa: BLE001 - a bug: reported on the page and logged in full
            log.exception("opening the knowledge base failed")
            self._fail(str(error), str(error))

    def _fail(self, reason: str, reason_en: str) -> None:
        with self._lock:
            self._failure = reason_en
        self._set(Phase.FAILED, texts.STATUS_FAILED.format(error=reason))

    def run(self) -> Status:
        """Open the knowledge base; when it is empty, ingest the default corpus first and say so (and
        what that ingest repaired)."""
        kb = KnowledgeBase(self.settings)
        ingested = False
        repaired: list[str] = []
        if kb.is_empty():
            from ingest.pipeline import ingest_folder  # only a first start ingests (and imports the readers)

            self._set(Phase.INGESTING, texts.STATUS_INGESTING)

            def progress(stage: str, done: int, total: int) -> None:
                stage_name = texts.INGEST_STAGES.get(stage, stage)
                self._set(
                    Phase.INGESTING,
                    texts.STATUS_INGESTING_PROGRESS.format(stage=stage_name, done=done, total=total),
                    announce=False,  # progress ticks would flood the log
                )

            report = ingest_folder(self.settings.corpus_dir, self.settings, progress=progress)
            repaired = [texts.REPAIRED.format(what=repair.nl) for repair in report.repaired]
            ingested = True
        documents = kb.documents()
        kb.warm_up()  # "ready" means the first question does not wait for the model
        template = texts.STATUS_READY_INGESTED if ingested else texts.STATUS_READY
        message = template.format(documents=len(documents), passages=sum(d.passages for d in documents))
        message = " ".join([message, *repaired])  # what the ingest found damaged and mended
        with self._lock:
            self._kb = kb
        self._set(Phase.READY, message)
        return self.status()
