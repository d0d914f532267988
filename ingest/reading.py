"""Reading the planned files: new and changed documents -> passages; unreadable ones -> skipped.

The first step of an ingest that needs the embedding model: its tokenizer sizes the passages. The cleaning evidence (`Vocabulary`) comes from every readable document
of the folder(s), not just the changed ones, so a document is cleaned the same way whether it is
read alone or with the whole corpus.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ingest.admission import max_bytes
from ingest.clean.vocabulary import Vocabulary
from ingest.errors import SkipReason, UnreadableDocument
from ingest.plan import Candidate, Read
from ingest.readers import SUPPORTED_SUFFIXES
from ingest.skip_memo import SkipMemo
from ingest.vectors import load_embedder
from steunwijs.settings import Settings

NO_TEXT = SkipReason("geen tekst gevonden", "no text found")


def read_passages(
    candidates: list[Candidate],
    settings: Settings,
    vocabulary_paths: list[Path],
    memo: SkipMemo,
    skipped: list[tuple[str, SkipReason]],
    progress: Callable[[int, int], None] | None,
) -> Read:
    """Chunk the new and changed files; unreadable ones go to `skipped` (and the memo) with their reason.

    `progress(done, total)` follows the files.
    """
    from ingest import chunker  # llama-index: seconds to import, and a no-op ingest never gets here

    count_tokens = load_embedder(settings).count_tokens
    vocabulary = _vocabulary(vocabulary_paths, settings)
    read: Read = {}
    for done, candidate in enumerate(candidates, start=1):
        try:
            passages = chunker.passages_for_file(
                candidate.path,
                candidate.meta,
                count_tokens,
                settings.chunk_size,
                settings.chunk_overlap,
                settings.max_tokens,
                vocabulary=vocabulary,
                max_bytes=max_bytes(settings),
            )
        except UnreadableDocument as error:
            memo.remember(candidate.path, candidate.sha256, error.reason)
            skipped.append((candidate.path.name, error.reason))
        else:
            if passages:
                memo.forget(candidate.path)
                read[candidate.path.name] = (candidate, passages)
            else:
                memo.remember(candidate.path, candidate.sha256, NO_TEXT)
                skipped.append((candidate.path.name, NO_TEXT))
        if progress:
            progress(done, len(candidates))
    return read


def _vocabulary(paths: Sequence[Path], settings: Settings) -> Vocabulary:
    """Hyphenation and footnote evidence from every readable document of the folder(s), not just the changed ones."""
    return Vocabulary.from_files(
        [p for p in paths if p.suffix.lower() in SUPPORTED_SUFFIXES], max_bytes=max_bytes(settings)
    )
