"""The records of the next generation with their vectors: carried over, reused, or embedded.

Embedding is the slow part of an ingest, so a vector is computed only when no stored one fits:
- unchanged documents keep their records and (same model) their vectors, so removing a document
  loads no model at all;
- a new or changed passage whose embedded text (model + text, stored as `embed_key`) already has a
  vector in the current generation gets that one;
- a change of embedding model re-embeds everything (vectors of two models are never mixed).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ingest.errors import IngestError
from ingest.manifest import Current, Manifest
from ingest.plan import Read
from kb.generations import model_id
from kb.store import StoredRecord
from steunwijs.settings import Settings
from steunwijs.types import Passage

if TYPE_CHECKING:
    from kb.embeddings import Embedder

# Passages handed to the embedder between two progress reports; the embedder itself runs forward
# passes of `settings.embed_batch_size` passages.
PROGRESS_STEP = 64


@dataclass
class Vectors:
    """Every record of the next generation, each with its vector, and what it took to get them."""

    records: list[StoredRecord]
    model: str
    dim: int
    embedded: int  # passages that went through the model


def load_embedder(settings: Settings) -> Embedder:
    """The embedding model, imported and loaded only when an ingest really needs it (cached per process).

    Imported here, not at the top: torch takes seconds, and a no-op re-ingest never needs it.
    """
    from kb.embeddings import EmbeddingModelMissing, get_embedder

    try:
        return get_embedder(settings)
    except EmbeddingModelMissing as error:
        raise IngestError(error.nl, error.en) from error


def next_vectors(
    current: Current,
    manifest: Manifest,
    read: Read,
    settings: Settings,
    progress: Callable[[int, int], None] | None,
) -> Vectors:
    """The records of the generation `manifest` describes, in search order: kept ones first, then new.

    `progress(done, total)` follows the passages that go through the model.
    """
    model = model_id(settings)
    same_model = current.pointer is not None and current.pointer.model == model
    reuse: dict[str, np.ndarray] = {}
    records: list[StoredRecord] = []
    passages: list[Passage] = []
    if current.pointer is not None:
        store = current.store
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
    embedded = _embed_missing(records, passages, reuse, settings, progress)
    dim = current.pointer.dim if same_model and current.pointer else load_embedder(settings).dim
    return Vectors(records, model, dim, embedded)


def _embed_missing(
    records: list[StoredRecord],
    passages: list[Passage],
    reuse: dict[str, np.ndarray],
    settings: Settings,
    progress: Callable[[int, int], None] | None,
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
        embedder = embedder or load_embedder(settings)
        text = _fitting_text(passage, embedder, settings)
        key = _embed_key(model, text)
        record.metadata["embed_key"] = key
        if key in reuse:
            record.embedding = reuse[key]
        else:
            todo.append((i, text, key))
    for start in range(0, len(todo), PROGRESS_STEP):
        batch = todo[start : start + PROGRESS_STEP]
        vectors = load_embedder(settings).embed_passages([text for _, text, _ in batch])
        for (i, _, key), vector in zip(batch, vectors):
            records[i].embedding = reuse[key] = vector
        if progress:
            progress(start + len(batch), len(todo))
    return len(todo)


def _embed_key(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()


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
