"""Load: N simulated users ask new and repeated questions through the app's HTTP API for D seconds.

Issue 11's goal: 20 users, 60 s, new questions: 0 errors, against the embedded store and against a
Chroma server shared by two app processes; memory bounded (RSS after three runs within 10% of after
the first). Each user is its own Gradio session (gradio_client, as a browser tab is) and asks on
`/vraag`, the chat's endpoint, one question after the other; a share of them repeats a question
asked before in this app start, the rest were never asked before (benchmarks/load_questions.py).

Everything runs on 127.0.0.1 and stops by itself: the app (and `chroma run`) are started here on
free ports over temporary folders and stopped at the end, every wait has a limit, and a user starts
no question after the run's D seconds. Prints requests, errors (the first few in full), p50/p95
latency, throughput, and the app processes' RSS (with their children) before, during (peak) and
after each run; asserts nothing.

    .venv/bin/python -m benchmarks.load                       # embedded store, two documents, 20 users x 60 s
    .venv/bin/python -m benchmarks.load --runs 3              # the RSS plateau within one app start
    .venv/bin/python -m benchmarks.load --store server        # chroma run + two apps sharing it
    .venv/bin/python -m benchmarks.load --corpus ../shared/corpus   # the whole default corpus (ingested first)
    .venv/bin/python -m benchmarks.load --data data           # a temporary copy of an ingested data folder
    .venv/bin/python -m benchmarks.load --url http://127.0.0.1:7860/ [--pid PID]   # an app already running
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
from gradio_client import Client

from benchmarks.load_questions import QuestionPool
from tests.webapp_corpus import subset_corpus

ROOT = Path(__file__).resolve().parent.parent
SMALL_CORPUS = ("002_6a138d292be975d4.txt", "003_f0048e20d44ebb64.txt")  # as the web-app tests use
LOOPBACK = {"127.0.0.1", "localhost"}
ANSWER_ID_PREFIX = "sw-"  # webapp.chat_format.MESSAGE_ID_PREFIX: the final message of a real answer
SHOWN_ERRORS = 5


# --- processes -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants (a process that is gone has none)."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo.extend(int(c) for c in (task / "children").read_text().split())
            except (FileNotFoundError, ProcessLookupError):
                continue  # the thread or process ended meanwhile
    return pids


def rss_mib(pids: Sequence[int]) -> float:
    """Resident memory of these processes and all their children, in MiB (/proc/<pid>/status)."""
    total_kib = 0
    for pid in {p for root in pids for p in _tree(root)}:
        try:
            lines = Path(f"/proc/{pid}/status").read_text().splitlines()
        except FileNotFoundError:
            continue  # ended meanwhile
        total_kib += next((int(line.split()[1]) for line in lines if line.startswith("VmRSS:")), 0)
    return round(total_kib / 1024, 1)


@dataclass
class Service:
    """A process started here: its name (for messages), URL and log."""

    name: str
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:]


def _stop(process: subprocess.Popen[bytes], grace_s: float = 30.0) -> None:
    process.terminate()
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=grace_s)


@contextmanager
def started(name: str, command: list[str], url: str, log: Path, env: dict[str, str]) -> Iterator[Service]:
    """Run `command` (its output in `log`) until the block ends; always stopped."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield Service(name, process, url, log)
        finally:
            _stop(process)


def wait_for_chroma(service: Service, limit_s: float) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if service.process.poll() is not None:
            raise SystemExit(f"{service.name} exited with {service.process.returncode}:\n{service.tail()}")
        try:
            if httpx.get(f"{service.url}/api/v2/heartbeat", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass  # not listening yet
        time.sleep(0.3)
    raise SystemExit(f"{service.name} did not answer within {limit_s:.0f} s:\n{service.tail()}")


def _session(url: str) -> Client:
    return Client(url, verbose=False, download_files=False, analytics_enabled=False)


def wait_until_ready(url: str, limit_s: float, service: Service | None = None) -> str:
    """Poll the page's status banner (`/follow_startup`, as a new tab does) until it says ready;
    returns the banner's text."""
    deadline = time.monotonic() + limit_s
    status = ""
    client: Client | None = None
    while time.monotonic() < deadline:
        if service is not None and service.process.poll() is not None:
            raise SystemExit(f"{service.name} exited with {service.process.returncode}:\n{service.tail()}")
        try:
            client = client or _session(url)
            status = client.predict(api_name="/follow_startup")[0]
        except (httpx.HTTPError, ValueError, ConnectionError):
            time.sleep(1)  # not serving yet
            continue
        if "sw-ready" in status:
            client.close()
            return status
        if "sw-failed" in status:
            raise SystemExit(f"the app at {url} failed to open its knowledge base: {status}")
        time.sleep(2)
    tail = service.tail() if service else ""
    raise SystemExit(f"the app at {url} was not ready within {limit_s:.0f} s (last status: {status!r})\n{tail}")


def app_env(data: Path, corpus: Path, chroma_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "STEUNWIJS_CHROMA_URL"}
    env |= {
        "STEUNWIJS_DATA_DIR": str(data),
        "STEUNWIJS_CORPUS_DIR": str(corpus),
        "GRADIO_ANALYTICS_ENABLED": "False",
        "ANONYMIZED_TELEMETRY": "False",
        "HF_HUB_OFFLINE": "1",
    }
    if chroma_url:
        env["STEUNWIJS_CHROMA_URL"] = chroma_url
    return env


def start_app(stack: ExitStack, name: str, work: Path, env: dict[str, str], limit_s: float) -> Service:
    port = free_port()
    command = [sys.executable, "-m", "cli.main", "serve", "--host", "127.0.0.1", "--port", str(port)]
    service = stack.enter_context(started(name, command, f"http://127.0.0.1:{port}/", work / f"{name}.log", env))
    started_at = time.monotonic()
    banner = wait_until_ready(service.url, limit_s, service)
    print(f"{name}: ready in {time.monotonic() - started_at:.1f} s on {service.url} ({_text(banner)})", flush=True)
    return service


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html).strip()


