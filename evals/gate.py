"""The CI gate: thresholds (steunwijs/tables/gate.toml) checked against a run's overall metrics.

The thresholds live in a data file, not in the test, so that raising the bar after an improvement
is a one-line change that reviewers can see next to the measurement it came from. The gate's
questions are a fixed subset of the curated set (``evals/sets/gate.txt``, packaged with `evals`),
small enough for CI and for the web app's quick eval button.
"""

from __future__ import annotations

from importlib.resources import files

from pydantic import BaseModel, Field

from evals.summary import Scores
from steunwijs.resources import load_toml

GATE_IDS = files("evals") / "sets" / "gate.txt"


class Gate(BaseModel):
    """Lower bounds for higher-is-better metrics, upper bounds for lower-is-better ones."""

    min: dict[str, float] = Field(default_factory=dict)
    max: dict[str, float] = Field(default_factory=dict)


def load_gate() -> Gate:
    """The gate's thresholds (read once per process)."""
    return load_toml("tables", "gate.toml", Gate)


def violations(overall: Scores, gate: Gate) -> list[str]:
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
