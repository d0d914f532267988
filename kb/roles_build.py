"""Building the roles map of a generation from its passages, reusing what an earlier map holds.

The rules decide one sentence at a time (steunwijs/dutch/roles.py); this module walks each
document in reading order and gives every sentence its context:

- sentences come from the passages as the answerer splits them (steunwijs/dutch/sentences.py), so
  a statement's quote is the passage's own words; overlapping chunks repeat sentences, and a chunk
  may start or end mid-sentence, so each sentence is taken once and fragments of a longer one
  are left out;
- a recommendations section ("6.1 Aanbevelingen voor de leersteuncentra", "Tips") or a list under
  a lead-in ("Aanbevelingen voor schoolleiders:") makes recommendations, addressed to the actors
  its heading names (else to the actor the document's title names); imperative headings inside
  such a section are statements too (the chunker keeps headings in the section path);
- "ze" stands for the actors of the sentence before, "je" for the title's actor, "we" for the
  publisher's.

A document's statements depend only on its passages and metadata (its `key`) and on the rules
(`rules_fingerprint`), so a new generation reuses the statements of every document whose key is
unchanged, and a change to the rules rebuilds them all.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from kb.roles import DocumentRoles, RolesMap, Statement
from steunwijs.dutch import actors as actors_module
from steunwijs.dutch import roles, sentences
from steunwijs.dutch.patterns import collapse_ws
from steunwijs.dutch.roles import Context, addressees, analyse, first_actor, is_lead_in, is_recommendation_heading
from steunwijs.resources import read_text
from steunwijs.types import Passage


@lru_cache(maxsize=1)
def rules_fingerprint() -> str:
    """Everything that shapes statements: the two tables and the code that applies them."""
    digest = hashlib.sha256()
    for name in (actors_module.ACTORS_FILE, roles.ROLES_FILE):
        digest.update(read_text("tables", name).encode())
    for module in (actors_module, roles, sentences):
        digest.update(inspect.getsource(module).encode())
    digest.update(inspect.getsource(sys.modules[__name__]).encode())
    return digest.hexdigest()


def document_key(passages: list[Passage]) -> str:
    """What a document's statements are extracted from: its metadata and its passages (ids, places, text)."""
    ordered = sorted(passages, key=lambda p: (p.lines, p.id))
    parts = [ordered[0].doc.model_dump(mode="json"), [(p.id, p.section, p.page, p.text) for p in ordered]]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


@dataclass
class _Walk:
    """The state carried from one sentence of a document to the next."""

    reader: str | None
    author: str | None
    section: str = ""
    in_list: bool = False
    list_addressees: tuple[str, ...] = ()
    previous: tuple[str, ...] = ()
    about: dict[str, tuple[str, ...]] = field(default_factory=dict)  # sentence -> its actors (seen ones)


def _section_context(section: str, reader: str | None) -> tuple[bool, tuple[str, ...], int]:
    """(in a recommendations section, whom it addresses, index of its recommendations heading)."""
    headings = section.split(" > ") if section else []
    found = [i for i, h in enumerate(headings) if is_recommendation_heading(h)]
    if not found:
        return False, (), -1
    named = [addressees(headings[i]) for i in found if addressees(headings[i])]
    return True, (named[-1] if named else ((reader,) if reader else ())), found[-1]


def _fragments(texts: list[str]) -> set[str]:
    """Sentences that are a piece of a longer one (a chunk began or ended inside it)."""
    suspects = [t for t in texts if t[:1].islower() or not t.endswith((".", "!", "…", "’", "”", ")", "?"))]
    if not suspects:
        return set()
    joined = "\n".join(texts)
    return {t for t in suspects if joined.count(t) > texts.count(t)}


# A line break after a line without final punctuation, before a capital: a heading the sentence
# splitter kept with its paragraph because it is long ("Ga in gesprek met scholen, ... situeren").
_HEADLINE_BREAK = re.compile(r"(?<=[^\s.!?…:;,])[ \t]*\n(?=[A-ZÀ-Ý])")


