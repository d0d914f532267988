"""The `ingest`, `search` and `info` commands: summaries, JSON hits, exit codes for user errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.pipeline_corpus import DOCS, write_corpus

pytestmark = pytest.mark.slow


@pytest.fixture()
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner whose settings point at a temp data folder and a small temp corpus."""
    monkeypatch.setenv("STEUNWIJS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STEUNWIJS_CORPUS_DIR", str(write_corpus(tmp_path / "corpus")))
    return CliRunner()


def test_ingest_search_and_info(runner: CliRunner) -> None:
    first = runner.invoke(app, ["ingest"])
    assert first.exit_code == 0, first.output
    assert "3 documenten" in first.output and "Toegevoegd 3" in first.output
    again = runner.invoke(app, ["ingest"])
    assert again.exit_code == 0 and "Toegevoegd 0" in again.output and "ongewijzigd 3" in again.output

    result = runner.invoke(app, ["search", "Mag een co-teacher vervangen?", "-k", "2", "--json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert len(hits) == 2
    assert {"source", "title", "section", "page", "lines", "text", "score"} <= set(hits[0])
    assert hits[0]["source"] == "pwb.txt" and hits[0]["score"] >= hits[1]["score"]

    text = runner.invoke(app, ["search", "Wie is de spilfiguur op school?", "--source", "netwerk"])
    assert text.exit_code == 0 and "Netwerk" in text.output and "spilfiguur" in text.output

    info = runner.invoke(app, ["info"])
    assert info.exit_code == 0
    assert all(name in info.output for name in DOCS) and "Generatie 1" in info.output


def test_user_errors_have_clear_messages_and_exit_codes(runner: CliRunner, tmp_path: Path) -> None:
    empty_kb = runner.invoke(app, ["search", "Wat doet een leerondersteuner?"])
    assert empty_kb.exit_code == 1 and "steunwijs ingest" in empty_kb.output

    assert runner.invoke(app, ["search", "   "]).exit_code == 2

    broken = tmp_path / "kapot"
    broken.mkdir()
    (broken / "scan.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    (broken / "notities.odt").write_bytes(b"PK\x03\x04")
    result = runner.invoke(app, ["ingest", str(broken)])
    assert result.exit_code == 1
    assert "scan.pdf" in result.output and "notities.odt" in result.output

    missing = runner.invoke(app, ["ingest", str(tmp_path / "bestaat-niet")])
    assert missing.exit_code == 1 and "bestaat-niet" in missing.output
