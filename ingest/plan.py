"""Planning an ingest: which files to read, which documents to drop, which stay as they are.

Cheap on purpose: only file sizes and hashes, the `sources.toml` tables and the manifest, never
the model or the chunker, so re-ingesting an unchanged corpus finds nothing to do within a second
and writes nothing. Files that must not be read (ingest/admission.py: links out of the folder,
huge files) are refused before they are hashed; content already present under another name is
kept once. The plan and the passages read for it then give the next generation's manifest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ingest import sources
from ingest.admission import duplicate_reason, refusal
from ingest.errors import SkipReason
from ingest.manifest import DocumentEntry, Manifest, sources_toml_sha
from ingest.readers import SUPPORTED_SUFFIXES
from ingest.skip_memo import SkipMemo
from steunwijs.files import sha256_file
from steunwijs.types import DocumentMeta, Passage


@dataclass
class Candidate:
    """A new or changed file to read, with its hash and metadata."""

    path: Path
    sha256: str
    meta: DocumentMeta


@dataclass
class Plan:
    to_read: list[Candidate] = field(default_factory=list)
    remove: set[str] = field(default_factory=set)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, SkipReason]] = field(default_factory=list)
    copies: dict[Path, str] = field(default_factory=dict)  # second copies: path -> the document kept
    sources_toml: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.to_read and not self.remove


Read = dict[str, tuple[Candidate, list[Passage]]]
"""The passages of the files read, by file name."""


def plan_ingest(
    paths: Iterable[Path],
    manifest: Manifest,
    memo: SkipMemo,
    fingerprint_now: str,
    remove: set[str],
    max_bytes: int | None,
) -> Plan:
    """Compare the files with the manifest: unchanged ones stay, new and changed ones are to be read.

    A file is unchanged when its bytes, its folder's sources.toml and the fingerprint are; when
    only the sources.toml changed, it is unchanged if its own metadata entry is. Unsupported and
    refused files (`admission.refusal`), files the memo knows to be unreadable and duplicates of
    another document are skipped with their reason; a duplicate ingested earlier is removed.
    """
    result = Plan(remove=set(remove))
    hashed: dict[Path, str] = {}
    for path in paths:
        folder = path.parent
        if str(folder) not in result.sources_toml:
            result.sources_toml[str(folder)] = sources_toml_sha(folder)
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            suffix = path.suffix or "(geen)"
            result.skipped.append(
                (path.name, SkipReason(f"bestandstype '{suffix}' wordt niet ondersteund", "unsupported file type"))
            )
            continue
        reason = refusal(path, max_bytes)
        sha = sha256_file(path) if reason is None else ""
        reason = reason or memo.reason(path, sha)
        if reason is not None:
            result.skipped.append((path.name, reason))
            continue
        hashed[path] = sha
    result.copies = duplicates(hashed, manifest, result.remove)
    for path, kept in result.copies.items():
        result.skipped.append((path.name, duplicate_reason(kept)))
        entry = manifest.documents.get(path.name)
        if entry is not None and entry.folder == str(path.parent):
            result.remove.add(path.name)
    tables: dict[Path, dict[str, DocumentMeta]] = {}
    stale_code = manifest.fingerprint != fingerprint_now
    for path, sha in hashed.items():
        if path in result.copies:
            continue
        folder = path.parent
        entry = manifest.documents.get(path.name)
        same_file = entry is not None and entry.sha256 == sha and entry.folder == str(folder)
        same_table = manifest.sources_toml.get(str(folder)) == result.sources_toml[str(folder)]
        if same_file and same_table and not stale_code:
            result.unchanged.append(path.name)
            continue
        if folder not in tables:
            tables[folder] = sources.load_metadata(folder, max_bytes)
        meta = sources.meta_for(path, tables[folder])
        if same_file and not stale_code and entry is not None and entry.meta == meta:
            result.unchanged.append(path.name)
            continue
        result.to_read.append(Candidate(path, sha, meta))
    return result


def duplicates(hashed: dict[Path, str], manifest: Manifest, remove: set[str]) -> dict[Path, str]:
    """Files whose content (sha256 in `hashed`) another document has: path -> the name kept.

    Kept first: a document that stays as it is (not among these files, not removed); then one of
    these files that the manifest already holds with this content (so a re-ingest never swaps
    which of two copies is in); then the first by name.
    """
    names = {p.name for p in hashed}
    kept: dict[str, str] = {}
    for name, entry in sorted(manifest.documents.items()):
        if name not in remove and name not in names:
            kept.setdefault(entry.sha256, name)

    def known(path: Path) -> bool:
        entry = manifest.documents.get(path.name)
        return entry is not None and entry.sha256 == hashed[path] and entry.folder == str(path.parent)

    found: dict[Path, str] = {}
    for path in sorted(hashed, key=lambda p: (not known(p), p.name)):
        holder = kept.setdefault(hashed[path], path.name)
        if holder != path.name:
            found[path] = holder
    return found


def next_manifest(manifest: Manifest, read: Read, plan: Plan, fingerprint_now: str) -> Manifest:
    """The manifest after this ingest: the kept documents of `manifest` plus the ones just read."""
    documents = {n: e for n, e in manifest.documents.items() if n not in plan.remove and n not in read}
    for name, (candidate, passages) in read.items():
        documents[name] = DocumentEntry(
            folder=str(candidate.path.parent),
            sha256=candidate.sha256,
            meta=candidate.meta,
            passage_ids=[p.id for p in passages],
        )
    return Manifest(
        fingerprint=fingerprint_now,
        sources_toml=manifest.sources_toml | plan.sources_toml,
        documents=dict(sorted(documents.items())),
    )
