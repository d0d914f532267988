"""Run question sets through the assistant (and the baseline), score them and write the report.

``run_eval`` is what ``steunwijs eval`` and the web app's eval button call. It answers the questions
in set order so that a follow-up can be sent its conversation so far: the earlier questions of the
chain and the answers the assistant gave to them *in this run*. Results are appended to
``results.jsonl`` as they come, so an interrupted run keeps what it already answered.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

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
from evals.diff import compare, to_markdown
from evals.judge import judge_results
from evals.metrics import Metric, default_metrics
from evals.questionset import Question
from evals.report import write_report
from evals.results import ResultRow
from evals.scoring import build_summary
from evals.selection import EvalInputError, history_chain, load_sets, select
from evals.summary import RunInfo, Summary
from kb.knowledge_base import KnowledgeBase
from steunwijs.settings import Settings


def _json_line(row: ResultRow) -> str:
    """One line of a results file: the fields the row was given (the baseline's has no extras)."""
    return json.dumps(row.model_dump(mode="json", exclude_unset=True), ensure_ascii=False) + "\n"


def answer_questions(
    questions: Sequence[Question],
    settings: Settings,
    kb: KnowledgeBase,
    results_path: Path,
    advance: Callable[[], None] = lambda: None,
) -> list[ResultRow]:
    """Ask every question in order and append each results row to ``results_path`` as it arrives.

    Rows carry two fields beyond EVAL_FORMAT.md: ``history`` (ids of the turns sent as history) and
    ``rewritten_question`` (what the assistant made of a follow-up), so a reader can see the
    conversation at work.
    """
    by_id = {q.id: q for q in questions}
    answers: dict[str, str] = {}
    results: list[ResultRow] = []
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
            row = ResultRow.from_answer(question.id, reply, latency_ms)
            row.history = chain
            out.write(_json_line(row))
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
    previous: tuple[Summary, str] | None = None,
) -> Summary:
    """Answer, score and report; returns the summary that is also written to ``summary.json``.

    ``kb`` may be passed so tests and the gate reuse an open knowledge base instead of opening the
    store again. ``on_progress(stage, done, total)`` (stage: "answer", "judge", "baseline") reports
    progress to a caller that is not a terminal, such as the web app's eval button; the terminal
    gets a progress bar either way. ``previous`` (an earlier run's summary and its label) adds a
    per-question comparison to the report and writes it as ``diff.md``, so a regression shows at once.
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
            f"De kennisbank in {settings.data_dir} bevat geen passages: voer eerst `steunwijs ingest` uit.",
            f"the knowledge base in {settings.data_dir} holds no passages: run `steunwijs ingest` first",
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
                out.writelines(_json_line(r) for r in baseline_results)

    run = RunInfo(
        started=started.isoformat(timespec="seconds"),
        seconds=round((datetime.now(UTC) - started).total_seconds(), 1),
        sets=[str(p) for p in set_paths],
        questions=len(questions),
        selected_ids=list(ids) if ids is not None else None,
        added_for_history=added,
        answerer=settings.answerer,
        embedding_model=kb.embedder.name,
        top_k=settings.top_k,
        fusion=settings.fusion,
    )
    description = BASELINE_DESCRIPTION if with_baseline else ""
    summary = build_summary(questions, results, metrics, run, judge, baseline_results, description)
    summary.write(out_dir / "summary.json")
    diff = None
    if previous is not None:
        diff = compare(previous[0], summary, previous[1], "this run")
        (out_dir / "diff.md").write_text(to_markdown(diff), encoding="utf-8")
    write_report(summary, out_dir, diff)
    return summary


def previous_run(folder: Path) -> Summary | None:
    """The summary of the run in `folder`, read before a new run overwrites it (None: no run there).

    Raises SummaryUnreadable for a summary that is cut off or from another version.
    """
    path = folder / "summary.json"
    return Summary.read(path) if path.exists() else None
