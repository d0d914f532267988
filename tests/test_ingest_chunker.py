"""Chunking: passages sized by the model's tokenizer, never across sections, with stable ids and raw lines."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from ingest.chunker import embedding_text, passages_for_file, sections
from ingest.clean import clean_document
from ingest.clean.records import Block, BlockKind
from ingest.clean.vocabulary import Vocabulary
from ingest.errors import UnreadableDocument
from ingest.readers import read_document
from ingest.sources import load_metadata, meta_for
from ingest.structure import Heading, HeadingKind, page_layout
from steunwijs.settings import Settings
from steunwijs.types import DocumentMeta
from tests.fixtures.ingest.minimal_pdf import write_pdf

META = DocumentMeta(source="inspectie.txt", title="Erkenningsonderzoeken leersteuncentra 2023-2024", short_title="Inspectie")


def count_words(text: str) -> int:
    """A stand-in for the model's count: whitespace tokens of "passage: " + text, plus 2 specials."""
    return len(("passage: " + text).split()) + 2


# An excerpt in the shape of 004 (single spaced, numbered headings, "N/40" footers on two pages).
SENTENCES_LP1 = [
    "Meer dan negen op tien leersteuncentra scoorden volgens de verwachting voor handelingsgericht samenwerken.",
    "De leerondersteuners gaan in gesprek met de leraar, de ouders en de leerling om de noden in kaart te brengen.",
    "Ze vertrekken vanuit de vragen van de leraar en bouwen voort op wat al werkt in de klas.",
    "In de meeste centra bespreken ze samen met de school hoe de leersteun past in het zorgbeleid.",
    "Leersteuncentra die sterk scoren, maken afspraken over rollen en verantwoordelijkheden.",
]
SENTENCES_LP2 = [
    "Meer dan acht op tien leersteuncentra scoorden volgens de verwachting voor de inbedding in de klaspraktijk.",
    "De leerondersteuners zetten in op inclusie en laten medeleerlingen participeren aan de leersteuntrajecten.",
    "Ze onderzoeken samen met de leraar hoe ze de klasgroep kunnen betrekken, bijvoorbeeld als buddy.",
]


def report_lines(repeat: int = 4) -> list[str]:
    lines = [
        " 4 Resultaten",
        "",
        "In dit onderdeel van het rapport bespreken we de resultaten van onze erkenningsonderzoeken.",
        " ",
        "4.3.1 Werken leersteuncentra handelingsgericht samen?",
        "",
        "Handelingsgericht samenwerken (LP1)",
        "",
    ]
    for round_ in range(repeat):
        lines += [f"{sentence} " for sentence in SENTENCES_LP1] + [" "]
        if round_ == 1:
            lines += ["Erkenningsonderzoeken leersteuncentra 2023-2024 21/40 ", "", " Verder op de volgende pagina."]
    lines += ["", "Inbedding van de leersteun in de klaspraktijk (LP2)", ""]
    for _ in range(repeat):
        lines += [f"{sentence} " for sentence in SENTENCES_LP2] + [" "]
    lines += ["Erkenningsonderzoeken leersteuncentra 2023-2024 23/40 ", "Einde van het excerpt."]
    return lines


@pytest.fixture()
def report(tmp_path: Path) -> Path:
    path = tmp_path / "inspectie.txt"
    path.write_text("\n".join(report_lines()) + "\n", encoding="utf-8")
    return path


def test_passages_respect_the_token_limit_and_overlap(report: Path) -> None:
    passages = passages_for_file(report, META, count_words, chunk_size=60, chunk_overlap=25, max_tokens=80)
    assert len(passages) > 4
    assert all(count_words(passage.text) <= 80 for passage in passages)
    same_section = [(a, b) for a, b in zip(passages, passages[1:]) if a.section == b.section]
    assert any(b.text[:30] in a.text for a, b in same_section)  # consecutive chunks of a section overlap


def test_no_passage_straddles_two_sections(report: Path) -> None:
    source = read_document(report)
    blocks = clean_document(source, Vocabulary.from_texts(["\n".join(source.lines)]), page_layout(source.lines).markers)
    section_texts = {section.path: section.text for section in sections(blocks)}
    passages = passages_for_file(report, META, count_words, chunk_size=40, chunk_overlap=10, max_tokens=60)
    assert {passage.section for passage in passages} == set(section_texts)
    for passage in passages:
        assert passage.text in section_texts[passage.section]
        others = [text for path, text in section_texts.items() if path != passage.section]
        assert not any(passage.text in text for text in others)
    lp1 = "4 Resultaten > 4.3.1 Werken leersteuncentra handelingsgericht samen? > Handelingsgericht samenwerken (LP1)"
    assert lp1 in section_texts
    assert all("klasgroep" not in passage.text for passage in passages if passage.section == lp1)


