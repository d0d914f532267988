"""The roles map in the answer: a question about an actor's role, expectations or recommendations
also draws the passages of that actor's statements of that type (issue 12).

Retrieval ranks passages by how much they resemble the question as a whole; the roles map knows
which sentences say what the zorgcoördinator does, or what is recommended to the directie, wherever
they stand. For such a question, the statements of the asked actor and type are ranked by the cosine
of their sentence (its vector is in the generation's sentence table) with the question, and the
passages of the best ones join the hits the sentence ranker reads, just before the last of them
(`INSERT_AT`), so the ranker weighs their sentences like any other.

Measured on the dev split (plain model, 2026-12-02): 2 questions better, 3 worse, 54 unchanged;
citation support 0.627 -> 0.608, evidence recall@10 0.778 -> 0.758, coverage 0.500 -> 0.498; no
topic gained on balance (aanbevelingen 1 better / 2 worse, rollen 1 / 1). So it is off by default
(`settings.roles_in_answers`), kept as an option for corpora where it may help.
"""

from __future__ import annotations

import numpy as np

from assistant.personas import question_type
from kb.knowledge_base import KnowledgeBase
from steunwijs.dutch import roles
from steunwijs.dutch.sentences import clean_sentence
from steunwijs.types import Hit

MAP_TYPES: dict[str, str] = {"rollen": "rol", "verwachtingen": "verwachting", "aanbevelingen": "aanbeveling"}
MAP_PASSAGES = 2  # passages the map may add
INSERT_AT = 4  # 0-based position in the hits where they go (the ranker reads the first six)


def map_hits(question: str, hits: list[Hit], kb: KnowledgeBase) -> list[Hit]:
    """`hits` with the passages of the roles map's best statements for the question put in; the
    same list when the question asks about no actor's role, expectations or recommendations."""
    kind = MAP_TYPES.get(question_type(question))
    actor = roles.first_actor(question) if kind else None
    table = kb.sentence_vectors()
    if kind is None or actor is None or table is None or not hits:
        return hits
    statements = [s for s in kb.statements(actors=[actor], types=[kind]) if not s.heading]
    vectors, missing = table.lookup([clean_sentence(s.quote) for s in statements])
    if not statements or len(missing) == len(statements):
        return hits
    scores = vectors @ kb.embedder.embed_query(question)
    scores[missing] = -np.inf
    present = {h.passage.id for h in hits}
    added: list[str] = []
    for i in np.argsort(-scores, kind="stable"):
        if scores[i] == -np.inf or len(added) == MAP_PASSAGES:
            break
        pid = statements[i].passage_id
        if pid not in present and pid not in added:
            added.append(pid)
    if not added:
        return hits
    at = min(INSERT_AT, len(hits))
    prior = hits[at - 1].score if at else hits[0].score
    extra = [Hit(passage=kb.passage(pid), score=prior, rank=0) for pid in added]
    merged = hits[:at] + extra + hits[at:]
    return [h.model_copy(update={"rank": rank}) for rank, h in enumerate(merged, start=1)]
