"""Questions in markup or in another language: an answer or an honest abstention, never an exception.

Whatever is typed reaches the assistant as text: HTML stays text (it is neither run nor copied into
the answer's words), and a question in English, French or German gets what the Dutch documents
allow, with citations that pass the check.
"""

from __future__ import annotations

import pytest

from assistant.answer import answer
from assistant.citations import check
from ingest.pipeline import ingest_folder
from kb.knowledge_base import KnowledgeBase
from steunwijs.settings import get_settings
from tests.pipeline_corpus import write_corpus

pytestmark = pytest.mark.slow

ODD_QUESTIONS = [
    "<script>alert('x')</script> Wie is het aanspreekpunt van het netwerk?",
    "<b>Wat</b> doet een <i>co-teacher</i>? <img src=x onerror=alert(1)>",
    "What does a co-teacher do in the classroom?",
    "Qu'est-ce que le réseau de soutien fait pour l'école?",
    "Was macht die Ankerfigur in der Schule?",
]


@pytest.fixture(scope="module")
def small_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    root = tmp_path_factory.mktemp("odd")
    settings = get_settings(data_dir=root / "data")
    ingest_folder(write_corpus(root / "corpus"), settings)
    return KnowledgeBase(settings)


@pytest.mark.parametrize("question", ODD_QUESTIONS)
def test_markup_and_foreign_questions_get_a_checked_answer_or_an_abstention(
    small_kb: KnowledgeBase, question: str
) -> None:
    result = answer(question, settings=small_kb.settings, kb=small_kb)
    assert result.text.strip()
    check(result)  # every statement cited, every quote in its passage
    assert "<script" not in result.text and "onerror" not in result.text
    assert result.abstained or result.citations
