"""The eval command: run question sets through the assistant and write results, summary and report."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import typer

from cli.app import command, settings_from_cli


@command("eval")
def eval_command(
    sets: list[Path] = typer.Option(
        ..., "--set", exists=True, dir_okay=False, help="Question set (JSON Lines, EVAL_FORMAT.md); repeatable."
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        file_okay=False,
        help="Folder for results, summary and report (default: <data>/eval/latest, shown in the web app).",
    ),
    answerer: Literal["default", "llm"] | None = typer.Option(None, "--answerer", help="default | llm."),
    ids_file: Path | None = typer.Option(
        None, "--ids-file", exists=True, dir_okay=False, help="Run only these question ids (one a line)."
    ),
    baseline: bool = typer.Option(True, "--baseline/--no-baseline", help="Also run the llama-index baseline."),
) -> None:
    """Run question sets through the assistant and write results, summary and report."""
    from rich.console import Console

    from evals.report import console_table
    from evals.runner import run_eval
    from evals.selection import read_ids_file

    settings = settings_from_cli(answerer=answerer)
    out = out or settings.eval_dir / "latest"
    ids = read_ids_file(ids_file) if ids_file else None
    summary = run_eval(sets, out, settings, ids=ids, with_baseline=baseline)
    Console().print(console_table(summary))
    typer.echo(f"Report: {out / 'report.html'} and {out / 'report.md'}; {len(summary.failures)} failure(s).")
