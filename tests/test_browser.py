"""The web app in a real browser: Debian's chromium, headless, driven by Playwright.

The test starts `python app.py` itself, on a free port of 127.0.0.1, over a copy of the session's
ingested default corpus (`corpus_kb`). Then, as a school directie, it asks a question, opens a
source from a marker (by mouse and by keyboard), rates the answer, downloads the conversation, and
uploads a document that must then be listed. Screenshots go to test-output/browser/ (git-ignored)
for a person to look at. The start-up ingest of an empty store is covered in test_webapp_handlers.py.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.processes import stop
from tests.webapp_corpus import copy_data_dir

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SHOTS = REPO / "test-output" / "browser"
STARTUP_S = 300
ANSWER_MS = 180_000


class RunningApp(NamedTuple):
    url: str
    data: Path
    documents: int  # in the knowledge base at start


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def app(corpus_kb, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """`python app.py` on a free port over a copy of the ingested corpus; yields its URL and data folder."""
    if not CHROMIUM.exists():
        pytest.fail("chromium is not installed: apt-get install -y chromium")
    root = tmp_path_factory.mktemp("browser")
    data = copy_data_dir(corpus_kb.settings.data_dir, root / "data")
    documents = len(corpus_kb.documents())
    port = _free_port()
    env = {**os.environ, "STEUNWIJS_DATA_DIR": str(data), "GRADIO_SERVER_PORT": str(port)}
    log = (root / "app.log").open("w", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + STARTUP_S
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"app.py exited with {process.returncode}:\n{(root / 'app.log').read_text()}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass  # not listening yet
            if time.monotonic() > deadline:
                pytest.fail(f"app.py did not answer on {url}:\n{(root / 'app.log').read_text()}")
            time.sleep(1)
        yield RunningApp(url, data, documents)
    finally:
        stop(process, grace_s=30)
        log.close()


@pytest.fixture(scope="module")
def page(app: RunningApp) -> Iterator:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nl-BE")
        page = context.new_page()
        page.goto(app.url)
        yield page
        browser.close()


def test_the_page_says_when_the_knowledge_base_is_ready(page, app: RunningApp) -> None:
    expect(page.locator("#sw-status")).to_contain_text(
        f"Kennisbank klaar: {app.documents} documenten", timeout=STARTUP_S * 1000
    )
    page.screenshot(path=SHOTS / "01-start.png", full_page=True)


def test_directie_asks_and_opens_a_source_with_the_quote_highlighted(page, app: RunningApp) -> None:
    expect(page.locator("#sw-status")).to_contain_text("Kennisbank klaar", timeout=STARTUP_S * 1000)
    page.get_by_role("radio", name="Directie").check()
    example = page.get_by_role("button", name="Wat is de rol van de directie bij leersteun op school?")
    example.click()
    question = page.get_by_role("textbox", name="Je vraag")
    expect(question).to_have_value("Wat is de rol van de directie bij leersteun op school?")
    question.press("Enter")

    markers = page.locator('#sw-chat a[href^="#sw-0-"]')
    markers.first.wait_for(timeout=ANSWER_MS)
    assert markers.count() >= 1
    page.screenshot(path=SHOTS / "02-antwoord.png", full_page=True)

    markers.first.click()
    panel = page.locator("#sw-source-panel")
    mark = panel.locator("mark")
    expect(mark).to_have_count(1)
    expect(panel).to_contain_text("Periode")
    expect(panel).to_contain_text("Regels")
    expect(panel.locator(".sw-badge")).to_have_text("[1]")
    highlighted = " ".join(mark.inner_text().split())
    page.screenshot(path=SHOTS / "03-bron.png", full_page=True)

    # keyboard: focus another source link and press Enter
    links = page.locator('#sw-chat a[href^="#sw-0-"]')
    target = links.last.get_attribute("href")
    links.last.focus()
    page.keyboard.press("Enter")
    expected_badge = f"[{target.rsplit('-', 1)[1]}]"
    expect(panel.locator(".sw-badge")).to_have_text(expected_badge)

    # thumbs up is stored with the question and the answer shown, and nothing else of the chat
    page.locator("#sw-chat").get_by_role("button", name="Vind ik leuk").last.click()
    expect(page.locator("#sw-feedback-status")).to_contain_text("duim omhoog")
    expect(page.locator("#sw-feedback-privacy")).to_contain_text("alleen je vraag, het getoonde antwoord")
    with sqlite3.connect(app.data / "feedback.sqlite") as db:
        rows = db.execute("SELECT * FROM feedback").fetchall()
    [(_, _, rating, comment, asked, answer)] = rows
    assert (rating, comment, asked) == ("up", "", "Wat is de rol van de directie bij leersteun op school?")
    assert "[1]" in answer

    # the conversation as a Markdown download
    page.get_by_role("button", name="Gesprek downloaden (Markdown)").click()
    with page.expect_download() as download:
        page.locator('a[download^="steunwijs-gesprek"]').click()
    handout = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Wat is de rol van de directie bij leersteun op school?" in handout and "**Bronnen**" in handout
    first = next(line for line in handout.splitlines() if line.startswith("1. "))
    quote = handout.splitlines()[handout.splitlines().index(first) + 1]
    assert highlighted == " ".join(quote.strip().lstrip(">").strip().strip("“”").split())  # exactly the quote of [1]


def test_uploaded_document_is_listed(page, app: RunningApp, tmp_path: Path) -> None:
    document = tmp_path / "schoolbeleid-regenboog.md"
    document.write_text(
        "# Zorgbeleid van De Regenboog\n\n## Afspraken met het leersteuncentrum\n\n"
        "Op basisschool De Regenboog overlegt de zorgcoördinator elke maand met de leerondersteuner "
        "over de leerlingen die leersteun krijgen.\n",
        encoding="utf-8",
    )
    page.get_by_role("tab", name="Documenten").click()
    page.locator("#sw-upload input[type=file]").set_input_files(document)
    page.get_by_role("button", name="Toevoegen aan de kennisbank").click()
    expect(page.locator("#sw-upload-message")).to_contain_text("schoolbeleid-regenboog.md", timeout=ANSWER_MS)
    expect(page.locator("#sw-upload-message")).to_contain_text(f"{app.documents + 1} documenten")
    expect(page.locator("#sw-documents")).to_contain_text("schoolbeleid-regenboog.md", timeout=30_000)
    assert (app.data / "uploads" / document.name).read_bytes() == document.read_bytes()
    page.screenshot(path=SHOTS / "04-documenten.png", full_page=True)
