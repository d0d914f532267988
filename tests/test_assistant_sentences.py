"""Sentence splitting of Dutch passages: abbreviations, decimals, bullets, headings, exact spans."""

from __future__ import annotations

import pytest

from steunwijs.dutch.sentences import clean_sentence, split_sentences


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_spans_are_the_exact_source_words() -> None:
    text = "Eerste zin met\n  een regelbreuk.  Tweede zin!\n\nDerde zin?"
    for sentence in split_sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text
    assert texts(text) == ["Eerste zin met\n  een regelbreuk.", "Tweede zin!", "Derde zin?"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Scholen vragen o.a. hulp bij het opstellen van een IAC.",
        "Er zijn partners, bv. het CLB en de PBD, die meewerken.",
        "Dit staat in art. 28 van het decreet over leersteun.",
        "Denk aan de ouders, nl. de experten van hun kind.",
        "De score is 7,26/10 bij 1.898 respondenten van de bevraging.",
        "Het onderzoek van prof. E. Struyf liep tot 2019.",
        "Dat wil zeggen, d.w.z. een leerling met specifieke onderwijsbehoeften.",
    ],
)
def test_abbreviations_initials_and_numbers_do_not_end_a_sentence(sentence: str) -> None:
    assert texts(f"{sentence} Daarna volgt een tweede zin.") == [sentence, "Daarna volgt een tweede zin."]


def test_bullets_are_sentences_without_their_glyph() -> None:
    text = "Tips voor centra:\n\uf0b7 Zet in op coaching \uf0b7 Betrek ouders actief.\n\u2022 Werk samen met het CLB."
    found = split_sentences(text)
    assert [s.text for s in found] == [
        "Tips voor centra:",
        "Zet in op coaching",
        "Betrek ouders actief.",
        "Werk samen met het CLB.",
    ]
    assert [s.bullet for s in found] == [False, True, True, True]


def test_line_start_dashes_and_numbers_are_list_items() -> None:
    found = split_sentences("- eerste punt van de lijst\n2. tweede punt van de lijst")
    assert [(s.text, s.bullet) for s in found] == [("eerste punt van de lijst", True), ("tweede punt van de lijst", True)]


def test_a_short_line_without_punctuation_above_a_capital_is_a_heading() -> None:
    text = "Zet in op de coachende rol van de leerondersteuners\nWe stellen vast dat leerondersteuners terughoudend zijn."
    assert texts(text) == [
        "Zet in op de coachende rol van de leerondersteuners",
        "We stellen vast dat leerondersteuners terughoudend zijn.",
    ]


def test_a_wrapped_line_ending_in_a_function_word_is_not_a_heading() -> None:
    text = "Samen met de\nCLB's bekijken we de vraag."
    assert texts(text) == [text]


def test_markers_after_the_final_punctuation_stay_with_their_sentence() -> None:
    assert texts("De directie geeft mandaat. [1] Het CLB schrijft verslagen. [2][3]") == [
        "De directie geeft mandaat. [1]",
        "Het CLB schrijft verslagen. [2][3]",
    ]


def test_closing_quotes_stay_with_their_sentence() -> None:
    assert texts("Een leerkracht zei: ‘Ik ga je missen.’ Daarna bleef het stil.") == [
        "Een leerkracht zei: ‘Ik ga je missen.’",
        "Daarna bleef het stil.",
    ]


def test_clean_collapses_whitespace_and_drops_a_list_mark() -> None:
    assert clean_sentence("\uf0b7  Betrek   ouders\n actief.") == "Betrek ouders actief."
    assert split_sentences("Een  zin\n over   twee regels.")[0].clean == "Een zin over twee regels."


def test_whitespace_and_punctuation_only_text_has_no_sentences() -> None:
    assert split_sentences("  \n\n \uf0b7 \n ... ") == []
