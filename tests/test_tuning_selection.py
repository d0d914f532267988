"""The selection tuner: its table round-trips through the loader, keeps the other models' entries
and the file's comments, and the tuner refuses the test split."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.ranking import Selection, SelectionTable
from evals.splits import HeldOutSetTouched, split_paths
from evals.tuning.selection import main, write_selection
from steunwijs.resources import parse_toml


def test_a_written_entry_loads_and_the_others_stay(tmp_path: Path) -> None:
    path = tmp_path / "selection.toml"
    path.write_text('# kept\n\n["model-a"]\nrelevance_margin = 0.05\nduplicate_cosine = 0.95\n', encoding="utf-8")
    tuned = Selection(relevance_margin=0.2, duplicate_cosine=0.97, measured={"set": "train", "dev_coverage": 0.51})
    write_selection(path, "model-b", tuned)
    write_selection(path, "model-b", tuned.model_copy(update={"relevance_margin": 0.15}))
    table = parse_toml(path.read_text(encoding="utf-8"), SelectionTable, str(path)).root
    assert path.read_text(encoding="utf-8").startswith("# kept")
    assert table["model-a"] == Selection(relevance_margin=0.05, duplicate_cosine=0.95)
    assert table["model-b"].relevance_margin == 0.15 and table["model-b"].measured["dev_coverage"] == 0.51


def test_the_tuner_refuses_the_test_split() -> None:
    with pytest.raises(HeldOutSetTouched):
        main(["--set", str(split_paths("test")[0])])
