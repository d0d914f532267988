"""Train, dev and test: the split files, the frozen test set, and the guard that keeps tuning off test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evals.questionset import load_set
from evals.splits import HeldOutSetTouched, frozen_test_intact, guard_tuning, split_paths
from tests.conftest import REPO


def test_the_splits_share_no_question_and_test_is_frozen() -> None:
    ids = {split: {q.id for path in split_paths(split) for q in load_set(path)} for split in ("train", "dev", "test")}
    assert len(ids["train"]) >= 300 and len(ids["dev"]) >= 50 and len(ids["test"]) >= 100
    assert not ids["train"] & ids["dev"] and not ids["train"] & ids["test"] and not ids["dev"] & ids["test"]
    assert frozen_test_intact(), "evals/sets/test.jsonl changed: the test split is frozen (see splits.toml)"


def test_the_guard_refuses_the_test_file_and_any_copy_of_its_questions(tmp_path: Path) -> None:
    guard_tuning(split_paths("train") + split_paths("dev"))  # allowed
    with pytest.raises(HeldOutSetTouched) as refused:
        guard_tuning(split_paths("test"))
    assert "testset" in refused.value.nl and refused.value.exit_code == 2

    mixed = tmp_path / "mijn-set.jsonl"
    train_line = split_paths("train")[0].read_text(encoding="utf-8").splitlines()[0]
    test_row = json.loads(split_paths("test")[0].read_text(encoding="utf-8").splitlines()[0])
    test_row["id"] = "renamed-1"  # another id, the same question
    mixed.write_text(train_line + "\n" + json.dumps(test_row, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(HeldOutSetTouched, match="renamed-1"):
        guard_tuning([mixed])


def test_every_tuning_command_refuses_test_before_it_loads_anything(tmp_path: Path) -> None:
    test_set = str(split_paths("test")[0])
    env_data = {"STEUNWIJS_DATA_DIR": str(tmp_path / "data")}
    runs = [
        [sys.executable, "-m", "cli.main", "tune", "--set", test_set],
        [sys.executable, "-m", "evals.tune_abstention", "--set", test_set, "--dry-run"],
    ]
    for command in runs:
        result = subprocess.run(
            command, cwd=REPO, capture_output=True, text=True, timeout=300, env={**os.environ, **env_data}
        )
        assert result.returncode == 2, (command, result.stderr)
        assert "testset" in result.stderr
