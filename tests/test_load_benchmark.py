"""The load benchmark (benchmarks/load.py) run briefly, as anyone would run it, so it cannot rot.

A few users for a few seconds against the app it starts itself (two documents of the default
corpus, ingested at start-up): every question gets a real answer, and the figures it reports are
there. The benchmark's own figures (20 users, 60 s) are in the README; this only proves the
script, the app's API it drives and its RSS reading still work. The question pool is checked
without an app: a new question is never handed out twice.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.load_questions import QuestionPool

REPO = Path(__file__).resolve().parent.parent


def run_benchmark(tmp_path: Path, *options: str) -> dict:
    out = tmp_path / "load.json"
    command = [sys.executable, "-m", "benchmarks.load", "--json-out", str(out), "--startup-timeout", "600", *options]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(out.read_text(encoding="utf-8"))


def test_new_questions_are_never_repeated_and_repeats_were_asked_before() -> None:
    pool = QuestionPool(seed=3, repeat_share=0.3)
    drawn = [pool.draw() for _ in range(3000)]
    new = [question for question, _, repeated in drawn if not repeated]
    assert len(new) == len(set(new)) > 1500
    asked: set[str] = set()
    for question, persona, repeated in drawn:
        assert question.strip() and persona
        assert (question in asked) == repeated
        asked.add(question)


@pytest.mark.slow
def test_a_short_embedded_load_gets_an_answer_to_every_question(tmp_path: Path) -> None:
    report = run_benchmark(tmp_path, "--users", "3", "--duration", "8", "--runs", "2")
    assert report["store"] == "embedded"
    assert len(report["runs"]) == 2
    for run in report["runs"]:
        assert run["errors"] == 0, run["first_errors"]
        assert run["requests"] > 0 and run["new_questions"] > 0
        assert run["p50_s"] > 0 and run["rss_after_mib"] > 100
    assert report["rss_before_mib"] > 100
    assert "rss_growth_after_first" in report


@pytest.mark.slow
@pytest.mark.server
def test_a_short_load_on_two_apps_sharing_a_chroma_server(tmp_path: Path) -> None:
    report = run_benchmark(tmp_path, "--store", "server", "--users", "2", "--duration", "5")
    assert report["store"] == "server" and report["chroma"].startswith("http://127.0.0.1:")
    (run,) = report["runs"]
    assert run["errors"] == 0, run["first_errors"]
    assert run["requests"] >= 2  # each user asked at least once, one user per app
    assert run["rss_after_mib"] > 200  # both apps counted
