"""Hostile or careless files: links out of the folder, huge files, the same content under two names.

Real files in tmp_path and a real Chroma store; the planning tests need no model (nothing gets read),
the end-to-end test does (marked slow).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ingest.errors import SkipReason
from ingest.manifest import DocumentEntry, Manifest, sources_toml_sha
from ingest.pipeline import ingest_files, ingest_folder
from ingest.plan import Plan, plan_ingest
from ingest.skip_memo import SkipMemo
from ingest.sources import load_metadata
from steunwijs.files import sha256_file
from steunwijs.settings import Settings
from steunwijs.types import DocumentMeta
from tests.pipeline_corpus import DOCS, write_corpus

LIMIT = 2**20  # 1 MiB for the planning tests
SECRET = "Het wachtwoord van de directie is geheim-4711.\n"


def plan(folder: Path, tmp_path: Path, manifest: Manifest | None = None, remove: frozenset[str] = frozenset()) -> Plan:
    files = sorted(p for p in folder.iterdir() if p.name != "sources.toml")
    memo = SkipMemo(tmp_path, "fp")
    return plan_ingest(files, manifest or Manifest(fingerprint="fp"), memo, "fp", set(remove), LIMIT)


def entry(path: Path, source: str) -> DocumentEntry:
    """A manifest entry of `source`, ingested earlier from the file `path` (its content as it is now)."""
    meta = DocumentMeta(source=source, title=source, short_title=source)
    return DocumentEntry(folder=str(path.parent), sha256=sha256_file(path), meta=meta, passage_ids=["p1"])


def skipped(result: Plan) -> dict[str, SkipReason]:
    return dict(result.skipped)


def read_names(result: Plan) -> list[str]:
    return [c.path.name for c in result.to_read]


def secret_elsewhere(tmp_path: Path) -> Path:
    elsewhere = tmp_path / "elders"
    elsewhere.mkdir()
    secret = elsewhere / "geheim.txt"
    secret.write_text(SECRET, encoding="utf-8")
    return secret


def test_a_link_out_of_the_folder_is_refused_a_link_inside_is_a_second_copy(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    (corpus / "geheim.txt").symlink_to(secret_elsewhere(tmp_path))
    (corpus / "kapot.txt").symlink_to(corpus / "bestaat-niet.txt")
    (corpus / "ook-leersteun.txt").symlink_to(corpus / "leersteun.txt")

    result = plan(corpus, tmp_path)

    reasons = skipped(result)
    assert "/etc/passwd" in reasons["passwd.txt"].nl and "buiten de map" in reasons["passwd.txt"].nl
    assert "geheim.txt" in reasons["geheim.txt"].nl and "outside the folder" in reasons["geheim.txt"].en
    assert "niet bestaat" in reasons["kapot.txt"].nl
    assert "leersteun.txt" in reasons["ook-leersteun.txt"].nl  # inside the folder: read, but once
    assert read_names(result) == sorted(DOCS)


def test_metadata_is_never_read_from_a_refused_file(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "gids.md").write_text("# Gids voor leerondersteuners\n\nTekst.\n", encoding="utf-8")
    (folder / "geheim.md").symlink_to(secret_elsewhere(tmp_path).rename(tmp_path / "elders" / "geheim.md"))
    (folder / "groot.txt").write_bytes(b"x" * (LIMIT + 1))

    table = load_metadata(folder, LIMIT)

    assert sorted(table) == ["gids.md"] and table["gids.md"].title == "Gids voor leerondersteuners"


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", names=("leersteun.txt",))
    (corpus / "groot.txt").write_bytes(b"tekst " * (LIMIT // 6 + 1))
    (corpus / "leeg.txt").write_bytes(b"")

    result = plan(corpus, tmp_path)

    assert "te groot" in skipped(result)["groot.txt"].nl and "leeg" in skipped(result)["leeg.txt"].nl
    assert read_names(result) == ["leersteun.txt"]


def test_a_100_mb_text_file_is_rejected_in_under_a_second(tmp_path: Path, tmp_settings: Settings) -> None:
    folder = tmp_path / "groot"
    folder.mkdir()
    line = "De leerondersteuner werkt samen met de leraar in de klas. " * 20 + "\n"
    with (folder / "groot.txt").open("w", encoding="utf-8") as handle:
        for _ in range(100 * 2**20 // len(line) + 1):
            handle.write(line)
    assert (folder / "groot.txt").stat().st_size > 100 * 2**20 > tmp_settings.max_upload_mb * 2**20

    started = time.perf_counter()
    report = ingest_folder(folder, tmp_settings)
    seconds = time.perf_counter() - started

    assert [name for name, _ in report.skipped] == ["groot.txt"] and "te groot" in report.skipped[0][1].nl
    assert report.documents == 0 and seconds < 1.0, seconds


def test_identical_content_is_read_once_and_the_reason_names_both(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    (corpus / "kopie van netwerk.txt").write_text(DOCS["netwerk.txt"], encoding="utf-8")
    (corpus / "a-netwerk.txt").write_text(DOCS["netwerk.txt"], encoding="utf-8")

    result = plan(corpus, tmp_path)

    assert read_names(result) == ["a-netwerk.txt", "leersteun.txt", "pwb.txt"]  # the first by name is kept
    for copy in ("kopie van netwerk.txt", "netwerk.txt"):
        reason = skipped(result)[copy]
        assert "a-netwerk.txt" in reason.nl and "a-netwerk.txt" in reason.en and "dezelfde inhoud" in reason.nl


def test_an_old_second_copy_leaves_the_knowledge_base(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    (corpus / "netwerk_kopie.txt").write_text(DOCS["netwerk.txt"], encoding="utf-8")
    netwerk = entry(corpus / "netwerk.txt", "netwerk.txt")
    both_in = Manifest(  # ingested before copies were refused
        fingerprint="fp",
        sources_toml={str(corpus): sources_toml_sha(corpus)},
        documents={"netwerk.txt": netwerk, "netwerk_kopie.txt": netwerk},
    )

    result = plan(corpus, tmp_path, both_in)

    assert "netwerk.txt" in result.unchanged and read_names(result) == ["leersteun.txt", "pwb.txt"]
    assert "netwerk.txt" in skipped(result)["netwerk_kopie.txt"].nl and result.remove == {"netwerk_kopie.txt"}


def test_a_renamed_file_is_no_copy_of_its_old_name(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", names=("pwb.txt",))
    (corpus / "pwb.txt").rename(corpus / "co-teaching.txt")
    old = entry(corpus / "co-teaching.txt", "pwb.txt")

    result = plan(corpus, tmp_path, Manifest(fingerprint="fp", documents={"pwb.txt": old}), frozenset({"pwb.txt"}))

    assert read_names(result) == ["co-teaching.txt"] and not result.skipped


def test_an_uploaded_copy_of_a_document_in_the_knowledge_base_is_skipped(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "mijn-netwerk.txt").write_text(DOCS["netwerk.txt"], encoding="utf-8")
    in_kb = entry(corpus / "netwerk.txt", "netwerk.txt")

    result = plan(uploads, tmp_path, Manifest(fingerprint="fp", documents={"netwerk.txt": in_kb}))

    assert not result.to_read and "netwerk.txt" in skipped(result)["mijn-netwerk.txt"].nl


def test_an_uploaded_link_out_of_its_folder_is_refused(tmp_path: Path, tmp_settings: Settings) -> None:
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "bijlage.txt").symlink_to(secret_elsewhere(tmp_path))

    report = ingest_files([uploads / "bijlage.txt"], tmp_settings)

    assert [name for name, _ in report.skipped] == ["bijlage.txt"] and "buiten de map" in report.skipped[0][1].nl
    assert report.documents == 0


@pytest.mark.slow
def test_an_ingest_keeps_out_links_and_copies_and_names_each(tmp_path: Path, tmp_settings: Settings) -> None:
    from kb.knowledge_base import KnowledgeBase

    corpus = write_corpus(tmp_path / "corpus")
    (corpus / "geheim.txt").symlink_to(secret_elsewhere(tmp_path))
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    (corpus / "netwerk_kopie.txt").write_text(DOCS["netwerk.txt"], encoding="utf-8")

    report = ingest_folder(corpus, tmp_settings)

    assert report.added == sorted(DOCS)
    reasons = {name: reason.nl for name, reason in report.skipped}
    assert sorted(reasons) == ["geheim.txt", "netwerk_kopie.txt", "passwd.txt"]
    assert "netwerk.txt" in reasons["netwerk_kopie.txt"]
    kb = KnowledgeBase(tmp_settings)
    assert [d.doc.source for d in kb.documents()] == sorted(DOCS)
    hits = kb.search("Wat is het wachtwoord van de directie?", k=10) + kb.search("root:x:0:0 bin bash", k=10)
    assert not any("geheim-4711" in h.passage.text or "root:" in h.passage.text for h in hits)

    again = ingest_folder(corpus, tmp_settings)  # nothing new: the same three are named again
    assert sorted(name for name, _ in again.skipped) == sorted(reasons) and again.unchanged == sorted(DOCS)
