"""Follow-up questions: detection and rule-based rewriting with the conversation; the LLM seam."""

from __future__ import annotations

import pytest

from assistant.conversation import is_follow_up, rewrite
from steunwijs.errors import AnswererUnavailable

START = "Wat moet een leerondersteuner doen bij de start van een traject?"
HISTORY = [(START, "1. De leerondersteuner ... [1]")]


@pytest.mark.parametrize(
    "question",
    [
        "En wat verwacht men daarbij van de directie?",
        "Geldt dat ook voor het CLB?",
        "En de ouders?",
        "Wat houdt dat in?",
        "Ook in het secundair onderwijs?",
        "Loopt dat in de praktijk goed volgens de inspectie?",
        "Waarom scoren die voor BA, 3 en 9 lager?",
    ],
)
def test_follow_ups_are_recognised(question: str) -> None:
    assert is_follow_up(question)


@pytest.mark.parametrize(
    "question",
    [
        "Wat is een GC-verslag?",
        "Wat zijn de taken van een leerondersteuner?",
        "Wat is de rol van het CLB?",
        "Welke tips geeft de inspectie aan de leersteuncentra?",
        "Wat doet een leerondersteuner met een leerling die extra zorg nodig heeft?",
    ],
)
def test_self_contained_questions_are_left_alone(question: str) -> None:
    assert not is_follow_up(question)
    assert rewrite(question, HISTORY) == question


def test_a_new_actor_replaces_the_previous_one() -> None:
    assert rewrite("En wat verwacht men daarbij van de directie?", HISTORY) == (
        "Wat moet de directie doen bij de start van een traject?"
    )
    assert rewrite("Geldt dat ook voor het CLB?", HISTORY) == "Wat moet het CLB doen bij de start van een traject?"


def test_new_topic_words_are_added_to_the_previous_question() -> None:
    assert rewrite("En in het secundair onderwijs?", HISTORY) == (
        "Wat moet een leerondersteuner doen bij de start van een traject (secundair, onderwijs)?"
    )


def test_an_actor_the_previous_question_lacked_keeps_the_follow_up_and_carries_the_topic() -> None:
    history = [("Hoe verloopt co-teaching in de klas?", "...")]
    assert rewrite("En wat is daarbij de rol van de directie?", history) == (
        "Wat is de rol van de directie (co-teaching, klas)?"
    )


def test_a_follow_up_with_its_own_topic_stays_the_question_and_carries_the_earlier_topic() -> None:
    history = [("Binnen welke termijn moet ik als leerondersteuner een nieuw traject opstarten?", "...")]
    assert rewrite("En als een ander centrum die leersteun overneemt?", history) == (
        "Als een ander centrum die leersteun overneemt (termijn, nieuw, traject, opstarten)?"
    )


def test_a_source_named_with_volgens_is_not_an_actor_to_swap() -> None:
    history = [("Wie heeft als directeur de regie over het leertraject?", "...")]
    rewritten = rewrite("Loopt dat in de praktijk goed volgens de inspectie?", history)
    assert rewritten.startswith("Loopt dat in de praktijk goed volgens de inspectie (")
    assert "regie" in rewritten and "directeur" not in rewritten


def test_another_word_for_an_actor_of_the_same_group_is_swapped_in() -> None:
    history = [("Wat raadt het evaluatierapport aan schoolleiders aan?", "...")]
    assert rewrite("En welke rol krijgt de zorgco daarbij?", history) == "Wat raadt het evaluatierapport aan de zorgco aan?"


def test_a_chain_of_follow_ups_keeps_the_original_topic() -> None:
    history = HISTORY + [("En wat verwacht men daarbij van de directie?", "...")]
    assert rewrite("En de ouders?", history) == "Wat moeten de ouders doen bij de start van een traject?"


def test_a_swapped_actor_keeps_the_verb_in_agreement() -> None:
    plural = [("Welke taken hebben de leerkrachten bij een IAC?", "...")]
    assert rewrite("En het CLB?", plural) == "Welke taken heeft het CLB bij een IAC?"
    singular = [("Wat doet de leerondersteuner in de klas?", "...")]
    assert rewrite("Geldt dat ook voor de ouders?", singular) == "Wat doen de ouders in de klas?"
    # the actor is not the subject here: the verb agrees with "men" and stays
    about = [("Wat verwacht men van de leerkracht bij een IAC?", "...")]
    assert rewrite("En van de ouders?", about) == "Wat verwacht men van de ouders bij een IAC?"


def test_without_history_nothing_is_rewritten() -> None:
    assert rewrite("En de ouders?", None) == "En de ouders?"
    assert rewrite("En de ouders?", []) == "En de ouders?"


class RecordingRewriter:
    """Stands in for the LLM answerer's `rewrite` (the seam under test is `conversation.rewrite`)."""

    def __init__(self, reply: str | Exception) -> None:
        self.reply = reply
        self.calls: list[tuple[str, list[tuple[str, str]]]] = []

    def rewrite(self, question: str, history: list[tuple[str, str]]) -> str:
        self.calls.append((question, history))
        if isinstance(self.reply, Exception):
            raise self.reply
        return self.reply


def test_an_llm_rewrites_follow_ups_when_given() -> None:
    llm = RecordingRewriter("Wat verwacht men van de directie bij de start van een leersteuntraject?")
    assert rewrite("En de directie?", HISTORY, llm=llm) == "Wat verwacht men van de directie bij de start van een leersteuntraject?"
    assert llm.calls == [("En de directie?", HISTORY)]


def test_the_llm_is_not_asked_about_self_contained_questions() -> None:
    llm = RecordingRewriter("iets anders")
    assert rewrite("Wat is een GC-verslag?", HISTORY, llm=llm) == "Wat is een GC-verslag?"
    assert llm.calls == []


def test_an_unavailable_llm_falls_back_to_the_rules() -> None:
    llm = RecordingRewriter(AnswererUnavailable("verbinding geweigerd", "connection refused"))
    assert rewrite("Geldt dat ook voor het CLB?", HISTORY, llm=llm) == "Wat moet het CLB doen bij de start van een traject?"
    assert len(llm.calls) == 1
