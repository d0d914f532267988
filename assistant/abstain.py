"""Should the assistant say "dat staat niet in de documenten"? A small, calibrated decision.

Retrieval always returns *something*, so "the best hit" is no proof of an answer. Four kinds of
evidence are measured to tell an answerable question from one the documents do not answer:

- `sentence`: cosine of the question and the best sentence of the top passages (e5). An answer
  is a sentence; a question about something else finds only loosely related ones.
- `coverage`: the share of the question's content words (stemmed, with the knowledge base's
  synonyms, compound parts counted) that the top passages contain. "Hoeveel verdient een
  leerondersteuner?" is near many passages in meaning, but nothing mentions pay.
- `known`: the share of the question's content words that occur anywhere in the knowledge base.
  "Hoeveel vakantiedagen ..." asks about a word no document uses.
- `fused`: the reciprocal-rank score of the best hit: high when the dense and the BM25 retriever
  agree on it, low when each found something different.

The decision: abstain when any of them is below its threshold (steunwijs/tables/abstention.toml),
thresholds tuned on the training questions by `python -m evals.tune_abstention`. A threshold of 0
switches its criterion off; the tuner does so when a criterion does not help on its questions
(today `coverage` and `fused`, which the tuner measured and found of no use beside the others).
"""

from __future__ import annotations

import logging
import threading
import weakref
from dataclasses import asdict, dataclass

from pydantic import BaseModel, Field, RootModel

from assistant.ranking import Candidate
from assistant.templates import phrase
from kb.knowledge_base import KnowledgeBase
from steunwijs.dutch.terms import content_stems, query_terms
from steunwijs.resources import load_toml
from steunwijs.settings import Settings
from steunwijs.types import Hit

ABSTENTION_FILE = "abstention.toml"
PLAIN_MODEL = "multilingual-e5-small"
log = logging.getLogger(__name__)
COVERAGE_PASSAGES = 3  # the passages whose words count for coverage


@dataclass(frozen=True)
class Evidence:
    """What retrieval found for a question, as numbers the decision compares with thresholds."""

    sentence: float
    coverage: float
    known: float
    fused: float
    dense: float  # best cosine of question and passage (reported, not decided on)

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


class Thresholds(BaseModel, frozen=True):
    """The minimum of each piece of evidence below which the assistant abstains (0: not checked)."""

    min_sentence: float = Field(ge=0, description="Cosine of the question and its best sentence.")
    min_coverage: float = Field(ge=0, le=1, description="Share of the question's content words in the top passages.")
    min_known: float = Field(ge=0, le=1, description="Share of the question's content words anywhere in the corpus.")
    min_fused: float = Field(ge=0, description="Fused score of the best hit.")


class AbstentionEntry(BaseModel):
    """The thresholds tuned for one embedding model, and what the tuner measured with them."""

    thresholds: Thresholds
    measured: dict[str, str | int | float] = Field(default_factory=dict)


class AbstentionTable(RootModel[dict[str, AbstentionEntry]]):
    """steunwijs/tables/abstention.toml: model folder name -> its entry.

    Thresholds belong to a model: an adapter moves every cosine, so the plain model's minimum
    sentence cosine made the tuned model refuse everything. A model without an entry falls back to
    the plain model's, with a warning.
    """


@dataclass(frozen=True)
class Decision:
    abstain: bool
    reason: str | None


_vocabularies: weakref.WeakKeyDictionary[KnowledgeBase, tuple[object, frozenset[str]]] = weakref.WeakKeyDictionary()
_vocabulary_lock = threading.Lock()


def corpus_vocabulary(kb: KnowledgeBase) -> frozenset[str]:
    """The content stems of every passage in the knowledge base (rebuilt when an ingest changed it)."""
    info = kb.info()
    pointer = (info.generation, info.created)
    with _vocabulary_lock:
        cached = _vocabularies.get(kb)
        if cached is not None and cached[0] == pointer:
            return cached[1]
    words: set[str] = set()
    for info in kb.documents():
        for passage in kb.passages(info.doc.source):
            words |= content_stems(passage.text)
    vocabulary = frozenset(words)
    with _vocabulary_lock:
        _vocabularies[kb] = (pointer, vocabulary)
    return vocabulary


def gather(question: str, hits: list[Hit], ranked: list[Candidate], vocabulary: frozenset[str]) -> Evidence:
    """The evidence for `question` from its hits, their ranked sentences and the corpus vocabulary."""
    if not hits:
        return Evidence(sentence=0.0, coverage=0.0, known=0.0, fused=0.0, dense=0.0)
    terms = query_terms(question)
    top_words = frozenset().union(*(content_stems(h.passage.text) for h in hits[:COVERAGE_PASSAGES]))
    return Evidence(
        sentence=max((c.dense for c in ranked), default=0.0),
        coverage=terms.coverage(top_words),
        known=terms.coverage(vocabulary),
        fused=hits[0].score,
        dense=max((h.dense_score for h in hits if h.dense_score is not None), default=0.0),
    )


def decide(evidence: Evidence, thresholds: Thresholds) -> Decision:
    """Abstain when any piece of evidence is below its threshold; the reason names the first one."""
    checks = (
        ("reason_sentence", evidence.sentence, thresholds.min_sentence),
        ("reason_coverage", evidence.coverage, thresholds.min_coverage),
        ("reason_known", evidence.known, thresholds.min_known),
        ("reason_fused", evidence.fused, thresholds.min_fused),
    )
    for key, value, minimum in checks:
        if value < minimum:
            return Decision(True, phrase("abstain", key, value=f"{value:.3f}", minimum=f"{minimum:.3f}"))
    return Decision(False, None)


def load_thresholds(settings: Settings) -> Thresholds:
    """The tuned thresholds of the configured embedding model (steunwijs/tables/abstention.toml)."""
    table = load_toml("tables", ABSTENTION_FILE, AbstentionTable).root
    key = settings.model_key
    if key in table:
        return table[key].thresholds
    log.warning("no abstention thresholds for model %r; using those of %r", key, PLAIN_MODEL)
    return table[PLAIN_MODEL].thresholds
