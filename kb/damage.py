"""Damaged index state: what was found broken and mended, and what could not be mended.

Index files are derived or small (BM25 folders, manifests, the pointer `current.json`), so most
damage is repaired from the store of record, the Chroma collections: a reader repairs in memory
and logs it, `steunwijs ingest` repairs on disk and reports it (`IngestReport.repaired`). A
`Repair` says what was done, in Dutch for the user and English for logs. When nothing is left to
repair from, `IndexDamaged` says so instead of a traceback from json, pydantic or Chroma.
"""

from __future__ import annotations

from dataclasses import dataclass

from steunwijs.errors import SteunwijsError


@dataclass(frozen=True)
class Repair:
    """One piece of damaged index state and what was done about it: `nl` for the user, `en` for logs."""

    nl: str
    en: str


class IndexDamaged(SteunwijsError):
    """The index state is damaged beyond what a reader can repair (e.g. no complete generation left)."""
