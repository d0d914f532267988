"""Damaged index state: a corrupt BM25 file, manifest, pointer or skip memo, a pointer to a missing generation.

Each is found with a clear message, never a traceback; readers work around it in memory and
`steunwijs ingest` repairs it on disk and says what it did. The knowledge base is real (Chroma in
tmp_path, files written by the real build) but hand-made: passages with random vectors, and a
manifest that matches the corpus folder, so an ingest finds every document unchanged and needs no
embedding model.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from ingest.manifest import DocumentEntry, Manifest, fingerprint, sources_toml_sha
from ingest.pipeline import ingest_folder
from ingest.skip_memo import SKIPPED_FILE
from ingest.sources import load_metadata
from kb.bm25 import BM25Index
from kb.damage import IndexDamaged
from kb.generations import Layout, Pointer, build_generation, model_id, read_pointer
from kb.knowledge_base import KnowledgeBase
from kb.recovery import newest_complete
from kb.store import Store, StoredRecord
from steunwijs.files import sha256_file
from steunwijs.settings import Settings
from steunwijs.types import Passage
from tests.pipeline_corpus import DOCS, write_corpus
from tests.test_kb_store import unit_vectors

DIM = 8


def handmade_kb(settings: Settings, corpus: Path) -> Pointer:
    """Generation 1 over the corpus folder: two passages per document, a manifest an ingest accepts."""
    metas = load_metadata(corpus)
    records: list[StoredRecord] = []
    documents: dict[str, DocumentEntry] = {}
    for name in sorted(DOCS):
        sha = sha256_file(corpus / name)
        passages = [
            Passage(id=f"{name}-{i}", doc=metas[name], section="1 Inleiding", page=None, page_approximate=True,
                    lines=(i * 3 + 1, i * 3 + 2), text=f"Passage {i} van {name} over leersteun.", raw="ruw")
            for i in range(2)
        ]
        records += [StoredRecord.from_passage(p, str(corpus), sha) for p in passages]
        documents[name] = DocumentEntry(folder=str(corpus), sha256=sha, meta=metas[name], passage_ids=[p.id for p in passages])
    for record, vector in zip(records, unit_vectors(len(records), dim=DIM)):
        record.embedding = vector
    manifest = Manifest(fingerprint=fingerprint(settings), sources_toml={str(corpus): sources_toml_sha(corpus)}, documents=documents)
    store, layout = Store(settings), Layout(settings)
    build_generation(store, layout, None, records, model=model_id(settings), dim=DIM,
                     manifest=manifest.model_dump_json(indent=1), fingerprint=manifest.fingerprint)
    pointer = read_pointer(store, layout)
    assert pointer is not None
    return pointer


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus")


@pytest.fixture()
def built(tmp_settings: Settings, corpus: Path) -> Pointer:
    return handmade_kb(tmp_settings, corpus)


def documents(settings: Settings) -> list[str]:
    return [d.doc.source for d in KnowledgeBase(settings).documents()]


def repaired(settings: Settings, corpus: Path) -> list[str]:
    """What an ingest of the (unchanged) corpus repaired, in Dutch; it must change no document."""
    report = ingest_folder(corpus, settings)
    assert report.unchanged == sorted(DOCS) and not report.changed_anything and report.generation is not None
    return [repair.nl for repair in report.repaired]


def test_a_sound_knowledge_base_needs_no_repair(tmp_settings: Settings, corpus: Path, built: Pointer) -> None:
    assert documents(tmp_settings) == sorted(DOCS)
    assert repaired(tmp_settings, corpus) == []


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_a_corrupt_bm25_file_is_rebuilt_from_the_store(
    damage: str, tmp_settings: Settings, corpus: Path, built: Pointer, caplog: pytest.LogCaptureFixture
) -> None:
    layout = Layout(tmp_settings)
    matrix = layout.bm25_folder(built.generation) / "data.csc.index.npy"
    data = matrix.read_bytes()
    matrix.write_bytes({"garbage": b"\x93NUMPY not really" * 8, "truncated": data[: len(data) // 2], "empty": b""}[damage])

    with caplog.at_level(logging.WARNING):
        assert documents(tmp_settings) == sorted(DOCS)  # a reader rebuilds it and goes on
    assert f"BM25 index in {layout.bm25_folder(1)} is damaged" in caplog.text and "rebuilt from the store" in caplog.text
    assert len(BM25Index.load(layout.bm25_folder(1))) == 6  # ... and saves the rebuilt one

    matrix.write_bytes(b"")
    assert repaired(tmp_settings, corpus) == [
        "De BM25-index van generatie 1 was beschadigd; opnieuw opgebouwd uit de opslag."
    ]
    assert len(BM25Index.load(layout.bm25_folder(1), expected_ids=[f"{n}-{i}" for n in DOCS for i in range(2)])) == 6


@pytest.mark.parametrize("content", [b"{\"fingerprint\": ", b"\x00\xff", b"[]", b"{\"documents\": {\"a.txt\": {}}}"])
def test_a_corrupt_manifest_is_rebuilt_from_the_store(
    content: bytes, tmp_settings: Settings, corpus: Path, built: Pointer
) -> None:
    path = Layout(tmp_settings).manifest_path(built.generation)
    path.write_bytes(content)

    assert repaired(tmp_settings, corpus) == [
        "Het manifest van generatie 1 was beschadigd; opnieuw opgebouwd uit de opslag."
    ]
    assert sorted(Manifest.model_validate_json(path.read_bytes()).documents) == sorted(DOCS)
    assert repaired(tmp_settings, corpus) == []


@pytest.mark.parametrize("content", ["{\"generation\": 1", "", "{\"generation\": \"een\"}", "null"])
def test_a_corrupt_pointer_falls_back_on_the_newest_complete_generation(
    content: str, tmp_settings: Settings, corpus: Path, built: Pointer, caplog: pytest.LogCaptureFixture
) -> None:
    layout = Layout(tmp_settings)
    store = Store(tmp_settings)
    half = store.create_collection(layout.collection_name(2), {"generation": 2, "model": built.model, "passages": 9})
    store.add(half, store.records(store.collection(built.collection), with_embeddings=True)[:3])  # a killed build
    layout.pointer_path.write_text(content, encoding="utf-8")

    with caplog.at_level(logging.WARNING):
        assert documents(tmp_settings) == sorted(DOCS)
    assert "Fell back on generation 1" in caplog.text

    (note,) = repaired(tmp_settings, corpus)
    assert "is beschadigd" in note and "Teruggevallen op generatie 1" in note
    assert read_pointer(Store(tmp_settings), layout) == built  # the same generation, made current again


def test_a_pointer_to_a_missing_generation_falls_back(tmp_settings: Settings, corpus: Path, built: Pointer) -> None:
    layout = Layout(tmp_settings)
    gone = built.model_copy(update={"generation": 7, "collection": layout.collection_name(7)})
    layout.pointer_path.write_text(gone.model_dump_json(), encoding="utf-8")

    assert documents(tmp_settings) == sorted(DOCS)
    (note,) = repaired(tmp_settings, corpus)
    assert note == "De huidige generatie (7) bestaat niet meer in de opslag. Teruggevallen op generatie 1, de nieuwste volledige."
    assert read_pointer(Store(tmp_settings), layout) == built


def test_a_generation_built_before_collections_recorded_their_size_counts_when_its_manifest_is_there(
    tmp_settings: Settings, built: Pointer
) -> None:
    store, layout = Store(tmp_settings), Layout(tmp_settings)
    collection = store.collection(built.collection)
    store.set_metadata(collection, {"generation": 1, "model": built.model, "fingerprint": "f"})

    assert newest_complete(store, layout) == built.model_copy(update={"created": ""})
    layout.manifest_path(1).unlink()
    assert newest_complete(store, layout) is None


def test_nothing_to_fall_back_on_is_a_clear_error_and_ingest_starts_anew(
    tmp_settings: Settings, tmp_path: Path, built: Pointer, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, layout = Store(tmp_settings), Layout(tmp_settings)
    store.drop(built.collection)
    layout.pointer_path.write_text("{kapot", encoding="utf-8")

    with pytest.raises(IndexDamaged) as damaged:
        KnowledgeBase(tmp_settings).documents()
    assert "is beschadigd" in damaged.value.nl and "steunwijs ingest" in damaged.value.nl

    monkeypatch.setenv("STEUNWIJS_DATA_DIR", str(tmp_settings.data_dir))
    info = CliRunner().invoke(app, ["info"])
    assert info.exit_code == 1 and "Fout: De verwijzing naar de huidige generatie" in info.output
    assert "Traceback" not in info.output and info.exception is None or isinstance(info.exception, SystemExit)

    empty = tmp_path / "leeg"
    empty.mkdir()
    report = ingest_folder(empty, tmp_settings)
    assert [r.nl for r in report.repaired] == [f"{damaged.value.nl} De kennisbank wordt opnieuw opgebouwd."]
    assert not layout.pointer_path.exists() and KnowledgeBase(tmp_settings).is_empty()


def test_a_corrupt_skip_memo_starts_afresh(tmp_settings: Settings, corpus: Path, built: Pointer) -> None:
    memo = tmp_settings.data_dir / SKIPPED_FILE
    memo.write_text("{\"/x.pdf\": {\"sha256\": ", encoding="utf-8")

    (note,) = repaired(tmp_settings, corpus)
    assert note.startswith(f"{memo} was beschadigd; opnieuw begonnen")
    assert memo.read_text(encoding="utf-8") == "{}"


def test_the_ingest_command_says_what_it_repaired(
    tmp_settings: Settings, corpus: Path, built: Pointer, monkeypatch: pytest.MonkeyPatch
) -> None:
    layout = Layout(tmp_settings)
    (layout.bm25_folder(1) / "ids.json").write_text("[\"p", encoding="utf-8")
    layout.manifest_path(1).write_text("", encoding="utf-8")
    monkeypatch.setenv("STEUNWIJS_DATA_DIR", str(tmp_settings.data_dir))

    result = CliRunner().invoke(app, ["ingest", str(corpus)])

    assert result.exit_code == 0, result.output
    assert "hersteld: Het manifest van generatie 1 was beschadigd" in result.output
    assert "hersteld: De BM25-index van generatie 1 was beschadigd" in result.output
    assert "ongewijzigd 3" in result.output
    again = CliRunner().invoke(app, ["ingest", str(corpus)])
    assert again.exit_code == 0 and "hersteld" not in again.output


def test_an_atomic_write_that_fails_leaves_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    from steunwijs.files import atomic_writer, write_text_atomically

    target = tmp_path / "current.json"
    write_text_atomically(target, '{"generation": 1}')
    with pytest.raises(RuntimeError):
        with atomic_writer(target) as handle:
            handle.write(b'{"generation": 2')
            raise RuntimeError("killed halfway")
    assert target.read_text(encoding="utf-8") == '{"generation": 1}'
    assert [p.name for p in tmp_path.iterdir()] == ["current.json"]
