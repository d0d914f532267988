"""Roles and private downloads through the real HTTP API of a running app.

`steunwijs serve` is started bound to 0.0.0.0 (allowed: editors are configured, from a passwords
file made by `steunwijs.editors.add_user`) over two documents of the default corpus, which its
start-up ingests. Gradio's own client then calls the endpoints as the page does: an anonymous
session is refused upload, removal, the fast eval and the feedback export; a wrong password does
not log in; a logged-in editor session can do all four. Downloads land in a folder of their own
session, and nothing else of the data folder (or outside it) is served.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import pytest
from gradio_client import Client, handle_file

from steunwijs.editors import add_user
from tests.processes import stop
from tests.webapp_corpus import subset_corpus
from webapp import texts

pytestmark = [pytest.mark.slow]

REPO = Path(__file__).resolve().parent.parent
SMALL_CORPUS = ("002_6a138d292be975d4.txt", "003_f0048e20d44ebb64.txt")
EDITOR, PASSWORD = "redactie", "lang-en-geheim-wachtwoord"
STARTUP_S = 600


class RunningApp(NamedTuple):
    url: str
    data: Path
    corpus: Path
    log: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def client(app: RunningApp) -> tuple[Client, str]:
    """A new Gradio session that loaded the page, as a new browser tab does (which fills the
    documents' dropdowns of its session); returns it and the page's status banner. Files are
    left on the server."""
    session = Client(app.url, verbose=False, download_files=False, analytics_enabled=False)
    status, *_ = session.predict(api_name="/follow_startup")
    return session, status


def login(app: RunningApp, password: str = PASSWORD) -> tuple[Client, str]:
    session, _ = client(app)
    result = session.predict(EDITOR, password, api_name="/login")
    return session, result[1]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    root = tmp_path_factory.mktemp("access")
    corpus = subset_corpus(root / "corpus", SMALL_CORPUS)
    passwords = root / "editors.txt"
    add_user(passwords, EDITOR, PASSWORD)
    port = _free_port()
    env = {
        **os.environ,
        "STEUNWIJS_DATA_DIR": str(root / "data"),
        "STEUNWIJS_CORPUS_DIR": str(corpus),
        "STEUNWIJS_EDITOR_PASSWORDS_FILE": str(passwords),
        "STEUNWIJS_EDITOR_USER": "",
        "STEUNWIJS_EDITOR_PASSWORD": "",
    }
    log_path = root / "app.log"
    log = log_path.open("w", encoding="utf-8")
    command = [sys.executable, "-m", "cli.main", "serve", "--host", "0.0.0.0", "--port", str(port)]
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    running = RunningApp(f"http://127.0.0.1:{port}/", root / "data", corpus, log_path)
    try:
        _wait_until_ready(process, running)
        yield running
    finally:
        stop(process, grace_s=30)
        log.close()


def _wait_until_ready(process: subprocess.Popen[bytes], app: RunningApp) -> None:
    """Until the page answers and its banner says the knowledge base is ready."""
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve exited with {process.returncode}:\n{app.log.read_text()}")
        try:
            _, status = client(app)
        except (httpx.HTTPError, ValueError):
            time.sleep(1)  # not listening yet
            continue
        if "sw-ready" in status:
            return
        time.sleep(2)
    pytest.fail(f"the app did not get ready:\n{app.log.read_text()}")


def test_an_anonymous_session_is_refused_every_editors_action(app: RunningApp, tmp_path: Path) -> None:
    anonymous, _ = client(app)
    document = tmp_path / "aanval.txt"
    document.write_text("Een document dat een bezoeker zonder login wil toevoegen.\n", encoding="utf-8")
    assert anonymous.predict([handle_file(str(document))], api_name="/upload") == texts.EDITORS_ONLY
    assert anonymous.predict(SMALL_CORPUS[0], api_name="/remove") == texts.EDITORS_ONLY
    assert anonymous.predict(api_name="/run_fast") == texts.EDITORS_ONLY
    file, message = anonymous.predict(api_name="/feedback_export")
    assert file["value"] is None and message == texts.EDITORS_ONLY  # no file, only the refusal
    # nothing happened: no upload was kept, no eval ran (and the editor's test below still counts
    # the two documents of the start)
    assert not (app.data / "uploads").exists()
    assert not (app.data / "eval" / "snel").exists()
    assert "refused upload for an anonymous session" in app.log.read_text()


def test_a_wrong_password_does_not_log_in(app: RunningApp) -> None:
    session, message = login(app, password="raden")
    assert message == texts.LOGIN_FAILED
    assert session.predict(SMALL_CORPUS[0], api_name="/remove") == texts.EDITORS_ONLY
    assert "failed editor login for 'redactie'" in app.log.read_text()


def test_a_logged_in_editor_uploads_removes_evaluates_and_exports(app: RunningApp, tmp_path: Path) -> None:
    editor, message = login(app)
    assert message == texts.LOGIN_OK.format(user=EDITOR)
    document = tmp_path / "extra.txt"
    document.write_text(
        "De leerondersteuner overlegt elke week met de zorgcoördinator over de leerlingen met leersteun.\n",
        encoding="utf-8",
    )
    uploaded = editor.predict([handle_file(str(document))], api_name="/upload")
    assert texts.UPLOAD_ADDED.format(names="extra.txt") in uploaded
    editor.predict(api_name="/follow_startup")  # the page refreshes its lists after an upload
    removed = editor.predict("extra.txt", api_name="/remove")
    assert removed.startswith("Verwijderd:") and "Nu 2 documenten" in removed
    file, summary = export_feedback(editor)
    assert summary == texts.FEEDBACK_COUNT.format(total=0, up=0, down=0)
    assert httpx.get(file["url"]).text.lstrip("\ufeff").startswith("id,created_at,rating,comment,question,answer")
    done = editor.predict(api_name="/run_fast")
    assert done.startswith("Evaluatie klaar:"), done
    other, _ = login(app)  # a login holds for its own session only
    other.predict(api_name="/logout")
    assert other.predict(SMALL_CORPUS[0], api_name="/remove") == texts.EDITORS_ONLY
    assert export_feedback(editor)[1] == summary  # still logged in


def export_feedback(session: Client) -> tuple[dict[str, Any], str]:
    """The feedback CSV's file (its path on the server and its URL) and the count beside it."""
    update, message = session.predict(api_name="/feedback_export")
    return update["value"], message


def _fetch(app: RunningApp, path: Path | str) -> int:
    return httpx.get(f"{app.url}gradio_api/file={path}").status_code


def test_downloads_are_private_to_their_session_and_nothing_else_is_served(app: RunningApp) -> None:
    first, second = login(app)[0], login(app)[0]
    file, _ = export_feedback(first)
    path = Path(file["path"])
    downloads = app.data / "web" / "downloads"
    assert path.parent.parent == downloads and re.fullmatch(r"[0-9a-f]{32}", path.parent.name)
    assert re.fullmatch(r"steunwijs-feedback-\d{8}-\d{6}-[\w-]{16}\.csv", path.name)
    assert httpx.get(file["url"]).status_code == 200  # the session's own link works
    other, _ = export_feedback(second)
    assert Path(other["path"]).parent != path.parent  # each session has a folder of its own
    # another session cannot reach the first one's file without its secret names:
    assert _fetch(app, path.parent) == 403  # no listing of the folder
    assert _fetch(app, Path(other["path"]).parent / path.name) in (403, 404)  # its name in one's own folder
    assert _fetch(app, downloads) == 403
    # nothing of the data folder but Gradio's own files and the reports, and nothing outside it
    for forbidden in (
        app.data / "feedback.sqlite",
        next((app.data / "chroma").glob("*.sqlite3")),
        app.corpus / SMALL_CORPUS[0],
        REPO / "pyproject.toml",
        "/etc/passwd",
    ):
        assert _fetch(app, forbidden) == 403, forbidden
