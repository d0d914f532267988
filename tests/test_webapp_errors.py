"""Failures become the user's Dutch message in one place (webapp.errors), whichever tab meets them."""

from __future__ import annotations

import logging

import pytest

from steunwijs.errors import InputError, StoreUnavailable
from steunwijs.settings import Settings
from webapp import texts
from webapp.citation_panel import render_message
from webapp.errors import shows_errors, user_message
from webapp.handlers import Handlers
from webapp.startup import Startup


def test_the_dutch_message_is_shown_and_the_english_one_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="steunwijs.webapp"):
        message = user_message(StoreUnavailable("De server is weg.", "The server is gone."))
    assert message == "De server is weg."
    assert "The server is gone." in caplog.text and "De server is weg." not in caplog.text


def test_a_decorated_handler_shows_the_message_in_its_own_output() -> None:
    @shows_errors(lambda message: f"Mislukt. {message}")
    def act(fail: bool) -> str:
        if fail:
            raise InputError("Lege vraag.", "Empty question.")
        return "gelukt"

    assert act(False) == "gelukt"
    assert act(True) == "Mislukt. Lege vraag."


def test_a_bug_is_not_turned_into_a_message() -> None:
    @shows_errors(lambda message: message)
    def broken() -> str:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        broken()


def test_every_tab_says_why_before_the_knowledge_base_is_ready(tmp_settings: Settings) -> None:
    handlers = Handlers(tmp_settings, Startup(tmp_settings))  # start-up not run yet
    assert handlers.documents.browse("001.txt", None) == render_message(texts.NOT_READY)
    sections, passages = handlers.documents.open_document("001.txt")
    assert (sections["choices"], passages) == ([], render_message(texts.NOT_READY))
    assert handlers.documents.remove("001.txt") == f"{texts.REMOVE_FAILED} {texts.NOT_READY}"
