"""The trainer's session pack (issue 12) over two real documents of two regimes, and `steunwijs sessie`.

The two documents (a 2019 newsletter of an ondersteuningsnetwerk, a 2023 leersteundecreet book
fragment) both speak of the (leer)ondersteuner and the leerkracht, so a theme about their
collaboration finds statements, the roles map gives quiz items by actor, and the two regimes give
items by era and a timeline of two periods.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.eras import regime_of
from assistant.session_pack import DISTRACTORS, MIN_DISTRACTORS, SessionPack, ThemeError, session_pack, wording
from assistant.session_render import to_html, to_markdown
from cli.main import app
from ingest.pipeline import ingest_folder
from kb.knowledge_base import KnowledgeBase
from steunwijs.dutch.actors import role_mentions
from steunwijs.dutch.patterns import collapse_ws
from steunwijs.settings import get_settings
from steunwijs.types import Citation
from tests.webapp_corpus import subset_corpus

pytestmark = pytest.mark.slow

SMALL_CORPUS = ("002_6a138d292be975d4.txt", "003_f0048e20d44ebb64.txt")
THEME = "samenwerking leerkracht en leerondersteuner"


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    root = tmp_path_factory.mktemp("session")
    settings = get_settings(corpus_dir=subset_corpus(root / "corpus", SMALL_CORPUS), data_dir=root / "data")
    report = ingest_folder(settings.corpus_dir, settings)
    assert report.documents == 2 and not report.skipped
    return KnowledgeBase(settings)


@pytest.fixture(scope="module")
def pack(kb: KnowledgeBase) -> SessionPack:
    return session_pack(THEME, kb)


def holds_verbatim(citation: Citation) -> bool:
    """The citation's quote stands, character for character, in the passage it holds."""
    return bool(citation.quote.strip()) and citation.quote in citation.passage.text


def corpus_sentences(kb: KnowledgeBase) -> set[str]:
    return {collapse_ws(s.quote) for s in kb.statements() if not s.heading}


def test_every_statement_is_a_documents_sentence_cited_with_the_passage_that_holds_it(pack: SessionPack) -> None:
    assert 3 <= len(pack.statements) <= 8
    assert [s.n for s in pack.statements] == list(range(1, len(pack.statements) + 1))
    assert len({s.text for s in pack.statements}) == len(pack.statements)
    for s in pack.statements:
        assert holds_verbatim(s.citation), s.citation.quote
        assert s.citation.source in SMALL_CORPUS
    assert any(s.actor for s in pack.statements)  # the roles map names the actor of some of them


def test_the_quiz_keys_are_cited_statements_and_the_distractors_other_real_sentences(
    pack: SessionPack, kb: KnowledgeBase
) -> None:
    assert 3 <= len(pack.quiz) <= 5
    recorded = corpus_sentences(kb)
    statements = {s.text for s in pack.statements}
    for item in pack.quiz:
        assert MIN_DISTRACTORS + 1 <= len(item.options) <= DISTRACTORS + 1
        assert [o.letter for o in item.options] == list("ABCD"[: len(item.options)])
        assert sum(o.correct for o in item.options) == 1
        key = item.answer
        assert key.citation == item.key.citation and holds_verbatim(key.citation)
        assert key.text in statements
        wrong = [o for o in item.options if not o.correct]
        texts = [o.text for o in wrong]
        assert len(set(texts)) == len(texts) and key.text not in texts
        for option in wrong:
            assert holds_verbatim(option.citation)
            assert option.text in recorded  # a statement of the corpus's roles map, never invented
            assert option.text not in statements
        if item.by == "actor":  # the others are about other actors and do not name the key's
            assert item.key.actor and all(
                m.actor != item.key.actor for o in wrong for m in role_mentions(o.citation.quote)
            )
        else:  # by era: the others come from another regime's documents
            regime = item.key.regime
            assert regime is not None and regime.name in item.stem
            assert all(regime_of(o.citation.era, o.citation.year) != regime for o in wrong)
    assert {item.by for item in pack.quiz} == {"actor", "era"}  # both kinds on this theme


