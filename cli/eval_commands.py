"""The eval command: run question sets through the assistant and write results, summary and report."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import typer

from cli.app import command, settings_from_cli, stage_progress


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
    compare: Path | None = typer.Option(
        None,
        "--compare",
        exists=True,
        file_okay=False,
        help="An earlier run's folder to compare with, question by question (default: the run this one replaces in --out).",
    ),
) -> None:
    """Run question sets through the assistant and write results, summary and report."""
    from rich.console import Console

    from evals.diff import compare as compare_runs
    from evals.report import console_table
    from evals.runner import previous_run, run_eval
    from evals.selection import read_ids_file
    from evals.summary import SummaryUnreadable

    settings = settings_from_cli(answerer=answerer)
    out = out or settings.eval_dir / "latest"
    ids = read_ids_file(ids_file) if ids_file else None
    # read first: the earlier run may be the one this run overwrites
    earlier = compare or out
    try:
        found = previous_run(earlier)
    except SummaryUnreadable as error:
        if compare is not None:
            raise
        typer.echo(f"Geen vergelijking met de vorige run: {error.nl}", err=True)
        found = None
    if compare is not None and found is None:
        typer.echo(f"Geen vergelijking: {compare} bevat geen summary.json.", err=True)
    label = f"{earlier.name} (before)" if compare is not None else "previous run"
    previous = (found, label) if found is not None else None
    summary = run_eval(sets, out, settings, ids=ids, with_baseline=baseline, previous=previous)
    Console().print(console_table(summary))
    typer.echo(f"Report: {out / 'report.html'} and {out / 'report.md'}; {len(summary.failures)} failure(s).")
    if previous is not None:
        diff = compare_runs(previous[0], summary)
        typer.echo(
            f"Against {earlier}: {diff.count('better')} better, {diff.count('worse')} worse, {diff.count('mixed')} mixed,"
            f" {diff.count('unchanged')} unchanged ({out / 'diff.md'}, and in the report)."
        )


_TUNE_STAGES = {"measure": "Meten op dev", "train": "Adapter trainen"}


@command("tune")
def tune_command(
    sets: list[Path] = typer.Option(
        ..., "--set", exists=True, dir_okay=False, help="Training question set (JSON Lines); repeatable. Never the test split."
    ),
    dev: list[Path] | None = typer.Option(
        None, "--dev", exists=True, dir_okay=False, help="Dev set for the before/after figures (default: the dev split)."
    ),
    name: str = typer.Option("steunwijs", "--name", help="Adapter name (kb/encoder/adapters/<name>)."),
    out: Path | None = typer.Option(None, "--out", file_okay=False, help="Write the adapter here instead."),
    epochs: int = typer.Option(1, "--epochs", min=1, help="Passes over the training examples."),
    seed: int = typer.Option(13, "--seed", help="Seed of everything random in training."),
    max_steps: int | None = typer.Option(None, "--max-steps", min=1, help="Stop after this many steps (a quick try)."),
) -> None:
    """Fine-tune the embedding model to the corpus: a LoRA adapter plus a card with dev figures."""
    from evals.tuning.train import Hyperparameters
    from evals.tuning.tune import tune

    settings = settings_from_cli()
    hp = Hyperparameters(epochs=epochs, seed=seed, max_steps=max_steps)
    with stage_progress(_TUNE_STAGES) as progress:
        card = tune(sets, settings, name=name, out=out, dev_sets=dev, hp=hp, progress=progress)
    typer.echo(f"Adapter {card.name}: {sum(card.pairs.values())} examples {card.pairs}, {card.seconds:.0f} s.")
    for label, figures in (("before", card.dev_before), ("after", card.dev_after)):
        typer.echo(
            f"  dev {label}: recall@10 {figures.evidence_recall_at_10:.3f}, MRR@10 {figures.mrr_at_10:.3f},"
            f" hit@5 {figures.hit_at_5:.3f} ({figures.questions} questions)"
        )
