"""The roles map's records: a statement about an actor, the map of one generation, and its filters.

The map ("Wie doet wat?", issue 12) lists every sentence of the corpus that says what an actor does
(`rol`), what is expected of it (`verwachting`) or what a document recommends to or about it
(`aanbeveling`). kb/roles_build.py makes it at ingest and stores it with the index generation;
`KnowledgeBase.statements` reads it, the CLI (`steunwijs rollen`) prints it and kb/roles_export.py
writes it as a Markdown checklist or CSV. Each statement keeps everything a view needs without
going back to the files: the exact words, where they stand, the era, and the passage that holds
them (so a view can show the source panel as the chat does).

When an LLM checks the map (`roles_llm`, kb/roles_refine.py), the rules' statements stay as they
are and the model's verdicts are stored beside them (`Refinement`), one per sentence, keyed by the
sentence, the rules' decision on it, the model and the prompt (`decision_key`): `statements()`
applies them. A verdict only picks actors and types for the sentence, so a quote is always the
document's exact words; and since the key holds the rules' decision, a verdict stops applying by
itself when the rules decide otherwise.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from pydantic import BaseModel, Field, PrivateAttr

from steunwijs.dutch.actors import role_actor_named, role_actors, role_mentions
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


class Assignment(BaseModel):
    """An (actor, type) an LLM gave a sentence: one statement that stands."""

    actor: str
    type: Kind


class Refinement(BaseModel):
    """An LLM's verdicts on the rules' statements, one per sentence (kb/roles_refine.py)."""

    model: str = Field(description="The model that gave them (llm_model: the name the endpoint knows it by)")
    prompt: str = Field(description="Fingerprint of the prompt it was asked with")
    verdicts: dict[str, list[Assignment]] = Field(
        default_factory=dict,
        description="decision_key of a sentence -> the statements that stand of it ([]: it makes none)",
    )


class RolesMap(BaseModel):
    """The roles map of one generation, by document; `rules` names the rules that made it.

    `documents` holds the rules' statements; `refinement`, when an LLM checked them, its verdicts.
    """

    format: int = ROLES_FORMAT
    rules: str = Field(description="Fingerprint of the rules, lexicons and code that extract statements")
    documents: dict[str, DocumentRoles] = Field(default_factory=dict)
    refinement: Refinement | None = Field(None, description="The LLM's verdicts (roles_llm); None: the rules alone")
    _applied: list[Statement] | None = PrivateAttr(None)  # statements() once applied (a map is never changed)

    def rule_statements(self) -> list[Statement]:
        """Every statement the rules found, by document (file name), in reading order within each."""
        return [s for name in sorted(self.documents) for s in self.documents[name].statements]

    def statements(self) -> list[Statement]:
        """The map's statements: the rules', with the LLM's verdicts applied where it gave one."""
        if self.refinement is None:
            return self.rule_statements()
        if self._applied is None:
            refinement = self.refinement
            self._applied = [
                statement
                for group in sentence_groups(self.rule_statements())
                for statement in apply_verdict(
                    group, refinement.verdicts.get(decision_key(group, refinement.model, refinement.prompt))
                )
            ]
        return list(self._applied)


def sentence_groups(statements: list[Statement]) -> list[list[Statement]]:
    """The statements by sentence: the rules record a sentence's statements one after the other."""
    groups: list[list[Statement]] = []
    for statement in statements:
        last = groups[-1][0] if groups else None
        if last is not None and (last.passage_id, last.quote, last.heading) == (
            statement.passage_id,
            statement.quote,
            statement.heading,
        ):
            groups[-1].append(statement)
        else:
            groups.append([statement])
    return groups


def decision_key(group: list[Statement], model: str, prompt: str) -> str:
    """What a verdict on a sentence answers: the sentence (with its section), the rules' decision on
    it (its actors and type), the model and the prompt. Anything else changed: it is asked anew."""
    first = group[0]
    decision = [(s.actor, s.type) for s in group]
    material = [first.quote, first.section, first.heading, decision, model, prompt]
    return hashlib.sha256(json.dumps(material, ensure_ascii=False).encode()).hexdigest()


def apply_verdict(group: list[Statement], verdict: list[Assignment] | None) -> list[Statement]:
    """A sentence's statements after a verdict (None: the rules' statements as they are).

    Only the actor and the type come from the verdict; the quote and its place stay the rules'.
    """
    if verdict is None:
        return group
    mentions = role_mentions(group[0].quote)
    made = []
    for assignment in verdict:
        same = next((s for s in group if s.actor == assignment.actor), None)
        named = same.named if same else next((m.text for m in mentions if m.actor == assignment.actor), "")
        base = same or group[0]
        made.append(base.model_copy(update={"actor": assignment.actor, "type": assignment.type, "named": named}))
    return made


def carry_refinement(roles: RolesMap, previous: RolesMap | None) -> RolesMap:
    """`roles` with the verdicts of `previous` that still fit one of its sentences (no LLM asked)."""
    if previous is None or previous.refinement is None:
        return roles
    old = previous.refinement
    keys = {decision_key(g, old.model, old.prompt) for g in sentence_groups(roles.rule_statements())}
    kept = {k: v for k, v in old.verdicts.items() if k in keys}
    return RolesMap(rules=roles.rules, documents=roles.documents, refinement=Refinement(model=old.model, prompt=old.prompt, verdicts=kept))


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
