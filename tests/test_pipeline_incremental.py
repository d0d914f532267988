"""Incremental ingest: add, change, remove, no-op (nothing embedded, nothing written), skips, scopes.

Real chunker, real embedding model, real Chroma in tmp_path; the only stand-in is a spy that counts
what reaches `Embedder.embed_passages`, the piece whose (non-)use is under test.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ingest.pipeline import IngestReport, ingest_files, ingest_folder, remove_documents
from kb.embeddings import Embedder
from kb.generations import Layout, read_pointer
from kb.knowledge_base import KnowledgeBase
from kb.store import Store
from steunwijs.dutch.points import point_sentences
from steunwijs.settings import Settings
from tests.pipeline_corpus import DOCS, write_corpus

pytestmark = pytest.mark.slow


@pytest.fixture()
def embedded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text that reaches the embedding model during the test."""
    texts: list[str] = []
    original = Embedder.embed_passages

    def spy(self: Embedder, batch: list[str]):  # noqa: ANN202 - same as the wrapped method
        texts.extend(batch)
        return original(self, batch)

    monkeypatch.setattr(Embedder, "embed_passages", spy)
    return texts


def generation_collections(settings: Settings) -> list[str]:
    layout = Layout(settings)
    return sorted(n for n in Store(settings).collection_names() if layout.generation_of(n) is not None)


def stored_sources(settings: Settings) -> dict[str, int]:
    """Passages per document as Chroma holds them in the current generation."""
    store, layout = Store(settings), Layout(settings)
    pointer = read_pointer(store, layout)
    assert pointer is not None
    counts: dict[str, int] = {}
    for record in store.records(store.collection(pointer.collection)):
        counts[record.metadata["source"]] = counts.get(record.metadata["source"], 0) + 1
    return counts


def test_first_ingest_adds_every_document(tmp_path: Path, tmp_settings: Settings, embedded: list[str]) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    report = ingest_folder(corpus, tmp_settings)
    assert report.added == sorted(DOCS) and not report.changed and not report.removed and not report.skipped
    assert report.documents == 3
    assert report.passages == report.embedded == sum(stored_sources(tmp_settings).values())
    # every passage and every point sentence went through the model once, and nothing else did
    sentences = {s.clean for d in DOCS for p in KnowledgeBase(tmp_settings).passages(d) for s in point_sentences(p.text)}
    assert report.sentences_embedded == len(sentences) > report.passages
    assert len(embedded) == report.embedded + report.sentences_embedded
    assert sentences <= set(embedded)
    kb = KnowledgeBase(tmp_settings)
    assert {d.doc.source for d in kb.documents()} == set(DOCS)
    top = kb.search("Mag een co-teacher een zieke juf vervangen?", k=1)[0]
    assert top.passage.source == "pwb.txt" and "vervangingen" in top.passage.text


def test_unchanged_corpus_is_a_no_op(tmp_path: Path, tmp_settings: Settings, embedded: list[str]) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    first = ingest_folder(corpus, tmp_settings)
    layout = Layout(tmp_settings)
    pointer_stat = layout.pointer_path.stat()
    collections = generation_collections(tmp_settings)
    embedded.clear()

    again = ingest_folder(corpus, tmp_settings)

    assert embedded == []
    assert not again.changed_anything and again.unchanged == sorted(DOCS)
    assert again.generation == first.generation and again.passages == first.passages
    assert layout.pointer_path.stat().st_mtime_ns == pointer_stat.st_mtime_ns
    assert generation_collections(tmp_settings) == collections


def test_changed_file_replaces_its_passages_and_embeds_only_them(
    tmp_path: Path, tmp_settings: Settings, embedded: list[str]
) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    ingest_folder(corpus, tmp_settings)
    kb = KnowledgeBase(tmp_settings)  # opened before the change: must see the new generation by itself
    before = {p.id for p in kb.passages("netwerk.txt")}
    others = {p.id for name in ("leersteun.txt", "pwb.txt") for p in kb.passages(name)}
    embedded.clear()

    text = DOCS["netwerk.txt"].replace("vast aanspreekpunt.", "vast aanspreekpunt dat elke dinsdag langskomt.")
    (corpus / "netwerk.txt").write_text(text, encoding="utf-8")
    report = ingest_folder(corpus, tmp_settings)

    assert report.changed == ["netwerk.txt"] and not report.added and not report.removed
    after = {p.id for p in kb.passages("netwerk.txt")}
    assert after != before and not after & before
    # nothing of the other documents was embedded again: the new passages, and only sentences of them
    changed = [p for p in kb.passages("netwerk.txt")]
    assert report.embedded == len(after) and report.sentences_embedded >= 1
    assert len(embedded) == report.embedded + report.sentences_embedded
    new_sentences = {s.clean for p in changed for s in point_sentences(p.text)}
    assert set(embedded[report.embedded :]) <= new_sentences
    assert any("dinsdag" in text for text in embedded[report.embedded :])
    assert {p.id for name in ("leersteun.txt", "pwb.txt") for p in kb.passages(name)} == others
    assert any("dinsdag" in h.passage.text for h in kb.search("Wanneer komt de ankerfiguur langs?", k=3))
    assert generation_collections(tmp_settings) == [Layout(tmp_settings).collection_name(2)]


