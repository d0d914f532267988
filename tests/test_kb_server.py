"""Server mode: a real `chroma run` on 127.0.0.1, ingest and retrieval through HttpClient, shared by
two clients with their own data folders, and a clear error naming the URL once the server is gone."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ingest.pipeline import ingest_folder
from kb.embeddings import Embedder
from kb.generations import Layout
from kb.knowledge_base import KnowledgeBase
from kb.store import Store
from steunwijs.dutch.points import point_sentences
from steunwijs.errors import StoreUnavailable
from steunwijs.settings import get_settings
from tests.pipeline_corpus import DOCS, write_corpus
from tests.processes import stop

pytestmark = [pytest.mark.server, pytest.mark.slow]

QUESTIONS = [
    "Mag een co-teacher een afwezige leerkracht vervangen?",
    "Wie is op school de spilfiguur voor de ondersteuner?",
    "Wanneer start de leersteun na het begin van het schooljaar?",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def chroma_server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`chroma run` from the virtual environment on a free loopback port, until its heartbeat answers."""
    chroma = Path(sys.executable).parent / "chroma"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp_path / "chroma.log").open("wb")
    process = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass  # not listening yet
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"chroma run did not come up: {(tmp_path / 'chroma.log').read_text()[-2000:]}")
            time.sleep(0.3)
        yield url, process
    finally:
        stop(process)
        log.close()


def ranking(kb: KnowledgeBase, question: str) -> list[tuple[str, float]]:
    return [(h.passage.id, round(h.score, 6)) for h in kb.search(question, k=3)]


def test_ingest_and_retrieval_through_a_chroma_server(
    chroma_server: tuple[str, subprocess.Popen[bytes]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, process = chroma_server
    corpus = write_corpus(tmp_path / "corpus")

    embedded_settings = get_settings(data_dir=tmp_path / "embedded")
    ingest_folder(corpus, embedded_settings)
    embedded_kb = KnowledgeBase(embedded_settings)

    first = get_settings(data_dir=tmp_path / "client1", chroma_url=url)
    report = ingest_folder(corpus, first)
    assert report.added == sorted(DOCS)
    assert not (first.data_dir / "chroma").exists()  # nothing stored locally but the pointer copy and BM25
    assert Store(first).metadata(Layout(first).meta_collection)["generation"] == 1
    server_kb = KnowledgeBase(first)
    for question in QUESTIONS:
        assert ranking(server_kb, question) == ranking(embedded_kb, question)

    # A second client with an empty data folder sees the same index and ingests incrementally.
    second = get_settings(data_dir=tmp_path / "client2", chroma_url=url)
    other_kb = KnowledgeBase(second)
    assert ranking(other_kb, QUESTIONS[0]) == ranking(server_kb, QUESTIONS[0])
    embedded: list[str] = []
    original = Embedder.embed_passages

    def spy(self: Embedder, texts: list[str]):  # noqa: ANN202 - same as the wrapped method
        embedded.extend(texts)
        return original(self, texts)

    monkeypatch.setattr(Embedder, "embed_passages", spy)
    first_visit = ingest_folder(corpus, second)
    assert not first_visit.changed_anything and first_visit.embedded == 0  # no passage is embedded again
    # the sentence vectors live in the generation folder, which this client lacks: it makes them once
    points = {s.clean for d in ("leersteun.txt", "netwerk.txt", "pwb.txt") for p in other_kb.passages(d) for s in point_sentences(p.text)}
    assert set(embedded) == points and any("zinvectoren" in r.nl for r in first_visit.repaired)
    embedded.clear()
    assert not ingest_folder(corpus, second).changed_anything
    assert embedded == []

    # A change ingested by the second client reaches the first client's open knowledge base.
    (corpus / "pwb.txt").unlink()
    assert ingest_folder(corpus, second).removed == ["pwb.txt"]
    assert {d.doc.source for d in server_kb.documents()} == {"leersteun.txt", "netwerk.txt"}

    process.terminate()
    process.wait(timeout=20)
    with pytest.raises(StoreUnavailable, match=url.replace(".", r"\.")):
        server_kb.search(QUESTIONS[1])
