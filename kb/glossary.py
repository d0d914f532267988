"""The glossary of a generation: the terms and acronyms the documents define or use, each cited.

Made from the generation's passages with the rules of steunwijs/dutch/glossary.py, per sentence as
the answerer splits them (steunwijs/dutch/sentences.py), so every entry's quote is its passage's
own words and can be cited like an answer's sentence. Per term the glossary keeps one sentence:

1. a sentence that spells the acronym out ("individueel aangepast curriculum (IAC)"), else
2. a sentence with a definition cue around the term ("X is een ...", "onder X verstaan we"), else
3. the first sentence that uses the term (`defined` is then False, and the lexicon's own gloss,
   labelled as Steunwijs's, is all the meaning there is).

It is built when a generation is made and stored in its folder (`glossary.json`), like the roles
map: building it is one pass of regular expressions over every sentence (a few tenths of a second
for the default corpus), which the app's start and every fresh `steunwijs ask` would otherwise pay
again. The file names the collection it belongs to and a fingerprint of the rules that made it
(`rules_fingerprint`: the table and the code of the glossary rules, sentence splitting and text
analysis, and this module); a file that is missing (a generation built before it existed, a client
of a shared server), damaged, of another collection or made by other rules is rebuilt from the
passages and written anew when the data folder is writable (`open_glossary`). `KnowledgeBase`
keeps the open glossary per generation number, and a new generation is a new number, so it never
serves a stale one.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ValidationError

from steunwijs.dutch import analysis, patterns, sentences
from steunwijs.dutch import glossary as rules
from steunwijs.dutch.analysis import fold
from steunwijs.dutch.synonyms import Term
from steunwijs.errors import InputError
from steunwijs.files import write_text_atomically
from steunwijs.resources import read_text
from steunwijs.types import Citation, Passage

log = logging.getLogger(__name__)

GLOSSARY_FILE = "glossary.json"
GLOSSARY_FORMAT = 1


class UnknownTerm(InputError):
    """A term the glossary does not hold."""


@dataclass
class Entry:
    """One term: what it stands for and the sentence of a document that defines or uses it."""

    term: str
    passage: Passage
    quote: str = field(metadata={"doc": "The sentence, exactly as it stands in the passage"})
    expansion: str = ""  # the documents' own words for an acronym ("individueel aangepast curriculum")
    meaning: str = ""  # the lexicon's gloss (Steunwijs's words, not a document's)
    defined: bool = False  # the quote spells the term out or defines it (else it only uses it)
    uses: int = 0  # sentences of the corpus that use it
    spellings: tuple[str, ...] = ()

    @property
    def acronym(self) -> bool:
        return rules.is_acronym(self.term)

    def citation(self, n: int = 1) -> Citation:
        """The quote as citation [n] (`where()`, the source panel)."""
        return Citation(n=n, passage=self.passage, quote=self.quote)

    def as_json(self) -> dict[str, object]:
        """The entry for other tools (`steunwijs begrippen --json`)."""
        return {
            "term": self.term,
            "expansion": self.expansion,
            "meaning": self.meaning,
            "defined": self.defined,
            "quote": self.quote,
            "source": self.passage.source,
            "section": self.passage.section,
            "page": self.passage.page,
            "era": self.passage.doc.era,
            "uses": self.uses,
        }


def _key(term: str) -> str:
    return term if rules.is_acronym(term) else fold(term).lower()


class Glossary:
    """The entries of one generation, in alphabetical order of their terms."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = sorted(entries, key=lambda e: fold(e.term).lower())

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, term: str) -> Entry | None:
        """The entry of a term in any of its spellings (acronyms in capitals, words in any case)."""
        wanted = fold(term.strip()).lower()
        for entry in self.entries:
            if any(fold(s).lower() == wanted for s in entry.spellings):
                return entry
        return None

    def search(self, text: str) -> list[Entry]:
        """Entries whose term, spellings, expansion or meaning contain `text` (case and accents ignored)."""
        wanted = fold(text.strip()).lower()
        if not wanted:
            return list(self.entries)
        found = []
        for entry in self.entries:
            haystack = " ".join([*entry.spellings, entry.expansion, entry.meaning])
            if wanted in fold(haystack).lower():
                found.append(entry)
        exact = self.get(text)
        return [exact, *(e for e in found if e is not exact)] if exact else found

    def lookup(self, text: str) -> list[Entry]:
        """`search`, or UnknownTerm with a Dutch message naming some known terms."""
        found = self.search(text)
        if found:
            return found
        known = ", ".join(e.term for e in self.entries[:12])
        raise UnknownTerm(
            f"Het begrip {text!r} staat niet in de begrippenlijst. Bekende begrippen zijn onder meer: {known}.",
            f"No glossary term matches {text!r}. Known terms include: {known}.",
        )

    def in_text(self, text: str) -> list[Entry]:
        """Entries whose term occurs in `text`, in order of first occurrence."""
        places = []
        for entry in self.entries:
            found = rules.use_position(text, entry.spellings)
            if found is not None:
                places.append((found, entry))
        return [entry for _, entry in sorted(places, key=lambda p: p[0])]

    def expansion_terms(self) -> list[Term]:
        """Query-expansion rows: an acronym brings in the words the documents spell it out with."""
        rows = []
        for e in self.entries:
            if e.acronym and e.expansion:
                acronym = e.term.split("-")[0]  # "GC-verslag": "GC" alone calls for it too
                rows.append(Term(tuple(dict.fromkeys((e.term, acronym))), (e.expansion,)))
        return rows


@dataclass
class _Found:
    term: str
    passage: Passage
    quote: str
    expansion: str = ""
    rank: float = 3  # 1 spelled out, 2 + cue index / 100 defined by a cue, 3 used