def test_questions_are_derived_from_the_statements_and_the_timeline_names_their_regimes(pack: SessionPack) -> None:
    numbers = {f"[{s.n}]" for s in pack.statements}
    assert all(any(n in q for n in numbers) for q in pack.questions[:-1])
    assert THEME in pack.questions[-1]
    regimes = [entry.regime.key for entry in pack.timeline if entry.regime]
    assert regimes == ["ondersteuningsmodel", "leersteundecreet"]  # oldest first
    listed = sorted(n for entry in pack.timeline for n in entry.statements)
    assert listed == [s.n for s in pack.statements]


def test_markdown_and_html_hold_the_statements_questions_quiz_and_timeline(pack: SessionPack) -> None:
    from markupsafe import escape  # as Jinja escapes

    words = wording()
    markdown, html = to_markdown(pack, "3 maart 2026"), to_html(pack, "3 maart 2026")
    assert markdown.startswith(f"# Sessie: {THEME}")
    assert html.startswith("<!DOCTYPE html>") and "@media print" in html
    for text, wrap in ((markdown, str), (html, escape)):
        for heading in (words.statements_heading, words.questions_heading, words.quiz_heading, words.timeline_heading):
            assert wrap(heading) in text
        for s in pack.statements:
            assert wrap(f"“{s.text}”") in text and wrap(s.citation.where(short_title=False)) in text
        for question in pack.questions:
            assert wrap(question) in text
        for item in pack.quiz:
            assert wrap(item.stem) in text
            assert all(wrap(f"{o.letter}. “{o.text}”") in text for o in item.options)
            assert wrap(f"{item.answer.letter}: zie uitspraak [{item.key.n}]") in text
        for entry in pack.timeline:
            assert entry.regime is not None and wrap(f"{entry.regime.tag} ({entry.regime.period})") in text
        assert "3 maart 2026" in text


@pytest.mark.parametrize(
    ("theme", "message"),
    [
        ("", "Geef een thema op"),
        ("   ", "Geef een thema op"),
        ("?!", "bevat geen woorden"),
        ("kwantumfysica en sterrenkunde", "vond Steunwijs niets in de documenten"),
    ],
)
def test_an_empty_or_unknown_theme_is_refused_in_dutch(kb: KnowledgeBase, theme: str, message: str) -> None:
    with pytest.raises(ThemeError) as refused:
        session_pack(theme, kb)
    assert message in refused.value.nl and refused.value.exit_code == 2


def test_sessie_writes_markdown_and_html_and_refuses_an_empty_theme(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STEUNWIJS_DATA_DIR", str(kb.settings.data_dir))
    runner = CliRunner()
    result = runner.invoke(app, ["sessie", "regie bij leersteun", "--out", str(tmp_path / "uit")])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "uit").iterdir())
    assert written == ["sessie-regie-bij-leersteun.html", "sessie-regie-bij-leersteun.md"]
    assert result.stdout.split() == [str(tmp_path / "uit" / name) for name in reversed(written)]
    markdown = (tmp_path / "uit" / "sessie-regie-bij-leersteun.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Sessie: regie bij leersteun") and "## Korte quiz" in markdown
    only_html = runner.invoke(app, ["sessie", THEME, "--out", str(tmp_path / "html"), "--format", "html"])
    assert only_html.exit_code == 0, only_html.output
    assert [p.suffix for p in (tmp_path / "html").iterdir()] == [".html"]

    empty = runner.invoke(app, ["sessie", "  ", "--out", str(tmp_path / "leeg")])
    assert empty.exit_code == 2 and "Fout: Geef een thema op" in empty.stderr
    assert not (tmp_path / "leeg").exists()
    bad = runner.invoke(app, ["sessie", THEME, "--format", "pdf"])
    assert bad.exit_code == 2 and "md, html, both" in bad.stderr
