"""Train, dev and test: which questions may tune, which choose between variants, which only report.

Anything Steunwijs tunes (the embedding adapter, fusion weights, thresholds, synonym and reference
tables) learns on **train**; a choice between variants is made on **dev**; **test** is frozen and only
reported, so its figures say what to expect on questions nobody tuned on. `evals/sets/splits.toml`
names the files of each split and the test set's sha256.

`guard_tuning` is the split guard every tuning command calls on its input: it refuses the test
files, and any set that shares a question with them (a copy or a merge under another name), so
"nothing tuned reads test" is enforced, not only promised.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from evals.questionset import Question, load_set
from steunwijs.dutch.patterns import collapse_ws
from steunwijs.errors import InputError
from steunwijs.resources import parse_toml

Split = Literal["train", "dev", "test"]
SPLITS: tuple[Split, ...] = ("train", "dev", "test")


class SplitFiles(BaseModel):
    files: list[str] = Field(min_length=1, description="Question-set files in evals/sets/.")
    sha256: str | None = Field(None, description="The frozen content hash (test only).")


class SplitTable(BaseModel):
    """evals/sets/splits.toml."""

    train: SplitFiles
    dev: SplitFiles
    test: SplitFiles


class HeldOutSetTouched(InputError):
    """A tuning command was given test questions."""


def sets_dir() -> Path:
    """The packaged folder of question sets (a plain directory in a checkout and in a wheel)."""
    return Path(str(resources.files("evals").joinpath("sets")))


@lru_cache(maxsize=1)
def split_table() -> SplitTable:
    path = sets_dir() / "splits.toml"
    return parse_toml(path.read_text(encoding="utf-8"), SplitTable, "evals/sets/splits.toml")


def split_paths(split: Split) -> list[Path]:
    """The question-set files of one split."""
    return [sets_dir() / name for name in getattr(split_table(), split).files]


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fingerprint(question: Question) -> str:
    """A question as the guard recognises it, whatever its id: its own words, lower case, spaces folded."""
    return collapse_ws(question.question).lower()


@lru_cache(maxsize=1)
def _test_fingerprints() -> frozenset[str]:
    return frozenset(_fingerprint(q) for path in split_paths("test") for q in load_set(path))


def guard_tuning(paths: Sequence[Path]) -> None:
    """Refuse to tune on test questions: the test files themselves, or any set sharing a question."""
    test_files = {p.resolve() for p in split_paths("test")}
    for path in paths:
        if Path(path).resolve() in test_files:
            raise HeldOutSetTouched(
                f"{path} is de testset: daarop wordt niets afgestemd, alleen gerapporteerd.",
                f"{path} is the test split: nothing is tuned on it, it is only reported.",
            )
        shared = [q.id for q in load_set(path) if _fingerprint(q) in _test_fingerprints()]
        if shared:
            raise HeldOutSetTouched(
                f"{path} bevat vragen uit de testset ({', '.join(shared[:5])}): kies een andere set om af te stemmen.",
                f"{path} holds test questions ({', '.join(shared[:5])}); tune on train questions only.",
            )


def frozen_test_intact() -> bool:
    """True when the test files still have the sha256 recorded in splits.toml."""
    expected = split_table().test.sha256
    return expected is not None and [file_sha256(p) for p in split_paths("test")] == [expected]