# --- the load --------------------------------------------------------------------------------


@dataclass
class RunResult:
    """What one run of the load measured."""

    latencies_s: list[float] = field(default_factory=list)
    new: int = 0
    repeated: int = 0
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    rss_peak_mib: float = 0.0
    unfinished_users: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def requests(self) -> int:
        return len(self.latencies_s) + len(self.errors)

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies_s)
        quantile = (lambda q: round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)) if ordered else None
        return {
            "requests": self.requests,
            "answered": len(self.latencies_s),
            "new_questions": self.new,
            "repeated_questions": self.repeated,
            "errors": len(self.errors),
            "first_errors": self.errors[:SHOWN_ERRORS],
            "p50_s": round(statistics.median(ordered), 3) if ordered else None,
            "p95_s": quantile(0.95) if ordered else None,
            "max_s": round(ordered[-1], 3) if ordered else None,
            "throughput_per_s": round(len(self.latencies_s) / self.wall_s, 2) if self.wall_s else 0.0,
            "wall_s": round(self.wall_s, 1),
            "rss_peak_mib": self.rss_peak_mib,
            "unfinished_users": self.unfinished_users,
        }


def _classify(result: Any) -> str | None:
    """None for a real answer; otherwise what went wrong, in a line. A real answer's final message
    is a dict whose metadata id names the answer; a string is a message the app put in its place
    (knowledge base not ready, a SteunwijsError)."""
    message = result[0] if isinstance(result, (tuple, list)) and result else result
    if isinstance(message, dict) and str((message.get("metadata") or {}).get("id", "")).startswith(ANSWER_ID_PREFIX):
        return None
    return f"no answer but: {str(message)[:300]}"


def _user(client: Client, pool: QuestionPool, deadline: float, timeout_s: float, result: RunResult) -> None:
    """One simulated user: asks, waits for the whole answer, asks again, until the deadline."""
    while time.monotonic() < deadline:
        question, persona, repeated = pool.draw()
        began = time.perf_counter()
        job = None
        problem: str | None
        try:
            job = client.submit(question, persona, api_name="/vraag")
            problem = _classify(job.result(timeout=timeout_s))
        except TimeoutError:
            if job is not None:
                job.cancel()
            problem = f"no answer within {timeout_s:.0f} s"
        except Exception as error:  # noqa: BLE001 - any failure of a request is what is counted here
            problem = f"{type(error).__name__}: {error}"
        took = time.perf_counter() - began
        with result.lock:
            result.repeated += repeated
            result.new += not repeated
            if problem is None:
                result.latencies_s.append(took)
            else:
                result.errors.append(f"{question!r}: {problem}"[:500])


