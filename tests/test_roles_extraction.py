"""The roles map's rules on hand-made sentences: each type, each actor (older names too), imperatives,
passive expectations, pronouns, reporting frames, two actors, negatives; and a document's walk
(recommendation sections and lists, imperative headings, overlapping chunks)."""

from __future__ import annotations

import pytest

from kb.roles_build import extract_document
from steunwijs.dutch.roles import Context, analyse
from steunwijs.types import DocumentMeta, Passage

NONE = Context()
TO_CENTRES = Context(recommendation=True, addressees=("leersteuncentrum",))


@pytest.mark.parametrize(
    ("sentence", "context", "expected"),
    [
        # rol, one per actor; older names count as today's actor
        ("De leerondersteuner werkt samen met de leraar in de klas.", NONE, [("leerondersteuner", "rol")]),
        ("De co-teacher staat samen met de klasleerkracht voor de klas.", NONE, [("leerondersteuner", "rol")]),
        ("Het M-team bekijkt de binnengekomen vragen van de scholen.", NONE, [("leerondersteuner", "rol")]),
        (
            "Een PWB-ondersteuner begeleidt de leerkracht bij redelijke aanpassingen.",
            NONE,
            [("leerondersteuner", "rol")],
        ),
        (
            "Het uitgestuurd personeelslid ondersteunt de klas een halve dag per week.",
            NONE,
            [("leerondersteuner", "rol")],
        ),
        ("Het ondersteuningsnetwerk verdeelt de ondersteuners over de scholen.", NONE, [("leersteuncentrum", "rol")]),
        (
            "Het ondersteuningsteam organiseert de ondersteuning op maat van de school.",
            NONE,
            [("leersteuncentrum", "rol")],
        ),
        ("De onderwijsinspectie onderzoekt de kwaliteit van de leersteuncentra.", NONE, [("inspectie", "rol")]),
        ("De dico neemt de coördinatie van het project op.", NONE, [("directie", "rol")]),
        ("De leerkracht blijft verantwoordelijk voor het leerproces van de klas.", NONE, [("leerkracht", "rol")]),
        ("De zorgcoördinator coördineert de zorg op school.", NONE, [("zorgcoördinator", "rol")]),
        ("Het CLB stelt het verslag op na een diagnostisch traject.", NONE, [("CLB", "rol")]),
        (
            "De pedagogische begeleiding ondersteunt de scholen bij hun beleid.",
            NONE,
            [("pedagogische begeleiding", "rol")],
        ),
        ("De leerling krijgt een actieve rol in de klasgroep.", NONE, [("leerling", "rol")]),
        ("Elke school kiest vrij bij welk leersteuncentrum ze aansluit.", NONE, [("school", "rol")]),
        # verwachting: modal, duty, passive, and expected by others of someone else
        ("De overheid moet voldoende middelen voorzien voor leersteun.", NONE, [("overheid", "verwachting")]),
        ("Ouders hebben de plicht om het verslag bij de inschrijving te melden.", NONE, [("ouders", "verwachting")]),
        (
            "Van schoolleiders wordt verwacht dat ze een veilige leeromgeving creëren.",
            NONE,
            [("directie", "verwachting")],
        ),
        (
            "Leerkrachten verwachten van de ondersteuner dat hij ook de klas helpt.",
            NONE,
            [("leerondersteuner", "verwachting")],
        ),
        (
            "Een leerkracht zei: ‘zorgcoördinatoren moeten meer tijd krijgen.’",
            NONE,
            [("zorgcoördinator", "verwachting")],
        ),
        # the passive agent is what the sentence is about, not its grammatical subject
        (
            "De leerkrachten worden door de competentiebegeleiders ondersteund in de klas.",
            NONE,
            [("pedagogische begeleiding", "rol")],
        ),
        # aanbeveling: imperatives to the addressee of their section, or to the actor they name as object
        ("Zorg voor een billijke verdeling van de taken.", TO_CENTRES, [("leersteuncentrum", "aanbeveling")]),
        ("Betrek ouders actief bij alle fasen van het traject.", TO_CENTRES, [("ouders", "aanbeveling")]),
        ("Ga met elkaar in communicatie.", Context(reader="leerondersteuner"), [("leerondersteuner", "aanbeveling")]),
        (
            "Het is aangewezen dat leersteuncentra nog actiever inzetten op coaching.",
            NONE,
            [("leersteuncentrum", "aanbeveling")],
        ),
        (
            "In de toekomst zou de onderwijsinspectie de leersteun in de klas moeten observeren.",
            Context(recommendation=True, addressees=("inspectie",)),
            [("inspectie", "aanbeveling")],
        ),
        # two actors: both when they are the subject together, only the subject otherwise
        (
            "De directeur en de zorgcoördinator dragen het ondersteuningsproject.",
            NONE,
            [("directie", "rol"), ("zorgcoördinator", "rol")],
        ),
        ("Het CLB werkt samen met de school en de ouders.", NONE, [("CLB", "rol")]),
        # pronouns: the sentence before, the reader the document addresses
        (
            "Zij moeten openstaan voor ondersteuning.",
            Context(previous=("leerkracht",)),
            [("leerkracht", "verwachting")],
        ),
        (
            "Je bent een schakel tussen leerkracht en ouders.",
            Context(reader="leerondersteuner"),
            [("leerondersteuner", "rol")],
        ),
        # what is demanded of someone, a task given, a prohibition, "belangrijk dat", recognition conditions
        ("Dat vergt van leerkrachten heel wat werk.", NONE, [("leerkracht", "verwachting")]),
        (
            "De centra hebben de expliciete opdracht om de expertise te borgen.",
            NONE,
            [("leersteuncentrum", "verwachting")],
        ),
        (
            "Scholen en leerkrachten mogen het probleem niet doorschuiven.",
            NONE,
            [("school", "verwachting"), ("leerkracht", "verwachting")],
        ),
        (
            "Het is volgens hen ook belangrijk dat de zorgcoördinator het overleg leidt.",
            NONE,
            [("zorgcoördinator", "verwachting")],
        ),
        (
            "Het leersteuncentrum voldoet aan elke erkenningsvoorwaarde van het decreet.",
            NONE,
            [("leersteuncentrum", "verwachting")],
        ),
        # a quote after a reporting frame: "we" is its speaker (not the document's author), a past participle a deed
        (
            "Een ondersteuner vertelde: ‘we komen wekelijks samen en bespreken de vragen.’",
            Context(author="overheid"),
            [("leerondersteuner", "rol")],
        ),
        (
            "Een leerkracht getuigde: ‘eerst heeft de ondersteuner geobserveerd.’",
            NONE,
            [("leerondersteuner", "rol")],
        ),
        ("De leerondersteuners hanteren een cyclische aanpak.", NONE, [("leerondersteuner", "rol")]),
        # negatives: no role stated, a figure, a question, no actor
        ("Leerondersteuners hebben het druk.", NONE, []),
        ("De leerondersteuners laten kansen liggen om planmatig samen te werken.", NONE, []),
        ("Ondersteuners geven significant meer aan de ouders te betrekken (gemiddelde score = 8,02/10).", NONE, []),
        ("De leerkracht neemt dan zelf geen verantwoordelijkheid op.", NONE, []),
        ("In de meeste centra beantwoordt de samenwerking met de leerondersteuners aan de verwachting.", NONE, []),
        ("Twee op drie leersteuncentra scoorden volgens de verwachting.", NONE, []),
        ("Wat doet een leerondersteuner in de klas?", NONE, []),
        ("Het zorgcontinuüm onderscheidt drie fasen in de zorg.", NONE, []),
    ],
)
def test_a_sentence_is_recorded_for_the_actor_it_is_about(
    sentence: str, context: Context, expected: list[tuple[str, str]]
) -> None:
    assert [(f.actor, f.type) for f in analyse(sentence, context).findings] == expected


