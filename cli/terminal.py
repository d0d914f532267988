"""The assistant in a terminal: how `steunwijs ask` prints an answer and how `steunwijs chat` talks.

Kept out of the CLI so the commands stay thin and the formatting can be tested without typer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assistant.answer import answer
from assistant.term_notes import notes_block
from evals.results import ResultRow
from kb.knowledge_base import KnowledgeBase
from steunwijs.dutch.patterns import collapse_ws
from steunwijs.errors import InputError
from steunwijs.settings import Settings
from steunwijs.types import Answer

STOP_WORDS = frozenset({"stop", "exit", "quit", "klaar", "einde"})
CHAT_PROMPT = "Vraag: "
CHAT_WELCOME = (
    "Steunwijs - stel je vraag over leersteun (rol: {persona}). "
    "Vervolgvragen mogen; typ 'stop' of druk Ctrl-D om te eindigen."
)
CHAT_BYE = "Tot ziens."


def format_answer(result: Answer) -> str:
    """The answer text, its notices and its sources (title, section, page, lines, quote) as plain text."""
    lines = [result.text, ""]
    if result.term_notes:
        lines += [*notes_block(result), ""]
    lines += [f"! {notice}" for notice in result.notices]
    if result.notices:
        lines.append("")
    if result.citations:
        lines.append("Bronnen:")
    for c in result.citations:
        lines.append(f"[{c.n}] {c.where(short_title=False)}")  # the innermost heading: the full path is in --json
        lines.append(f"    \u201c{collapse_ws(c.quote)}\u201d")
    return "\n".join(lines).rstrip()


def answer_json(result: Answer) -> dict[str, Any]:
    """The answer in the field names of the results format (EVAL_FORMAT.md), plus what the CLI adds."""
    return {
        **ResultRow.from_answer("ask", result).model_dump(exclude={"history"}),
        "persona": result.persona,
        "abstain_reason": result.abstain_reason,
        "notices": result.notices,
        "term_notes": result.term_notes,
        "answerer": result.answerer,
        "timings": result.timings,
    }


def chat(
    persona: str,
    settings: Settings,
    kb: KnowledgeBase,
    read: Callable[[str], str] = input,
    write: Callable[[str], None] = print,
) -> int:
    """An interactive conversation until "stop" or end of input; returns the number of answers given.

    Follow-up questions are answered with the conversation so far. A question the assistant
    cannot take (empty) gets its message and the conversation goes on.
    """
    history: list[tuple[str, str]] = []
    write(CHAT_WELCOME.format(persona=persona))
    while True:
        try:
            question = read(CHAT_PROMPT)
        except EOFError:
            break
        if question.strip().lower() in STOP_WORDS:
            break
        try:
            result = answer(question, history=history, persona=persona, settings=settings, kb=kb)
        except InputError as error:
            write(error.nl)
            continue
        write(format_answer(result))
        write("")
        history.append((question, result.text))
    write(CHAT_BYE)
    return len(history)
