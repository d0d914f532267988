"""Incremental, atomic ingest: files on disk -> passages -> a new index generation -> flip.

Design (why it is safe to kill at any moment):

* Generations. The knowledge base is a sequence of immutable generations (kb/generations.py): a
  Chroma collection `<prefix>_g<N>` plus a folder `data/generations/g<N>/` with the BM25 index and
  the manifest. An ingest that changes anything builds generation N+1 *beside* the current one:
  passages of unchanged documents are copied with their stored embeddings
  (`collection.get(include=["embeddings", ...])`), only new or changed passages are embedded. Only
  when the new collection, BM25 index and manifest are complete is the pointer flipped (temp file +
  fsync + `os.replace` of `data/current.json`; with a Chroma server first the metadata of
  `<prefix>_meta`, the authority several clients share). The old generation is deleted after the
  flip. A `kill -9` before the flip leaves the pointer on the old, complete generation; the
  half-built one is deleted at the start of the next ingest. Readers never see a mixed state.

* Manifest. Per document: file name, folder, sha256 of the file, its metadata and its passage ids,
  plus a fingerprint of everything else that shapes passages (embedding model, prefixes, chunk
  settings, the source code of the text-side modules). Re-ingesting an unchanged corpus hashes
  the files, finds nothing to do and returns without loading the model or writing anything. The
  manifest can also be rebuilt from the collection itself (each record carries `folder` and
  `doc_sha256`), so a client of a shared Chroma server without the folder still ingests
  incrementally.

* Vectors are reused: unchanged documents keep theirs (so removing a document loads no model at
  all), and a new or changed passage whose embedded text (model + text, stored as `embed_key`)
  already has a vector gets that one; a change of embedding model re-embeds everything.

* Unreadable files (`UnreadableDocument`) are skipped with their reason; the rest is ingested. A
  skipped file's earlier version, if any, stays in the index. Skips are remembered by file hash
  (`data/skipped.json`), so a corrupt file does not turn every later no-op into a model load.

* One ingest at a time per data folder (an exclusive `flock` on `data/ingest.lock`, released by the
  kernel even on `kill -9`). With a shared server, a second client's ingest that finished first
  makes ours stop before its flip (`ConcurrentIngest`) instead of silently overwriting it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from chromadb.api.models.Collection import Collection
from pydantic import BaseModel

from ingest import sources
from ingest.readers import SUPPORTED_SUFFIXES, UnreadableDocument
from kb.generations import (
    Layout,
    Pointer,
    build_bm25,
    discard_generations,
    model_id,
    publish,
    read_pointer,
)
from kb.store import Store, StoredRecord
from steunwijs.settings import Settings
from steunwijs.types import DocumentMeta, Passage

if TYPE_CHECKING:
    from ingest.clean import Vocabulary
    from kb.embeddings import Embedder

# The embedding model (torch) and the chunker (llama-index) are imported where they are used, not
# here: a no-op re-ingest needs neither, and importing them costs seconds on a small machine.

Progress = Callable[[str, int, int], None]
"""Called as progress(stage, done, total); stages: "read" (files), "embed" (passages), "store" (passages)."""

MANIFEST_FILE = "manifest.json"
SKIPPED_FILE = "skipped.json"
LOCK_FILE = "ingest.lock"
EMBED_BATCH = 64
LOCK_TIMEOUT_S = 300.0
# The text-side modules whose code decides what a passage is; a change to them re-reads the documents.
_TEXT_MODULES = tuple(Path(__file__).with_name(f"{m}.py") for m in ("readers", "sources", "clean", "structure", "chunker"))


class IngestError(RuntimeError):
    """An ingest that cannot run: missing folder or file, missing embedding model, another ingest holding the lock.

    One family for the callers (CLI, app), so that a no-op ingest never has to import the model's
    libraries just to know the exception class of a missing model.
    """


class ConcurrentIngest(IngestError):
    """Another client flipped the shared pointer while this ingest was building its generation."""


@dataclass
class IngestReport:
    """What an ingest did. `documents`/`passages` count the whole knowledge base afterwards."""

    documents: int = 0
    passages: int = 0
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    generation: int | None = None
    embedded: int = 0

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed or self.removed)


class DocumentEntry(BaseModel):
    folder: str
    sha256: str
    meta: DocumentMeta
    passage_ids: list[str]


class Manifest(BaseModel):
    """The content hashes behind one generation (see the module docstring)."""

    fingerprint: str = ""
    sources_toml: dict[str, str] = {}  # folder -> sha256 of its sources.toml ("" when it has none)
    documents: dict[str, DocumentEntry] = {}


# --- hashing and fingerprints -------------------------------------------------------------------
def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sources_toml_sha(folder: Path) -> str:
    path = folder / sources.SOURCES_FILE
    return _sha256(path) if path.is_file() else ""


def fingerprint(settings: Settings) -> str:
    """Everything besides the file bytes that shapes the stored passages and vectors."""
    code = hashlib.sha256()
    for module in _TEXT_MODULES:
        code.update(module.read_bytes())
    parts = {
        "model": model_id(settings),
        "passage_prefix": settings.passage_prefix,
        "chunk_size": settings.chunk_size,
        "chunk_overlap": settings.chunk_overlap,
        "max_tokens": settings.max_tokens,
        "text_code": code.hexdigest(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _embed_key(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()


# --- locking and small state files --------------------------------------------------------------
@contextmanager
def _ingest_lock(layout: Layout) -> Iterator[None]:
    layout.data_dir.mkdir(parents=True, exist_ok=True)
    with (layout.data_dir / LOCK_FILE).open("w") as handle:
        deadline = time.monotonic() + LOCK_TIMEOUT_S
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise IngestError(f"Another ingest into {layout.data_dir} is still running.") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class _SkipMemo:
    """Files that could not be read, by path and hash, with the reason (a cache, not index state).

    An entry holds only for the same file content and the same text-side code (`fingerprint`):
    a fixed reader gets to try again.
    """

    def __init__(self, layout: Layout, fingerprint_now: str) -> None:
        self.path = layout.data_dir / SKIPPED_FILE
        self.fingerprint = fingerprint_now
        self.entries: dict[str, dict[str, str]] = (
            json.loads(self.path.read_text(encoding="utf-8")) if self.path.exists() else {}
        )
        self._dirty = False

    def reason(self, path: Path, sha: str) -> str | None:
        entry = self.entries.get(str(path))
        if entry and entry["sha256"] == sha and entry.get("fingerprint") == self.fingerprint:
            return entry["reason"]
        return None

    def remember(self, path: Path, sha: str, reason: str) -> None:
        self.entries[str(path)] = {"sha256": sha, "fingerprint": self.fingerprint, "reason": reason}
        self._dirty = True

    def forget(self, path: Path) -> None:
        if self.entries.pop(str(path), None) is not None:
            self._dirty = True

    def save(self) -> None:
        if self._dirty:
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.entries, ensure_ascii=False, indent=1), encoding="utf-8")
            os.replace(tmp, self.path)


# --- the current state ----------------------------------------------------------------------------
@dataclass
class _Current:
    store: Store
    layout: Layout
    pointer: Pointer | None
    manifest: Manifest


def _manifest_from_collection(store: Store, pointer: Pointer) -> Manifest:
    """Rebuild a manifest from a generation's records (a client without the generation folder)."""
    collection = store.collection(pointer.collection)
    documents: dict[str, DocumentEntry] = {}
    for record in store.records(collection):
        passage = record.to_passage()
        entry = documents.setdefault(
            passage.source,
            DocumentEntry(
                folder=record.metadata["folder"],
                sha256=record.metadata["doc_sha256"],
                meta=passage.doc,
                passage_ids=[],
            ),
        )
        entry.passage_ids.append(passage.id)
    metadata = collection.metadata or {}
    return Manifest(fingerprint=str(metadata.get("fingerprint", "")), documents=documents)


