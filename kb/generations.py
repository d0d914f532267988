"""Index generations, their whole life: layout, pointer, building and publishing, discarding, loading.

An index *generation* is one complete, immutable state of the knowledge base:
- a Chroma collection `<prefix>_g<N>` holding every passage with its embedding, and
- a folder `<data_dir>/generations/g<N>/` holding the BM25 index (`bm25/`) and the ingest manifest
  (`manifest.json`, written here, its content is the ingest's business).

A small *pointer* names the current generation. Readers only ever look at the generation the pointer
names; `build_generation` writes generation N+1 beside it (collection, BM25 index, manifest) and
flips the pointer as its very last step; ingest (ingest/pipeline.py) only hands it the records with
their vectors. A `kill -9` before the flip leaves the pointer on the old, complete generation; the
half-built one is discarded by the next ingest. A generation is never modified after the flip,
which also sidesteps a Chroma limitation: a process that has loaded a collection's vector index
does not see vectors another process adds to it later, but it does load a *new* collection fresh.

The pointer lives in `<data_dir>/current.json` (written to a temp file, fsynced, then `os.replace`d:
atomic on POSIX). With a Chroma server it is also kept as the metadata of a `<prefix>_meta`
collection, which is then the authority, so several clients with their own data folders agree on
the current generation; a client that lacks a generation's BM25 folder rebuilds it from the
collection's documents (BM25 is derived data). Before its flip, a build checks that the pointer
still names the generation it started from, so a client that finished first is never overwritten.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import numpy as np
from chromadb.api.models.Collection import Collection
from pydantic import BaseModel

from kb.bm25 import BM25Index, BM25Mismatch
from kb.encoder.adapter import model_label
from kb.store import Store, StoredRecord
from steunwijs.errors import SteunwijsError
from steunwijs.settings import Settings
from steunwijs.types import DocumentMeta, Passage

log = logging.getLogger(__name__)

MANIFEST_FILE = "manifest.json"
STORE_BATCH = 256  # records per `Store.add` call between two progress reports


class ConcurrentPublish(SteunwijsError):
    """Another client published a generation while this one was being built (shared Chroma server)."""

    def __init__(self) -> None:
        super().__init__(
            "Een andere inleesbeurt heeft de kennisbank intussen gewijzigd; lees de documenten opnieuw in.",
            "Another ingest changed the knowledge base meanwhile; run the ingest again.",
        )


def model_id(settings: Settings) -> str:
    """A short, machine-independent name of the configured embedding model (folder or hub name).

    Recorded with every generation: vectors of different models must never be mixed or compared.
    """
    return model_label(settings.embedding_model_path)


class Pointer(BaseModel):
    """Which generation is current, and with which embedding model it was built."""

    generation: int
    collection: str
    model: str
    dim: int
    created: str

    @classmethod
    def new(cls, generation: int, collection: str, model: str, dim: int) -> Pointer:
        return cls(
            generation=generation,
            collection=collection,
            model=model,
            dim=dim,
            created=datetime.now(UTC).isoformat(timespec="seconds"),
        )


class Layout:
    """Names and paths of generations for one settings object."""

    def __init__(self, settings: Settings) -> None:
        self.data_dir = settings.data_dir
        self.prefix = settings.collection
        self.pointer_path = self.data_dir / "current.json"
        self.generations_dir = self.data_dir / "generations"
        self.meta_collection = f"{self.prefix}_meta"
        self._pattern = re.compile(rf"^{re.escape(self.prefix)}_g(\d+)$")

    def collection_name(self, generation: int) -> str:
        return f"{self.prefix}_g{generation}"

    def folder(self, generation: int) -> Path:
        return self.generations_dir / f"g{generation}"

    def bm25_folder(self, generation: int) -> Path:
        return self.folder(generation) / "bm25"

    def manifest_path(self, generation: int) -> Path:
        return self.folder(generation) / MANIFEST_FILE

    def generation_of(self, collection_name: str) -> int | None:
        match = self._pattern.match(collection_name)
        return int(match.group(1)) if match else None


def read_pointer(store: Store, layout: Layout) -> Pointer | None:
    """The current generation, or None for an empty knowledge base."""
    if store.is_server:
        if layout.meta_collection not in store.collection_names():
            return None
        meta = store.metadata(layout.meta_collection)
        return Pointer.model_validate(meta) if "generation" in meta else None
    if not layout.pointer_path.exists():
        return None
    return Pointer.model_validate_json(layout.pointer_path.read_text(encoding="utf-8"))


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def publish(store: Store, layout: Layout, pointer: Pointer) -> None:
    """Make `pointer` current: the one step that switches every reader to the new generation."""
    if store.is_server:
        meta = store.create_collection(layout.meta_collection, {"purpose": "steunwijs pointer"}, exist_ok=True)
        store.set_metadata(meta, pointer.model_dump())
    _write_atomically(layout.pointer_path, pointer.model_dump_json(indent=2))


def discard_generations(store: Store, layout: Layout, keep: int | None) -> None:
    """Delete every generation (collection and folder) except `keep`.

    Called after a flip (the old generation is no longer named by the pointer) and before an
    ingest (partial generations left by an interrupted ingest were never named by it).
    """
    for name in store.collection_names():
        number = layout.generation_of(name)
        if number is not None and number != keep:
            store.drop(name)
    if layout.generations_dir.exists():
        for folder in layout.generations_dir.iterdir():
            if folder.name != f"g{keep}":
                shutil.rmtree(folder)


def read_manifest(layout: Layout, pointer: Pointer) -> str | None:
    """The manifest text stored with a generation, or None when this client lacks its folder."""
    path = layout.manifest_path(pointer.generation)
    return path.read_text(encoding="utf-8") if path.exists() else None


def build_generation(
    store: Store,
    layout: Layout,
    base: Pointer | None,
    records: list[StoredRecord],
    *,
    model: str,
    dim: int,
    manifest: str,
    fingerprint: str,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write generation N+1 completely beside `base` (the current one), then flip the pointer to it.

    `records` are every passage of the new generation, each with its vector, in the order BM25 (and
    so search) will list them. The collection's metadata records `model` and `fingerprint` (what
    the ingest manifest can be rebuilt from); `progress(done, total)` follows the stored records.
    Anything that fails before the flip discards the new generation and leaves `base` current;
    after the flip the old generation is discarded. Returns the new generation's number.
    """
    number = (base.generation if base else 0) + 1
    name = layout.collection_name(number)
    try:
        collection = store.create_collection(name, {"generation": number, "model": model, "fingerprint": fingerprint})
        for start in range(0, len(records), STORE_BATCH):
            store.add(collection, records[start : start + STORE_BATCH])
            if progress:
                progress(min(start + STORE_BATCH, len(records)), len(records))
        build_bm25([record.to_passage() for record in records]).save(layout.bm25_folder(number))
        layout.manifest_path(number).write_text(manifest, encoding="utf-8")
        if read_pointer(store, layout) != base:
            raise ConcurrentPublish()
        publish(store, layout, Pointer.new(number, name, model, dim))
    except BaseException:
        discard_generations(store, layout, keep=base.generation if base else None)
        raise
    discard_generations(store, layout, keep=number)
    return number


