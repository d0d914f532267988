"""Child processes of the tests (chroma run, llama.cpp server, the app): stopping them for sure."""

from __future__ import annotations

import subprocess


def stop(process: subprocess.Popen[bytes], grace_s: float = 20.0) -> None:
    """Ask the process to end; kill it when it has not ended within `grace_s` seconds."""
    process.terminate()
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
