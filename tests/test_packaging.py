"""A non-editable install works: the wheel carries prompts, tables and sets, and answers a question.

The test builds the wheel, installs it without dependencies into a fresh virtual environment whose
only other path is this environment's site-packages (for the dependencies; its .pth files, among
them the editable install's finder, are not processed), and from a folder outside the checkout
ingests a small corpus and answers a question with the installed `steunwijs` command. A module
that reads a data file through a path into the source tree would fail here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow

CORPUS_FILE = "004_f932f971383260c2.txt"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a fresh venv with the project's wheel installed."""
    root = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(root / "dist"), str(REPO)],
        check=True,
        cwd=root,
    )
    wheel = next((root / "dist").glob("steunwijs-*.whl"))
    env_dir = root / "env"
    venv.create(env_dir, with_pip=False)
    site = next(env_dir.glob("lib/python3*/site-packages"))
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(env_dir / "bin" / "python"), "install", "--no-deps", "-q", str(wheel)],
        check=True,
        cwd=root,
    )
    return env_dir / "bin"


def run(bin_dir: Path, args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(bin_dir / args[0]), *args[1:]], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_the_installed_wheel_ingests_and_answers(installed: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / CORPUS_FILE).write_bytes((REPO.parent / "shared" / "corpus" / CORPUS_FILE).read_bytes())
    env = {
        **os.environ,
        "STEUNWIJS_DATA_DIR": str(tmp_path / "data"),
        "STEUNWIJS_MODELS_DIR": str(REPO / "models"),
        "PYTHONPATH": "",
    }
    where = run(installed, ["python", "-c", "import assistant, prompts, steunwijs; print(assistant.__file__, prompts.__file__)"], tmp_path, env)
    assert where.returncode == 0, where.stderr
    assert str(REPO) not in where.stdout and "site-packages" in where.stdout

    ingested = run(installed, ["steunwijs", "ingest", str(corpus)], tmp_path, env)
    assert ingested.returncode == 0, ingested.stderr
    asked = run(installed, ["steunwijs", "ask", "Hoeveel leersteuncentra zijn er in Vlaanderen?", "--json"], tmp_path, env)
    assert asked.returncode == 0, asked.stderr
    reply = json.loads(asked.stdout)
    assert not reply["abstained"] and reply["citations"]
    assert any("43 leersteuncentra" in c["text"] for c in reply["citations"])
