"""Shared fixtures. Tests use real parts: a real Chroma store in a temp folder, the real model."""

from __future__ import annotations

from pathlib import Path

import pytest

from steunwijs.settings import Settings, get_settings

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture()
def tmp_settings(tmp_path: Path) -> Settings:
    """Settings whose data folder is a fresh temp dir (corpus and model stay the defaults)."""
    return get_settings(data_dir=tmp_path / "data")


@pytest.fixture(scope="session")
def corpus_kb(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - a kb.knowledge_base.KnowledgeBase
    """A KnowledgeBase over the default corpus, ingested once per session into a temp data folder.

    Needs the converted embedding model: use it from tests marked `slow`. Treat it as read-only.
    """
    from ingest.pipeline import ingest_folder
    from kb.knowledge_base import KnowledgeBase

    settings = get_settings(data_dir=tmp_path_factory.mktemp("corpus_kb") / "data")
    report = ingest_folder(settings.corpus_dir, settings)
    if report.skipped or report.documents == 0:
        pytest.fail(f"the default corpus did not ingest cleanly: {report}")
    return KnowledgeBase(settings)
