"""The 'Begrippen' tab in a real browser (Debian's chromium, headless, via Playwright).

`python app.py` over two leersteundecreet documents (004 spells IAC out), started as in
tests/test_browser_roles.py. A user searches "IAC", reads its sentence and place, and opens the
passage by the term's number, the sentence highlighted. Screenshots go to test-output/browser/.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, SHOTS, STARTUP_S
from tests.test_browser_roles import ACTION_MS, serve_corpus, words

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SMALL_CORPUS = ("003_f0048e20d44ebb64.txt", "004_f932f971383260c2.txt")


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python app.py` over the two documents, which it ingests itself; yields its URL."""
    yield from serve_corpus(tmp_path_factory, SMALL_CORPUS)


def test_a_user_searches_iac_and_reads_its_sentence_and_source(url: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nl-BE").new_page()
        page.goto(url)
        expect(page.locator("#sw-status")).to_contain_text("Kennisbank klaar", timeout=STARTUP_S * 1000)
        page.get_by_role("tab", name="Begrippen").click()
        listing = page.locator("#sw-glossary-list")
        expect(listing.locator("button[data-ref]").first).to_be_visible(timeout=ACTION_MS)

        search = page.get_by_role("textbox", name="Zoek een begrip")
        search.fill("IAC")
        search.press("Enter")
        expect(listing).to_contain_text('begrippen voor "IAC"', timeout=ACTION_MS)
        first = listing.locator(".sw-term").first
        expect(first.locator(".sw-term-name")).to_have_text("IAC")
        expect(first).to_contain_text("individueel aangepast curriculum")
        quote = words(first.locator(".sw-term-quote").inner_text()).strip("“”")
        assert "IAC" in quote
        assert "p. " in first.locator(".sw-where").inner_text()

        first.locator("button[data-ref='1']").click()
        panel = page.locator("#sw-glossary-panel")
        expect(panel.locator(".sw-badge")).to_have_text("[1]", timeout=ACTION_MS)
        assert words(panel.locator("mark").inner_text()) == quote
        page.screenshot(path=SHOTS / "13-begrippen-iac.png", full_page=True)
        browser.close()