def _open_current(settings: Settings) -> _Current:
    store = Store(settings)
    layout = Layout(settings)
    pointer = read_pointer(store, layout)
    if pointer is None:
        return _Current(store, layout, None, Manifest())
    path = layout.folder(pointer.generation) / MANIFEST_FILE
    if path.exists():
        manifest = Manifest.model_validate_json(path.read_text(encoding="utf-8"))
    else:
        manifest = _manifest_from_collection(store, pointer)
    return _Current(store, layout, pointer, manifest)


# --- planning (cheap: hashes only, no model) -----------------------------------------------------
@dataclass
class _Candidate:
    path: Path
    sha256: str
    meta: DocumentMeta


@dataclass
class _Plan:
    to_read: list[_Candidate] = field(default_factory=list)
    remove: set[str] = field(default_factory=set)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    sources_toml: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.to_read and not self.remove


def _plan(
    paths: Iterable[Path], current: _Current, memo: _SkipMemo, fingerprint_now: str, remove: set[str]
) -> _Plan:
    plan = _Plan(remove=set(remove))
    manifest = current.manifest
    tables: dict[Path, dict[str, DocumentMeta]] = {}
    stale_code = manifest.fingerprint != fingerprint_now
    for path in paths:
        folder = path.parent
        if str(folder) not in plan.sources_toml:
            plan.sources_toml[str(folder)] = _sources_toml_sha(folder)
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            plan.skipped.append(
                (path.name, f"bestandstype '{path.suffix or '(geen)'}' wordt niet ondersteund / unsupported file type")
            )
            continue
        sha = _sha256(path)
        reason = memo.reason(path, sha)
        if reason is not None:
            plan.skipped.append((path.name, reason))
            continue
        entry = manifest.documents.get(path.name)
        same_file = entry is not None and entry.sha256 == sha and entry.folder == str(folder)
        same_table = manifest.sources_toml.get(str(folder)) == plan.sources_toml[str(folder)]
        if same_file and same_table and not stale_code:
            plan.unchanged.append(path.name)
            continue
        if folder not in tables:
            tables[folder] = sources.load_metadata(folder)
        meta = sources.meta_for(path, tables[folder])
        if same_file and not stale_code and entry is not None and entry.meta == meta:
            plan.unchanged.append(path.name)
            continue
        plan.to_read.append(_Candidate(path, sha, meta))
    return plan