def test_the_words_that_name_the_actor_are_kept_and_implied_actors_have_none() -> None:
    named = analyse("Het ondersteuningsnetwerk verdeelt de ondersteuners over de scholen.", NONE).findings
    implied = analyse("Zorg voor een billijke verdeling van de taken.", TO_CENTRES).findings
    assert [f.named for f in named] == ["Het ondersteuningsnetwerk"] and [f.named for f in implied] == [""]


DOC = DocumentMeta(
    source="erkenning.txt",
    title="Erkenningsonderzoeken leersteuncentra",
    short_title="Erkenning",
    publisher="Onderwijsinspectie",
    year=2024,
    era="leersteundecreet (vanaf 2023)",
)


def passage(n: int, section: str, text: str, page: int = 1) -> Passage:
    return Passage(id=f"p{n}", doc=DOC, section=section, page=page, lines=(n * 10 + 1, n * 10 + 9), text=text, raw=text)


def found(passages: list[Passage]) -> list[tuple[str, str, str]]:
    return [(s.actor, s.type, s.quote) for s in extract_document(passages)]


def test_a_recommendations_section_makes_recommendations_and_its_imperative_headings_count() -> None:
    section = "6 Aanbevelingen > 6.1 Aanbevelingen voor de leersteuncentra > Betrek ouders actief bij alle fasen"
    text = (
        "De leersteuncentra moeten een beleid ontwikkelen dat de betrokkenheid van ouders bevordert.\n\n"
        "Daarom is het belangrijk om hierover in gesprek te gaan met de scholen."
    )
    assert [s.heading for s in extract_document([passage(1, section, text)])] == [True, False, False]
    assert found([passage(1, section, text)]) == [
        ("ouders", "aanbeveling", "Betrek ouders actief bij alle fasen"),
        ("leersteuncentrum", "aanbeveling", text.split("\n\n")[0]),
        ("leersteuncentrum", "aanbeveling", text.split("\n\n")[1]),
    ]


