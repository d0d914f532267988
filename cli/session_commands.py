"""`steunwijs sessie THEMA`: a trainer's session pack (assistant/session_pack.py) as Markdown and/or printable HTML."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer

from cli.app import command, open_kb, settings_from_cli
from steunwijs.errors import InputError

FORMATS = {"md": (".md",), "html": (".html",), "both": (".md", ".html")}


class UnknownFormat(InputError):
    """A --format value other than md, html or both."""


def _file_name(theme: str) -> str:
    """'sessie-regie-bij-leersteun': the theme's words, lower-case, joined by dashes (at most 60 characters)."""
    words = "".join(c if c.isalnum() else " " for c in theme.lower()).split()
    return ("sessie-" + "-".join(words))[:60].rstrip("-")


@command("sessie")
def session_command(
    theme: str = typer.Argument(..., help='Het thema, bv. "samenwerking leerkracht en leerondersteuner".'),
    out: Path = typer.Option(Path("."), "--out", help="De map waarin de bestanden komen (wordt aangemaakt)."),
    output: str = typer.Option("both", "--format", help="md (Markdown), html (afdrukbaar) of both."),
) -> None:
    """Een sessieblad voor vormingsmomenten: kernuitspraken met bronnen, groepsvragen, een quiz en een tijdlijn."""
    from assistant.session_pack import check_theme, session_pack
    from assistant.session_render import to_html, to_markdown
    from webapp.handout import dutch_date

    if output not in FORMATS:
        raise UnknownFormat(
            f"Onbekend formaat {output!r}. Bekende waarden: {', '.join(FORMATS)}",
            f"Unknown format {output!r}. Known values: {', '.join(FORMATS)}",
        )
    check_theme(theme)  # before opening the knowledge base: an empty theme is refused at once
    pack = session_pack(theme, open_kb(settings_from_cli()))
    date = dutch_date(datetime.now())
    writers = {".md": to_markdown, ".html": to_html}
    out.mkdir(parents=True, exist_ok=True)
    for suffix in FORMATS[output]:
        path = out / f"{_file_name(pack.theme)}{suffix}"
        path.write_text(writers[suffix](pack, date), encoding="utf-8")
        typer.echo(str(path))
