"""A trainer's session pack for a theme: key statements, discussion questions, a quiz, a timeline.

A trainer preparing a session on "samenwerking leerkracht en leerondersteuner" wants what the
documents say about it, in their own words and cited, and material to work with. Nothing in the
pack is invented; only the fixed wording of prompts/session.toml is Steunwijs's:

- key statements: the theme is retrieved and its sentences ranked as a question is
  (`KnowledgeBase.scoped_search`, assistant.ranking, spread over documents), each chosen sentence
  cited with the passage that holds it verbatim. A sentence the roles map records (kb/roles.py)
  carries its actor and type;
- discussion questions: templates per type of statement (a task, an expectation, a recommendation
  of an actor), one per actor and type, a question per older regime ("geldt dit nog?") and one
  closing question about the theme;
- a multiple-choice quiz whose key is always one of the key statements and whose other options
  are other real sentences of the corpus that are not the answer by the roles map or by their
  document's era:
  * by actor: "Welke uitspraak is een aanbeveling voor de leerondersteuner?" - the key is a
    statement the map records for that actor and type; the others are statements of the same type
    recorded for other actors that do not name the key's actor at all;
  * by era: "Welke uitspraak komt uit een document over het leersteundecreet?" - the others come
    from documents of another regime;
- a timeline of the regimes (assistant/eras.py) the statements' documents belong to.

Headings of the roles map (a quote that stands in a section path, not in a passage) are never
used: every sentence of the pack stands verbatim in the passage its citation holds.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel

from assistant.abstain import corpus_vocabulary
from assistant.eras import Regime, regime_of, regimes
from assistant.ranking import select, sentence_ranker
from kb.knowledge_base import KnowledgeBase
from kb.roles import Statement
from kb.roles_export import wording as roles_wording
from steunwijs.dutch.actors import role_mentions
from steunwijs.dutch.patterns import collapse_ws
from steunwijs.dutch.roles import Kind
from steunwijs.dutch.terms import content_stems, query_terms
from steunwijs.errors import InputError
from steunwijs.resources import load_toml
from steunwijs.types import Citation, DocumentMeta

SESSION_FILE = "session.toml"
SEARCH_K = 10  # passages retrieved for a theme (a session covers more ground than one answer)
STATEMENTS = 8  # key statements on a sheet: enough for an hour's discussion, few enough to read
QUIZ_ITEMS = 5  # at most
DISTRACTORS = 3  # wrong options per quiz item (fewer when the corpus has fewer; at least MIN_DISTRACTORS)
MIN_DISTRACTORS = 2
PLAIN_QUESTIONS = 2  # questions on statements about no actor (the same template each time)
MIN_KNOWN = 0.5  # share of the theme's content words the corpus must use: below, it is about something else
LETTERS = "ABCD"


class QuestionWording(BaseModel):
    rol: str
    verwachting: str
    aanbeveling: str
    plain: str
    older: str
    closing: str


class QuizWording(BaseModel):
    rol: str
    verwachting: str
    aanbeveling: str
    era: str


class SessionWording(BaseModel):
    """prompts/session.toml."""

    title: str
    lead: str
    statements_heading: str
    questions_heading: str
    quiz_heading: str
    quiz_lead: str
    key_heading: str
    key_line: str
    other_line: str
    timeline_heading: str
    timeline_lead: str
    timeline_current: str
    timeline_statements: str
    timeline_quiz_only: str
    unknown_era: str
    sources_heading: str
    era_label: str
    generated: str
    questions: QuestionWording
    quiz: QuizWording
    errors: dict[str, str]


@lru_cache(maxsize=1)
def wording() -> SessionWording:
    return load_toml("prompts", SESSION_FILE, SessionWording)


class ThemeError(InputError):
    """A theme the pack cannot be made for: empty, without words, or about nothing in the documents."""


@dataclass(frozen=True)
class KeyStatement:
    """A sentence of a document on the theme, cited as [n]; its actor and type when the roles map records it."""

    citation: Citation
    actor: str | None = None
    type: Kind | None = None

    @property
    def n(self) -> int:
        return self.citation.n

    @property
    def text(self) -> str:
        """The sentence for display (whitespace collapsed; the citation's quote is the passage's own)."""
        return collapse_ws(self.citation.quote)

    @property
    def regime(self) -> Regime | None:
        return regime_of(self.citation.era, self.citation.year)


@dataclass(frozen=True)
class Option:
    """One answer of a quiz item: a sentence of a document and where it stands (`citation.n` is the
    key statement's number for the key, 0 for the others, which are not among the statements)."""

    letter: str
    citation: Citation
    correct: bool

    @property
    def text(self) -> str:
        return collapse_ws(self.citation.quote)


@dataclass(frozen=True)
class QuizItem:
    """A question, its options (one correct), the key statement it rests on, and what tells the
    options apart: the roles map's actor ("actor") or the documents' regime ("era")."""

    stem: str
    options: list[Option]
    key: KeyStatement
    by: Literal["actor", "era"]

    @property
    def answer(self) -> Option:
        return next(o for o in self.options if o.correct)


@dataclass(frozen=True)
class TimelineEntry:
    """A regime (None: documents whose period is unknown), its cited documents and the statements from them."""

    regime: Regime | None
    documents: list[DocumentMeta]
    statements: list[int]


@dataclass(frozen=True)
class SessionPack:
    theme: str
    statements: list[KeyStatement]
    questions: list[str]
    quiz: list[QuizItem]
    timeline: list[TimelineEntry]


def _error(key: str, en: str, **values: object) -> ThemeError:
    return ThemeError(wording().errors[key].format(**values), en)


def check_theme(theme: str | None) -> str:
    """The theme with its whitespace collapsed; ThemeError when it is empty or has no content words."""
    text = collapse_ws(theme or "")
    if not text:
        raise _error("empty_theme", "The theme is empty.")
    if not query_terms(text).stems:
        raise _error("no_words", f"The theme has no content words: {text!r}", theme=text)
    return text


def _key(text: str) -> str:
    return collapse_ws(text).lower()


def key_statements(theme: str, kb: KnowledgeBase, recorded: Sequence[Statement]) -> list[KeyStatement]:
    """The theme's best sentences, spread over documents, as citations [1], [2], ... in ranked order."""
    hits = kb.scoped_search(theme, k=SEARCH_K)
    ranker = sentence_ranker(kb)
    chosen = select(ranker.rank(theme, hits, top_passages=SEARCH_K), STATEMENTS, ranker.selection, spread_sources=True)
    by_text = {(s.source, _key(s.quote)): s for s in recorded if not s.heading}
    found = []
    for n, candidate in enumerate(chosen, start=1):
        citation = Citation(n=n, passage=hits[candidate.hit].passage, quote=candidate.sentence.text)
        statement = by_text.get((candidate.source, _key(candidate.sentence.text)))
        found.append(
            KeyStatement(citation, statement.actor if statement else None, statement.type if statement else None)
        )
    return found


# --- discussion questions -------------------------------------------------------------------------
def discussion_questions(theme: str, statements: Sequence[KeyStatement]) -> list[str]:
    """One question per actor and type among the statements, a few on the others, one per older
    regime, and a closing question about the theme."""
    words = wording().questions
    actors = roles_wording().actors
    questions: list[str] = []
    asked: set[tuple[str, str]] = set()
    plain = 0
    for s in statements:
        if s.actor and s.type:
            if (s.actor, s.type) in asked:
                continue
            asked.add((s.actor, s.type))
            questions.append(getattr(words, s.type).format(n=s.n, actor=actors.get(s.actor, s.actor)))
        elif plain < PLAIN_QUESTIONS:
            plain += 1
            questions.append(words.plain.format(n=s.n))
    older: set[str] = set()
    for s in statements:
        regime = s.regime
        if regime is not None and not regime.current and regime.key not in older:
            older.add(regime.key)
            questions.append(words.older.format(n=s.n, tag=regime.tag.lower(), period=regime.period))
    questions.append(words.closing.format(theme=theme))
    return questions


# --- the quiz -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Sentence:
    """A sentence of the corpus that may be a wrong option, with what makes it plausible."""

    citation: Citation
    actor: str | None
    stems: frozenset[str]


def _overlap_order(pool: Iterable[_Sentence], about: frozenset[str]) -> list[_Sentence]:
    """Most shared content words with the key and the theme first (the plausible wrong answers),
    then by document and words (deterministic)."""
    return sorted(pool, key=lambda s: (-len(s.stems & about), s.citation.source, s.citation.quote))


def _pick(pool: list[_Sentence], excluded: set[str], distinct_actors: bool) -> list[_Sentence]:
    """Up to DISTRACTORS sentences of the ordered pool, no two the same; other actors first when asked."""
    picked: list[_Sentence] = []
    seen = set(excluded)
    actors: set[str | None] = set()
    for round_ in (True, False) if distinct_actors else (False,):
        for sentence in pool:
            text = _key(sentence.citation.quote)
            if len(picked) == DISTRACTORS or text in seen or (round_ and sentence.actor in actors):
                continue
            picked.append(sentence)
            seen.add(text)
            actors.add(sentence.actor)
    return picked


def _item(stem: str, key: KeyStatement, wrong: list[_Sentence], by: Literal["actor", "era"], seed: str) -> QuizItem:
    """The options in an order fixed by `seed` (the same theme gives the same sheet), lettered A-D."""
    citations = [(key.citation, True), *((s.citation.model_copy(update={"n": 0}), False) for s in wrong)]
    random.Random(seed).shuffle(citations)
    options = [Option(LETTERS[i], c, correct) for i, (c, correct) in enumerate(citations)]
    return QuizItem(stem, options, key, by)


class _Quizmaster:
    """The sentences wrong options are drawn from: the roles map's (with their passages) and the theme's."""

    def __init__(
        self, theme: str, kb: KnowledgeBase, recorded: Sequence[Statement], statements: Sequence[KeyStatement]
    ) -> None:
        self.theme_stems = content_stems(theme)
        self.excluded = {_key(s.citation.quote) for s in statements}  # a key statement is never a wrong option
        self.mapped: list[tuple[Statement, _Sentence]] = []
        for statement in recorded:
            if statement.heading:
                continue
            citation = kb.cite(statement, 0)
            if statement.quote in citation.text:  # verbatim in its passage, as every option must be
                self.mapped.append((statement, _Sentence(citation, statement.actor, content_stems(statement.quote))))

    def by_actor(self, key: KeyStatement) -> list[_Sentence]:
        """Statements of the key's type recorded for other actors, none of which names the key's actor."""
        pool = [
            sentence
            for statement, sentence in self.mapped
            if statement.type == key.type
            and statement.actor != key.actor
            and all(m.actor != key.actor for m in role_mentions(statement.quote))
        ]
        return _pick(_overlap_order(pool, self._about(key)), self.excluded, distinct_actors=True)

    def by_era(self, key: KeyStatement, regime: Regime) -> list[_Sentence]:
        """Statements from documents of another (known) regime, the key's actor's first."""
        pool = [
            sentence
            for statement, sentence in self.mapped
            if (other := regime_of(statement.era, statement.year)) is not None and other.key != regime.key
        ]
        ordered = _overlap_order(pool, self._about(key))
        ordered.sort(key=lambda s: s.actor != key.actor)  # stable: the same actor's statements first
        return _pick(ordered, self.excluded, distinct_actors=False)

    def _about(self, key: KeyStatement) -> frozenset[str]:
        return content_stems(key.citation.quote) | self.theme_stems


def quiz(
    theme: str, kb: KnowledgeBase, recorded: Sequence[Statement], statements: Sequence[KeyStatement]
) -> list[QuizItem]:
    """Up to QUIZ_ITEMS items, at most one per key statement, in the statements' order: first by
    actor, for the statements the roles map records (once per actor and type: the questions about
    who does what), then by era for the others."""
    words = wording().quiz
    actors = roles_wording().actors
    master = _Quizmaster(theme, kb, recorded, statements)
    items: dict[int, QuizItem] = {}
    asked: set[tuple[str, str]] = set()

    def add(key: KeyStatement, stem: str, wrong: list[_Sentence], by: Literal["actor", "era"]) -> None:
        items[key.n] = _item(stem, key, wrong, by, seed=f"{theme}:{key.n}")
        master.excluded |= {_key(s.citation.quote) for s in wrong}  # each wrong option once per quiz

    for key in statements:
        if len(items) < QUIZ_ITEMS and key.actor and key.type and (key.actor, key.type) not in asked:
            wrong = master.by_actor(key)
            if len(wrong) >= MIN_DISTRACTORS:
                asked.add((key.actor, key.type))
                add(key, getattr(words, key.type).format(actor=actors.get(key.actor, key.actor)), wrong, "actor")
    for key in statements:
        regime = key.regime
        if len(items) == QUIZ_ITEMS or key.n in items or regime is None:
            continue
        wrong = master.by_era(key, regime)
        if len(wrong) >= MIN_DISTRACTORS:
            add(key, words.era.format(name=regime.name, period=regime.period), wrong, "era")
    return [items[n] for n in sorted(items)]


# --- the timeline ---------------------------------------------------------------------------------
def timeline(statements: Sequence[KeyStatement], items: Sequence[QuizItem] = ()) -> list[TimelineEntry]:
    """The regimes of the cited documents, oldest first (documents of no known regime last): those of
    the statements (whose numbers each regime lists) and those the quiz's key cites for its options."""
    documents: dict[str | None, dict[str, DocumentMeta]] = {}
    numbers: dict[str | None, list[int]] = {}
    cited = [(s.citation, s.n) for s in statements] + [(o.citation, None) for i in items for o in i.options]
    for citation, n in cited:
        regime = regime_of(citation.era, citation.year)
        key = regime.key if regime else None
        documents.setdefault(key, {})[citation.source] = citation.passage.doc
        if n is not None:
            numbers.setdefault(key, []).append(n)
    entries = []
    for regime in [*regimes(), None]:
        key = regime.key if regime else None
        if key in documents:
            docs = sorted(documents[key].values(), key=lambda d: (d.year or 0, d.source))
            entries.append(TimelineEntry(regime, docs, sorted(set(numbers.get(key, [])))))
    return entries


def session_pack(theme: str | None, kb: KnowledgeBase) -> SessionPack:
    """The whole pack for a theme; ThemeError (Dutch) for an empty theme or one the documents say nothing about."""
    text = check_theme(theme)
    if kb.is_empty():
        raise _error("empty_kb", "The knowledge base is empty.")
    known = query_terms(text).coverage(corpus_vocabulary(kb))
    if known < MIN_KNOWN:
        raise _error("nothing_found", f"The documents do not use the theme's words: {text!r} ({known:.2f})", theme=text)
    recorded = kb.statements()
    statements = key_statements(text, kb, recorded)
    if not statements:
        raise _error("nothing_found", f"No sentence found for the theme {text!r}", theme=text)
    items = quiz(text, kb, recorded, statements)
    return SessionPack(
        theme=text,
        statements=statements,
        questions=discussion_questions(text, statements),
        quiz=items,
        timeline=timeline(statements, items),
    )