def test_a_list_under_a_lead_in_is_addressed_to_the_actor_the_lead_in_names() -> None:
    text = (
        "Aanbevelingen voor schoolleiders:\n\n"
        "- Creëer een veilige leeromgeving voor leerkrachten.\n"
        "- Informeer het voltallige schoolteam over de ondersteuning.\n\n"
        "Leerkrachten krijgen zo kansen om te leren."
    )
    assert found([passage(1, "5 Besluit", text)]) == [
        ("directie", "aanbeveling", "Creëer een veilige leeromgeving voor leerkrachten."),
        ("directie", "aanbeveling", "Informeer het voltallige schoolteam over de ondersteuning."),
    ]


def test_overlapping_chunks_record_a_sentence_once_and_a_cut_sentence_never() -> None:
    first = "Het CLB stelt het verslag op. De leerondersteuner werkt samen met de leraar in"
    second = "De leerondersteuner werkt samen met de leraar in de klas. De ouders moeten het verslag melden."
    statements = extract_document([passage(1, "2 Rollen", first), passage(2, "2 Rollen", second)])
    assert [(s.actor, s.type, s.passage_id) for s in statements] == [
        ("CLB", "rol", "p1"),
        ("leerondersteuner", "rol", "p2"),
        ("ouders", "verwachting", "p2"),
    ]
    assert all(s.era == DOC.era and s.year == 2024 and s.section == "2 Rollen" for s in statements)


def test_a_pronoun_stands_for_the_actors_of_the_sentence_before() -> None:
    text = "De zorgcoördinatoren organiseren het overleg met het team. Zij moeten de afspraken opvolgen."
    assert [(a, t) for a, t, _ in found([passage(1, "3 Zorg", text)])] == [
        ("zorgcoördinator", "rol"),
        ("zorgcoördinator", "verwachting"),
    ]
