"""Incremental, atomic ingest: files on disk -> passages -> a new index generation -> flip.

The steps, each in its own module:

1. `manifest.open_current`    the current generation and the manifest it was built from, with
                              damaged index state repaired (reported in `IngestReport.repaired`);
2. `plan.plan_ingest`         sizes and hashes only: which files are new or changed, which documents
                              are gone; links out of the folder, huge files and second copies are
                              refused (`admission`); an unchanged corpus stops here, without
                              loading the model or writing;
3. `reading.read_passages`    new and changed files -> passages (unreadable ones are skipped with
                              their reason and remembered in `skip_memo`);
4. `vectors.next_vectors`     every record of the next generation with a vector: kept, reused or
                              embedded (only what is new is embedded);
5. `kb.generations.build_generation`   writes generation N+1 beside the current one and flips the
                              pointer (atomic; see kb/generations.py for why a `kill -9` at any
                              moment leaves a complete index).

A skipped file's earlier version, if any, stays in the index (a second copy's does not). A
read-only data folder refuses an ingest up front (`ReadOnlyDataFolder`); reads still work. One
ingest at a time per data folder (an exclusive `flock` on `data/ingest.lock`, released by the
kernel even on `kill -9`). With a shared Chroma server, a second client's ingest that finished
first makes ours stop before its flip (`ConcurrentIngest`) instead of silently overwriting it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ingest import sources
from ingest.admission import admitted, max_bytes
from ingest.errors import ConcurrentIngest, IngestError, ReadOnlyDataFolder, SkipReason
from ingest.manifest import Current, Manifest, fingerprint, open_current
from ingest.plan import Read, next_manifest, plan_ingest
from ingest.reading import read_passages
from ingest.sentence_vectors import next_sentence_vectors, repair_sentence_vectors
from ingest.skip_memo import SkipMemo
from ingest.vectors import next_vectors
from kb.damage import Repair
from kb.generations import ConcurrentPublish, Layout, build_generation, discard_generations
from kb.roles_refine import RefineReport, RolesRefiner
from kb.store import writable
from steunwijs.files import LockTimeout, exclusive_lock
from steunwijs.settings import Settings

Progress = Callable[[str, int, int], None]
"""Called as progress(stage, done, total); stages: "read" (files), "embed" (passages), "sentences" (point sentences),
"store" (passages), "roles" (sentences the LLM checks, with `roles_llm`)."""

LOCK_FILE = "ingest.lock"
LOCK_TIMEOUT_S = 300.0
NOT_IN_KB = SkipReason("niet in de kennisbank", "not in the knowledge base")


@dataclass
class IngestReport:
    """What an ingest did. `documents`/`passages` count the whole knowledge base afterwards.

    `skipped` holds (file name, reason) pairs; a reason has `.nl` (for the user) and `.en`.
    `repaired` says what damaged index state was found and mended (`.nl`, `.en`).
    """

    documents: int = 0
    passages: int = 0
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, SkipReason]] = field(default_factory=list)
    repaired: list[Repair] = field(default_factory=list)
    seconds: float = 0.0
    generation: int | None = None
    embedded: int = 0  # passages that went through the model
    sentences_embedded: int = 0  # point sentences that went through the model
    roles_llm: RefineReport | None = None  # what the LLM's check of the roles map did (`roles_llm`); lines() in Dutch

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed or self.removed)


# --- public API ------------------------------------------------------------------------------------
def ingest_folder(folder: Path, settings: Settings, progress: Progress | None = None) -> IngestReport:
    """Bring the knowledge base in line with `folder`: add new files, replace changed ones, and
    remove documents that came from this folder and are no longer there (other folders' documents,
    e.g. uploads, stay)."""
    folder = Path(folder).expanduser().resolve()
    if not folder.is_dir():
        raise IngestError(f"Map niet gevonden: {folder}", f"Folder not found: {folder}")
    files = _files_in(folder)
    return _ingest(settings, files, scope=folder, remove=set(), vocabulary_paths=files, progress=progress)


def ingest_files(paths: Sequence[Path], settings: Settings, progress: Progress | None = None) -> IngestReport:
    """Add or replace these documents only (uploads); nothing else is removed.

    A path is made absolute without following a link it may itself be, so that `admission`
    can refuse a link out of its folder.
    """
    absolute = [Path(p).expanduser().absolute() for p in paths]
    resolved = [p.parent.resolve() / p.name for p in absolute]
    missing = ", ".join(str(p) for p in resolved if not p.is_file())
    if missing:
        raise IngestError(f"Bestand niet gevonden: {missing}", f"File not found: {missing}")
    folders = sorted({p.parent for p in resolved})
    vocabulary_paths = sorted({f for folder in folders for f in _files_in(folder)})
    return _ingest(settings, resolved, scope=None, remove=set(), vocabulary_paths=vocabulary_paths, progress=progress)


def remove_documents(source_names: list[str], settings: Settings) -> IngestReport:
    """Remove documents (by file name) from the knowledge base; unknown names are reported as skipped."""
    return _ingest(settings, [], scope=None, remove=set(source_names), vocabulary_paths=[], progress=None)


# --- the steps -------------------------------------------------------------------------------------
def _files_in(folder: Path) -> list[Path]:
    """The files of a folder, links included (even broken ones, so the plan names them); not hidden
    files, not the folder's sources.toml."""
    return sorted(
        p
        for p in folder.iterdir()
        if (p.is_file() or p.is_symlink()) and not p.name.startswith(".") and p.name != sources.SOURCES_FILE
    )


