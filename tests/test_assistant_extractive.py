"""The extractive answerer's parts: which sentences may be points, and diverse selection (MMR)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.ranking import Candidate, Selection, load_selection, select
from kb.lru import LRU
from steunwijs.dutch.points import usable
from steunwijs.dutch.sentences import Sentence, split_sentences
from steunwijs.dutch.terms import content_stems


def only(text: str) -> Sentence:
    [sentence] = split_sentences(text)
    return sentence


@pytest.mark.parametrize(
    "text",
    [
        "De leerondersteuner werkt samen met de leerkracht in de klas.",
        "\uf0b7 Betrek ouders actief bij alle fasen van het leersteuntraject",
        "Een ondersteuner zei: ‘voor ons is de zorgcoördinator onze rechterhand.’",
    ],
)
def test_whole_sentences_and_bullets_are_usable(text: str) -> None:
    assert usable(only(text))


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("en verrijkend bevonden door de meeste klasleerkrachten.", "starts mid-sentence"),
        ("De leerondersteuner werkt samen met de leerkracht in", "cut off at the end"),
        ("Zet in op de coachende rol van de leerondersteuners", "a heading"),
        ("De leersteuncentra krijgen de volgende opdrachten:", "a lead-in"),
        ("Antwerpen 6 3 2 1 (*) 12 4 5 7 (*) 30 10 9 11 Totaal 251 145 34 72.", "a table row"),
        ("Voor vragen mail je naar info@voorbeeld.be of bel je ons gerust.", "contact details"),
        ("Te kort zinnetje.", "too short"),
        ("de zorgcoördinator spreidt de info van de ondersteuner uit naar de leerkrachten.’", "quote end"),
    ],
)
def test_fragments_headings_debris_and_contacts_are_not(text: str, why: str) -> None:
    assert not usable(only(text)), why


def candidate(text: str, vector: list[float], score: float, hit: int = 0, source: str = "004.txt") -> Candidate:
    v = np.asarray(vector, dtype=np.float32)
    v /= np.linalg.norm(v)
    sentence = only(text)
    return Candidate(hit, source, sentence, v, content_stems(text), dense=score, lexical=0.0, score=score)


PLAIN = Selection(relevance_margin=0.05, duplicate_cosine=0.95)


def test_select_prefers_a_different_point_over_a_near_copy() -> None:
    best = candidate("Het CLB schrijft het gemotiveerd verslag voor de leerling.", [1, 0, 0], 0.90)
    copy = candidate("Het CLB schrijft het gemotiveerd verslag voor elke leerling.", [1, 0.01, 0], 0.89, hit=1)
    other = candidate("De directie geeft de leerondersteuner een duidelijk mandaat.", [0, 1, 0], 0.88)
    assert select([best, copy, other], limit=3, selection=PLAIN) == [best, other]


def test_select_drops_sentences_far_below_the_best() -> None:
    best = candidate("Het CLB schrijft het gemotiveerd verslag voor de leerling.", [1, 0, 0], 0.90)
    weak = candidate("De directie geeft de leerondersteuner een duidelijk mandaat.", [0, 1, 0], 0.90 - 2 * PLAIN.relevance_margin)
    assert select([best, weak], limit=3, selection=PLAIN) == [best]
    # a model whose cosines spread wider gets a wider margin: the same sentence is then a point
    wide = Selection(relevance_margin=3 * PLAIN.relevance_margin, duplicate_cosine=0.95)
    assert select([best, weak], limit=3, selection=wide) == [best, weak]


def test_select_respects_the_limit_and_an_empty_pool() -> None:
    texts = [
        "Het CLB schrijft het gemotiveerd verslag voor de leerling.",
        "De directie geeft de leerondersteuner een duidelijk mandaat.",
        "Ouders kiezen zelf een leersteuncentrum voor hun kind.",
    ]
    pool = [candidate(t, v, 0.9 - i * 0.001) for i, (t, v) in enumerate(zip(texts, np.eye(3).tolist()))]
    assert len(select(pool, limit=2, selection=PLAIN)) == 2
    assert select([], limit=4, selection=PLAIN) == []


def test_comparisons_prefer_a_second_document() -> None:
    first = candidate("Het CLB schrijft het gemotiveerd verslag voor de leerling.", [1, 0, 0], 0.900, source="000.txt")
    same = candidate("De directie geeft de leerondersteuner een duidelijk mandaat.", [0, 1, 0], 0.899, source="000.txt")
    other = candidate("Ouders kiezen zelf een leersteuncentrum voor hun kind.", [0, 0, 1], 0.890, source="004.txt")
    assert select([first, same, other], limit=2, selection=PLAIN) == [first, same]
    assert select([first, same, other], limit=2, selection=PLAIN, spread_sources=True) == [first, other]


def test_each_model_has_its_selection_and_an_unknown_one_gets_the_plain_models() -> None:
    plain = load_selection("multilingual-e5-small")
    assert load_selection("another-model") == plain
    assert 0 < plain.relevance_margin < 0.5 and 0.5 < plain.duplicate_cosine <= 1


def test_lru_keeps_the_most_recently_used() -> None:
    cache: LRU[str, int] = LRU(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recent
    cache.put("c", 3)
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c"), len(cache)) == (1, 3, 2)
