"""The default answerer: the documents' own sentences, ranked, deduplicated and framed. No LLM.

Why extractive: on a 2-core CPU without a language model, the most trustworthy answer is made of
sentences the documents really contain, each quoted exactly and cited. The work is choosing them:

1. split the best passages into sentences (assistant.sentences) and drop fragments, headings,
   table debris and contact details;
2. score each sentence against the question: e5 cosine of query and sentence, plus the share of
   the question's content words it contains (Dutch stems, synonyms), plus a little of its
   passage's retrieval score, minus a little when it leans on the sentence before ("Dit ...");
3. pick with maximal marginal relevance, so the points say different things, skipping
   near-duplicates (overlapping chunks repeat sentences) and sentences far below the best;
4. frame them for the persona (assistant.personas), tag older regimes (assistant.eras); a request
   for a quiz turns the points into gaps to fill in, with the key below (assistant.quiz).

Sentence embeddings are cached per passage id (LRU), and the embedder caches question vectors, so a
warm answer embeds nothing it has embedded before.
Each passage's sentences are always embedded in one batch of their own, so the vectors, and hence
the answers, do not depend on what else happened to be in the cache: the answerer is deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from assistant import actors, quiz
from assistant.answerer import Draft, DraftCitation
from assistant.eras import bullet_tag
from assistant.personas import Item, groups_by_actor, question_type, render
from assistant.sentences import Sentence, split_sentences
from assistant.terms import QueryTerms, content_stems, query_terms
from kb.embeddings import Embedder
from kb.lru import LRU
from kb.models import Hit, Passage

# --- ranking and selection parameters (chosen on evals/sets/steunwijs.jsonl: citation support,
# source precision and answer-point coverage of the eval suite) ------------------------------
TOP_PASSAGES = 6  # passages whose sentences compete
WEIGHT_LEXICAL = 0.05  # weight of content-word coverage next to the cosine (cosines of e5 span ~0.75-0.92)
WEIGHT_RETRIEVAL = 0.15  # weight of the passage's fused score relative to the best hit's (hybrid
# retrieval judges whole passages better than a cosine judges one sentence)
MMR_LAMBDA = 0.7  # relevance vs. novelty in maximal marginal relevance
MAX_POINTS = 4  # points in an answer
MAX_POINTS_GROUPED = 6  # points when grouped by actor (role questions name several actors)
MAX_POINTS_QUIZ = 6  # candidate points of a quiz (a sentence without a good gap is left out)
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
_SOURCE_MARKER = re.compile(r"\[(\d+)\]")
_CAPTION = re.compile(r"^(?:Figuur|Tabel|Grafiek|Bijlage)\s*\d", re.I)
# Openers that point back to the previous sentence; out of context such a point reads oddly.
_LEANS_BACK = re.compile(
    r"^(?:dit|dat|deze|die|zij|ze|hij|het\s+is|ook\s+(?:zij|dit|dat|hier)|daarom|daarnaast|daarbij|"
    r"hierbij|hierdoor|daardoor|bovendien|verder|tot\s+slot|ten\s+slotte)\b",
    re.I,
)
_PRIVATE = re.compile(r"@|https?://|www\.|\b0\d{2,3}[ /.]?\d{2}[ .]?\d{2}[ .]?\d{2}\b")
_TERMINAL = (".", "!", "…", ".’", ".”", ".)", "!’", ".'", '."')

def usable(sentence: Sentence) -> bool:
    """Whether a sentence can stand alone as a point of an answer.

    Out:
    - fragments: a chunk that starts mid-sentence starts in lower case, one cut off at the end
      lacks final punctuation, the tail of a quotation ends in a closing quote it never opened;
    - headings, lead-ins ending in ":", and the documents' own questions (they answer nothing);
    - figure and table captions, table debris, footnote texts ("[1] Dit zijn ...");
    - anything with an e-mail address, URL or phone number (002 names a person's contact details).
    """
    text = sentence.text.strip()
    if not MIN_WORDS <= sentence.words <= MAX_WORDS or _PRIVATE.search(text) or _CAPTION.match(text):
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


def _display(sentence: Sentence) -> str:
    """The sentence as a point: whitespace collapsed, and a footnote reference "[2]" of the source
    written "(2)", so it cannot pass for one of the answer's own markers."""
    return _SOURCE_MARKER.sub(r"(\1)", sentence.clean)


def _grouped_order(chosen: list[Candidate]) -> list[tuple[Candidate, str | None]]:
    """Points ordered by actor (actors in order of their best point, no actor last), rank within."""
    with_actor = [(c, actors.main_actor(c.sentence.text)) for c in chosen]
    order: list[str | None] = []
    for _, actor in with_actor:
        if actor not in order:
            order.append(actor)
    order.sort(key=lambda a: a is None)
    return sorted(with_actor, key=lambda pair: order.index(pair[1]))


class ExtractiveAnswerer:
    """The `Answerer` that quotes the documents: deterministic, CPU only, no LLM."""

    name = "default"

    def __init__(self, ranker: SentenceRanker) -> None:
        self.ranker = ranker

    def compose(
        self,
        question: str,
        hits: list[Hit],
        persona: str,
        on_text: Callable[[str], None] | None = None,
    ) -> Draft:
        qtype = question_type(question)
        if qtype == "quiz":
            lines, citations = self._quiz(question, hits)
        else:
            lines, citations = self._points(question, hits, persona, qtype)
        if not citations:
            return Draft(text="", abstained=True)
        if on_text is not None:
            for i in range(1, len(lines) + 1):
                if lines[i - 1]:
                    on_text("\n".join(lines[:i]))
        return Draft(text="\n".join(lines), citations=citations)

    def _points(
        self, question: str, hits: list[Hit], persona: str, qtype: str
    ) -> tuple[list[str], list[DraftCitation]]:
        """The chosen sentences as points, framed for the persona (no citations: nothing fits)."""
        grouped = groups_by_actor(persona, qtype)
        chosen = select(
            self.ranker.rank(question, hits),
            MAX_POINTS_GROUPED if grouped else MAX_POINTS,
            spread_sources=qtype == "vergelijking",
        )
        ordered = _grouped_order(chosen) if grouped else [(c, None) for c in chosen]
        items: list[Item] = []
        citations: list[DraftCitation] = []
        for n, (candidate, actor) in enumerate(ordered, start=1):
            tag = bullet_tag(hits[candidate.hit].passage.doc)
            text = f"{tag} {_display(candidate.sentence)} [{n}]".strip()
            items.append(Item(text=text, actor=actor))
            citations.append(DraftCitation(n=n, hit=candidate.hit + 1, quote=candidate.sentence.text))
        return (render(persona, qtype, items) if items else []), citations

    def _quiz(self, question: str, hits: list[Hit]) -> tuple[list[str], list[DraftCitation]]:
        """The chosen sentences as gaps to fill in, with the key (the same for every persona)."""
        chosen = select(self.ranker.rank(question, hits), MAX_POINTS_QUIZ)
        items: list[tuple[quiz.Cloze, str]] = []
        citations: list[DraftCitation] = []
        for candidate in chosen:
            gap = quiz.cloze(_display(candidate.sentence), question)
            if gap is None:
                continue
            n = len(citations) + 1
            tag = bullet_tag(hits[candidate.hit].passage.doc)
            items.append((quiz.Cloze(f"{tag} {gap.prompt}".strip(), gap.answer), f"[{n}]"))
            citations.append(DraftCitation(n=n, hit=candidate.hit + 1, quote=candidate.sentence.text))
        return (quiz.render(items) if items else []), citations


@lru_cache(maxsize=4)
def sentence_ranker(embedder: Embedder) -> SentenceRanker:
    """The process-wide ranker (and its sentence cache) for an embedder."""
    return SentenceRanker(embedder)
