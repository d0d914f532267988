"""Structure: headings told from look-alikes, section paths, pages inferred from the extraction."""

from __future__ import annotations

import pytest

from ingest.structure import (
    Heading,
    HeadingKind,
    SectionPath,
    classify_heading,
    continues_heading,
    page_layout,
)

LINE = 85.0  # typical line length of the corpus documents
PARAGRAPH = "Het leersteundecreet vormt geen breuk met het verleden. Verschillende elementen uit het M-decreet"


@pytest.mark.parametrize(
    ("text", "kind", "depth"),
    [
        ("1 CONTEXT & OPZET VAN DE BEVRAGING", HeadingKind.NUMBERED, 1),  # 000 l.1
        ("4.3.1 Werken leersteuncentra handelingsgericht samen, is de leersteun ingebed?", HeadingKind.NUMBERED, 3),
        ("1.3. Opbouw van dit rapport", HeadingKind.NUMBERED, 2),  # 000 l.306
        ("2.3.2 Bij de school als organisatie[13]", HeadingKind.NUMBERED, 3),  # 001 l.2080, marker separated
        ("HOOFDSTUK 2: THEORETISCH KADER", HeadingKind.CHAPTER, 1),  # 001 l.1304
        ("PROFIEL", HeadingKind.CAPS, 1),
        ("EEN LIEFDESVERKLARING", HeadingKind.CAPS, 1),  # 003 l.1 after letter spacing is restored
        ("Wie doet wat?", HeadingKind.SUBHEADING, 1),  # 002 l.120
        ("Organisatiebeleid (K2)", HeadingKind.SUBHEADING, 1),  # 004 l.555
        ("Handelingsplanmatige, cyclische en dynamische aanpak (LP4)", HeadingKind.SUBHEADING, 1),  # 004 l.829
        ("Zet in op de coachende rol en vaardigheden van de leerondersteuners", HeadingKind.SUBHEADING, 1),  # l.1343
    ],
)
def test_true_headings_are_found(text: str, kind: HeadingKind, depth: int) -> None:
    assert classify_heading(text, None, PARAGRAPH, LINE) == Heading(kind, depth)


@pytest.mark.parametrize(
    "text",
    [
        "1 Dit zijn nieuwe benamingen, de oude benamingen ‘verslag’ en ‘gemotiveerd verslag’ blijven gangbaar",  # 004 l.74
        "1 In het vervolg van het rapport wordt met de term ‘school voor gewoon onderwijs’ verwezen naar zowel",  # 000 l.70
        "10 Levuur cvba.",  # 001 l.1127
        "8 LM1 en LM2, LP1, LP2, LP4, S2 2",  # 004 l.411
        "9 K1, K2 en K3 3",
        "Antwerpen 6 3 2 1 (*)",  # 001 table row
        "1 146 GON, ION, PWB + +      +",  # 001 l.2877
        "23 november in Gent (11 deelnemers) en de derde op 23 januari in Brussel",  # 000 l.230
        "1. Profiel van de ondersteuners",  # 000 l.314: an item of the reading guide
        "1210 Brussel",  # 000 l.2484: an address
        "GON-ASS",  # 001 table header
        "Figuur 3 – Tevredenheid met de job van ondersteuner",
        "Elke Emmers, Katrien Hermans & Liesbet Saenen",  # 003 l.176
        "Specifiek Leersteuncentrum Limburg",  # 003 l.170, a signature
        "Er hangt zoveel negativiteit rond het M-decreet.”",  # 000 l.1434, end of a quote
        "Tips",  # introduces a bullet list; stays text
    ],
)
def test_look_alikes_are_not_headings(text: str) -> None:
    following = "- Zorg voor een goede communicatie over deze afspraken." if text == "Tips" else PARAGRAPH
    assert classify_heading(text, None, following, LINE) is None


def test_a_line_continuing_a_sentence_is_no_heading() -> None:
    assert classify_heading("Wie doet wat?", "samen met de pedagogische begeleiding en CLB,", PARAGRAPH, LINE) is None
    assert classify_heading("Wie doet wat?", "Het zorgcontinuüm is daarbij onze leidraad.", PARAGRAPH, LINE) is not None
    assert classify_heading("2 PROFIEL VAN DE ONDERSTEUNERS", "(Online bevraging ondersteuners, 2018-2019)", PARAGRAPH, LINE)
    assert classify_heading(  # 002 l.262-263: a question after the contact block's web address
        "Wie zorgt voor professionalisering en opvolging van ondersteuners?",
        "www.ondersteuningsnetwerkkempen.be",
        "De job van ondersteuner werd samen met de start van de ondersteuningsnetwerken gecreëerd. Deze",
        LINE,
    )


