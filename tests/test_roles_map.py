"""The roles map around the rules: stored with each generation and rebuilt only where documents changed,
read with filters (a bad value names the known ones), exported, and printed by `steunwijs rollen`.

Real Chroma in tmp_path, hand-made passages with random vectors: no model needed.
"""

from __future__ import annotations

import csv
import io
import json
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kb.roles_build
from cli.main import app
from kb.generations import Layout, build_generation, read_pointer, read_roles
from kb.knowledge_base import KnowledgeBase
from kb.roles import Statement, UnknownRolesFilter, filter_statements
from kb.roles_build import build_roles
from kb.roles_export import to_csv, to_markdown, to_text
from kb.store import Store, StoredRecord
from steunwijs.settings import Settings, get_settings
from steunwijs.types import DocumentMeta, Passage
from tests.test_kb_store import unit_vectors

TEXTS = {
    "pwb.txt": (
        "De co-teacher staat samen met de klasleerkracht voor de klas. Van schoolleiders wordt verwacht dat ze"
        " een veilige leeromgeving creëren."
    ),
    "erkenning.txt": "Het CLB stelt het verslag op na een diagnostisch traject. De directeur beslist over de aanwerving.",
    "nieuwsbrief.txt": "Het ondersteuningsnetwerk verdeelt de ondersteuners over de scholen.",
}
ERAS = {"pwb.txt": "pre-waarborgregeling (2015-2017)", "erkenning.txt": "leersteundecreet (vanaf 2023)"}


def passage(source: str, text: str | None = None) -> Passage:
    doc = DocumentMeta(source=source, title=source, short_title=f"Kort {source}", year=2020, era=ERAS.get(source))
    text = text or TEXTS[source]
    return Passage(
        id=f"{source}-{zlib.crc32(text.encode())}",
        doc=doc,
        section="1 Rollen",
        page=4,
        lines=(1, 3),
        text=text,
        raw=text,
    )


def corpus(**changed: str) -> list[Passage]:
    return [passage(source, changed.get(source)) for source in TEXTS]


def records(passages: list[Passage]) -> list[StoredRecord]:
    made = [StoredRecord.from_passage(p, "/corpus", "sha") for p in passages]
    for record, vector in zip(made, unit_vectors(len(made))):
        record.embedding = vector
    return made


def publish_corpus(settings: Settings, passages: list[Passage]) -> int:
    store, layout = Store(settings), Layout(settings)
    return build_generation(
        store, layout, read_pointer(store, layout), records(passages), model="m", dim=8, manifest="{}", fingerprint="f"
    )


def pairs(statements: list[Statement]) -> list[tuple[str, str, str]]:
    return [(s.source, s.actor, s.type) for s in statements]


EXPECTED = [
    ("erkenning.txt", "CLB", "rol"),
    ("erkenning.txt", "directie", "rol"),
    ("nieuwsbrief.txt", "leersteuncentrum", "rol"),
    ("pwb.txt", "leerondersteuner", "rol"),
    ("pwb.txt", "directie", "verwachting"),
]


# --- incremental rebuild ---------------------------------------------------------------------------
def test_a_changed_document_is_extracted_again_and_the_others_are_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    first = build_roles(corpus())
    assert pairs(first.statements()) == EXPECTED
    extracted: list[str] = []
    real = kb.roles_build.extract_document
    monkeypatch.setattr(kb.roles_build, "extract_document", lambda ps: extracted.append(ps[0].source) or real(ps))

    second = build_roles(corpus(**{"pwb.txt": "De ouders moeten het verslag melden bij de inschrijving."}), first)

    assert extracted == ["pwb.txt"]
    assert second.documents["erkenning.txt"] is first.documents["erkenning.txt"]
    assert pairs(second.statements())[-1:] == [("pwb.txt", "ouders", "verwachting")]
    assert build_roles(corpus(), first).documents == first.documents and extracted == ["pwb.txt"]


