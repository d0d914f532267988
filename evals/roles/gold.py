"""The roles map's gold set and its deterministic split into a tuning half and a held-out half.

The cue patterns and lexicons of the map are tuned by reading the tuning half only; the held-out
half reports the figures, so they say what to expect on sentences nobody tuned on. The split is a
pure function of an item's id (sha256, first byte even: tuning), so adding items never moves old
ones between halves and anyone can recompute it.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from steunwijs.dutch.roles import Kind

Half = Literal["tuning", "heldout"]
HALVES: tuple[Half, ...] = ("tuning", "heldout")


class GoldStatement(BaseModel):
    actor: str
    type: Kind


class GoldItem(BaseModel):
    """One sentence of the corpus with the statements it makes (none: a negative)."""

    id: str
    source: str = Field(description="File name of the document")
    quote: str = Field(description="The sentence as it stands in the document")
    statements: list[GoldStatement] = Field(default_factory=list)
    note: str = ""


def gold_path() -> Path:
    """evals/roles/gold.jsonl (a plain file in a checkout)."""
    return Path(str(resources.files("evals").joinpath("roles", "gold.jsonl")))


def half_of(item_id: str) -> Half:
    """The half an item belongs to: tuning when the first byte of sha256(id) is even."""
    return "tuning" if hashlib.sha256(item_id.encode("utf-8")).digest()[0] % 2 == 0 else "heldout"


@lru_cache(maxsize=1)
def load_gold() -> tuple[GoldItem, ...]:
    """Every gold item, in file order."""
    lines = gold_path().read_text(encoding="utf-8").splitlines()
    return tuple(GoldItem.model_validate(json.loads(line)) for line in lines if line.strip())


def gold_half(half: Half | None) -> list[GoldItem]:
    """The items of one half (None: all of them)."""
    return [item for item in load_gold() if half is None or half_of(item.id) == half]
