"""The 'Wie doet wat?' tab in a real browser (Debian's chromium, headless, via Playwright).

`python app.py` starts over an empty data folder with a two-document corpus, which its start-up
ingests (as on a first start), on a free port; chromium is started as in tests/test_browser.py.
A trainer opens the tab, clicks a count in the matrix, opens a statement's source by mouse and by
keyboard, downloads the checklist, and compares the eras of the leerondersteuner. Screenshots go
to test-output/browser/ (git-ignored).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.processes import stop
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, REPO, SHOTS, STARTUP_S, _free_port
from tests.webapp_corpus import subset_corpus

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SMALL_CORPUS = ("002_6a138d292be975d4.txt", "003_f0048e20d44ebb64.txt")
ACTION_MS = 60_000


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python app.py` over two documents it ingests itself; yields its URL."""
    yield from serve_corpus(tmp_path_factory, SMALL_CORPUS)


def serve_corpus(tmp_path_factory: pytest.TempPathFactory, names: tuple[str, ...]) -> Iterator[str]:
    """`python app.py` over the documents `names` of the default corpus: yields its URL, then stops it."""
    if not CHROMIUM.exists():
        pytest.fail("chromium is not installed: apt-get install -y chromium")
    root = tmp_path_factory.mktemp("browser-roles")
    port = _free_port()
    env = {
        **os.environ,
        "STEUNWIJS_CORPUS_DIR": str(subset_corpus(root / "corpus", names)),
        "STEUNWIJS_DATA_DIR": str(root / "data"),
        "GRADIO_SERVER_PORT": str(port),
    }
    log_path = root / "app.log"
    log = log_path.open("w", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    address = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + STARTUP_S
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"app.py exited with {process.returncode}:\n{log_path.read_text()}")
            try:
                with urllib.request.urlopen(address, timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass  # not listening yet
            if time.monotonic() > deadline:
                pytest.fail(f"app.py did not answer on {address}:\n{log_path.read_text()}")
            time.sleep(1)
        yield address
    finally:
        stop(process, grace_s=30)
        log.close()


def words(text: str) -> str:
    return " ".join(text.split())


def test_a_trainer_reads_who_does_what_with_the_sources(url: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nl-BE").new_page()
        page.goto(url)
        expect(page.locator("#sw-status")).to_contain_text("Kennisbank klaar", timeout=STARTUP_S * 1000)
        page.get_by_role("tab", name="Wie doet wat?").click()

        # the matrix: a click on the leerondersteuner's 'Rol' count lists that many statements
        matrix = page.locator("#sw-roles-matrix")
        row = matrix.get_by_role("row").filter(has_text="Leerondersteuner")
        cell = row.get_by_role("gridcell").nth(1)
        expect(cell).not_to_have_text("0", timeout=ACTION_MS)
        count = int(cell.inner_text())
        cell.click()
        listing = page.locator("#sw-roles-list")
        expect(listing).to_contain_text("Verantwoordelijkheden van de leerondersteuner", timeout=ACTION_MS)
        expect(listing).to_contain_text(f"Uitspraken: {count};")
        expect(listing.locator("button[data-ref]")).to_have_count(count)
        page.screenshot(path=SHOTS / "10-wie-doet-wat.png", full_page=True)

        # a statement's number opens its passage in the source panel, the quote highlighted
        first = listing.locator(".sw-statement").first
        quote = words(first.locator(".sw-statement-quote").inner_text()).strip("“”")
        first.locator("button[data-ref='1']").click()
        panel = page.locator("#sw-roles-panel")
        expect(panel.locator(".sw-badge")).to_have_text("[1]", timeout=ACTION_MS)
        expect(panel).to_contain_text("Periode")
        expect(panel).to_contain_text("Bestand")
        assert words(panel.locator("mark").inner_text()) == quote
        where = first.locator(".sw-where").inner_text()
        assert "p. " in where and "r. " in where  # Citation.where(): document, section, page, lines
        page.screenshot(path=SHOTS / "11-uitspraak-bron.png", full_page=True)

        # and by keyboard: focus the second number, press Enter
        listing.locator("button[data-ref='2']").focus()
        page.keyboard.press("Enter")
        expect(panel.locator(".sw-badge")).to_have_text("[2]", timeout=ACTION_MS)

        # the listed statements as a checklist download
        page.get_by_role("button", name="Checklist downloaden (Markdown)").click()
        with page.expect_download() as download:
            page.locator('#sw-roles-file a[download^="steunwijs-rollen"]').click(timeout=ACTION_MS)
        checklist = Path(download.value.path()).read_text(encoding="utf-8")
        assert checklist.startswith("# Verantwoordelijkheden van de leerondersteuner")
        assert f"- [ ] {quote}" in checklist and checklist.count("- [ ] ") == count

        # what changed: the leerondersteuner per era, side by side, each number opening its source
        page.get_by_role("tab", name="Wat is er veranderd?").click()
        page.locator("#sw-changes-actor input").click()
        page.get_by_role("option", name="Leerondersteuner").click()
        changes = page.locator("#sw-changes")
        expect(changes.locator(".sw-era-column")).to_have_count(3, timeout=ACTION_MS)
        expect(changes.locator(".sw-era-column").nth(0)).to_contain_text("Geen uitspraken uit deze periode.")
        expect(changes.locator(".sw-era-column").nth(1)).to_contain_text("Ondersteuningsmodel (2017-2023)")
        expect(changes.locator(".sw-era-column").nth(2)).to_contain_text("Leersteundecreet (vanaf 2023)")
        changes.locator(".sw-era-column").nth(2).locator("button[data-ref]").first.click()
        changes_panel = page.locator("#sw-changes-panel")
        expect(changes_panel).to_contain_text("Zeven tinten grijs", timeout=ACTION_MS)
        expect(changes_panel.locator("mark")).to_have_count(1)
        page.screenshot(path=SHOTS / "12-wat-is-er-veranderd.png", full_page=True)
        browser.close()
