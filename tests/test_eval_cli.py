"""`steunwijs eval` from the command line: any set in the EVAL_FORMAT.md format, its outputs, its errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.webapp_corpus import copy_data_dir

pytestmark = pytest.mark.slow

# A set of someone else's, in the shared format: one answerable question, one follow-up, one the
# documents do not answer.
QUESTIONS = [
    {
        "id": "x-1",
        "persona": "directie",
        "topic": "feiten",
        "question": "Hoeveel leersteuncentra werden er opgericht?",
        "answer_points": ["Er kwamen 43 leersteuncentra."],
        "sources": ["004_f932f971383260c2.txt"],
        "evidence": ["Het gaf aanleiding tot de oprichting van 43 nieuwe leersteuncentra."],
        "answerable": True,
    },
    {
        "id": "x-2",
        "persona": "directie",
        "topic": "feiten",
        "question": "En hoeveel daarvan zijn specifieke centra?",
        "answer_points": ["Vier zijn specifieke centra."],
        "sources": ["004_f932f971383260c2.txt"],
        "evidence": ["Er zijn in Vlaanderen 43 leersteuncentra opgericht, waaronder 4 specifieke"],
        "answerable": True,
        "follow_up_of": "x-1",
    },
    {
        "id": "x-3",
        "persona": "leerondersteuner",
        "topic": "feiten",
        "question": "Hoeveel bedraagt de kilometervergoeding per km voor leerondersteuners?",
        "answer_points": [],
        "sources": [],
        "evidence": [],
        "answerable": False,
    },
]


def _write_set(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture()
def runner(corpus_kb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    data = copy_data_dir(corpus_kb.settings.data_dir, tmp_path / "data")
    monkeypatch.setenv("STEUNWIJS_DATA_DIR", str(data))
    return CliRunner()


def test_a_set_runs_into_the_default_folder_that_the_web_app_shows(runner: CliRunner, tmp_path: Path) -> None:
    question_set = _write_set(tmp_path / "theirs.jsonl", QUESTIONS)
    result = runner.invoke(app, ["eval", "--set", str(question_set), "--no-baseline"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "data" / "eval" / "latest"
    assert f"Report: {out / 'report.html'}" in result.output
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["x-1", "x-2", "x-3"]
    assert {"answer", "abstained", "citations", "retrieved"} <= set(rows[0])
    assert rows[1]["history"] == ["x-1"]  # the follow-up was asked with its conversation
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["run"]["questions"] == 3 and summary["baseline"] is None
    assert (out / "report.md").is_file() and (out / "plots").is_dir()


def test_an_explicit_folder_and_a_second_set(runner: CliRunner, tmp_path: Path) -> None:
    first = _write_set(tmp_path / "a.jsonl", QUESTIONS[:2])
    second = _write_set(tmp_path / "b.jsonl", QUESTIONS[2:])
    out = tmp_path / "run"
    result = runner.invoke(app, ["eval", "--set", str(first), "--set", str(second), "--out", str(out), "--no-baseline"])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["run"]["questions"] == 3
    assert summary["run"]["sets"] == [str(first), str(second)]


def test_a_broken_set_is_refused_with_the_line_that_is_wrong(runner: CliRunner, tmp_path: Path) -> None:
    broken = dict(QUESTIONS[0], persona="minister")
    question_set = _write_set(tmp_path / "broken.jsonl", [QUESTIONS[2], broken])
    result = runner.invoke(app, ["eval", "--set", str(question_set), "--out", str(tmp_path / "run")])
    assert result.exit_code == 2
    assert "broken.jsonl" in result.output and "2" in result.output and "persona" in result.output
    assert not (tmp_path / "run" / "summary.json").exists()


def test_a_second_run_shows_itself_against_the_run_it_replaces(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report puts the two runs side by side, question by question, without being asked."""
    question_set = _write_set(tmp_path / "theirs.jsonl", QUESTIONS)
    out = tmp_path / "run"
    first = runner.invoke(app, ["eval", "--set", str(question_set), "--out", str(out), "--no-baseline"])
    assert first.exit_code == 0, first.output
    assert not (out / "diff.md").exists() and "## Against" not in (out / "report.md").read_text(encoding="utf-8")
    # the same set with only the BM25 side's words weighed: retrieval moves, and the report shows it
    weights = tmp_path / "fusion.toml"
    key = "multilingual-e5-small"
    weights.write_text(
        f'["{key}"]\nbias = 0.0\n["{key}".weights]\n'
        "dense_rrf = 0.0\nbm25_rrf = 0.0\ndense_gap = 0.0\nbm25_rel = 1.0\nheading = 0.0\nboth = 0.0\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("STEUNWIJS_FUSION", "learned")
    monkeypatch.setenv("STEUNWIJS_FUSION_WEIGHTS", str(weights))
    second = runner.invoke(app, ["eval", "--set", str(question_set), "--out", str(out), "--no-baseline"])
    assert second.exit_code == 0, second.output
    assert f"Against {out}:" in second.output and "unchanged" in second.output
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "## Against previous run" in report and "| metric | previous run | this run |" in report
    assert "fusion `learned`" in report
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="diff-overall"' in html
    diff = (out / "diff.md").read_text(encoding="utf-8")
    counted = [int(n) for n in re.search(r"Questions: (\d+) better, (\d+) worse, (\d+) mixed, (\d+) unchanged", diff).groups()]  # type: ignore[union-attr]
    assert sum(counted) == 3  # every question of the set is judged against its earlier answer


def test_an_unreadable_earlier_run_is_noted_and_the_new_run_goes_on(runner: CliRunner, tmp_path: Path) -> None:
    question_set = _write_set(tmp_path / "theirs.jsonl", QUESTIONS[:1])
    out = tmp_path / "run"
    out.mkdir()
    (out / "summary.json").write_text('{"cut off', encoding="utf-8")
    result = runner.invoke(app, ["eval", "--set", str(question_set), "--out", str(out), "--no-baseline"])
    assert result.exit_code == 0, result.output
    assert "Geen vergelijking met de vorige run" in result.output and "onleesbaar" in result.output
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["run"]["questions"] == 1
