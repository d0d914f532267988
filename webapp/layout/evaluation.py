"""The 'Evaluatie' tab: the latest report, a button for the fast set, and the users' feedback."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr

from webapp import texts
from webapp.access import EditorAccess
from webapp.handlers.evaluation import EvalHandler
from webapp.handlers.feedback import FeedbackHandler


@dataclass(frozen=True)
class EvalTab:
    """The report part of the evaluation tab, to fill when the page loads."""

    show: Callable[[], tuple[Any, ...]]
    outputs: list[Any]
    editor_controls: list[Any]  # what only an editor may use (webapp.access)
    feedback_count: gr.Markdown  # filled for editors only


def build_eval_tab(
    evaluation: EvalHandler, feedback: FeedbackHandler, access: EditorAccess, writes_on: bool
) -> EvalTab:
    """The tab's components and events, inside the caller's `gr.Tab`.

    Running the fast set and reading or exporting feedback are for editors (`access.editors_only`,
    on the server); the report itself is for everyone.
    """
    gr.Markdown(texts.EVAL_INTRO)
    run = gr.Button(texts.EVAL_RUN, variant="primary", interactive=writes_on, elem_id="sw-eval-run")
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
        feedback_count = gr.Markdown(texts.EDITORS_ONLY, elem_id="sw-feedback-count")
        feedback_export = gr.Button(
            texts.FEEDBACK_EXPORT, interactive=access.local_mode, elem_id="sw-feedback-export"
        )
        feedback_file = gr.File(label=texts.FEEDBACK_EXPORT_FILE, visible=False, interactive=False)

    def show_report() -> tuple[Any, ...]:
        report = evaluation.latest()
        return (
            report.info,
            gr.update(value={"headers": report.headers, "data": report.rows}, visible=bool(report.rows)),
            gr.update(value=report.plots, visible=bool(report.plots)),
        )

    editors_only = access.editors_only
    run.click(lambda: texts.EVAL_RUNNING, None, [run_message], queue=False).then(
        editors_only(lambda message: message)(evaluation.run_fast), None, [run_message], api_name="run_fast"
    ).then(show_report, None, [info, metrics, plots])

    @editors_only(lambda message: (gr.update(value=None, visible=False), message))
    def export_feedback(request: gr.Request) -> tuple[dict[str, Any], str]:
        path = feedback.export_csv(access.downloads(request))
        return gr.update(value=path, visible=True), feedback.summary()

    feedback_export.click(export_feedback, None, [feedback_file, feedback_count], api_name="feedback_export")
    return EvalTab(show_report, [info, metrics, plots], [run, feedback_export], feedback_count)
