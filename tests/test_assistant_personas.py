"""Persona framing from prompts/answers.toml: question types and the shape of an answer."""

from __future__ import annotations

import pytest

from assistant.citations import statements
from assistant.personas import (
    Item,
    UnknownPersona,
    check_persona,
    question_type,
    render,
)
from steunwijs.settings import PERSONAS

ITEMS = [
    Item("Het CLB schrijft het gemotiveerd verslag. [1]", "clb"),
    Item("De leerondersteuner werkt samen met de leerkracht in de klas. [2]", "ondersteuner"),
    Item("Het CLB volgt het traject op. [3]", "clb"),
    Item("Leersteun is bedoeld voor fase 2 en 3. [4]", None),
]


@pytest.mark.parametrize(
    ("question", "qtype"),
    [
        ("Wat is de rol van het CLB bij leersteun?", "rollen"),
        ("Wie beslist over de inzet van de leerondersteuner?", "rollen"),
        ("Wat verwacht men van de directie?", "verwachtingen"),
        ("Welke aanbevelingen doet de inspectie?", "aanbevelingen"),
        ("Hoeveel leersteuncentra zijn er?", "feiten"),
        ("Wat is het verschil tussen het ondersteuningsmodel en het leersteundecreet?", "vergelijking"),
        ("Wat is een GC-verslag?", "definitie"),
        ("Leersteun in het secundair onderwijs", "algemeen"),
    ],
)
def test_question_types(question: str, qtype: str) -> None:
    assert question_type(question) == qtype


def test_each_persona_frames_the_same_points_differently() -> None:
    framed = {p: "\n".join(render(p, "aanbevelingen", ITEMS)) for p in PERSONAS}
    assert framed["leerondersteuner"].startswith("### Wat kun je doen")
    assert "\n1. Het CLB schrijft het gemotiveerd verslag. [1]" in framed["leerondersteuner"]
    assert framed["directie"].startswith("### Wie is verantwoordelijk")
    assert "- [ ] Het CLB schrijft het gemotiveerd verslag. [1]" in framed["directie"]
    assert framed["trainer"].startswith("### Om te bespreken")
    assert "Vragen voor de groep:" in framed["trainer"]
    assert len(set(framed.values())) == 3
    for text in framed.values():  # same facts: every point is there, and framing adds no claim
        assert all(item.text in text for item in ITEMS)
        assert statements(text) == []


def test_the_directie_checklist_groups_points_by_actor_with_no_actor_last() -> None:
    lines = render("directie", "aanbevelingen", ITEMS)
    assert lines[lines.index("**CLB**") + 1 : lines.index("**CLB**") + 3] == [
        "- [ ] Het CLB schrijft het gemotiveerd verslag. [1]",
        "- [ ] Het CLB volgt het traject op. [3]",
    ]
    assert lines.index("**CLB**") < lines.index("**Leerondersteuner**") < lines.index("**Algemeen**")


def test_role_questions_are_grouped_for_every_persona() -> None:
    assert "**CLB**" in render("leerondersteuner", "rollen", ITEMS)
    assert "**CLB**" not in render("leerondersteuner", "aanbevelingen", ITEMS)


def test_facts_are_plain_bullets_without_a_persona_title() -> None:
    lines = render("directie", "feiten", ITEMS)
    assert not any(line.startswith("###") for line in lines)
    assert "- Het CLB schrijft het gemotiveerd verslag. [1]" in lines


def test_unknown_personas_are_refused() -> None:
    with pytest.raises(UnknownPersona):
        check_persona("minister")
    for persona in PERSONAS:
        check_persona(persona)
