"""Retrieval over the default corpus: the right passage for questions in users' words, filters, browsing.

Each question is phrased as a user would ask it (today's words, no section titles); it passes when
a passage of the expected document that contains the expected words is among the top 5.
Uses the session fixture `corpus_kb` (the default corpus ingested once into a temp folder).
"""

from __future__ import annotations

import pytest

from kb.knowledge_base import EmptyQuery, KnowledgeBase, UnknownFilter

pytestmark = pytest.mark.slow

# (question in a user's words, document (file name prefix), words the right passage contains)
CASES = [
    ("Hoeveel uur per week is een ondersteuner gemiddeld bezig met één aanvraag?", "000", ["mediaan"]),
    ("Waarom voelen ondersteuners van de kleine types zich soms alleen?", "000", ["eilandje"]),
    ("Mag een co-teacher ingezet worden om een zieke leerkracht te vervangen?", "001", ["vervangingen"]),
    ("Binnen hoeveel dagen moet een leersteuncentrum starten na het begin van het schooljaar?", "004", ["vijf schooldagen"]),
    ("Hoeveel leersteuncentra zijn er in Vlaanderen?", "004", ["43"]),
    ("Wie houdt de gemotiveerde verslagen bij?", "002", ["bewaard"]),
    ("Hoe wordt verdeeld hoeveel ondersteuning elke school krijgt?", "002", ["70 %"]),
    ("Hoe tevreden zijn ondersteuners over hun job?", "000", ["7,2"]),
    ("Wat moet een leersteuncentrum doen als scholen hulp vragen voor fase 0 of 1?", "004", ["ga in gesprek"]),
    ("Hoe begin je als leerondersteuner een goede band met de juf?", "003", ["communicatie"]),
    ("Welke rol speelt de zorgco als er ondersteuning in de klas is?", "001", ["rechterhand"]),
    ("Hoe lang moet begeleiding van een leerkracht minstens duren om effect te hebben?", "001", ["trimester"]),
    ("Moeten ondersteuners zelf hun laptop en printerinkt betalen?", "000", ["laptop"]),
    ("Hoeveel gewone basisscholen kregen ondersteuning via de pre-waarborgregeling?", "001", ["251"]),
    (
        "Geloven ondersteuners dat bijna alle leerlingen met specifieke noden in het gewoon onderwijs terechtkunnen?",
        "000",
        ["3,66"],
    ),
    ("Hoe werkt een M-team van het GO! op school?", "001", ["29 scholen"]),
    ("Bij wie kan een school terecht voor hulp in fase 0 en 1?", "002", ["pedagogische begeleiding"]),
    ("Hoeveel uren van hun opdracht besteden leerondersteuners echt aan leersteun?", "004", ["36 klokuren"]),
    ("Waarom sluiten leersteuncentra trajecten niet af als de doelen bereikt zijn?", "004", ["afsluiten"]),
    ("Hoeveel ondersteuners vulden de online bevraging in?", "000", ["respons"]),
    ("Wie is mijn vaste contactpersoon van het netwerk op school?", "000", ["ankerfiguren"]),
    ("Hoeveel procent van de ondersteuners werkt voltijds?", "000", ["66%"]),
    ("Wat zegt de inspectie over het betrekken van ouders door leersteuncentra?", "004", ["ouders"]),
    ("Werken de leerondersteuners goed samen met de begeleidingsdienst?", "004", ["pedagogisch begeleiders"]),
    ("Hoeveel leerkrachten en ouders vulden de vragenlijst van de inspectie in?", "004", ["10006"]),
]


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


@pytest.mark.parametrize(("question", "source", "words"), CASES, ids=[c[0][:50] for c in CASES])
def test_the_right_passage_is_in_the_top_5(corpus_kb: KnowledgeBase, question: str, source: str, words: list[str]) -> None:
    hits = corpus_kb.search(question, k=5)
    found = [
        h for h in hits if h.passage.source.startswith(source) and all(_norm(w) in _norm(h.passage.text) for w in words)
    ]
    assert found, [(h.passage.source, h.passage.lines, h.passage.text[:80]) for h in hits]


def test_hits_carry_scores_ranks_and_the_sources_own_words(corpus_kb: KnowledgeBase) -> None:
    hits = corpus_kb.search("Wat doet een zorgcoördinator?", k=10)
    assert [h.rank for h in hits] == list(range(1, 11))
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    for hit in hits:
        assert hit.dense_score is not None or hit.bm25_score is not None
        assert hit.dense_score is None or -1.0 <= hit.dense_score <= 1.0
        lines = (corpus_kb.settings.corpus_dir / hit.passage.source).read_text(encoding="utf-8").splitlines()
        first, last = hit.passage.lines
        assert hit.passage.raw == "\n".join(lines[first - 1 : last])
        assert hit.passage.doc.title and hit.passage.doc.era


def test_source_filter_applies_to_both_retrievers(corpus_kb: KnowledgeBase) -> None:
    question = "Hoe werken leerondersteuners samen met de leraar?"
    unfiltered = corpus_kb.search(question, k=10)
    assert any(not h.passage.source.startswith("001") for h in unfiltered)
    hits = corpus_kb.search(question, k=10, sources=["001"])
    assert len(hits) == 10
    assert all(h.passage.source == "001_87ffc6dd6188986e.txt" for h in hits)
    assert any(h.dense_score is not None for h in hits) and any(h.bm25_score is not None for h in hits)


def test_era_filter(corpus_kb: KnowledgeBase) -> None:
    hits = corpus_kb.search("Wat doet een ondersteuner in de klas?", k=8, eras=["leersteundecreet"])
    assert hits and all(h.passage.doc.era == "leersteundecreet (vanaf 2023)" for h in hits)
    assert {h.passage.source[:3] for h in hits} <= {"003", "004"}


def test_unknown_filters_and_empty_questions_are_refused(corpus_kb: KnowledgeBase) -> None:
    with pytest.raises(UnknownFilter, match="999"):
        corpus_kb.search("leersteun", sources=["999"])
    with pytest.raises(EmptyQuery):
        corpus_kb.search("   ")


def test_documents_and_passages_in_document_order(corpus_kb: KnowledgeBase) -> None:
    documents = corpus_kb.documents()
    assert [d.doc.source[:3] for d in documents] == ["000", "001", "002", "003", "004"]
    for info in documents:
        passages = corpus_kb.passages(info.doc.source)
        assert len(passages) == info.passages
        assert [p.lines for p in passages] == sorted(p.lines for p in passages)
        assert info.sections == list(dict.fromkeys(p.section for p in passages if p.section))
    assert not corpus_kb.is_empty()


