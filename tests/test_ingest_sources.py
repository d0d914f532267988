"""Document metadata: sources.toml when present, otherwise what the file itself says."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from ingest.errors import SourcesFileError
from ingest.sources import load_metadata, meta_for, short_title
from tests.fixtures.ingest.minimal_pdf import write_pdf

SOURCES_TOML = """
["004_f932f971383260c2.txt"]
title = "Erkenningsonderzoeken leersteuncentra 2023-2024"
short = "Inspectie: erkenning leersteuncentra (2024)"
publisher = "Onderwijsinspectie Vlaanderen"
year = 2024
kind = "inspectierapport"
era = "leersteundecreet (vanaf 2023)"

["003_f0048e20d44ebb64.txt"]
title = "Zeven tinten grijs: samenwerkingsmodellen tussen leerondersteuner en leerkracht (fragment)"
publisher = "Specifiek Leersteuncentrum Limburg"
"""


def test_sources_toml_entries_become_document_meta(tmp_path: Path) -> None:
    (tmp_path / "sources.toml").write_text(SOURCES_TOML, encoding="utf-8")
    table = load_metadata(tmp_path)
    inspectie = table["004_f932f971383260c2.txt"]
    assert inspectie.title == "Erkenningsonderzoeken leersteuncentra 2023-2024"
    assert inspectie.short_title == "Inspectie: erkenning leersteuncentra (2024)"
    assert (inspectie.publisher, inspectie.year, inspectie.kind) == ("Onderwijsinspectie Vlaanderen", 2024, "inspectierapport")
    assert inspectie.era == "leersteundecreet (vanaf 2023)"
    boek = table["003_f0048e20d44ebb64.txt"]
    assert boek.year is None and boek.era is None
    assert boek.short_title.endswith("…") and len(boek.short_title) <= 41  # derived when the toml has none


def test_files_missing_from_sources_toml_fall_back_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "sources.toml").write_text(SOURCES_TOML, encoding="utf-8")
    (tmp_path / "nieuwsbrief_kempen-2019.txt").write_text(
        "Beste leerkracht\n\nWat is de visie op ondersteuning?\n\nDe ondersteuningsnetwerken hebben dit "
        "schooljaar verder vorm gekregen.\nWe willen samen met alle partners blijven groeien naar een gedeelde "
        "visie op ondersteuning vanuit onze opdracht.\nSamen met scholen, CLB en pedagogische begeleiding "
        "hebben we de opdracht gekregen om een sterk netwerk te vormen als kracht voor meer inclusie.\n",
        encoding="utf-8",
    )
    table = load_metadata(tmp_path)
    assert table["nieuwsbrief_kempen-2019.txt"].title == "Wat is de visie op ondersteuning?"
    assert table["nieuwsbrief_kempen-2019.txt"].publisher is None


def test_fallback_title_from_pdf_metadata_docx_properties_markdown_heading_or_file_name(tmp_path: Path) -> None:
    write_pdf(tmp_path / "inspectie.pdf", [["Tekst zonder kop op de eerste regel van de pagina."]], title="Inspectierapport")
    document = docx.Document()
    document.core_properties.title = "Verslag leersteunraad"
    document.add_paragraph("Tekst.")
    document.save(tmp_path / "verslag.docx")
    (tmp_path / "notities.md").write_text("Inleiding zonder kop.\n\n# Zeven tinten grijs\n\nTekst.\n", encoding="utf-8")
    (tmp_path / "mijn_eigen-notities.txt").write_text("gewoon wat tekst in kleine letters, zonder kop\n", encoding="utf-8")
    (tmp_path / "kapot.pdf").write_bytes(b"%PDF-1.4 broken")
    (tmp_path / "foto.jpg").write_bytes(b"\xff\xd8\xff")
    table = load_metadata(tmp_path)
    assert table["inspectie.pdf"].title == "Inspectierapport"
    assert table["verslag.docx"].title == "Verslag leersteunraad"
    assert table["notities.md"].title == "Zeven tinten grijs"
    assert table["mijn_eigen-notities.txt"].title == "Mijn eigen notities"
    assert table["kapot.pdf"].title == "Kapot"  # unreadable: named after the file; ingest reports why
    assert "foto.jpg" not in table


def test_meta_for_uses_the_table_or_reads_the_file(tmp_path: Path) -> None:
    (tmp_path / "sources.toml").write_text(SOURCES_TOML, encoding="utf-8")
    table = load_metadata(tmp_path)
    listed = tmp_path / "004_f932f971383260c2.txt"
    assert meta_for(listed, table) is table["004_f932f971383260c2.txt"]
    other = tmp_path / "elders" / "leersteun_gids.md"
    other.parent.mkdir()
    other.write_text("# Gids voor leerondersteuners\n\nTekst.\n", encoding="utf-8")
    assert meta_for(other, table).title == "Gids voor leerondersteuners"
    assert meta_for(other, table).source == "leersteun_gids.md"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('["a.txt"\ntitle = "x"', "geen geldige TOML"),
        ('["a.txt"]\nshort = "x"', "mist 'title'"),
        ('["a.txt"]\ntitle = "x"\nauthor = "y"', "onbekende sleutels"),
        ('["a.txt"]\ntitle = "x"\nyear = "twintig"', "ongeldige waarde"),
        ('title = "x"', "moet een tabel zijn"),
    ],
)
def test_broken_sources_toml_is_reported_with_the_problem(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "sources.toml").write_text(content, encoding="utf-8")
    with pytest.raises(SourcesFileError) as caught:
        load_metadata(tmp_path)
    assert message in caught.value.nl and str(tmp_path / "sources.toml") in caught.value.nl


def test_short_title_cuts_at_a_word_boundary() -> None:
    assert short_title("Erkenningsonderzoeken leersteuncentra") == "Erkenningsonderzoeken leersteuncentra"
    cut = short_title("Evaluatierapport pre-waarborgregeling basisonderwijs schooljaar 2015-2016")
    assert cut == "Evaluatierapport pre-waarborgregeling…"
