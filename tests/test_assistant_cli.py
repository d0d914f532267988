"""`steunwijs ask` and `steunwijs chat` as a user runs them (real process, real corpus)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.templates import phrase

REPO = Path(__file__).resolve().parent.parent


def run_cli(args: list[str], data_dir: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if data_dir is not None:
        env["STEUNWIJS_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        cwd=REPO, env=env, input=stdin, capture_output=True, text=True, timeout=600, check=False,
    )


def test_ask_with_an_empty_question_exits_2_with_a_dutch_message() -> None:
    result = run_cli(["ask", "   "])
    assert result.returncode == 2
    assert phrase("errors", "empty_question") in result.stderr


def test_ask_with_an_unknown_persona_exits_2() -> None:
    result = run_cli(["ask", "Wat doet het CLB?", "--persona", "minister"])
    assert result.returncode == 2
    assert "Onbekende rol" in result.stderr


@pytest.mark.slow
def test_ask_prints_the_answer_and_its_sources(corpus_kb) -> None:  # noqa: ANN001
    result = run_cli(["ask", "Hoeveel leersteuncentra zijn er in Vlaanderen?"], corpus_kb.settings.data_dir)
    assert result.returncode == 0, result.stderr
    assert "[1]" in result.stdout
    assert "Bronnen:" in result.stdout
    assert "Erkenningsonderzoeken leersteuncentra 2023-2024" in result.stdout


@pytest.mark.slow
def test_ask_json_uses_the_results_format(corpus_kb) -> None:  # noqa: ANN001
    result = run_cli(
        ["ask", "Wat verwacht men van de directie?", "--persona", "directie", "--json"], corpus_kb.settings.data_dir
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"answer", "abstained", "citations", "retrieved", "latency_ms", "persona", "abstain_reason", "notices"} <= set(data)
    assert data["persona"] == "directie"
    assert len(data["retrieved"]) >= 10
    for c in data["citations"]:
        assert {"n", "source", "text", "quote"} <= set(c)
        assert " ".join(c["quote"].split()) in " ".join(c["text"].split())


@pytest.mark.slow
def test_chat_keeps_the_conversation_and_ends_on_stop(corpus_kb) -> None:  # noqa: ANN001
    stdin = "Wat moet een leerondersteuner doen bij de start van een traject?\n\nGeldt dat ook voor het CLB?\nstop\n"
    result = run_cli(["chat"], corpus_kb.settings.data_dir, stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert phrase("errors", "empty_question") in result.stdout  # the empty line got its message
    assert "Vervolgvraag gelezen als" in result.stdout and "het CLB" in result.stdout
    assert result.stdout.count("Bronnen:") == 2
    assert result.stdout.rstrip().endswith("Tot ziens.")


@pytest.mark.slow
def test_chat_ends_at_end_of_input(corpus_kb) -> None:  # noqa: ANN001
    result = run_cli(["chat", "--persona", "trainer"], corpus_kb.settings.data_dir, stdin="Wat is co-teaching?\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Bronnen:") == 1
    assert result.stdout.rstrip().endswith("Tot ziens.")
