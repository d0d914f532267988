"""The llama-index faces of the retriever and the embedder, and an answer that imports neither
llama-index nor torch (both take seconds to import; a fresh `steunwijs ask` should not pay for them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ingest.pipeline import ingest_folder
from kb.knowledge_base import KnowledgeBase
from steunwijs.settings import Settings
from tests.pipeline_corpus import write_corpus

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "Mag een co-teacher een zieke leerkracht vervangen?"


def test_the_llama_index_retriever_returns_what_search_returns(tmp_path: Path, tmp_settings: Settings) -> None:
    ingest_folder(write_corpus(tmp_path / "corpus"), tmp_settings)
    kb = KnowledgeBase(tmp_settings)
    generation = kb._current()
    assert generation is not None

    nodes = kb._retriever(generation, None, None, None).as_llama().retrieve(QUESTION)
    hits = kb.search(QUESTION)

    assert [n.node.node_id for n in nodes] == [h.passage.id for h in hits]
    assert [n.score for n in nodes] == pytest.approx([h.score for h in hits])
    assert nodes[0].node.metadata["source"] == hits[0].passage.source
    assert nodes[0].node.metadata["dense_score"] == pytest.approx(hits[0].dense_score)


def test_the_llama_index_embedding_is_the_embedder(tmp_settings: Settings) -> None:
    kb = KnowledgeBase(tmp_settings)
    llama = kb.embedder.llama
    assert np.allclose(llama.get_query_embedding(QUESTION), kb.embedder.embed_query(QUESTION), atol=1e-6)
    assert np.allclose(llama.get_text_embedding("Een zin."), kb.embedder.embed_passages(["Een zin."])[0], atol=1e-6)


def test_an_int8_answer_imports_neither_llama_index_nor_torch(tmp_path: Path, tmp_settings: Settings) -> None:
    settings = tmp_settings.model_copy(update={"encoder": "onnx-int8"})
    ingest_folder(write_corpus(tmp_path / "corpus"), settings)
    code = (
        "import sys\n"
        "from assistant.answer import answer\n"
        "from steunwijs.settings import get_settings\n"
        f"result = answer({QUESTION!r}, settings=get_settings(data_dir={str(settings.data_dir)!r}, encoder='onnx-int8'))\n"
        "assert result.citations, result.text\n"
        "print(sorted(m for m in ('torch', 'llama_index.core', 'gradio') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"


def test_warm_up_loads_what_a_first_question_would_wait_for(tmp_path: Path, tmp_settings: Settings) -> None:
    empty = KnowledgeBase(tmp_settings)
    empty.warm_up()  # nothing ingested: nothing to load, no model
    assert empty._embedder is None

    ingest_folder(write_corpus(tmp_path / "corpus"), tmp_settings)
    kb = KnowledgeBase(tmp_settings)
    kb.warm_up()
    assert kb._embedder is not None and kb._glossary is not None
    assert kb._glossary[0] == kb._current().pointer.generation
