"""Benchmark: what the roles map costs an ingest (issue 12: at most 10% of a first ingest, nothing on a no-op).

Run from the project root, after an ingest of the default corpus:

    .venv/bin/python -m benchmarks.roles_map [--data DIR] [--first-ingest-s 175.6] [--rounds 3]

Works on a copy of the data folder (DIR, default: the configured one), which is left alone. Prints
one JSON object:

- `first_build_s`: building the map of the whole generation by the rules, as a first ingest does
  (no earlier map), in this fresh process (patterns compiled on first use included), and the
  median of `rounds` more (`warm_build_s`); writing roles.json is included;
- `share_of_first_ingest`: first_build_s against a first ingest's time (`--first-ingest-s`, the
  README's figure of the benchmarks.ingest_search run, or measure it anew with that benchmark);
- `one_document_changed_s`: a re-ingest's build when one document changed (the others' statements
  reused by key);
- `noop_ingest`: a no-op `ingest_folder` over the copy, with the calls to the map's build and to
  its per-document extraction counted, and whether roles.json stayed byte for byte the same;
- `llm_check_all_cached_s`: the LLM check (roles_llm) of the whole map when every sentence has a
  stored verdict, against an endpoint that refuses every connection: `asked` must be 0.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import kb.generations
import kb.roles_build
from ingest.pipeline import ingest_folder
from kb.generations import Layout, read_pointer, write_roles
from kb.loading import Generation
from kb.roles import Refinement, decision_key, sentence_groups
from kb.roles_build import build_roles
from kb.roles_refine import RolesRefiner, prompt_fingerprint
from kb.store import Store
from steunwijs.settings import get_settings
from tests.llm_server import free_port

README_FIRST_INGEST_S = 175.6  # README, "Figures": first ingest of the default corpus (benchmarks.ingest_search)


def _timed(work):  # noqa: ANN001, ANN202 - any callable, its result
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=get_settings().data_dir, help="an ingested data folder (copied)")
    parser.add_argument("--first-ingest-s", type=float, default=README_FIRST_INGEST_S)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="roles-bench-") as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(args.data, data, ignore=shutil.ignore_patterns("ingest.lock", "web", "eval"))
        settings = get_settings(data_dir=data)
        store, layout = Store(settings), Layout(settings)
        pointer = read_pointer(store, layout)
        if pointer is None:
            raise SystemExit(f"{args.data} holds no generation: ingest first")
        passages = Generation.load(store, layout, pointer).passages
        scratch = 10_000 + pointer.generation  # a generation number no ingest uses, for the written map

        def full_build() -> object:
            roles = build_roles(passages, None)
            write_roles(layout, scratch, roles)
            return roles

        first_s, roles = _timed(full_build)
        warm = [_timed(full_build)[0] for _ in range(args.rounds)]
        one_doc = sorted(roles.documents)[0]
        previous = roles.model_copy(update={"documents": {k: v for k, v in roles.documents.items() if k != one_doc}})
        changed_s = statistics.median(_timed(lambda: build_roles(passages, previous))[0] for _ in range(args.rounds))

        # the LLM check with a verdict stored for every sentence: nothing may be asked
        llm_settings = get_settings(data_dir=data, roles_llm=True, llm_base_url=f"http://127.0.0.1:{free_port()}/v1")
        refiner = RolesRefiner(llm_settings)
        groups = sentence_groups(roles.rule_statements())
        verdicts = {decision_key(g, refiner.model, prompt_fingerprint()): [] for g in groups}
        cached = roles.model_copy(
            update={"refinement": Refinement(model=refiner.model, prompt=prompt_fingerprint(), verdicts=verdicts)}
        )
        llm_s, _ = _timed(lambda: refiner.refine(roles, cached))
        shutil.rmtree(layout.folder(scratch))

        # a no-op ingest over the copy: the map's build and extraction counted
        calls = {"build_roles": 0, "extract_document": 0}
        build, extract = kb.generations.build_roles, kb.roles_build.extract_document

        def counted_build(*a, **k):  # noqa: ANN002, ANN003, ANN202
            calls["build_roles"] += 1
            return build(*a, **k)

        def counted_extract(*a, **k):  # noqa: ANN002, ANN003, ANN202
            calls["extract_document"] += 1
            return extract(*a, **k)

        kb.generations.build_roles, kb.roles_build.extract_document = counted_build, counted_extract
        roles_file = layout.roles_path(pointer.generation)
        before = roles_file.read_bytes()
        noop_s, report = _timed(lambda: ingest_folder(settings.corpus_dir, settings))
        unchanged = read_pointer(store, layout) == pointer and roles_file.read_bytes() == before

    print(
        json.dumps(
            {
                "generation": pointer.generation,
                "documents": len(roles.documents),
                "passages": len(passages),
                "statements": len(roles.statements()),
                "first_build_s": round(first_s, 3),
                "warm_build_s": round(statistics.median(warm), 3),
                "first_ingest_s": args.first_ingest_s,
                "share_of_first_ingest": round(first_s / args.first_ingest_s, 4),
                "one_document_changed_s": round(changed_s, 3),
                "noop_ingest": {
                    "seconds": round(noop_s, 3),
                    "changed_anything": report.changed_anything,
                    "build_roles_calls": calls["build_roles"],
                    "extract_document_calls": calls["extract_document"],
                    "roles_json_unchanged": unchanged,
                },
                "llm_check_all_cached_s": round(llm_s, 3),
                "llm_check_all_cached": {
                    "sentences": refiner.report.sentences,
                    "asked": refiner.report.asked,
                    "reused": refiner.report.reused,
                    "failed": refiner.report.failed,
                },
                "loadavg_1m": round(os.getloadavg()[0], 2),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
