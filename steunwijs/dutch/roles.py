"""What a sentence says about an actor: its role, what is expected of it, what is recommended to it.

The rules of the roles map (issue 12), one sentence at a time; kb/roles_build.py walks the
documents and gives each sentence its context. Rule-based on purpose: the map is built at every
ingest on a 2-core CPU without a language model, and a rule that errs can be read and fixed.

- the *type* comes from Dutch cue patterns (steunwijs/tables/roles.toml): an imperative or a
  recommendations section or list makes an `aanbeveling`; "moet", "wordt verwacht", "plicht",
  "krijgt de opdracht" make a `verwachting`; task words and verbs of doing a `rol` — unless a trap
  matches (figures, feelings, survey methods, "volgens de verwachting");
- the *actor* is the one the sentence is about (steunwijs/tables/actors.toml, `roles`): the passive
  agent ("door het CLB"), the one something is expected of ("van schoolleiders wordt verwacht"),
  else the first actor not named after a preposition ("samen met de leerkracht") with the ones
  coordinated with it ("directeur en zorgcoördinator"); what follows a reporting frame ("geven
  aan dat", "zei:") counts, the reporter does not, and a "we" in the quote is the speaker; a pronoun
  stands for the actor of the sentence before ("ze"), the reader the document addresses ("je") or its
  author ("we"). A recommendation without an actor of its own goes to the actors its section or list
  addresses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel

from steunwijs.dutch.actors import Mention, role_mentions
from steunwijs.dutch.patterns import any_of, collapse_ws
from steunwijs.resources import load_toml

Kind = Literal["rol", "verwachting", "aanbeveling"]
KINDS: tuple[Kind, ...] = ("rol", "verwachting", "aanbeveling")
ROLES_FILE = "roles.toml"


class RecommendationCues(BaseModel):
    section: str
    lead_in: str
    imperatives: list[str]
    cues: list[str]


class ExpectationCues(BaseModel):
    cues: list[str]
    traps: list[str]


class RoleCues(BaseModel):
    cues: list[str]
    verbs: list[str]
    verb_endings: list[str]
    traps: list[str]


class AboutCues(BaseModel):
    demoting: list[str]
    determiners: list[str]
    speakers: list[str]
    frames: list[str]
    agent: str
    expected_of: str
    expecting: str
    previous: list[str]
    reader: list[str]
    author: list[str]


class RoleTable(BaseModel):
    """steunwijs/tables/roles.toml."""

    recommendation: RecommendationCues
    expectation: ExpectationCues
    role: RoleCues
    about: AboutCues


@dataclass(frozen=True)
class Rules:
    """roles.toml compiled once."""

    table: RoleTable
    section: re.Pattern[str]
    lead_in: re.Pattern[str]
    recommend: re.Pattern[str]
    expect: re.Pattern[str]
    expect_trap: re.Pattern[str]
    role: re.Pattern[str]
    role_verb: re.Pattern[str]
    role_trap: re.Pattern[str]
    frame: re.Pattern[str]
    agent: re.Pattern[str]
    expected_of: re.Pattern[str]
    expecting: re.Pattern[str]


_LONG_VOWEL = re.compile(r"([aeou])\1([^aeiou])$")  # "organiseer" -> "organiser(en)", "draag" -> "drag(en)"
_SHORT_VOWEL = re.compile(r"(?<![aeiou])[aeiou]([bdfgklmnprst])$")  # "stel" -> "stell(en)", "beslis" -> "besliss(en)"


def _plural_stems(stem: str) -> set[str]:
    """What a verb stem becomes before "-en": a long vowel written once, a consonant after a short one
    doubled, a final s or f voiced ("kies" -> "kiez(en)", "geef" -> "gev(en)")."""
    if _SHORT_VOWEL.search(stem):
        return {stem + stem[-1]}
    base = _LONG_VOWEL.sub(r"\1\2", stem)
    voiced = base[:-1] + {"s": "z", "f": "v"}[base[-1]] if base[-1:] in ("s", "f") else base
    return {base, voiced} - {stem}


@lru_cache(maxsize=1)
def rules() -> Rules:
    table = load_toml("tables", ROLES_FILE, RoleTable)
    endings = "|".join(re.escape(e) for e in table.role.verb_endings)
    stems = "|".join(re.escape(v) for v in sorted(table.role.verbs, key=len, reverse=True))
    plurals = "|".join(re.escape(v) for v in sorted({p for v in table.role.verbs for p in _plural_stems(v)}))
    return Rules(
        table=table,
        section=re.compile(table.recommendation.section, re.I),
        lead_in=re.compile(table.recommendation.lead_in, re.I),
        recommend=any_of(table.recommendation.cues),
        expect=any_of(table.expectation.cues),
        expect_trap=any_of(table.expectation.traps),
        role=any_of(table.role.cues),
        # a verb of doing: present or past ("werkt", "werkten"), a plural, or a past participle ("gewerkt")
        role_verb=re.compile(rf"\b(?:(?:{stems})(?:{endings})|(?:{plurals})en|ge(?:{stems})[dt])\b", re.I),
        role_trap=any_of(table.role.traps),
        frame=any_of(table.about.frames),
        agent=re.compile(table.about.agent, re.I),
        expected_of=re.compile(table.about.expected_of, re.I),
        expecting=re.compile(table.about.expecting, re.I),
    )


@dataclass(frozen=True)
class Context:
    """What a sentence's neighbourhood says: the section it stands in and who its pronouns are."""

    recommendation: bool = False  # in a recommendations section or list
    addressees: tuple[str, ...] = ()  # actors that section or list addresses ("Aanbevelingen voor schoolleiders")
    previous: tuple[str, ...] = ()  # actors the sentence before is about ("ze", "hij")
    reader: str | None = None  # whom the document addresses as "je" (its title's actor)
    author: str | None = None  # who "we" is (its publisher's actor)