def _sentences(passages: list[Passage]) -> Iterable[tuple[Passage, str]]:
    """Every sentence of the corpus once, in reading order per document, with its first passage."""
    seen: set[tuple[str, str]] = set()
    for passage in sorted(passages, key=lambda p: (p.source, p.lines, p.id)):
        for sentence in rules.sentences(passage.text):
            key = (passage.source, " ".join(sentence.split()))
            if key not in seen:
                seen.add(key)
                yield passage, sentence


def build_glossary(passages: list[Passage]) -> Glossary:
    """The glossary of a set of passages (the default corpus: a few tenths of a second)."""
    table = rules.table()
    lexicon = {_key(row.term): row for row in table.term}
    best: dict[str, _Found] = {}
    uses: dict[str, int] = {}

    def offer(found: _Found) -> None:
        key = _key(found.term)
        if key not in best or found.rank < best[key].rank:
            best[key] = found

    spellings_of = {key: tuple(row.spellings()) for key, row in lexicon.items()}
    # a spelling's lower-case words in the sentence's lower-case, whitespace-collapsed text are
    # necessary for `rules.uses` to match, and a substring test is far cheaper than the regex
    needles = {key: tuple(" ".join(s.split()).lower() for s in spellings) for key, spellings in spellings_of.items()}
    for passage, sentence in _sentences(passages):
        for spelled in rules.spelled_out(sentence):
            offer(_Found(spelled.term, passage, sentence, spelled.expansion, rank=1))
        flat = " ".join(sentence.split()).lower()
        for key, row in lexicon.items():
            spellings = spellings_of[key]
            if not any(needle in flat for needle in needles[key]) or not rules.uses(sentence, spellings):
                continue
            uses[key] = uses.get(key, 0) + 1
            if key in best and best[key].rank <= 2:
                continue
            cue = rules.defines(sentence, spellings)
            offer(_Found(row.term, passage, sentence, rank=3 if cue is None else 2 + cue / 100))

    entries = []
    for key, found in best.items():
        row = lexicon.get(key)
        spellings = tuple(row.spellings()) if row else (found.term,)
        entries.append(
            Entry(
                term=row.term if row else found.term,
                passage=found.passage,
                quote=found.quote,
                expansion=found.expansion,
                meaning=row.meaning if row else "",
                defined=found.rank < 3,
                uses=max(uses.get(key, 0), 1),
                spellings=spellings,
            )
        )
    return Glossary(entries)


# --- stored with the generation ------------------------------------------------------------------
@lru_cache(maxsize=1)
def rules_fingerprint() -> str:
    """Changes whenever what makes the glossary changes: its table, and the code of its rules, of
    sentence splitting and text analysis, and of this module (`build_glossary`)."""
    digest = hashlib.sha256(read_text("tables", rules.GLOSSARY_FILE).encode())
    for module in (rules, sentences, patterns, analysis, sys.modules[__name__]):
        digest.update(inspect.getsource(module).encode())
    return digest.hexdigest()


class _StoredEntry(BaseModel):
    term: str
    passage_id: str
    quote: str
    expansion: str
    meaning: str
    defined: bool
    uses: int
    spellings: list[str]


class _StoredGlossary(BaseModel):
    format: int
    rules: str
    collection: str
    entries: list[_StoredEntry]


def save_glossary(path: Path, glossary: Glossary, collection: str) -> None:
    """Store a generation's glossary (atomically: a reader sees the old file or the new one)."""
    stored = _StoredGlossary(
        format=GLOSSARY_FORMAT,
        rules=rules_fingerprint(),
        collection=collection,
        entries=[
            _StoredEntry(
                term=e.term,
                passage_id=e.passage.id,
                quote=e.quote,
                expansion=e.expansion,
                meaning=e.meaning,
                defined=e.defined,
                uses=e.uses,
                spellings=list(e.spellings),
            )
            for e in glossary.entries
        ],
    )
    write_text_atomically(path, stored.model_dump_json())


def read_glossary(path: Path, collection: str, passages: list[Passage]) -> Glossary | None:
    """The stored glossary of `collection`; None (and a log line) when it is missing, unreadable,
    of another collection or format, made by other rules, or names a passage it does not have."""
    if not path.exists():
        log.info("no stored glossary at %s", path)
        return None
    try:
        stored = _StoredGlossary.model_validate_json(path.read_bytes())
    except (OSError, ValidationError) as error:  # broken JSON is a ValidationError too
        log.warning("glossary %s is unreadable (%s); it is rebuilt", path, error)
        return None
    if (stored.format, stored.collection, stored.rules) != (GLOSSARY_FORMAT, collection, rules_fingerprint()):
        log.info("glossary %s was made for another collection or by other rules; it is rebuilt", path)
        return None
    by_id = {p.id: p for p in passages}
    if any(e.passage_id not in by_id or e.quote not in by_id[e.passage_id].text for e in stored.entries):
        log.warning("glossary %s cites passages or sentences it does not have; it is rebuilt", path)
        return None
    return Glossary(
        Entry(
            term=e.term,
            passage=by_id[e.passage_id],
            quote=e.quote,
            expansion=e.expansion,
            meaning=e.meaning,
            defined=e.defined,
            uses=e.uses,
            spellings=tuple(e.spellings),
        )
        for e in stored.entries
    )


def open_glossary(path: Path, collection: str, passages: list[Passage], save: bool) -> Glossary:
    """A generation's glossary: the stored one, else built from its `passages` (and stored when `save`
    and the generation's folder still exists: an ingest may have discarded it meanwhile)."""
    stored = read_glossary(path, collection, passages)
    if stored is not None:
        return stored
    glossary = build_glossary(passages)
    if save and path.parent.is_dir():
        save_glossary(path, glossary, collection)
    return glossary
