"""Who may do what in the web app, enforced on the server for every call, page or API alike.

Asking questions is open to everyone. Managing documents (upload, remove: both ingest), running an
eval and reading or exporting feedback are for editors (`steunwijs.editors`). An editor logs in on
the page; the login holds for that browser tab's Gradio session only (its `session_hash`), and the
session is forgotten when the tab closes. The guarded handlers are wrapped by `editors_only`, which
adds a `gr.Request` parameter, so a call through Gradio's HTTP API (`/remove`, `/upload`, ...) from
a session that has not logged in gets the Dutch refusal instead of the action: hiding a button is
not the protection.

Without configured editors the app runs in local mode: whoever reaches it is an editor. That is
only allowed on this computer (127.0.0.1); `check_exposure` refuses to serve anywhere else, or with
a share link, and says how to set editors.

Downloads (a conversation handout, the feedback CSV) are written to a folder of their own per
session, named by an HMAC of the session with a secret of this process: another visitor can
neither list nor guess it, and the file names carry a random part as well.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import inspect
import logging
import secrets
import shutil
import tempfile
import threading
import time
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import gradio as gr

from kb.store import writable
from steunwijs.editors import Editors
from steunwijs.errors import ConfigurationError
from steunwijs.settings import Settings
from webapp import texts

log = logging.getLogger(__name__)

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

P = ParamSpec("P")
R = TypeVar("R")


class Exposed(ConfigurationError):
    """The app would be reachable from other computers (or the internet) without any editor set."""

    def __init__(self, where: str) -> None:
        super().__init__(
            f"Steunwijs start niet: de app zou bereikbaar zijn {where}, maar er is geen redacteur ingesteld,"
            " zodat iedereen documenten zou kunnen verwijderen en feedback lezen. Stel een redacteur in met"
            " STEUNWIJS_EDITOR_USER en STEUNWIJS_EDITOR_PASSWORD, of maak een wachtwoordbestand met"
            " `steunwijs editor add-user NAAM` en zet STEUNWIJS_EDITOR_PASSWORDS_FILE. Of start op 127.0.0.1.",
            f"Refusing to serve {where} without editor credentials.",
        )


def check_exposure(settings: Settings, editors: Editors) -> None:
    """Refuse (Exposed) to serve beyond this computer, or with a share link, without editors."""
    if editors.configured:
        return
    if settings.share:
        raise Exposed("via een openbare share-link")
    if settings.host not in LOCAL_HOSTS:
        raise Exposed(f"op {settings.host}, dus vanaf andere computers")


def web_folder(settings: Settings) -> Path:
    """Gradio's own folder (uploads, its cache) and the sessions' downloads: data/web.

    Inside the data folder, so that the app serves nothing outside it; a read-only data folder
    gets a private temporary folder instead (downloads still work there).
    """
    if writable(settings.data_dir):
        folder = settings.data_dir / "web"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return Path(tempfile.mkdtemp(prefix="steunwijs-web-"))


class EditorAccess:
    """The editors of one app and the sessions that have logged in as one."""

    def __init__(self, settings: Settings, downloads_root: Path) -> None:
        self.editors = Editors.from_settings(settings)
        self.downloads_root = downloads_root
        self._secret = secrets.token_bytes(32)
        self._sessions: dict[str, str] = {}
        self._lock = threading.Lock()

    @property
    def local_mode(self) -> bool:
        """No editors configured: everyone who reaches the app (this computer only) is an editor."""
        return not self.editors.configured

    def editor(self, request: gr.Request | None) -> str | None:
        """The editor this request's session logged in as (None: anonymous)."""
        session = request.session_hash if request is not None else None
        if session is None:
            return None
        with self._lock:
            return self._sessions.get(session)

    def allows(self, request: gr.Request | None) -> bool:
        return self.local_mode or self.editor(request) is not None

    def login(self, user: str, password: str, request: gr.Request) -> bool:
        """Log this session in when `user` / `password` is an editor; a failure is logged."""
        if not request.session_hash or not self.editors.verify(user.strip(), password):
            log.warning("failed editor login for %r", user)
            return False
        with self._lock:
            self._sessions[request.session_hash] = user.strip()
        log.info("editor %s logged in", user.strip())
        return True

    def logout(self, request: gr.Request) -> None:
        """Forget this session's login (the logout button, and a closed tab)."""
        if request.session_hash:
            with self._lock:
                self._sessions.pop(request.session_hash, None)

    def downloads(self, request: gr.Request | None) -> Path:
        """This session's own download folder (created), under an unguessable name."""
        session = (request.session_hash if request is not None else None) or secrets.token_hex(16)
        name = hmac.new(self._secret, session.encode("utf-8"), hashlib.sha256).hexdigest()[:32]
        folder = self.downloads_root / name
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def forget_old_downloads(self, max_age_s: float = 86400) -> int:
        """Delete session download folders untouched for `max_age_s` (a day); returns how many.

        The sessions that made them are long gone (their folder names died with the process
        secret), and a conversation export must not stay on disk for ever.
        """
        if not self.downloads_root.is_dir():
            return 0
        cutoff = time.time() - max_age_s
        old = [folder for folder in self.downloads_root.iterdir() if folder.stat().st_mtime < cutoff]
        for folder in old:
            shutil.rmtree(folder)
        return len(old)

    def editors_only(self, refused: Callable[[str], R]) -> Callable[[Callable[..., R]], Callable[..., R]]:
        """Wrap a handler so that it runs only for an editor's session; others get `refused(message)`.

        The wrapper takes the `gr.Request` as its first parameter (Gradio fills it, whoever calls:
        the page or the API) and otherwise keeps the handler's signature, so Gradio still finds a
        `gr.Progress` parameter and the inputs line up. A handler whose first parameter is
        `request` gets it passed on.
        """

        def decorate(handler: Callable[..., R]) -> Callable[..., R]:
            signature = inspect.signature(handler)
            passes_request = next(iter(signature.parameters), None) == "request"  # it wants it too

            @functools.wraps(handler)
            def run(request: gr.Request, *args: Any, **kwargs: Any) -> R:
                if not self.allows(request):
                    log.warning("refused %s for an anonymous session", handler.__name__)
                    return refused(texts.EDITORS_ONLY)
                return handler(request, *args, **kwargs) if passes_request else handler(*args, **kwargs)

            if not passes_request:
                request_param = inspect.Parameter(
                    "request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=gr.Request
                )
                signature = signature.replace(parameters=[request_param, *signature.parameters.values()])
            run.__signature__ = signature  # type: ignore[attr-defined]
            run.__annotations__ = {**typing.get_type_hints(handler), "request": gr.Request}
            del run.__wrapped__  # Gradio must see the wrapper's signature, not the handler's
            return run

        return decorate
