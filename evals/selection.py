"""Which questions a run asks, in which order, and which earlier turns each one is asked with.

Shared by the eval runner and the abstention tuner, so that both replay a follow-up with the same
conversation: the earlier questions of its chain (``follow_up_of``), oldest first.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources.abc import Traversable
from pathlib import Path

from evals.questionset import Question, load_set
from steunwijs.errors import InputError


class EvalInputError(InputError):
    """Input that cannot be run as given: unknown ids, a set given twice, an empty knowledge base."""


def load_sets(paths: Sequence[Path]) -> list[Question]:
    """All questions of the sets, in order; ids are prefixed "<set name>/" when two sets share an id.

    Prefixing every id (not only the colliding ones) keeps each set's ids recognisable in the report,
    and rewriting ``follow_up_of`` the same way keeps each conversation inside its own set.
    """
    names = [Path(p).stem for p in paths]
    if len(set(names)) != len(names):
        listed = ", ".join(map(str, paths))
        raise EvalInputError(
            f"Twee vragensets hebben dezelfde bestandsnaam, die hun ids onderscheidt; hernoem er een: {listed}",
            f"two sets share a file name, which namespaces their ids; rename one: {listed}",
        )
    sets = [load_set(p) for p in paths]
    all_ids = [q.id for questions in sets for q in questions]
    if len(set(all_ids)) == len(all_ids):
        return [q for questions in sets for q in questions]
    return [
        q.model_copy(
            update={
                "id": f"{name}/{q.id}",
                "follow_up_of": f"{name}/{q.follow_up_of}" if q.follow_up_of else None,
            }
        )
        for name, questions in zip(names, sets)
        for q in questions
    ]


def read_ids_file(path: Path | Traversable) -> list[str]:
    """Question ids, one a line; blank lines and text after '#' are ignored.

    A `Traversable` is accepted so packaged lists (`evals.gate.GATE_IDS`) are read from the package.
    """
    ids = [line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
    ids = [i for i in ids if i]
    if not ids:
        raise EvalInputError(f"{path} bevat geen vraag-ids.", f"{path} lists no question ids")
    return ids


def select(questions: Sequence[Question], ids: Sequence[str]) -> tuple[list[Question], list[str]]:
    """The listed questions plus the earlier turns their follow-ups need, in set order.

    A follow-up cannot be asked without its conversation, so its chain is run too; the ids that were
    added for that reason are returned so the report can say so.
    """
    by_id = {q.id: q for q in questions}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        listed = ", ".join(unknown)
        raise EvalInputError(f"Onbekende vraag-id(s): {listed}", f"unknown question id(s): {listed}")
    wanted = set(ids)
    added: list[str] = []
    for qid in ids:
        parent = by_id[qid].follow_up_of
        while parent is not None and parent not in wanted:
            wanted.add(parent)
            added.append(parent)
            parent = by_id[parent].follow_up_of
    return [q for q in questions if q.id in wanted], added


def history_chain(question: Question, by_id: dict[str, Question]) -> list[str]:
    """Ids of the earlier turns of a question's conversation, oldest first."""
    chain: list[str] = []
    parent = question.follow_up_of
    while parent is not None:
        chain.append(parent)
        parent = by_id[parent].follow_up_of
    return chain[::-1]
