"""`steunwijs rollen`: the roles map ("Wie doet wat?") in the terminal, as JSON, Markdown or CSV."""

from __future__ import annotations

import json
from typing import Literal

import typer

from cli.app import command, open_kb, settings_from_cli
from steunwijs.errors import InputError

Output = Literal["tekst", "markdown", "csv"]
JSON_FIELDS = ("actor", "type", "quote", "source", "section", "page", "era")


@command("rollen")
def roles_command(
    actor: list[str] | None = typer.Option(None, "--actor", help="Alleen deze actor (bv. directie, CLB); herhaalbaar."),
    kind: list[str] | None = typer.Option(
        None, "--type", help="Alleen dit type: rol, verwachting of aanbeveling; herhaalbaar."
    ),
    era: list[str] | None = typer.Option(None, "--era", help="Alleen deze periode (of een deel ervan); herhaalbaar."),
    document: list[str] | None = typer.Option(
        None, "--document", help="Alleen dit document (bestandsnaam of een deel ervan); herhaalbaar."
    ),
    as_json: bool = typer.Option(False, "--json", help="Een JSON-lijst van uitspraken, voor andere programma's."),
    output: str = typer.Option("tekst", "--formaat", help="tekst, markdown (een checklist) of csv."),
) -> None:
    """Wie doet wat? Wat de documenten zeggen over de rol van, de verwachtingen aan en de aanbevelingen voor elke actor."""
    from kb.roles_export import to_csv, to_markdown, to_text

    writers = {"tekst": to_text, "markdown": to_markdown, "csv": to_csv}
    if output not in writers:
        raise InputError(
            f"Onbekend formaat {output!r}. Bekende waarden: {', '.join(writers)}",
            f"Unknown format {output!r}. Known values: {', '.join(writers)}",
        )
    kb = open_kb(settings_from_cli())
    statements = kb.statements(actors=actor, types=kind, eras=era, documents=document)
    if as_json:
        typer.echo(
            json.dumps([s.model_dump(include=set(JSON_FIELDS)) for s in statements], ensure_ascii=False, indent=1)
        )
        return
    typer.echo(writers[output](statements, lambda s: kb.cite(s).where()).rstrip("\n"))
