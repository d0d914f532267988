"""Query expansion: the users' words bring the documents' words into the BM25 query."""

from __future__ import annotations

from pathlib import Path

import pytest

from steunwijs.dutch.analysis import analyze
from steunwijs.dutch.synonyms import Expander, default_expander
from steunwijs.errors import ConfigurationError


@pytest.mark.parametrize(
    ("question", "document_word"),
    [
        ("Wat doen leerondersteuners in de klas?", "PWB-ondersteuner"),
        ("Wat doet een leerondersteuner?", "ondersteuner"),
        ("Hoe werkt een leersteuncentrum?", "ondersteuningsnetwerk"),
        ("Wie is de zorgco op school?", "zorgcoördinator"),
        ("Wat is de rol van de zorgcoordinator?", "leerlingenbegeleider"),
        ("Wat doet de begeleidingsdienst?", "PBD"),
        ("Wat moet de directeur doen?", "directie"),
        ("Wie schrijft een verslag?", "gemotiveerd verslag"),
        ("Welke hulp hoort bij fase 2?", "uitbreiding van zorg"),
        ("Wat gebeurt er in fase 0?", "brede basiszorg"),
        ("Wat doet het CLB?", "centrum voor leerlingenbegeleiding"),
        ("Hoeveel leerlingen gaan naar het buitengewoon onderwijs?", "buo"),
        ("Wat raadt het rapport schoolleiders aan?", "aanbevelingen"),
        ("Welke tips geeft de inspectie?", "aanbevelingen"),
    ],
)
def test_users_words_add_the_documents_words(question: str, document_word: str) -> None:
    assert document_word in default_expander().expand(question).added


def test_a_phase_number_only_adds_its_own_phase() -> None:
    added = default_expander().expand("Wat gebeurt er in fase 2?").added
    assert "uitbreiding van zorg" in added
    assert "verhoogde zorg" not in added and "brede basiszorg" not in added


def test_a_question_without_table_words_is_not_expanded() -> None:
    assert default_expander().expand("Hoeveel respondenten had de bevraging?").added == []


def test_extra_terms_leave_out_what_the_question_already_says() -> None:
    expansion = default_expander().expand("Wat doet een leerondersteuner als ondersteuner?")
    extra = expansion.extra_terms()
    assert extra, "leerondersteuner should add document words"
    assert not set(extra) & set(analyze(expansion.query))


def test_matching_is_on_whole_words_and_phrases(tmp_path: Path) -> None:
    table = tmp_path / "synonyms.toml"
    table.write_text(
        '[[term]]\nuser = ["zorgco"]\ndocuments = ["zorgcoördinator"]\n'
        '[[term]]\nuser = ["gewone school"]\ndocuments = ["gewoon onderwijs"]\n',
        encoding="utf-8",
    )
    expander = Expander.from_toml_text(table.read_text(encoding="utf-8"), str(table))
    assert expander.expand("Wat doet de zorgcoach?").added == []
    assert expander.expand("Een school, niet zo gewoon").added == []
    assert expander.expand("In een gewone school?").added == ["gewoon onderwijs"]


def test_a_malformed_table_is_reported_with_its_file(tmp_path: Path) -> None:
    bad = tmp_path / "synonyms.toml"
    bad.write_text('[[term]]\nuser = ["zorgco"]\n', encoding="utf-8")
    with pytest.raises(ConfigurationError, match="synonyms.toml"):
        Expander.from_toml_text(bad.read_text(encoding="utf-8"), str(bad))
