"""How fast Steunwijs starts: the app from launch to serving and to ready, and `steunwijs ask` in a
fresh process. Prints JSON; asserts nothing.

Issue 13's goals: app start to ready <= 8 s with an ingested corpus; `steunwijs ask` in a fresh
process <= 5 s. The app is started on 127.0.0.1 on a free port over the configured (ingested) data
folder, polled with Gradio's own client until its status banner says ready, then stopped; every
wait is bounded.

    .venv/bin/python benchmarks/startup.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "Wat doet een leerondersteuner?"
LIMIT_S = 180.0  # a start that takes longer than this is reported as failed


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def app_start() -> dict[str, float]:
    """Seconds from launch until the page is served and until the knowledge base is ready."""
    from gradio_client import Client

    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "cli.main", "serve", "--host", "127.0.0.1", "--port", str(port)]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    serving = ready = float("nan")
    try:
        while time.perf_counter() - started < LIMIT_S and process.poll() is None:
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    serving = time.perf_counter() - started
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        client = Client(url, verbose=False, download_files=False, analytics_enabled=False)
        while time.perf_counter() - started < LIMIT_S and process.poll() is None:
            status, *_ = client.predict(api_name="/follow_startup")
            if "sw-ready" in status:
                ready = time.perf_counter() - started
                break
            time.sleep(0.2)
        rss = _rss_mib(process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return {"serving_s": serving, "ready_s": ready, "rss_ready_mib": rss}


def ask_fresh() -> float:
    """Seconds for `steunwijs ask` in a fresh process, answer printed included."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "ask", QUESTION], cwd=ROOT, capture_output=True, timeout=LIMIT_S
    )
    if done.returncode != 0:
        raise SystemExit(f"steunwijs ask failed: {done.stderr.decode(errors='replace')[-500:]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    asks = [ask_fresh() for _ in range(args.runs)]
    starts = [app_start() for _ in range(args.runs)]
    print(
        json.dumps(
            {
                "encoder": os.environ.get("STEUNWIJS_ENCODER", "(default)"),
                "load_average": round(os.getloadavg()[0], 1),
                "ask_fresh_process_s": {"median": round(statistics.median(asks), 2), "runs": [round(a, 2) for a in asks]},
                "app_serving_s": round(statistics.median(s["serving_s"] for s in starts), 2),
                "app_ready_s": round(statistics.median(s["ready_s"] for s in starts), 2),
                "app_rss_at_ready_mib": round(statistics.median(s["rss_ready_mib"] for s in starts)),
                "goals": {"ask_fresh_process_s": 5, "app_ready_s": 8},
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
