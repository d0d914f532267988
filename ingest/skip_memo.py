"""The skip memo (`data/skipped.json`): files that could not be read, by path and hash, with the reason.

Without it a corrupt file in the corpus would turn every later no-op ingest into a model load (the
file would be "new" every time). It is a cache, not index state: an entry holds only for the same
file content and the same text-side code (`fingerprint`), so a fixed reader gets to try again.
The file stays readable for a person: one entry per path, with the reason in Dutch and English.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ingest.errors import SkipReason

SKIPPED_FILE = "skipped.json"


class SkipMemo:
    """The memo of one data folder, loaded at the start of an ingest and saved (if changed) after reading."""

    def __init__(self, data_dir: Path, fingerprint_now: str) -> None:
        self.path = data_dir / SKIPPED_FILE
        self.fingerprint = fingerprint_now
        self.entries: dict[str, dict] = json.loads(self.path.read_text(encoding="utf-8")) if self.path.exists() else {}
        self._dirty = False

    def reason(self, path: Path, sha: str) -> SkipReason | None:
        """Why this file, with this content, was skipped before; None if it was not (or has changed)."""
        entry = self.entries.get(str(path))
        if entry and entry["sha256"] == sha and entry.get("fingerprint") == self.fingerprint:
            return SkipReason(**entry["reason"])
        return None

    def remember(self, path: Path, sha: str, reason: SkipReason) -> None:
        self.entries[str(path)] = {
            "sha256": sha,
            "fingerprint": self.fingerprint,
            "reason": {"nl": reason.nl, "en": reason.en},
        }
        self._dirty = True

    def forget(self, path: Path) -> None:
        if self.entries.pop(str(path), None) is not None:
            self._dirty = True

    def save(self) -> None:
        if self._dirty:
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.entries, ensure_ascii=False, indent=1), encoding="utf-8")
            os.replace(tmp, self.path)
