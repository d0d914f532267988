"""The `steunwijs` command line: every subcommand is a thin shell over a module function.

Each command turns known failures (a missing model, an unreachable server, unreadable input)
into a one-line Dutch/English message and a non-zero exit code instead of a traceback.
"""

from __future__ import annotations

import typer

from steunwijs.settings import Settings, get_settings

app = typer.Typer(
    name="steunwijs",
    help="Steunwijs: vragen over leersteun in Vlaamse scholen, beantwoord met bronnen.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def settings_from_cli(**overrides: object) -> Settings:
    """Settings with the CLI's explicit options on top (None means: not given)."""
    return get_settings(**{k: v for k, v in overrides.items() if v is not None})


if __name__ == "__main__":
    app()
