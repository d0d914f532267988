"""`python -m evals.roles [--half heldout|tuning|all] [--misses]`: the roles map against its gold set.

Reads the statements of the current knowledge base (run `steunwijs ingest` first) and prints
precision and recall per type and per actor. `--misses` lists the wrong and missed statements, for
the tuning half only: reading the held-out half's misses would be tuning on it.
"""

from __future__ import annotations

import argparse
import sys

from evals.roles.gold import HALVES, gold_half
from evals.roles.score import score, table
from kb.knowledge_base import KnowledgeBase
from kb.roles import actor_names
from steunwijs.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.roles", description=__doc__)
    parser.add_argument("--half", choices=[*HALVES, "all"], default="heldout")
    parser.add_argument("--misses", action="store_true", help="list wrong and missed statements (tuning half only)")
    args = parser.parse_args(argv)
    statements = KnowledgeBase(get_settings()).statements()
    if not statements:
        print("De kennisbank is leeg: voer eerst `steunwijs ingest` uit.", file=sys.stderr)
        return 1
    items = gold_half(None if args.half == "all" else args.half)
    result = score(statements, items)
    print(f"roles map, gold half {args.half!r}: {len(items)} sentences")
    print(table(result, actor_names()))
    if args.misses:
        if args.half != "tuning":
            print("--misses only with --half tuning (the held-out half only reports)", file=sys.stderr)
            return 2
        quotes = {item.id: item.quote for item in items}
        for gold_id, statement in result.wrong:
            print(f"wrong  {gold_id} {statement.actor}/{statement.type}: {quotes[gold_id][:100]}")
        for gold_id, actor, kind in result.missed:
            print(f"missed {gold_id} {actor}/{kind}: {quotes[gold_id][:100]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
