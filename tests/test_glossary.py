"""The glossary: its rules on hand-made sentences, the glossary of the corpus (every entry cited
verbatim), query expansion with its acronyms, `steunwijs begrippen`, and the lines under an answer.

Hand-made passages in a real Chroma store (no model) for the rules and the command; the default
corpus (`corpus_kb`, real model, marked slow) for the corpus-wide checks and the answer.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.answer import answer
from assistant.term_notes import notes_block, term_notes, with_term_notes, wording
from cli.main import app
from kb.glossary import UnknownTerm, build_glossary
from kb.knowledge_base import KnowledgeBase
from steunwijs.dutch.glossary import Spelled, defines, spelled_out, uses
from steunwijs.dutch.patterns import collapse_ws
from steunwijs.settings import get_settings
from steunwijs.types import Answer, DocumentMeta, Passage
from tests.test_roles_map import publish_corpus

TEXTS = {
    "decreet.txt": (
        "Het leersteundecreet onderscheidt een GC-verslag (gemeenschappelijk curriculum) en een IAC-verslag"
        " (individueel aangepast curriculum). Leerlingen met een individueel aangepast curriculum (IAC) krijgen"
        " leersteun. Het zorgcontinuüm onderscheidt vier fasen van zorg."
    ),
    "netwerk.txt": (
        "Een ondersteuner die geen ankerfiguur is, werkt op vraag. Elke school heeft een ankerfiguur (een vast"
        " aanspreekpunt) in het netwerk. Sommige leerkrachten hebben nog geen TADD."
    ),
}


def passage(source: str) -> Passage:
    doc = DocumentMeta(source=source, title=source, short_title=f"Kort {source}", year=2024, era="leersteundecreet")
    text = TEXTS[source]
    return Passage(
        id=f"{source}-{zlib.crc32(text.encode())}", doc=doc, section="2 Begrippen", page=5, lines=(1, 4), text=text, raw=text
    )


def corpus() -> list[Passage]:
    return [passage(source) for source in TEXTS]


# --- the rules, one sentence at a time ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Scholen met een individueel aangepast curriculum (IAC) vragen leersteun.", ("IAC", "individueel aangepast curriculum")),
        ("De middelen van het vroegere geïntegreerd onderwijs (GON) gaan naar het netwerk.", ("GON", "geïntegreerd onderwijs")),
        ("Ook de centra voor leerlingenbegeleiding (CLB) doen mee.", ("CLB", "centra voor leerlingenbegeleiding")),
        ("Het beleid op vlak van bewoonbaarheid, veiligheid en hygiëne (BVH) is goed.", ("BVH", "bewoonbaarheid, veiligheid en hygiëne")),
        ("Het decreet kent een GC-verslag (gemeenschappelijk curriculum) voor die leerlingen.", ("GC-verslag", "gemeenschappelijk curriculum")),
        ("Er is ook een OV4- verslag (opleidingsvorm 4 voor leerlingen die het nodig hebben).", ("OV4-verslag", "opleidingsvorm 4")),
    ],
)
def test_an_acronym_is_spelled_out_by_the_words_beside_it(sentence: str, expected: tuple[str, str]) -> None:
    assert Spelled(*expected) in spelled_out(sentence)


def test_words_that_do_not_spell_the_acronym_are_no_expansion() -> None:
    assert spelled_out("De scores per ontwikkelingsschaal (K1) en de tips (zie figuur 3) staan hieronder.") == []
    assert spelled_out("Dat is handelingsgericht samenwerken (LP1).") == []


@pytest.mark.parametrize(
    ("sentence", "spellings", "defined"),
    [
        ("Het zorgcontinuüm onderscheidt volgende fasen in zorg.", ("zorgcontinuüm",), True),
        ("Elke school heeft een ankerfiguur (een vast aanspreekpunt) in het netwerk.", ("ankerfiguur",), True),
        ("Onder redelijke aanpassingen verstaan we maatregelen die de drempel wegnemen.", ("redelijke aanpassingen",), True),
        ("De pre-waarborgregeling is een maatregel uit 2015.", ("pre-waarborgregeling",), True),
        ("Een ondersteuner die geen ankerfiguur is, werkt op vraag.", ("ankerfiguur",), False),  # "is" far from the start
        ("Leerkrachten die nog geen TADD zijn, durven minder.", ("TADD",), False),
    ],
)
def test_a_definition_cue_around_the_term_defines_it(sentence: str, spellings: tuple[str, ...], defined: bool) -> None:
    assert (defines(sentence, spellings) is not None) is defined


def test_acronyms_match_in_capitals_only_and_as_whole_words() -> None:
    assert uses("Het GON en het ION werden afgeschaft.", ("ION",))
    assert not uses("De ionen van de stof.", ("ION",))
    assert not uses("Een IAC-verslag.", ("IAC",))  # a compound is its own term
    assert uses("Het Zorgcontinuüm als kader.", ("zorgcontinuüm",))


# --- a glossary of passages ----------------------------------------------------------------------------
def test_the_glossary_keeps_the_best_sentence_of_each_term_verbatim() -> None:
    glossary = build_glossary(corpus())
    iac = glossary.get("IAC")
    assert iac is not None and iac.expansion == "individueel aangepast curriculum" and iac.defined
    anchor = glossary.get("ankerfiguur")
    assert anchor is not None and anchor.quote.startswith("Elke school heeft een ankerfiguur (een vast")  # not the first use
    tadd = glossary.get("tadd")
    assert tadd is not None and not tadd.defined and tadd.meaning == "tijdelijke aanstelling van doorlopende duur"
    for entry in glossary.entries:
        assert entry.quote in entry.passage.text
        assert collapse_ws(entry.citation().quote) in collapse_ws(entry.citation().text)


def test_search_and_an_unknown_term() -> None:
    glossary = build_glossary(corpus())
    assert [e.term for e in glossary.search("curriculum")] == ["GC-verslag", "IAC", "IAC-verslag"]
    assert glossary.search("gc-VERSLAG")[0].term == "GC-verslag"
    with pytest.raises(UnknownTerm) as raised:
        glossary.lookup("fietsenstalling")
    assert "staat niet in de begrippenlijst" in raised.value.nl and "IAC" in raised.value.nl


def test_the_glossary_acronyms_join_the_one_query_expander() -> None:
    terms = build_glossary(corpus()).expansion_terms()
    from steunwijs.dutch.synonyms import default_expander

    expander = default_expander().extended(terms)
    assert "individueel aangepast curriculum" in expander.expand("Wie maakt een IAC op?").added
    assert "gemeenschappelijk curriculum" in expander.expand("Wat is een GC?").added
    assert "PBD" in expander.expand("Wat doet de begeleidingsdienst?").added  # the synonym table still works


# --- the lines under an answer ----------------------------------------------------------------------
def _answer(text: str, quotes: list[str] | None = None) -> Answer:
    return Answer(question="Wat is een IAC?", text=text)


def test_an_answer_using_a_term_gets_one_line_per_term_with_its_place() -> None:
    glossary = build_glossary(corpus())
    result = with_term_notes(_answer("Een leerling met een IAC en een ankerfiguur op school [1]."), glossary)
    notes = result.term_notes
    assert result.text == "Een leerling met een IAC en een ankerfiguur op school [1]."  # the cited text stays as it was
    assert notes_block(result) == [wording().notes_heading, *notes]
    assert len(notes) == 2
    assert notes[0].startswith("- *IAC* (individueel aangepast curriculum): “Leerlingen met een individueel")
    assert notes[0].endswith("(Kort decreet.txt, 2 Begrippen, p. ca. 5)")
    assert notes[1].startswith("- *ankerfiguur*: “Elke school heeft een ankerfiguur (een vast aanspreekpunt)")


def test_no_lines_for_an_abstention_or_an_answer_without_terms() -> None:
    glossary = build_glossary(corpus())
    plain = _answer("De leerkracht werkt samen met de ondersteuner [1].")
    assert with_term_notes(plain, glossary) == plain
    refused = Answer(question="IAC?", text="Een IAC.", abstained=True)
    assert with_term_notes(refused, glossary) == refused
    assert term_notes("Een IAC.", glossary, {TEXTS["decreet.txt"].split(". ")[1] + "."}) == []  # already quoted


# --- the command ------------------------------------------------------------------------------------
@pytest.fixture()
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("STEUNWIJS_DATA_DIR", str(tmp_path / "data"))
    publish_corpus(get_settings(data_dir=tmp_path / "data"), corpus())
    return CliRunner()


def test_begrippen_lists_one_term_and_all_as_json(runner: CliRunner) -> None:
    result = runner.invoke(app, ["begrippen", "ankerfiguur"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == [
        "ankerfiguur — een vaste ondersteuner als aanspreekpunt voor een school (uitleg van Steunwijs)",
        "  Gedefinieerd in: “Elke school heeft een ankerfiguur (een vast aanspreekpunt) in het netwerk.”",
    ]
    listed = json.loads(runner.invoke(app, ["begrippen", "--json"]).stdout)
    assert {e["term"] for e in listed} >= {"IAC", "GC-verslag", "IAC-verslag", "zorgcontinuüm", "ankerfiguur", "TADD"}
    iac = next(e for e in listed if e["term"] == "IAC")
    assert iac["source"] == "decreet.txt" and iac["page"] == 5 and "(IAC)" in iac["quote"]


def test_begrippen_names_an_unknown_term_in_dutch(runner: CliRunner) -> None:
    result = runner.invoke(app, ["begrippen", "fietsenstalling"])
    assert result.exit_code == 2
    assert "Het begrip 'fietsenstalling' staat niet in de begrippenlijst" in result.output
    assert "Traceback" not in result.output


# --- the default corpus ---------------------------------------------------------------------------------
LISTED = ["IAC", "GC-verslag", "OV4-verslag", "zorgcontinuüm", "CLB", "PBD", "BVH", "ankerfiguur", "GON", "ION"]


@pytest.mark.slow
def test_the_corpus_defines_the_listed_terms_in_sentences_it_holds_verbatim(corpus_kb: KnowledgeBase) -> None:
    glossary = corpus_kb.glossary()
    for term in LISTED:
        entry = glossary.get(term)
        assert entry is not None and entry.defined, term
        citation = entry.citation()
        assert collapse_ws(citation.quote) in collapse_ws(citation.passage.text), term
        assert citation.passage.source.endswith(".txt") and citation.passage.page is not None
    assert glossary.get("GON").expansion == "geïntegreerd onderwijs"
    assert glossary.get("PBD").expansion == "pedagogische begeleidingsdiensten"
    tadd = glossary.get("TADD")  # the corpus uses it but never spells it out: the lexicon's gloss, labelled
    assert tadd is not None and not tadd.defined and "TADD" in tadd.quote


@pytest.mark.slow
def test_a_search_for_an_acronym_also_finds_its_expansion(corpus_kb: KnowledgeBase) -> None:
    generation = corpus_kb._current()
    only_spelled = [
        p.id for p in generation.passages if "individueel aangepast curriculum" in collapse_ws(p.text) and "IAC" not in p.text
    ]
    assert only_spelled
    question = "Wie geeft vorm aan een IAC?"
    with_expansion = {h.passage.id: h.bm25_score for h in corpus_kb.search(question, k=40)}
    plain_kb = KnowledgeBase(corpus_kb.settings.model_copy(update={"query_expansion": False}), corpus_kb.embedder)
    without = {h.passage.id: h.bm25_score for h in plain_kb.search(question, k=40)}
    assert any(with_expansion.get(pid) is not None for pid in only_spelled)
    assert all(without.get(pid) is None for pid in only_spelled)


@pytest.mark.slow
def test_an_answer_that_uses_a_term_explains_it_below(corpus_kb: KnowledgeBase) -> None:
    result = answer("Wat doet de leerondersteuner bij een IAC?", kb=corpus_kb)
    assert not result.abstained
    notes = result.term_notes
    assert wording().notes_heading not in result.text  # the explanations stand beside the cited text
    assert notes and all(line.startswith("- *") for line in notes)
    glossary = corpus_kb.glossary()
    for line in notes:
        term = line.split("*")[1]
        entry = glossary.get(term)
        assert entry is not None and collapse_ws(entry.quote) in line
        assert term in result.text or term in result.question
