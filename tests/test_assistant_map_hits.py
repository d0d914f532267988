"""The roles map in the answer (assistant/map_hits.py): an actor's statements bring their passages
into the hits the sentence ranker reads; other questions keep their hits as they are."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.map_hits import INSERT_AT, map_hits
from ingest.pipeline import ingest_folder
from kb.knowledge_base import KnowledgeBase
from steunwijs.settings import Settings
from tests.pipeline_corpus import write_corpus

pytestmark = pytest.mark.slow


@pytest.fixture()
def kb(tmp_path: Path, tmp_settings: Settings) -> KnowledgeBase:
    ingest_folder(write_corpus(tmp_path / "corpus"), tmp_settings)
    return KnowledgeBase(tmp_settings)


def test_a_role_question_draws_the_passage_of_the_actors_statement(kb: KnowledgeBase) -> None:
    hits = kb.search("co-teacher vervangingen", k=2, sources=["pwb.txt"])  # no zorgcoördinator there
    assert all("zorgcoördinator" not in h.passage.text for h in hits)

    merged = map_hits("Wat is de rol van de zorgcoördinator?", hits, kb)

    added = [h for h in merged if h.passage.id not in {x.passage.id for x in hits}]
    assert len(added) == 1 and "De zorgcoördinator is op school de spilfiguur" in added[0].passage.text
    assert merged.index(added[0]) == min(INSERT_AT, len(hits))
    assert [h.rank for h in merged] == list(range(1, len(merged) + 1))
    assert [h.passage.id for h in merged if h not in added] == [h.passage.id for h in hits]


@pytest.mark.parametrize(
    "question",
    [
        "Hoeveel scholen krijgen een ankerfiguur?",  # not about a role, expectation or recommendation
        "Wat is de rol van de inspectie?",  # an actor the map has no statements of
    ],
)
def test_other_questions_keep_their_hits(kb: KnowledgeBase, question: str) -> None:
    hits = kb.search("co-teacher vervangingen", k=2)
    assert map_hits(question, hits, kb) == hits
