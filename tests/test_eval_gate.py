"""The CI gate: the fixed gate questions through the real assistant must meet steunwijs/tables/gate.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.gate import GATE_IDS, Gate, load_gate, violations
from evals.metrics import default_metrics
from evals.runner import run_eval
from evals.selection import read_ids_file

SET = Path(__file__).resolve().parent.parent / "evals" / "sets" / "steunwijs.jsonl"


def test_violations_name_each_missed_bound_and_each_missing_metric() -> None:
    gate = Gate(min={"coverage": 0.5, "markers_valid": 1.0, "mrr@10": 0.3}, max={"abstention_false": 0.2})
    overall = {"coverage": 0.49, "markers_valid": 1.0, "abstention_false": 0.25}
    problems = violations(overall, gate)
    assert len(problems) == 3
    assert any(p.startswith("coverage = 0.49 is below") for p in problems)
    assert any(p.startswith("mrr@10 = None") for p in problems)
    assert any(p.startswith("abstention_false = 0.25 is above") for p in problems)
    assert violations({"coverage": 0.5, "markers_valid": 1.0, "mrr@10": 0.3, "abstention_false": 0.2}, gate) == []


def test_gate_file_uses_known_metrics_and_demands_valid_markers() -> None:
    gate = load_gate()
    known = {m.name for m in default_metrics()}
    assert set(gate.min) | set(gate.max) <= known
    assert gate.min["markers_valid"] == 1.0
    assert not any(name.endswith("_ms") for name in gate.max)  # speed is for benchmarks/, not tests


def test_gate_ids_are_read_from_the_package() -> None:
    assert len(read_ids_file(GATE_IDS)) >= 15


@pytest.mark.slow
def test_gate_questions_meet_the_thresholds(corpus_kb, tmp_path: Path) -> None:
    ids = read_ids_file(GATE_IDS)
    summary = run_eval([SET], tmp_path / "gate", corpus_kb.settings, ids=ids, kb=corpus_kb, with_baseline=False)
    problems = violations(summary.metrics.overall.values, load_gate())
    failures = "\n".join(f"{f.id}: {'; '.join(f.reasons)}" for f in summary.failures)
    assert not problems, "\n".join(problems) + f"\nreport: {tmp_path / 'gate' / 'report.md'}\n" + failures
