"""Progress of a long action (an upload's ingest, the fast eval) on the page's progress bar, in Dutch."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

ProgressCallback = Callable[..., Any]
"""gr.Progress, or any callable taking ((done, total), desc=...) - what the tests pass."""


def stage_reporter(progress: ProgressCallback, stages: Mapping[str, str]) -> Callable[[str, int, int], None]:
    """The `(stage, done, total)` callback that ingest and the eval runner call, shown as `progress`
    with the stage's Dutch name (texts.INGEST_STAGES, texts.EVAL_STAGES)."""

    def report(stage: str, done: int, total: int) -> None:
        progress((done, total), desc=stages.get(stage, stage))

    return report
