"""A Chroma server that stops and comes back: the open knowledge base says the server is gone while
it is, and answers again, unchanged, once `chroma run` is back on the same path and port; nothing
has to be restarted or re-ingested."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from ingest.pipeline import ingest_folder
from kb.knowledge_base import KnowledgeBase
from steunwijs.errors import StoreUnavailable
from steunwijs.settings import get_settings
from tests.pipeline_corpus import write_corpus
from tests.processes import stop
from tests.test_kb_server import free_port

pytestmark = [pytest.mark.server, pytest.mark.slow]

QUESTION = "Wie is op school de spilfiguur voor de ondersteuner?"
LATER = "Wanneer start de leersteun na het begin van het schooljaar?"


def chroma_run(path: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """`chroma run` on 127.0.0.1:`port` over `path`, once its heartbeat answers."""
    chroma = Path(sys.executable).parent / "chroma"
    command = [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]
    with log.open("ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            pass  # not listening yet
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            pytest.fail(f"chroma run did not come up: {log.read_text()[-2000:]}")
        time.sleep(0.3)


def test_a_server_that_stops_and_comes_back_is_used_again(tmp_path: Path) -> None:
    port, path, log = free_port(), tmp_path / "server", tmp_path / "chroma.log"
    url = f"http://127.0.0.1:{port}"
    settings = get_settings(data_dir=tmp_path / "client", chroma_url=url)
    process = chroma_run(path, port, log)
    try:
        ingest_folder(write_corpus(tmp_path / "corpus"), settings)
        kb = KnowledgeBase(settings)
        before = [(h.passage.id, round(h.score, 6)) for h in kb.search(QUESTION, k=3)]
        assert before
    finally:
        stop(process)

    with pytest.raises(StoreUnavailable, match=url.replace(".", r"\.")):
        kb.search(LATER)

    process = chroma_run(path, port, log)
    try:
        assert [(h.passage.id, round(h.score, 6)) for h in kb.search(QUESTION, k=3)] == before
        assert kb.search(LATER, k=3)  # the question the stopped server could not answer
        assert len(kb.documents()) == 3
    finally:
        stop(process)
