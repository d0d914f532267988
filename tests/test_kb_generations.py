"""Building generations: publish flips the pointer last; a failure or a concurrent flip leaves the old one.

Real Chroma in tmp_path, hand-made records with random vectors: no model needed.
"""

from __future__ import annotations

import pytest

from kb.generations import ConcurrentPublish, Layout, Pointer, build_generation, publish, read_manifest, read_pointer
from kb.store import Store, StoredRecord
from steunwijs.settings import Settings
from tests.test_kb_store import passage, unit_vectors


def records(count: int, seed: int = 0) -> list[StoredRecord]:
    made = [StoredRecord.from_passage(passage(n), "/corpus", "abc") for n in range(count)]
    for record, vector in zip(made, unit_vectors(count, seed=seed)):
        record.embedding = vector
    return made


def build(store: Store, layout: Layout, base: Pointer | None, batch: list[StoredRecord], manifest: str) -> int:
    return build_generation(store, layout, base, batch, model="m", dim=8, manifest=manifest, fingerprint="f")


def generations(store: Store, layout: Layout) -> list[int]:
    return sorted(n for n in map(layout.generation_of, store.collection_names()) if n is not None)


def test_each_build_publishes_the_next_generation_and_drops_the_old(tmp_settings: Settings) -> None:
    store, layout = Store(tmp_settings), Layout(tmp_settings)
    progress: list[tuple[int, int]] = []
    first = build_generation(
        store,
        layout,
        None,
        records(3),
        model="m",
        dim=8,
        manifest="{}",
        fingerprint="f",
        progress=lambda *p: progress.append(p),
    )
    pointer = read_pointer(store, layout)
    assert first == 1 and pointer is not None and pointer.generation == 1 and progress == [(3, 3)]
    described = store.metadata(pointer.collection)
    assert described == {
        "generation": 1, "model": "m", "fingerprint": "f", "dim": 8, "passages": 3, "created": pointer.created
    }

    second = build(store, layout, pointer, records(2, seed=1), '{"n": 2}')
    pointer = read_pointer(store, layout)
    assert second == 2 and pointer is not None and pointer.generation == 2
    assert generations(store, layout) == [2] and [f.name for f in layout.generations_dir.iterdir()] == ["g2"]
    assert read_manifest(layout, pointer) == b'{"n": 2}'
    assert sorted(r.id for r in store.records(store.collection(pointer.collection))) == ["p0", "p1"]


def test_a_failed_build_is_discarded_and_the_pointer_stays(tmp_settings: Settings) -> None:
    store, layout = Store(tmp_settings), Layout(tmp_settings)
    build(store, layout, None, records(2), "{}")
    base = read_pointer(store, layout)
    broken = records(2)
    broken[1].embedding = None  # Chroma must never embed: the store refuses the record

    with pytest.raises(ValueError, match="embedding"):
        build(store, layout, base, broken, "{}")

    assert read_pointer(store, layout) == base and generations(store, layout) == [1]
    assert [f.name for f in layout.generations_dir.iterdir()] == ["g1"]


def test_a_pointer_moved_by_another_client_stops_the_flip(tmp_settings: Settings) -> None:
    store, layout = Store(tmp_settings), Layout(tmp_settings)
    build(store, layout, None, records(2), "{}")
    base = read_pointer(store, layout)
    assert base is not None
    publish(store, layout, base.model_copy(update={"created": "2000-01-01T00:00:00+00:00"}))  # another client's flip

    with pytest.raises(ConcurrentPublish) as caught:
        build(store, layout, base, records(3), "{}")

    assert caught.value.nl and caught.value.en
    assert read_pointer(store, layout) != base and generations(store, layout) == [1]
