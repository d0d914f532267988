"""Index generations: where each one lives, which one is current, and loading one for search.

An index *generation* is one complete, immutable state of the knowledge base:
- a Chroma collection `<prefix>_g<N>` holding every passage with its embedding, and
- a folder `<data_dir>/generations/g<N>/` holding the BM25 index (`bm25/`) and the ingest manifest.

A small *pointer* names the current generation. Readers only ever look at the generation the pointer
names; an ingest builds generation N+1 beside it and flips the pointer as its very last step (see
ingest/pipeline.py). A generation is never modified after the flip, which also sidesteps a Chroma
limitation: a process that has loaded a collection's vector index does not see vectors another
process adds to it later, but it does load a *new* collection fresh.

The pointer lives in `<data_dir>/current.json` (written to a temp file, fsynced, then `os.replace`d:
atomic on POSIX). With a Chroma server it is also kept as the metadata of a `<prefix>_meta`
collection, which is then the authority, so several clients with their own data folders agree on
the current generation; a client that lacks a generation's BM25 folder rebuilds it from the
collection's documents (BM25 is derived data).
"""

from __future__ import annotations

import errno
import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import numpy as np
from chromadb.api.models.Collection import Collection
from pydantic import BaseModel

from kb.bm25 import BM25Index, BM25Mismatch
from kb.store import Store
from steunwijs.settings import Settings
from steunwijs.types import DocumentMeta, Passage

log = logging.getLogger(__name__)


def model_id(settings: Settings) -> str:
    """A short, machine-independent name of the configured embedding model (folder or hub name).

    Recorded with every generation: vectors of different models must never be mixed or compared.
    """
    return settings.embedding_model_path.rstrip("/").rsplit("/", 1)[-1]


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
        meta = store.get_or_create_collection(layout.meta_collection, {"purpose": "steunwijs pointer"})
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
    """A generation loaded for search: its collection, its passages (in BM25 order) and its BM25 index."""

    pointer: Pointer
    collection: Collection
    passages: list[Passage]
    bm25: BM25Index
    sources: np.ndarray
    eras: np.ndarray

    @classmethod
    def load(cls, store: Store, layout: Layout, pointer: Pointer) -> Generation:
        collection = store.collection(pointer.collection)
        records = store.records(collection)
        by_id = {r.id: r.to_passage() for r in records}
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
        return cls(
            pointer=pointer,
            collection=collection,
            passages=passages,
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

