"""File hashing, inter-process file locks, atomic writes and folder swaps, shared by ingest, the
knowledge base and the model setup.

Both decide "has this file changed?" by its sha256, and both must not run twice at once over one
folder (several processes, or engineers, share `data/` and `models/`). The lock is an `flock`, so
the kernel releases it even when the holder is killed with `kill -9`.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


def sha256_file(path: Path) -> str:
    """The hex sha256 of a file, read in 1 MiB blocks (documents can be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """A binary handle whose bytes replace `path` when the block ends, so that a reader sees the
    old file or the new one, never a part: a temp file beside it, fsynced, renamed over it, and the
    folder fsynced. An error in the block leaves `path` as it was and removes the temp file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_text_atomically(path: Path, text: str) -> None:
    """Write `text` (UTF-8) to `path` through `atomic_writer`."""
    with atomic_writer(path) as handle:
        handle.write(text.encode("utf-8"))


class LockTimeout(TimeoutError):
    """Another process held the lock for longer than the caller was willing to wait."""


@contextmanager
def exclusive_lock(path: Path, timeout_s: float | None = None) -> Iterator[None]:
    """Hold an exclusive `flock` on `path` (created if needed) for the duration of the block.

    Without `timeout_s` it waits as long as it takes; with it, `LockTimeout` is raised when the
    lock is still held by another process after that many seconds.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        if timeout_s is None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        else:
            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise LockTimeout(f"{path} is still locked after {timeout_s:g} s") from None
                    time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def swap_in_folder(building: Path, destination: Path) -> None:
    """Put the complete folder `building` in the place of `destination`, which may exist.

    Two renames: for that instant the path is missing, never partial, so a reader never sees a
    half-written folder (models, adapters). The old folder is removed afterwards.
    """
    if destination.exists():
        retired = building.with_name(building.name + "-old")
        destination.rename(retired)
        building.rename(destination)
        shutil.rmtree(retired)
    else:
        building.rename(destination)
