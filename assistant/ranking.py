"""Which sentences of the retrieved passages answer a question: ranking and selection.

Shared by the extractive answerer (its points are the chosen sentences) and the abstention
decision (its strongest evidence is the best sentence's cosine), so it belongs to neither.

1. split the best passages into sentences (steunwijs.dutch.sentences) and drop fragments, headings,
   table debris, contact details and sentences addressed to an AI assistant (`usable`);
2. score each sentence against the question: e5 cosine of query and sentence, plus the share of
   the question's content words it contains (Dutch stems, synonyms), plus a little of its
   passage's retrieval score, minus a little when it leans on the sentence before ("Dit ...");
3. pick with maximal marginal relevance (`select`), so the points say different things, skipping
   near-duplicates (overlapping chunks repeat sentences) and sentences far below the best.

Sentence embeddings are cached per passage id (LRU), and the embedder caches question vectors, so a
warm answer embeds nothing it has embedded before. Each passage's sentences are always embedded in
one batch of their own, so the vectors, and hence the answers, do not depend on what else happened
to be in the cache: ranking is deterministic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from pydantic import BaseModel, field_validator

from kb.embeddings import Embedder
from kb.lru import LRU
from steunwijs.dutch.patterns import CONTACT_HINT
from steunwijs.dutch.sentences import Sentence, split_sentences
from steunwijs.dutch.terms import QueryTerms, content_stems, query_terms
from steunwijs.resources import load_toml
from steunwijs.types import Hit, Passage

# --- ranking and selection parameters (chosen on evals/sets/steunwijs.jsonl: citation support,
# source precision and answer-point coverage of the eval suite) ------------------------------
TOP_PASSAGES = 6  # passages whose sentences compete
WEIGHT_LEXICAL = 0.05  # weight of content-word coverage next to the cosine (cosines of e5 span ~0.75-0.92)
WEIGHT_RETRIEVAL = 0.15  # weight of the passage's fused score relative to the best hit's (hybrid
# retrieval judges whole passages better than a cosine judges one sentence)
MMR_LAMBDA = 0.7  # relevance vs. novelty in maximal marginal relevance
RELEVANCE_MARGIN = 0.05  # a point must score within this of the best sentence
CONTEXT_PENALTY = 0.015  # for a sentence that leans on the one before ("Dit ...", "Ook zij ...")
SPREAD_BONUS = 0.02  # comparison questions: for a point from a document not cited yet
DUPLICATE_COSINE = 0.95  # sentences this similar say the same thing
DUPLICATE_OVERLAP = 0.8  # ... and so do sentences sharing this share of their content words
CACHE_PASSAGES = 2048  # passages whose sentence embeddings are kept

# --- what makes a sentence fit to be a point --------------------------------------------------
MIN_WORDS, MAX_WORDS = 6, 90
MIN_LETTER_SHARE = 0.6  # below: table rows, figure debris ("4 en 5 BVH1 en BVH2 7")
_FOOTNOTE_START = re.compile(r"^\[\d+\]")  # a footnote's text: "[1] Dit zijn nieuwe benamingen ..."
_CAPTION = re.compile(r"^(?:Figuur|Tabel|Grafiek|Bijlage)\s*\d", re.I)
# Openers that point back to the previous sentence; out of context such a point reads oddly.
_LEANS_BACK = re.compile(
    r"^(?:dit|dat|deze|die|zij|ze|hij|het\s+is|ook\s+(?:zij|dit|dat|hier)|daarom|daarnaast|daarbij|"
    r"hierbij|hierdoor|daardoor|bovendien|verder|tot\s+slot|ten\s+slotte)\b",
    re.I,
)
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
    return re.compile("|".join(f"(?:{p})" for p in table.patterns), re.IGNORECASE)


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


@dataclass(frozen=True)
class PassageSentences:
    """The usable sentences of one passage, their embeddings and content stems."""

    sentences: tuple[Sentence, ...]
    vectors: np.ndarray  # (len(sentences), dim), L2-normalised
    stems: tuple[frozenset[str], ...]


@dataclass(frozen=True)
class Candidate:
    """A sentence competing to be a point, with its evidence."""

    hit: int  # 0-based index into the hits
    source: str  # document file name
    sentence: Sentence
    vector: np.ndarray
    stems: frozenset[str]
    dense: float  # cosine of question and sentence
    lexical: float  # share of the question's content words the sentence covers
    score: float


class SentenceRanker:
    """Ranks the sentences of retrieved passages against a question (shared by answer and abstention)."""

    def __init__(self, embedder: Embedder, cache_size: int = CACHE_PASSAGES) -> None:
        self.embedder = embedder
        self._passages: LRU[tuple[str, str], PassageSentences] = LRU(cache_size)

    def passage_sentences(self, passage: Passage) -> PassageSentences:
        """The usable sentences of a passage, embedded once and then served from the cache."""
        key = (passage.id, passage.text)
        cached = self._passages.get(key)
        if cached is None:
            sentences = tuple(s for s in split_sentences(passage.text) if usable(s))
            vectors = self.embedder.embed_passages([s.clean for s in sentences])
            cached = PassageSentences(sentences, vectors, tuple(content_stems(s.text) for s in sentences))
            self._passages.put(key, cached)
        return cached

    def rank(self, question: str, hits: list[Hit], top_passages: int = TOP_PASSAGES) -> list[Candidate]:
        """Every usable sentence of the top passages, best first."""
        if not hits:
            return []
        terms: QueryTerms = query_terms(question)
        q = self.embedder.embed_query(question)
        best_fused = hits[0].score or 1.0
        candidates: list[Candidate] = []
        for index, hit in enumerate(hits[:top_passages]):
            found = self.passage_sentences(hit.passage)
            if not found.sentences:
                continue
            dense = found.vectors @ q
            prior = WEIGHT_RETRIEVAL * (hit.score / best_fused)
            for sentence, vector, stems, cosine in zip(found.sentences, found.vectors, found.stems, dense):
                lexical = terms.coverage(stems)
                score = float(cosine) + WEIGHT_LEXICAL * lexical + prior
                if _LEANS_BACK.match(sentence.text):
                    score -= CONTEXT_PENALTY
                candidates.append(
                    Candidate(index, hit.passage.source, sentence, vector, stems, float(cosine), lexical, score)
                )
        candidates.sort(key=lambda c: (-c.score, c.hit, c.sentence.start))
        return candidates


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def select(candidates: list[Candidate], limit: int, spread_sources: bool = False) -> list[Candidate]:
    """Maximal marginal relevance over the ranked candidates, without near-duplicates.

    With `spread_sources` (comparison questions need two documents), a candidate from a document
    not chosen yet gets a small bonus.
    """
    if not candidates:
        return []
    floor = candidates[0].score - RELEVANCE_MARGIN
    pool = [c for c in candidates if c.score >= floor]
    chosen: list[Candidate] = []
    while pool and len(chosen) < limit:
        def mmr(c: Candidate) -> float:
            redundancy = max((float(c.vector @ s.vector) for s in chosen), default=0.0)
            spread = SPREAD_BONUS if spread_sources and all(s.source != c.source for s in chosen) else 0.0
            return MMR_LAMBDA * (c.score + spread) - (1 - MMR_LAMBDA) * redundancy

        best = max(pool, key=mmr)
        pool.remove(best)
        chosen.append(best)
        pool = [
            c
            for c in pool
            if float(c.vector @ best.vector) < DUPLICATE_COSINE
            and _overlap(c.stems, best.stems) < DUPLICATE_OVERLAP
            and c.sentence.clean != best.sentence.clean
        ]
    return chosen


@lru_cache(maxsize=4)
def sentence_ranker(embedder: Embedder) -> SentenceRanker:
    """The process-wide ranker (and its sentence cache) for an embedder."""
    return SentenceRanker(embedder)