@dataclass(frozen=True)
class Finding:
    """One statement in a sentence: an actor, a type, and the words that name the actor ("" when implied)."""

    actor: str
    type: Kind
    named: str


_WORD = re.compile(r"[\w’'/.-]+")
_CAPTION = re.compile(r"^(?:Figuur|Tabel|Grafiek|Bijlage|Schema)\s*\d", re.I)
MIN_WORDS = 3
MAX_LEAD_WORDS = 16  # a role's subject stands within this many words of its clause's start (Dutch puts it early)
EXPECT_SPAN = 60  # characters around "van X" within which "verwacht" makes X the one expected of


def first_actor(text: str) -> str | None:
    """The first actor a text (a title, a publisher, a heading) names."""
    found = role_mentions(text)
    return found[0].actor if found else None


def is_recommendation_heading(heading: str) -> bool:
    """Whether a section heading opens recommendations ("6.1 Aanbevelingen voor de leersteuncentra", "Tips")."""
    return bool(rules().section.match(heading.strip()))


def is_lead_in(text: str) -> bool:
    """Whether a sentence introduces a list of recommendations ("Aanbevelingen voor de overheid:")."""
    return bool(rules().lead_in.match(collapse_ws(text)))


def addressees(text: str) -> tuple[str, ...]:
    """The actors a recommendations heading or lead-in addresses, in order."""
    return tuple(dict.fromkeys(m.actor for m in role_mentions(text)))


def is_imperative(text: str) -> bool:
    """Whether a sentence opens with an imperative ("Zorg voor ...", "Betrek ouders ...")."""
    words = _WORD.findall(text)
    return bool(words) and words[0].lower() in rules().table.recommendation.imperatives and words[0][0].isupper()


def _kind(text: str, context: Context) -> Kind | None:
    """The type of statement a sentence makes, or None when it makes none."""
    r = rules()
    if is_imperative(text) or context.recommendation or r.recommend.search(text):
        return "aanbeveling"
    if r.expect.search(text) and not r.expect_trap.search(text):
        return "verwachting"
    if (r.role.search(text) or _has_role_verb(text)) and not r.role_trap.search(text):
        return "rol"
    return None


def _has_role_verb(text: str) -> bool:
    """A verb of doing, not the noun of the same form ("ze werken" yes, "ons werk" no)."""
    determiners = rules().table.about.determiners
    return any(_word_before(text, m.start(), skip=()) not in determiners for m in rules().role_verb.finditer(text))


def _word_before(text: str, at: int, skip: tuple[str, ...] | list[str] | None = None) -> str:
    """The word before offset `at`, passing over determiners ("met al de betrokken" -> "met")."""
    passing = rules().table.about.determiners if skip is None else skip
    words = [w.lower() for w in _WORD.findall(text[:at])]
    while words and words[-1] in passing:
        words.pop()
    return words[-1] if words else ""


@dataclass(frozen=True)
class _Reading:
    """Who a sentence names, sorted by what they are to it."""

    subjects: list[Mention]  # what it is about
    others: list[Mention]  # named after a preposition: partners, places, beneficiaries
    pronouns: tuple[str, ...]  # actors its pronoun stands for (a pronoun that opens it wins over all)
    opens_with_pronoun: bool
    lead: int  # words before the first subject (after a reporting frame): deep in the sentence, it is no subject


_JOINS = frozenset({"en", "of", "en/of", "&", "ook", "vooral", "zeker", "zelfs"})


def _coordinated(gap: str) -> bool:
    """Whether the text between two mentions joins them ("X en Y", "X, Y", "X en vooral de Y")."""
    about = rules().table.about
    words = [w.lower() for w in _WORD.findall(gap) if w.lower() not in about.determiners]
    only_a_comma = not gap.strip(" ,") and "," in gap
    return only_a_comma or (0 < len(words) <= 2 and words[0] in _JOINS)


