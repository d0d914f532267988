"""The client of an OpenAI-compatible LLM endpoint, shared by the LLM answerer and the LLM judge.

The endpoint is reached through llama-index's `OpenAILike` (llama.cpp server, Ollama, vLLM and
hosted APIs all speak this protocol). Only the client (and the Dutch account of a failed call) lives
here; what is asked of the model (the prompts, the citation check of its reply) belongs to its users:
the LLM answerer and judge, and the roles map's check (kb/roles_refine.py).
"""

from __future__ import annotations

import httpx
import openai
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


# What a failed call raises: the client's errors and the transport's below it.
CALL_ERRORS: tuple[type[Exception], ...] = (openai.APIError, httpx.HTTPError)
# What the client raises on an HTTP 200 whose body is no chat completion (an HTML page, JSON without
# choices): it reads the body without checking its shape. Measured with openai 1.x through llama-index.
MALFORMED_REPLY_ERRORS: tuple[type[Exception], ...] = (AttributeError, TypeError, LookupError, ValueError)


def unavailable(error: Exception, settings: Settings) -> AnswererUnavailable:
    """A user-readable reason (Dutch, it ends up in a notice) for a failed call to the endpoint."""
    url = settings.llm_base_url
    if isinstance(error, (openai.APITimeoutError, httpx.TimeoutException)):
        return AnswererUnavailable(
            f"geen antwoord binnen {settings.llm_timeout:g} s van {url}", f"no reply within {settings.llm_timeout:g} s from {url}"
        )
    if isinstance(error, (openai.APIConnectionError, httpx.TransportError)):
        return AnswererUnavailable(f"geen verbinding met {url}", f"cannot connect to {url}")
    if isinstance(error, openai.APIStatusError):
        return AnswererUnavailable(
            f"{url} antwoordde met HTTP-fout {error.status_code}", f"{url} answered HTTP {error.status_code}"
        )
    if isinstance(error, MALFORMED_REPLY_ERRORS):
        return AnswererUnavailable(
            f"{url} gaf geen geldig antwoord van een chat-API", f"{url} sent no valid chat completion ({error!r})"
        )
    return AnswererUnavailable(f"fout bij {url}: {error}", f"error at {url}: {error}")
