"""What a generation keeps in its folder so that a fresh process starts fast: its records with their
vectors (`passages.npz`, read without a Chroma client) and its glossary (`glossary.json`, not rebuilt).

Both are derived data: they are written by the build, reused while they fit, and a file that is
missing, damaged, of another collection or (the glossary) made by other rules is replaced from the
store or the passages, giving the very same passages, vectors and glossary. A collection that is
gone is still found out although its folder's copy is there. Real parts: a real Chroma store in
tmp_path, generations written by the real build, hand-made passages and vectors (no model).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

import kb.glossary
from kb.damage import IndexDamaged
from kb.generations import Layout
from kb.glossary import GLOSSARY_FILE, build_glossary
from kb.knowledge_base import KnowledgeBase
from kb.passages_file import PASSAGES_FILE
from kb.store import Store
from steunwijs.settings import Settings
from tests.test_glossary import corpus
from tests.test_roles_map import publish_corpus


@pytest.fixture()
def built(tmp_settings: Settings) -> int:
    """Generation 1: the glossary test's passages (acronyms spelled out, lexicon terms), vectors of dim 8."""
    return publish_corpus(tmp_settings, corpus())


def folder_file(settings: Settings, name: str) -> Path:
    return Layout(settings).folder(1) / name


def from_chroma(settings: Settings) -> tuple[list[str], list[str], np.ndarray]:
    """Ids, texts and vectors of generation 1 in search order, read from the Chroma collection itself."""
    store = Store(settings)
    records = {r.id: r for r in store.records(store.collection(Layout(settings).collection_name(1)), with_embeddings=True)}
    generation = KnowledgeBase(settings)._current()
    assert generation is not None
    ids = [p.id for p in generation.passages]
    return ids, [records[i].document for i in ids], np.stack([records[i].embedding for i in ids])


def loaded(kb: KnowledgeBase) -> tuple[list[str], list[str], np.ndarray]:
    generation = kb._current()
    assert generation is not None
    return [p.id for p in generation.passages], [p.text for p in generation.passages], generation.vectors


def glossary_rows(glossary: kb.glossary.Glossary) -> list[dict[str, object]]:
    return [e.as_json() | {"passage": e.passage.id, "spellings": e.spellings} for e in glossary.entries]


# --- passages.npz ------------------------------------------------------------------------------------
def test_the_build_stores_the_records_and_a_reader_loads_them_without_a_chroma_client(tmp_settings: Settings, built: int) -> None:
    assert folder_file(tmp_settings, PASSAGES_FILE).is_file()
    kb = KnowledgeBase(tmp_settings)
    ids, texts, vectors = loaded(kb)
    assert kb.store._client is None  # neither opened for the collection names nor for the records
    expected_ids, expected_texts, expected_vectors = from_chroma(tmp_settings)
    assert (ids, texts) == (expected_ids, expected_texts) and len(ids) == 2
    assert np.array_equal(vectors, expected_vectors)  # bit for bit
    assert [d.doc.source for d in kb.documents()] == ["decreet.txt", "netwerk.txt"]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped", "missing"])