@dataclass(frozen=True)
class _Unit:
    """A sentence of a passage, or the heading of its section."""

    passage: Passage
    text: str
    bullet: bool = False  # opens a list item
    heading: bool = False
    paragraph: bool = False  # opens a paragraph (a blank line before it)


def _units(passages: list[Passage]) -> Iterator[_Unit]:
    """The sentences of the passages in reading order, each section's heading before its text."""
    shown_headings: set[str] = set()
    for passage in passages:
        if passage.section and passage.section not in shown_headings:
            shown_headings.add(passage.section)
            yield _Unit(passage, passage.section.rsplit(" > ", 1)[-1], heading=True)
        end = 0
        for sentence in sentences.split_sentences(passage.text):
            paragraph = "\n\n" in passage.text[end : sentence.start]
            for i, piece in enumerate(_HEADLINE_BREAK.split(sentence.text)):
                yield _Unit(passage, piece, sentence.bullet and i == 0, paragraph=paragraph or i > 0)
            end = sentence.end


def extract_document(passages: list[Passage]) -> list[Statement]:
    """The statements of one document (all `passages` are of that document)."""
    ordered = sorted(passages, key=lambda p: (p.lines, p.id))
    doc = ordered[0].doc
    walk = _Walk(reader=first_actor(doc.title), author=first_actor(doc.publisher or ""))
    units = list(_units(ordered))
    fragments = _fragments([collapse_ws(u.text) for u in units if not u.heading])
    found: list[Statement] = []
    for unit in units:
        passage, text, heading = unit.passage, unit.text, unit.heading
        flat = collapse_ws(text)
        if passage.section != walk.section:
            walk.section, walk.in_list, walk.previous = passage.section, False, ()
        in_section, section_addressees, rec_index = _section_context(passage.section, walk.reader)
        if is_lead_in(flat):
            walk.in_list, walk.list_addressees = True, addressees(flat) or ((walk.reader,) if walk.reader else ())
            continue
        walk.in_list = walk.in_list and (unit.bullet or not unit.paragraph) and not heading
        context = Context(
            recommendation=in_section or walk.in_list,
            addressees=walk.list_addressees if walk.in_list else section_addressees,
            previous=walk.previous,
            reader=walk.reader,
            author=walk.author,
        )
        if heading and not (in_section and passage.section.count(" > ") > rec_index and roles.is_imperative(flat)):
            continue  # a heading states something only as an imperative under a recommendations heading
        key = ("h:" if heading else "s:") + flat
        if key in walk.about:  # an overlapping chunk repeats it: carry its actors on, record it once
            walk.previous = walk.about[key] or walk.previous
            continue
        analysis = analyse(flat, context)
        walk.about[key] = () if heading else analysis.about
        walk.previous = walk.about[key] or walk.previous
        if flat in fragments:
            continue
        for finding in analysis.findings:
            found.append(
                Statement(
                    actor=finding.actor,
                    type=finding.type,
                    quote=text,
                    heading=heading,
                    source=doc.source,
                    section=passage.section,
                    page=passage.page,
                    era=doc.era,
                    year=doc.year,
                    named=finding.named,
                    passage_id=passage.id,
                )
            )
    return found


def build_roles(passages: list[Passage], previous: RolesMap | None = None) -> RolesMap:
    """The roles map of these passages; documents whose key is in `previous` (same rules) are reused."""
    fingerprint = rules_fingerprint()
    reusable = previous.documents if previous is not None and previous.rules == fingerprint else {}
    by_source: dict[str, list[Passage]] = {}
    for passage in passages:
        by_source.setdefault(passage.source, []).append(passage)
    documents: dict[str, DocumentRoles] = {}
    for source in sorted(by_source):
        key = document_key(by_source[source])
        kept = reusable.get(source)
        documents[source] = (
            kept
            if kept is not None and kept.key == key
            else DocumentRoles(key=key, statements=extract_document(by_source[source]))
        )
    return RolesMap(rules=fingerprint, documents=documents)


# The fingerprint describes the code as it was imported, not as a later edit left the files.
rules_fingerprint()
