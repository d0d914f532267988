"""Questions that name a document: which documents they name, and the fused scoped search."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.sources import load_metadata
from kb.scope import ReferenceTable, fuse, named_documents, scoped_search
from steunwijs.errors import ConfigurationError
from steunwijs.resources import parse_toml
from steunwijs.settings import get_settings
from steunwijs.types import DocumentMeta, Hit, Passage

DOCS = sorted(load_metadata(get_settings().corpus_dir).values(), key=lambda d: d.source)
BOOK, PWB, NEWS, SURVEY, INSPECTION = (
    "003_f0048e20d44ebb64.txt",
    "001_87ffc6dd6188986e.txt",
    "002_6a138d292be975d4.txt",
    "000_baa5b4e532ab2e0a.txt",
    "004_f932f971383260c2.txt",
)


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("Wat raadt het PWB-rapport aan voor de samenwerking in de klas?", [PWB]),
        ("Wat raadt het evaluatierapport van de pre-waarborgregeling aan schoolleiders aan?", [PWB]),
        ("Hoe kijkt de inspectie daar vandaag naar?", [BOOK, INSPECTION]),  # "vandaag": today's regime too
        ("Hoe kijkt de inspectie naar co-teaching?", [INSPECTION]),
        ("Wat stelt Zeven tinten grijs voor?", [BOOK]),
        ("Welke basisvorming kregen leerondersteuners bij ON Kempen?", [NEWS]),
        ("Hoe tevreden waren leerondersteuners in 2019 met hun job?", [SURVEY, NEWS]),  # both of 2019
        ("Wat zegt de bevraging over de werkdruk?", [SURVEY]),
        # a comparison with today names today's documents too
        ("Werken leerondersteuners nu meer samen met de begeleidingsdienst dan in 2019?", [SURVEY, NEWS, BOOK, INSPECTION]),
        # no reference: plain retrieval; "rapport" alone names every report
        ("Wat doet het CLB bij leersteun?", []),
        ("Wat staat er in het rapport over het CLB?", []),
    ],
)
def test_the_documents_a_question_names(question: str, named: list[str]) -> None:
    assert sorted(named_documents(question, DOCS)) == sorted(named)


def _hit(pid: str, rank: int, source: str = "a.txt") -> Hit:
    doc = DocumentMeta(source=source, title=source, short_title=source)
    passage = Passage(id=pid, doc=doc, section="", lines=(1, 2), text=pid, raw=pid)
    return Hit(passage=passage, score=1.0 / (60 + rank), rank=rank)


def test_fusion_favours_what_both_lists_found_and_keeps_k() -> None:
    plain = [_hit("p1", 1), _hit("p2", 2), _hit("p3", 3)]
    scoped = [_hit("p3", 1), _hit("p4", 2)]
    fused = fuse([plain, scoped], k=3, rrf_k=60)
    assert [h.passage.id for h in fused] == ["p3", "p1", "p2"]  # p2 and p4 tie: the first list's order
    assert [h.rank for h in fused] == [1, 2, 3]
    assert fused[0].score == pytest.approx(1 / 63 + 1 / 61)


def test_scoped_search_searches_within_the_named_documents_only_when_some_are_named() -> None:
    calls: list[list[str] | None] = []

    def search(sources: list[str] | None) -> list[Hit]:
        calls.append(sources)
        return [_hit("x" if sources is None else "y", 1)]

    assert [h.passage.id for h in scoped_search("Wat doet het CLB?", DOCS, search, 10, 60)] == ["x"]
    assert calls == [None]
    calls.clear()
    found = scoped_search("Wat zegt de inspectie?", DOCS, search, 10, 60)
    assert calls == [None, [INSPECTION]] and {h.passage.id for h in found} == {"x", "y"}
    calls.clear()
    scoped_search("Wat zegt de inspectie?", [d for d in DOCS if d.source == INSPECTION], search, 10, 60)
    assert calls == [None]  # the only document: nothing to narrow


def test_a_malformed_reference_table_is_reported_with_its_file(tmp_path: Path) -> None:
    table = tmp_path / "references.toml"
    table.write_text('[[reference]]\nphrases = ["inspectie"]\nfield = "kleur"\ncontains = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigurationError, match="(?s)references.toml.*kleur"):
        parse_toml(table.read_text(encoding="utf-8"), ReferenceTable, str(table))
    table.write_text('[[reference]]\nphrases = ["inspectie"]\n', encoding="utf-8")
    with pytest.raises(ConfigurationError, match="references.toml"):
        parse_toml(table.read_text(encoding="utf-8"), ReferenceTable, str(table))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("Welke basisvorming kregen leerondersteuners bij ON Kempen, en wanneer was er intervisie?", "basisvorming"),
        ("Ik ben niet tevreden over hoe een leerondersteuner bij ons werkt. Wat doe ik dan, volgens ON Kempen?", "rechtstreeks"),
        ("Welke problemen met arbeidsvoorwaarden meldden leerondersteuners in 2019?", "arbeidsvoorwaarden"),
    ],
)
def test_the_named_documents_passage_comes_up(corpus_kb, question: str, words: str) -> None:
    named = named_documents(question, [info.doc for info in corpus_kb.documents()])
    top = corpus_kb.scoped_search(question)[:5]
    assert any(h.passage.source in named and words in h.passage.text.lower() for h in top)
