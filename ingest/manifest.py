"""The manifest: what the current generation was built from, so an ingest knows what changed.

Per document: file name, folder, sha256 of the file, its metadata and its passage ids, plus a
`fingerprint` of everything else that shapes passages and vectors (embedding model, prefixes, chunk
settings, and the source code of the text-side modules, `TEXT_MODULES`). A document whose file,
`sources.toml` entry and fingerprint are unchanged is not read again.

The manifest is stored with its generation (kb.generations writes it). It can also be rebuilt from
the collection itself (each record carries `folder` and `doc_sha256`, the collection its
fingerprint), so a client of a shared Chroma server without the generation folder still ingests
incrementally, and a damaged manifest is rebuilt the same way (and written back).

`open_current` is also where an ingest repairs what a reader only works around (kb/recovery.py):
a damaged pointer or one naming a missing generation is set to the newest complete generation, a
damaged manifest and a damaged BM25 folder are rebuilt from the store; `Current.repairs` says what
was done, for the ingest report.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ValidationError

from ingest import sources
from kb.damage import Repair
from kb.generations import Layout, Pointer, model_id, read_manifest, write_manifest
from kb.loading import open_bm25
from kb.recovery import repair_pointer
from kb.store import Store
from steunwijs.files import sha256_file
from steunwijs.settings import Settings
from steunwijs.types import DocumentMeta

_ROOT = Path(__file__).resolve().parent.parent

TEXT_MODULES: tuple[str, ...] = (
    "ingest/readers.py",
    "ingest/sources.py",
    "ingest/admission.py",
    "ingest/errors.py",
    "ingest/structure.py",
    "ingest/clean/__init__.py",
    "ingest/clean/records.py",
    "ingest/clean/vocabulary.py",
    "ingest/clean/footnotes.py",
    "ingest/clean/lines.py",
    "ingest/clean/hyphenation.py",
    "ingest/clean/blocks.py",
    "ingest/chunker.py",
    "steunwijs/dutch/patterns.py",
    "steunwijs/types.py",
)
"""Every module whose code decides what a passage is (paths from the project root): the text side of
ingest and the ground modules it uses. A change to any of them re-reads every document (the vectors
are still reused where a passage's text stays the same). tests/test_pipeline_fingerprint.py checks
that every project module they import is listed."""


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


def fingerprint(settings: Settings) -> str:
    """Everything besides the file bytes that shapes the stored passages and vectors."""
    code = hashlib.sha256()
    for module in TEXT_MODULES:
        code.update((_ROOT / module).read_bytes())
    parts = {
        "model": model_id(settings),
        "passage_prefix": settings.passage_prefix,
        "chunk_size": settings.chunk_size,
        "chunk_overlap": settings.chunk_overlap,
        "max_tokens": settings.max_tokens,
        "text_code": code.hexdigest(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def sources_toml_sha(folder: Path) -> str:
    """The sha256 of a folder's sources.toml, "" when it has none (a changed table re-reads metadata)."""
    path = folder / sources.SOURCES_FILE
    return sha256_file(path) if path.is_file() else ""


@dataclass
class Current:
    """The knowledge base as an ingest finds it (repaired): store, layout, pointer, manifest, repairs."""

    store: Store
    layout: Layout
    pointer: Pointer | None
    manifest: Manifest
    repairs: list[Repair]


def open_current(settings: Settings) -> Current:
    """The current generation and its manifest, with damaged index state repaired on disk.

    The manifest is the one stored with the generation, else (a client without the generation
    folder, or a damaged file) rebuilt from its collection. Needs a writable data folder.
    """
    store = Store(settings)
    layout = Layout(settings)
    pointer, repairs = repair_pointer(store, layout)
    if pointer is None:
        return Current(store, layout, None, Manifest(), repairs)
    manifest, repair = _manifest(store, layout, pointer)
    ids = [pid for entry in manifest.documents.values() for pid in entry.passage_ids]
    _, bm25_repair = open_bm25(  # the store is read only to rebuild (an unchanged ingest needs no Chroma client)
        layout,
        pointer.generation,
        ids,
        lambda: [r.to_passage() for r in store.records(store.collection(pointer.collection))],
        save=True,
    )
    repairs += [r for r in (repair, bm25_repair) if r is not None]
    return Current(store, layout, pointer, manifest, repairs)


def _manifest(store: Store, layout: Layout, pointer: Pointer) -> tuple[Manifest, Repair | None]:
    """The generation's manifest; a damaged one is rebuilt from the collection and written back."""
    text = read_manifest(layout, pointer)
    if text is None:  # a client of a shared server that did not build this generation
        return _manifest_from_collection(store, pointer), None
    try:
        return Manifest.model_validate_json(text), None
    except ValidationError as error:  # broken JSON is a ValidationError too
        manifest = _manifest_from_collection(store, pointer)
        write_manifest(layout, pointer.generation, manifest.model_dump_json(indent=1))
        return manifest, Repair(
            f"Het manifest van generatie {pointer.generation} was beschadigd; opnieuw opgebouwd uit de opslag.",
            f"The manifest of generation {pointer.generation} was damaged ({error.error_count()} errors); rebuilt from the store.",
        )


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
