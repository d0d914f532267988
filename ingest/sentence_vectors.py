"""The vectors of the next generation's point sentences: reused from the current one, or embedded.

An answer ranks the sentences of its passages by cosine with the question; with their vectors made
here, an answer embeds only its question (kb/sentence_vectors.py says how they are stored). Like
passage vectors, a sentence's vector is reused by its key when the model is the same, so a
re-ingest embeds only the sentences of new or changed passages, and removing a document embeds
nothing at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from ingest.manifest import Current
from ingest.vectors import PROGRESS_STEP, Vectors, load_embedder
from kb.damage import Repair
from kb.generations import model_id
from kb.sentence_vectors import SentenceVectors, sentence_key
from steunwijs.dutch.points import point_sentences
from steunwijs.settings import Settings


def _texts(vectors: Vectors) -> dict[bytes, str]:
    """Every point sentence of the generation's passages, by key (a repeated sentence counts once)."""
    found: dict[bytes, str] = {}
    for record in vectors.records:
        for sentence in point_sentences(record.to_passage().text):
            found.setdefault(sentence_key(sentence.clean), sentence.clean)
    return found


def _previous(current: Current, model: str, dim: int) -> SentenceVectors | None:
    pointer = current.pointer
    if pointer is None or pointer.model != model:
        return None
    return SentenceVectors.load(current.layout.sentences_path(pointer.generation), model, dim)


def next_sentence_vectors(
    current: Current, vectors: Vectors, settings: Settings, progress: Callable[[int, int], None] | None
) -> tuple[SentenceVectors, int]:
    """The point-sentence vectors of the generation whose passages `vectors` holds, and how many
    sentences went through the model. `progress(done, total)` follows those sentences."""
    wanted = _texts(vectors)
    previous = _previous(current, vectors.model, vectors.dim)
    table: dict[bytes, np.ndarray] = {}
    todo: list[tuple[bytes, str]] = []
    for key, text in wanted.items():
        kept = previous.get(key) if previous is not None else None
        if kept is None:
            todo.append((key, text))
        else:
            table[key] = kept
    done = 0
    for batch in _batches(todo, PROGRESS_STEP):
        made = load_embedder(settings).embed_passages([text for _, text in batch])
        table.update(zip((key for key, _ in batch), made))
        done += len(batch)
        if progress:
            progress(done, len(todo))
    return SentenceVectors.of(vectors.model, table, vectors.dim), len(todo)


def repair_sentence_vectors(
    current: Current, settings: Settings, progress: Callable[[int, int], None] | None
) -> Repair | None:
    """Make the current generation's sentence vectors when they are missing, damaged or chosen by
    older rules (a generation built before they existed, a client of a shared server, a damaged
    file, a change of `steunwijs.dutch.points`); None when they are fine. Vectors already stored
    are reused, so after a rule change only the newly chosen sentences are embedded.

    Answers work without them (they embed on the fly), so this is a repair `steunwijs ingest` does
    and reports, not an error.
    """
    pointer = current.pointer
    if pointer is None or pointer.model != model_id(settings):
        return None  # nothing ingested, or another model: the next real ingest re-embeds everything
    path = current.layout.sentences_path(pointer.generation)
    stored = SentenceVectors.read(path, pointer.model, pointer.dim)
    if stored is not None and stored.current:
        return None
    records = current.store.records(current.store.collection(pointer.collection))
    table, embedded = next_sentence_vectors(current, Vectors(records, pointer.model, pointer.dim, 0), settings, progress)
    table.save(path)
    return Repair(
        f"De zinvectoren van generatie {pointer.generation} ontbraken, waren beschadigd of verouderd; "
        f"{embedded} zinnen opnieuw omgezet.",
        f"Sentence vectors of generation {pointer.generation} were missing, damaged or stale; "
        f"{embedded} sentences embedded.",
    )


def _batches(items: list[tuple[bytes, str]], size: int) -> Iterable[list[tuple[bytes, str]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
