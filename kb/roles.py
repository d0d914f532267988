"""The roles map's records: a statement about an actor, the map of one generation, and its filters.

The map ("Wie doet wat?", issue 12) lists every sentence of the corpus that says what an actor does
(`rol`), what is expected of it (`verwachting`) or what a document recommends to or about it
(`aanbeveling`). kb/roles_build.py makes it at ingest and stores it with the index generation;
`KnowledgeBase.statements` reads it, the CLI (`steunwijs rollen`) prints it and kb/roles_export.py
writes it as a Markdown checklist or CSV. Each statement keeps everything a view needs without
going back to the files: the exact words, where they stand, the era, and the passage that holds
them (so a view can show the source panel as the chat does).
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, Field

from steunwijs.dutch.actors import role_actor_named, role_actors
from steunwijs.dutch.roles import KINDS, Kind
from steunwijs.errors import InputError

ROLES_FILE = "roles.json"
ROLES_FORMAT = 1  # bump when Statement changes shape: an older file is then rebuilt


class Statement(BaseModel):
    """One sentence of one document that says something about one actor."""

    actor: str = Field(description="The actor it is about, today's name (steunwijs/tables/actors.toml, `roles`)")
    type: Kind = Field(description="rol, verwachting or aanbeveling")
    quote: str = Field(description="The document's exact words: a sentence of the passage, or a heading")
    heading: bool = Field(False, description="The quote is a heading (it stands in the section path, not the text)")
    source: str = Field(description="File name of the document")
    section: str = Field("", description="Section path, outermost first, joined with ' > '")
    page: int | None = Field(None, description="1-based page of the passage, None when unknown")
    era: str | None = Field(None, description="Regime of the document, e.g. 'leersteundecreet (vanaf 2023)'")
    year: int | None = Field(None, description="Year of the document (for views by era)")
    named: str = Field("", description="The words that name the actor ('de ondersteuners'); '' when implied")
    passage_id: str = Field(description="The passage that holds the quote (its citation and source panel)")


class DocumentRoles(BaseModel):
    """The statements of one document and the key of what they were extracted from."""

    key: str = Field(description="Hash of the document's metadata and passages (ids, sections, pages, text)")
    statements: list[Statement] = Field(default_factory=list)


class RolesMap(BaseModel):
    """The roles map of one generation, by document; `rules` names the rules that made it."""

    format: int = ROLES_FORMAT
    rules: str = Field(description="Fingerprint of the rules, lexicons and code that extract statements")
    documents: dict[str, DocumentRoles] = Field(default_factory=dict)

    def statements(self) -> list[Statement]:
        """Every statement, by document (file name), in reading order within each."""
        return [s for name in sorted(self.documents) for s in self.documents[name].statements]


class UnknownRolesFilter(InputError):
    """An actor, type, era or document filter of the roles map that matches nothing."""


_WHAT = {  # filter -> (Dutch "unknown ..." with the adjective's right form, English name)
    "actor": ("Onbekende actor", "actor"),
    "type": ("Onbekend type", "type"),
    "era": ("Onbekende periode", "era"),
    "document": ("Onbekend document", "document"),
}


def actor_names() -> list[str]:
    """The actors of the map, in the lexicon's order."""
    return list(role_actors())


def _resolve(values: Iterable[str] | None, known: list[str], what: str, *, partial: bool) -> set[str] | None:
    """The known names the filter values stand for (exact, case-insensitive; or a part of a name)."""
    values = [v for v in values or [] if v.strip()]
    if not values:
        return None
    chosen: set[str] = set()
    for value in values:
        folded = value.strip().lower()
        matches = [k for k in known if k.lower() == folded]
        if not matches and partial:
            matches = [k for k in known if folded in k.lower()]
        if not matches:
            nl_what, en_what = _WHAT[what]
            listed = ", ".join(known)
            raise UnknownRolesFilter(
                f"{nl_what} {value!r}. Bekende waarden: {listed}",
                f"Unknown {en_what} {value!r}. Known values: {listed}",
            )
        chosen.update(matches)
    return chosen


def filter_statements(
    statements: list[Statement],
    *,
    actors: Iterable[str] | None = None,
    types: Iterable[str] | None = None,
    eras: Iterable[str] | None = None,
    documents: Iterable[str] | None = None,
) -> list[Statement]:
    """The statements that pass every filter given (several values of one filter: any of them).

    Actors are named as the map names them or by any name of the lexicon ("directeur", "co-teacher");
    types exactly (case-insensitive); an era or a document may be a part of its name
    ("leersteundecreet", "004"). A value that matches nothing raises UnknownRolesFilter,
    whose message names the known values.
    """
    named = [role_actor_named(a) or a for a in actors or []]  # "directeur", "ondersteuner": their actor
    wanted_actors = _resolve(named, actor_names(), "actor", partial=False)
    wanted_types = _resolve(types, list(KINDS), "type", partial=False)
    wanted_eras = _resolve(eras, sorted({s.era for s in statements if s.era}), "era", partial=True)
    wanted_docs = _resolve(documents, sorted({s.source for s in statements}), "document", partial=True)
    return [
        s
        for s in statements
        if (wanted_actors is None or s.actor in wanted_actors)
        and (wanted_types is None or s.type in wanted_types)
        and (wanted_eras is None or s.era in wanted_eras)
        and (wanted_docs is None or s.source in wanted_docs)
    ]
