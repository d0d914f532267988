"""Which generation to use when the pointer cannot be trusted: damaged, or naming a missing generation.

The pointer (`current.json`, or the pointer collection of a Chroma server) is small and written
atomically, yet a disk, a hand edit or a restored backup can still leave it unreadable, or naming
a collection that is gone. The collections themselves say which generation they are and how many
passages they were built with (kb/generations.py), so the newest *complete* generation can be
found from the store alone: readers fall back on it (`current_pointer`, `load_generation`, in
memory, logged), and `steunwijs ingest` makes the fallback current on disk (`repair_pointer`).
When no complete generation is left, a reader gets `IndexDamaged` with what to do; an ingest
clears the pointer and builds the knowledge base anew.
"""

from __future__ import annotations

import logging

from kb.damage import IndexDamaged, Repair
from kb.generations import POINTER_PURPOSE, Layout, Pointer, PointerDamaged, publish, read_pointer
from kb.loading import Generation
from kb.store import Store, not_found_error

log = logging.getLogger(__name__)

_NO_FALLBACK = (
    "Er is geen volledige generatie om op terug te vallen: lees de documenten opnieuw in met `steunwijs ingest`.",
    "There is no complete generation to fall back on: run `steunwijs ingest`.",
)


def newest_complete(store: Store, layout: Layout) -> Pointer | None:
    """A pointer to the newest generation whose collection holds every passage it was built with."""
    numbered = [(layout.generation_of(name), name) for name in store.collection_names()]
    for number, name in sorted(((n, name) for n, name in numbered if n is not None), reverse=True):
        collection = store.collection(name)
        meta = collection.metadata or {}
        if "passages" in meta:
            complete = store.count(collection) == meta["passages"]
        else:  # built before collections recorded their size: its manifest was written after its records
            complete = layout.manifest_path(number).exists()
        if complete and "model" in meta:
            dim = meta.get("dim") or store.dimension(collection) or 0
            return Pointer(
                generation=number, collection=name, model=str(meta["model"]), dim=dim, created=str(meta.get("created", ""))
            )
    return None


def current_pointer(store: Store, layout: Layout) -> tuple[Pointer | None, Repair | None]:
    """The pointer; when it is damaged, the newest complete generation and what was wrong.

    Raises IndexDamaged when the pointer is damaged and no complete generation is left.
    """
    try:
        return read_pointer(store, layout), None
    except PointerDamaged as damaged:
        return _fall_back(store, layout, damaged.nl, damaged.en)


def load_generation(store: Store, layout: Layout, pointer: Pointer) -> tuple[Generation, Repair | None]:
    """The generation `pointer` names, loaded; when its collection is gone, the one to use instead.

    A collection can vanish because an ingest just flipped the pointer and dropped it (then the
    pointer, read again, names the new one) or because it is really gone (then the newest complete
    generation is loaded, and the Repair says so).
    """
    try:
        return Generation.load(store, layout, pointer), None
    except not_found_error():
        fresh, repair = current_pointer(store, layout)
    if fresh is not None and fresh != pointer:
        try:
            return Generation.load(store, layout, fresh), repair
        except not_found_error():
            pointer = fresh
    fallback, repair = _missing(store, layout, pointer)
    return Generation.load(store, layout, fallback), repair


def repair_pointer(store: Store, layout: Layout) -> tuple[Pointer | None, list[Repair]]:
    """For a writer: the current pointer, made readable and naming an existing generation on disk.

    A damaged pointer, or one naming a missing collection, is replaced by the newest complete
    generation (published, so every reader agrees); with none left it is cleared, and the ingest
    builds the knowledge base anew.
    """
    try:
        pointer, repair = current_pointer(store, layout)
        if pointer is None or (repair is None and pointer.collection in store.collection_names()):
            return pointer, []
        if repair is None:
            pointer, repair = _missing(store, layout, pointer)
    except IndexDamaged as lost:
        _clear_pointer(store, layout)
        return None, [Repair(f"{lost.nl} De kennisbank wordt opnieuw opgebouwd.", f"{lost.en} Rebuilding the knowledge base.")]
    publish(store, layout, pointer)
    return pointer, [repair]


def _missing(store: Store, layout: Layout, pointer: Pointer) -> tuple[Pointer, Repair]:
    return _fall_back(
        store,
        layout,
        f"De huidige generatie ({pointer.generation}) bestaat niet meer in de opslag.",
        f"The current generation ({pointer.collection}) does not exist in the store.",
    )


def _fall_back(store: Store, layout: Layout, nl: str, en: str) -> tuple[Pointer, Repair]:
    """The newest complete generation, with what was wrong; IndexDamaged when there is none."""
    fallback = newest_complete(store, layout)
    if fallback is None:
        raise IndexDamaged(f"{nl} {_NO_FALLBACK[0]}", f"{en} {_NO_FALLBACK[1]}")
    return fallback, Repair(
        f"{nl} Teruggevallen op generatie {fallback.generation}, de nieuwste volledige.",
        f"{en} Fell back on generation {fallback.generation}, the newest complete one.",
    )


def _clear_pointer(store: Store, layout: Layout) -> None:
    """Forget a pointer that names nothing usable, so the next build starts from generation 1."""
    if store.is_server and layout.meta_collection in store.collection_names():
        store.set_metadata(store.collection(layout.meta_collection), POINTER_PURPOSE)
    layout.pointer_path.unlink(missing_ok=True)
    log.warning("cleared the pointer %s: it named no usable generation", layout.pointer_path)
