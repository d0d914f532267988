"""Line ends: whether "onder-" + "steuning" is one word, a real compound hyphen, or two words.

The extraction keeps the typesetter's line breaks. A hyphen at a line end can be a soft hyphen (join
the pieces), a compound's own hyphen (keep it), or a suspended compound ("basis- en secundair": keep
hyphen and space); 003 lost its soft hyphens entirely ("leerondersteu" / "ners"). The corpus
evidence decides where it can, Dutch spelling rules and the document's own habit where it cannot.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from ingest.clean.records import Line
from ingest.clean.vocabulary import Vocabulary

_SUSPENDED = {"en", "of", "tot", "en/of", "and", "or"}  # "basis- en secundair onderwijs"
_VOWEL_CLASHES = {"aa", "ee", "oo", "uu", "ie", "ei", "eu", "ui", "oe", "ou", "au", "ij", "ae", "oi"}
_TRAILING_WORD = re.compile(r"([\w’'-]*\w)-$")
_LEADING_WORD = re.compile(r"^(\w+(?:[-'’/]\w+)*)")
HyphenChoice = Literal["join", "keep", "space"]


@dataclass(frozen=True)
class Hyphenation:
    """The document's tendencies, learnt from its own unambiguous cases.

    `default` decides a line-end hyphen the corpus has no evidence for: 002 breaks words with
    soft hyphens ("onder-\\nsteuningsnetwerk" -> join), 004 only at real compound hyphens.
    `join_unhyphenated` is on for texts that lost their soft hyphens (003: "leerondersteu\\nners").
    """

    default: HyphenChoice = "join"
    join_unhyphenated: bool = False


def hyphen_choice(left: str, right: str, vocabulary: Vocabulary, default: HyphenChoice = "join") -> HyphenChoice:
    """What to do with "left-" at a line end followed by "right" on the next line.

    First the corpus: join what it writes as one word ("referentiekader", "ondersteuningsnetwerk",
    "bepaalde", "pre-waarborgproject"), keep what it writes with a hyphen ("pre-waarborgregeling",
    "co-teaching", "buo-school"). "basis-" before "en"/"of" is a suspended compound: hyphen and
    space stay ("basis- en secundair"), unless the corpus knows the joined word ("groei-\nen").
    Without evidence the hyphen stays for acronyms and numbers ("CLB-medewerkers", "OV4-verslag"),
    names ("Vlaams-Brabant"), multi-part compounds ("één-op-één-relatie") and vowel clashes
    ("inclusie-expertise"); anything else follows the document's own habit (`default`).
    """
    joined, hyphened = vocabulary.support(left + right), vocabulary.support(f"{left}-{right}")
    if right.lower() in _SUSPENDED:
        return "join" if joined else "space"
    if not left or not right or not right[:1].isalpha():
        return "keep"
    if joined != hyphened:
        return "join" if joined > hyphened else "keep"
    if _needs_hyphen(left, right):
        return "keep"
    return default


def _needs_hyphen(left: str, right: str) -> bool:
    """Dutch spelling keeps a hyphen after acronyms and digits, before capitals, in multi-part
    compounds and where two vowels would be misread as one sound (klinkerbotsing)."""
    if any(c.isdigit() for c in left) or any(c.isupper() for c in left[1:]) or right[:1].isupper() or "-" in left:
        return True
    return (left[-1:] + right[:1]).lower() in _VOWEL_CLASHES


def joins_unhyphenated(left: str, right: str, vocabulary: Vocabulary) -> bool:
    """Whether "left" at a line end and "right" on the next line are one word split without hyphen.

    003 lost its soft hyphens: "leerondersteu\\nners", "onderwijs\\nbehoeften", "eer\\nlijke".
    Join when the joined word is attested and either piece is not a word by itself, or both are
    words but the corpus writes them together, never apart (and neither is a short function word).
    """
    if not (left.isalpha() and right.isalpha() and right[:1].islower() and len(left) >= 2 and len(right) >= 2):
        return False
    if not vocabulary.support(left + right):
        return False
    if not vocabulary.count(left) or not vocabulary.count(right):
        return True
    together = vocabulary.count(left + right)
    return min(len(left), len(right)) >= 4 and together >= 2 and not vocabulary.bigrams[(left.lower(), right.lower())]


def learn_hyphenation(lines: list[Line], vocabulary: Vocabulary) -> Hyphenation:
    """The document's habit for line-end hyphens, and whether it lost its soft hyphens.

    Counted over the hyphens the corpus or spelling rules decide: 002 and 003 mostly join (soft
    hyphens), 000 and 004 only keep ("CLB-\nmedewerkers", "Chi-\nkwadraat"), so in 004 an
    undecided "inspecteur-\nteamcoördinator" keeps its hyphen too.
    """
    decided: Counter[str] = Counter()
    unhyphenated = 0
    texts = [line.text for line in lines if line.text.strip()]
    for text, following in zip(texts, texts[1:]):
        trailing, leading = _TRAILING_WORD.search(text), _LEADING_WORD.match(following)
        if not leading:
            continue
        if trailing:
            choice = hyphen_choice(trailing.group(1), leading.group(1), vocabulary, default="space")
            if choice != "space":
                decided[choice] += 1
            continue
        last = re.search(r"([^\W\d_]+)$", text)
        if last and joins_unhyphenated(last.group(1), leading.group(1), vocabulary):
            if not vocabulary.count(last.group(1)) or not vocabulary.count(leading.group(1)):
                unhyphenated += 1
    default: HyphenChoice = "keep" if decided["keep"] > decided["join"] else "join"
    return Hyphenation(default=default, join_unhyphenated=unhyphenated >= 2)


def join_lines(previous: str, following: str, vocabulary: Vocabulary, hyphenation: Hyphenation) -> tuple[str, str]:
    """(text to keep of `previous`, separator) for joining `following` onto `previous`."""
    tail = previous[-80:]  # the regexes look at the line end only; the block can be long
    trailing = _TRAILING_WORD.search(tail)
    leading = _LEADING_WORD.match(following)
    if trailing and leading:
        choice = hyphen_choice(trailing.group(1), leading.group(1), vocabulary, hyphenation.default)
        if choice == "join":
            return previous[:-1], ""
        return previous, " " if choice == "space" else ""
    if hyphenation.join_unhyphenated and leading:
        last = re.search(r"([^\W\d_]+)$", tail)
        if last and joins_unhyphenated(last.group(1), leading.group(1), vocabulary):
            return previous, ""
    return previous, " "
