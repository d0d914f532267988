"""Cleaning rules, each on real excerpts of the corpus (line numbers refer to /work/shared/corpus)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.clean import clean_document
from ingest.clean.footnotes import split_off_footnotes
from ingest.clean.hyphenation import hyphen_choice, joins_unhyphenated, learn_hyphenation
from ingest.clean.lines import (
    normalise_line,
    redact_contact_details,
    restore_letter_spacing,
    undouble_caption_numbers,
)
from ingest.clean.records import Block, BlockKind, Line
from ingest.clean.vocabulary import Vocabulary
from ingest.readers import SourceText
from ingest.structure import page_layout
from steunwijs.settings import Settings


def first_line(block: Block) -> int:
    return min(line for _, line in block.spans)


def last_line(block: Block) -> int:
    return max(line for _, line in block.spans)


# Evidence as the corpus gives it: each word inside a line, as in running text.
CORPUS_WORDS = Vocabulary.from_texts(
    [
        "een referentiekader voor de scholen\n"
        "het ondersteuningsnetwerk Kempen en ondersteuningsnetwerken ook\n"
        "alle leerondersteuners en de leerondersteuner zelf\n"
        "leerlingen met specifieke onderwijsbehoeften in de klas\n"
        "kinderen met onderwijsbehoeften die extra\n"
        "in de pre-waarborgregeling van 2015 en de pre-waarborgregeling later\n"
        "het co-teaching model en co-teaching ook\n"
        "in de buo-school waar\n"
        "een die bepaalde leerling\n"
        "we blijven groeien naar\n"
        "de eerlijk gezegd\n"
        "de werkvormen in de klas\n"
        "in een ver land\n"
        "de rassen van\n"
        "wat in zet je in\n"
        "de inzet van leerondersteuners en de inzet van\n"
        "wordt de paramedisch geschoolde\n"
        "werk met SMARTI geformuleerde doelen en SMARTI doelen\n"
        "de codes LM1 en LM1 en LM2 hier\n"
        "Hargreaves, 1994, p. 195).\n"
        "het jaar 2014 en ook 2014 weer\n"
    ]
)


def blocks_of(lines: list[str], vocabulary: Vocabulary = CORPUS_WORDS) -> list[Block]:
    source = SourceText(path=Path("excerpt.txt"), lines=lines)
    return clean_document(source, vocabulary, page_layout(lines).markers)


def texts(blocks: list[Block], kind: BlockKind | None = None) -> list[str]:
    return [block.text for block in blocks if kind is None or block.kind is kind]


# --- corpus evidence -----------------------------------------------------------------------------


def test_vocabulary_counts_words_inside_lines_only() -> None:
    vocabulary = Vocabulary.from_texts(["de leerondersteu\nners zijn leerondersteuners in de klas"])
    assert vocabulary.count("leerondersteuners") == 1
    assert vocabulary.count("leerondersteu") == 0  # last word of its line: a fragment, not evidence
    assert vocabulary.count("ners") == 0  # first word of its line
    assert vocabulary.support("werkvorm") == 0 and CORPUS_WORDS.support("werkvorm") == 1  # via "werkvormen"


def test_vocabulary_from_files_reads_every_readable_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("de leerondersteuners werken samen\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("het referentiekader van de inspectie\n", encoding="utf-8")
    (tmp_path / "kapot.pdf").write_bytes(b"%PDF broken")
    vocabulary = Vocabulary.from_files(sorted(tmp_path.iterdir()))
    assert vocabulary.count("leerondersteuners") == 1 and vocabulary.count("referentiekader") == 1


# --- hyphenation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("referentie", "kader", "join"),  # 002 l.11-13
        ("onder", "steuningsnetwerk", "join"),  # 002 l.17-19
        ("leeron", "dersteuners", "join"),  # 003 l.158-159
        ("be", "paalde", "join"),  # 003 l.39-40
        ("groei", "en", "join"),  # 002 l.106-108: "toe te groei-\nen", not a suspended compound
        ("werk", "vorm", "join"),  # 001: evidence through "werkvormen"
        ("pre", "waarborgregeling", "keep"),  # 001, 27 times
        ("co", "teaching", "keep"),
        ("buo", "school", "keep"),
        ("CLB", "medewerkers", "keep"),  # 004: acronyms keep their hyphen
        ("PWB", "ondersteuner", "keep"),
        ("BVH", "planning", "keep"),
        ("OV4", "verslag", "keep"),  # 004 l.52-53
        ("één-op", "één-relatie", "keep"),  # 004 l.391-392
        ("inclusie", "expertise", "keep"),  # vowel clash
        ("basis", "en", "space"),  # 000 l.13: "gewoon basis- en secundair onderwijs"
    ],
)
def test_line_end_hyphens(left: str, right: str, expected: str) -> None:
    assert hyphen_choice(left, right, CORPUS_WORDS) == expected


def test_unattested_hyphen_follows_the_documents_habit() -> None:
    assert hyphen_choice("inspecteur", "teamcoördinator", CORPUS_WORDS, default="keep") == "keep"
    assert hyphen_choice("inspecteur", "teamcoördinator", CORPUS_WORDS, default="join") == "join"


def test_document_habit_is_learnt_from_its_decided_hyphens() -> None:
    newsletter = [  # 002 l.11-23: soft hyphens
        Line(11, "de ondersteuningsnetwerken met als doel om een referentie-"),
        Line(13, "kader onderwijskwaliteit te ontwikkelen voor onder-"),
        Line(15, "steuningsnetwerk Kempen te vertellen."),
    ]
    inspection = [  # 004: real compound hyphens only
        Line(52, "(gemeenschappelijk curriculum), een IAC-verslag en een OV4-"),
        Line(53, "verslag en ook de CLB-"),
        Line(54, "medewerkers en de pre-"),
        Line(55, "waarborgregeling"),
    ]
    assert learn_hyphenation(newsletter, CORPUS_WORDS).default == "join"
    assert learn_hyphenation(inspection, CORPUS_WORDS).default == "keep"


def test_unhyphenated_splits_are_joined_only_with_evidence() -> None:
    assert joins_unhyphenated("leerondersteu", "ners", CORPUS_WORDS)  # 003 l.38-39
    assert joins_unhyphenated("onderwijs", "behoeften", CORPUS_WORDS)  # 003 l.197-198
    assert joins_unhyphenated("eer", "lijke", CORPUS_WORDS)  # 003 l.161-162, via "eerlijk"
    assert not joins_unhyphenated("ver", "rassen", CORPUS_WORDS)  # 003 l.19-20: "verrassen" unattested
    assert not joins_unhyphenated("in", "zet", CORPUS_WORDS)  # two words; "in" is too short to be a piece


def test_hyphenation_in_a_double_spaced_paragraph() -> None:
    blocks = blocks_of(  # 002 l.7-15
        [
            "Half maart kregen we bezoek van de inspectie en van het ",
            "",
            "departement onderwijs . Ze deden aan terreinverkenning van ",
            "",
            "de ondersteuningsnetwerken met als doel om een referentie-",
            "",
            "kader onderwijskwaliteit te ontwikkelen voor ondersteunings-",
            "",
            "netwerken. ",
        ]
    )
    assert texts(blocks) == [
        "Half maart kregen we bezoek van de inspectie en van het departement onderwijs . Ze deden aan "
        "terreinverkenning van de ondersteuningsnetwerken met als doel om een referentiekader "
        "onderwijskwaliteit te ontwikkelen voor ondersteuningsnetwerken."
    ]


def test_003_loses_its_soft_hyphens_and_gets_them_back_with_evidence() -> None:
    blocks = blocks_of(  # 003 l.38-45 (single spaced, "leerondersteu\nners" and "be-\npaalde")
        [
            "Binnen het Specifiek Leersteuncentrum Limburg hebben alle leerondersteu",
            "ners een gemeenschappelijk doel voor ogen: inclusief onderwijs voor die be-",
            "paalde leerling met specifieke onderwijsbehoeften. Drie kernvragen die leerondersteu-",
            "ners onderling delen, maar die ook gedeeld worden door onze partners in ",
            "het werkveld. Kinderen met specifieke onderwijs",
            "behoeften zoeken een antwoord.",
        ]
    )
    text = texts(blocks)[0]
    assert "alle leerondersteuners een gemeenschappelijk doel" in text
    assert "voor die bepaalde leerling" in text
    assert "kernvragen die leerondersteuners onderling" in text
    assert "specifieke onderwijsbehoeften zoeken" in text


# --- characters, bullets, letter spacing ---------------------------------------------------------


def test_letter_spaced_headings_are_restored() -> None:
    assert restore_letter_spacing("E E N  L I E FD E S V E R K L A R I N G") == "EEN LIEFDESVERKLARING"
    assert restore_letter_spacing("VO O RWO O R D") == "VOORWOORD"
    assert restore_letter_spacing("HET VOORSPEL") == "HET VOORSPEL"
    assert restore_letter_spacing("Type 2 (verstandelijke beperking)") == "Type 2 (verstandelijke beperking)"


def test_private_use_bullets_and_nbsp_are_normalised() -> None:
    assert [line.text for line in normalise_line(Line(1, "\uf0b7 De pedagogische begeleidingsdiensten "))] == [
        "- De pedagogische begeleidingsdiensten"
    ]
    shared = normalise_line(Line(7600, "\uf0d8 een gedeelde visie ontwikkelen \uf0d8 middelen garanderen"))
    assert [line.text for line in shared] == ["- een gedeelde visie ontwikkelen", "- middelen garanderen"]
    assert all(line.number == 7600 for line in shared)
    assert normalise_line(Line(2, "• Type 2 (verstandelijke beperking)  "))[0].text == "- Type 2 (verstandelijke beperking)"
    nbsp = normalise_line(Line(157, "nen in het onderwijsproces.\u00a0 Het boek zou dan ook\tleeron-"))[0]
    assert nbsp.text == "nen in het onderwijsproces. Het boek zou dan ook leeron-"


def test_bullets_become_list_items_after_their_lead_in() -> None:
    blocks = blocks_of(  # 000 l.45-57
        [
            "Ondersteuning kan worden aangevraagd voor leerlingen met een gemotiveerd verslag ",
            "",
            "of verslag van:  ",
            "",
            "• Type 2 (verstandelijke beperking)  ",
            "",
            "• Type 4 (motorische beperking)  ",
            "",
            "• Type 7 (auditieve beperking en spraak- of taalontwikkelingsstoornis – vanaf ",
            "",
            "schooljaar 2019-2020)  ",
        ]
    )
    assert [(block.kind, block.text) for block in blocks] == [
        (BlockKind.PARAGRAPH, "Ondersteuning kan worden aangevraagd voor leerlingen met een gemotiveerd verslag of verslag van:"),
        (BlockKind.ITEM, "- Type 2 (verstandelijke beperking)"),
        (BlockKind.ITEM, "- Type 4 (motorische beperking)"),
        (BlockKind.ITEM, "- Type 7 (auditieve beperking en spraak- of taalontwikkelingsstoornis – vanaf schooljaar 2019-2020)"),
    ]


def test_doubled_caption_numbers_are_undone() -> None:
    lines = [Line(n, text) for n, text in enumerate(
        ["Figuur 6: Toezichtkader.", "Figuur 77: Ontwikkelingsniveaus.", "Figuur 88: Overzicht.", "Figuur 9: Visie.",
         "Figuur 1010: LP.", "Figuur 11: LM.", "Figuur 1212: S2."], start=1)]
    assert [line.text.split(":")[0] for line in undouble_caption_numbers(lines)] == [
        "Figuur 6", "Figuur 7", "Figuur 8", "Figuur 9", "Figuur 10", "Figuur 11", "Figuur 12"
    ]


# --- paragraphs ----------------------------------------------------------------------------------


def test_double_spaced_paragraphs_end_at_wide_line_ends() -> None:
    blocks = blocks_of(  # 000 l.716-727: every line followed by an empty one; "werk.  " ends a paragraph
        [
            "Tijdens de focusgroepen geven de ondersteuners aan dat ze hun job met hart en ziel doen ",
            "",
            "en daaruit hun voldoening putten, maar dat het niet eenvoudig is, de uitdagingen groot ",
            "",
            "zijn en ze hun werk in zeer onzekere omstandigheden uitvoeren. De onzekerheid weegt ",
            "",
            "hen zwaar en ze ervaren dat er grote verwachtingen leven ten aanzien van hun werk.  ",
            "",
            "Sommige ondersteuners vinden er juist voldoening in om pioniers te zijn, te ",
            "",
            "experimenteren en inhoud en organisatie van het werk mee vorm te geven, anderen ",
            "",
        ]
    )
    assert len(blocks) == 2
    assert blocks[0].text.endswith("ten aanzien van hun werk.")
    assert blocks[1].text.startswith("Sommige ondersteuners") and (first_line(blocks[1]), last_line(blocks[1])) == (9, 11)


def test_page_number_inside_a_sentence_is_dropped_and_the_sentence_rejoined() -> None:
    blocks = blocks_of(  # 001 l.5366-5384: page number 64 between "op regionaal" and "niveau werden er"
        [
            "Katholiek Onderwijs Vlaanderen organiseerde de professionalisering op regionaal ",
            "",
            "",
            " ",
            "",
            "  ",
            "",
            "  ",
            "",
            " ",
            "",
            "64 ",
            "",
            "niveau werden er in samenwerking met vier Banaba’s Buitengewoon Onderwijs en ",
            "",
            "gecoördineerd door het PWB-coördinatieteam van Katholiek Onderwijs Vlaanderen.",
        ]
    )
    assert texts(blocks) == [
        "Katholiek Onderwijs Vlaanderen organiseerde de professionalisering op regionaal niveau werden er in "
        "samenwerking met vier Banaba’s Buitengewoon Onderwijs en gecoördineerd door het PWB-coördinatieteam "
        "van Katholiek Onderwijs Vlaanderen."
    ]


def test_running_footer_is_dropped() -> None:
    lines = [  # 004 l.786-791, with the footer "… 23/40" and its twin on another page
        "leersteun en hoe ze hen een actieve rol laten opnemen (bijvoorbeeld als buddy, vertrouwenspersoon, ",
        "",
        "Erkenningsonderzoeken leersteuncentra 2023-2024 23/40 ",
        "",
        "inclusie en laten in groeiende mate medeleerlingen participeren.",
        "Erkenningsonderzoeken leersteuncentra 2023-2024 40/40 ",
    ]
    assert all("Erkenningsonderzoeken" not in text for text in texts(blocks_of(lines)))


# --- footnotes -----------------------------------------------------------------------------------

SPLICED_000 = [  # 000 l.59-84: the footnotes cut "…via regionale [footnotes] ondersteuningsnetwerken."
    "2. Heeft de ondersteuningsvraag betrekking op leerlingen met een oriëntering naar type ",
    "",
    "basisaanbod, met een emotionele of gedragsstoornis, dan wordt ondersteuning van ",
    "",
    "scholen in de begeleiding van deze leerlingen voorzien via regionale ",
    "",
    "                                           ",
    "1 In het vervolg van het rapport wordt met de term ‘school voor gewoon onderwijs’ verwezen naar zowel ",
    "",
    "de scholen voor gewoon onderwijs als de centra voor deeltijds beroepessecundair onderwijs. ",
    "2 Leerlingen met een oud ‘inschrijvingsverslag voor het buitengewoon onderwijs’ daterend van voor de start ",
    "",
    "van het M-decreet, worden administratief gevat onder gemotiveerd verslag of verslag.  ",
    " ondersteuningsnetwerken. De ondersteuningsvragen moeten betrekking hebben op ",
    "",
    "leerlingen met een gemotiveerd verslag of verslag van:  ",
]


def test_footnote_block_is_moved_out_of_the_sentence() -> None:
    blocks = blocks_of(SPLICED_000)
    body, first, second = blocks
    assert body.kind is BlockKind.ITEM
    assert "voorzien via regionale ondersteuningsnetwerken. De ondersteuningsvragen moeten" in body.text
    assert (first.kind, second.kind) == (BlockKind.FOOTNOTE, BlockKind.FOOTNOTE)
    assert first.text.startswith("[1] In het vervolg van het rapport") and first.text.endswith("beroepessecundair onderwijs.")
    assert second.text.startswith("[2] Leerlingen met een oud")
    assert (first_line(first), last_line(first), first_line(second)) == (8, 10, 11)
    assert (first_line(body), last_line(body)) == (1, 16)  # the body spans the footnote lines it encloses


def test_footnote_without_separator_needs_its_marker() -> None:
    lines = [  # 004 l.50-77: no separator line; the marker "volgen)1." makes "1 Dit zijn …" a footnote
        "hebben om het gemeenschappelijke curriculum in het secundair onderwijs te blijven volgen)1. ",
        "Leerlingen met een verslag voor type 2 genereren een open-end financiering.",
        " ",
        "In het leersteundecreet krijgen de centra dus de expliciete opdracht mee om ook leraargerichte ",
        "leersteun aan te bieden en mikken op een maximaal effect op ",
        "",
        " ",
        "1 Dit zijn nieuwe benamingen, de oude benamingen ‘verslag’ en ‘gemotiveerd verslag’ blijven gangbaar. ",
        "",
        "nog in gebruik zijn.   ",
        " de klasvloer. Nog volgens het decreet geven de centra deze vorm van leersteun inhoud.",
    ]
    blocks = blocks_of(lines)
    assert "te blijven volgen)[1]. Leerlingen" in blocks[0].text
    assert "een maximaal effect op de klasvloer. Nog volgens het decreet" in blocks[1].text
    assert blocks[2].kind is BlockKind.FOOTNOTE and blocks[2].text.startswith("[1] Dit zijn nieuwe benamingen")
    without_marker = [line.replace("volgen)1.", "volgen).") for line in lines]
    assert not any(block.kind is BlockKind.FOOTNOTE for block in blocks_of(without_marker))


def test_table_rows_that_look_like_footnotes_stay_text() -> None:
    lines = [  # 004 l.403-413: a flattened table; "8 LM1 en LM2, …" is a row, not footnote 8
        "Erkenningsvoorwaarden Ontwikkelingsschalen",
        "",
        "4 en 5 BVH1 en BVH2 7 ",
        "8 LM1 en LM2, LP1, LP2, LP4, S2 2 ",
        "9 K1, K2 en K3 3 ",
        " Figuur 8: Overzicht van de erkenningsvoorwaarden.",
    ]
    body, footnotes = split_off_footnotes([Line(n, text) for n, text in enumerate(lines, start=1)], CORPUS_WORDS)
    assert footnotes == [] and len(body) == len(lines)


@pytest.mark.parametrize(
    ("sentence", "number", "expected"),
    [
        ("Het betreft 30 van de 19514 scholen voor buitengewoon basisonderwijs.", 14, "30 van de 195[14] scholen"),  # 001 l.2726
        ("In totaal worden er 251 van de 2.39215 scholen gewoon basisonderwijs bereikt.", 15, "251 van de 2.392[15] scholen"),  # l.3864
        ("Er werd een handelingsplan opgesteld met SMARTI20 geformuleerde doelen.", 20, "met SMARTI[20] geformuleerde"),  # l.5238
        ("Het inzetten van onderwijzend en paramedisch3 personeel.", 3, "en paramedisch[3] personeel"),  # l.307
        ("de jongste leeftijdsgroepen van leerlingen.19 In welke klasgroep", 19, "leerlingen.[19] In welke"),  # l.4549
        ("In Vlaanderen heeft elke leerling met een beperking1 recht op onderwijs.", 1, "beperking[1] recht"),  # 003 l.189
    ],
)
def test_glued_footnote_markers_are_separated(sentence: str, number: int, expected: str) -> None:
    lines = [sentence, "", "                                           ", f"{number} Een voetnoot bij deze pagina.", " Volgende pagina."]
    body, footnotes = split_off_footnotes([Line(n, text) for n, text in enumerate(lines, start=1)], CORPUS_WORDS)
    assert [note.number for note in footnotes] == [number]
    assert expected in body[0].text


def test_codes_and_years_are_not_taken_for_markers() -> None:
    lines = [
        "De ontwikkelingsschalen LM1 en LM2 werden onderzocht in 2014 en daarna.",
        "",
        "                                           ",
        "1 Een voetnoot zonder aanwijsbaar teken.",
        " Volgende pagina.",
    ]
    body, footnotes = split_off_footnotes([Line(n, text) for n, text in enumerate(lines, start=1)], CORPUS_WORDS)
    assert [note.number for note in footnotes] == [1]
    assert body[0].text == lines[0]
    lines14 = [line.replace("1 Een", "14 Een") for line in lines]
    body, _ = split_off_footnotes([Line(n, text) for n, text in enumerate(lines14, start=1)], CORPUS_WORDS)
    assert "in 2014 en" in body[0].text


def test_several_footnotes_in_one_block_and_a_url_footnote() -> None:
    lines = [  # 001 l.476-506, shortened
        "schoolbestuur of de directeur7 beslissen om een open aanwerving te doen (zie voetnoot8). ",
        "",
        "                                           ",
        "7 Van toepassing in het GO! ",
        "8 http://data-onderwijs.vlaanderen.be/edulex/document.aspx?docid=12254#307044 ",
        " leerlingen en leraren.",
    ]
    body, footnotes = split_off_footnotes([Line(n, text) for n, text in enumerate(lines, start=1)], CORPUS_WORDS)
    assert [note.number for note in footnotes] == [7, 8]
    assert "de directeur[7] beslissen" in body[0].text and "voetnoot[8])" in body[0].text


# --- raw text stays reachable --------------------------------------------------------------------


def test_every_block_knows_its_source_lines() -> None:
    blocks = blocks_of(SPLICED_000)
    for block in blocks:
        assert 1 <= first_line(block) <= last_line(block) <= len(SPLICED_000)
        for offset, line in block.spans:
            piece = block.text[offset : offset + 6].strip("[]0123456789- ")
            assert piece[:3].lower() in SPLICED_000[line - 1].lower()


def test_contact_details_of_a_person_are_redacted_in_the_clean_text() -> None:
    lines = (Settings().corpus_dir / "002_6a138d292be975d4.txt").read_text(encoding="utf-8").splitlines()
    contact = " ".join(lines[257:262])
    assert "@" in contact and "0472" in contact  # the raw lines keep them
    cleaned = redact_contact_details(contact)
    assert "@" not in cleaned and "0472 12 36 64" not in cleaned
    assert "[e-mailadres]" in cleaned and "[telefoonnummer]" in cleaned
    assert "www.ondersteuningsnetwerkkempen.be" in cleaned  # the organisation's site stays
    assert redact_contact_details("1.898 respondenten, 2.346 lestijden en 7,26/10") == (
        "1.898 respondenten, 2.346 lestijden en 7,26/10"
    )
