"""The glossary's rules, one sentence at a time: acronyms the sentence spells out, terms it defines.

Rule-based, like the roles map (steunwijs/dutch/roles.py), so every entry can be traced to a
sentence and a rule, and the glossary needs no model:

- an acronym in parentheses after words whose letters spell it ("individueel aangepast curriculum
  (IAC)", "centra voor leerlingenbegeleiding (CLB)") or an acronym followed by its words in
  parentheses ("GC-verslag (gemeenschappelijk curriculum)", "OV4- verslag (opleidingsvorm 4 ...)").
  The letters are aligned with the words (the first letter opens the first word; the alignment
  that opens the most words wins, so "gemeenschappelijk curriculum" beats "gemeenschappelijk");
- a lexicon term (steunwijs/tables/glossary.toml) with a definition cue around it ("X is een ...",
  "onder X verstaan we", "een ankerfiguur (een vast aanspreekpunt)").

kb/glossary.py walks the passages and keeps, per term, the best sentence these rules find.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from pydantic import BaseModel, Field

from steunwijs.dutch.analysis import fold
from steunwijs.dutch.sentences import split_sentences
from steunwijs.resources import load_toml

GLOSSARY_FILE = "glossary.toml"

# An acronym: a capital, then capitals or digits (at least one more), e.g. IAC, OV4, RclbK is not one.
_ACRONYM = r"[A-Z][A-Z0-9]*[A-Z0-9]"
_AFTER_WORDS = re.compile(rf"\((\s*{_ACRONYM})(?:[’']s)?\s*\)")
_BEFORE_WORDS = re.compile(rf"\b({_ACRONYM})(-\s?[a-zà-ÿ]+)?\s+\(([^()]{{3,400}})\)")
_WORD = re.compile(r"[\w’'-]+(?:,)?")
_MAX_EXTRA_WORDS = 4  # words of an expansion beyond one per letter ("centra voor leerlingenbegeleiding")


class TermRow(BaseModel):
    """One ``[[term]]`` of steunwijs/tables/glossary.toml."""

    term: str = Field(description="The term as the glossary lists it")
    variants: list[str] = Field(default_factory=list, description="Other spellings and forms in the documents")
    meaning: str = Field("", description="Steunwijs's own short gloss, shown only when the documents spell nothing out")

    def spellings(self) -> list[str]:
        return [self.term, *self.variants]


class GlossaryTable(BaseModel):
    """steunwijs/tables/glossary.toml."""

    definition_cues: list[str] = Field(min_length=1)
    skip_acronyms: list[str] = Field(default_factory=list)
    term: list[TermRow]


@lru_cache(maxsize=1)
def table() -> GlossaryTable:
    return load_toml("tables", GLOSSARY_FILE, GlossaryTable)


@dataclass(frozen=True)
class Spelled:
    """An acronym a sentence spells out: "IAC" -> "individueel aangepast curriculum"."""

    term: str
    expansion: str


def is_acronym(term: str) -> bool:
    """Whether a term is written as an acronym (its first word is in capitals: IAC, GC-verslag)."""
    return re.fullmatch(rf"{_ACRONYM}(?:-.*)?", term) is not None


def _align(letters: str, words: list[str]) -> tuple[int, int] | None:
    """(word starts matched, index of the last word used) of the best alignment, or None.

    Letter 0 must open word 0; every other letter is found, in order, anywhere later (at the start
    of a word or inside one). Among the alignments, the one that opens the most words wins, then
    the one that ends earliest.
    """
    text = fold(" ".join(words)).lower()
    starts = {0} | {i + 1 for i, c in enumerate(text) if c == " "}
    word_of = [text.count(" ", 0, i) for i in range(len(text))]
    if not text or text[0] != letters[0]:
        return None

    @cache
    def best(i: int, after: int) -> tuple[int, int] | None:
        if i == len(letters):
            return (0, -word_of[after])
        found: tuple[int, int] | None = None
        for p in range(after + 1, len(text)):
            if text[p] != letters[i]:
                continue
            rest = best(i + 1, p)
            if rest is not None:
                candidate = (rest[0] + (p in starts), rest[1])
                if found is None or candidate > found:
                    found = candidate
        return found

    result = best(1, 0)
    if result is None:
        return None
    return result[0] + 1, -result[1]


def _letters(acronym: str) -> str:
    return acronym.lower()


def _clean(words: list[str]) -> str:
    return " ".join(words).rstrip(",").strip()


def spelled_out(sentence: str) -> list[Spelled]:
    """The acronyms a sentence spells out, with their words as the sentence writes them."""
    flat = re.sub(r"\s+", " ", sentence)
    found: list[Spelled] = []
    for m in _AFTER_WORDS.finditer(flat):
        acronym = m.group(1).strip()
        letters = _letters(acronym)
        before = _WORD.findall(flat[: m.start()])
        window = before[-(len(letters) + _MAX_EXTRA_WORDS) :]
        best: tuple[tuple[int, int], str] | None = None
        for k in range(len(window)):
            words = window[k:]
            aligned = _align(letters, words)
            if aligned is None or aligned[1] != len(words) - 1:
                continue  # the expansion must run up to the parenthesis
            score = (aligned[0], k)  # most words opened, then the shortest
            if best is None or score > best[0]:
                best = (score, _clean(words))
        if best is not None and best[0][0] >= min(2, len(letters)):
            found.append(Spelled(acronym, best[1]))
    for m in _BEFORE_WORDS.finditer(flat):
        acronym, suffix, inside = m.group(1), (m.group(2) or "").replace(" ", ""), m.group(3)
        letters = _letters(acronym)
        words = _WORD.findall(inside)[: len(letters) + _MAX_EXTRA_WORDS]
        aligned = _align(letters, words)
        if aligned is not None and aligned[0] >= min(2, len(letters)):
            found.append(Spelled(acronym + suffix, _clean(words[: aligned[1] + 1])))
    return [s for s in found if s.term.split("-")[0] not in table().skip_acronyms]


def _spelling_pattern(spellings: list[str]) -> str:
    alternatives = sorted((re.escape(s).replace(r"\ ", r"\s+") for s in spellings), key=len, reverse=True)
    return rf"(?<![\w-])(?:{'|'.join(alternatives)})(?![\w-])"


@lru_cache(maxsize=256)
def _use_pattern(spellings: tuple[str, ...]) -> re.Pattern[str]:
    """Acronyms match case-sensitively (ION is not "ion"), words case-insensitively."""
    acronyms = [s for s in spellings if is_acronym(s)]
    words = [s for s in spellings if not is_acronym(s)]
    parts = []
    if acronyms:
        parts.append(_spelling_pattern(acronyms))
    if words:
        parts.append(f"(?i:{_spelling_pattern(words)})")
    return re.compile("|".join(parts))


@lru_cache(maxsize=256)
def _cue_patterns(spellings: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    term = f"(?:{_use_pattern(spellings).pattern})"
    return tuple(re.compile(cue.replace("{term}", term)) for cue in table().definition_cues)


def uses(sentence: str, spellings: tuple[str, ...]) -> bool:
    """Whether the sentence uses the term in one of its spellings (whole words)."""
    return _use_pattern(spellings).search(sentence) is not None


def defines(sentence: str, spellings: tuple[str, ...]) -> int | None:
    """The index of the first definition cue of the table around the term in this sentence, or None."""
    flat = re.sub(r"\s+", " ", sentence).strip()
    return next((i for i, p in enumerate(_cue_patterns(spellings)) if p.search(flat)), None)


def use_position(text: str, spellings: tuple[str, ...]) -> int | None:
    """Where the term first occurs in `text` (whole words), or None."""
    found = _use_pattern(spellings).search(text)
    return None if found is None else found.start()


def sentences(text: str) -> list[str]:
    """The sentences of a passage as the answerer splits them, exactly as they stand in it."""
    return [s.text for s in split_sentences(text)]