# --- building a generation -----------------------------------------------------------------------
def _model(settings: Settings) -> Embedder:
    """The embedding model, imported and loaded only when an ingest really needs it (cached per process)."""
    from kb.embeddings import EmbeddingModelMissing, get_embedder

    try:
        return get_embedder(settings)
    except EmbeddingModelMissing as error:
        raise IngestError(str(error)) from error


def _read_passages(
    candidates: list[_Candidate],
    settings: Settings,
    vocabulary_paths: list[Path],
    memo: _SkipMemo,
    skipped: list[tuple[str, str]],
    progress: Progress | None,
) -> dict[str, tuple[_Candidate, list[Passage]]]:
    """Chunk the new and changed files; unreadable ones go to `skipped` (and the memo) with their reason."""
    from ingest import chunker

    count_tokens = _model(settings).count_tokens
    vocabulary = _vocabulary(vocabulary_paths, settings)
    read: dict[str, tuple[_Candidate, list[Passage]]] = {}
    for done, candidate in enumerate(candidates, start=1):
        try:
            passages = chunker.passages_for_file(
                candidate.path,
                candidate.meta,
                count_tokens,
                settings.chunk_size,
                settings.chunk_overlap,
                settings.max_tokens,
                vocabulary=vocabulary,
                max_bytes=settings.max_upload_mb * 2**20,
            )
        except UnreadableDocument as error:
            memo.remember(candidate.path, candidate.sha256, error.reason)
            skipped.append((candidate.path.name, error.reason))
        else:
            if passages:
                memo.forget(candidate.path)
                read[candidate.path.name] = (candidate, passages)
            else:
                reason = "geen tekst gevonden / no text found"
                memo.remember(candidate.path, candidate.sha256, reason)
                skipped.append((candidate.path.name, reason))
        if progress:
            progress("read", done, len(candidates))
    return read


def _vocabulary(paths: Sequence[Path], settings: Settings) -> Vocabulary:
    """Hyphenation and footnote evidence from every readable document of the folder(s), not just the changed ones."""
    from ingest.clean import Vocabulary

    return Vocabulary.from_files(
        [p for p in paths if p.suffix.lower() in SUPPORTED_SUFFIXES], max_bytes=settings.max_upload_mb * 2**20
    )


