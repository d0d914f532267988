"""Era awareness: which regime a document speaks for, and the tags and notes for older ones."""

from __future__ import annotations

import tomllib

import pytest

from assistant.eras import bullet_tag, era_note, regime_of
from steunwijs.settings import get_settings
from steunwijs.types import Citation, DocumentMeta, Passage


def corpus_docs() -> dict[str, DocumentMeta]:
    """The default corpus's own metadata (sources.toml), so the test follows the real documents."""
    table = tomllib.loads((get_settings().corpus_dir / "sources.toml").read_text(encoding="utf-8"))
    return {
        name[:3]: DocumentMeta(source=name, title=m["title"], short_title=m["short"], year=m.get("year"), era=m.get("era"))
        for name, m in table.items()
    }


@pytest.mark.parametrize(
    ("prefix", "regime", "outdated"),
    [
        ("000", "ondersteuningsmodel", True),
        ("001", "pre_waarborgregeling", True),
        ("002", "ondersteuningsmodel", True),
        ("003", "leersteundecreet", False),
        ("004", "leersteundecreet", False),
    ],
)
def test_each_corpus_document_has_its_regime(prefix: str, regime: str, outdated: bool) -> None:
    doc = corpus_docs()[prefix]
    found = regime_of(doc.era, doc.year)
    assert found is not None and found.key == regime
    assert found.current is not outdated


def test_a_document_without_era_falls_back_to_its_year() -> None:
    assert regime_of(None, 2016).key == "pre_waarborgregeling"  # type: ignore[union-attr]
    assert regime_of("", 2020).key == "ondersteuningsmodel"  # type: ignore[union-attr]
    assert regime_of(None, 2024).key == "leersteundecreet"  # type: ignore[union-attr]
    assert regime_of(None, None) is None


def test_only_older_regimes_get_a_bullet_tag() -> None:
    docs = corpus_docs()
    assert bullet_tag(docs["001"]) == "*Pre-waarborgregeling (2016):*"
    assert bullet_tag(docs["000"]) == "*Ondersteuningsmodel (2019):*"
    assert bullet_tag(docs["004"]) == ""
    assert bullet_tag(docs["003"]) == ""


def cite(n: int, doc: DocumentMeta) -> Citation:
    passage = Passage(id=f"p{n}", doc=doc, lines=(1, 2), text="t", raw="t")
    return Citation(n=n, passage=passage, quote="t")


def test_the_note_names_each_older_regime_with_its_markers() -> None:
    docs = corpus_docs()
    note = era_note([cite(1, docs["004"]), cite(2, docs["001"]), cite(3, docs["000"]), cite(4, docs["002"])])
    assert note == (
        "Let op: bron [2] gaat over de pre-waarborgregeling (2015-2017), bronnen [3] en [4] gaan over het "
        "ondersteuningsmodel (2017-2023); sinds 2023 gelden het leersteundecreet en de leersteuncentra."
    )


def test_no_note_when_everything_is_current() -> None:
    docs = corpus_docs()
    assert era_note([cite(1, docs["004"]), cite(2, docs["003"])]) is None
    assert era_note([]) is None
