"""Dense retrieval on held-back questions: how a model (plain or with an adapter) ranks the passages.

The card of an adapter records these figures on the dev split before and after training, so a
choice between variants is made on questions the adapter never saw. Dense only, on purpose: it
measures the model itself, without BM25 or fusion, over every passage of the knowledge base.
Follow-up questions are left out (alone they do not say what they ask).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from evals.matching import holds
from evals.questionset import Question
from ingest.chunker import embedding_text
from kb.encoder.adapter import DevFigures
from steunwijs.types import Passage

TOP = 10


def measure(model, questions: Sequence[Question], passages: Sequence[Passage], query_prefix: str, passage_prefix: str) -> DevFigures:  # noqa: ANN001 - a SentenceTransformer
    """Evidence recall@10, MRR@10 and hit@5 of dense retrieval with `model`."""
    asked = [q for q in questions if q.answerable and not q.follow_up_of]
    vectors = model.encode([passage_prefix + embedding_text(p) for p in passages], batch_size=16, normalize_embeddings=True)
    queries = model.encode([query_prefix + q.question for q in asked], batch_size=16, normalize_embeddings=True)
    recall, mrr, hit5 = [], [], []
    for question, query in zip(asked, queries):
        top = np.argsort(-(vectors @ query), kind="stable")[:TOP]
        found = [[holds(passages[i].text, quote) for quote in question.evidence] for i in top]
        recall.append(np.mean([any(row[k] for row in found) for k in range(len(question.evidence))]))
        first = next((rank for rank, row in enumerate(found, start=1) if any(row)), None)
        mrr.append(1.0 / first if first else 0.0)
        hit5.append(1.0 if first is not None and first <= 5 else 0.0)
    return DevFigures(
        questions=len(asked),
        evidence_recall_at_10=round(float(np.mean(recall)), 4) if asked else 0.0,
        mrr_at_10=round(float(np.mean(mrr)), 4) if asked else 0.0,
        hit_at_5=round(float(np.mean(hit5)), 4) if asked else 0.0,
    )