def _embed_missing(
    records: list[StoredRecord],
    passages: list[Passage],
    reuse: dict[str, np.ndarray],
    settings: Settings,
    progress: Progress | None,
) -> int:
    """Give each record without a vector one: reused by the hash of its embedded text, else embedded.

    Returns how many passages went through the model. The hash is stored with the record
    (`embed_key`), so the next generation can reuse the vector without recomputing anything.
    """
    model = model_id(settings)
    todo: list[tuple[int, str, str]] = []  # (record index, embedded text, key)
    embedder: Embedder | None = None
    for i, (record, passage) in enumerate(zip(records, passages)):
        if record.embedding is not None:
            continue
        embedder = embedder or _model(settings)
        text = _fitting_text(passage, embedder, settings)
        key = _embed_key(model, text)
        record.metadata["embed_key"] = key
        if key in reuse:
            record.embedding = reuse[key]
        else:
            todo.append((i, text, key))
    for start in range(0, len(todo), EMBED_BATCH):
        batch = todo[start : start + EMBED_BATCH]
        vectors = _model(settings).embed_passages([text for _, text, _ in batch])
        for (i, _, key), vector in zip(batch, vectors):
            records[i].embedding = reuse[key] = vector
        if progress:
            progress("embed", start + len(batch), len(todo))
    return len(todo)


def _store_all(store: Store, collection: Collection, records: list[StoredRecord], progress: Progress | None) -> None:
    step = EMBED_BATCH * 4
    for start in range(0, len(records), step):
        store.add(collection, records[start : start + step])
        if progress:
            progress("store", min(start + step, len(records)), len(records))


def _ingest(
    settings: Settings,
    paths: list[Path],
    *,
    scope: Path | None,
    remove: set[str],
    vocabulary_paths: list[Path],
    progress: Progress | None,
) -> IngestReport:
    started = time.perf_counter()
    layout = Layout(settings)
    with _ingest_lock(layout):
        current = _open_current(settings)
        discard_generations(current.store, layout, keep=current.pointer.generation if current.pointer else None)
        manifest = current.manifest
        fingerprint_now = fingerprint(settings)
        memo = _SkipMemo(layout, fingerprint_now)
        if scope is not None:
            present = {p.name for p in paths}
            remove = remove | {
                name for name, entry in manifest.documents.items() if entry.folder == str(scope) and name not in present
            }
        plan = _plan(paths, current, memo, fingerprint_now, {r for r in remove if r in manifest.documents})
        report = IngestReport(
            unchanged=plan.unchanged,
            skipped=plan.skipped,
            generation=current.pointer.generation if current.pointer else None,
        )
        report.skipped.extend((r, "niet in de kennisbank / not in the knowledge base") for r in remove - set(manifest.documents))
        if plan.empty:
            memo.save()
            return _finish(report, manifest, started)

        read = _read_passages(plan.to_read, settings, vocabulary_paths, memo, report.skipped, progress)
        memo.save()
        if not read and not plan.remove:
            return _finish(report, manifest, started)
        new_manifest = _next_manifest(manifest, read, plan, fingerprint_now)
        report.added = sorted(n for n in read if n not in manifest.documents)
        report.changed = sorted(n for n in read if n in manifest.documents)
        report.removed = sorted(plan.remove)
        report.generation, report.embedded = _build_generation(current, new_manifest, read, settings, progress)
        return _finish(report, new_manifest, started)


def _next_manifest(
    manifest: Manifest,
    read: dict[str, tuple[_Candidate, list[Passage]]],
    plan: _Plan,
    fingerprint_now: str,
) -> Manifest:
    documents = {n: e for n, e in manifest.documents.items() if n not in plan.remove and n not in read}
    for name, (candidate, passages) in read.items():
        documents[name] = DocumentEntry(
            folder=str(candidate.path.parent),
            sha256=candidate.sha256,
            meta=candidate.meta,
            passage_ids=[p.id for p in passages],
        )
    return Manifest(
        fingerprint=fingerprint_now,
        sources_toml=manifest.sources_toml | plan.sources_toml,
        documents=dict(sorted(documents.items())),
    )


