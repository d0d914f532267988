"""A read-only data folder (a read-only mount) still serves questions, search and browsing; ingest is off.

The commands run in a child process whose data folder really is read-only: for an ordinary user
the folder is `chmod -w`; root may write anyway, so for root it is a read-only bind mount in a
mount namespace of the child's own (`unshare --mount`), which vanishes with the child.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.pipeline import ingest_folder
from kb.generations import Layout
from steunwijs.settings import Settings
from tests.pipeline_corpus import DOCS, write_corpus
from tests.test_kb_damage import handmade_kb

REPO = Path(__file__).resolve().parent.parent
_BIND_READ_ONLY = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'


def _set_writable(folder: Path, writable: bool) -> None:
    for path in [folder, *folder.rglob("*")]:
        mode = path.lstat().st_mode
        if not stat.S_ISLNK(mode):
            path.chmod(mode | stat.S_IWUSR if writable else mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def run_read_only_command(data_dir: Path, command: list[str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """`command` (run from the repository) in a child process that cannot write in `data_dir`:
    the folder made read-only by its modes, or for root (whom modes do not stop) bind-mounted
    read-only in a mount namespace of its own."""
    env = os.environ | {"STEUNWIJS_DATA_DIR": str(data_dir), "ANONYMIZED_TELEMETRY": "False", "HF_HUB_OFFLINE": "1"}
    if os.geteuid() != 0:
        _set_writable(data_dir, False)
        try:
            return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
        finally:
            _set_writable(data_dir, True)
    probe = ["unshare", "--mount", "sh", "-c", _BIND_READ_ONLY, str(data_dir), "true"]
    if shutil.which("unshare") is None or subprocess.run(probe, capture_output=True).returncode != 0:
        pytest.skip("root without a mount namespace of its own: no way to make the folder read-only for this test")
    command = ["unshare", "--mount", "sh", "-c", _BIND_READ_ONLY, str(data_dir), *command]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)


def run_read_only(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`steunwijs <args>` in a child process that cannot write in `data_dir`."""
    return run_read_only_command(data_dir, [sys.executable, "-m", "cli.main", *args])


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


def test_a_read_only_folder_is_browsed_even_with_a_damaged_bm25_file_and_refuses_ingest(
    tmp_path: Path, tmp_settings: Settings
) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    pointer = handmade_kb(tmp_settings, corpus)
    (Layout(tmp_settings).bm25_folder(pointer.generation) / "data.csc.index.npy").write_bytes(b"kapot")
    before = snapshot(tmp_settings.data_dir)

    info = run_read_only(tmp_settings.data_dir, "info")
    ingest = run_read_only(tmp_settings.data_dir, "ingest", str(corpus))

    assert info.returncode == 0, info.stderr
    assert "Alleen lezen" in info.stdout and all(name in info.stdout for name in DOCS)
    assert "in memory (read-only data folder)" in info.stderr  # the BM25 index, rebuilt without writing
    assert ingest.returncode == 1 and "alleen-lezen: inlezen staat uit" in ingest.stderr
    assert "Traceback" not in info.stderr + ingest.stderr
    assert snapshot(tmp_settings.data_dir) == before


@pytest.mark.slow
def test_a_read_only_folder_answers_questions_and_searches(tmp_path: Path, tmp_settings: Settings) -> None:
    ingest_folder(write_corpus(tmp_path / "corpus"), tmp_settings)
    before = snapshot(tmp_settings.data_dir)

    search = run_read_only(tmp_settings.data_dir, "search", "Mag een co-teacher vervangen?", "-k", "2", "--json")
    ask = run_read_only(tmp_settings.data_dir, "ask", "Wie is de spilfiguur op school?")

    assert search.returncode == 0, search.stderr
    assert json.loads(search.stdout)[0]["source"] == "pwb.txt"
    assert ask.returncode == 0, ask.stderr
    assert "zorgcoördinator" in ask.stdout and "Bronnen:" in ask.stdout
    assert snapshot(tmp_settings.data_dir) == before
