"""The 'Evaluatie' tab: the newest eval report, and a button that runs the fast gate set.

The eval suite (`evals`) is imported only where this tab needs it: its report module loads
matplotlib and its runner the llama-index baseline, which the app should not pay for at start.
The report's formatting is loaded when a page first shows a report (there is one), the runner
when somebody first presses the button.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import gradio as gr

from steunwijs.settings import Settings
from webapp import texts
from webapp.errors import shows_errors
from webapp.handlers.progress import ProgressCallback, stage_reporter
from webapp.handout import dutch_date
from webapp.startup import Startup

FAST_SET = "steunwijs.jsonl"
"""The question set (package data of `evals`, in evals/sets/) the fast run takes the gate ids from."""
FAST_RUN_DIR = "snel"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EvalView:
    """The evaluation tab's content: a line about the run, the metrics table and the plot files."""

    info: str
    headers: list[str]
    rows: list[list[Any]]
    plots: list[str]


class EvalHandler:
    """Reports under settings.eval_dir; runs over the knowledge base the start-up opened."""

    def __init__(self, settings: Settings, startup: Startup) -> None:
        self.settings = settings
        self.startup = startup

    def latest(self) -> EvalView:
        """The newest eval report under settings.eval_dir (a run's folder holds summary.json and plots/)."""
        summaries = sorted(
            [*self.settings.eval_dir.glob("summary.json"), *self.settings.eval_dir.glob("*/summary.json")],
            key=lambda p: p.stat().st_mtime,
        )
        if not summaries:
            return EvalView(texts.EVAL_NONE, texts.EVAL_COLUMNS, [], [])
        from evals.report import view as report_view
        from evals.summary import Summary

        path = summaries[-1]
        summary = Summary.read(path)
        with_baseline = summary.baseline is not None
        baseline_columns = texts.EVAL_BASELINE_COLUMNS if with_baseline else []
        headers = texts.EVAL_COLUMNS[:3] + baseline_columns + texts.EVAL_COLUMNS[3:]
        rows = [
            [
                r["name"],
                texts.EVAL_METRICS.get(r["name"], r["description"]),
                r["ours"],
                *((r["baseline"], r["ratio"]) if with_baseline else ()),
                r["n"],
            ]
            for r in report_view(summary)["overall"]
        ]
        started = datetime.fromisoformat(summary.run.started).astimezone()
        info = texts.EVAL_INFO.format(
            when=f"{dutch_date(started)}, {started:%H:%M}",
            questions=summary.run.questions,
            failures=len(summary.failures),
            report=path.parent / "report.html",
        )
        plots = [str(p) for p in sorted((path.parent / "plots").glob("*.png"))]
        return EvalView(info, headers, rows, plots)

    @shows_errors(lambda message: message)
    def run_fast(self, progress: ProgressCallback = gr.Progress()) -> str:
        """Run the fast gate set (evals/sets/gate.txt) through the eval runner into settings.eval_dir."""
        kb = self.startup.knowledge_base()
        from evals.diff import compare
        from evals.gate import GATE_IDS
        from evals.runner import previous_run, run_eval
        from evals.selection import read_ids_file
        from evals.summary import SummaryUnreadable

        started = time.perf_counter()
        ids = read_ids_file(GATE_IDS)
        out = self.settings.eval_dir / FAST_RUN_DIR
        try:  # read before the run overwrites it: the report then shows both, question by question
            earlier = previous_run(out)
        except SummaryUnreadable as error:
            log.warning("no comparison with the previous fast eval: %s", error.en)
            earlier = None
        summary = run_eval(
            [Path(str(resources.files("evals").joinpath("sets", FAST_SET)))],
            out,
            self.settings,
            ids=ids,
            kb=kb,
            with_baseline=False,
            on_progress=stage_reporter(progress, texts.EVAL_STAGES),
            previous=(earlier, "previous run") if earlier is not None else None,
        )
        message = texts.EVAL_DONE.format(n=summary.run.questions, seconds=time.perf_counter() - started)
        if earlier is not None:
            diff = compare(earlier, summary)
            counts = {verdict: diff.count(verdict) for verdict in ("better", "worse", "mixed", "unchanged")}
            message += " " + texts.EVAL_COMPARED.format(**counts)
        return message
