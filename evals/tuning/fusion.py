"""Learn the hybrid retriever's fusion weights on train; compare them with RRF on dev.

    python -m evals.tuning.fusion [--set TRAIN.jsonl ...] [--write]

For every answerable training question with evidence (follow-ups left out: alone they do not say
what they ask), the retriever's candidates are taken once with their features (kb.fusion.FEATURES);
a candidate is relevant when its passage holds an evidence quote. A logistic regression (features
standardised, classes balanced) learns which candidates are relevant. Its regularisation C is
chosen by 5-fold cross-validation on train, folds grouped by question, judged by what the eval
suite measures of retrieval: evidence recall@10, MRR@10 and "an evidence passage in the top 5" of
the candidates re-ranked by the model, against the same candidates ranked by RRF.

The model fitted on all of train is then run on dev through the real search (scoped search
included) beside RRF. `--write` stores it in steunwijs/tables/fusion.toml for the configured
embedding model, with the figures, only when it beats RRF on dev (the sum of the three); whether
the default setting `fusion` becomes `learned` is decided on those dev figures. Test is never read
(evals.splits.guard_tuning).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from evals.matching import holds
from evals.questionset import Question, load_set
from evals.splits import guard_tuning, split_paths
from kb.fusion import FEATURES, FUSION_FILE, LinearFusion
from kb.knowledge_base import KnowledgeBase
from steunwijs.resources import resource_path
from steunwijs.settings import Settings, get_settings
from steunwijs.types import Passage

C_GRID = (0.001, 0.01, 0.1, 1.0, 10.0)
FOLDS = 5
SEED = 0
TOP = 10


@dataclass(frozen=True)
class Case:
    """One question's candidates: features, which evidence quotes each holds, and their RRF order."""

    question: str
    features: np.ndarray  # (candidates, len(FEATURES))
    holds: np.ndarray  # (candidates, evidence quotes) bool

    @property
    def relevant(self) -> np.ndarray:
        return self.holds.any(axis=1)


@dataclass(frozen=True)
class Figures:
    """Retrieval figures over a set of questions (means)."""

    recall_at_10: float
    mrr_at_10: float
    hit_at_5: float

    @property
    def objective(self) -> float:
        return self.recall_at_10 + self.mrr_at_10 + self.hit_at_5

    def __str__(self) -> str:
        return f"recall@10 {self.recall_at_10:.3f}, MRR@10 {self.mrr_at_10:.3f}, hit@5 {self.hit_at_5:.3f}"


def usable(questions: Sequence[Question]) -> list[Question]:
    return [q for q in questions if q.answerable and q.evidence and not q.follow_up_of]


def cases(questions: Sequence[Question], kb: KnowledgeBase) -> list[Case]:
    found = []
    for question in usable(questions):
        candidates = kb.candidates(question.question)
        if candidates is None:
            continue
        texts = [kb.passage(pid).text for pid in candidates.ids]
        matrix = np.array([[holds(text, quote) for quote in question.evidence] for text in texts], dtype=bool)
        found.append(Case(question.question, candidates.features, matrix))
    return found


def figures(rankings: Sequence[np.ndarray]) -> Figures:
    """Figures of ranked evidence matrices (rows best first, one column per evidence quote)."""
    recall, mrr, hit5 = [], [], []
    for ranked in rankings:
        top = ranked[:TOP]
        recall.append(top.any(axis=0).mean() if top.size else 0.0)
        first = next((rank for rank, row in enumerate(top, start=1) if row.any()), None)
        mrr.append(1.0 / first if first else 0.0)
        hit5.append(1.0 if first is not None and first <= 5 else 0.0)
    return Figures(*(round(float(np.mean(values)), 4) if values else 0.0 for values in (recall, mrr, hit5)))


def ranked_by(found: Sequence[Case], score: Callable[[np.ndarray], np.ndarray]) -> Figures:
    """The figures of the candidates re-ranked by `score` (stable: ties keep the candidates' order)."""
    return figures([case.holds[np.argsort(-score(case.features), kind="stable")] for case in found])


def rrf_score(features: np.ndarray) -> np.ndarray:
    return features[:, FEATURES.index("dense_rrf")] + features[:, FEATURES.index("bm25_rrf")]


