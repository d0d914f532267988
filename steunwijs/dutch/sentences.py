"""Sentence splitting for Dutch passages, keeping exact character spans.

The extractive answerer quotes whole sentences, and a quote must be the passage's own words, so
the splitter returns spans into the passage text rather than rewritten strings. Dutch report
prose breaks naive splitters in predictable ways, handled here:

- abbreviations that end in a period but do not end a sentence ("o.a.", "bv.", "nl.", "art. 28",
  "d.w.z.", "prof. Struyf") and initials ("E. Struyf");
- decimal commas and thousands dots ("7,26/10", "1.898") never split (no space after the dot);
- bullets: the extraction keeps Private Use Area glyphs (U+F0B7, U+F0D8), "•" and line-start
  dashes; each bullet item is its own sentence, also when several share a line;
- blank lines end a sentence (paragraphs), and so does a short line without final punctuation
  followed by a capitalised line (a heading such as "Zet in op de coachende rol ..." above the
  paragraph it introduces);
- citation markers right after the final punctuation ("... gegeven. [2]") stay with their sentence,
  so the same splitter serves the citation check on answer text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from steunwijs.dutch.patterns import BULLET_CHARS, collapse_ws

# Abbreviations that end in a period but (practically) never end a sentence, lower-cased.
NON_FINAL_ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "o.a.", "bv.", "bijv.", "vb.", "nl.", "art.", "artt.", "d.w.z.", "m.a.w.", "i.p.v.", "t.a.v.",
        "m.b.t.", "i.v.m.", "n.a.v.", "t.o.v.", "t.e.m.", "t/m.", "e.a.", "o.m.", "m.n.", "z.g.",
        "zgn.", "resp.", "incl.", "excl.", "ca.", "cf.", "vgl.", "p.", "pp.", "pag.", "blz.", "nr.",
        "nrs.", "fig.", "tab.", "hfst.", "dhr.", "mevr.", "mr.", "dr.", "prof.", "ir.", "lic.",
        "st.", "sint.", "min.", "max.", "gem.", "jr.", "std.", "e.d.", "c.q.", "a.d.h.v.", "v.",
        "vnl.", "evt.", "mbt.", "ivm.", "tov.", "oa.", "dwz.", "ipv.", "tav.", "vzw.", "cvba.",
    }
)

_BULLET_CHARS = BULLET_CHARS
_OPENERS = "\"'‘“«([" + _BULLET_CHARS
_TERMINAL = ".!?…"
_CLOSERS = "’”'\")]»"

_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n\s*")
_INLINE_BULLET = re.compile(f"[{_BULLET_CHARS}]")
_LIST_ITEM = re.compile(r"(?m)^[ \t\u00a0]*(?:[-–*]|\d{1,2}[.)])[ \t]+(?=\S)")
_PUNCT_END = re.compile(rf"[{re.escape(_TERMINAL)}]+[{re.escape(_CLOSERS)}]*(?:[ \t]*\[\d+\])*(?:\s+|$)")
_LINE = re.compile(r"(?m)^[^\n]*\n")  # anchored: unanchored, a last line without "\n" is rescanned from every offset (quadratic)
_LEADING_LIST_MARK = re.compile(rf"(?:[{_BULLET_CHARS}]|[-–*](?=\s)|\d{{1,2}}[.)](?=\s))\s*")
_WORD = re.compile(r"\w+")

# A line shorter than this without final punctuation, followed by a capitalised line, is a heading.
_HEADING_MAX_CHARS = 90
# Words after which a line break cannot be a heading end ("... samen met de" / "CLB ...").
_CONTINUATION_WORDS: frozenset[str] = frozenset(
    "de het een en of van voor met door bij aan in op om te tot naar over als dan dat die dit deze"
    " zijn haar hun hij zij we wij je u is was wordt worden werd kan kunnen moet moeten zal zullen"
    " heeft hebben niet ook nog maar zoals waarbij waardoor omdat terwijl tussen onder uit".split()
)


@dataclass(frozen=True)
class Sentence:
    """One sentence of a text: its exact span and words (`text == source[start:end]`).

    A list item's span starts after its bullet glyph or number; `bullet` records that it was one.
    """

    start: int
    end: int
    text: str
    bullet: bool = False

    @property
    def clean(self) -> str:
        """The sentence for display: whitespace runs collapsed."""
        return clean_sentence(self.text)

    @property
    def words(self) -> int:
        return len(_WORD.findall(self.text))


def clean_sentence(text: str) -> str:
    """Display form of a sentence: no leading bullet glyph or list dash, single spaces."""
    text = text.strip()
    mark = _LEADING_LIST_MARK.match(text)
    return collapse_ws(text[mark.end() :] if mark else text)


def _is_non_final(text: str, punct_at: int, block_start: int) -> bool:
    """True when the period at `punct_at` belongs to an abbreviation, an initial or an enumeration."""
    if text[punct_at] != ".":
        return False
    token_start = punct_at
    while token_start > block_start and not text[token_start - 1].isspace():
        token_start -= 1
    token = text[token_start : punct_at + 1].lstrip("([\"'‘“").lower()
    if token in NON_FINAL_ABBREVIATIONS:
        return True
    if re.fullmatch(r"[a-z]\.", token):  # an initial: "E. Struyf"
        return True
    # "1." / "2.3." opening a block is an enumeration or section number, not a sentence
    return bool(re.fullmatch(r"\d+(?:\.\d+)*\.", token)) and not text[block_start:token_start].strip()


def _block_starts(text: str) -> list[int]:
    """Offsets where a paragraph, bullet, list item or heading-delimited line begins."""
    starts = {0}
    starts.update(m.end() for m in _BLANK_LINE.finditer(text))
    starts.update(m.start() for m in _INLINE_BULLET.finditer(text))
    starts.update(m.start() for m in _LIST_ITEM.finditer(text))
    for m in _LINE.finditer(text):
        line = m.group(0).strip()
        nxt = text[m.end() : m.end() + 2].lstrip()
        if not line or not nxt or len(line) > _HEADING_MAX_CHARS:
            continue
        last_word = line.rsplit(None, 1)[-1].lower()
        if (
            line[-1] not in _TERMINAL + _CLOSERS + ",;:-"
            and nxt[0].isupper()
            and last_word not in _CONTINUATION_WORDS
        ):
            starts.add(m.end())
    return sorted(starts)


def split_sentences(text: str) -> list[Sentence]:
    """Split `text` into sentences with exact spans; whitespace-only pieces are dropped."""
    cuts = set(_block_starts(text))
    blocks = sorted(cuts)
    for i, block_start in enumerate(blocks):
        block_end = blocks[i + 1] if i + 1 < len(blocks) else len(text)
        for m in _PUNCT_END.finditer(text, block_start, block_end):
            nxt = m.end()
            if nxt >= block_end:
                continue
            head = text[nxt]
            if not (head.isupper() or head.isdigit() or head in _OPENERS):
                continue
            if _is_non_final(text, m.start(), block_start):
                continue
            cuts.add(nxt)
    ordered = sorted(cuts) + [len(text)]
    sentences: list[Sentence] = []
    for start, end in zip(ordered, ordered[1:]):
        piece = text[start:end]
        stripped = piece.strip()
        if not stripped or not _WORD.search(stripped):
            continue
        lead = len(piece) - len(piece.lstrip())
        s, e = start + lead, start + lead + len(stripped)
        mark = _LEADING_LIST_MARK.match(text, s, e)
        if mark and mark.end() < e:  # the words of a list item, without its glyph or number
            s = mark.end()
        sentences.append(Sentence(s, e, text[s:e], bullet=mark is not None))
    return sentences
