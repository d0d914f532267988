"""The evaluation tab: the latest report from settings.eval_dir, and the button that runs the fast set."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from evals.gate import GATE_IDS
from evals.metrics import default_metrics
from evals.selection import read_ids_file
from steunwijs.settings import Settings, get_settings
from tests.webapp_corpus import copy_data_dir
from webapp import texts
from webapp.handlers import Handlers
from webapp.startup import Startup


def test_without_a_report_the_tab_says_how_to_make_one(tmp_settings: Settings) -> None:
    view = Handlers(tmp_settings, Startup(tmp_settings)).evaluation.latest()
    assert (view.info, view.rows, view.plots) == (texts.EVAL_NONE, [], [])
    assert view.headers == texts.EVAL_COLUMNS


def test_the_button_refuses_politely_before_the_knowledge_base_is_ready(tmp_settings: Settings) -> None:
    assert Handlers(tmp_settings, Startup(tmp_settings)).evaluation.run_fast() == texts.NOT_READY


@pytest.mark.slow
def test_fast_set_runs_and_becomes_the_latest_report(corpus_kb, tmp_path: Path) -> None:
    settings = get_settings(data_dir=copy_data_dir(corpus_kb.settings.data_dir, tmp_path / "data"))
    startup = Startup(settings)
    startup.run()
    evaluation = Handlers(settings, startup).evaluation
    reported: list[tuple[tuple[int, int], str]] = []
    message = evaluation.run_fast(progress=lambda fraction, desc: reported.append((fraction, desc)))
    questions = int(message.removeprefix("Evaluatie klaar: ").split()[0])
    assert questions >= len(read_ids_file(GATE_IDS))  # the gate ids, plus parents of follow-ups
    # the page's progress bar moved with every answered question, in Dutch
    assert [fraction for fraction, _ in reported] == [(n, questions) for n in range(1, questions + 1)]
    assert {desc for _, desc in reported} == {texts.EVAL_STAGES["answer"]}
    view = evaluation.latest()
    assert [row[0] for row in view.rows] == [m.name for m in default_metrics()]
    assert view.headers == texts.EVAL_COLUMNS  # run without the baseline: no baseline columns
    assert all(len(row) == len(view.headers) for row in view.rows)
    assert all(row[2] not in ("", None) for row in view.rows)  # Steunwijs' own figure for every metric
    assert all(row[1] == texts.EVAL_METRICS[row[0]] for row in view.rows)  # described in Dutch
    assert f"{questions} vragen" in view.info and str(settings.eval_dir) in view.info
    assert view.plots and all(Path(p).is_file() and p.endswith(".png") for p in view.plots)
    assert "vorige run" not in message  # a first run has nothing to compare with
    # a second run compares itself with the first, question by question, in its message and report
    again = evaluation.run_fast(progress=lambda fraction, desc: None)
    counts = re.search(r"Tegenover de vorige run: (\d+) beter, (\d+) slechter, (\d+) gemengd, (\d+) onveranderd", again)
    assert counts is not None, again
    assert sum(int(n) for n in counts.groups()) == questions and int(counts.group(4)) == questions  # deterministic
    report = (settings.eval_dir / "snel" / "report.md").read_text(encoding="utf-8")
    assert "## Against previous run" in report
