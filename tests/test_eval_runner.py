"""The eval runner: set loading and selection, and a real run of a tiny set with a follow-up."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import evals.runner as runner
from evals.questionset import QuestionSetError
from evals.runner import run_eval
from evals.selection import EvalInputError, history_chain, load_sets, read_ids_file, select


def _line(qid: str, follow_up_of: str | None = None, answerable: bool = True, question: str = "") -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": qid,
        "persona": "leerondersteuner",
        "topic": "rollen",
        "question": question or f"Vraag {qid}?",
        "answer_points": ["De zorgcoördinator is de spilfiguur"] if answerable else [],
        "sources": ["000_baa5b4e532ab2e0a.txt"] if answerable else [],
        "evidence": ["Voor ondersteuners is de zorgcoördinator/leerlingenbegeleider de spilfiguur op school."]
        if answerable
        else [],
        "answerable": answerable,
    }
    if follow_up_of:
        row["follow_up_of"] = follow_up_of
    return row


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_sets_without_shared_ids_keep_their_ids(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.jsonl", [_line("x1"), _line("x2", "x1")])
    b = _write(tmp_path / "b.jsonl", [_line("y1")])
    assert [q.id for q in load_sets([a, b])] == ["x1", "x2", "y1"]


def test_colliding_ids_are_namespaced_by_set_name_follow_ups_included(tmp_path: Path) -> None:
    a = _write(tmp_path / "eerste.jsonl", [_line("q1"), _line("q2", "q1")])
    b = _write(tmp_path / "tweede.jsonl", [_line("q1")])
    questions = load_sets([a, b])
    assert [q.id for q in questions] == ["eerste/q1", "eerste/q2", "tweede/q1"]
    assert questions[1].follow_up_of == "eerste/q1"


def test_two_sets_with_the_same_file_name_are_refused(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.jsonl", [_line("q1")])
    (tmp_path / "other").mkdir()
    b = _write(tmp_path / "other" / "a.jsonl", [_line("q1")])
    with pytest.raises(EvalInputError, match="share a file name"):
        load_sets([a, b])


def test_a_malformed_set_names_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(_line("q1")) + "\n{not json}\n", encoding="utf-8")
    with pytest.raises(QuestionSetError, match="line 2"):
        load_sets([bad])


def test_selection_adds_the_earlier_turns_a_follow_up_needs(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.jsonl", [_line("a"), _line("b", "a"), _line("c", "b"), _line("d")])
    questions = load_sets([path])
    chosen, added = select(questions, ["d", "c"])
    assert [q.id for q in chosen] == ["a", "b", "c", "d"]  # set order, chain complete
    assert added == ["b", "a"]
    with pytest.raises(EvalInputError, match="zz"):
        select(questions, ["a", "zz"])


def test_history_chain_is_the_conversation_oldest_first(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.jsonl", [_line("a"), _line("b", "a"), _line("c", "b"), _line("d")])
    questions = load_sets([path])
    by_id = {q.id: q for q in questions}
    assert history_chain(by_id["c"], by_id) == ["a", "b"]
    assert history_chain(by_id["d"], by_id) == []


def test_ids_file_ignores_comments_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "ids.txt"
    path.write_text("# gate\nrol-001\n\nfeit-002  # a fact\n", encoding="utf-8")
    assert read_ids_file(path) == ["rol-001", "feit-002"]
    path.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(EvalInputError, match="no question ids"):
        read_ids_file(path)


@pytest.mark.slow
def test_run_sends_history_for_follow_ups_and_writes_everything(
    corpus_kb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = "Met wie werk ik als leerondersteuner op school het meest samen?"
    follow_up = "En waarom is die persoon zo belangrijk?"
    path = _write(
        tmp_path / "tiny.jsonl",
        [
            _line("q1", question=first),
            _line("q2", "q1", question=follow_up),
            _line("q3", answerable=False, question="Hoeveel vakantiedagen krijgt een leerondersteuner in Nederland?"),
        ],
    )
    calls: list[dict[str, Any]] = []
    real_answer = runner.answer

    def recording_answer(question: str, **kwargs: Any):  # records the call, answers for real
        calls.append({"question": question, **kwargs})
        return real_answer(question, **kwargs)

    monkeypatch.setattr(runner, "answer", recording_answer)
    out = tmp_path / "out"
    summary = run_eval([path], out, corpus_kb.settings, kb=corpus_kb, with_baseline=False)

    rows = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["q1", "q2", "q3"]
    # the follow-up got the first question and the answer the assistant gave to it in this run
    assert calls[0]["history"] is None
    assert calls[1]["history"] == [(first, rows[0]["answer"])]
    assert rows[1]["history"] == ["q1"]
    assert rows[1]["rewritten_question"] not in (None, follow_up)
    assert all(c["kb"] is corpus_kb and c["persona"] == "leerondersteuner" for c in calls)
    for row in rows:
        assert set(row) >= {"id", "question", "answer", "abstained", "citations", "retrieved", "latency_ms"}
        assert row["latency_ms"] > 0
    assert len(rows[0]["retrieved"]) >= 10
    assert summary.metrics.overall.values["markers_valid"] == 1.0
    assert summary.baseline is None and summary.ratios is None
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["run"]["questions"] == 3
    assert (out / "report.md").is_file() and (out / "report.html").is_file()


def test_run_refuses_an_empty_knowledge_base(tmp_settings, tmp_path: Path) -> None:
    from kb.knowledge_base import KnowledgeBase

    path = _write(tmp_path / "s.jsonl", [_line("q1")])
    with pytest.raises(EvalInputError, match="steunwijs ingest") as caught:
        run_eval([path], tmp_path / "out", tmp_settings, kb=KnowledgeBase(tmp_settings))
    assert "steunwijs ingest" in caught.value.nl and caught.value.exit_code == 2
