"""Tune the abstention thresholds on the project's question sets: `python -m evals.tune_abstention`.

For every question of the set (follow-ups with the earlier questions of their conversation, the
chain the eval runner replays: evals.selection.history_chain) it gathers the evidence the assistant decides on (assistant.abstain), then searches a grid
of thresholds for the fewest missed abstentions among those with few false ones:

- false-abstain rate: answerable questions the assistant would refuse;
- missed-abstain rate: unanswerable questions it would answer anyway.

The false-abstain rate may not exceed `--max-false` (default 0.05, issue 10's goal): a refusal of
an answerable question is the worse failure for a new leerondersteuner, and minimising the sum of
the two rates traded a third of the answers for a few more refusals. Among those grid points the
fewest missed abstentions win, then the fewest false ones, then the loosest thresholds (when no
point keeps the limit, the fewest false abstentions win). Because the same questions choose and
score the thresholds, it also reports k-fold cross-validated rates: thresholds chosen without a
fold, scored on it - the figure to expect on new questions. It prints JSON and writes the chosen
thresholds and both sets of rates into steunwijs/tables/abstention.toml (unless --dry-run).

It lives in evals, not in assistant, because it reads the eval question sets; the assistant only
reads the table it writes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tomlkit

from assistant.abstain import ABSTENTION_FILE, Evidence
from assistant.answer import retrieve
from assistant.ranking import sentence_ranker
from evals.questionset import Question, load_set
from evals.selection import history_chain
from evals.splits import guard_tuning, split_paths
from kb.encoder.adapter import model_label
from kb.knowledge_base import KnowledgeBase
from steunwijs.errors import SteunwijsError
from steunwijs.resources import resource_path
from steunwijs.settings import Settings, get_settings

FOLDS = 5
# Candidate thresholds per piece of evidence; 0 switches a criterion off.
GRID = {
    "min_sentence": np.round(np.concatenate([[0.0], np.arange(0.70, 0.9001, 0.005)]), 3),
    "min_coverage": np.round(np.arange(0.0, 1.0001, 0.05), 2),
    "min_known": np.round(np.arange(0.0, 1.0001, 0.05), 2),
    "min_fused": np.round(np.concatenate([[0.0], np.arange(0.014, 0.0331, 0.001)]), 3),
}
FEATURE_OF = {"min_sentence": "sentence", "min_coverage": "coverage", "min_known": "known", "min_fused": "fused"}


@dataclass(frozen=True)
class Rates:
    false_abstain: float
    missed_abstain: float

    def as_dict(self) -> dict[str, float]:
        return {"false_abstain_rate": round(self.false_abstain, 4), "missed_abstain_rate": round(self.missed_abstain, 4)}


def _history(question: Question, by_id: dict[str, Question]) -> list[tuple[str, str]]:
    """The earlier questions of the conversation, oldest first, without answers: the follow-up
    rewrite reads the questions, and no answers exist before the thresholds are chosen."""
    return [(by_id[qid].question, "") for qid in history_chain(question, by_id)]


def gather_evidence(questions: list[Question], settings: Settings) -> list[Evidence]:
    """The evidence the assistant would decide on, per question, in set order."""
    kb = KnowledgeBase(settings)
    ranker = sentence_ranker(kb)
    by_id = {q.id: q for q in questions}
    return [retrieve(q.question, _history(q, by_id), kb, ranker).evidence for q in questions]


def _features(evidence: list[Evidence]) -> dict[str, np.ndarray]:
    return {name: np.array([getattr(e, name) for e in evidence]) for name in FEATURE_OF.values()}


def _rates(abstains: np.ndarray, answerable: np.ndarray) -> np.ndarray:
    """(false-abstain, missed-abstain) rates for abstain decisions of shape (..., questions)."""
    false_abstain = (abstains & answerable).sum(-1) / max(int(answerable.sum()), 1)
    missed = (~abstains & ~answerable).sum(-1) / max(int((~answerable).sum()), 1)
    return np.stack([false_abstain, missed], axis=-1)


MAX_FALSE = 0.05


def best_thresholds(
    features: dict[str, np.ndarray], answerable: np.ndarray, max_false: float = MAX_FALSE
) -> tuple[dict[str, float], Rates]:
    """The grid point with the fewest missed abstentions whose false-abstain rate is at most
    `max_false` (ties: fewer false abstentions, looser thresholds)."""
    coverage_fails = features["coverage"][None, :] < GRID["min_coverage"][:, None]  # (C, Q)
    known_fails = features["known"][None, :] < GRID["min_known"][:, None]  # (K, Q)
    best_key: tuple[float, float, float] | None = None
    best: tuple[dict[str, float], Rates] | None = None
    for s in GRID["min_sentence"]:
        for f in GRID["min_fused"]:
            base = (features["sentence"] < s) | (features["fused"] < f)  # (Q,)
            abstains = base | coverage_fails[:, None, :] | known_fails[None, :, :]  # (C, K, Q)
            rates = _rates(abstains, answerable)  # (C, K, 2)
            # within the limit: the missed rate (<= 1) decides; beyond it: always worse, fewer false first
            total = np.where(rates[..., 0] <= max_false + 1e-12, rates[..., 1], 2.0 + rates[..., 0])
            c, k = np.unravel_index(np.lexsort((rates[..., 0].ravel(), total.ravel()))[0], total.shape)
            strictness = float(s) + float(f) * 10 + float(GRID["min_coverage"][c]) + float(GRID["min_known"][k])
            key = (round(float(total[c, k]), 6), round(float(rates[c, k, 0]), 6), strictness)
            if best_key is None or key < best_key:
                best_key = key
                best = (
                    {
                        "min_sentence": float(s),
                        "min_coverage": float(GRID["min_coverage"][c]),
                        "min_known": float(GRID["min_known"][k]),
                        "min_fused": float(f),
                    },
                    Rates(float(rates[c, k, 0]), float(rates[c, k, 1])),
                )
    assert best is not None  # the grid is never empty
    return best


def decide_all(features: dict[str, np.ndarray], thresholds: dict[str, float]) -> np.ndarray:
    """The abstain decision of assistant.abstain.decide, for all questions at once."""
    return np.any([features[FEATURE_OF[name]] < value for name, value in thresholds.items()], axis=0)


def _fold_of(qid: str) -> int:
    return int(hashlib.sha256(qid.encode()).hexdigest(), 16) % FOLDS


def cross_validate(
    ids: list[str], features: dict[str, np.ndarray], answerable: np.ndarray, max_false: float = MAX_FALSE
) -> Rates:
    """Rates of thresholds tuned without each fold, pooled over the held-out folds."""
    folds = np.array([_fold_of(i) for i in ids])
    held_out = np.zeros(len(ids), dtype=bool)
    for fold in range(FOLDS):
        train, test = folds != fold, folds == fold
        if not test.any():
            continue
        thresholds, _ = best_thresholds({k: v[train] for k, v in features.items()}, answerable[train], max_false)
        held_out[test] = decide_all({k: v[test] for k, v in features.items()}, thresholds)
    fa, ma = _rates(held_out, answerable)
    return Rates(float(fa), float(ma))


def write_thresholds(path: Path, model: str, thresholds: dict[str, float], report: dict[str, object]) -> None:
    """Store a model's thresholds and what they achieved, keeping the file's comments and other models."""
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    entry = tomlkit.table()
    entry["thresholds"] = tomlkit.table()
    for name, value in thresholds.items():
        entry["thresholds"][name] = value  # type: ignore[index]
    measured = tomlkit.table()
    for key, value in report.items():
        measured[key] = value
    entry["measured"] = measured
    document[model] = entry
    path.write_text(tomlkit.dumps(document), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    """Tune on a set, print the result as JSON and (unless --dry-run) write the thresholds."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--set", type=Path, help="question set (JSON Lines, EVAL_FORMAT.md); default: the train split, never test"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print, do not write steunwijs/tables/abstention.toml"
    )
    parser.add_argument(
        "--max-false", type=float, default=MAX_FALSE, help="highest false-abstain rate allowed on the set (default 0.05)"
    )
    args = parser.parse_args(argv)
    set_path = args.set or split_paths("train")[0]
    set_name = str(args.set) if args.set else f"evals/sets/{set_path.name}"

    try:
        guard_tuning([set_path])
        questions = load_set(set_path)
        answerable = np.array([q.answerable for q in questions])
        if answerable.all() or not answerable.any():
            parser.error(f"{set_name} needs both answerable and unanswerable questions to tune on")
        settings = get_settings()
        features = _features(gather_evidence(questions, settings))
    except SteunwijsError as error:
        parser.exit(error.exit_code, f"Fout: {error.nl}\n")
    thresholds, rates = best_thresholds(features, answerable, args.max_false)
    cv = cross_validate([q.id for q in questions], features, answerable, args.max_false)
    decisions = decide_all(features, thresholds)
    report = {
        "model": model_label(settings.embedding_model_path),
        "set": set_name,
        "questions": len(questions),
        "answerable": int(answerable.sum()),
        "unanswerable": int((~answerable).sum()),
        "max_false_abstain_rate": args.max_false,
        **rates.as_dict(),
        "cross_validated_false_abstain_rate": round(cv.false_abstain, 4),
        "cross_validated_missed_abstain_rate": round(cv.missed_abstain, 4),
    }
    print(
        json.dumps(
            {
                "thresholds": thresholds,
                **report,
                "false_abstains": [q.id for q, a in zip(questions, decisions) if a and q.answerable],
                "missed_abstains": [q.id for q, a in zip(questions, decisions) if not a and not q.answerable],
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    if not args.dry_run:
        write_thresholds(resource_path("tables", ABSTENTION_FILE), settings.model_key, thresholds, report)


if __name__ == "__main__":
    main()
