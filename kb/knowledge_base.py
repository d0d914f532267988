"""`KnowledgeBase`: the one object the assistant, the CLI and the app use to reach the documents.

It hides the store (embedded or server), the index generations and the two retrievers behind
`search`, `documents`, `passages` and `is_empty`. Each call first checks, cheaply, whether the
pointer names a newer generation than the one loaded (a stat of `current.json`, or one metadata
read on a Chroma server), so an ingest by another process or thread shows up on the next call
without a restart. Loading a generation reads its passages once into memory (a few MB for the
default corpus), so BM25 hits, browsing by section and document lists need no further round trips.

The embedding model is imported and loaded lazily: `info`, `documents` and `passages` work (quickly)
without it.

Damaged index state never ends a read: a damaged pointer, or one naming a missing generation, falls
back on the newest complete generation, and a damaged BM25 folder is rebuilt (kb/recovery.py,
kb/loading.py; logged, and repaired on disk by the next ingest). A read-only data folder is read
from a copy of the store (kb/store.py); `read_only` says that writing is off.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from kb.fusion import FUSION_FILE, LinearFusion, load_fusion
from kb.generations import Layout, Pointer, model_id, open_roles
from kb.glossary import GLOSSARY_FILE, Glossary, open_glossary
from kb.loading import Generation
from kb.recovery import current_pointer, load_generation
from kb.retriever import Candidates, HybridRetriever
from kb.roles import RolesMap, Statement, filter_statements
from kb.scope import scoped_search
from kb.sentence_vectors import SentenceVectors
from kb.store import Store, not_found_error
from steunwijs.dutch.synonyms import Expander, default_expander
from steunwijs.errors import ConfigurationError, InputError
from steunwijs.resources import resource_path
from steunwijs.settings import Settings
from steunwijs.types import Citation, DocumentInfo, Hit, Passage

if TYPE_CHECKING:
    from kb.embeddings import Embedder

log = logging.getLogger(__name__)
T = TypeVar("T")
_DUTCH = {"document": "document", "era": "periode"}


class EmptyQuery(InputError):
    """The question is empty or only whitespace."""


class UnknownFilter(InputError):
    """A document or era filter matches nothing in the knowledge base."""


class ModelMismatch(ConfigurationError):
    """The index was built with another embedding model than the one configured now."""


@dataclass(frozen=True)
class StoreInfo:
    """What `steunwijs info` shows."""

    location: str
    read_only: bool
    generation: int | None
    model: str | None
    created: str | None
    documents: list[DocumentInfo]

    @property
    def passages(self) -> int:
        return sum(d.passages for d in self.documents)


class KnowledgeBase:
    """Search and browse the ingested documents."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.layout = Layout(settings)
        self.store = Store(settings)
        self._embedder = embedder
        self._generation: Generation | None = None
        self._named: Pointer | None = None  # what the pointer said when `_generation` was loaded
        self._roles: tuple[int, RolesMap] | None = None  # the roles map of the generation numbered
        self._glossary: tuple[int, Glossary, Expander] | None = None  # glossary and expander, per generation
        self._stamp: tuple[int, int] | None = None
        self._lock = threading.RLock()

    @property
    def read_only(self) -> bool:
        """True when the data folder cannot be written: reads work, ingest is off."""
        return self.store.read_only

    @property
    def embedder(self) -> Embedder:
        """The embedding model (loaded on first use; raises EmbeddingModelMissing without it)."""
        if self._embedder is None:
            from kb.embeddings import (
                get_embedder,  # torch: imported only when a search needs it
            )

            self._embedder = get_embedder(self.settings)
        return self._embedder

    @cached_property
    def fusion(self) -> LinearFusion | None:
        """The learned fusion weights when `fusion=learned` (None: reciprocal rank fusion).

        A model without learned weights (another model, a new adapter) falls back to RRF with a
        warning: its cosines are not those the weights were learned on.
        """
        if self.settings.fusion != "learned":
            return None
        path = self.settings.fusion_weights or resource_path("tables", FUSION_FILE)
        weights = load_fusion(path, self.settings.model_key)
        if weights is None:
            log.warning("no learned fusion weights for model %r in %s; fusing by RRF", self.settings.model_key, path)
        return weights

    # --- the current generation -----------------------------------------------------------------
    def _pointer_stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.layout.pointer_path.stat()
        except FileNotFoundError:
            return None
        return (stat.st_mtime_ns, stat.st_ino)

    def _current(self, force: bool = False) -> Generation | None:
        """The generation the pointer names now, loading it when it changed since the last call."""
        with self._lock:
            stamp = None if self.store.is_server else self._pointer_stamp()
            if stamp is not None and stamp == self._stamp and not force:
                return self._generation
            pointer, repair = current_pointer(self.store, self.layout)
            if pointer is None:
                self._generation = None
            elif force or self._generation is None or self._named != pointer:
                self._generation, missing = load_generation(self.store, self.layout, pointer)
                for found in (repair, missing):
                    if found is not None:
                        log.warning("%s (run `steunwijs ingest` to repair it on disk)", found.en)
            self._named = pointer
            self._stamp = stamp  # only after a successful load, so a failed one is retried
            return self._generation

    def _with_generation(self, action: Callable[[Generation | None], T]) -> T:
        """Run `action` on the current generation; if an ingest deleted it meanwhile, once more on the new one."""
        try:
            return action(self._current())
        except not_found_error():
            return action(self._current(force=True))

    def warm_up(self) -> None:
        """Load what the first question would otherwise wait for: the generation, the embedding model
        (one question embedded) and the glossary. The app calls it before it says it is ready."""
        if self._current() is None:
            return
        self.embedder.embed_query("Wat doet een leerondersteuner?")
        self.glossary()

    def sentence_vectors(self) -> SentenceVectors | None:
        """The current generation's point-sentence vectors, made at ingest (None: nothing ingested)."""
        generation = self._current()
        return None if generation is None else generation.sentences

    def is_empty(self) -> bool:
        generation = self._current()
        return generation is None or not generation.passages

    # --- search ---------------------------------------------------------------------------------
    def _check_model(self, pointer: Pointer) -> None:
        configured = model_id(self.settings)
        if pointer.model != configured:
            raise ModelMismatch(
                f"De kennisbank is gebouwd met het model {pointer.model!r}, maar {configured!r} is ingesteld."
                " Voer `steunwijs ingest` uit om ze opnieuw op te bouwen met het ingestelde model.",
                f"The index was built with the embedding model {pointer.model!r}, but {configured!r} is "
                "configured. Run `steunwijs ingest` to rebuild the index with the configured model.",
            )

    def _resolve(self, wanted: list[str] | None, known: set[str], what: str) -> list[str] | None:
        """Exact names win; otherwise every known name containing the text (case-insensitive)."""
        if not wanted:
            return None
        resolved: list[str] = []
        for value in wanted:
            exact = [k for k in known if k.lower() == value.lower()]
            matches = exact or sorted(k for k in known if value.lower() in k.lower())
            if not matches:
                known_list = ", ".join(sorted(known))
                raise UnknownFilter(
                    f"Geen {_DUTCH[what]} past bij {value!r}. Bekend: {known_list}",
                    f"No {what} matches {value!r}. Known: {known_list}",
                )
            resolved.extend(m for m in matches if m not in resolved)
        return resolved

    def _retriever(
        self, generation: Generation, k: int | None, sources: list[str] | None, eras: list[str] | None
    ) -> HybridRetriever:
        self._check_model(generation.pointer)
        wanted_sources = self._resolve(sources, set(generation.sources), "document")
        wanted_eras = self._resolve(eras, set(generation.eras) - {""}, "era")
        return HybridRetriever(
            generation,
            self.embedder,
            top_k=k or self.settings.top_k,
            candidate_k=max(self.settings.candidate_k, k or 0),
            rrf_k=self.settings.rrf_k,
            fusion=self.fusion,
            expander=self._glossary_of(generation)[1] if self.settings.query_expansion else None,
            sources=wanted_sources,
            eras=wanted_eras,
        )

    def search(
        self,
        query: str,
        k: int | None = None,
        sources: list[str] | None = None,
        eras: list[str] | None = None,
    ) -> list[Hit]:
        """The best passages for a question, best first (empty when nothing is ingested).

        `sources` filters by document file name, `eras` by era; a filter value may be a part of
        the name ("004", "leersteundecreet").
        """
        self._check_query(query)
        return self._with_generation(lambda generation: self._hits(generation, query, k, sources, eras))

    def candidates(self, query: str) -> Candidates | None:
        """The hybrid retriever's candidates for `query` with their fusion features, unfiltered
        (what `python -m evals.tuning.fusion` learns from; None when nothing is ingested)."""
        self._check_query(query)
        return self._with_generation(
            lambda generation: None if generation is None else self._retriever(generation, None, None, None).candidates(query.strip())
        )

    def scoped_search(self, query: str, k: int | None = None) -> list[Hit]:
        """`search`, fused with a search within the documents the question names (kb.scope).

        "Wat raadt het PWB-rapport aan?" names a document; its passages rise, others stay in reach.
        Both searches run on one generation (and the question is embedded once, see Embedder).
        """
        self._check_query(query)
        k = k or self.settings.top_k

        def run(generation: Generation | None) -> list[Hit]:
            if generation is None:
                return []
            return scoped_search(
                query,
                generation.documents,
                lambda sources: self._hits(generation, query, k, sources, None),
                k,
                self.settings.rrf_k,
            )

        return self._with_generation(run)

    @staticmethod
    def _check_query(query: str) -> None:
        if not query or not query.strip():
            raise EmptyQuery("De vraag is leeg.", "The question is empty.")

    def _hits(
        self,
        generation: Generation | None,
        query: str,
        k: int | None,
        sources: list[str] | None,
        eras: list[str] | None,
    ) -> list[Hit]:
        if generation is None:
            return []
        found = self._retriever(generation, k, sources, eras).retrieve(query.strip())
        return [
            Hit(
                passage=generation.passage(f.passage_id),
                score=f.score,
                rank=rank,
                dense_score=f.dense_score,
                bm25_score=f.bm25_score,
            )
            for rank, f in enumerate(found, start=1)
        ]

    # --- browsing -------------------------------------------------------------------------------
    def documents(self) -> list[DocumentInfo]:
        """Every document with its passage count and its sections in document order."""
        generation = self._current()
        if generation is None:
            return []
        by_source: dict[str, list[Passage]] = {}
        for passage in generation.passages:
            by_source.setdefault(passage.source, []).append(passage)
        infos = []
        for source in sorted(by_source):
            passages = sorted(by_source[source], key=lambda p: p.lines)
            sections = list(dict.fromkeys(p.section for p in passages if p.section))
            infos.append(DocumentInfo(doc=passages[0].doc, passages=len(passages), sections=sections))
        return infos

    def passages(self, source: str) -> list[Passage]:
        """The passages of one document (file name) in document order."""
        generation = self._current()
        found = [p for p in generation.passages if p.source == source] if generation else []
        if not found:
            raise UnknownFilter(
                f"Het document {source!r} staat niet in de kennisbank.", f"No document {source!r} in the knowledge base."
            )
        return sorted(found, key=lambda p: p.lines)

    # --- the roles map ("Wie doet wat?") ---------------------------------------------------------
    def statements(
        self,
        *,
        actors: list[str] | None = None,
        types: list[str] | None = None,
        eras: list[str] | None = None,
        documents: list[str] | None = None,
    ) -> list[Statement]:
        """The roles map's statements that pass the filters (kb.roles.filter_statements), by document.

        Read from the current generation (made from its passages if it has none, kb.generations.open_roles);
        empty when nothing is ingested. A filter value that matches nothing raises UnknownRolesFilter.
        """
        generation = self._current()
        if generation is None:
            return []
        number = generation.pointer.generation
        with self._lock:
            if self._roles is None or self._roles[0] != number:
                roles = open_roles(self.layout, number, generation.passages, save=not self.read_only)
                self._roles = (number, roles)
            found = self._roles[1].statements()
        return filter_statements(found, actors=actors, types=types, eras=eras, documents=documents)

    # --- the glossary ("Begrippen") --------------------------------------------------------------
    def _glossary_of(self, generation: Generation) -> tuple[Glossary, Expander]:
        """The generation's glossary (stored with it, kb.glossary.open_glossary) and the synonym table's
        expander extended with its acronyms (cached per generation)."""
        number = generation.pointer.generation
        with self._lock:
            if self._glossary is None or self._glossary[0] != number:
                path = self.layout.folder(number) / GLOSSARY_FILE
                glossary = open_glossary(path, generation.pointer.collection, generation.passages, save=not self.read_only)
                self._glossary = (number, glossary, default_expander().extended(glossary.expansion_terms()))
            return self._glossary[1], self._glossary[2]

    def glossary(self) -> Glossary:
        """The terms and acronyms the documents define or use, each with its sentence (kb.glossary)."""
        generation = self._current()
        return Glossary([]) if generation is None else self._glossary_of(generation)[0]

    def passage(self, passage_id: str) -> Passage:
        """One passage of the current generation by id (a statement's, a citation's)."""
        generation = self._current()
        if generation is None:
            raise UnknownFilter("De kennisbank is leeg.", "The knowledge base is empty.")
        return generation.passage(passage_id)

    def cite(self, statement: Statement, n: int = 1) -> Citation:
        """A statement as citation [n]: its quote in the passage that holds it (for `where()` and the source panel)."""
        generation = self._current()
        if generation is None:
            raise UnknownFilter("De kennisbank is leeg.", "The knowledge base is empty.")
        return Citation(n=n, passage=generation.passage(statement.passage_id), quote=statement.quote)

    def info(self) -> StoreInfo:
        generation = self._current()
        pointer = generation.pointer if generation else None
        return StoreInfo(
            location=self.store.location,
            read_only=self.read_only,
            generation=pointer.generation if pointer else None,
            model=pointer.model if pointer else None,
            created=pointer.created if pointer else None,
            documents=self.documents(),
        )
