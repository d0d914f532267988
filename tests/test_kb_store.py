"""The Chroma store: data survives a new client, records round-trip, a lost server is named clearly."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from kb.store import ServerAddress, Store, StoredRecord
from steunwijs.errors import ConfigurationError, StoreUnavailable
from steunwijs.settings import Settings, get_settings
from steunwijs.types import DocumentMeta, Passage

REPO = Path(__file__).resolve().parent.parent


def passage(n: int, page: int | None = 3, year: int | None = 2019) -> Passage:
    doc = DocumentMeta(
        source="doc.txt", title="Titel", short_title="Kort", publisher=None, year=year, kind=None, era="ondersteuningsmodel"
    )
    return Passage(
        id=f"p{n}",
        doc=doc,
        section="1 Inleiding > 1.1 Doel",
        page=page,
        page_approximate=page is not None,
        lines=(10 * n + 1, 10 * n + 5),
        text=f"Passage {n} over de zorgcoördinator.",
        raw=f"Passage {n} over de\n\nzorgcoördinator.",
    )


def unit_vectors(n: int, dim: int = 8, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8123", ServerAddress("127.0.0.1", 8123, False)),
        ("https://chroma.example", ServerAddress("chroma.example", 443, True)),
        ("localhost", ServerAddress("localhost", 8000, False)),
    ],
)
def test_server_urls_are_parsed(url: str, expected: ServerAddress) -> None:
    assert ServerAddress.parse(url) == expected


@pytest.mark.parametrize("url", ["ftp://host:21", "http://host:8000/chroma"])
def test_unusable_server_urls_are_refused(url: str) -> None:
    with pytest.raises(ConfigurationError, match="Chroma server URL") as caught:
        ServerAddress.parse(url)
    assert "Chroma-server" in caught.value.nl


@pytest.mark.parametrize(("page", "year"), [(3, 2019), (None, None)])
def test_a_passage_round_trips_through_chroma_metadata(page: int | None, year: int | None) -> None:
    original = passage(1, page=page, year=year)
    record = StoredRecord.from_passage(original, folder="/corpus", doc_sha256="abc")
    assert all(isinstance(v, (str, int, float, bool)) for v in record.metadata.values())
    assert record.to_passage() == original


def test_data_survives_a_new_client_in_another_process(tmp_settings: Settings) -> None:
    store = Store(tmp_settings)
    collection = store.create_collection("steunwijs_test", {"generation": 1})
    vectors = unit_vectors(5)
    records = [StoredRecord.from_passage(passage(n), "/corpus", "abc") for n in range(5)]
    for record, vector in zip(records, vectors):
        record.embedding = vector
    store.add(collection, records)

    script = textwrap.dedent(
        f"""
        import json, sys
        import numpy as np
        from kb.store import Store
        from steunwijs.settings import get_settings
        store = Store(get_settings(data_dir={str(tmp_settings.data_dir)!r}))
        collection = store.collection("steunwijs_test")
        records = store.records(collection, with_embeddings=True)
        query = np.array({vectors[2].tolist()!r}, dtype=np.float32)
        print(json.dumps({{
            "ids": sorted(r.id for r in records),
            "texts": sorted(r.document for r in records),
            "nearest": max(records, key=lambda r: float(r.embedding @ query)).id,
            "metadata": collection.metadata,
        }}))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120, check=True
    ).stdout
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["ids"] == sorted(r.id for r in records)
    assert seen["texts"] == sorted(r.document for r in records)
    assert seen["nearest"] == "p2"
    assert seen["metadata"]["generation"] == 1


def test_collections_use_cosine_and_never_embed_by_themselves(tmp_settings: Settings) -> None:
    store = Store(tmp_settings)
    collection = store.create_collection("steunwijs_test")
    assert collection.configuration["hnsw"]["space"] == "cosine"
    record = StoredRecord.from_passage(passage(1), "/corpus", "abc")
    with pytest.raises(ValueError, match="embedding"):
        store.add(collection, [record])
    assert collection.count() == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_server_is_named_in_the_error(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(StoreUnavailable, match=url.replace(".", r"\.")):
        Store(get_settings(data_dir=tmp_path / "data", chroma_url=url))