def _build_generation(
    current: _Current,
    manifest: Manifest,
    read: dict[str, tuple[_Candidate, list[Passage]]],
    settings: Settings,
    progress: Progress | None,
) -> tuple[int, int]:
    """Write generation N+1 completely, then flip the pointer; returns (generation, passages embedded)."""
    store, layout = current.store, current.layout
    number = (current.pointer.generation if current.pointer else 0) + 1
    name = layout.collection_name(number)
    model = model_id(settings)
    same_model = current.pointer is not None and current.pointer.model == model

    # Unchanged documents keep their records and (same model) their vectors; the vectors of the
    # current generation are also offered for reuse to new passages with the same embedded text.
    reuse: dict[str, np.ndarray] = {}
    records: list[StoredRecord] = []
    passages: list[Passage] = []
    if current.pointer is not None:
        for record in store.records(store.collection(current.pointer.collection), with_embeddings=same_model):
            if same_model and "embed_key" in record.metadata:
                reuse[record.metadata["embed_key"]] = record.embedding  # type: ignore[assignment]
            passage = record.to_passage()
            if passage.source in manifest.documents and passage.source not in read:
                records.append(record)
                passages.append(passage)
    for candidate, new in read.values():
        for passage in new:
            records.append(StoredRecord.from_passage(passage, str(candidate.path.parent), candidate.sha256))
            passages.append(passage)
    _check_unique(passages)

    try:
        collection = store.create_collection(name, {"generation": number, "model": model, "fingerprint": manifest.fingerprint})
        embedded = _embed_missing(records, passages, reuse, settings, progress)
        _store_all(store, collection, records, progress)
        build_bm25(passages).save(layout.bm25_folder(number))
        (layout.folder(number) / MANIFEST_FILE).write_text(manifest.model_dump_json(indent=1), encoding="utf-8")
        if read_pointer(store, layout) != current.pointer:
            raise ConcurrentIngest("Another ingest changed the knowledge base meanwhile; run the ingest again.")
        dim = current.pointer.dim if same_model and current.pointer else _model(settings).dim
        publish(store, layout, Pointer.new(number, name, model, dim))
    except BaseException:
        discard_generations(store, layout, keep=current.pointer.generation if current.pointer else None)
        raise
    discard_generations(store, layout, keep=number)
    return number, embedded


def _fitting_text(passage: Passage, embedder: Embedder, settings: Settings) -> str:
    """What is embedded for a passage: its section path and text (`chunker.embedding_text`).

    The section path in front measurably helps: on the 25 user-worded test questions of
    tests/test_kb_retrieval.py, dense-only hit@5 rose from 21 to 22 and hybrid from 23 to 25
    (MRR@10 0.69 -> 0.76). The chunker only guarantees that the text itself fits the model, so a
    passage whose section path would push it past `max_tokens` is embedded without the path.
    """
    from ingest.chunker import embedding_text

    text = embedding_text(passage)
    if text != passage.text and embedder.count_tokens(text) > settings.max_tokens:
        return passage.text
    return text


def _check_unique(passages: list[Passage]) -> None:
    """Chroma rejects a batch with a repeated id; say which documents collide instead."""
    seen: dict[str, str] = {}
    for passage in passages:
        if passage.id in seen:
            raise ValueError(f"Passage id {passage.id} occurs twice ({seen[passage.id]} and {passage.source})")
        seen[passage.id] = passage.source


def _finish(report: IngestReport, manifest: Manifest, started: float) -> IngestReport:
    report.skipped.sort()
    report.documents = len(manifest.documents)
    report.passages = sum(len(e.passage_ids) for e in manifest.documents.values())
    report.seconds = time.perf_counter() - started
    return report


# --- public API ------------------------------------------------------------------------------------
def _files_in(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".") and p.name != sources.SOURCES_FILE
    )


def ingest_folder(folder: Path, settings: Settings, progress: Progress | None = None) -> IngestReport:
    """Bring the knowledge base in line with `folder`: add new files, replace changed ones, and
    remove documents that came from this folder and are no longer there (other folders' documents,
    e.g. uploads, stay)."""
    folder = Path(folder).expanduser().resolve()
    if not folder.is_dir():
        raise IngestError(f"Folder not found: {folder}")
    files = _files_in(folder)
    return _ingest(settings, files, scope=folder, remove=set(), vocabulary_paths=files, progress=progress)


def ingest_files(paths: Sequence[Path], settings: Settings, progress: Progress | None = None) -> IngestReport:
    """Add or replace these documents only (uploads); nothing else is removed."""
    resolved = [Path(p).expanduser().resolve() for p in paths]
    missing = [p for p in resolved if not p.is_file()]
    if missing:
        raise IngestError(f"File not found: {', '.join(str(p) for p in missing)}")
    folders = sorted({p.parent for p in resolved})
    vocabulary_paths = sorted({f for folder in folders for f in _files_in(folder)})
    return _ingest(settings, resolved, scope=None, remove=set(), vocabulary_paths=vocabulary_paths, progress=progress)


def remove_documents(source_names: list[str], settings: Settings) -> IngestReport:
    """Remove documents (by file name) from the knowledge base; unknown names are reported as skipped."""
    return _ingest(settings, [], scope=None, remove=set(source_names), vocabulary_paths=[], progress=None)
