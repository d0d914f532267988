"""The CI gate: thresholds from evals/gate.toml checked against a run's overall metrics.

The thresholds live in a data file, not in the test, so that raising the bar after an improvement
is a one-line change that reviewers can see next to the measurement it came from.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

GATE_FILE = Path(__file__).resolve().parent / "gate.toml"
GATE_IDS = Path(__file__).resolve().parent / "sets" / "gate.txt"


class Gate(BaseModel):
    """Lower bounds for higher-is-better metrics, upper bounds for lower-is-better ones."""

    min: dict[str, float] = Field(default_factory=dict)
    max: dict[str, float] = Field(default_factory=dict)


def load_gate(path: Path = GATE_FILE) -> Gate:
    with path.open("rb") as handle:
        return Gate.model_validate(tomllib.load(handle))


def violations(overall: dict[str, Any], gate: Gate) -> list[str]:
    """Every threshold the run misses, as readable lines; a metric the run lacks is a violation too."""
    problems = []
    for name, bound in gate.min.items():
        value = overall.get(name)
        if value is None or value < bound:
            problems.append(f"{name} = {value} is below the gate's minimum {bound}")
    for name, bound in gate.max.items():
        value = overall.get(name)
        if value is None or value > bound:
            problems.append(f"{name} = {value} is above the gate's maximum {bound}")
    return problems