def run_load(
    urls: Sequence[str], pids: Sequence[int], users: int, duration_s: float, timeout_s: float, pool: QuestionPool
) -> RunResult:
    """`users` new sessions spread over `urls`, each asking until `duration_s` has passed; waits for the
    questions in flight (each at most `timeout_s`), sampling the processes' RSS for the peak."""
    result = RunResult()
    clients = [_session(urls[i % len(urls)]) for i in range(users)]
    began = time.monotonic()
    deadline = began + duration_s
    threads = [
        threading.Thread(target=_user, args=(c, pool, deadline, timeout_s, result), daemon=True, name=f"user-{i}")
        for i, c in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    join_by = deadline + timeout_s + 30
    while any(t.is_alive() for t in threads) and time.monotonic() < join_by:
        if pids:
            result.rss_peak_mib = max(result.rss_peak_mib, rss_mib(pids))
        time.sleep(0.5)
    result.unfinished_users = sum(t.is_alive() for t in threads)
    result.wall_s = time.monotonic() - began
    for client in clients:
        client.close()
    return result


# --- set-up ----------------------------------------------------------------------------------


def _corpus(args: argparse.Namespace, work: Path) -> Path:
    if args.corpus:
        return Path(args.corpus).resolve()
    return subset_corpus(work / "corpus", SMALL_CORPUS)


def start_services(
    args: argparse.Namespace, stack: ExitStack, work: Path
) -> tuple[list[str], list[int], dict[str, Any]]:
    """Start what `args` asks for; returns the app URLs, the PIDs whose RSS counts, and what was started."""
    if args.url:
        if urlparse(args.url).hostname not in LOOPBACK:
            raise SystemExit(f"--url must be on 127.0.0.1 (this benchmark loads only this computer): {args.url}")
        wait_until_ready(args.url, args.startup_timeout)
        return [args.url], [args.pid] if args.pid else [], {"app": args.url}
    corpus = _corpus(args, work)
    if args.store == "embedded":
        data = work / "data"
        if args.data:
            shutil.copytree(Path(args.data), data, ignore=shutil.ignore_patterns("ingest.lock"))
        app = start_app(stack, "app", work, app_env(data, corpus, None), args.startup_timeout)
        return [app.url], [app.process.pid], {"store": "embedded", "corpus": str(corpus)}
    if args.data:
        raise SystemExit("--data is for the embedded store; the server store is filled from --corpus")
    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"
    command = [str(chroma), "run", "--path", str(work / "chroma-server"), "--host", "127.0.0.1", "--port", str(port)]
    server = stack.enter_context(
        started("chroma", command, f"http://127.0.0.1:{port}", work / "chroma.log", os.environ.copy())
    )
    wait_for_chroma(server, 120)
    # the first app fills the empty server; the second, started once it is ready, only opens it
    first = start_app(stack, "app1", work, app_env(work / "data1", corpus, server.url), args.startup_timeout)
    second = start_app(stack, "app2", work, app_env(work / "data2", corpus, server.url), args.startup_timeout)
    pids = [first.process.pid, second.process.pid]
    return (
        [first.url, second.url],
        pids,
        {"store": "server", "chroma": server.url, "corpus": str(corpus), "chroma_pid": server.process.pid},
    )


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20, help="concurrent simulated users")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds each run asks questions")
    parser.add_argument("--runs", type=int, default=1, help="runs within one app start (RSS after each)")
    parser.add_argument("--store", choices=["embedded", "server"], default="embedded")
    parser.add_argument("--corpus", help="folder to ingest (default: two documents of the default corpus)")
    parser.add_argument("--data", help="an ingested data folder; the app works on a temporary copy")
    parser.add_argument("--url", help="load an app already running on 127.0.0.1 instead of starting one")
    parser.add_argument("--pid", type=int, help="with --url: the app's process, for its RSS")
    parser.add_argument(
        "--repeat-share", type=float, default=0.3, help="share of questions that repeat one asked before"
    )
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds one answer may take before it counts as an error"
    )
    parser.add_argument("--startup-timeout", type=float, default=900.0, help="seconds an app may take to get ready")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json-out", help="also write the figures as JSON to this file")
    args = parser.parse_args(argv)

    pool = QuestionPool(seed=args.seed, repeat_share=args.repeat_share)
    report: dict[str, Any] = {"users": args.users, "duration_s": args.duration, "load_average_start": _load()}
    with tempfile.TemporaryDirectory(prefix="steunwijs-load-") as tmp, ExitStack() as stack:
        urls, pids, services = start_services(args, stack, Path(tmp))
        report |= services
        report["rss_before_mib"] = rss_mib(pids) if pids else None
        print(
            f"load: {args.users} users x {args.duration:.0f} s on {', '.join(urls)}; "
            f"RSS before {report['rss_before_mib']} MiB; load average {_load()}",
            flush=True,
        )
        report["runs"] = []
        for number in range(1, args.runs + 1):
            result = run_load(urls, pids, args.users, args.duration, args.timeout, pool)
            figures = result.summary() | {"rss_after_mib": rss_mib(pids) if pids else None, "load_average": _load()}
            report["runs"].append(figures)
            _print_run(number, figures)
    if args.runs > 1 and report["runs"][0]["rss_after_mib"]:
        first, last = report["runs"][0]["rss_after_mib"], report["runs"][-1]["rss_after_mib"]
        report["rss_growth_after_first"] = round(last / first - 1, 3)
        print(f"RSS after run {args.runs} vs after run 1: {report['rss_growth_after_first']:+.1%} (goal: within 10%)")
    report["load_average_end"] = _load()
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return report


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _print_run(number: int, figures: dict[str, Any]) -> None:
    print(
        f"run {number}: {figures['requests']} requests ({figures['new_questions']} new, "
        f"{figures['repeated_questions']} repeated), {figures['errors']} errors, "
        f"p50 {figures['p50_s']} s, p95 {figures['p95_s']} s, max {figures['max_s']} s, "
        f"{figures['throughput_per_s']} answers/s; RSS after {figures['rss_after_mib']} MiB "
        f"(peak {figures['rss_peak_mib']} MiB); load average {figures['load_average']}",
        flush=True,
    )
    for error in figures["first_errors"]:
        print(f"  error: {error}")
    if figures["unfinished_users"]:
        print(f"  {figures['unfinished_users']} users still waiting when the run was cut off")


if __name__ == "__main__":
    main()
