"""Index generations, their life on disk: layout, pointer, building and publishing, discarding.

An index *generation* is one complete, immutable state of the knowledge base:
- a Chroma collection `<prefix>_g<N>` holding every passage with its embedding, and
- a folder `<data_dir>/generations/g<N>/` holding the BM25 index (`bm25/`), the ingest manifest
  (`manifest.json`, written here, its content is the ingest's business) and the roles map
  (`roles.json`, kb/roles_build.py: the statements about actors, rebuilt only for documents that
  changed; with `roles_llm`, an LLM's verdicts on them beside them, kb/roles_refine.py) and the
  vectors of its point sentences (`sentences.npz`, kb/sentence_vectors.py); and, so that a reader
  needs neither chromadb nor a rebuild, a copy of its records with their vectors (`passages.npz`,
  kb/passages_file.py) and its glossary (`glossary.json`, kb/glossary.py).

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
collection's documents (BM25 is derived data), and the roles map from the passages (also when
other rules made it: a generation that predates a rule change). Before its flip, a build checks
that the pointer still names the generation it started from, so a client that finished first is
never overwritten.

A collection's metadata describes its generation (number, model, dimension, passage count, build
time), so a generation is known to be complete, and can be made current again, from the store
alone: kb/recovery.py falls back on that when the pointer is damaged or names a missing generation.
Loading a generation for search (and rebuilding a damaged BM25 folder) is kb/loading.py.
"""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ValidationError

from kb.bm25 import BM25Index
from kb.damage import IndexDamaged
from kb.encoder.adapter import model_label
from kb.glossary import GLOSSARY_FILE, build_glossary, save_glossary
from kb.passages_file import PASSAGES_FILE, save_passages
from kb.roles import ROLES_FILE, ROLES_FORMAT, RolesMap, carry_refinement
from kb.roles_build import build_roles, rules_fingerprint
from kb.sentence_vectors import SENTENCES_FILE, SentenceVectors
from kb.store import Store, StoredRecord
from steunwijs.errors import SteunwijsError
from steunwijs.files import write_text_atomically
from steunwijs.settings import Settings
from steunwijs.types import Passage

if TYPE_CHECKING:
    from kb.roles_refine import RolesRefiner

log = logging.getLogger(__name__)

MANIFEST_FILE = "manifest.json"
POINTER_PURPOSE = {"purpose": "steunwijs pointer"}  # the metadata of a server's pointer collection, without a pointer
STORE_BATCH = 256  # records per `Store.add` call between two progress reports


class PointerDamaged(IndexDamaged):
    """The pointer (`current.json`, or the pointer collection of a Chroma server) cannot be read."""


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
    label = model_label(settings.embedding_model_path)
    return label if settings.encoder == "torch-fp32" else f"{label}#{settings.encoder}"


class Pointer(BaseModel):
    """Which generation is current, and with which embedding model it was built."""

    generation: int
    collection: str
    model: str
    dim: int
    created: str  # when the generation was built (also in its collection's metadata)


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

    def roles_path(self, generation: int) -> Path:
        return self.folder(generation) / ROLES_FILE

    def sentences_path(self, generation: int) -> Path:
        return self.folder(generation) / SENTENCES_FILE

    def generation_of(self, collection_name: str) -> int | None:
        match = self._pattern.match(collection_name)
        return int(match.group(1)) if match else None


def read_pointer(store: Store, layout: Layout) -> Pointer | None:
    """The current generation, or None for an empty knowledge base; raises PointerDamaged when unreadable."""
    try:
        if store.is_server:
            if layout.meta_collection not in store.collection_names():
                return None
            meta = store.metadata(layout.meta_collection)
            return Pointer.model_validate(meta) if "generation" in meta else None
        if not layout.pointer_path.exists():
            return None
        return Pointer.model_validate_json(layout.pointer_path.read_bytes())
    except ValidationError as error:  # pydantic reports broken JSON as a ValidationError too
        where = layout.meta_collection if store.is_server else str(layout.pointer_path)
        problem = f"{error.error_count()} fout(en), bv. {error.errors()[0]['msg']}"
        raise PointerDamaged(
            f"De verwijzing naar de huidige generatie ({where}) is beschadigd: {problem}.",
            f"The pointer to the current generation ({where}) is damaged: {error}",
        ) from error


def publish(store: Store, layout: Layout, pointer: Pointer) -> None:
    """Make `pointer` current: the one step that switches every reader to the new generation."""
    if store.is_server:
        meta = store.create_collection(layout.meta_collection, POINTER_PURPOSE, exist_ok=True)
        store.set_metadata(meta, pointer.model_dump())
    write_text_atomically(layout.pointer_path, pointer.model_dump_json(indent=2))


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


