"""The assistant in a terminal: how `steunwijs ask` prints an answer and how `steunwijs chat` talks.

Kept out of the CLI so the commands stay thin and the formatting can be tested without typer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assistant.answer import QuestionError, answer
from assistant.citations import normalize_ws
from assistant.models import Answer
from kb.knowledge_base import KnowledgeBase
from steunwijs.settings import Settings

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
    lines += [f"! {notice}" for notice in result.notices]
    if result.notices:
        lines.append("")
    if result.citations:
        lines.append("Bronnen:")
    for c in result.citations:
        where = [c.title]
        if c.section:  # the innermost heading: the full path is in --json
            where.append(c.section.rsplit(" > ", 1)[-1])
        if c.page is not None:
            where.append(f"p. {c.page}")
        where.append(f"r. {c.lines[0]}-{c.lines[1]}")
        lines.append(f"[{c.n}] {' - '.join(where)}")
        lines.append(f"    \u201c{normalize_ws(c.quote)}\u201d")
    return "\n".join(lines).rstrip()


def answer_json(result: Answer) -> dict[str, Any]:
    """The answer in the field names of the results format (EVAL_FORMAT.md), plus what the CLI adds."""
    return {
        **result.to_result("ask"),
        "persona": result.persona,
        "rewritten_question": result.rewritten_question,
        "abstain_reason": result.abstain_reason,
        "notices": result.notices,
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
        except QuestionError as error:
            write(str(error))
            continue
        write(format_answer(result))
        write("")
        history.append((question, result.text))
    write(CHAT_BYE)
    return len(history)
