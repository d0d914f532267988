"""The 'Wie doet wat?' tab's actions without a browser, over two real documents ingested by the app's start-up.

The two documents (a 2019 newsletter of an ondersteuningsnetwerk, a leersteundecreet book fragment)
come from two eras and both speak of the (leer)ondersteuner, so the matrix, the filters, the era
view and the exports all have something to show; the directie appears in neither (an empty cell).
Every figure is checked against `KnowledgeBase.statements`, the API the CLI uses too.
"""

from __future__ import annotations

import csv
import io
import re
from html import escape
from pathlib import Path

import pytest

from assistant.eras import regimes
from kb.knowledge_base import KnowledgeBase
from kb.roles_export import wording
from steunwijs.dutch.actors import role_actors
from steunwijs.dutch.patterns import collapse_ws
from steunwijs.dutch.roles import KINDS
from steunwijs.settings import get_settings
from tests.webapp_corpus import subset_corpus
from webapp import texts
from webapp.citation_panel import find_quote
from webapp.handlers.roles import ALL_TYPES, RolesHandler, RolesSelection
from webapp.startup import Startup

pytestmark = pytest.mark.slow

SMALL_CORPUS = ("002_6a138d292be975d4.txt", "003_f0048e20d44ebb64.txt")
NEWSLETTER, FRAGMENT = SMALL_CORPUS
ERA_2019, ERA_2023 = "ondersteuningsmodel (M-decreet, 2017-2023)", "leersteundecreet (vanaf 2023)"
MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> tuple[RolesHandler, KnowledgeBase]:
    """The tab's handler over the two documents, ingested by the app's own start-up into an empty store."""
    root = tmp_path_factory.mktemp("roles")
    settings = get_settings(corpus_dir=subset_corpus(root / "corpus", SMALL_CORPUS), data_dir=root / "data")
    startup = Startup(settings)
    assert startup.run().ready
    return RolesHandler(settings, startup), startup.knowledge_base()


def row_of(rows: list[list], actor: str) -> list:
    return next(row for row in rows if row[0] == role_actors()[actor])


def test_the_matrix_counts_the_statements_of_the_kb(app) -> None:
    roles, kb = app
    matrix = roles.matrix(None, None)
    assert matrix.message == ""
    assert [row[0] for row in matrix.rows] == list(role_actors().values())  # every actor, zeros included
    for actor in role_actors():
        row = row_of(matrix.rows, actor)
        for column, kind in enumerate(KINDS, start=1):
            assert row[column] == len(kb.statements(actors=[actor], types=[kind])), (actor, kind)
        assert row[-1] == len(kb.statements(actors=[actor]))
    assert sum(row[-1] for row in matrix.rows) == len(kb.statements()) > 0
    assert row_of(matrix.rows, "directie")[-1] == 0


def test_a_cell_lists_exactly_its_statements_each_with_a_citation_that_holds_the_quote(app) -> None:
    roles, kb = app
    rows = roles.matrix(None, None).rows
    actor, kind = roles.cell(row_of(rows, "leerondersteuner"), 1 + KINDS.index("rol"))
    assert (actor, kind) == ("leerondersteuner", "rol")
    listing = roles.list_statements(actor, kind, None, None)
    expected = kb.statements(actors=["leerondersteuner"], types=["rol"])
    assert listing.selection.statements == expected and len(expected) == row_of(rows, "leerondersteuner")[1]
    assert listing.message == ""
    assert "<h3>Verantwoordelijkheden van de leerondersteuner</h3>" in listing.html
    assert [value for _, value in listing.choices] == [str(n) for n in range(1, len(expected) + 1)]
    for n, statement in enumerate(expected, start=1):
        citation = kb.cite(statement, n)
        assert escape(collapse_ws(statement.quote)) in listing.html
        assert escape(citation.where()) in listing.html
        assert f'data-ref="{n}"' in listing.html
        if statement.heading:
            assert statement.quote in citation.section
            continue
        assert find_quote(citation.text, statement.quote) is not None  # the quote stands in its passage
        panel = roles.open_statement(str(n), listing.selection)
        assert f'<span class="sw-badge">[{n}]</span>' in panel
        assert escape(citation.title) in panel and escape(citation.source) in panel
        [marked] = MARK.findall(panel)
        assert collapse_ws(marked) == escape(collapse_ws(statement.quote))


def test_the_actor_and_total_columns_list_every_type_of_the_actor(app) -> None:
    roles, kb = app
    row = row_of(roles.matrix(None, None).rows, "leerondersteuner")
    assert roles.cell(row, 0) == roles.cell(row, len(KINDS) + 1) == ("leerondersteuner", ALL_TYPES)
    listing = roles.list_statements("leerondersteuner", ALL_TYPES, None, None)
    everything = kb.statements(actors=["leerondersteuner"])
    assert listing.selection.statements == sorted(everything, key=lambda s: KINDS.index(s.type))
    numbers = [int(n) for n in re.findall(r'data-ref="(\d+)"', listing.html)]
    assert numbers == list(range(1, len(everything) + 1))  # numbered as listed, type after type
    assert {s.type for s in listing.selection.statements} == set(KINDS)
    for kind in KINDS:
        assert f"{wording().types[kind].name} (" in listing.html  # a heading per type


