"""Commands that answer questions: ask (one question) and chat (a conversation)."""

from __future__ import annotations

import json
from typing import Literal

import typer

from cli.app import command, open_kb, settings_from_cli
from steunwijs.settings import Settings


def _answer_settings(persona: str, answerer: str | None) -> Settings:
    """Settings for answering; an unknown persona fails before the model loads."""
    from assistant.personas import check_persona

    check_persona(persona)
    return settings_from_cli(answerer=answerer)


@command("ask")
def ask_command(
    question: str = typer.Argument(..., help="De vraag, bv. \"Wat verwacht men van de directie?\""),
    persona: str = typer.Option("leerondersteuner", "--persona", help="leerondersteuner | directie | trainer."),
    as_json: bool = typer.Option(False, "--json", help="Het antwoord als JSON (velden van het resultatenformaat)."),
    answerer: Literal["default", "llm"] | None = typer.Option(None, "--answerer", help="default | llm."),
) -> None:
    """Een vraag beantwoorden uit de documenten, met bronnen en citaten."""
    from assistant.answer import answer, prepare_question
    from cli.terminal import answer_json, format_answer

    settings = _answer_settings(persona, answerer)
    prepare_question(question, settings)  # an empty question fails before the model loads
    result = answer(question, persona=persona, settings=settings, kb=open_kb(settings))
    typer.echo(json.dumps(answer_json(result), ensure_ascii=False, indent=2) if as_json else format_answer(result))


@command("chat")
def chat_command(
    persona: str = typer.Option("leerondersteuner", "--persona", help="leerondersteuner | directie | trainer."),
    answerer: Literal["default", "llm"] | None = typer.Option(None, "--answerer", help="default | llm."),
) -> None:
    """Een gesprek in de terminal: vragen en vervolgvragen, tot 'stop' of Ctrl-D."""
    from cli.terminal import chat

    settings = _answer_settings(persona, answerer)
    chat(persona, settings, open_kb(settings), write=typer.echo)