def test_headings_broken_over_two_lines() -> None:
    assert continues_heading("4.1 Adviezen: in welke mate beantwoorden de leersteuncentra aan de", "erkenningsvoorwaarden?")
    assert continues_heading("6 CONTEXT VAN DE SCHOLEN VOOR GEWOON ONDERWIJS WAAR MEN", "ONDERSTEUNING BIEDT")
    assert not continues_heading("Wie doet wat?", "bij de gesprekken met de inspectie")
    assert not continues_heading("6.1 Het belang van de kwaliteit", "Uit de online bevraging blijkt dat de kwaliteit van de brede basiszorg")


def test_section_path_nests_numbered_headings_and_subheadings() -> None:
    path = SectionPath()
    path.enter("4 Resultaten", Heading(HeadingKind.NUMBERED, 1))
    path.enter("4.3 In welke mate verstrekken de leersteuncentra kwaliteitsvolle leersteun?", Heading(HeadingKind.NUMBERED, 2))
    path.enter("4.3.1 Werken leersteuncentra handelingsgericht samen?", Heading(HeadingKind.NUMBERED, 3))
    path.enter("Handelingsgericht samenwerken (LP1)", Heading(HeadingKind.SUBHEADING))
    assert path.path.split(" > ") == [
        "4 Resultaten",
        "4.3 In welke mate verstrekken de leersteuncentra kwaliteitsvolle leersteun?",
        "4.3.1 Werken leersteuncentra handelingsgericht samen?",
        "Handelingsgericht samenwerken (LP1)",
    ]
    path.enter("Inbedding van de leersteun in de klaspraktijk (LP2)", Heading(HeadingKind.SUBHEADING))
    assert path.path.endswith("4.3.1 Werken leersteuncentra handelingsgericht samen? > Inbedding van de leersteun in de klaspraktijk (LP2)")
    path.enter("4.4 Bewoonbaarheid, veiligheid en hygiëne", Heading(HeadingKind.NUMBERED, 2))
    assert path.path == "4 Resultaten > 4.4 Bewoonbaarheid, veiligheid en hygiëne"
    path.enter("5 Conclusie en reflecties", Heading(HeadingKind.NUMBERED, 1))
    assert path.path == "5 Conclusie en reflecties"


def test_a_listing_interrupting_a_section_hands_back_to_it() -> None:
    path = SectionPath()
    path.enter("VOORWOORD", Heading(HeadingKind.CAPS))
    path.enter("LIJST MET FIGUREN EN TABELLEN", Heading(HeadingKind.CAPS))
    assert path.in_listing and path.path == "LIJST MET FIGUREN EN TABELLEN"
    path.leave_listing()
    assert path.path == "VOORWOORD" and not path.in_listing


def _blank_run() -> list[str]:
    return ["", " ", "", "  ", "", "  ", "", " ", ""]


def test_pages_from_bare_page_numbers_and_page_starts() -> None:
    lines = (
        ["tekst op pagina 30"]
        + _blank_run()
        + ["31 ", "", "tekst van pagina 31", " tekst van pagina 32", "meer tekst", " tekst van pagina 33"]
        + _blank_run()
        + ["34 ", "tekst van pagina 34"]
    )
    layout = page_layout(lines)
    page = {text.strip(): layout.page_of(number) for number, text in enumerate(lines, start=1) if text.strip()}
    assert page["tekst op pagina 30"] == 30
    assert (page["tekst van pagina 31"], page["tekst van pagina 32"], page["tekst van pagina 33"]) == (31, 32, 33)
    assert page["tekst van pagina 34"] == 34
    assert layout.markers == {11, 26}


def test_table_numbers_are_no_page_numbers() -> None:
    lines = ["Antwerpen", "6 ", "3 ", "Limburg", "49 ", "320"]  # 001 l.1168-1170: cells after text
    layout = page_layout(lines)
    assert layout.markers == frozenset() and set(layout.pages) == {1}


def test_running_footers_anchor_pages_and_page_starts_interpolate() -> None:
    lines = [
        " 1 Inleiding",
        "tekst",
        " 2 Contextschets",
        "Erkenningsonderzoeken leersteuncentra 2023-2024 8/40 ",
        "tekst van pagina 8",
        " tekst van pagina 9",
        " tekst van pagina 10",
        "Erkenningsonderzoeken leersteuncentra 2023-2024 11/40 ",
        "einde",
    ]
    layout = page_layout(lines)
    assert layout.pages == [6, 6, 7, 8, 8, 9, 10, 11, 11]
    assert layout.markers == {4, 8}


def test_a_single_fraction_is_no_footer_and_pages_count_from_one() -> None:
    lines = [" Beste leerkracht", "gemiddeld 3/4 van de centra", " 4 april 2019", "tekst"]
    layout = page_layout(lines)
    assert layout.markers == frozenset()
    assert layout.pages == [1, 1, 2, 2]
