"""Which files of a folder an ingest may read at all: checked before a single byte is read.

A corpus folder is not always tidy, and an upload folder not always friendly:

* a symbolic link can point anywhere (`/etc/passwd`, a secret elsewhere): one whose target lies
  outside the folder is refused, and so is one whose target does not exist;
* a huge file would stall the whole ingest while it is read, hashed and cleaned: its size is
  checked from the directory entry (`readers.check_size`), so a 100 MB file is refused at once;
* the same content under a second name would be two documents saying everything twice: the
  plan keeps one (ingest/plan.py `duplicates`), and the skip reason names both.

Every refused file is reported with a `SkipReason`, so the user learns which file was left out and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ingest.errors import SkipReason, UnreadableDocument
from ingest.readers import check_size
from steunwijs.settings import Settings


def max_bytes(settings: Settings) -> int:
    """The largest document accepted, in bytes (`settings.max_upload_mb`)."""
    return settings.max_upload_mb * 2**20


def refusal(path: Path, max_bytes: int | None) -> SkipReason | None:
    """Why `path` must not be read (a link out of its folder, a broken link, empty or too large), or None."""
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(path.parent.resolve()):
            return SkipReason(
                f"een snelkoppeling naar {target}, buiten de map: niet ingelezen",
                f"a symbolic link to {target}, outside the folder: not read",
            )
        if not target.exists():
            return SkipReason("een snelkoppeling naar iets dat niet bestaat", "a symbolic link to nothing that exists")
        if not target.is_file():
            return SkipReason("een snelkoppeling naar iets dat geen bestand is", "a symbolic link to something not a file")
    try:
        check_size(path, max_bytes)
    except UnreadableDocument as error:
        return error.reason
    return None


def admitted(paths: Iterable[Path], max_bytes: int | None) -> list[Path]:
    """The paths that `refusal` lets through (e.g. the evidence for cleaning: never a refused file)."""
    return [p for p in paths if refusal(p, max_bytes) is None]


def duplicate_reason(kept: str) -> SkipReason:
    """The skip reason of a file whose content the knowledge base already has as `kept`."""
    return SkipReason(
        f"dezelfde inhoud als {kept}: alleen {kept} staat in de kennisbank",
        f"same content as {kept}: only {kept} is in the knowledge base",
    )
