"""Two runs side by side, question by question: better, worse or unchanged, and the averages.

Averages hide trade-offs: a change that wins three questions and loses two shows as a small gain.
`compare` lines two `summary.json` files up by question id and, for each metric, says which
questions moved which way (a metric where lower is better, such as false abstention, counts
backwards), so a regression is visible at once. `steunwijs eval --compare DIR` writes the result
as `diff.md` beside the report; `python -m evals.diff A B` prints it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pydantic import BaseModel

from evals.summary import Summary

EPSILON = 1e-9
# The metrics that make a question better or worse overall (latency is reported, not judged).
VERDICT_METRICS = ("evidence_recall@10", "mrr@10", "citation_support", "coverage", "abstention_correct", "abstention_false")


class QuestionDiff(BaseModel):
    id: str
    verdict: str  # "better", "worse", "mixed", "unchanged"
    changes: dict[str, tuple[float | None, float | None]]


class RunDiff(BaseModel):
    """The per-question comparison of run B against run A."""

    a: str
    b: str
    overall: dict[str, tuple[float | None, float | None]]
    questions: list[QuestionDiff]
    only_in_a: list[str]
    only_in_b: list[str]

    def count(self, verdict: str) -> int:
        return sum(q.verdict == verdict for q in self.questions)


def _direction(metric: str, before: float | None, after: float | None, higher_is_better: bool) -> int:
    if before is None or after is None or abs(after - before) <= EPSILON:
        return 0
    better = after > before if higher_is_better else after < before
    return 1 if better else -1


def compare(a: Summary, b: Summary, label_a: str = "A", label_b: str = "B") -> RunDiff:
    """How run `b` differs from run `a`, per question and overall."""
    higher = {name: info.higher_is_better for name, info in b.metric_info.items()}
    by_id_a = {q.id: q for q in a.per_question}
    by_id_b = {q.id: q for q in b.per_question}
    questions = []
    for qid, qb in by_id_b.items():
        qa = by_id_a.get(qid)
        if qa is None:
            continue
        changes = {}
        directions = []
        for metric in VERDICT_METRICS:
            before, after = qa.scores.get(metric), qb.scores.get(metric)
            step = _direction(metric, before, after, higher.get(metric, True))
            if step:
                changes[metric] = (before, after)
                directions.append(step)
        verdict = (
            "unchanged" if not directions else "better" if min(directions) > 0 else "worse" if max(directions) < 0 else "mixed"
        )
        questions.append(QuestionDiff(id=qid, verdict=verdict, changes=changes))
    overall_a, overall_b = a.metrics.overall.values, b.metrics.overall.values
    return RunDiff(
        a=label_a,
        b=label_b,
        overall={m: (overall_a.get(m), overall_b.get(m)) for m in overall_b},
        questions=questions,
        only_in_a=sorted(set(by_id_a) - set(by_id_b)),
        only_in_b=sorted(set(by_id_b) - set(by_id_a)),
    )


def fmt_change(value: float | None) -> str:
    """A value in a comparison: three decimals (small moves matter), whole milliseconds, a dash when n/a."""
    return "—" if value is None else f"{value:.3f}" if abs(value) < 10 else f"{value:.0f}"


def to_markdown(diff: RunDiff) -> str:
    """The comparison as Markdown: the averages, the verdict counts, then every question that moved."""
    lines = [
        f"# {diff.b} against {diff.a}",
        "",
        "| metric | " + diff.a + " | " + diff.b + " |",
        "|---|---|---|",
        *(f"| {m} | {fmt_change(x)} | {fmt_change(y)} |" for m, (x, y) in diff.overall.items() if m != "n"),
        "",
        f"Questions: {diff.count('better')} better, {diff.count('worse')} worse, {diff.count('mixed')} mixed,"
        f" {diff.count('unchanged')} unchanged.",
        "",
        "| question | verdict | what changed |",
        "|---|---|---|",
    ]
    for q in diff.questions:
        if q.verdict != "unchanged":
            moved = "; ".join(f"{m} {fmt_change(x)} → {fmt_change(y)}" for m, (x, y) in q.changes.items())
            lines.append(f"| {q.id} | {q.verdict} | {moved} |")
    if diff.only_in_a or diff.only_in_b:
        lines += ["", f"Only in {diff.a}: {', '.join(diff.only_in_a) or '—'}; only in {diff.b}: {', '.join(diff.only_in_b) or '—'}."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 2:
        sys.exit("usage: python -m evals.diff RUN_A RUN_B  (folders holding summary.json)")
    a, b = (Path(x) for x in args)
    print(to_markdown(compare(Summary.read(a / "summary.json"), Summary.read(b / "summary.json"), a.name, b.name)))


if __name__ == "__main__":
    main()