def fit(found: Sequence[Case], c: float) -> LinearFusion:
    """A logistic regression on the candidates of `found`, as weights on the raw features."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    x = np.vstack([case.features for case in found])
    y = np.concatenate([case.relevant for case in found])
    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=SEED)
    model.fit((x - scaler.mean_) / scale, y)
    weights = model.coef_[0] / scale
    bias = float(model.intercept_[0] - np.sum(model.coef_[0] * scaler.mean_ / scale))
    return LinearFusion(bias=bias, weights={name: float(w) for name, w in zip(FEATURES, weights)})


def cross_validate(found: Sequence[Case], c: float) -> Figures:
    """Out-of-fold figures of the model with regularisation `c` (folds grouped by question)."""
    rng = np.random.default_rng(SEED)
    fold_of = rng.permutation(len(found)) % FOLDS
    rankings = []
    for fold in range(FOLDS):
        held = [case for case, f in zip(found, fold_of) if f == fold]
        model = fit([case for case, f in zip(found, fold_of) if f != fold], c)
        rankings += [case.holds[np.argsort(-model.scores(case.features), kind="stable")] for case in held]
    return figures(rankings)


def searched(questions: Sequence[Question], kb: KnowledgeBase) -> Figures:
    """Figures of the real search (scoped search included) on `questions`: what the eval suite sees."""
    rankings = []
    for question in usable(questions):
        passages: list[Passage] = [hit.passage for hit in kb.scoped_search(question.question, TOP)]
        rankings.append(np.array([[holds(p.text, q) for q in question.evidence] for p in passages], dtype=bool).reshape(-1, len(question.evidence)))
    return figures(rankings)


def write_fusion(path: Path, key: str, model: LinearFusion) -> None:
    """Replace (or add) the table of `key` in the fusion file, keeping the other models' tables."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    text = re.sub(rf'(?ms)^\["{re.escape(key)}"(\.[a-z]+)?\]\n.*?(?=^\["|\Z)', "", text).rstrip() + "\n"
    lines = ["", f'["{key}"]', f"bias = {model.bias!r}", "", f'["{key}".weights]']
    lines += [f"{name} = {model.weights[name]!r}" for name in FEATURES]
    lines += ["", f'["{key}".measured]']
    lines += [f"{name} = {value!r}" if not isinstance(value, str) else f'{name} = "{value}"' for name, value in model.measured.items()]
    path.write_text(text + "\n".join(lines) + "\n", encoding="utf-8")


def tune(train_paths: Sequence[Path], settings: Settings, write: bool) -> LinearFusion | None:
    """Learn on train, compare on dev; returns the model written, or None."""
    guard_tuning(train_paths)
    plain = KnowledgeBase(settings.model_copy(update={"fusion": "rrf"}))
    train = cases([q for p in train_paths for q in load_set(p)], plain)
    print(f"train: {len(train)} questions, {sum(len(c.relevant) for c in train)} candidates, {int(sum(c.relevant.sum() for c in train))} relevant")
    train_rrf = ranked_by(train, rrf_score)
    print(f"  RRF over the same candidates: {train_rrf}")
    scored = []
    for c in C_GRID:
        cv = cross_validate(train, c)
        scored.append((cv.objective, c, cv))
        print(f"  learned, C={c}: cross-validated {cv}")
    _, best_c, best_cv = max(scored, key=lambda item: item[0])
    model = fit(train, best_c)
    print(f"  chosen C={best_c}; weights {dict((k, round(v, 3)) for k, v in model.weights.items())}, bias {model.bias:.3f}")

    dev_questions = [q for p in split_paths("dev") for q in load_set(p)]
    dev_rrf = searched(dev_questions, plain)
    weights_file = settings.data_dir / "fusion-candidate.toml"
    weights_file.parent.mkdir(parents=True, exist_ok=True)
    write_fusion(weights_file, settings.model_key, model)
    learned = KnowledgeBase(settings.model_copy(update={"fusion": "learned", "fusion_weights": weights_file}))
    dev_learned = searched(dev_questions, learned)
    weights_file.unlink()
    print(f"dev ({len(usable(dev_questions))} questions, real search): RRF {dev_rrf}")
    print(f"dev learned: {dev_learned}")
    if not write:
        return None
    if dev_learned.objective <= dev_rrf.objective:
        print("not written: the learned fusion does not beat RRF on dev")
        return None
    model = model.model_copy(
        update={
            "measured": {
                "train": ", ".join(str(p.name) for p in train_paths),
                "c": best_c,
                "train_rrf_recall_at_10": train_rrf.recall_at_10,
                "train_rrf_mrr_at_10": train_rrf.mrr_at_10,
                "train_rrf_hit_at_5": train_rrf.hit_at_5,
                "cv_recall_at_10": best_cv.recall_at_10,
                "cv_mrr_at_10": best_cv.mrr_at_10,
                "cv_hit_at_5": best_cv.hit_at_5,
                "dev_rrf_recall_at_10": dev_rrf.recall_at_10,
                "dev_rrf_mrr_at_10": dev_rrf.mrr_at_10,
                "dev_rrf_hit_at_5": dev_rrf.hit_at_5,
                "dev_recall_at_10": dev_learned.recall_at_10,
                "dev_mrr_at_10": dev_learned.mrr_at_10,
                "dev_hit_at_5": dev_learned.hit_at_5,
            }
        }
    )
    path = settings.fusion_weights or resource_path("tables", FUSION_FILE)
    write_fusion(path, settings.model_key, model)
    print(f"written: {path}")
    return model


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", type=Path, help="training set(s); default: the train split")
    parser.add_argument("--write", action="store_true", help="store the weights when they beat RRF on dev")
    args = parser.parse_args(argv)
    tune(args.set or split_paths("train"), get_settings(), args.write)


if __name__ == "__main__":
    main()