def test_other_rules_rebuild_every_document(monkeypatch: pytest.MonkeyPatch) -> None:
    first = build_roles(corpus())
    monkeypatch.setattr(kb.roles_build, "rules_fingerprint", lambda: "other rules")
    rebuilt = build_roles(corpus(), first)
    assert rebuilt.rules == "other rules" and all(rebuilt.documents[s] is not first.documents[s] for s in TEXTS)


def test_each_generation_stores_its_map_and_reuses_the_unchanged_documents(tmp_settings: Settings) -> None:
    layout = Layout(tmp_settings)
    publish_corpus(tmp_settings, corpus())
    stored = read_roles(layout, 1)
    assert stored is not None and pairs(stored.statements()) == EXPECTED

    second = publish_corpus(tmp_settings, corpus(**{"nieuwsbrief.txt": "Ouders moeten het verslag melden."}))
    again = read_roles(layout, second)
    assert again is not None and again.documents["pwb.txt"] == stored.documents["pwb.txt"]
    assert again.documents["nieuwsbrief.txt"].key != stored.documents["nieuwsbrief.txt"].key
    assert ("nieuwsbrief.txt", "ouders", "verwachting") in pairs(again.statements())


def test_a_generation_without_a_map_gets_one_when_read(tmp_settings: Settings) -> None:
    layout = Layout(tmp_settings)
    publish_corpus(tmp_settings, corpus())
    layout.roles_path(1).unlink()  # a generation built before the map existed, or a server client's
    assert pairs(KnowledgeBase(tmp_settings).statements()) == EXPECTED
    assert read_roles(layout, 1) is not None


# --- filters ---------------------------------------------------------------------------------------
def test_filters_combine_and_a_part_of_an_era_or_a_document_name_will_do() -> None:
    statements = build_roles(corpus()).statements()
    assert pairs(filter_statements(statements, actors=["Directie"])) == [EXPECTED[1], EXPECTED[4]]
    assert pairs(filter_statements(statements, actors=["directeur"])) == [EXPECTED[1], EXPECTED[4]]  # a name of it
    assert pairs(filter_statements(statements, actors=["co-teacher"])) == [EXPECTED[3]]  # an older name
    assert pairs(filter_statements(statements, actors=["directie"], types=["verwachting"])) == [EXPECTED[4]]
    assert pairs(filter_statements(statements, eras=["leersteundecreet"])) == EXPECTED[:2]
    assert pairs(filter_statements(statements, documents=["pwb"], types=["rol", "verwachting"])) == EXPECTED[3:]


@pytest.mark.parametrize(
    ("filters", "named"),
    [
        ({"actors": ["koster"]}, "leerondersteuner, leerkracht, directie, zorgcoördinator, CLB"),
        ({"types": ["taak"]}, "rol, verwachting, aanbeveling"),
        ({"eras": ["2030"]}, "leersteundecreet (vanaf 2023), pre-waarborgregeling (2015-2017)"),
        ({"documents": ["999"]}, "erkenning.txt, nieuwsbrief.txt, pwb.txt"),
    ],
)
def test_a_bad_filter_value_names_the_known_values(filters: dict[str, list[str]], named: str) -> None:
    with pytest.raises(UnknownRolesFilter) as caught:
        filter_statements(build_roles(corpus()).statements(), **filters)
    assert named in caught.value.nl and caught.value.exit_code == 2


# --- export ----------------------------------------------------------------------------------------
def where(statement: Statement) -> str:
    return f"{statement.source}, p. {statement.page}"


def test_one_actors_responsibilities_export_as_a_cited_checklist() -> None:
    statements = filter_statements(build_roles(corpus()).statements(), actors=["directie"], types=["rol"])
    assert to_markdown(statements, where).splitlines() == [
        "# Verantwoordelijkheden van de directie",
        "",
        "_Uitspraken: 1; documenten: 1_",
        "",
        "- [ ] De directeur beslist over de aanwerving. (erkenning.txt, p. 4)",
    ]


