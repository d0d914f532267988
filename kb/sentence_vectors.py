"""The vectors of a generation's point sentences, made at ingest so an answer embeds only its question.

An answer ranks the sentences of its passages by their cosine with the question
(assistant/ranking.py). Embedding those sentences at answer time cost about a second the first time
an answer met a passage; ingest now embeds every point sentence (`steunwijs.dutch.points`) once and
stores the vectors with the generation, in `<generation folder>/sentences.npz`:
- `keys`: the first 16 bytes of the sha256 of each sentence's cleaned text (`Sentence.clean`), as
  rows of a (n, 16) uint8 array (numpy's fixed-width bytes type would drop a key's trailing zero
  bytes, and with them the key);
- `vectors`: float32, L2-normalised, row i for keys[i];
- `model`: the embedding model (`kb.generations.model_id`) they were made with;
- `rules`: a hash of the code and table that pick the point sentences (`rules_fingerprint`): after
  a change of those rules the table is rebuilt by the next `steunwijs ingest`.

Like BM25, the table is derived data: a missing or damaged file only means that the answerer embeds
the sentences it needs on the fly (and logs it), never that an answer fails. The next generation
reuses a vector by its key when the model is the same, so a re-ingest embeds only new sentences.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from steunwijs.dutch import patterns, points, sentences
from steunwijs.files import atomic_writer
from steunwijs.resources import read_text

log = logging.getLogger(__name__)

SENTENCES_FILE = "sentences.npz"
KEY_BYTES = 16


@lru_cache(maxsize=1)
def rules_fingerprint() -> str:
    """The code and table that decide which sentences are points (what the table must cover)."""
    digest = hashlib.sha256(read_text("tables", points.ADDRESSED_TO_AI_FILE).encode())
    for module in (patterns, points, sentences):
        digest.update(inspect.getsource(module).encode())
    return digest.hexdigest()


def sentence_key(text: str) -> bytes:
    """The key a sentence's vector is stored under: a hash of its cleaned text."""
    return hashlib.sha256(text.encode("utf-8")).digest()[:KEY_BYTES]


@dataclass
class SentenceVectors:
    """Sentence vectors of one model, looked up by sentence text."""

    model: str
    keys: np.ndarray  # (n, KEY_BYTES) uint8
    vectors: np.ndarray  # (n, dim) float32
    rules: str = field(default_factory=lambda: rules_fingerprint())  # which rules chose the sentences
    _rows: dict[bytes, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rows = {key.tobytes(): row for row, key in enumerate(self.keys)}

    @classmethod
    def empty(cls, model: str, dim: int) -> SentenceVectors:
        return cls(model, np.zeros((0, KEY_BYTES), np.uint8), np.zeros((0, dim), np.float32))

    @classmethod
    def of(cls, model: str, vectors: dict[bytes, np.ndarray], dim: int) -> SentenceVectors:
        """A table from key -> vector (in key order, so equal content gives an equal file)."""
        if not vectors:
            return cls.empty(model, dim)
        keys = sorted(vectors)
        matrix = np.stack([vectors[k] for k in keys]).astype(np.float32, copy=False)
        return cls(model, np.frombuffer(b"".join(keys), np.uint8).reshape(len(keys), KEY_BYTES), matrix)

    def __len__(self) -> int:
        return len(self._rows)

    def get(self, key: bytes) -> np.ndarray | None:
        row = self._rows.get(key)
        return None if row is None else self.vectors[row]

    def lookup(self, texts: Sequence[str]) -> tuple[np.ndarray, list[int]]:
        """The vectors of `texts` (zero rows where unknown) and the positions of the unknown ones."""
        matrix = np.zeros((len(texts), self.vectors.shape[1]), np.float32)
        missing: list[int] = []
        for i, text in enumerate(texts):
            row = self._rows.get(sentence_key(text))
            if row is None:
                missing.append(i)
            else:
                matrix[i] = self.vectors[row]
        return matrix, missing

    def save(self, path: Path) -> None:
        """Write atomically (temp file, fsync, rename): a reader sees the old file or the new one."""
        with atomic_writer(path) as handle:
            np.savez(handle, keys=self.keys, vectors=self.vectors, model=np.array(self.model), rules=np.array(self.rules))

    @classmethod
    def read(cls, path: Path, model: str, dim: int) -> SentenceVectors | None:
        """The stored table; None (and a log line) when it is missing, damaged or of another model.

        A table chosen by older rules is still returned (its vectors are right for their texts); it
        says so in `current`, and `steunwijs ingest` completes it.
        """
        if not path.exists():
            log.info("no sentence vectors at %s", path)
            return None
        try:
            with np.load(path, allow_pickle=False) as data:
                stored_model = str(data["model"])
                rules = str(data["rules"]) if "rules" in data.files else ""  # written before rules were recorded
                keys, vectors = data["keys"], data["vectors"]
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
            log.warning("sentence vectors %s are unreadable (%s)", path, error)
            return None
        fits = keys.dtype == np.uint8 and keys.shape == (len(vectors), KEY_BYTES) and vectors.shape[1:] == (dim,)
        if stored_model != model or not fits:
            log.warning("sentence vectors %s do not fit model %s (dim %d); ignored", path, model, dim)
            return None
        return cls(model, keys, vectors.astype(np.float32, copy=False), rules)

    @property
    def current(self) -> bool:
        """Whether today's rules chose these sentences (else a sentence may lack its vector)."""
        return self.rules == rules_fingerprint()

    @classmethod
    def load(cls, path: Path, model: str, dim: int) -> SentenceVectors:
        """The stored table, or an empty one (answers then embed on the fly): never raises for a bad
        file, because the table is an optimisation, not the record (`steunwijs ingest` rebuilds it)."""
        return cls.read(path, model, dim) or cls.empty(model, dim)
