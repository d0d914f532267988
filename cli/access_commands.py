"""Commands for editors: `steunwijs editor add-user` and `steunwijs feedback export|purge`.

Whoever runs these has the data folder (and the passwords file) at hand, so they need no login.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Literal

import typer

from cli.app import app, command, settings_from_cli
from steunwijs.errors import InputError
from steunwijs.settings import Settings

editor_app = typer.Typer(help="Redacteurs: wie documenten beheert, evaluaties uitvoert en feedback leest.", no_args_is_help=True)
feedback_app = typer.Typer(help="De feedback van gebruikers: exporteren en wissen.", no_args_is_help=True)
app.add_typer(editor_app, name="editor")
app.add_typer(feedback_app, name="feedback")


def _read_password() -> str:
    """Twice with a hidden prompt at a terminal; else the first line of stdin (for scripts)."""
    if sys.stdin.isatty():
        return str(typer.prompt("Wachtwoord", hide_input=True, confirmation_prompt="Herhaal het wachtwoord"))
    return sys.stdin.readline().rstrip("\r\n")


@command("add-user", group=editor_app)
def add_user_command(
    name: str = typer.Argument(..., help="Gebruikersnaam van de redacteur."),
    file: Path | None = typer.Option(
        None, "--file", help="Het wachtwoordbestand (standaard: STEUNWIJS_EDITOR_PASSWORDS_FILE)."
    ),
) -> None:
    """Een redacteur toevoegen (of zijn wachtwoord vervangen) in het wachtwoordbestand; het wachtwoord
    wordt gevraagd (of van stdin gelezen) en alleen als scrypt-hash bewaard."""
    from steunwijs.editors import add_user

    path = file or settings_from_cli().editor_passwords_file
    if path is None:
        raise InputError(
            "Geef een wachtwoordbestand met --file, of zet STEUNWIJS_EDITOR_PASSWORDS_FILE.",
            "No passwords file: pass --file or set STEUNWIJS_EDITOR_PASSWORDS_FILE.",
        )
    new = add_user(path, name, _read_password())
    typer.echo(f"Redacteur {name} {'toegevoegd aan' if new else 'bijgewerkt in'} {path}.")
    if file is not None and settings_from_cli().editor_passwords_file != file.resolve():
        typer.echo(f"Start de app met STEUNWIJS_EDITOR_PASSWORDS_FILE={file.resolve()} om dit bestand te gebruiken.")


def _store(settings: Settings):  # noqa: ANN202 - a webapp.feedback_store.FeedbackStore (imported lazily)
    from kb.store import writable
    from webapp.feedback_store import FeedbackStore

    read_only = not writable(settings.data_dir)
    return FeedbackStore(settings.feedback_db, settings.feedback_retention_days, read_only=read_only)


@command("export", group=feedback_app)
def export_command(
    out: Path | None = typer.Option(None, "--out", help="Uitvoerbestand (standaard: steunwijs-feedback-<tijd>.<formaat> hier)."),
    kind: str | None = typer.Option(None, "--format", help="csv of jsonl (standaard: volgens --out, anders csv)."),
) -> None:
    """Alle feedback exporteren: vraag, getoond antwoord, duim, opmerking en tijdstip."""
    chosen = kind or (out.suffix.lstrip(".").lower() if out is not None and out.suffix else "csv")
    if chosen not in ("csv", "jsonl"):
        raise InputError(f"Onbekend formaat {chosen!r}: kies csv of jsonl.", f"Unknown export format {chosen!r}.")
    export_format: Literal["csv", "jsonl"] = "csv" if chosen == "csv" else "jsonl"
    path = out or Path(f"steunwijs-feedback-{datetime.now():%Y%m%d-%H%M%S}.{export_format}")
    store = _store(settings_from_cli())
    written = store.export(path, export_format)
    typer.echo(f"{len(store.rows())} beoordelingen geëxporteerd naar {written}.")


@command("purge", group=feedback_app)
def purge_command(
    older_than: int = typer.Option(..., "--older-than", min=0, help="Wis feedback ouder dan dit aantal dagen (0: alles)."),
) -> None:
    """Feedback wissen die ouder is dan een aantal dagen."""
    settings = settings_from_cli()
    store = _store(settings)
    if store.read_only:
        raise InputError(
            f"De datamap {settings.data_dir} is alleen-lezen: er kan niets gewist worden.",
            f"The data folder {settings.data_dir} is read-only: nothing can be purged.",
        )
    removed = store.purge(older_than)
    typer.echo(
        f"{removed} beoordelingen ouder dan {older_than} dagen gewist; {len(store.rows())} blijven bewaard"
        f" (bewaartermijn: {settings.feedback_retention_days} dagen)."
    )