def bm25_text(passage: Passage) -> str:
    """What BM25 indexes for a passage: its section path (the words of its headings) and its text."""
    return f"{passage.section}\n{passage.text}" if passage.section else passage.text


def build_bm25(passages: list[Passage]) -> BM25Index:
    return BM25Index.build([p.id for p in passages], [bm25_text(p) for p in passages])


def _save_bm25_once(index: BM25Index, folder: Path) -> None:
    """Save a rebuilt index unless another process got there first (both wrote the same content)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=folder.name, suffix=".tmp"))
    index.save(tmp)
    try:
        os.rename(tmp, folder)
    except OSError as error:
        if error.errno not in (errno.EEXIST, errno.ENOTEMPTY):
            raise
        shutil.rmtree(tmp)


@dataclass
class Generation:
    """A generation loaded for search: its passages (in BM25 order), their vectors and the BM25 index.

    Dense search is exact, over `vectors` in memory (a few MB for thousands of passages): Chroma's
    HNSW index is approximate, and two builds from the very same vectors gave different neighbours,
    so answers changed from one ingest to the next. Chroma stays the store of record.
    """

    pointer: Pointer
    collection: Collection
    passages: list[Passage]
    vectors: np.ndarray  # (passages, dim) float32, row i is passages[i]
    bm25: BM25Index
    sources: np.ndarray
    eras: np.ndarray

    @classmethod
    def load(cls, store: Store, layout: Layout, pointer: Pointer) -> Generation:
        collection = store.collection(pointer.collection)
        records = store.records(collection, with_embeddings=True)
        by_id = {r.id: r.to_passage() for r in records}
        vector_of = {r.id: r.embedding for r in records}
        folder = layout.bm25_folder(pointer.generation)
        try:
            bm25 = BM25Index.load(folder, expected_ids=list(by_id))
        except FileNotFoundError:
            bm25 = _rebuild_bm25(by_id, folder)
        except BM25Mismatch as mismatch:
            log.warning("%s; rebuilding it from the collection", mismatch)
            shutil.rmtree(folder)
            bm25 = _rebuild_bm25(by_id, folder)
        passages = [by_id[pid] for pid in bm25.ids]
        dim = pointer.dim
        vectors = np.stack([vector_of[pid] for pid in bm25.ids]) if passages else np.zeros((0, dim), np.float32)
        return cls(
            pointer=pointer,
            collection=collection,
            passages=passages,
            vectors=vectors.astype(np.float32, copy=False),
            bm25=bm25,
            sources=np.array([p.source for p in passages], dtype=object),
            eras=np.array([p.doc.era or "" for p in passages], dtype=object),
        )

    @cached_property
    def documents(self) -> list[DocumentMeta]:
        """The documents of this generation, by file name (computed once: a generation never changes)."""
        return [doc for _, doc in sorted({p.source: p.doc for p in self.passages}.items())]

    def passage(self, passage_id: str) -> Passage:
        return self.passages[self.bm25.position(passage_id)]

    def mask(self, sources: list[str] | None, eras: list[str] | None) -> np.ndarray | None:
        """1.0 for passages that pass the filters, 0.0 for the rest; None when nothing is filtered."""
        if not sources and not eras:
            return None
        keep = np.ones(len(self.passages), dtype=bool)
        if sources:
            keep &= np.isin(self.sources, sources)
        if eras:
            keep &= np.isin(self.eras, eras)
        return keep.astype(np.float32)


def _rebuild_bm25(by_id: dict[str, Passage], folder: Path) -> BM25Index:
    passages = sorted(by_id.values(), key=lambda p: (p.source, p.lines[0], p.id))
    index = build_bm25(passages)
    _save_bm25_once(index, folder)
    return index
