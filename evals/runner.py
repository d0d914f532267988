"""Run question sets through the assistant (and the baseline), score them and write the report.

``run_eval`` is what ``steunwijs eval`` and the CI gate call. It answers the questions in set order
so that a follow-up can be sent its conversation so far: the earlier questions of the chain and the
answers the assistant gave to them *in this run*. Results are appended to ``results.jsonl`` as they
come, so an interrupted run keeps what it already answered.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from assistant.answer import answer
from evals.baseline import DESCRIPTION as BASELINE_DESCRIPTION
from evals.baseline import run_baseline
from evals.judge import judge_results
from evals.metrics import Metric, Result, default_metrics
from evals.questionset import Question, load_set
from evals.report import write_report
from evals.summary import build_summary
from kb.knowledge_base import KnowledgeBase
from steunwijs.settings import Settings


class EvalInputError(ValueError):
    """Input that cannot be run as given: unknown ids, a set given twice, an empty knowledge base."""


def load_sets(paths: Sequence[Path]) -> list[Question]:
    """All questions of the sets, in order; ids are prefixed "<set name>/" when two sets share an id.

    Prefixing every id (not only the colliding ones) keeps each set's ids recognisable in the report,
    and rewriting ``follow_up_of`` the same way keeps each conversation inside its own set.
    """
    names = [Path(p).stem for p in paths]
    if len(set(names)) != len(names):
        raise EvalInputError(
            f"two sets share a file name, which namespaces their ids; rename one: {', '.join(map(str, paths))}"
        )
    sets = [load_set(p) for p in paths]
    all_ids = [q.id for questions in sets for q in questions]
    if len(set(all_ids)) == len(all_ids):
        return [q for questions in sets for q in questions]
    return [
        q.model_copy(
            update={
                "id": f"{name}/{q.id}",
                "follow_up_of": f"{name}/{q.follow_up_of}" if q.follow_up_of else None,
            }
        )
        for name, questions in zip(names, sets)
        for q in questions
    ]


def read_ids_file(path: Path) -> list[str]:
    """Question ids, one a line; blank lines and text after '#' are ignored."""
    ids = [line.split("#", 1)[0].strip() for line in Path(path).read_text(encoding="utf-8").splitlines()]
    ids = [i for i in ids if i]
    if not ids:
        raise EvalInputError(f"{path} lists no question ids")
    return ids


def select(questions: Sequence[Question], ids: Sequence[str]) -> tuple[list[Question], list[str]]:
    """The listed questions plus the earlier turns their follow-ups need, in set order.

    A follow-up cannot be asked without its conversation, so its chain is run too; the ids that were
    added for that reason are returned so the report can say so.
    """
    by_id = {q.id: q for q in questions}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise EvalInputError(f"unknown question id(s): {', '.join(unknown)}")
    wanted = set(ids)
    added: list[str] = []
    for qid in ids:
        parent = by_id[qid].follow_up_of
        while parent is not None and parent not in wanted:
            wanted.add(parent)
            added.append(parent)
            parent = by_id[parent].follow_up_of
    return [q for q in questions if q.id in wanted], added


def history_chain(question: Question, by_id: dict[str, Question]) -> list[str]:
    """Ids of the earlier turns of a question's conversation, oldest first."""
    chain: list[str] = []
    parent = question.follow_up_of
    while parent is not None:
        chain.append(parent)
        parent = by_id[parent].follow_up_of
    return chain[::-1]


def answer_questions(
    questions: Sequence[Question],
    settings: Settings,
    kb: KnowledgeBase,
    results_path: Path,
    advance: Callable[[], None] = lambda: None,
) -> list[Result]:
    """Ask every question in order and append each results row to ``results_path`` as it arrives.

    Rows carry two fields beyond EVAL_FORMAT.md: ``history`` (ids of the turns sent as history) and
    ``rewritten_question`` (what the assistant made of a follow-up), so a reader can see the
    conversation at work.
    """
    by_id = {q.id: q for q in questions}
    answers: dict[str, str] = {}
    results: list[Result] = []
    with results_path.open("w", encoding="utf-8") as out:
        for question in questions:
            chain = history_chain(question, by_id)
            history = [(by_id[qid].question, answers[qid]) for qid in chain]
            start = time.perf_counter()
            reply = answer(
                question.question, history=history or None, persona=question.persona, settings=settings, kb=kb
            )
            latency_ms = (time.perf_counter() - start) * 1000.0
            answers[question.id] = reply.text
            row = reply.to_result(question.id, latency_ms)
            row["history"] = chain
            row["rewritten_question"] = reply.rewritten_question
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            out.flush()
            results.append(row)
            advance()
    return results


def run_eval(
    set_paths: Sequence[Path],
    out_dir: Path,
    settings: Settings,
    *,
    ids: Sequence[str] | None = None,
    with_baseline: bool = True,
    kb: KnowledgeBase | None = None,
    metrics: Sequence[Metric] | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Any]:
    """Answer, score and report; returns the summary that is also written to ``summary.json``.

    ``kb`` may be passed so tests and the gate reuse an open knowledge base instead of opening the
    store again. ``on_progress(stage, done, total)`` (stage: "answer", "judge", "baseline") reports
    progress to a caller that is not a terminal, such as the web app's eval button; the terminal
    gets a progress bar either way.
    """
    started = datetime.now(UTC)
    questions = load_sets([Path(p) for p in set_paths])
    added: list[str] = []
    if ids is not None:
        questions, added = select(questions, ids)
    metrics = list(metrics or default_metrics())
    kb = kb or KnowledgeBase(settings)
    if kb.is_empty():
        raise EvalInputError(
            f"the knowledge base in {settings.data_dir} holds no passages: run `steunwijs ingest` first"
        )
    out_dir.mkdir(parents=True, exist_ok=True)

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns) as progress:

        def stage(name: str, description: str, visible: bool = True) -> Callable[[], None]:
            """An advance callback for one stage: the terminal bar and ``on_progress`` move together."""
            task = progress.add_task(description, total=len(questions), visible=visible)

            def advance() -> None:
                progress.advance(task)
                if on_progress is not None:
                    on_progress(name, int(progress.tasks[task].completed), len(questions))

            return advance

        results = answer_questions(
            questions, settings, kb, out_dir / "results.jsonl", stage("answer", f"Steunwijs ({settings.answerer})")
        )
        judge = judge_results(questions, results, settings, stage("judge", "LLM judge", bool(settings.llm_base_url)))
        baseline_results = None
        if with_baseline:
            baseline_results = run_baseline(
                questions,
                settings,
                kb.embedder.llama,
                kb.embedder.name,
                stage("baseline", "baseline (llama-index quickstart)"),
            )
            with (out_dir / "baseline_results.jsonl").open("w", encoding="utf-8") as out:
                out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in baseline_results)

    run = {
        "started": started.isoformat(timespec="seconds"),
        "seconds": round((datetime.now(UTC) - started).total_seconds(), 1),
        "sets": [str(p) for p in set_paths],
        "questions": len(questions),
        "selected_ids": list(ids) if ids is not None else None,
        "added_for_history": added,
        "answerer": settings.answerer,
        "embedding_model": kb.embedder.name,
        "top_k": settings.top_k,
    }
    description = BASELINE_DESCRIPTION if with_baseline else ""
    summary = build_summary(questions, results, metrics, run, judge, baseline_results, description)
    (out_dir / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    write_report(summary, out_dir)
    return summary
