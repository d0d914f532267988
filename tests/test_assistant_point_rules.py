"""The point rules on hand-made cases, one per question type: what the question wants, and which
sentence the rule favours (assistant/point_rules.py; the weights here are explicit, the table's
are tuned on train by evals/tuning/points.py)."""

from __future__ import annotations

import pytest

from assistant.point_rules import Weights, bonus, intent

ONE = Weights(number=1, actor_subject=1, recommendation=1, meta=-1)


@pytest.mark.parametrize(
    ("question", "how_many", "actor", "recommend", "method"),
    [
        ("Hoeveel leersteuncentra zijn er in Vlaanderen?", True, None, False, False),
        ("Wat doet de zorgcoördinator bij leersteun?", False, "zorgcoördinator", False, False),
        ("Wat is de rol van het CLB?", False, "CLB", False, False),
        ("Wat verwacht men van de directie?", False, "directie", False, False),
        ("Wat raadt de inspectie de leersteuncentra aan?", False, None, True, False),
        ("Hoe werd het onderzoek naar co-teaching uitgevoerd?", False, None, False, True),
        ("Wat is een IAC?", False, None, False, False),
    ],
)
def test_what_a_question_wants(question: str, how_many: bool, actor: str | None, recommend: bool, method: bool) -> None:
    wants = intent(question)
    assert (wants.how_many, wants.actor, wants.recommend, wants.method) == (how_many, actor, recommend, method)


@pytest.mark.parametrize(
    ("question", "favoured", "other", "sections"),
    [
        (  # hoeveel: the sentence with the number
            "Hoeveel leersteuncentra zijn er?",
            "Er zijn 40 leersteuncentra erkend in Vlaanderen.",
            "De leersteuncentra werken samen met de scholen in hun regio.",
            ("", ""),
        ),
        (  # wat doet X: the sentence whose subject is X, not one that only mentions X
            "Wat doet de zorgcoördinator?",
            "De zorgcoördinator bewaakt het zorgbeleid van de school.",
            "De leerkracht overlegt met de zorgcoördinator over de leerling.",
            ("", ""),
        ),
        (  # raadt aan: a recommendation (a sentence of a recommendations section), not a finding
            "Wat raadt de inspectie aan?",
            "Zorg voor een duidelijke taakverdeling tussen school en leersteuncentrum.",
            "De taakverdeling tussen school en leersteuncentrum was vaak onduidelijk.",
            ("6 Aanbevelingen", "4 Bevindingen"),
        ),
        (  # any question but one about method: a sentence about the research itself loses
            "Wat doet een leerondersteuner in de klas?",
            "De leerondersteuner werkt in de klas samen met de leerkracht.",
            "Hiertoe werden de verslagen van veertig scholen opgevraagd.",
            ("", ""),
        ),
    ],
)
def test_the_rule_favours_the_sentence_that_answers(
    question: str, favoured: str, other: str, sections: tuple[str, str]
) -> None:
    wants = intent(question)
    assert bonus(wants, favoured, sections[0], ONE) > bonus(wants, other, sections[1], ONE)


def test_a_method_question_does_not_lose_its_method_sentences() -> None:
    sentence = "Hiertoe werden de verslagen van veertig scholen opgevraagd."
    assert bonus(intent("Hoe werd het onderzoek opgezet?"), sentence, "", ONE) == 0
    assert bonus(intent("Wat doet een leerondersteuner?"), sentence, "", ONE) == -1


def test_the_tuner_judges_a_weight_by_the_first_point_it_makes() -> None:
    import numpy as np

    from assistant.ranking import Candidate
    from assistant.ranking import PLAIN_MODEL, load_selection
    from evals.tuning.points import Case, judge
    from steunwijs.dutch.sentences import split_sentences

    def candidate(text: str, score: float, axis: int) -> Candidate:
        vector = np.eye(4, dtype=np.float32)[axis]  # orthogonal: never near-duplicates
        return Candidate(0, "a.txt", split_sentences(text)[0], vector, frozenset({str(axis)}), score, 0.0, score)

    cosine_first = candidate("De leersteuncentra werken samen met de scholen in de regio.", 0.90, 0)
    with_number = candidate("Er zijn veertig leersteuncentra in Vlaanderen erkend.", 0.89, 1)
    case = Case(
        candidates=[cosine_first, with_number],
        base=[0.90, 0.89],
        features=[{"number": 0.0}, {"number": 1.0}],
        evidence=[False, True],
        quoted=[False, True],
    )

    assert judge([case], {"number": 0.0}, load_selection(PLAIN_MODEL)) == (0.0, 1.0)  # the evidence is a point, but not the first
    assert judge([case], {"number": 0.02}, load_selection(PLAIN_MODEL)) == (1.0, 1.0)  # the number rule puts it first
