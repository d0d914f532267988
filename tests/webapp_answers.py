"""Answers built by hand for the web-app tests that check rendering, feedback and export.

These tests are about how the app shows and stores an `Answer`, not about how the assistant makes
one, so a fixed Answer (with the real models) stands in for the assistant; the handler tests in
test_webapp_handlers.py use the real assistant.
"""

from __future__ import annotations

from steunwijs.types import Answer, Citation, DocumentMeta, Hit, Passage

DOC = DocumentMeta(
    source="004_f932f971383260c2.txt",
    title="Erkenningsonderzoeken leersteuncentra 2023-2024",
    short_title="Inspectie: erkenning leersteuncentra (2024)",
    publisher="Onderwijsinspectie Vlaanderen",
    year=2024,
    kind="inspectierapport",
    era="leersteundecreet (vanaf 2023)",
)
PASSAGE_TEXT = (
    "De school heeft de regie over het ondersteuningstraject.\n\n"
    "De leerondersteuner werkt samen met de leraar in de klas & bespreekt <doelen> met het team."
)
QUOTE = "De leerondersteuner werkt samen met de leraar in de klas"


def hit(lines: tuple[int, int] = (120, 134), approximate: bool = True) -> Hit:
    passage = Passage(
        id="p1",
        doc=DOC,
        section="4 Resultaten > 4.3.1 LP1 handelingsgericht samenwerken",
        page=12,
        page_approximate=approximate,
        lines=lines,
        text=PASSAGE_TEXT,
        raw=PASSAGE_TEXT,
    )
    return Hit(passage=passage, score=0.03, rank=1)


def citation(n: int = 1, quote: str = QUOTE, approximate: bool = True) -> Citation:
    return Citation(n=n, passage=hit(lines=(120, 134), approximate=approximate).passage, quote=quote)


def answered(question: str = "Wat doet een leerondersteuner in de klas?", persona: str = "directie") -> Answer:
    return Answer(
        question=question,
        persona=persona,
        text=f"Volgens de inspectie:\n- {QUOTE} [1]\n- Zie ook [2] en [7].",
        citations=[citation(1), citation(2, quote="De school heeft de regie")],
        retrieved=[hit()],
    )


def abstained() -> Answer:
    return Answer(
        question="Hoeveel verdient een leerondersteuner?",
        persona="leerondersteuner",
        text="Dat staat niet in de documenten die ik ken.\n\nMogelijk relevant, maar geen rechtstreeks antwoord:\n- *Inspectie*: De school heeft de regie [1]",
        citations=[citation(1, quote="De school heeft de regie")],
        abstained=True,
        abstain_reason="geen zin ligt dicht genoeg bij de vraag",
        retrieved=[hit()],
    )
