"""The Chroma store: which client, how a passage is stored, and clear errors when the server is gone.

Embedded by default (a `PersistentClient` under `settings.chroma_dir`); a Chroma server when
`settings.chroma_url` is set, so several app instances can share one index. Every call that reaches
the server goes through `Store`, which turns a refused or dropped connection into `StoreUnavailable`
naming the URL, instead of an httpx traceback deep inside a search.

Chroma never embeds here: collections are created with `embedding_function=None` and every add
passes its vectors, because the passages must be embedded by our model with the e5 `passage: `
prefix; Chroma's default embedding function would silently index with a different (English) model.

A passage is stored as one record: id = `Passage.id`, document = the cleaned text, metadata = every
field of the passage and its document flattened into scalars (Chroma metadata cannot hold None or
nested values: a missing page/year is -1, a missing string ""). Two extra fields, `folder` and
`doc_sha256`, make a collection self-describing, so any client can rebuild the ingest manifest
from the collection alone (see ingest/manifest.py).

A read-only data folder (a read-only mount, `chmod -w`) still serves reads: Chroma's embedded
client must write even to open its database (SQLite answers "attempt to write a readonly
database"), so the store is then opened from a private copy in a temporary folder, made once when
the client is first needed, and `read_only` tells callers that writing (ingest) is off.

chromadb is imported, and the embedded client opened, only when a call needs them (importing
chromadb takes about a second of a fresh process): a generation whose passages and vectors are
stored in its folder (kb/passages_file.py) is searched without them, and `collection_names`
reads the embedded store's catalogue with SQLite itself until the client is open (the names
Chroma would list; any SQLite error falls back on the client). `not_found_error()` is chromadb's
`NotFoundError` for an `except` clause, without importing chromadb for it.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import numpy as np

from steunwijs.errors import ConfigurationError, StoreUnavailable
from steunwijs.settings import Settings
from steunwijs.types import DocumentMeta, Passage

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

__all__ = [
    "ServerAddress",
    "Store",
    "StoreUnavailable",
    "StoredRecord",
    "flat_metadata",
    "not_found_error",
    "writable",
]

log = logging.getLogger(__name__)

CATALOGUE_FILE = "chroma.sqlite3"  # the embedded store's SQLite database (its collections table)
# the tenant and database every client here uses (chromadb.config.DEFAULT_TENANT / DEFAULT_DATABASE)
_TENANT, _DATABASE = "default_tenant", "default_database"


class _NeverRaised(Exception):
    """Stands in for a library's exception class while the library is not imported (so nothing raised it)."""


def _loaded(module: str, name: str) -> type[BaseException]:
    """`module.name` if that module is imported, else a class nothing raises: for `except` clauses
    that must not import a slow library only to name its exception."""
    found = sys.modules.get(module)
    return getattr(found, name) if found is not None else _NeverRaised


def not_found_error() -> type[BaseException]:
    """chromadb's NotFoundError (a collection is gone), for `except not_found_error():`."""
    return _loaded("chromadb.errors", "NotFoundError")


def _unreachable(url: str | None, error: Exception) -> StoreUnavailable:
    return StoreUnavailable(
        f"De Chroma-server op {url} is niet bereikbaar: {error}", f"Chroma server at {url} is not reachable: {error}"
    )


def writable(folder: Path) -> bool:
    """Whether this process may write in `folder` (or, while it does not exist, create it).

    `os.access` also answers False on a read-only file system, for root too.
    """
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return candidate.is_dir() and os.access(candidate, os.W_OK)
    return False


@dataclass(frozen=True)
class ServerAddress:
    host: str
    port: int
    ssl: bool

    @classmethod
    def parse(cls, url: str) -> ServerAddress:
        """`http://host:port` / `https://host` -> address; the default port follows the scheme."""
        parts = urlsplit(url if "://" in url else f"http://{url}")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigurationError(
                f"Geen adres van een Chroma-server: {url!r} (verwacht bv. http://127.0.0.1:8000)",
                f"Not a Chroma server URL: {url!r} (expected e.g. http://127.0.0.1:8000)",
            )
        if parts.path not in ("", "/"):
            raise ConfigurationError(
                f"Het adres van de Chroma-server mag geen pad hebben: {url!r}",
                f"Chroma server URL must not have a path: {url!r}",
            )
        ssl = parts.scheme == "https"
        return cls(parts.hostname, parts.port or (443 if ssl else 8000), ssl)


