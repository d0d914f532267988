"""Three `steunwijs ingest` processes started at once on one data folder: one index, built once.

The data folder's ingest lock (`steunwijs.files.exclusive_lock` on data/ingest.lock) lets one
ingest build while the others wait for it; they then find nothing changed. No generation is
built twice, none is left half-made, and the knowledge base holds every document once.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kb.generations import Layout, read_pointer
from kb.knowledge_base import KnowledgeBase
from kb.store import Store
from steunwijs.settings import get_settings
from tests.pipeline_corpus import DOCS, write_corpus

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent


def test_three_ingests_at_once_build_one_generation(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    data = tmp_path / "data"
    env = {**os.environ, "STEUNWIJS_DATA_DIR": str(data)}
    env.pop("STEUNWIJS_CHROMA_URL", None)
    command = [sys.executable, "-m", "cli.main", "ingest", str(corpus)]
    processes = [
        subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(3)
    ]
    outputs = []
    try:
        for process in processes:
            outputs.append(process.communicate(timeout=600)[0].decode(errors="replace"))
    finally:
        for process in processes:
            process.kill()
            process.wait()
    assert [p.returncode for p in processes] == [0, 0, 0], "\n---\n".join(outputs)

    settings = get_settings(data_dir=data)
    layout = Layout(settings)
    pointer = read_pointer(Store(settings), layout)
    assert pointer is not None and pointer.generation == 1  # built once: the others found nothing to do
    assert [f.name for f in layout.generations_dir.iterdir()] == ["g1"]
    kb = KnowledgeBase(settings)
    assert sorted(d.doc.source for d in kb.documents()) == sorted(DOCS)
    ids = [p.id for source in DOCS for p in kb.passages(source)]
    assert len(ids) == len(set(ids))