def test_filters_narrow_the_matrix_and_the_list(app) -> None:
    roles, kb = app
    everything = sum(row[-1] for row in roles.matrix(None, None).rows)
    for eras, documents in (([ERA_2023], None), (None, [NEWSLETTER]), ([ERA_2019], [NEWSLETTER])):
        rows = roles.matrix(eras, documents).rows
        narrowed = sum(row[-1] for row in rows)
        assert 0 < narrowed < everything
        assert narrowed == len(kb.statements(eras=eras, documents=documents))
    listing = roles.list_statements("leerondersteuner", ALL_TYPES, [ERA_2023], None)
    assert listing.selection.statements and {s.source for s in listing.selection.statements} == {FRAGMENT}
    listing = roles.list_statements("leerondersteuner", "rol", None, [NEWSLETTER])
    assert listing.selection.statements and {s.source for s in listing.selection.statements} == {NEWSLETTER}
    filters = roles.filters()
    assert [value for _, value in filters.eras] == [ERA_2019, ERA_2023]  # oldest regime first
    assert {value for _, value in filters.documents} == set(SMALL_CORPUS)


def test_an_empty_selection_says_so_in_dutch(app, tmp_path: Path) -> None:
    roles, _ = app
    listing = roles.list_statements("directie", "aanbeveling", None, None)
    assert listing.selection.statements == [] and listing.choices == []
    assert listing.message == texts.ROLES_EMPTY and escape(texts.ROLES_EMPTY) in listing.html
    nothing = roles.matrix([ERA_2023], [NEWSLETTER])  # the newsletter is of 2019
    assert nothing.message == texts.ROLES_EMPTY and all(row[-1] == 0 for row in nothing.rows)
    assert roles.export(listing.selection, "markdown", tmp_path) == (None, texts.ROLES_EXPORT_EMPTY)
    assert list(tmp_path.iterdir()) == []
    assert texts.ROLES_CHOOSE in roles.list_statements(None, "rol", None, None).html
    unknown = roles.matrix(["2099"], None).message
    assert unknown.startswith("Onbekende periode '2099'. Bekende waarden:") and ERA_2019 in unknown


def test_a_number_not_in_the_selection_opens_no_source(app) -> None:
    roles, _ = app
    listing = roles.list_statements("leerondersteuner", "rol", None, None)
    for ref in ("0", str(len(listing.selection.statements) + 1), "x", None):
        assert escape(texts.ROLES_SOURCE_GONE) in roles.open_statement(ref, listing.selection)
    assert escape(texts.ROLES_SOURCE_GONE) in roles.open_statement("1", RolesSelection())


def test_exports_hold_the_listed_quotes_with_their_citations(app, tmp_path: Path) -> None:
    roles, kb = app
    listing = roles.list_statements("leerondersteuner", "rol", None, None)
    statements = listing.selection.statements
    path, message = roles.export(listing.selection, "markdown", tmp_path)
    assert message == texts.ROLES_EXPORT_DONE.format(
        title="Verantwoordelijkheden van de leerondersteuner", n=len(statements)
    )
    markdown = Path(path).read_text(encoding="utf-8")
    assert markdown.startswith("# Verantwoordelijkheden van de leerondersteuner\n")
    for statement in statements:
        assert f"- [ ] {collapse_ws(statement.quote)} ({kb.cite(statement).where()})" in markdown
    assert markdown.count("- [ ] ") == len(statements)

    path, _ = roles.export(listing.selection, "csv", tmp_path)
    assert re.fullmatch(r"steunwijs-rollen-\d{8}-\d{6}-[A-Za-z0-9_-]{16}\.csv", Path(path).name)
    rows = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8"))))
    assert [row["citaat"] for row in rows] == [collapse_ws(s.quote) for s in statements]
    assert {(row["actor"], row["type"]) for row in rows} == {("leerondersteuner", "rol")}
    assert [row["vindplaats"] for row in rows] == [kb.cite(s).where() for s in statements]


def test_what_changed_puts_the_eras_side_by_side(app) -> None:
    roles, kb = app
    view = roles.changes("leerondersteuner", ALL_TYPES, None)
    statements = kb.statements(actors=["leerondersteuner"])
    assert sorted(view.selection.statements, key=id) == sorted(statements, key=id)
    headings = [f"<h3>{escape(f'{r.tag} ({r.period})')}</h3>" for r in regimes()]
    starts = [view.html.index(heading) for heading in headings]
    assert starts == sorted(starts)  # oldest regime first
    columns = [view.html[start:end] for start, end in zip(starts, [*starts[1:], len(view.html)], strict=True)]
    old, model, decree = columns
    assert escape(texts.CHANGES_EMPTY_ERA) in old  # no 2016 document in this corpus
    for statement in statements:
        column = model if statement.source == NEWSLETTER else decree
        assert escape(collapse_ws(statement.quote)) in column
    assert "Nieuwsbrief ON Kempen (2019)" in model and "ondersteuner" in model
    # the numbers refer to the columns' order: the first statement of the decree column opens its passage
    first_decree = next(n for n, s in enumerate(view.selection.statements, start=1) if s.source == FRAGMENT)
    panel = roles.open_statement(str(first_decree), view.selection)
    assert escape(kb.cite(view.selection.statements[first_decree - 1]).title) in panel
    assert f'data-ref="{first_decree}"' in decree
    assert [int(n) for n in re.findall(r'data-ref="(\d+)"', view.html)] == list(range(1, len(statements) + 1))


def test_before_the_knowledge_base_is_open_the_tab_says_so(tmp_path: Path) -> None:
    roles = RolesHandler(get_settings(data_dir=tmp_path / "data"), Startup(get_settings(data_dir=tmp_path / "data")))
    assert roles.matrix(None, None).message == texts.NOT_READY
    assert roles.list_statements("directie", "rol", None, None).message == texts.NOT_READY
    assert roles.changes("directie", ALL_TYPES, None).message == texts.NOT_READY
    assert roles.filters().message == texts.NOT_READY
