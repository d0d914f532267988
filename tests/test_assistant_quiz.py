"""Quizzes for trainers: detecting the request, choosing the gap, and a whole quiz from the corpus."""

from __future__ import annotations

import re

import pytest

from assistant.answer import answer
from assistant.citations import check, markers, statements
from assistant.personas import question_type
from assistant.quiz import Cloze, cloze, render
from assistant.templates import wording
from steunwijs.dutch.patterns import collapse_ws

BLANK = wording().quiz["blank"]


@pytest.mark.parametrize(
    ("question", "is_quiz"),
    [
        ("Maak een quiz over de rol van het CLB", True),
        ("Geef me quizvragen over co-teaching in de pre-waarborgregeling", True),
        ("Kennisvragen rond het M-decreet, graag", True),
        # a trainer who asks a fact *for* a quiz wants the fact (questions of evals/sets/steunwijs.jsonl)
        ("Ik maak een quiz: hoeveel leerondersteuners werken er ongeveer in de leersteuncentra?", False),
        ("Quizvraag: hoeveel leersteuncentra voldoen niet aan de verwachting?", False),
        ("Welke zeven samenwerkingsmodellen beschrijft Zeven tinten grijs? Handig voor een quiz.", False),
    ],
)
def test_a_quiz_is_made_only_when_one_is_asked_for(question: str, is_quiz: bool) -> None:
    assert (question_type(question) == "quiz") is is_quiz


def test_a_number_is_the_first_choice_of_gap() -> None:
    gap = cloze("De totale opdracht bedraagt 36 klokuren en omvat kerntaken.", "Maak een quiz over de opdracht")
    assert gap == Cloze(f"De totale opdracht bedraagt {BLANK} klokuren en omvat kerntaken.", "36")
    gap = cloze("In het schooljaar 2023-2024 werden 43 leersteuncentra erkend.", "quiz over erkenning")
    assert gap is not None and gap.answer == "2023-2024"


def test_an_actor_the_question_did_not_name_comes_before_one_it_did() -> None:
    sentence = "Het CLB maakt afspraken met de leerondersteuners over de rollen."
    gap = cloze(sentence, "Maak een quiz over de rol van het CLB")
    assert gap == Cloze(f"Het CLB maakt afspraken met de {BLANK} over de rollen.", "leerondersteuners")
    gap = cloze("Veel aanmeldingen gebeuren nu ook via het CLB.", "Maak een quiz over de rol van het CLB")
    assert gap == Cloze(f"Veel aanmeldingen gebeuren nu ook via het {BLANK}.", "CLB")  # the article stays


def test_otherwise_the_longest_word_the_question_did_not_give_away() -> None:
    sentence = "Communicatie helpt om vertrouwen op te bouwen."
    assert cloze(sentence, "Maak een quiz over communicatie") == Cloze(
        f"Communicatie helpt om {BLANK} op te bouwen.", "vertrouwen"
    )
    assert cloze("Dat is zo.", "quiz over iets") is None  # nothing worth asking


def test_the_key_follows_the_gaps_and_both_carry_the_markers() -> None:
    lines = render([(Cloze(f"Er zijn {BLANK} centra.", "43"), "[1]"), (Cloze(f"Het {BLANK} helpt.", "CLB"), "[2]")])
    text = "\n".join(lines)
    assert lines[0] == "### Quiz"
    assert f"1. Er zijn {BLANK} centra. [1]" in lines and "2. CLB [2]" in lines
    assert lines.index("1. 43 [1]") > lines.index(f"2. Het {BLANK} helpt. [2]")
    assert statements(text) == []  # every line is a lead-in, or carries its marker


@pytest.mark.slow
def test_a_quiz_from_the_corpus_passes_the_citation_check_and_its_key_fills_the_gaps(corpus_kb) -> None:
    result = answer("Maak een quiz over de rol van het CLB", persona="trainer", settings=corpus_kb.settings, kb=corpus_kb)
    assert not result.abstained and result.text.startswith("### Quiz")
    lines = result.text.splitlines()
    key_at = lines.index(wording().quiz["key_lead"])
    gaps = [line for line in lines[:key_at] if BLANK in line]
    keys = [line for line in lines[key_at + 1 :] if re.match(r"\d+\. ", line)]
    assert len(gaps) == len(keys) == len(result.citations) >= 3
    by_marker = {c.n: c for c in result.citations}
    for gap, key in zip(gaps, keys):
        (n,) = markers(gap)
        assert markers(key) == [n]
        filler = re.sub(r"^\d+\. | \[\d+\]$", "", key)
        # the gap filled with its key is the cited sentence, word for word (era tag aside)
        filled = re.sub(r"^\d+\. (\*[^*]+\* )?| \[\d+\]$", "", gap).replace(BLANK, filler)
        assert collapse_ws(filled) == collapse_ws(by_marker[n].quote)


@pytest.mark.slow
@pytest.mark.parametrize(
    "subject",
    ["de inspectie", "rollen", "verwachtingen aan de leerkracht", "aanbevelingen voor leersteuncentra", "feiten over leersteun",
     "het verschil tussen 2016 en nu", "de pre-waarborgregeling", "samenwerking met ouders"],
)
def test_a_quiz_on_any_topic_works_or_says_why_not(corpus_kb, subject: str) -> None:  # noqa: ANN001
    result = answer(f"Maak een quiz over {subject}", persona="trainer", settings=corpus_kb.settings, kb=corpus_kb)
    check(result)  # never an exception: a quiz, or an honest abstention with the closest passages
    if not result.abstained:
        assert BLANK in result.text and wording().quiz["key_lead"] in result.text


def test_the_blank_does_not_end_a_sentence() -> None:
    """An ellipsis as blank ended the sentence, leaving its first half without a marker (a crash)."""
    line = (
        "2. De inspecteur-teamcoördinator selecteerde de casussen en lette daarbij op een evenwichtige spreiding"
        " over types, verslagen en {} (naar opleiding, ervaring …). [2]"
    )
    assert statements(line.format(BLANK)) == []  # one statement, and it carries its marker
    assert statements(line.format("…………")) != []
