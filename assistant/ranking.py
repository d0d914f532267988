"""Which sentences of the retrieved passages answer a question: ranking and selection.

Shared by the extractive answerer (its points are the chosen sentences) and the abstention
decision (its strongest evidence is the best sentence's cosine), so it belongs to neither.

1. split the best passages into sentences (steunwijs.dutch.sentences) and drop fragments, headings,
   table debris, contact details and sentences addressed to an AI assistant (`steunwijs.dutch.points`);
2. score each sentence against the question: e5 cosine of query and sentence, plus the share of
   the question's content words it contains (Dutch stems, synonyms), plus a little of its
   passage's retrieval score, minus a little when it leans on the sentence before ("Dit ..."),
   plus what the point rules add for the kind of sentence the question wants (assistant/point_rules.py);
3. pick with maximal marginal relevance (`select`), so the points say different things, skipping
   near-duplicates (overlapping chunks repeat sentences) and sentences far below the best.

Sentence vectors are made at ingest and stored with the generation (kb/sentence_vectors.py), so an
answer embeds only its question (cached by the embedder); a sentence missing from that table is
embedded here, in one batch per passage. What a passage yields is cached per passage (LRU), so the
split and the word stems are computed once. The stored vectors do not depend on what was asked
before, so ranking is deterministic.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from pydantic import BaseModel, Field, RootModel

from assistant import point_rules
from kb.embeddings import Embedder
from kb.knowledge_base import KnowledgeBase
from kb.lru import LRU
from kb.sentence_vectors import SentenceVectors
from steunwijs.dutch.points import point_sentences
from steunwijs.dutch.sentences import Sentence
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
CONTEXT_PENALTY = 0.015  # for a sentence that leans on the one before ("Dit ...", "Ook zij ...")
SPREAD_BONUS = 0.02  # comparison questions: for a point from a document not cited yet
DUPLICATE_OVERLAP = 0.8  # ... and so do sentences sharing this share of their content words
CACHE_PASSAGES = 2048  # passages whose sentence embeddings are kept
# Openers that point back to the previous sentence; out of context such a point reads oddly.
_LEANS_BACK = re.compile(
    r"^(?:dit|dat|deze|die|zij|ze|hij|het\s+is|ook\s+(?:zij|dit|dat|hier)|daarom|daarnaast|daarbij|"
    r"hierbij|hierdoor|daardoor|bovendien|verder|tot\s+slot|ten\s+slotte)\b",
    re.I,
)

SELECTION_FILE = "selection.toml"
PLAIN_MODEL = "multilingual-e5-small"
log = logging.getLogger(__name__)


class Selection(BaseModel, frozen=True):
    """How many ranked sentences become points: per embedding model (steunwijs/tables/selection.toml)."""

    relevance_margin: float = Field(gt=0, description="A point must score within this of the best sentence.")
    duplicate_cosine: float = Field(gt=0, le=1, description="Sentences at least this similar say the same thing.")
    measured: dict[str, str | int | float] = Field(default_factory=dict)


class SelectionTable(RootModel[dict[str, Selection]]):
    """steunwijs/tables/selection.toml: model folder name -> its selection parameters."""


def load_selection(model_key: str) -> Selection:
    """The selection parameters of an embedding model; a model without its own gets the plain model's."""
    table = load_toml("tables", SELECTION_FILE, SelectionTable).root
    if model_key in table:
        return table[model_key]
    log.warning("no selection parameters for model %r; using those of %r", model_key, PLAIN_MODEL)
    return table[PLAIN_MODEL]


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
    """Ranks the sentences of retrieved passages against a question (shared by answer and abstention).

    Sentence vectors come from `stored()`, the current generation's table made at ingest
    (kb/sentence_vectors.py); a sentence it lacks (a generation built before the table existed, a
    damaged file) is embedded here, so an answer never fails for want of the table.
    """

    def __init__(
        self,
        embedder: Embedder,
        stored: Callable[[], SentenceVectors | None] = lambda: None,
        cache_size: int = CACHE_PASSAGES,
        selection: Selection | None = None,
    ) -> None:
        self.embedder = embedder
        self.stored = stored
        self.selection = selection or load_selection(PLAIN_MODEL)  # how many of its candidates become points
        self._passages: LRU[tuple[str, str], PassageSentences] = LRU(cache_size)
        self.embedded = 0  # sentences this ranker had to embed itself (the table lacked them)

    def passage_sentences(self, passage: Passage) -> PassageSentences:
        """The usable sentences of a passage with their vectors, then served from the cache."""
        key = (passage.id, passage.text)
        cached = self._passages.get(key)
        if cached is None:
            sentences = point_sentences(passage.text)
            texts = [s.clean for s in sentences]
            table = self.stored()
            if table is None:
                vectors, missing = np.zeros((len(texts), self.embedder.dim), np.float32), list(range(len(texts)))
            else:
                vectors, missing = table.lookup(texts)
            if missing:
                vectors[missing] = self.embedder.embed_passages([texts[i] for i in missing])
                self.embedded += len(missing)
            cached = PassageSentences(sentences, vectors, tuple(content_stems(s.text) for s in sentences))
            self._passages.put(key, cached)
        return cached

    def rank(self, question: str, hits: list[Hit], top_passages: int = TOP_PASSAGES) -> list[Candidate]:
        """Every usable sentence of the top passages, best first."""
        if not hits:
            return []
        terms: QueryTerms = query_terms(question)
        wants = point_rules.intent(question)
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
                score += point_rules.bonus(wants, sentence.text, hit.passage.section)
                candidates.append(
                    Candidate(index, hit.passage.source, sentence, vector, stems, float(cosine), lexical, score)
                )
        candidates.sort(key=lambda c: (-c.score, c.hit, c.sentence.start))
        return candidates


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def select(
    candidates: list[Candidate], limit: int, selection: Selection, spread_sources: bool = False
) -> list[Candidate]:
    """Maximal marginal relevance over the ranked candidates, without near-duplicates.

    `selection` holds the margin and the duplicate cosine of the model that ranked them (see
    SentenceRanker.selection). With `spread_sources` (comparison questions need two documents), a
    candidate from a document not chosen yet gets a small bonus.
    """
    if not candidates:
        return []
    floor = candidates[0].score - selection.relevance_margin
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
            if float(c.vector @ best.vector) < selection.duplicate_cosine
            and _overlap(c.stems, best.stems) < DUPLICATE_OVERLAP
            and c.sentence.clean != best.sentence.clean
        ]
    return chosen


@lru_cache(maxsize=4)
def sentence_ranker(kb: KnowledgeBase) -> SentenceRanker:
    """The process-wide ranker (and its sentence cache) for a knowledge base and its stored vectors."""
    return SentenceRanker(kb.embedder, kb.sentence_vectors, selection=load_selection(kb.settings.model_key))
