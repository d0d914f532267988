"""The 'Evaluatie' tab: the latest report, a button for the fast set, and the users' feedback."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr

from webapp import texts
from webapp.handlers.evaluation import EvalHandler
from webapp.handlers.feedback import FeedbackHandler


@dataclass(frozen=True)
class EvalTab:
    """The report part of the evaluation tab, to fill when the page loads."""

    show: Callable[[], tuple[Any, ...]]
    outputs: list[Any]


def build_eval_tab(evaluation: EvalHandler, feedback: FeedbackHandler) -> EvalTab:
    """The tab's components and events, inside the caller's `gr.Tab`."""
    gr.Markdown(texts.EVAL_INTRO)
    run = gr.Button(texts.EVAL_RUN, variant="primary", elem_id="sw-eval-run")
    run_message = gr.Markdown(elem_id="sw-eval-message")
    info = gr.Markdown(elem_id="sw-eval-info")
    metrics = gr.Dataframe(
        headers=texts.EVAL_COLUMNS,
        label=texts.EVAL_METRICS_LABEL,
        visible=False,
        interactive=False,
        wrap=True,
        elem_id="sw-eval-metrics",
    )
    plots = gr.Gallery(
        label=texts.EVAL_PLOTS_LABEL,
        columns=2,
        height=460,
        object_fit="contain",
        visible=False,
        elem_id="sw-eval-plots",
    )
    with gr.Accordion(texts.FEEDBACK_HEADING, open=False):
        feedback_count = gr.Markdown(feedback.summary)
        feedback_export = gr.Button(texts.FEEDBACK_EXPORT, elem_id="sw-feedback-export")
        feedback_file = gr.File(label=texts.FEEDBACK_EXPORT_FILE, visible=False, interactive=False)

    def show_report() -> tuple[Any, ...]:
        report = evaluation.latest()
        return (
            report.info,
            gr.update(value={"headers": report.headers, "data": report.rows}, visible=bool(report.rows)),
            gr.update(value=report.plots, visible=bool(report.plots)),
        )

    run.click(lambda: texts.EVAL_RUNNING, None, [run_message], queue=False).then(
        evaluation.run_fast, None, [run_message]
    ).then(show_report, None, [info, metrics, plots])
    feedback_export.click(
        lambda: (gr.update(value=feedback.export_csv(), visible=True), feedback.summary()),
        None,
        [feedback_file, feedback_count],
    )
    return EvalTab(show_report, [info, metrics, plots])
