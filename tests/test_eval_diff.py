"""Two runs compared question by question: better, worse, mixed, unchanged, with lower-is-better metrics reversed."""

from __future__ import annotations

from evals.diff import compare, to_markdown
from evals.summary import Summary

INFO = {
    "evidence_recall@10": {"description": "r", "higher_is_better": True},
    "coverage": {"description": "c", "higher_is_better": True},
    "abstention_false": {"description": "f", "higher_is_better": False},
}


def summary(scores: dict[str, dict[str, float | None]]) -> Summary:
    overall = {m: sum(s[m] or 0 for s in scores.values()) / len(scores) for m in INFO}
    empty = {"overall": {**overall, "n": len(scores)}, "by_persona": {}, "by_topic": {}, "applicable": {}}
    return Summary.model_validate(
        {
            "run": {"started": "x", "seconds": 1, "sets": ["s"], "questions": len(scores), "selected_ids": None,
                    "added_for_history": [], "answerer": "default", "embedding_model": "m", "top_k": 10},
            "metric_info": INFO,
            "metrics": empty,
            "judge": {"status": "skipped", "note": "-"},
            "baseline": None,
            "ratios": None,
            "per_question": [
                {"id": qid, "persona": "trainer", "topic": "feiten", "latency_ms": 1.0, "scores": s} for qid, s in scores.items()
            ],
            "failures": [],
        }
    )


def test_each_question_gets_its_verdict() -> None:
    a = summary({
        "q1": {"evidence_recall@10": 0.5, "coverage": 0.5, "abstention_false": 0.0},
        "q2": {"evidence_recall@10": 1.0, "coverage": 0.5, "abstention_false": 0.0},
        "q3": {"evidence_recall@10": 0.5, "coverage": 0.5, "abstention_false": 1.0},
        "q4": {"evidence_recall@10": 0.5, "coverage": 0.5, "abstention_false": 0.0},
        "gone": {"evidence_recall@10": 0.5, "coverage": 0.5, "abstention_false": 0.0},
    })
    b = summary({
        "q1": {"evidence_recall@10": 1.0, "coverage": 0.5, "abstention_false": 0.0},
        "q2": {"evidence_recall@10": 0.5, "coverage": 0.5, "abstention_false": 0.0},
        "q3": {"evidence_recall@10": 0.5, "coverage": 0.2, "abstention_false": 0.0},  # less false abstention, less coverage
        "q4": {"evidence_recall@10": 0.5, "coverage": 0.5, "abstention_false": 0.0},
    })
    diff = compare(a, b, "oud", "nieuw")
    verdicts = {q.id: q.verdict for q in diff.questions}
    assert verdicts == {"q1": "better", "q2": "worse", "q3": "mixed", "q4": "unchanged"}
    assert diff.only_in_a == ["gone"] and diff.only_in_b == []
    text = to_markdown(diff)
    assert "1 better, 1 worse, 1 mixed, 1 unchanged" in text and "| q2 | worse | evidence_recall@10 1.000 → 0.500 |" in text
    assert "q4" not in text.split("| question |")[1]