def test_removed_file_loses_its_passages(tmp_path: Path, tmp_settings: Settings, embedded: list[str]) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    ingest_folder(corpus, tmp_settings)
    embedded.clear()
    (corpus / "pwb.txt").unlink()

    report = ingest_folder(corpus, tmp_settings)

    assert report.removed == ["pwb.txt"] and report.documents == 2
    assert embedded == []  # the other documents keep their stored vectors
    assert set(stored_sources(tmp_settings)) == {"leersteun.txt", "netwerk.txt"}
    kb = KnowledgeBase(tmp_settings)
    assert all(h.passage.source != "pwb.txt" for h in kb.search("co-teacher vervangingen", k=5))


def test_unreadable_files_are_skipped_by_name_and_the_rest_is_ingested(tmp_path: Path, tmp_settings: Settings) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    (corpus / "kapot.txt").write_bytes(b"\x00\x01\x02 binair \x00\xff")
    (corpus / "leeg.md").write_text("", encoding="utf-8")
    (corpus / "foto.jpg").write_bytes(b"\xff\xd8\xff\xe0")

    report = ingest_folder(corpus, tmp_settings)

    assert report.added == sorted(DOCS)
    assert [name for name, _ in report.skipped] == ["foto.jpg", "kapot.txt", "leeg.md"]
    assert all(reason.nl and reason.en for _, reason in report.skipped)
    assert "binaire inhoud" in dict(report.skipped)["kapot.txt"].nl
    memo = json.loads((tmp_settings.data_dir / "skipped.json").read_text(encoding="utf-8"))
    assert {entry["reason"]["en"] for entry in memo.values()} >= {dict(report.skipped)["kapot.txt"].en}

    again = ingest_folder(corpus, tmp_settings)  # remembered: no model load, same reasons
    assert not again.changed_anything and again.skipped == report.skipped


def test_an_unreadable_new_version_keeps_the_old_one(tmp_path: Path, tmp_settings: Settings) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    ingest_folder(corpus, tmp_settings)
    (corpus / "pwb.txt").write_bytes(b"\x00\x00 kapot \x00")

    report = ingest_folder(corpus, tmp_settings)

    assert [name for name, _ in report.skipped] == ["pwb.txt"]
    assert not report.changed_anything
    assert KnowledgeBase(tmp_settings).passages("pwb.txt")


def test_ingest_folder_removes_only_documents_of_that_folder(tmp_path: Path, tmp_settings: Settings) -> None:
    first = write_corpus(tmp_path / "a", names=("leersteun.txt", "netwerk.txt"))
    second = write_corpus(tmp_path / "b", names=("pwb.txt",))
    ingest_folder(first, tmp_settings)
    report = ingest_folder(second, tmp_settings)
    assert report.added == ["pwb.txt"] and not report.removed and report.documents == 3

    (second / "pwb.txt").unlink()
    report = ingest_folder(second, tmp_settings)
    assert report.removed == ["pwb.txt"]
    assert set(stored_sources(tmp_settings)) == {"leersteun.txt", "netwerk.txt"}


def test_uploaded_files_are_added_and_removed_one_by_one(tmp_path: Path, tmp_settings: Settings) -> None:
    corpus = write_corpus(tmp_path / "corpus", names=("leersteun.txt", "netwerk.txt"))
    ingest_folder(corpus, tmp_settings)
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    shutil.copy(tmp_path / "corpus" / "sources.toml", uploads / "sources.toml")
    (uploads / "pwb.txt").write_text(DOCS["pwb.txt"], encoding="utf-8")

    added: IngestReport = ingest_files([uploads / "pwb.txt"], tmp_settings)
    assert added.added == ["pwb.txt"] and added.documents == 3
    assert KnowledgeBase(tmp_settings).passages("pwb.txt")[0].doc.era == "pre-waarborgregeling (2015-2017)"

    removed = remove_documents(["pwb.txt", "bestaat-niet.txt"], tmp_settings)
    assert removed.removed == ["pwb.txt"] and removed.documents == 2
    assert [name for name, _ in removed.skipped] == ["bestaat-niet.txt"]