def flat_metadata(passage: Passage) -> dict[str, Any]:
    """Every field of a passage and its document as Chroma-compatible scalars (no None, no nesting)."""
    doc = passage.doc
    return {
        "source": doc.source,
        "title": doc.title,
        "short_title": doc.short_title,
        "publisher": doc.publisher or "",
        "year": doc.year if doc.year is not None else -1,
        "kind": doc.kind or "",
        "era": doc.era or "",
        "section": passage.section,
        "page": passage.page if passage.page is not None else -1,
        "page_approximate": passage.page_approximate,
        "lines_start": passage.lines[0],
        "lines_end": passage.lines[1],
        "raw": passage.raw,
    }


@dataclass
class StoredRecord:
    """One passage as Chroma holds it, with its vector (used to carry passages between generations)."""

    id: str
    document: str
    metadata: dict[str, Any]
    embedding: np.ndarray | None = None

    @classmethod
    def from_passage(cls, passage: Passage, folder: str, doc_sha256: str) -> StoredRecord:
        metadata = flat_metadata(passage) | {"folder": folder, "doc_sha256": doc_sha256}
        return cls(passage.id, passage.text, metadata)

    def to_passage(self) -> Passage:
        m = self.metadata
        doc = DocumentMeta(
            source=m["source"],
            title=m["title"],
            short_title=m["short_title"],
            publisher=m["publisher"] or None,
            year=None if m["year"] == -1 else m["year"],
            kind=m["kind"] or None,
            era=m["era"] or None,
        )
        return Passage(
            id=self.id,
            doc=doc,
            section=m["section"],
            page=None if m["page"] == -1 else m["page"],
            page_approximate=m["page_approximate"],
            lines=(m["lines_start"], m["lines_end"]),
            text=self.document,
            raw=m["raw"],
        )


