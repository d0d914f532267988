"""The typer app, and the one place where failures become messages and exit codes.

Every command is registered through :func:`command`, which turns any `SteunwijsError` into its
Dutch message on stderr and the error's exit code (2 for unusable input, 1 otherwise), so no
command keeps its own list of exception classes and no user sees a traceback. Anything else is a
bug and is left to propagate.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import typer

from steunwijs.errors import InputError, SteunwijsError
from steunwijs.settings import Settings, get_settings

if TYPE_CHECKING:
    from rich.progress import TaskID

    from kb.knowledge_base import KnowledgeBase

log = logging.getLogger("steunwijs.cli")

app = typer.Typer(
    name="steunwijs",
    help="Steunwijs: vragen over leersteun in Vlaamse scholen, beantwoord met bronnen.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print `message` on stderr; the caller raises the returned Exit."""
    typer.echo(message, err=True)
    return typer.Exit(code)


def command(name: str, group: typer.Typer | None = None) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Register a command (on `app`, or on a subcommand `group`) whose SteunwijsErrors end as a
    Dutch message and an exit code."""

    def register(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return function(*args, **kwargs)
            except SteunwijsError as error:
                log.info("%s failed: %s", name, error.en)
                raise fail(f"Fout: {error.nl}", error.exit_code) from error

        (group or app).command(name)(run)
        return run

    return register


def settings_from_cli(**overrides: object) -> Settings:
    """Settings with the CLI's explicit options on top (None means: not given)."""
    return get_settings(**{k: v for k, v in overrides.items() if v is not None})


class EmptyKnowledgeBase(InputError):
    """A command that reads the knowledge base found it empty."""

    exit_code = 1

    def __init__(self) -> None:
        super().__init__(
            "De kennisbank is leeg: voer eerst `steunwijs ingest` uit.", "The knowledge base is empty: run ingest first."
        )


def open_kb(settings: Settings, must_have_content: bool = True) -> KnowledgeBase:
    """The knowledge base (imported lazily to keep `--help` fast); raises when it is empty and must not be."""
    from kb.knowledge_base import KnowledgeBase

    kb = KnowledgeBase(settings)
    if must_have_content and kb.is_empty():
        raise EmptyKnowledgeBase()
    return kb


@contextmanager
def stage_progress(labels: dict[str, str]) -> Iterator[Callable[[str, int, int], None]]:
    """A terminal progress bar per stage: yields `progress(stage, done, total)` for a library call.

    `labels` gives each stage's Dutch name (ingest: reading, embedding, storing; tune: measuring,
    training); the bars vanish when the block ends.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(labels.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield progress
