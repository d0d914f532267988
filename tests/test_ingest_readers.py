"""Readers: every supported format gives numbered lines; every unusable file a clear UnreadableDocument."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from ingest.errors import UnreadableDocument
from ingest.readers import SUPPORTED_SUFFIXES, read_document
from tests.fixtures.ingest.minimal_pdf import write_pdf

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def test_txt_lines_are_the_files_lines_including_blank_and_leading_space(tmp_path: Path) -> None:
    path = tmp_path / "rapport.txt"
    path.write_text(" 1 CONTEXT & OPZET VAN DE BEVRAGING \n\n \nIn schooljaar 2017-2018\r\n", encoding="utf-8")
    source = read_document(path)
    assert source.lines == [" 1 CONTEXT & OPZET VAN DE BEVRAGING ", "", " ", "In schooljaar 2017-2018"]
    assert source.pages is None and source.headings == {}


def test_txt_with_utf8_bom_and_private_use_bullets(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeff\uf0b7 De pedagogische begeleidingsdiensten\n".encode("utf-8"))
    assert read_document(path).lines == ["\uf0b7 De pedagogische begeleidingsdiensten"]


def test_markdown_headings_are_marked_with_their_level() -> None:
    source = read_document(FIXTURES / "leersteun.md")
    assert source.title == "Leersteun in de klas"
    levels = {source.lines[number - 1]: level for number, level in source.headings.items()}
    assert levels == {"# Leersteun in de klas": 1, "## Wie doet wat?": 2}  # '#' inside code is no heading


def test_html_blocks_become_lines_and_h_tags_headings() -> None:
    source = read_document(FIXTURES / "leersteun.html")
    assert source.title == "Nieuwsbrief leersteun"
    assert "Wat is de visie op ondersteuning?" in source.lines
    assert not any("var tracker" in line for line in source.lines)  # scripts are not text
    assert "Ondersteuningsnetwerk Kempen, 4 april 2019" in source.lines  # text in a leaf <div>
    assert source.lines.count("Ondersteuning is op maat.") == 1  # containers are not read twice
    heading_lines = {source.lines[number - 1]: level for number, level in source.headings.items()}
    assert heading_lines == {"Nieuwsbrief leersteun": 1, "Wat is de visie op ondersteuning?": 2}


def test_docx_paragraphs_heading_styles_and_tables(tmp_path: Path) -> None:
    document = docx.Document()
    document.core_properties.title = "Verslag leersteunraad"
    document.add_heading("Aanbevelingen", level=1)
    document.add_paragraph("Betrek ouders actief bij alle fasen van het leersteuntraject.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Antwerpen"
    table.rows[0].cells[1].text = "6"
    path = tmp_path / "verslag.docx"
    document.save(path)
    source = read_document(path)
    assert source.title == "Verslag leersteunraad"
    first_heading = min(source.headings)
    assert (source.lines[first_heading - 1], source.headings[first_heading]) == ("Aanbevelingen", 1)
    assert "Betrek ouders actief bij alle fasen van het leersteuntraject." in source.lines
    assert "Antwerpen | 6" in source.lines


def test_pdf_lines_know_their_exact_page(tmp_path: Path) -> None:
    path = write_pdf(
        tmp_path / "rapport.pdf",
        [["1 Inleiding", "Met de goedkeuring van het decreet leersteun"], ["2 Contextschets", "Op 5 mei 2023"]],
        title="Erkenningsonderzoeken",
    )
    source = read_document(path)
    assert source.lines == ["1 Inleiding", "Met de goedkeuring van het decreet leersteun", "2 Contextschets", "Op 5 mei 2023"]
    assert source.pages == [1, 1, 2, 2]
    assert source.title == "Erkenningsonderzoeken"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("kapot.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog", "beschadigde PDF"),
        ("leeg.txt", b"", "leeg"),
        ("blanco.md", b"  \n\n \n", "geen tekst"),
        ("binair.txt", bytes(range(256)) * 4, "binaire inhoud"),
        ("latin1.txt", "Het zorgcontinuüm".encode("latin-1"), "UTF-8"),
        ("spreadsheet.xlsx", b"PK\x03\x04 not really", "niet ondersteund"),
        ("geen_extensie", b"tekst", "niet ondersteund"),
        ("kapot.docx", b"this is no zip archive", "Word-bestand"),
        ("scan.pdf", None, "geen tekstlaag"),
    ],
)
def test_unreadable_files_name_the_file_and_the_reason(tmp_path: Path, name: str, content: bytes | None, reason: str) -> None:
    path = tmp_path / name
    if content is None:
        write_pdf(path, [[]])  # a page without any text, as a scan would be
    else:
        path.write_bytes(content)
    with pytest.raises(UnreadableDocument) as caught:
        read_document(path)
    assert caught.value.path == path
    assert reason in caught.value.reason.nl and caught.value.reason.en
    assert name in caught.value.nl and name in str(caught.value)


def test_word_file_with_broken_xml_is_unreadable(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Leersteun op maat van de leraar.")
    document.save(tmp_path / "goed.docx")
    with zipfile.ZipFile(tmp_path / "goed.docx") as good, zipfile.ZipFile(tmp_path / "kapot.docx", "w") as broken:
        for item in good.infolist():
            data = good.read(item.filename)
            broken.writestr(item, data[:200] if item.filename == "word/document.xml" else data)
    with pytest.raises(UnreadableDocument) as caught:
        read_document(tmp_path / "kapot.docx")
    assert "Word-bestand" in caught.value.reason.nl


def test_missing_file_and_size_limit(tmp_path: Path) -> None:
    with pytest.raises(UnreadableDocument) as caught:
        read_document(tmp_path / "weg.txt")
    assert "niet gevonden" in caught.value.reason.nl
    path = tmp_path / "groot.txt"
    path.write_text("leersteun " * 300, encoding="utf-8")
    with pytest.raises(UnreadableDocument) as caught:
        read_document(path, max_bytes=1024)
    assert "te groot" in caught.value.reason.nl
    assert read_document(path, max_bytes=4096).lines


def test_every_supported_suffix_has_a_reader(tmp_path: Path) -> None:
    for suffix in SUPPORTED_SUFFIXES:
        path = tmp_path / f"leeg{suffix}"
        path.write_bytes(b"")
        with pytest.raises(UnreadableDocument) as caught:  # reached the size check, not "unsupported"
            read_document(path)
        assert "leeg" in caught.value.reason.nl