class Store:
    """A Chroma client plus the few operations the knowledge base needs, with connection errors made clear."""

    def __init__(self, settings: Settings) -> None:
        self.url = settings.chroma_url
        self.read_only = not writable(settings.data_dir)
        self._chroma_dir = settings.chroma_dir
        self._snapshot: tempfile.TemporaryDirectory[str] | None = None
        self._client: ClientAPI | None = None
        self._opening = threading.Lock()  # one embedded client, even when two threads need it at once
        if self.url:
            self.location = self.url
            self._client = self._server_client(ServerAddress.parse(self.url))  # a wrong address fails here
        else:
            self.location = str(settings.chroma_dir)

    def _server_client(self, address: ServerAddress) -> ClientAPI:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        with self._guard():
            try:
                return chromadb.HttpClient(
                    host=address.host, port=address.port, ssl=address.ssl, settings=ChromaSettings(anonymized_telemetry=False)
                )
            except ValueError as error:  # chromadb's wording for a refused first connection
                raise _unreachable(self.url, error) from error

    @property
    def client(self) -> ClientAPI:
        """The Chroma client; the embedded one is opened (and chromadb imported) on first use."""
        with self._opening:
            if self._client is None:
                self._client = self._embedded_client()
        return self._client

    def _embedded_client(self) -> ClientAPI:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from chromadb.errors import InternalError

        path = self._local_path(self._chroma_dir)
        try:
            return chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))
        except InternalError as error:  # e.g. a store file that is read-only in a writable folder
            raise StoreUnavailable(
                f"De opslag in {self._chroma_dir} kan niet geopend worden: {error}",
                f"Cannot open the store in {self._chroma_dir}: {error}",
            ) from error

    def _local_path(self, chroma_dir: Path) -> Path:
        """Where the embedded client opens the store: the folder itself, or a private copy when read-only."""
        if not self.read_only:
            chroma_dir.mkdir(parents=True, exist_ok=True)
            return chroma_dir
        self._snapshot = tempfile.TemporaryDirectory(prefix="steunwijs-read-only-")
        copy = Path(self._snapshot.name) / "chroma"
        if chroma_dir.is_dir():
            shutil.copytree(chroma_dir, copy)
        log.warning("data folder %s is read-only: reading a copy of its store in %s", chroma_dir.parent, copy)
        return copy

    @property
    def is_server(self) -> bool:
        return bool(self.url)

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except _loaded("httpx", "TransportError") as error:  # only a server client speaks httpx
            raise _unreachable(self.url, error) from error

    # --- collections --------------------------------------------------------------------------
    def create_collection(
        self, name: str, metadata: dict[str, Any] | None = None, exist_ok: bool = False
    ) -> Collection:
        """A new cosine-space collection that never embeds by itself (`exist_ok`: or the existing one)."""
        create = self.client.get_or_create_collection if exist_ok else self.client.create_collection
        with self._guard():
            return create(
                name,
                configuration={"hnsw": {"space": "cosine"}},
                metadata=metadata or None,
                embedding_function=None,
            )

    def collection(self, name: str) -> Collection:
        """An existing collection; raises chromadb's `NotFoundError` when it is gone."""
        with self._guard():
            return self.client.get_collection(name, embedding_function=None)

    def collection_names(self) -> list[str]:
        if self._client is None and not self.is_server:
            names = self._catalogue_names()
            if names is not None:
                return names
        with self._guard():
            return [c if isinstance(c, str) else c.name for c in self.client.list_collections()]

    def has_collection(self, name: str) -> bool:
        return name in self.collection_names()

    def _catalogue_names(self) -> list[str] | None:
        """The embedded store's collection names read from its SQLite catalogue (milliseconds, no
        chromadb); None when it cannot be read (no store yet, another schema): ask the client then."""
        path = self._chroma_dir / CATALOGUE_FILE
        if not path.is_file():
            return None
        try:
            with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as db:
                rows = db.execute(
                    "SELECT c.name FROM collections c JOIN databases d ON c.database_id = d.id"
                    " WHERE d.name = ? AND d.tenant_id = ?",
                    (_DATABASE, _TENANT),
                ).fetchall()
        except sqlite3.Error as error:
            log.info("reading the collection names from %s failed (%s); asking Chroma", path, error)
            return None
        return [str(name) for (name,) in rows]

    def drop(self, name: str) -> None:
        with self._guard():
            self.client.delete_collection(name)

    def set_metadata(self, collection: Collection, metadata: dict[str, Any]) -> None:
        with self._guard():
            collection.modify(metadata=metadata)

    def metadata(self, name: str) -> dict[str, Any]:
        with self._guard():
            return dict(self.client.get_collection(name, embedding_function=None).metadata or {})

    def count(self, collection: Collection) -> int:
        with self._guard():
            return collection.count()

    def dimension(self, collection: Collection) -> int | None:
        """The length of the collection's vectors (read from one record), None when it is empty."""
        with self._guard():
            got = collection.get(limit=1, include=["embeddings"])  # type: ignore[list-item]
        embeddings = got["embeddings"]
        return len(embeddings[0]) if embeddings is not None and len(embeddings) else None

    # --- records ------------------------------------------------------------------------------
    def add(self, collection: Collection, records: Sequence[StoredRecord]) -> None:
        """Add records with their embeddings, in batches the client accepts."""
        with self._guard():
            batch = self.client.get_max_batch_size()
            for start in range(0, len(records), batch):
                part = records[start : start + batch]
                if any(r.embedding is None for r in part):
                    raise ValueError("every stored record needs its embedding (Chroma must not embed)")
                collection.add(
                    ids=[r.id for r in part],
                    embeddings=np.stack([r.embedding for r in part]),  # type: ignore[misc]
                    documents=[r.document for r in part],
                    metadatas=[r.metadata for r in part],
                )

    def records(self, collection: Collection, with_embeddings: bool = False, page: int = 1000) -> list[StoredRecord]:
        """Every record of a collection (paged, so a large collection is not one huge response)."""
        include = ["documents", "metadatas"] + (["embeddings"] if with_embeddings else [])
        out: list[StoredRecord] = []
        with self._guard():
            offset = 0
            while True:
                got = collection.get(include=include, limit=page, offset=offset)  # type: ignore[arg-type]
                ids = got["ids"]
                embeddings = got["embeddings"] if with_embeddings else None
                for i, pid in enumerate(ids):
                    out.append(
                        StoredRecord(
                            pid,
                            got["documents"][i],  # type: ignore[index]
                            dict(got["metadatas"][i]),  # type: ignore[index]
                            np.asarray(embeddings[i], dtype=np.float32) if embeddings is not None else None,
                        )
                    )
                if len(ids) < page:
                    return out
                offset += page
