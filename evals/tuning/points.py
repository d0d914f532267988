"""Tune the point rules' weights (steunwijs/tables/point_rules.toml) on train; compare on dev.

    python -m evals.tuning.points [--set TRAIN.jsonl ...] [--write]

For every answerable training question with evidence, the question is retrieved and its sentences
ranked once, with each rule's feature recorded per sentence (assistant.point_rules.bonus with one
weight set to 1). Each weight combination of the grid then only re-scores and re-selects (cheap),
and is judged by two things the eval suite also measures:
- `first`: the first point is an evidence sentence: it shares at least half of an evidence quote's
  content words, or the quote holds it ("the first point answers the question");
- `support`: some point does (the eval's citation support, for the extractive answerer).
The objective is their sum. The best combination on train is then measured on dev beside the zero
weights; `--write` stores it in the table only when it is not worse on dev (the choice between
variants is made on dev; test is never read: evals.splits.guard_tuning).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant import point_rules
from assistant.extractive import MAX_POINTS
from assistant.ranking import Candidate, Selection, select, sentence_ranker
from evals.matching import holds, point_overlap
from evals.questionset import Question, load_set
from evals.splits import guard_tuning, split_paths
from kb.knowledge_base import KnowledgeBase
from steunwijs.resources import resource_path
from steunwijs.settings import get_settings

GRID = (0.0, 0.01, 0.02, 0.03, 0.05)
EVIDENCE_OVERLAP = 0.5  # share of an evidence quote's content words a sentence must hold to count as it
UNITS = {
    "number": point_rules.Weights(number=1, actor_subject=0, recommendation=0, meta=0),
    "actor_subject": point_rules.Weights(number=0, actor_subject=1, recommendation=0, meta=0),
    "recommendation": point_rules.Weights(number=0, actor_subject=0, recommendation=1, meta=0),
    "meta": point_rules.Weights(number=0, actor_subject=0, recommendation=0, meta=-1),
}


@dataclass
class Case:
    """One question's ranked sentences: base scores (no rules), rule features, evidence per sentence."""

    candidates: list[Candidate]
    base: list[float]
    features: list[dict[str, float]]
    evidence: list[bool]  # the sentence's passage holds an evidence quote
    quoted: list[bool]  # the sentence itself is (part of) an evidence quote


def cases(questions: Sequence[Question], kb: KnowledgeBase) -> list[Case]:
    ranker = sentence_ranker(kb)
    found: list[Case] = []
    for question in questions:
        if not question.answerable or not question.evidence:
            continue
        hits = kb.scoped_search(question.question)
        ranked = ranker.rank(question.question, hits)
        wants = point_rules.intent(question.question)
        base, features, evidence, quoted = [], [], [], []
        for c in ranked:
            section = hits[c.hit].passage.section
            base.append(c.score - point_rules.bonus(wants, c.sentence.text, section))  # without the table's weights
            features.append({k: point_rules.bonus(wants, c.sentence.text, section, w) for k, w in UNITS.items()})
            evidence.append(any(holds(hits[c.hit].passage.text, q) for q in question.evidence))
            quoted.append(any(_is_evidence(c.sentence.text, q) for q in question.evidence))
        found.append(Case(ranked, base, features, evidence, quoted))
    return found


def _is_evidence(sentence: str, quote: str) -> bool:
    return holds(quote, sentence) or point_overlap(quote, sentence) >= EVIDENCE_OVERLAP


def judge(found: Sequence[Case], weights: dict[str, float], selection: Selection) -> tuple[float, float]:
    """(first, support): shares of questions whose first point / some point has the evidence."""
    first = support = 0
    for case in found:
        rescored = [
            dataclasses.replace(c, score=b + sum(weights[k] * f[k] for k in weights))
            for c, b, f in zip(case.candidates, case.base, case.features)
        ]
        holds_evidence = {id(c): e for c, e in zip(rescored, case.evidence)}
        is_evidence = {id(c): e for c, e in zip(rescored, case.quoted)}
        rescored.sort(key=lambda c: (-c.score, c.hit, c.sentence.start))
        chosen = select(rescored, MAX_POINTS, selection)
        first += bool(chosen) and is_evidence[id(chosen[0])]
        support += any(holds_evidence[id(c)] for c in chosen)
    n = max(len(found), 1)
    return first / n, support / n


def grid() -> list[dict[str, float]]:
    return [
        {"number": n, "actor_subject": a, "recommendation": r, "meta": -m}
        for n, a, r, m in itertools.product(GRID, GRID, GRID, GRID)
    ]


def write_weights(weights: dict[str, float]) -> Path:
    """Replace the [weights] values in the table, keeping its comments."""
    path = resource_path("tables", point_rules.RULES_FILE)
    text = path.read_text(encoding="utf-8")
    for name, value in weights.items():
        text = re.sub(rf"(?m)^({name}\s*=\s*)-?[\d.]+", rf"\g<1>{value}", text, count=1)
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", type=Path, help="training set(s); default: the train split")
    parser.add_argument("--write", action="store_true", help="store the best weights when dev is not worse")
    args = parser.parse_args(argv)
    train_paths = args.set or split_paths("train")
    guard_tuning(train_paths)
    kb = KnowledgeBase(get_settings())
    train = cases([q for p in train_paths for q in load_set(p)], kb)
    dev = cases([q for p in split_paths("dev") for q in load_set(p)], kb)
    zero = {k: 0.0 for k in UNITS}
    selection = sentence_ranker(kb).selection
    scored = sorted(((sum(judge(train, w, selection)), w) for w in grid()), key=lambda pair: -pair[0])
    best = scored[0][1]
    print(f"train ({len(train)} questions): zero {judge(train, zero, selection)}, best {judge(train, best, selection)} with {best}")
    dev_zero, dev_best = judge(dev, zero, selection), judge(dev, best, selection)
    print(f"dev ({len(dev)} questions): zero first/support {dev_zero}, best {dev_best}")
    if args.write:
        if sum(dev_best) >= sum(dev_zero):
            print(f"written: {write_weights(best)}")
        else:
            print("not written: the tuned weights are worse on dev")


if __name__ == "__main__":
    main()
