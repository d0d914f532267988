"""The report writer on a summary built from hand-made rows: files, standalone HTML, tables, failures."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from evals.metrics import default_metrics
from evals.questionset import Question
from evals.report import write_report
from evals.results import ResultRow
from evals.scoring import build_summary
from evals.summary import EvidenceCheck, JudgeNote, RunInfo, Summary

QUOTE = "de zorgcoördinator is voor de ondersteuners de spilfiguur in de school"
SOURCE = "000_baa5b4e532ab2e0a.txt"


def _q(qid: str, persona: str, topic: str, answerable: bool = True) -> Question:
    if not answerable:
        return Question(id=qid, persona=persona, topic=topic, question="Hoeveel verdient een leerondersteuner?",
                        answer_points=[], sources=[], evidence=[], answerable=False)
    return Question(id=qid, persona=persona, topic=topic, question=f"Wie is de spilfiguur? ({qid})",
                    answer_points=["De zorgcoördinator is de spilfiguur"], sources=[SOURCE], evidence=[QUOTE],
                    answerable=True)


def _row(qid: str, answer: str, texts: list[str], abstained: bool = False, latency: float = 100.0) -> ResultRow:
    retrieved = [{"source": SOURCE, "text": t, "score": 1.0 / (i + 1)} for i, t in enumerate(texts)]
    citations = [] if abstained else [{"n": 1, "source": SOURCE, "text": texts[0], "quote": texts[0]}]
    return ResultRow.model_validate({"id": qid, "question": "", "answer": answer, "abstained": abstained,
                                     "citations": citations, "retrieved": retrieved, "latency_ms": latency})


@pytest.fixture()
def summary() -> Summary:
    questions = [
        _q("good", "leerondersteuner", "rollen"),
        _q("wrong-passage", "directie", "feiten"),
        _q("refusal-ok", "trainer", "feiten", answerable=False),
        _q("answered-unanswerable", "trainer", "verwachtingen", answerable=False),
    ]
    ours = [
        _row("good", "De zorgcoördinator is de spilfiguur [1].", [f"Zo is {QUOTE}.", "ander stuk"], latency=120),
        _row("wrong-passage", "Het CLB schrijft verslagen <b>vet</b> [1].", ["Het CLB schrijft verslagen."], latency=300),
        _row("refusal-ok", "Dat staat niet in de documenten.", ["loon"], abstained=True, latency=80),
        _row("answered-unanswerable", "Een leerondersteuner verdient veel [1].", ["iets"], latency=90),
    ]
    theirs = [
        _row(q.id, "top passage [1]", ["Het CLB schrijft verslagen.", f"Zo is {QUOTE}."], latency=20)
        for q in questions
    ]
    run = RunInfo(started="2025-01-01T00:00:00+00:00", seconds=1.0, sets=["tiny.jsonl"], questions=4,
                  selected_ids=None, added_for_history=[], answerer="default", embedding_model="e5", top_k=10)
    judge = JudgeNote(status="skipped", note="no LLM endpoint configured")
    return build_summary(questions, ours, default_metrics(), run, judge, theirs, "quickstart baseline")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []
        self.tables = 0
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "table":
            self.tables += 1
        if tag == "img":
            self.images.append(values.get("src") or "")
        for attr in ("src", "href"):
            if values.get(attr) and not values[attr].startswith("data:"):  # type: ignore[union-attr]
                self.external.append(f"{tag} {attr}={values[attr]}")


def test_report_files_exist_and_html_is_standalone(summary: Summary, tmp_path: Path) -> None:
    md_path, html_path = write_report(summary, tmp_path)
    assert md_path.is_file() and html_path.is_file()
    for name in ("overall", "by_persona", "by_topic", "latency"):
        assert (tmp_path / "plots" / f"{name}.png").read_bytes().startswith(b"\x89PNG")
    page = _Collector()
    page.feed(html_path.read_text(encoding="utf-8"))
    assert page.external == []
    assert len(page.images) == 4 and all(src.startswith("data:image/png;base64,") for src in page.images)
    # overall + (persona, topic) x (values, ratios)
    assert page.tables == 5


def test_report_shows_metrics_side_by_side_with_the_baseline(summary: Summary, tmp_path: Path) -> None:
    md_path, html_path = write_report(summary, tmp_path)
    md = md_path.read_text(encoding="utf-8")
    # the overall row for recall@10: ours 1 of 2 found (0.50), baseline 2 of 2 (1.00), ratio x0.50
    assert re.search(r"^\| evidence_recall@10 \|.*\| 0\.50 \| 1\.00 \| ×0\.50 \| 2 \|$", md, re.MULTILINE)
    assert re.search(r"^\| abstention_correct \|.*\| 0\.50 \| 0\.00 \| — \| 2 \|$", md, re.MULTILINE)
    assert re.search(r"^\| leerondersteuner \| 1 \|", md, re.MULTILINE)
    assert re.search(r"^\| vergelijking", md, re.MULTILINE) is None  # no empty groups invented
    assert "![Latency distribution](plots/latency.png)" in md
    html = html_path.read_text(encoding="utf-8")
    assert "<td>evidence_recall@10</td>" in html and "<td>×0.50</td>" in html
    assert "quickstart baseline" in html and "LLM judge skipped" in html


def test_report_lists_failures_with_expected_and_returned(summary: Summary, tmp_path: Path) -> None:
    md_path, html_path = write_report(summary, tmp_path)
    failing = {f.id: f for f in summary.failures}
    assert set(failing) == {"wrong-passage", "answered-unanswerable"}
    assert "answered a question no document answers" in failing["answered-unanswerable"].reasons
    assert failing["wrong-passage"].expected.evidence == [EvidenceCheck(quote=QUOTE, retrieved=False, cited=False)]
    md = md_path.read_text(encoding="utf-8")
    assert "## Failures (2)" in md
    assert f'evidence (not retrieved, not cited): "{QUOTE}"' in md
    assert "> Het CLB schrijft verslagen <b>vet</b> [1]." in md
    html = html_path.read_text(encoding="utf-8")
    assert "Failures (2)" in html and "### good" not in md
    # answer text is escaped in the HTML, never injected as markup
    assert "verslagen &lt;b&gt;vet&lt;/b&gt; [1]" in html and "<b>vet</b>" not in html
    assert Summary.model_validate_json(summary.model_dump_json()) == summary  # summary.json reads back whole


def test_report_shows_judge_scores_per_group_when_judged(summary: Summary, tmp_path: Path) -> None:
    from evals.judge import JudgeCoverage
    from evals.scoring import aggregate
    from evals.summary import JudgeScores

    judge = JudgeCoverage(llm=None)  # only its aggregation is used here
    questions = [_q("a", "directie", "rollen"), _q("b", "trainer", "rollen")]
    tables = aggregate([judge], questions, {judge.name: [0.75, None]})
    summary.judge = JudgeScores(
        model="judge-model", endpoint="http://127.0.0.1:1/v1", unparsed=["b: ..."], scores={"a": 0.75, "b": None},
        overall=tables.overall, by_persona=tables.by_persona, by_topic=tables.by_topic, applicable=tables.applicable,
    )
    md = write_report(summary, tmp_path)[0].read_text(encoding="utf-8")
    assert "coverage_judge = 0.75 over 1 questions; 1 verdict(s) could not be parsed" in md
    assert "| directie | 1 | 0.75 |" in md and "| trainer | 1 | — |" in md
