"""A generation loaded for search: its passages, their vectors and its BM25 index, in memory.

Loading reads the generation's records once (with their vectors) and its BM25 folder. With the
embedded store the records come from the generation's folder (kb/passages_file.py: no chromadb
import, no client) while its collection exists; else, and with a Chroma server, from Chroma, and the
folder's copy is written anew when the data folder is writable.
BM25 is derived data: a folder that is missing (a client of a shared Chroma server that did not
build it), stale (another text analysis) or damaged (truncated, overwritten) is rebuilt from the
records, saved when the data folder is writable and kept in memory when it is not, and the repair
is logged (`open_bm25` also serves `steunwijs ingest`, which reports it).
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from kb.bm25 import BM25Damaged, BM25Index, BM25Mismatch
from kb.damage import Repair
from kb.generations import Layout, Pointer, build_bm25
from kb.passages_file import PASSAGES_FILE, read_passages, save_passages
from kb.sentence_vectors import SentenceVectors
from kb.store import Store, StoredRecord
from steunwijs.types import DocumentMeta, Passage

log = logging.getLogger(__name__)


def open_bm25(
    layout: Layout, generation: int, ids: list[str], passages: Callable[[], list[Passage]], save: bool
) -> tuple[BM25Index, Repair | None]:
    """A generation's BM25 index for the passages `ids`; when missing, stale or damaged, rebuilt.

    `passages()` gives the generation's passages for a rebuild; the rebuilt index replaces the
    folder when `save` (a writable data folder), else it serves from memory. The Repair says what
    was rebuilt and why, None when the saved index was fine.
    """
    folder = layout.bm25_folder(generation)
    try:
        return BM25Index.load(folder, expected_ids=ids), None
    except FileNotFoundError:
        nl, en = "ontbrak", f"BM25 index of generation {generation} was missing"
    except BM25Mismatch as error:
        nl, en = "hoorde niet bij de opgeslagen passages", str(error)
    except BM25Damaged as error:
        nl, en = "was beschadigd", str(error)
    by_order = sorted(passages(), key=lambda p: (p.source, p.lines[0], p.id))
    index = build_bm25(by_order)
    if save:
        _discard_folder(folder)
        _save_bm25_once(index, folder)
        return index, Repair(
            f"De BM25-index van generatie {generation} {nl}; opnieuw opgebouwd uit de opslag.", f"{en}; rebuilt from the store."
        )
    return index, Repair(
        f"De BM25-index van generatie {generation} {nl}; in het geheugen opnieuw opgebouwd (de datamap is alleen-lezen).",
        f"{en}; rebuilt in memory (read-only data folder).",
    )


def _discard_folder(folder: Path) -> None:
    """Move a folder out of the way, then delete it (another process may be doing the same)."""
    trash = folder.with_name(f"{folder.name}.{uuid.uuid4().hex}.discarded")
    try:
        os.rename(folder, trash)
    except FileNotFoundError:
        return  # not there: never saved, or another process moved it first
    shutil.rmtree(trash)


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


def _records(store: Store, layout: Layout, pointer: Pointer) -> list[StoredRecord]:
    """The generation's records with their vectors: from its folder's copy when the embedded store
    still holds the collection it copies, else from the store (and the copy written anew)."""
    path = layout.folder(pointer.generation) / PASSAGES_FILE
    if store.is_server:
        return store.records(store.collection(pointer.collection), with_embeddings=True)
    kept = read_passages(path, pointer.collection, pointer.dim)
    if kept is not None and store.has_collection(pointer.collection):
        return kept
    records = store.records(store.collection(pointer.collection), with_embeddings=True)
    # only into a folder that still exists: an ingest may have discarded this generation meanwhile
    if not store.read_only and path.parent.is_dir():
        save_passages(path, pointer.collection, records, pointer.dim)
        log.info("stored the passages of generation %d in %s", pointer.generation, path)
    return records


@dataclass
class Generation:
    """A generation loaded for search: its passages (in BM25 order), their vectors and the BM25 index.

    Dense search is exact, over `vectors` in memory (a few MB for thousands of passages): Chroma's
    HNSW index is approximate, and two builds from the very same vectors gave different neighbours,
    so answers changed from one ingest to the next. Chroma stays the store of record.
    """

    pointer: Pointer
    passages: list[Passage]
    vectors: np.ndarray  # (passages, dim) float32, row i is passages[i]
    bm25: BM25Index
    sentences: SentenceVectors  # its point sentences' vectors (empty: answers embed on the fly)
    sources: np.ndarray
    eras: np.ndarray

    @classmethod
    def load(cls, store: Store, layout: Layout, pointer: Pointer) -> Generation:
        """Raises chromadb's NotFoundError (kb.store.not_found_error) when the collection is gone."""
        records = _records(store, layout, pointer)
        by_id = {r.id: r.to_passage() for r in records}
        vector_of = {r.id: r.embedding for r in records}
        bm25, repair = open_bm25(
            layout, pointer.generation, list(by_id), lambda: list(by_id.values()), save=not store.read_only
        )
        if repair is not None:
            log.warning(repair.en)
        passages = [by_id[pid] for pid in bm25.ids]
        dim = pointer.dim
        vectors = np.stack([vector_of[pid] for pid in bm25.ids]) if passages else np.zeros((0, dim), np.float32)
        return cls(
            pointer=pointer,
            passages=passages,
            vectors=vectors.astype(np.float32, copy=False),
            bm25=bm25,
            sentences=SentenceVectors.load(layout.sentences_path(pointer.generation), pointer.model, dim),
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
