"""What can go wrong in an ingest, in Dutch (for the user) and English (for logs).

Two kinds of trouble:

* A whole ingest cannot run (`IngestError` and its subclasses): a missing folder or file, a missing
  embedding model, a broken `sources.toml`, another ingest holding the lock or flipping the pointer
  first. These are `SteunwijsError`s, so the CLI and the web app report them in one place.
* One file cannot be used (`UnreadableDocument`): the ingest goes on without it and reports the file
  with its `SkipReason`, a typed pair of texts, so no caller has to split a "dutch / english" string.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from steunwijs.errors import SteunwijsError


@dataclass(frozen=True, order=True)
class SkipReason:
    """Why a file was left out of the knowledge base: `nl` to show the user, `en` for logs.

    Ordered (by `nl`, then `en`) so that a report's (file name, reason) pairs always sort.
    """

    nl: str
    en: str


class IngestError(SteunwijsError):
    """An ingest that cannot run: missing folder or file, missing embedding model, another ingest holding the lock."""


class ConcurrentIngest(IngestError):
    """Another client flipped the shared pointer while this ingest was building its generation."""


class ReadOnlyDataFolder(IngestError):
    """The data folder cannot be written (a read-only mount): ingest is off, reading still works."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(
            f"De datamap {data_dir} is alleen-lezen: inlezen staat uit. Vragen stellen, zoeken en bladeren kan wel.",
            f"The data folder {data_dir} is read-only: ingest is off (questions, search and browsing still work).",
        )


class SourcesFileError(IngestError):
    """A folder's `sources.toml` exists but cannot be used; the messages name the file and the problem."""

    def __init__(self, path: Path, nl: str, en: str) -> None:
        super().__init__(f"{path}: {nl}", f"{path}: {en}")
        self.path = path


class UnreadableDocument(SteunwijsError):
    """A file that cannot be read as a document; `reason` says why (the messages add the file name)."""

    def __init__(self, path: Path, nl: str, en: str) -> None:
        self.path = Path(path)
        self.reason = SkipReason(nl, en)
        super().__init__(f"{self.path.name}: {nl}", f"{self.path.name}: {en}")
