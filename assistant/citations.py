"""The citation check every answer passes before it leaves the assistant.

An answer is only as trustworthy as its markers. `check` enforces, for the extractive and the LLM
answerer alike:

1. every marker ``[n]`` in the text has a citation, and every citation is used in the text;
2. every citation points at a passage that retrieval returned for this question;
3. every quote is non-empty and occurs verbatim in the cited passage (runs of whitespace count
   as one space, as in EVAL_FORMAT.md, so a quote may be shown on one line);
4. every statement carries a marker. A statement is any sentence of the text except headings
   ("### ...", a line that is bold only), lead-ins that end in ":" and questions that end in "?"
   (they assert nothing), and, in an abstained answer, the fixed abstention sentence.
"""

from __future__ import annotations

import re

from assistant.templates import phrase
from steunwijs.dutch.patterns import collapse_ws
from steunwijs.dutch.sentences import split_sentences
from steunwijs.dutch.terms import content_stems, covers
from steunwijs.errors import SteunwijsError
from steunwijs.types import Answer

MARKER = re.compile(r"\[(\d+)\]")
_LIST_PREFIX = re.compile(r"^(?:>\s*)?(?:[-*+]\s+(?:\[[ xX]\]\s+)?|\d+[.)]\s+)")
_HEADING = re.compile(r"^(?:#{1,6}\s.*|\*\*[^*]+\*\*)$")
_TRAILING = re.compile(r"(?:\s*\[\d+\])+\s*$")
_CLOSERS = "’”'\")]»*_ "


class CitationError(SteunwijsError):
    """An answer whose markers, citations or quotes do not hold; `problems` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("Het antwoord haalde de controle van zijn bronnen niet.", "; ".join(problems))


def markers(text: str) -> list[int]:
    """The marker numbers of `text` in order of first appearance."""
    seen: list[int] = []
    for m in MARKER.finditer(text):
        n = int(m.group(1))
        if n not in seen:
            seen.append(n)
    return seen


def drop_unknown_markers(text: str, valid: set[int]) -> tuple[str, list[int]]:
    """Remove markers whose number is not in `valid`; returns the text and the removed numbers.

    Used on LLM output: a model may cite a source it was not given ("[7]" of 5); such a marker
    points nowhere, so it goes, and the caller reports it.
    """
    removed: list[int] = []

    def _drop(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if n in valid:
            return m.group(0)
        if n not in removed:
            removed.append(n)
        return ""

    cleaned = MARKER.sub(_drop, text)
    if removed:  # tidy the gaps the markers leave: "Derde [9]." -> "Derde."
        cleaned = re.sub(r"[ \t]+(?=[.,;:!?]|$)", "", cleaned, flags=re.M)
        cleaned = re.sub(r"(?<=\S)[ \t]{2,}", " ", cleaned)
    return cleaned, sorted(removed)


def best_quote(statement: str, passage_text: str) -> str:
    """The passage's own sentence that best supports `statement`, exactly as it stands in the passage.

    Chosen by how many of the statement's content words (stemmed, compounds counted) the
    sentence contains; ties go to the earlier sentence. Returns "" when no sentence shares a
    content word with the statement: then there is nothing to quote, and the check will say so.
    """
    wanted = content_stems(statement)
    best, best_hits = "", 0
    for sentence in split_sentences(passage_text):
        have = content_stems(sentence.text)
        hits = sum(covers(w, have) for w in wanted)
        if hits > best_hits:
            best, best_hits = sentence.text, hits
    return best


def statements(text: str, abstained: bool = False) -> list[str]:
    """The sentences of an answer text that state something and so need a marker."""
    abstain_sentence = phrase("abstain", "statement") if abstained else None
    found: list[str] = []
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line or _HEADING.match(line) or line == abstain_sentence:
            continue
        line = _LIST_PREFIX.sub("", line)
        for sentence in split_sentences(line):
            bare = _TRAILING.sub("", sentence.text).rstrip(_CLOSERS)
            if MARKER.search(sentence.text) or bare.endswith((":", "?")):
                continue
            found.append(sentence.text)
    return found


def check(answer: Answer) -> None:
    """Raise CitationError listing everything wrong with the answer's markers, citations and quotes."""
    problems: list[str] = []
    used = markers(answer.text)
    cited = [c.n for c in answer.citations]
    for n in used:
        if n not in cited:
            problems.append(f"marker [{n}] has no citation")
    for n in sorted({n for n in cited if cited.count(n) > 1}):
        problems.append(f"marker [{n}] has more than one citation")
    retrieved = {(h.passage.source, tuple(h.passage.lines), h.passage.text) for h in answer.retrieved}
    for c in answer.citations:
        if c.n not in used:
            problems.append(f"citation [{c.n}] is not used in the text")
        if (c.source, tuple(c.lines), c.text) not in retrieved:
            problems.append(f"citation [{c.n}] ({c.source}, lines {c.lines[0]}-{c.lines[1]}) was not retrieved")
        quote = collapse_ws(c.quote)
        if not quote:
            problems.append(f"citation [{c.n}] has an empty quote")
        elif quote not in collapse_ws(c.text):
            problems.append(f"quote of [{c.n}] does not occur in its passage: {c.quote[:80]!r}")
    for sentence in statements(answer.text, answer.abstained):
        problems.append(f"statement without a marker: {sentence[:80]!r}")
    if problems:
        raise CitationError(problems)