def read_manifest(layout: Layout, pointer: Pointer) -> bytes | None:
    """The manifest stored with a generation, or None when this client lacks its folder."""
    path = layout.manifest_path(pointer.generation)
    return path.read_bytes() if path.exists() else None


def write_manifest(layout: Layout, generation: int, manifest: str) -> None:
    """Store a generation's manifest (atomically: a reader sees the old file or the new one)."""
    write_text_atomically(layout.manifest_path(generation), manifest)


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
    sentences: SentenceVectors | None = None,
    progress: Callable[[int, int], None] | None = None,
    roles_refiner: RolesRefiner | None = None,
) -> int:
    """Write generation N+1 completely beside `base` (the current one), then flip the pointer to it.

    `records` are every passage of the new generation, each with its vector, in the order BM25 (and
    so search) will list them. The collection's metadata records `model` and `fingerprint` (what
    the ingest manifest can be rebuilt from); `progress(done, total)` follows the stored records.
    The roles map is built by the rules, reusing the current generation's statements where a
    document is unchanged; a `roles_refiner` (kb/roles_refine.py) then lets the LLM check it,
    reusing the current map's verdicts, and keeps its report.
    Anything that fails before the flip discards the new generation and leaves `base` current;
    after the flip the old generation is discarded. Returns the new generation's number.
    """
    number = (base.generation if base else 0) + 1
    name = layout.collection_name(number)
    pointer = Pointer(
        generation=number, collection=name, model=model, dim=dim, created=datetime.now(UTC).isoformat(timespec="seconds")
    )
    described = {
        "generation": number,
        "model": model,
        "fingerprint": fingerprint,
        "dim": dim,
        "passages": len(records),
        "created": pointer.created,
    }
    try:
        collection = store.create_collection(name, described)
        for start in range(0, len(records), STORE_BATCH):
            store.add(collection, records[start : start + STORE_BATCH])
            if progress:
                progress(min(start + STORE_BATCH, len(records)), len(records))
        passages = [record.to_passage() for record in records]
        build_bm25(passages).save(layout.bm25_folder(number))
        write_manifest(layout, number, manifest)
        (sentences or SentenceVectors.empty(model, dim)).save(layout.sentences_path(number))
        # read back: Chroma keeps the vectors of a cosine collection normalised by itself (the last bit
        # can differ from ours), and a reader must get exactly what the collection would give it
        save_passages(layout.folder(number) / PASSAGES_FILE, name, store.records(collection, with_embeddings=True), dim)
        save_glossary(layout.folder(number) / GLOSSARY_FILE, build_glossary(passages), name)
        previous_roles = read_roles(layout, base.generation) if base else None
        roles = build_roles(passages, previous_roles)
        if roles_refiner is not None:
            roles = roles_refiner.refine(roles, previous_roles)
        write_roles(layout, number, roles)
        if read_pointer(store, layout) != base:
            raise ConcurrentPublish()
        publish(store, layout, pointer)
    except BaseException:
        discard_generations(store, layout, keep=base.generation if base else None)
        raise
    discard_generations(store, layout, keep=number)
    return number


def read_roles(layout: Layout, generation: int) -> RolesMap | None:
    """A generation's stored roles map; None when it has none, or one of an older format or unreadable."""
    path = layout.roles_path(generation)
    if not path.exists():
        return None
    try:
        roles = RolesMap.model_validate_json(path.read_bytes())
    except ValidationError as error:
        log.warning("roles map %s is unreadable (%s); it will be rebuilt", path, error)
        return None
    return roles if roles.format == ROLES_FORMAT else None


def write_roles(layout: Layout, generation: int, roles: RolesMap) -> None:
    """Store a generation's roles map (atomically, like the manifest)."""
    write_text_atomically(layout.roles_path(generation), roles.model_dump_json())


def open_roles(layout: Layout, generation: int, passages: list[Passage], save: bool) -> RolesMap:
    """A generation's roles map; made from its `passages` when missing or made by other rules.

    The map is derived data, like BM25: rebuilt (reusing the statements of documents that still
    fit, and the LLM's verdicts on sentences the new rules decide as before: no LLM is asked here)
    and saved when `save` (a writable data folder), else only returned.
    """
    stored = read_roles(layout, generation)
    if stored is not None and stored.rules == rules_fingerprint():
        return stored
    rebuilt = carry_refinement(build_roles(passages, stored), stored)
    log.info("roles map of generation %d rebuilt (%d statements)", generation, len(rebuilt.statements()))
    if save:
        write_roles(layout, generation, rebuilt)
    return rebuilt


def bm25_text(passage: Passage) -> str:
    """What BM25 indexes for a passage: its section path (the words of its headings) and its text."""
    return f"{passage.section}\n{passage.text}" if passage.section else passage.text


def build_bm25(passages: list[Passage]) -> BM25Index:
    return BM25Index.build([p.id for p in passages], [bm25_text(p) for p in passages])