def test_sections_follow_headings_and_leave_footnote_markers_out_of_titles() -> None:
    heading = Heading(HeadingKind.NUMBERED, 3)
    blocks = [
        Block(BlockKind.HEADING, "2.3.2 Bij de school als organisatie[13]", [(0, 2080)], heading),
        Block(BlockKind.PARAGRAPH, "Ook op het niveau van de school spelen factoren.", [(0, 2082)]),
        Block(BlockKind.FOOTNOTE, "[13] Het kader is overgenomen uit Ballet et al. (2007).", [(0, 2105)]),
    ]
    [section] = sections(blocks)
    assert section.path == "2.3.2 Bij de school als organisatie"
    assert section.text == "Ook op het niveau van de school spelen factoren.\n\n[13] Het kader is overgenomen uit Ballet et al. (2007)."
    assert section.lines(0, 10) == (2082, 2082) and section.lines(0, len(section.text)) == (2082, 2105)


def test_passages_carry_raw_lines_pages_and_clean_text(report: Path) -> None:
    lines = report_lines()
    passages = passages_for_file(report, META, count_words, chunk_size=40, chunk_overlap=10, max_tokens=60)
    for passage in passages:
        first, last = passage.lines
        assert passage.raw == "\n".join(lines[first - 1 : last])
        assert passage.page_approximate and passage.page is not None
        assert "Erkenningsonderzoeken leersteuncentra" not in passage.text  # footers are cleaned away
        assert passage.doc == META
    pages = [passage.page for passage in passages]
    assert pages == sorted(pages) and (min(pages), max(pages)) == (20, 22)  # anchored by the footers 21/40, 23/40
    assert all(a.lines[0] <= b.lines[0] for a, b in zip(passages, passages[1:]))


def test_ids_are_stable_and_change_with_the_content(report: Path, tmp_path: Path) -> None:
    first = passages_for_file(report, META, count_words, chunk_size=40, chunk_overlap=10, max_tokens=60)
    again = passages_for_file(report, META, count_words, chunk_size=40, chunk_overlap=10, max_tokens=60)
    assert [p.id for p in first] == [p.id for p in again]
    assert len({p.id for p in first}) == len(first)  # repeated text in one document still gets unique ids
    lines = report_lines()
    lines[2] = "In dit onderdeel bespreken we de resultaten van de erkenningsonderzoeken van 2023-2024."
    edited = tmp_path / "inspectie_v2.txt"
    edited.write_text("\n".join(lines) + "\n", encoding="utf-8")
    changed = passages_for_file(edited, META, count_words, chunk_size=40, chunk_overlap=10, max_tokens=60)
    old_ids, new_ids = {p.id for p in first}, {p.id for p in changed}
    assert old_ids != new_ids
    assert old_ids & new_ids  # untouched sections keep their ids
    other_doc = META.model_copy(update={"source": "ander.txt"})
    assert not old_ids & {p.id for p in passages_for_file(report, other_doc, count_words, 40, 10, 60)}


def test_a_chunk_over_the_limit_is_split_again(report: Path) -> None:
    def superlinear(text: str) -> int:  # a whole text costs more than its pieces: the splitter's sums mislead
        words = count_words(text)
        return words + words * words // 40

    passages = passages_for_file(report, META, superlinear, chunk_size=60, chunk_overlap=0, max_tokens=70)
    assert passages and all(superlinear(passage.text) <= 70 for passage in passages)


def test_pdf_passages_have_exact_pages(tmp_path: Path) -> None:
    path = write_pdf(
        tmp_path / "rapport.pdf",
        [
            ["1 Inleiding", "De leersteuncentra zijn nieuw.", "Met dit rapport willen we het veld stimuleren."],
            ["2 Contextschets", "Op 5 mei 2023 keurde het Vlaams Parlement het decreet over leersteun goed."],
        ],
    )
    meta = DocumentMeta(source="rapport.pdf", title="Rapport", short_title="Rapport")
    passages = passages_for_file(path, meta, count_words, chunk_size=320, chunk_overlap=48, max_tokens=512)
    assert [(p.section, p.page, p.page_approximate) for p in passages] == [
        ("1 Inleiding", 1, False),
        ("2 Contextschets", 2, False),
    ]