def test_a_damaged_or_missing_copy_is_read_from_the_store_and_written_anew(
    damage: str, tmp_settings: Settings, built: int, caplog: pytest.LogCaptureFixture
) -> None:
    path = folder_file(tmp_settings, PASSAGES_FILE)
    data = bytearray(path.read_bytes())
    if damage == "missing":
        path.unlink()
    elif damage == "flipped":  # one byte of the records' JSON: only the zip's CRC-32 can tell
        at = data.index(b"decreet.txt")
        data[at] ^= 0x01
        path.write_bytes(bytes(data))
    else:
        path.write_bytes({"garbage": b"PK\x03\x04 not a zip" * 8, "truncated": bytes(data[: len(data) // 2])}[damage])

    with caplog.at_level(logging.INFO, logger="kb.passages_file"):
        kb = KnowledgeBase(tmp_settings)
        ids, texts, vectors = loaded(kb)
    assert kb.store._client is not None  # read from Chroma
    assert ("no stored passages" if damage == "missing" else "unreadable") in caplog.text
    expected_ids, expected_texts, expected_vectors = from_chroma(tmp_settings)
    assert (ids, texts) == (expected_ids, expected_texts) and np.array_equal(vectors, expected_vectors)

    fresh = KnowledgeBase(tmp_settings)  # the next process reads the rewritten copy
    assert loaded(fresh)[0] == expected_ids and fresh.store._client is None


def test_a_copy_of_another_collection_is_not_used(tmp_settings: Settings, built: int) -> None:
    first = folder_file(tmp_settings, PASSAGES_FILE).read_bytes()
    publish_corpus(tmp_settings, corpus()[:1])  # generation 2: one passage
    second = Layout(tmp_settings).folder(2) / PASSAGES_FILE
    second.write_bytes(first)  # generation 1's copy (two passages) in generation 2's folder

    kb = KnowledgeBase(tmp_settings)
    assert [d.doc.source for d in kb.documents()] == ["decreet.txt"]
    assert kb.store._client is not None


def test_a_collection_that_is_gone_is_found_out_although_its_copy_is_there(tmp_settings: Settings, built: int) -> None:
    assert folder_file(tmp_settings, PASSAGES_FILE).is_file()
    Store(tmp_settings).drop(Layout(tmp_settings).collection_name(1))
    with pytest.raises(IndexDamaged, match="does not exist in the store"):
        KnowledgeBase(tmp_settings).documents()


def test_the_catalogue_lists_the_collections_the_client_lists(tmp_settings: Settings, built: int) -> None:
    publish_corpus(tmp_settings, corpus()[:1])
    Store(tmp_settings).create_collection("other_collection")
    catalogue = Store(tmp_settings)
    names = catalogue.collection_names()
    assert catalogue._client is None  # read with SQLite
    listed = Store(tmp_settings).client.list_collections()
    assert sorted(names) == sorted(c if isinstance(c, str) else c.name for c in listed)
    assert sorted(names) == ["other_collection", "steunwijs_g2"]


# --- glossary.json -----------------------------------------------------------------------------------
def test_the_build_stores_the_glossary_and_a_reader_reuses_it(
    tmp_settings: Settings, built: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = glossary_rows(build_glossary(corpus()))
    assert {"IAC", "GC-verslag", "ankerfiguur"} <= {row["term"] for row in expected}
    assert folder_file(tmp_settings, GLOSSARY_FILE).is_file()

    def no_rebuild(*_: object) -> None:
        raise AssertionError("the stored glossary should have been reused")

    monkeypatch.setattr(kb.glossary, "build_glossary", no_rebuild)
    knowledge_base = KnowledgeBase(tmp_settings)
    assert glossary_rows(knowledge_base.glossary()) == expected
    assert knowledge_base.glossary().get("iac") is not None


def _stale(path: Path) -> None:
    stored = json.loads(path.read_text(encoding="utf-8"))
    stored["rules"] = "made by older rules"
    path.write_text(json.dumps(stored), encoding="utf-8")


def _other_collection(path: Path) -> None:
    stored = json.loads(path.read_text(encoding="utf-8"))
    stored["collection"] = "steunwijs_g7"
    path.write_text(json.dumps(stored), encoding="utf-8")


def _unknown_passage(path: Path) -> None:
    stored = json.loads(path.read_text(encoding="utf-8"))
    stored["entries"][0]["passage_id"] = "gone.txt-1"
    path.write_text(json.dumps(stored), encoding="utf-8")


def _wrong_quote(path: Path) -> None:
    stored = json.loads(path.read_text(encoding="utf-8"))
    stored["entries"][0]["quote"] = "Een zin die in geen enkele passage staat."
    path.write_text(json.dumps(stored), encoding="utf-8")


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_text('{"format": 1, "entries": [', encoding="utf-8"),
        lambda path: path.write_bytes(b""),
        lambda path: path.unlink(),
        _stale,
        _other_collection,
        _unknown_passage,
        _wrong_quote,
    ],
    ids=["broken-json", "empty", "missing", "stale-rules", "other-collection", "unknown-passage", "wrong-quote"],
)
def test_a_stale_damaged_or_missing_glossary_is_rebuilt_and_stored_again(
    damage, tmp_settings: Settings, built: int, monkeypatch: pytest.MonkeyPatch  # noqa: ANN001
) -> None:
    expected = glossary_rows(build_glossary(corpus()))
    path = folder_file(tmp_settings, GLOSSARY_FILE)
    damage(path)
    builds: list[int] = []
    real = kb.glossary.build_glossary

    def counting(passages):  # noqa: ANN001, ANN202
        builds.append(len(passages))
        return real(passages)

    monkeypatch.setattr(kb.glossary, "build_glossary", counting)
    assert glossary_rows(KnowledgeBase(tmp_settings).glossary()) == expected
    assert builds == [2]  # rebuilt from the generation's passages
    assert glossary_rows(KnowledgeBase(tmp_settings).glossary()) == expected
    assert builds == [2]  # ... and stored: the next process reuses it
    assert json.loads(path.read_text(encoding="utf-8"))["rules"] == kb.glossary.rules_fingerprint()
