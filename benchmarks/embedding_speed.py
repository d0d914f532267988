"""Encoder throughput, side by side in one run: sentence-transformers fp32 (torch) against the ONNX
encoders (fp32 and int8, kb/encoder/onnx_export.py), on the same corpus passages, plus agreement.

Why: ingest embeds every passage and every point sentence, and each question is embedded live, so
the encoder sets the pace of both. Issue 13's goal is throughput >= 2.5x torch fp32; the quality
gate is the eval suite's figures on the test split (see README), and the cosine between the two
encoders' vectors printed here is the quick check. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/embedding_speed.py [--passages 96] [--tokens 300] [--rounds 2]

The encoders are timed alternately over `--rounds`, so a machine that is busy for a while slows
both alike; "per CPU-second" is the figure to compare when the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402

from kb.embeddings import Embedder  # noqa: E402
from steunwijs.settings import Settings  # noqa: E402


def corpus_passages(settings: Settings, count: int, tokens: int) -> list[str]:
    """`count` consecutive `tokens`-token slices of the default corpus, decoded back to text."""
    tokenizer = Tokenizer.from_file(str(Path(settings.embedding_model_path) / "tokenizer.json"))
    passages: list[str] = []
    for path in sorted(settings.corpus_dir.glob("*.txt")):
        ids = tokenizer.encode(" ".join(path.read_text(encoding="utf-8").split()), add_special_tokens=False).ids
        for start in range(0, len(ids) - tokens, tokens):
            passages.append(tokenizer.decode(ids[start : start + tokens]))
            if len(passages) == count:
                return passages
    return passages


def timed(embedder: Embedder, texts: list[str]) -> tuple[np.ndarray, float, float]:
    start, cpu_start = time.perf_counter(), time.process_time()
    vectors = embedder.embed_passages(texts)
    return vectors, time.perf_counter() - start, time.process_time() - cpu_start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=96)
    parser.add_argument("--tokens", type=int, default=300, help="Content tokens per passage (prefix excluded).")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    settings = Settings()
    texts = corpus_passages(settings, args.passages, args.tokens)
    encoders: dict[str, Embedder] = {}
    for name in ("torch-fp32", "onnx-fp32", "onnx-int8"):
        start = time.perf_counter()
        encoders[name] = Embedder(
            settings.embedding_model_path, settings.query_prefix, settings.passage_prefix, settings.embed_batch_size, name
        )
        encoders[name].embed_passages(texts[:4])  # warm-up
        print(f"{name}: loaded in {time.perf_counter() - start:.1f} s")
    print(f"{len(texts)} passages of {args.tokens} tokens; cpus {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}")

    wall: dict[str, list[float]] = {name: [] for name in encoders}
    cpu: dict[str, list[float]] = {name: [] for name in encoders}
    vectors: dict[str, np.ndarray] = {}
    for _ in range(args.rounds):
        for name, embedder in encoders.items():
            vectors[name], seconds, cpu_seconds = timed(embedder, texts)
            wall[name].append(len(texts) / seconds)
            cpu[name].append(len(texts) / cpu_seconds)
    for name in encoders:
        print(f"{name}: {statistics.median(wall[name]):.1f} passages/s wall, "
              f"{statistics.median(cpu[name]):.1f} passages per CPU-second")  # fmt: skip
    reference = "torch-fp32"
    for name in encoders:
        if name == reference:
            continue
        speedup = statistics.median(wall[name]) / statistics.median(wall[reference])
        cpu_speedup = statistics.median(cpu[name]) / statistics.median(cpu[reference])
        cosines = np.sum(vectors[name] * vectors[reference], axis=1)
        print(f"{name} / {reference}: {speedup:.2f}x wall, {cpu_speedup:.2f}x per CPU-second (goal >= 2.5x); "
              f"cosine per passage min {cosines.min():.4f}, mean {cosines.mean():.4f}")  # fmt: skip
    questions = ["Wat doet een leerondersteuner?", "Wie vraagt leersteun aan?", "Wat is een IAC?"] * 5
    for name, embedder in encoders.items():
        start = time.perf_counter()
        for question in questions:
            embedder.embed_queries([question])
        print(f"{name}: single question {(time.perf_counter() - start) / len(questions) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
