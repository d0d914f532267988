"""How long a whole answer takes (retrieval included), cold and warm: prints JSON.

Target: warm p50 <= 1000 ms with the default (extractive) answerer on this 2-core machine.
"Cold" is the first time a question meets its passages (sentence embeddings not yet cached);
"new question, warm passages" asks the same topics in other words afterwards (the usual case in a
session); "warm" repeats the questions. The model and knowledge base are loaded before timing
starts (reported separately as `load_ms`).

With `--set FILE.jsonl` it instead answers every question of a question set once, in a fresh
process (nothing cached but the index; follow-ups get their conversation), and prints p50/p95 of
the whole answer and of each step, and the process's RSS before and after: the figure issue 13's
goals (p50 <= 150 ms, p95 <= 300 ms, RSS <= 1 GB) are about.

Usage: .venv/bin/python benchmarks/answer_latency.py [--rounds 3] [--persona leerondersteuner]
       .venv/bin/python benchmarks/answer_latency.py --set evals/sets/test.jsonl
(STEUNWIJS_DATA_DIR selects another knowledge base; it must be ingested.)
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.answer import answer, default_knowledge_base  # noqa: E402
from evals.questionset import load_set  # noqa: E402
from kb.knowledge_base import KnowledgeBase  # noqa: E402
from steunwijs.settings import PERSONAS, Settings, get_settings  # noqa: E402

QUESTIONS = [
    "Wat is de rol van de zorgcoördinator?",
    "Hoeveel leersteuncentra zijn er in Vlaanderen?",
    "Wat verwacht men van de directie bij leersteun?",
    "Welke aanbevelingen geeft de inspectie aan de leersteuncentra?",
    "Hoe tevreden zijn ondersteuners over hun job?",
    "Wat is co-teaching in de pre-waarborgregeling?",
    "Wie bewaart de gemotiveerde verslagen?",
    "Waarom is verbindende communicatie belangrijk voor een leerondersteuner?",
    "Hoeveel verdient een leerondersteuner?",
    "Wat doet het CLB bij leersteun?",
]

# The same topics in other words: new questions (query not cached) over passages seen before.
PARAPHRASES = [
    "Welke taak heeft de zorgcoördinator?",
    "Hoeveel leersteuncentra telt Vlaanderen?",
    "Wat wordt er van de schooldirectie verwacht rond leersteun?",
    "Wat raadt de onderwijsinspectie de leersteuncentra aan?",
    "Zijn ondersteuners tevreden met hun werk?",
    "Hoe werkte co-teaching tijdens de pre-waarborgregeling?",
    "Waar worden de gemotiveerde verslagen bijgehouden?",
    "Waarom moet een leerondersteuner verbindend communiceren?",
    "Wat is het loon van een leerondersteuner?",
    "Welke rol speelt het CLB in leersteun?",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def rss_mib() -> float:
    """The process's resident set size now (Linux /proc), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def set_run(path: Path, settings: Settings, kb: KnowledgeBase, load_ms: float) -> dict[str, object]:
    """Every question of a set once, in file order, each follow-up with its conversation."""
    rss_before = rss_mib()
    questions = load_set(path)
    texts: dict[str, str] = {}
    total: list[float] = []
    steps: dict[str, list[float]] = {}
    for q in questions:
        history = [(q_prev.question, texts[q_prev.id]) for q_prev in questions if q_prev.id == q.follow_up_of]
        t = time.perf_counter()
        result = answer(q.question, history=history or None, persona=q.persona, settings=settings, kb=kb)
        total.append((time.perf_counter() - t) * 1000)
        texts[q.id] = result.text
        for step, value in result.timings.items():
            steps.setdefault(step, []).append(value)
    return {
        "set": str(path),
        "questions": len(questions),
        "load_ms": round(load_ms, 1),
        "answer_ms": {
            "p50": round(statistics.median(total), 1),
            "p95": round(percentile(total, 0.95), 1),
            "max": round(max(total), 1),
        },
        "step_ms": {
            k: {"p50": round(statistics.median(v), 1), "p95": round(percentile(v, 0.95), 1)} for k, v in steps.items()
        },
        "rss_mib": {"before": round(rss_before), "after": round(rss_mib())},
        "targets": {"p50_ms": 150, "p95_ms": 300, "rss_mib": 1024},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Answer latency, cold and warm (JSON).")
    parser.add_argument("--rounds", type=int, default=3, help="warm rounds over the questions")
    parser.add_argument("--persona", choices=PERSONAS, default="leerondersteuner")
    parser.add_argument("--set", type=Path, help="answer every question of this set once (cold set run)")
    args = parser.parse_args()

    settings = get_settings()
    started = time.perf_counter()
    kb = default_knowledge_base(settings)
    kb.embedder.embed_queries(["opwarmen"])  # load the model outside the timings
    load_ms = (time.perf_counter() - started) * 1000
    if kb.is_empty():
        parser.error("the knowledge base is empty: run `steunwijs ingest` first")
    if args.set:
        print(json.dumps(set_run(args.set, settings, kb, load_ms), indent=2))
        return

    def timed(question: str) -> tuple[float, dict[str, float]]:
        t = time.perf_counter()
        result = answer(question, persona=args.persona, settings=settings, kb=kb)
        return (time.perf_counter() - t) * 1000, result.timings

    cold = [timed(q)[0] for q in QUESTIONS]
    new_questions = [timed(q)[0] for q in PARAPHRASES]
    warm: list[float] = []
    steps: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        for q in QUESTIONS:
            ms, timings = timed(q)
            warm.append(ms)
            for step, value in timings.items():
                steps.setdefault(step, []).append(value)
    print(
        json.dumps(
            {
                "answerer": settings.answerer,
                "questions": len(QUESTIONS),
                "warm_rounds": args.rounds,
                "load_ms": round(load_ms, 1),
                "cold_ms": {"p50": round(statistics.median(cold), 1), "max": round(max(cold), 1)},
                "new_question_warm_passages_ms": {
                    "p50": round(statistics.median(new_questions), 1),
                    "max": round(max(new_questions), 1),
                },
                "warm_ms": {
                    "p50": round(statistics.median(warm), 1),
                    "p90": round(percentile(warm, 0.9), 1),
                    "max": round(max(warm), 1),
                },
                "warm_step_p50_ms": {k: round(statistics.median(v), 1) for k, v in steps.items()},
                "target_warm_p50_ms": 1000,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
