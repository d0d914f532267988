"""`steunwijs begrippen`: the glossary in the terminal or as JSON, one term or all of them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import typer

from cli.app import command, open_kb, settings_from_cli
from steunwijs.dutch.patterns import collapse_ws

if TYPE_CHECKING:
    from kb.glossary import Entry  # kb.glossary imports the text analysis (bm25s, scipy): not for every command


def entry_text(entry: Entry) -> list[str]:
    """One entry as terminal lines: the term and its meaning, then its sentence and where it stands."""
    from assistant.term_notes import meaning_shown, wording

    words = wording()
    meaning = meaning_shown(entry)
    label = words.defined_label if entry.defined else words.used_label
    return [
        f"{entry.term}" + (f" — {meaning}" if meaning else ""),
        f"  {label}: “{collapse_ws(entry.quote)}”",
        f"  ({entry.citation().where()}; {words.uses.format(n=entry.uses)})",
    ]


@command("begrippen")
def glossary_command(
    term: str | None = typer.Argument(None, help="Een begrip of afkorting (of een deel ervan), bv. IAC of zorgcontinuüm."),
    as_json: bool = typer.Option(False, "--json", help="Een JSON-lijst van begrippen, voor andere programma's."),
) -> None:
    """Begrippen en afkortingen uit de documenten (IAC, GC-verslag, zorgcontinuüm, ...), elk met de zin die ze uitlegt."""
    from assistant.term_notes import wording

    glossary = open_kb(settings_from_cli()).glossary()
    if not len(glossary):
        typer.echo(wording().empty)
        return
    entries = glossary.lookup(term) if term else glossary.entries
    if as_json:
        typer.echo(json.dumps([e.as_json() for e in entries], ensure_ascii=False, indent=1))
        return
    lines = [] if term else [wording().title.format(n=len(entries)), ""]
    for entry in entries:
        lines += [*entry_text(entry), ""]
    typer.echo("\n".join(lines).rstrip("\n"))
