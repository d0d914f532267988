"""The web app says what an ingest repaired (a removal or an upload runs one), as the CLI does.

Over the hand-made knowledge base of tests.test_kb_damage (real Chroma and files, random vectors),
so that no embedding model is needed.
"""

from __future__ import annotations

from pathlib import Path

from kb.generations import Layout
from steunwijs.settings import Settings
from tests.pipeline_corpus import DOCS, write_corpus
from tests.test_kb_damage import handmade_kb
from webapp import texts
from webapp.handlers import Handlers
from webapp.startup import Startup


def test_a_removal_says_what_its_ingest_repaired(tmp_settings: Settings, tmp_path: Path) -> None:
    handmade_kb(tmp_settings, write_corpus(tmp_path / "corpus"))
    Layout(tmp_settings).manifest_path(1).write_text("", encoding="utf-8")
    startup = Startup(tmp_settings)
    startup.run()
    handlers = Handlers(tmp_settings, startup)
    source = sorted(DOCS)[0]

    message = handlers.documents.remove(source)

    repaired, done = message.split("\n\n")
    assert repaired.startswith(texts.REPAIRED.format(what="Het manifest van generatie 1 was beschadigd"))
    assert done.startswith("Verwijderd:") and f"Nu {len(DOCS) - 1} documenten" in done
    assert "Hersteld" not in handlers.documents.remove(sorted(DOCS)[1])  # nothing left to repair
