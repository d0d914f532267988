"""The fingerprint covers every module whose code shapes passages, so changing one re-reads the documents.

An unlisted module would let an ingest keep passages that the current code would cut differently.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ingest import manifest
from ingest.manifest import TEXT_MODULES, fingerprint
from steunwijs.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
ENTRY_POINTS = ("ingest/chunker.py", "ingest/sources.py")  # what ingest.reading calls on a document
# Imported by the text side, yet no passage depends on their code:
NOT_SHAPING = {
    "steunwijs/errors.py",  # the error root only
    "steunwijs/settings.py",  # via steunwijs.types (Persona); the settings that shape passages are fingerprinted by value
}


def module_file(name: str) -> Path | None:
    """The project file of a dotted module name (package `__init__` or module), None outside the project."""
    base = ROOT.joinpath(*name.split("."))
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def project_imports(path: Path) -> set[Path]:
    found: set[Path] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found |= {file for file in map(module_file, names) if file is not None}
    return found


def test_every_module_the_text_side_imports_is_fingerprinted() -> None:
    seen: set[Path] = set()
    todo = [ROOT / entry for entry in ENTRY_POINTS]
    while todo:
        path = todo.pop()
        if path not in seen:
            seen.add(path)
            todo.extend(project_imports(path))
    listed = {ROOT / module for module in TEXT_MODULES}
    assert all(path.is_file() for path in listed)
    assert sorted(str(p.relative_to(ROOT)) for p in seen - listed) == sorted(NOT_SHAPING)


@pytest.mark.parametrize("changed", ["steunwijs/dutch/patterns.py", "ingest/clean/hyphenation.py"])
def test_a_change_to_a_text_module_changes_the_fingerprint(
    changed: str, tmp_path: Path, tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    for module in TEXT_MODULES:  # a copy of the code, to change one module of it
        (tmp_path / module).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / module).write_bytes((ROOT / module).read_bytes())
    before = fingerprint(tmp_settings)
    monkeypatch.setattr(manifest, "_ROOT", tmp_path)
    assert fingerprint(tmp_settings) == before
    with (tmp_path / changed).open("a", encoding="utf-8") as handle:
        handle.write("# changed\n")
    assert fingerprint(tmp_settings) != before
