"""The layers of DEVELOPERS.md hold: no module imports a package above it (or a sibling beside it).

ground (steunwijs) < kb < ingest, assistant < evals < webapp < cli, app.py (and benchmarks)

A package may import itself and anything lower; `ingest` and `assistant` stand side by side and
import neither each other. Lazy imports inside functions count too: an upward import is a cycle
in the design whether or not it runs at import time.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What each package may import from the project (besides itself).
ALLOWED: dict[str, set[str]] = {
    "steunwijs": set(),
    "prompts": set(),
    "kb": {"steunwijs"},
    "ingest": {"steunwijs", "kb"},
    "assistant": {"steunwijs", "kb"},
    "evals": {"steunwijs", "kb", "ingest", "assistant"},
    "cli": {"steunwijs", "kb", "ingest", "assistant", "evals", "webapp"},  # `steunwijs serve` starts the app
    "webapp": {"steunwijs", "kb", "ingest", "assistant", "evals"},
}
PROJECT = set(ALLOWED) | {"app", "benchmarks", "tests"}


def project_imports(path: Path) -> list[tuple[int, str]]:
    """(line, top-level package) of every absolute import of a project package in `path`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [(node.lineno, name.split(".")[0]) for name in names if name.split(".")[0] in PROJECT]
    return found


def violations(package: str) -> list[str]:
    allowed = ALLOWED[package] | {package}
    return [
        f"{path.relative_to(ROOT)}:{line} imports {imported}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for line, imported in project_imports(path)
        if imported not in allowed
    ]


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_no_import_runs_against_the_layers(package: str) -> None:
    assert violations(package) == []


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("import os\nfrom evals.runner import run_eval\n\ndef f():\n    import webapp.ui\n", encoding="utf-8")
    assert project_imports(module) == [(2, "evals"), (5, "webapp")]
