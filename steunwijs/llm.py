"""The client of an OpenAI-compatible LLM endpoint, shared by the LLM answerer and the LLM judge.

The endpoint is reached through llama-index's `OpenAILike` (llama.cpp server, Ollama, vLLM and
hosted APIs all speak this protocol). Only the client lives here; what is asked of the model (the
prompts, the citation check of its reply) belongs to its users.
"""

from __future__ import annotations

from llama_index.llms.openai_like import OpenAILike

from steunwijs.errors import AnswererUnavailable
from steunwijs.settings import Settings


def make_llm(settings: Settings, max_tokens: int | None = None, max_retries: int = 0) -> OpenAILike:
    """The llama-index client for the configured endpoint.

    No retries by default: a fallback answer exists, so a user should not wait through back-offs
    for an endpoint that is down. Temperature 0: the model should restate the sources, not be
    creative (and a judge should give the same answer the same verdict).
    """
    if not settings.llm_base_url:
        raise AnswererUnavailable(
            "er is geen adres van een taalmodel ingesteld (STEUNWIJS_LLM_BASE_URL)",
            "no LLM endpoint is configured (STEUNWIJS_LLM_BASE_URL)",
        )
    return OpenAILike(
        model=settings.llm_model,
        api_base=settings.llm_base_url,
        api_key=settings.llm_api_key,
        is_chat_model=True,
        is_function_calling_model=False,
        timeout=settings.llm_timeout,
        max_retries=max_retries,
        max_tokens=max_tokens or settings.llm_max_tokens,
        temperature=0.0,
    )
