"""The prompts the LLM answerer sends: the system prompt, the numbered sources, the rewrite prompt.

The texts are files under prompts/ (llm_system.md, llm_user.md, llm_rewrite.md), Jinja templates
that llama-index renders; the loops over sources live in the files. The system prompt must hold
the abstention phrase word for word, because the grounding step recognises an abstention by it.

Document text is content, never instructions: each source is fenced in `<bron n="...">` ...
`</bron>` (the system prompt tells the model that nothing inside is addressed to it), and a fence
tag inside a document's own text is defused (`fenced`), so a document cannot close its fence and
speak as the prompt.
"""

from __future__ import annotations

import re
from functools import lru_cache

from llama_index.core.llms import ChatMessage, MessageRole
from llama_index.core.prompts import RichPromptTemplate

from steunwijs.errors import ConfigurationError
from steunwijs.resources import read_text
from steunwijs.types import Hit

SYSTEM_PROMPT_FILE = "llm_system.md"
USER_PROMPT_FILE = "llm_user.md"
REWRITE_PROMPT_FILE = "llm_rewrite.md"

# The sentence the system prompt tells the model to give, alone, when the sources do not answer.
# It must stand in SYSTEM_PROMPT_FILE word for word (checked when the prompt is loaded).
ABSTAIN_PHRASE = "Dat staat niet in de documenten."
_FENCE_TAG = re.compile(r"<(\s*/?\s*bron\b)", re.IGNORECASE)


@lru_cache(maxsize=1)
def system_prompt() -> str:
    """The Dutch system prompt; fails loudly if it no longer contains the abstention phrase."""
    text = read_text("prompts", SYSTEM_PROMPT_FILE).strip()
    if ABSTAIN_PHRASE not in text:
        raise ConfigurationError(
            f"De systeemprompt prompts/{SYSTEM_PROMPT_FILE} moet de zin {ABSTAIN_PHRASE!r} letterlijk bevatten.",
            f"prompts/{SYSTEM_PROMPT_FILE} must contain the abstention phrase {ABSTAIN_PHRASE!r} word for word:"
            " assistant.grounding detects abstentions by it.",
        )
    return text


@lru_cache(maxsize=2)
def template(name: str) -> RichPromptTemplate:
    """A Jinja prompt template from prompts/ (llama-index renders it; loops over sources live in the file)."""
    return RichPromptTemplate(read_text("prompts", name))


def source_label(hit: Hit) -> str:
    """How a source is introduced to the model: document, regime, section and page.

    The regime is there so the model can say that an answer rests on an older support system.
    """
    doc = hit.passage.doc
    parts = [doc.short_title or doc.title]
    if doc.era:
        parts.append(f"stelsel: {doc.era}")
    if hit.passage.section:
        parts.append(hit.passage.section)
    if hit.passage.page is not None:
        parts.append(f"p. {hit.passage.page}")
    return " | ".join(parts)


def fenced(text: str) -> str:
    """Document text made safe inside the prompt's `<bron>` fence: its own fence tags lose their "<"."""
    return _FENCE_TAG.sub(r"‹\1", text)


def build_messages(question: str, hits: list[Hit], persona: str) -> list[ChatMessage]:
    """The system prompt and the numbered, fenced sources with the question, as chat messages."""
    sources = [
        {"n": i, "label": fenced(source_label(hit)), "text": fenced(hit.passage.text)}
        for i, hit in enumerate(hits, start=1)
    ]
    user = template(USER_PROMPT_FILE).format(sources=sources, persona=persona, question=question)
    return [
        ChatMessage(role=MessageRole.SYSTEM, content=system_prompt()),
        ChatMessage(role=MessageRole.USER, content=user),
    ]
