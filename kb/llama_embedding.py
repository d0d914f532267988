"""The project's Embedder as a llama-index `BaseEmbedding`, for llama-index components (the eval baseline).

Kept apart from kb/embeddings.py so that answering, which needs no llama-index, does not import it.
"""

from __future__ import annotations

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from kb.embeddings import Embedder


class LlamaEmbedding(BaseEmbedding):
    """A llama-index `BaseEmbedding` over an Embedder (its prefixes, its encoder)."""

    _embedder: Embedder = PrivateAttr()

    @classmethod
    def of(cls, embedder: Embedder) -> LlamaEmbedding:
        made = cls(model_name=embedder.name, embed_batch_size=embedder.batch_size)
        made._embedder = embedder
        return made

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embedder.embed_query(query).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embedder.embed_passages([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.embed_passages(texts).tolist()
