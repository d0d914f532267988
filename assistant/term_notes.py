"""One line per term under an answer: what an acronym or term of the answer means, and where.

A user who reads "IAC" or "zorgcontinuüm" in an answer may not know it. The glossary
(kb/glossary.py) knows the sentence of a document that spells it out or defines it, so the answer
closes with that sentence, quoted verbatim, and where it stands (`Citation.where()`).

The lines go in `Answer.term_notes`, beside the answer's text, not in it: every statement of the
text carries a marker [n] that points at a retrieved passage (the citation check), and the defining
sentence usually stands elsewhere; so a line carries its place as text, and the page and the
terminal show the lines under the answer. Kept out of the text and the citations, they also stay
out of the eval's metrics, which measure the answer itself. The
quote is the glossary entry's own sentence of its passage, so it holds verbatim by construction
(tests/test_glossary.py checks it on the corpus).
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel

from kb.glossary import Entry, Glossary
from steunwijs.dutch.patterns import collapse_ws
from steunwijs.resources import load_toml
from steunwijs.types import Answer

MAX_NOTES = 3  # more lines would bury the answer; the Begrippen tab lists them all


class GlossaryWording(BaseModel):
    """prompts/glossary.toml."""

    notes_heading: str
    note_spelled: str
    note_defined: str
    note_used: str
    title: str
    lexicon_label: str
    defined_label: str
    used_label: str
    uses: str
    empty: str


@lru_cache(maxsize=1)
def wording() -> GlossaryWording:
    return load_toml("prompts", "glossary.toml", GlossaryWording)


def meaning_shown(entry: Entry) -> str:
    """What a term stands for, as a list shows it: the documents' own expansion, else the lexicon's
    gloss labelled as Steunwijs's, else '' (`steunwijs begrippen`, the app's Begrippen tab)."""
    if entry.expansion:
        return entry.expansion
    return f"{entry.meaning} ({wording().lexicon_label})" if entry.meaning else ""


def note(entry: Entry) -> str | None:
    """The line for one entry, or None when neither the documents nor the lexicon say what it means."""
    words = wording()
    values = {"term": entry.term, "quote": collapse_ws(entry.quote), "where": entry.citation().where(lines=False)}
    if entry.expansion:
        return words.note_spelled.format(meaning=entry.expansion, **values)
    if entry.defined:
        return words.note_defined.format(**values)
    if entry.meaning:
        return words.note_used.format(meaning=entry.meaning, **values)
    return None


def term_notes(text: str, glossary: Glossary, already_quoted: set[str] | None = None) -> list[str]:
    """The explanation lines for the terms used in `text`, first used first (at most MAX_NOTES)."""
    quoted = {collapse_ws(q) for q in already_quoted or set()}
    lines = []
    for entry in glossary.in_text(text):
        line = note(entry)
        if line is not None and collapse_ws(entry.quote) not in quoted:
            lines.append(line)
        if len(lines) == MAX_NOTES:
            break
    return lines


def with_term_notes(answer: Answer, glossary: Glossary) -> Answer:
    """The answer with its term lines (an abstention or an answer without terms: unchanged)."""
    if answer.abstained:
        return answer
    lines = term_notes(answer.text, glossary, {c.quote for c in answer.citations})
    return answer.model_copy(update={"term_notes": lines}) if lines else answer


def notes_block(answer: Answer) -> list[str]:
    """The term lines as shown under an answer: a heading, then one line per term (none: nothing)."""
    return [wording().notes_heading, *answer.term_notes] if answer.term_notes else []
