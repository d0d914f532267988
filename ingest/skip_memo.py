"""The skip memo (`data/skipped.json`): files that could not be read, by path and hash, with the reason.

Without it a corrupt file in the corpus would turn every later no-op ingest into a model load (the
file would be "new" every time). It is a cache, not index state: an entry holds only for the same
file content and the same text-side code (`fingerprint`), so a fixed reader gets to try again.
The file stays readable for a person: one entry per path, with the reason in Dutch and English.
A damaged memo is started afresh (its files are simply tried again), and `repair` says so.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, TypeAdapter, ValidationError

from ingest.errors import SkipReason
from kb.damage import Repair

SKIPPED_FILE = "skipped.json"


class _Entry(BaseModel):
    sha256: str
    fingerprint: str = ""  # memos written before the fingerprint was recorded never match
    reason: SkipReason


_ENTRIES = TypeAdapter(dict[str, _Entry])


class SkipMemo:
    """The memo of one data folder, loaded at the start of an ingest and saved (if changed) after reading."""

    def __init__(self, data_dir: Path, fingerprint_now: str) -> None:
        self.path = data_dir / SKIPPED_FILE
        self.fingerprint = fingerprint_now
        self.entries: dict[str, _Entry] = {}
        self.repair: Repair | None = None
        self._dirty = False
        if self.path.exists():
            try:
                self.entries = _ENTRIES.validate_json(self.path.read_bytes())
            except ValidationError as error:
                self.repair = Repair(
                    f"{self.path} was beschadigd; opnieuw begonnen (overgeslagen bestanden worden opnieuw geprobeerd).",
                    f"{self.path} was damaged ({error.error_count()} errors); started afresh.",
                )
                self._dirty = True

    def reason(self, path: Path, sha: str) -> SkipReason | None:
        """Why this file, with this content, was skipped before; None if it was not (or has changed)."""
        entry = self.entries.get(str(path))
        if entry and entry.sha256 == sha and entry.fingerprint == self.fingerprint:
            return entry.reason
        return None

    def remember(self, path: Path, sha: str, reason: SkipReason) -> None:
        self.entries[str(path)] = _Entry(sha256=sha, fingerprint=self.fingerprint, reason=reason)
        self._dirty = True

    def forget(self, path: Path) -> None:
        if self.entries.pop(str(path), None) is not None:
            self._dirty = True

    def save(self) -> None:
        if self._dirty:
            tmp = self.path.with_suffix(".tmp")
            tmp.write_bytes(_ENTRIES.dump_json(self.entries, indent=1))
            os.replace(tmp, self.path)
