"""The conversation as a Markdown handout."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from steunwijs.settings import Settings
from tests.webapp_answers import QUOTE, abstained, answered
from webapp import texts
from webapp.chat_format import answer_message
from webapp.handlers import Handlers
from webapp.handout import conversation_markdown, dutch_date
from webapp.session import ChatSession
from webapp.startup import Startup

WHEN = datetime(2026, 11, 23, 14, 5, 9)


def test_handout_has_each_question_answer_and_source() -> None:
    text = conversation_markdown([answered(), abstained()], WHEN)
    assert text.startswith("# Steunwijs: gesprek van 23 november 2026")
    assert "## 1. Wat doet een leerondersteuner in de klas?" in text
    assert "*Ik ben: directie*" in text
    assert answered().text in text
    assert f"   > “{QUOTE}”" in text
    # the source's place as Citation.where() words it, with the full title, then the document's period
    assert (
        "1. Erkenningsonderzoeken leersteuncentra 2023-2024, 4.3.1 LP1 handelingsgericht samenwerken, "
        "p. ca. 12, r. 120-134 (periode: leersteundecreet (vanaf 2023))  \n"
    ) in text
    second = text[text.index("## 2."):]
    assert f"**{texts.ABSTAIN_HEADING}**" in second
    assert f"**{texts.MAYBE_RELEVANT}**" in second and f"**{texts.SOURCES_HEADING}**" not in second


def test_an_empty_conversation_is_refused() -> None:
    with pytest.raises(ValueError):
        conversation_markdown([], WHEN)


def test_dutch_date() -> None:
    assert dutch_date(datetime(2025, 3, 1)) == "1 maart 2025"


def test_export_follows_what_the_chat_shows(tmp_settings: Settings) -> None:
    feedback = Handlers(tmp_settings, Startup(tmp_settings)).feedback
    first, second = answered(), abstained()
    session = ChatSession(answers=[first, second])
    # the user undid the first turn: only the second is in the chat
    history = [{"role": "user", "content": second.question}, answer_message(second, 1)]
    folder = tmp_settings.data_dir / "web" / "downloads" / "session"
    path, message = feedback.export_conversation(history, session, folder)
    assert message == ""
    text = Path(path).read_text(encoding="utf-8")
    assert second.question in text and first.question not in text
    assert Path(path).parent == folder
    assert feedback.export_conversation([], session, folder) == (None, texts.EXPORT_EMPTY)