def test_docx_markdown_and_html_use_their_marked_headings(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Aanbevelingen", level=1)
    document.add_heading("Voor de leersteuncentra", level=2)
    document.add_paragraph("Ga in gesprek met scholen wanneer vragen in fase 0 of 1 zitten.")
    document.save(tmp_path / "aanbevelingen.docx")
    meta = DocumentMeta(source="aanbevelingen.docx", title="Aanbevelingen", short_title="Aanbevelingen")
    [passage] = passages_for_file(tmp_path / "aanbevelingen.docx", meta, count_words, 320, 48, 512)
    assert passage.section == "Aanbevelingen > Voor de leersteuncentra"
    assert passage.page is None and passage.text.startswith("Ga in gesprek")
    fixtures = Path(__file__).parent / "fixtures" / "ingest"
    md = passages_for_file(fixtures / "leersteun.md", meta, count_words, 320, 48, 512)
    assert [p.section for p in md] == ["Leersteun in de klas", "Leersteun in de klas > Wie doet wat?"]
    assert md[1].text.startswith("- CLB: het hele jaar door, handelingsgericht traject\n- Pedagogische begeleiding: fase 0 en 1\n\n")
    html = passages_for_file(fixtures / "leersteun.html", meta, count_words, 320, 48, 512)
    assert html[-1].section == "Nieuwsbrief leersteun > Wat is de visie op ondersteuning?"


def test_embedding_text_adds_the_section_path_but_text_stays_clean(report: Path) -> None:
    passage = passages_for_file(report, META, count_words, 40, 10, 60)[-1]
    assert embedding_text(passage) == f"{passage.section}: {passage.text}"
    assert not passage.text.startswith(passage.section)


def test_text_no_split_can_fit_is_reported_not_truncated(tmp_path: Path) -> None:
    path = tmp_path / "tabel.txt"
    path.write_text("Een tabel met een onleesbare cel: " + "X" * 400 + " en verder.\n", encoding="utf-8")

    def heavy_cells(text: str) -> int:  # a cell of 400 characters costs more than the model takes
        return count_words(text) + (100 if "XXXX" in text else 0)

    with pytest.raises(UnreadableDocument) as caught:
        passages_for_file(path, META, heavy_cells, chunk_size=40, chunk_overlap=0, max_tokens=60)
    assert "te lang" in caught.value.reason.nl


def test_unreadable_file_raises_with_its_reason(tmp_path: Path) -> None:
    path = tmp_path / "leeg.txt"
    path.write_text("", encoding="utf-8")
    with pytest.raises(UnreadableDocument) as caught:
        passages_for_file(path, META, count_words, 320, 48, 512)
    assert "leeg" in caught.value.reason.nl


MODEL_DIR = Settings().default_model_dir
CORPUS = Settings().corpus_dir


@pytest.mark.slow
@pytest.mark.skipif(not (MODEL_DIR / "model.safetensors").exists(), reason="converted e5 model not present")
def test_default_corpus_with_the_real_tokenizer() -> None:
    from kb.embeddings import get_embedder

    settings = Settings()
    embedder = get_embedder(settings)
    files = sorted(path for path in CORPUS.iterdir() if path.suffix == ".txt")
    vocabulary = Vocabulary.from_files(files)
    table = load_metadata(CORPUS)
    by_document = {
        path.name: passages_for_file(
            path, meta_for(path, table), embedder.count_tokens, settings.chunk_size, settings.chunk_overlap,
            settings.max_tokens, vocabulary,
        )
        for path in files
    }
    assert len(by_document) == 5 and all(len(passages) >= 5 for passages in by_document.values())
    everything = [passage for passages in by_document.values() for passage in passages]
    assert all(embedder.count_tokens(passage.text) <= settings.max_tokens for passage in everything)
    assert len({passage.id for passage in everything}) == len(everything)
    for path in files:
        lines = path.read_text(encoding="utf-8").split("\n")
        for passage in by_document[path.name]:
            assert passage.raw == "\n".join(lines[passage.lines[0] - 1 : passage.lines[1]])
    inspection = by_document["004_f932f971383260c2.txt"]
    assert any(p.section.endswith("Handelingsgericht samenwerken (LP1)") for p in inspection)
    assert any("CLB-medewerkers" in p.text for p in inspection)
    assert any("op de klasvloer. Nog volgens het decreet" in p.text for p in inspection)  # footnote 1 moved out
    newsletter = by_document["002_6a138d292be975d4.txt"]
    assert any(p.section == "Wie doet wat?" for p in newsletter)
    assert any("referentiekader onderwijskwaliteit" in p.text for p in newsletter)
    evaluation = by_document["001_87ffc6dd6188986e.txt"]
    assert any("30 van de 195[14] scholen" in p.text for p in evaluation)
    assert not any("prewaarborgregeling" in p.text for p in evaluation)
    assert any("> 2.3.2 Bij de school als organisatie >" in p.section for p in evaluation)
    for passages in by_document.values():  # pages never go back, and the 40-page report stays within 40
        pages = [p.page for p in passages]
        assert all(page is not None and page >= 1 for page in pages) and pages == sorted(pages)
    assert max(p.page for p in inspection) <= 40
