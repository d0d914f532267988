"""The hybrid retriever as a llama-index `BaseRetriever`, for llama-index components (query engines).

Kept apart from kb/retriever.py so that answering, which needs no llama-index, does not import it.
Each node carries the passage's full metadata (document, section, page, lines, raw words) plus
`dense_score` and `bm25_score`; `NodeWithScore.score` is the fused RRF score.
"""

from __future__ import annotations

import numpy as np
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from kb.retriever import HybridRetriever
from kb.store import flat_metadata

# Metadata that is not for an embedding model or an LLM prompt (the raw words are quoted separately).
_NOT_FOR_MODELS = ["raw", "lines_start", "lines_end", "page_approximate", "dense_score", "bm25_score", "year", "kind"]


class LlamaRetriever(BaseRetriever):
    """A llama-index retriever over a HybridRetriever."""

    def __init__(self, hybrid: HybridRetriever) -> None:
        super().__init__()
        self.hybrid = hybrid

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        embedding = None if query_bundle.embedding is None else np.asarray(query_bundle.embedding, dtype=np.float32)
        nodes: list[NodeWithScore] = []
        for found in self.hybrid.retrieve(query_bundle.query_str, embedding):
            passage = self.hybrid.generation.passage(found.passage_id)
            metadata = flat_metadata(passage) | {"dense_score": found.dense_score, "bm25_score": found.bm25_score}
            node = TextNode(
                id_=found.passage_id,
                text=passage.text,
                metadata=metadata,
                excluded_embed_metadata_keys=_NOT_FOR_MODELS,
                excluded_llm_metadata_keys=_NOT_FOR_MODELS,
            )
            nodes.append(NodeWithScore(node=node, score=found.score))
        return nodes
