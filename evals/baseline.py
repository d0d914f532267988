"""The comparison point: the llama-index quickstart a user would write over the same documents.

``SimpleDirectoryReader`` on the corpus folder, the default ``SentenceSplitter`` (1024 tokens, 200
overlap), an in-memory ``VectorStoreIndex`` with the same embedding model Steunwijs uses, and a
top-10 retriever. There is no LLM on this machine, so the baseline's "answer" is its top passage,
cited as [1]; it never abstains. Scoring it with the same metrics shows what Steunwijs' cleaning,
structure-aware chunking, hybrid retrieval, citation check and abstention add.

Embedding the corpus takes about a minute, so the index is built once per run and persisted under
``settings.eval_dir``, keyed by the corpus content, the model and the llama-index version; a later
run over unchanged documents loads it instead of embedding again.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Callable, Sequence
from importlib.metadata import version
from pathlib import Path

from llama_index.core import (
    SimpleDirectoryReader,
    StorageContext,
    VectorStoreIndex,
    load_index_from_storage,
)
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.indices.base import BaseIndex
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.retrievers import BaseRetriever

from evals.questionset import Question
from evals.results import CitationRow, ResultRow, RetrievedRow
from steunwijs.errors import ConfigurationError
from steunwijs.settings import Settings

TOP_K = 10
# sources.toml describes the documents; it is not one, so a user pointing the reader at the folder
# would (and here does) leave it out.
EXCLUDE = ["sources.toml"]

DESCRIPTION = (
    "llama-index quickstart: SimpleDirectoryReader on the corpus folder, default SentenceSplitter "
    f"(1024/200 tokens), in-memory VectorStoreIndex with the same embedding model, top-{TOP_K} "
    "retriever. No LLM: its answer is the top retrieved passage, cited as [1]; it never abstains, and "
    "its latency is that of retrieval alone."
)


def _corpus_files(corpus_dir: Path) -> list[Path]:
    # the files SimpleDirectoryReader reads: top level, not hidden, not excluded
    files = sorted(
        p for p in corpus_dir.iterdir() if p.is_file() and p.name not in EXCLUDE and not p.name.startswith(".")
    )
    if not files:
        raise ConfigurationError(
            f"De documentenmap {corpus_dir} bevat geen documenten voor de vergelijkingsbasis.",
            f"no documents in corpus folder {corpus_dir}",
        )
    return files


def cache_key(corpus_dir: Path, model_name: str) -> str:
    """What the index depends on: document names and bytes, the model, the llama-index version."""
    digest = hashlib.sha256()
    for path in _corpus_files(corpus_dir):
        digest.update(path.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    digest.update(model_name.encode())
    digest.update(version("llama-index-core").encode())
    return digest.hexdigest()[:16]


def build_index(corpus_dir: Path, embed_model: BaseEmbedding) -> VectorStoreIndex:
    """The quickstart index, exactly as a user would build it (splitter passed only to pin the default)."""
    documents = SimpleDirectoryReader(input_dir=str(corpus_dir), exclude=EXCLUDE).load_data()
    return VectorStoreIndex.from_documents(
        documents, embed_model=embed_model, transformations=[SentenceSplitter()]
    )


def load_or_build_index(settings: Settings, embed_model: BaseEmbedding, model_name: str) -> BaseIndex:
    """The cached index for this corpus and model, built and persisted on first use.

    It is persisted to a temp folder and renamed into place, so an interrupted build never leaves a
    half-written cache that a later run would load.
    """
    cache_dir = settings.eval_dir / "baseline" / cache_key(settings.corpus_dir, model_name)
    if cache_dir.is_dir():
        storage = StorageContext.from_defaults(persist_dir=str(cache_dir))
        return load_index_from_storage(storage, embed_model=embed_model)
    index = build_index(settings.corpus_dir, embed_model)
    partial = cache_dir.with_name(cache_dir.name + ".partial")
    if partial.exists():  # left by an interrupted build
        shutil.rmtree(partial)
    index.storage_context.persist(persist_dir=str(partial))
    partial.rename(cache_dir)
    return index


def baseline_result(retriever: BaseRetriever, question: Question) -> ResultRow:
    """One results row: the raw question retrieved (the quickstart keeps no history), top passage as answer.

    Only the fields of EVAL_FORMAT.md are set (the quickstart knows no sections, pages or lines),
    so the row is written without the extra fields of the assistant's rows.
    """
    start = time.perf_counter()
    nodes = retriever.retrieve(question.question)
    latency_ms = (time.perf_counter() - start) * 1000.0
    retrieved = [
        RetrievedRow(source=n.node.metadata.get("file_name", ""), text=n.node.get_content(), score=n.score)
        for n in nodes
    ]
    citations: list[CitationRow] = []
    answer = ""
    if retrieved:
        top = retrieved[0]
        answer = f"{top.text} [1]"
        citations = [CitationRow(n=1, source=top.source, text=top.text, quote=top.text)]
    return ResultRow(
        id=question.id,
        question=question.question,
        answer=answer,
        abstained=False,
        citations=citations,
        retrieved=retrieved,
        latency_ms=latency_ms,
    )


def run_baseline(
    questions: Sequence[Question],
    settings: Settings,
    embed_model: BaseEmbedding,
    model_name: str,
    advance: Callable[[], None] = lambda: None,
) -> list[ResultRow]:
    """The baseline's results rows for the questions, in order; ``advance`` ticks a progress bar."""
    retriever = load_or_build_index(settings, embed_model, model_name).as_retriever(similarity_top_k=TOP_K)
    results: list[ResultRow] = []
    for question in questions:
        results.append(baseline_result(retriever, question))
        advance()
    return results
