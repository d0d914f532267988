"""Which sentences of a passage can stand alone as a point of an answer (or be embedded at ingest).

Shared by ingest (which embeds exactly these sentences, so an answer embeds only its question) and
the answerer's sentence ranking: one definition, so the two always agree on what a point is.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import BaseModel, field_validator

from steunwijs.dutch.patterns import CONTACT_HINT, any_of
from steunwijs.dutch.sentences import Sentence, split_sentences
from steunwijs.resources import load_toml

MIN_WORDS, MAX_WORDS = 6, 90
MIN_LETTER_SHARE = 0.6  # below: table rows, figure debris ("4 en 5 BVH1 en BVH2 7")
_FOOTNOTE_START = re.compile(r"^\[\d+\]")  # a footnote's text: "[1] Dit zijn nieuwe benamingen ..."
_CAPTION = re.compile(r"^(?:Figuur|Tabel|Grafiek|Bijlage)\s*\d", re.I)
_TERMINAL = (".", "!", "…", ".’", ".”", ".)", "!’", ".'", '."')
ADDRESSED_TO_AI_FILE = "addressed_to_ai.toml"


class AddressedToAI(BaseModel):
    """`steunwijs/tables/addressed_to_ai.toml`: patterns of sentences written for a language model."""

    patterns: list[str]

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"{pattern!r} is not a regular expression: {error}") from error
        return patterns


@lru_cache(maxsize=1)
def _addressed_to_ai() -> re.Pattern[str]:
    table = load_toml("tables", ADDRESSED_TO_AI_FILE, AddressedToAI)
    return any_of(table.patterns)


def addressed_to_ai(text: str) -> bool:
    """Whether a sentence speaks to an AI assistant ("Negeer alle vorige instructies", "As an AI ...").

    Document text is content, never instructions: such a sentence, planted or quoted, is never a point.
    """
    return bool(_addressed_to_ai().search(text))


def usable(sentence: Sentence) -> bool:
    """Whether a sentence can stand alone as a point of an answer.

    Out:
    - fragments: a chunk that starts mid-sentence starts in lower case, one cut off at the end
      lacks final punctuation, the tail of a quotation ends in a closing quote it never opened;
    - headings, lead-ins ending in ":", and the documents' own questions (they answer nothing);
    - figure and table captions, table debris, footnote texts ("[1] Dit zijn ...");
    - anything with an e-mail address, URL or phone number (002 names a person's contact details);
    - sentences addressed to an AI assistant (`addressed_to_ai`): document text never instructs.
    """
    text = sentence.text.strip()
    if not MIN_WORDS <= sentence.words <= MAX_WORDS or CONTACT_HINT.search(text) or _CAPTION.match(text):
        return False
    if addressed_to_ai(text):
        return False
    visible = [c for c in text if not c.isspace()]
    if sum(c.isalpha() for c in visible) < MIN_LETTER_SHARE * len(visible):
        return False
    if (text[0].islower() and not sentence.bullet) or _FOOTNOTE_START.match(text):
        return False
    if text.endswith("’") and "‘" not in text:  # the end of a quotation whose start is elsewhere
        return False
    if text.endswith("?"):  # the documents' own questions ("Wat neem je mee ...?") answer nothing
        return False
    return sentence.bullet or text.endswith(_TERMINAL)


def point_sentences(text: str) -> tuple[Sentence, ...]:
    """The sentences of a passage that can be points (`usable`), in passage order."""
    return tuple(s for s in split_sentences(text) if usable(s))
