"""Tune how many ranked sentences become points (steunwijs/tables/selection.toml) on train; compare on dev.

    python -m evals.tuning.selection [--set TRAIN.jsonl ...] [--write]

For the configured embedding model, the real eval (evals.runner.run_eval, default answerer) runs
on the training questions once per grid point: the relevance margin over a grid with today's
duplicate cosine, then the duplicate cosine over a grid at the best margin. The objective is what
a reader of an answer gets: citation support + answer-point coverage + citation source precision
(more points find more evidence and cover more, but cite more passages that hold none). The best
point on train is then run on dev beside the model's current parameters; `--write` stores it, with
the figures, only when it is not worse on dev. Test is never read (evals.splits.guard_tuning).

Why per model: the domain-tuned adapter spreads the cosines wider, and with the plain model's
margin its answers had half the points (2.3 against 4.1 citations on dev).
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Sequence
from pathlib import Path

import tomlkit

from assistant.ranking import SELECTION_FILE, Selection, sentence_ranker
from evals.runner import run_eval
from evals.splits import guard_tuning, split_paths
from evals.summary import Summary
from kb.knowledge_base import KnowledgeBase
from steunwijs.resources import resource_path
from steunwijs.settings import get_settings

MARGINS = (0.03, 0.05, 0.08, 0.11, 0.15, 0.2)
DUPLICATES = (0.93, 0.95, 0.97)
OBJECTIVE = ("citation_support", "coverage", "citation_source_precision")


def objective(summary: Summary) -> float:
    values = summary.metrics.overall.values
    return sum(values[name] or 0.0 for name in OBJECTIVE)


def measure(paths: Sequence[Path], kb: KnowledgeBase, selection: Selection) -> Summary:
    """The eval's summary of `paths` with the answerer choosing points by `selection`."""
    sentence_ranker(kb).selection = selection  # the process-wide ranker the answerer uses
    with tempfile.TemporaryDirectory() as out:
        return run_eval(paths, Path(out), kb.settings, kb=kb, with_baseline=False)


def _line(selection: Selection, summary: Summary) -> str:
    values = summary.metrics.overall.values
    shown = ", ".join(f"{name} {values[name]:.3f}" for name in OBJECTIVE)
    return f"margin {selection.relevance_margin}, duplicate {selection.duplicate_cosine}: {shown} (sum {objective(summary):.3f})"


def search(paths: Sequence[Path], kb: KnowledgeBase, start: Selection) -> tuple[Selection, Summary]:
    """Coordinate search on `paths`: the margin first (duplicate cosine kept), then the duplicate cosine."""
    results: dict[tuple[float, float], tuple[Selection, Summary]] = {}

    def run(margin: float, duplicate: float) -> tuple[Selection, Summary]:
        if (margin, duplicate) not in results:
            selection = Selection(relevance_margin=margin, duplicate_cosine=duplicate)
            results[(margin, duplicate)] = (selection, measure(paths, kb, selection))
            print("  " + _line(*results[(margin, duplicate)]), flush=True)
        return results[(margin, duplicate)]

    best = max((run(m, start.duplicate_cosine) for m in MARGINS), key=lambda pair: objective(pair[1]))
    return max((best, *(run(best[0].relevance_margin, d) for d in DUPLICATES)), key=lambda pair: objective(pair[1]))


def write_selection(path: Path, model: str, selection: Selection) -> None:
    """Store a model's parameters and what they achieved, keeping the file's comments and other models."""
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    entry = tomlkit.table()
    entry["relevance_margin"] = selection.relevance_margin
    entry["duplicate_cosine"] = selection.duplicate_cosine
    measured = tomlkit.table()
    for key, value in selection.measured.items():
        measured[key] = value
    entry["measured"] = measured
    document[model] = entry
    path.write_text(tomlkit.dumps(document), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", type=Path, help="training set(s); default: the train split")
    parser.add_argument("--write", action="store_true", help="store the best parameters when dev is not worse")
    args = parser.parse_args(argv)
    train_paths = args.set or split_paths("train")
    guard_tuning(train_paths)
    settings = get_settings()
    kb = KnowledgeBase(settings)
    current = sentence_ranker(kb).selection
    print(f"train ({', '.join(p.name for p in train_paths)}), model {settings.model_key}:")
    best, train_summary = search(train_paths, kb, current)
    print(f"best on train: {_line(best, train_summary)}")
    dev_paths = split_paths("dev")
    dev_current, dev_best = measure(dev_paths, kb, current), measure(dev_paths, kb, best)
    print(f"dev, current: {_line(current, dev_current)}")
    print(f"dev, best:    {_line(best, dev_best)}")
    if not args.write:
        return
    if objective(dev_best) < objective(dev_current):
        print("not written: the tuned parameters are worse on dev")
        return
    values = {"train": train_summary.metrics.overall.values, "dev": dev_best.metrics.overall.values}
    measured = {f"{split}_{name}": round(float(v[name] or 0.0), 4) for split, v in values.items() for name in OBJECTIVE}
    path = resource_path("tables", SELECTION_FILE)
    write_selection(path, settings.model_key, best.model_copy(update={"measured": {"set": "train", **measured}}))
    print(f"written: {path}")


if __name__ == "__main__":
    main()