@contextmanager
def _ingest_lock(layout: Layout) -> Iterator[None]:
    """One ingest at a time per data folder; waits up to LOCK_TIMEOUT_S for the one running."""
    with ExitStack() as stack:
        try:
            stack.enter_context(exclusive_lock(layout.data_dir / LOCK_FILE, timeout_s=LOCK_TIMEOUT_S))
        except LockTimeout as error:
            raise IngestError(
                f"Er loopt nog een andere inleesbeurt in {layout.data_dir}; probeer het later opnieuw.",
                f"Another ingest into {layout.data_dir} is still running.",
            ) from error
        yield


def _ingest(
    settings: Settings,
    paths: list[Path],
    *,
    scope: Path | None,
    remove: set[str],
    vocabulary_paths: list[Path],
    progress: Progress | None,
) -> IngestReport:
    started = time.perf_counter()
    layout = Layout(settings)
    if not writable(layout.data_dir):
        raise ReadOnlyDataFolder(layout.data_dir)
    with _ingest_lock(layout):
        current = open_current(settings)
        discard_generations(current.store, layout, keep=current.pointer.generation if current.pointer else None)
        manifest = current.manifest
        fingerprint_now = fingerprint(settings)
        memo = SkipMemo(layout.data_dir, fingerprint_now)
        limit = max_bytes(settings)
        if scope is not None:
            present = {p.name for p in paths}
            remove = remove | {
                name for name, entry in manifest.documents.items() if entry.folder == str(scope) and name not in present
            }
        plan = plan_ingest(paths, manifest, memo, fingerprint_now, {r for r in remove if r in manifest.documents}, limit)
        report = IngestReport(
            unchanged=plan.unchanged,
            skipped=plan.skipped,
            repaired=current.repairs + ([memo.repair] if memo.repair else []),
            generation=current.pointer.generation if current.pointer else None,
        )
        report.skipped.extend((r, NOT_IN_KB) for r in remove - set(manifest.documents))
        if plan.empty:
            memo.save()
            return _finish(_with_sentences(report, current, settings, progress), manifest, started)

        evidence = [p for p in admitted(vocabulary_paths, limit) if p not in plan.copies]
        read = read_passages(plan.to_read, settings, evidence, memo, report.skipped, _stage(progress, "read"))
        memo.save()
        if not read and not plan.remove:
            return _finish(_with_sentences(report, current, settings, progress), manifest, started)
        new_manifest = next_manifest(manifest, read, plan, fingerprint_now)
        report.added = sorted(n for n in read if n not in manifest.documents)
        report.changed = sorted(n for n in read if n in manifest.documents)
        report.removed = sorted(plan.remove)
        refiner = RolesRefiner(settings, _stage(progress, "roles")) if settings.roles_llm else None
        report.generation, report.embedded, report.sentences_embedded = _publish(
            current, new_manifest, read, settings, progress, refiner
        )
        report.roles_llm = refiner.report if refiner is not None else None
        return _finish(report, new_manifest, started)


def _with_sentences(
    report: IngestReport, current: Current, settings: Settings, progress: Progress | None
) -> IngestReport:
    """When no new generation is built, the current one still gets its sentence vectors if it lacks them."""
    repair = repair_sentence_vectors(current, settings, _stage(progress, "sentences"))
    if repair is not None:
        report.repaired.append(repair)
    return report


def _publish(
    current: Current,
    manifest: Manifest,
    read: Read,
    settings: Settings,
    progress: Progress | None,
    roles_refiner: RolesRefiner | None,
) -> tuple[int, int, int]:
    """Hand the next generation to kb, which writes it and flips.

    Returns (generation, passages embedded, point sentences embedded).
    """
    vectors = next_vectors(current, manifest, read, settings, _stage(progress, "embed"))
    sentences, sentences_embedded = next_sentence_vectors(current, vectors, settings, _stage(progress, "sentences"))
    try:
        number = build_generation(
            current.store,
            current.layout,
            current.pointer,
            vectors.records,
            model=vectors.model,
            dim=vectors.dim,
            manifest=manifest.model_dump_json(indent=1),
            fingerprint=manifest.fingerprint,
            sentences=sentences,
            progress=_stage(progress, "store"),
            roles_refiner=roles_refiner,
        )
    except ConcurrentPublish as error:
        raise ConcurrentIngest(error.nl, error.en) from error
    return number, vectors.embedded, sentences_embedded


def _stage(progress: Progress | None, stage: str) -> Callable[[int, int], None] | None:
    """A step's progress(done, total) as the caller's progress(stage, done, total)."""
    if progress is None:
        return None
    return lambda done, total: progress(stage, done, total)


def _finish(report: IngestReport, manifest: Manifest, started: float) -> IngestReport:
    report.skipped.sort()
    report.documents = len(manifest.documents)
    report.passages = sum(len(e.passage_ids) for e in manifest.documents.values())
    report.seconds = time.perf_counter() - started
    return report