def test_the_whole_map_exports_grouped_by_actor_and_type_and_as_csv() -> None:
    statements = build_roles(corpus()).statements()
    markdown = to_markdown(statements, where)
    headings = [line for line in markdown.splitlines() if line.startswith("#")]
    assert headings == [
        "# Wie doet wat?",
        "## Leerondersteuner: Rol en verantwoordelijkheden",
        "## Directie: Rol en verantwoordelijkheden",
        "## Directie: Verwachtingen",
        "## CLB: Rol en verantwoordelijkheden",
        "## Leersteuncentrum: Rol en verantwoordelijkheden",
    ]
    rows = list(csv.reader(io.StringIO(to_csv(statements, where))))
    assert rows[0] == ["actor", "type", "citaat", "document", "sectie", "pagina", "periode", "vindplaats"]
    assert rows[5] == [
        "directie",
        "verwachting",
        "Van schoolleiders wordt verwacht dat ze een veilige leeromgeving creëren.",
        "pwb.txt",
        "1 Rollen",
        "4",
        "pre-waarborgregeling (2015-2017)",
        "pwb.txt, p. 4",
    ]
    assert to_text([], where) == "Geen uitspraken gevonden voor deze filters."


def test_csv_cells_that_would_start_a_formula_open_as_text() -> None:
    """A quote or section that starts with = + - @ is written with a leading "'" (steunwijs.spreadsheet)."""
    made = build_roles(corpus()).statements()[0]
    statement = made.model_copy(update={"quote": '=HYPERLINK("http://example.org")', "section": "-1 Rollen"})
    rows = list(csv.reader(io.StringIO(to_csv([statement], lambda s: "@plaats"))))
    assert rows[1][2] == '\'=HYPERLINK("http://example.org")'
    assert rows[1][4] == "'-1 Rollen"
    assert rows[1][7] == "'@plaats"
    assert rows[1][0] == made.actor  # ordinary cells are unchanged


# --- the command -----------------------------------------------------------------------------------
@pytest.fixture()
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("STEUNWIJS_DATA_DIR", str(tmp_path / "data"))
    publish_corpus(get_settings(data_dir=tmp_path / "data"), corpus())
    return CliRunner()


def test_rollen_prints_json_for_other_tools(runner: CliRunner) -> None:
    result = runner.invoke(app, ["rollen", "--actor", "directie", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {
            "actor": "directie",
            "type": "rol",
            "quote": "De directeur beslist over de aanwerving.",
            "source": "erkenning.txt",
            "section": "1 Rollen",
            "page": 4,
            "era": "leersteundecreet (vanaf 2023)",
        },
        {
            "actor": "directie",
            "type": "verwachting",
            "quote": "Van schoolleiders wordt verwacht dat ze een veilige leeromgeving creëren.",
            "source": "pwb.txt",
            "section": "1 Rollen",
            "page": 4,
            "era": "pre-waarborgregeling (2015-2017)",
        },
    ]


def test_rollen_groups_text_by_actor_and_type_and_filters(runner: CliRunner) -> None:
    result = runner.invoke(app, ["rollen", "--type", "rol", "--era", "leersteundecreet"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Directie",
        "  Rol en verantwoordelijkheden (1)",
        "    - “De directeur beslist over de aanwerving.” (Kort erkenning.txt, 1 Rollen, p. ca. 4, r. 1-3)",
        "",
        "CLB",
        "  Rol en verantwoordelijkheden (1)",
        "    - “Het CLB stelt het verslag op na een diagnostisch traject.” (Kort erkenning.txt, 1 Rollen, p. ca. 4, r. 1-3)",
    ]


def test_rollen_refuses_a_bad_filter_value_with_the_known_values(runner: CliRunner) -> None:
    result = runner.invoke(app, ["rollen", "--actor", "koster"])
    assert result.exit_code == 2
    assert (
        "Onbekende actor 'koster'" in result.stderr
        and "zorgcoördinator, CLB, pedagogische begeleiding" in result.stderr
    )
    bad_format = runner.invoke(app, ["rollen", "--formaat", "pdf"])
    assert bad_format.exit_code == 2 and "tekst, markdown, csv" in bad_format.stderr
