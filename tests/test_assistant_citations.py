"""The citation check: markers, retrieved passages, verbatim quotes, a marker on every statement."""

from __future__ import annotations

import pytest

from assistant.citations import (
    CitationError,
    best_quote,
    check,
    drop_unknown_markers,
    statements,
)
from assistant.templates import phrase
from steunwijs.types import Answer, Citation, DocumentMeta, Hit, Passage

DOC = DocumentMeta(
    source="004_f932f971383260c2.txt",
    title="Erkenningsonderzoeken leersteuncentra 2023-2024",
    short_title="Inspectie: erkenning leersteuncentra (2024)",
    year=2024,
    era="leersteundecreet (vanaf 2023)",
)
PASSAGE_TEXT = (
    "Er zijn in Vlaanderen 43 leersteuncentra opgericht, waaronder 4 specifieke. "
    "Elke school kiest vrij een leersteuncentrum.\nDe leersteun start ten laatste\n"
    "vijf schooldagen na de start van het schooljaar."
)


def hit(text: str = PASSAGE_TEXT, lines: tuple[int, int] = (97, 117), rank: int = 1) -> Hit:
    passage = Passage(
        id=f"p{lines[0]}", doc=DOC, section="2 Contextschets", page=4, lines=lines, text=text, raw=text
    )
    return Hit(passage=passage, score=0.03, rank=rank, dense_score=0.88, bm25_score=7.1)


def citation(n: int, quote: str, source: Hit) -> Citation:
    return Citation(n=n, passage=source.passage, quote=quote)


def good_answer() -> Answer:
    h = hit()
    return Answer(
        question="Hoeveel leersteuncentra zijn er?",
        text=(
            "### Wat kun je doen\nDit zeggen de documenten:\n\n"
            "1. Er zijn in Vlaanderen 43 leersteuncentra opgericht, waaronder 4 specifieke. [1]\n"
            "2. De leersteun start ten laatste vijf schooldagen na de start van het schooljaar. [2]\n\n"
            "Vragen voor de groep:\n- Verrast dit je?"
        ),
        citations=[
            citation(1, "Er zijn in Vlaanderen 43 leersteuncentra opgericht, waaronder 4 specifieke.", h),
            # the passage breaks this sentence over lines; the quote may stand on one line
            citation(2, "De leersteun start ten laatste vijf schooldagen na de start van het schooljaar.", h),
        ],
        retrieved=[h],
    )


def problems_of(answer: Answer) -> list[str]:
    with pytest.raises(CitationError) as caught:
        check(answer)
    return caught.value.problems


def test_a_good_answer_passes() -> None:
    check(good_answer())


def test_a_marker_without_citation_fails() -> None:
    answer = good_answer()
    answer.text += "\n3. Nog een bewering. [3]"
    assert problems_of(answer) == ["marker [3] has no citation"]


def test_a_sentence_without_marker_fails() -> None:
    answer = good_answer()
    answer.text = answer.text.replace("schooljaar. [2]", "schooljaar. [2] Dat is snel.")
    assert problems_of(answer) == ["statement without a marker: 'Dat is snel.'"]


def test_a_bullet_without_marker_fails() -> None:
    answer = good_answer()
    answer.text += "\n- Elke school kiest vrij een leersteuncentrum."
    assert problems_of(answer) == ["statement without a marker: 'Elke school kiest vrij een leersteuncentrum.'"]


def test_a_quote_that_is_not_in_the_passage_fails() -> None:
    answer = good_answer()
    answer.citations[0].quote = "Er zijn in Vlaanderen 44 leersteuncentra opgericht."
    [problem] = problems_of(answer)
    assert problem.startswith("quote of [1] does not occur in its passage")


def test_an_empty_quote_fails() -> None:
    answer = good_answer()
    answer.citations[1].quote = "  "
    assert problems_of(answer) == ["citation [2] has an empty quote"]


def test_a_citation_of_a_passage_that_was_not_retrieved_fails() -> None:
    answer = good_answer()
    other = hit("Elke school kiest vrij een leersteuncentrum.", lines=(200, 201), rank=2)
    answer.citations[1] = citation(2, "Elke school kiest vrij een leersteuncentrum.", other)
    assert problems_of(answer) == [f"citation [2] ({DOC.source}, lines 200-201) was not retrieved"]


def test_an_unused_citation_fails() -> None:
    answer = good_answer()
    answer.text = answer.text.replace(" [2]", " [1]")
    assert problems_of(answer) == ["citation [2] is not used in the text"]


def test_the_abstention_sentence_needs_no_marker_but_only_in_an_abstained_answer() -> None:
    answer = good_answer()
    answer.text = phrase("abstain", "statement") + "\n\n" + answer.text
    assert problems_of(answer) == [f"statement without a marker: {phrase('abstain', 'statement')!r}"]
    answer.abstained = True
    check(answer)


def test_headings_lead_ins_and_questions_are_not_statements() -> None:
    text = "### Wie is verantwoordelijk\nDit zeggen de documenten:\n**CLB**\n- [ ] Het CLB schrijft het verslag. [1]\n- Herken je dit?"
    assert statements(text) == []
    assert statements("**CLB**\n- [ ] Het CLB schrijft het verslag.") == ["Het CLB schrijft het verslag."]


def test_drop_unknown_markers_removes_and_reports_them() -> None:
    text, removed = drop_unknown_markers("Eerste [1]. Tweede [7][2]. Derde [9].", {1, 2})
    assert text == "Eerste [1]. Tweede [2]. Derde."
    assert removed == [7, 9]
    assert drop_unknown_markers("Alles klopt [1].", {1}) == ("Alles klopt [1].", [])


def test_best_quote_returns_the_supporting_sentence_verbatim() -> None:
    quote = best_quote("Leersteun begint binnen vijf schooldagen.", PASSAGE_TEXT)
    assert quote == "De leersteun start ten laatste\nvijf schooldagen na de start van het schooljaar."
    assert quote in PASSAGE_TEXT
    assert best_quote("Ouders betalen de kilometervergoeding.", PASSAGE_TEXT) == ""