def _read(text: str, context: Context) -> _Reading:
    """Sort a sentence's mentions (the rules of the module docstring) and find its pronoun actors."""
    r = rules()
    about = r.table.about
    start = max((m.end() for m in r.frame.finditer(text)), default=0)
    everyone = role_mentions(text)
    # "X geeft aan dat ze ...": after a reporting frame, "ze" is the reporter, and so is "we" in a quote
    framing = [m for m in everyone if m.end <= start]
    reporters = tuple(dict.fromkeys(m.actor for m in framing)) or context.previous
    framed = tuple(dict.fromkeys(m.actor for m in _first_group(framing, text)))  # the speaker ("Een directeur zei:")
    found = [m for m in everyone if m.start >= start and _word_before(text, m.start) not in about.speakers]
    promoted = [
        m
        for m in found
        if r.agent.search(text[: m.start])
        or (
            r.expected_of.search(text[: m.start])
            and r.expecting.search(text, max(0, m.start - EXPECT_SPAN), m.end + EXPECT_SPAN)
        )
    ]
    subjects: list[Mention] = promoted
    others: list[Mention] = [m for m in found if m not in promoted]
    if not promoted:
        others = []
        previous: Mention | None = None
        previous_subject = False
        for m in found:
            joined = previous is not None and _coordinated(text[previous.end : m.start])
            subject = previous_subject if joined else not subjects and _word_before(text, m.start) not in about.demoting
            (subjects if subject else others).append(m)
            previous, previous_subject = m, subject
    words = [w.lower() for w in _WORD.findall(text[start:])]
    pronouns = _pronoun_actors(words, context, reporters, framed)
    opens = bool(words) and words[0] in about.reader + about.author + about.previous and bool(pronouns)
    lead = len(_WORD.findall(text[start : subjects[0].start])) if subjects else 0
    return _Reading(subjects, others, pronouns, opens, lead)


def _pronoun_actors(
    words: list[str], context: Context, reporters: tuple[str, ...], framed: tuple[str, ...]
) -> tuple[str, ...]:
    """The actors the first pronoun that stands for one stands for: the reader, the author, or the reporters
    (the actors of the reporting frame, else of the sentence before); "we" after a reporting frame is
    its speakers ("Een ondersteuner stelde: 'we komen wekelijks samen'"), not the document's author."""
    about = rules().table.about
    for word in words:
        if word in about.reader and context.reader:
            return (context.reader,)
        if word in about.author and framed:
            return framed
        if word in about.author and context.author:
            return (context.author,)
        if word in about.previous and reporters:
            return reporters
    return ()


def _first_group(mentions: list[Mention], text: str) -> list[Mention]:
    """The first mention and those coordinated with it."""
    group = mentions[:1]
    for m in mentions[1:]:
        if not _coordinated(text[group[-1].end : m.start]):
            break
        group.append(m)
    return group


def _usable(text: str) -> bool:
    """Sentences that state nothing: the documents' questions, captions, fragments."""
    return not (text.endswith("?") or _CAPTION.match(text) or len(_WORD.findall(text)) < MIN_WORDS)


@dataclass(frozen=True)
class Analysis:
    """What one sentence says: its statements, and the actors it is about (whatever it says of them).

    `about` is what the next sentence's "ze" or "hij" stands for.
    """

    findings: list[Finding]
    about: tuple[str, ...]


def analyse(text: str, context: Context) -> Analysis:
    """The statements a sentence makes (one per actor it is about, all of one type) and its actors."""
    text = collapse_ws(text)
    reading = _read(text, context)
    about = tuple(dict.fromkeys(m.actor for m in reading.subjects))
    about = reading.pronouns if reading.opens_with_pronoun or not about else about
    statement_kind = _kind(text, context) if _usable(text) else None
    if statement_kind is None:
        return Analysis([], about)
    implied = [(a, "") for a in reading.pronouns]
    subjects = reading.subjects if statement_kind != "rol" or reading.lead <= MAX_LEAD_WORDS else []
    named = implied if reading.opens_with_pronoun else [(m.actor, m.text) for m in subjects] or implied
    if statement_kind == "aanbeveling" and is_imperative(text):
        verb = _WORD.findall(text)[0].lower()
        objects = [
            m for m in reading.subjects + reading.others if _word_before(text, m.start) == verb
        ]  # "Betrek ouders"
        addressed = [(a, "") for a in context.addressees]
        named = [(m.actor, m.text) for m in _first_group(objects, text)] or addressed or named
    elif statement_kind == "aanbeveling" and not named:
        named = [(a, "") for a in context.addressees]
    if not named and statement_kind != "rol":
        named = [(m.actor, m.text) for m in _first_group(reading.others, text)]
    if not named and statement_kind == "aanbeveling" and context.reader:
        named = [(context.reader, "")]
    findings: dict[str, Finding] = {}
    for actor, words in named:
        findings.setdefault(actor, Finding(actor, statement_kind, words))
    return Analysis(list(findings.values()), about)
