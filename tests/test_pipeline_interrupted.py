"""An ingest killed with SIGKILL leaves the previous index intact and usable; the next ingest completes.

The ingest runs in a real subprocess whose pointer flip (`kb.generations.publish`) is replaced by
a pause, so the kill lands at the worst moment: the new collection, BM25 index and manifest are
fully written, and only the flip is missing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ingest.pipeline import ingest_folder
from kb.generations import Layout, read_pointer
from kb.knowledge_base import KnowledgeBase
from kb.store import Store
from steunwijs.settings import Settings
from tests.pipeline_corpus import DOCS, write_corpus

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent

PAUSED_INGEST = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import ingest.pipeline as pipeline
    import kb.generations as generations
    from steunwijs.settings import get_settings

    corpus, data_dir, marker = map(Path, sys.argv[1:4])

    def pause_instead_of_flip(*args, **kwargs):
        marker.write_text("new generation written, pointer not flipped")
        time.sleep(600)

    generations.publish = pause_instead_of_flip
    pipeline.ingest_folder(corpus, get_settings(data_dir=data_dir))
    """
)


def kill_during_ingest(corpus: Path, settings: Settings, marker: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", PAUSED_INGEST, str(corpus), str(settings.data_dir), str(marker)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 600
        while not marker.exists():
            if process.poll() is not None:
                pytest.fail(f"the ingest ended before the flip: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            if time.monotonic() > deadline:
                pytest.fail("the ingest did not reach the flip within 600 s")
            time.sleep(0.2)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL


def test_a_killed_ingest_leaves_the_old_index_and_the_next_one_completes(tmp_path: Path, tmp_settings: Settings) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    ingest_folder(corpus, tmp_settings)
    layout = Layout(tmp_settings)
    question = "Wie is op school het vaste aanspreekpunt van het netwerk?"
    before = KnowledgeBase(tmp_settings)
    old_ids = {p.id for p in before.passages("netwerk.txt")}
    old_hits = [(h.passage.id, round(h.score, 6)) for h in before.search(question, k=3)]

    changed = DOCS["netwerk.txt"].replace("vast aanspreekpunt.", "vast aanspreekpunt dat elke dinsdag langskomt.")
    (corpus / "netwerk.txt").write_text(changed, encoding="utf-8")
    kill_during_ingest(corpus, tmp_settings, tmp_path / "paused")

    # The half-finished generation exists, but nothing points at it.
    assert layout.collection_name(2) in Store(tmp_settings).collection_names()
    pointer = read_pointer(Store(tmp_settings), layout)
    assert pointer is not None and pointer.generation == 1

    # The old index answers as before.
    kb = KnowledgeBase(tmp_settings)
    assert {p.id for p in kb.passages("netwerk.txt")} == old_ids
    hits = kb.search(question, k=3)
    assert [(h.passage.id, round(h.score, 6)) for h in hits] == old_hits
    assert all("dinsdag" not in h.passage.text for h in hits)

    # The next ingest clears the leftovers and completes.
    report = ingest_folder(corpus, tmp_settings)
    assert report.changed == ["netwerk.txt"] and report.generation == 2
    generations = [n for n in Store(tmp_settings).collection_names() if layout.generation_of(n) is not None]
    assert generations == [layout.collection_name(2)]
    assert [f.name for f in layout.generations_dir.iterdir()] == ["g2"]
    assert any("dinsdag" in h.passage.text for h in kb.search("Wanneer komt de ankerfiguur langs?", k=3))
