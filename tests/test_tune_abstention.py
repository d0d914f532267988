"""The abstention tuner's choice: the fewest missed abstentions among thresholds that refuse at most
`max_false` of the answerable questions, and cross-validated rates computed the same way."""

from __future__ import annotations

import numpy as np

from evals.tune_abstention import best_thresholds, cross_validate, decide_all


def _features(sentence: list[float], known: list[float]) -> dict[str, np.ndarray]:
    n = len(sentence)
    return {"sentence": np.array(sentence), "coverage": np.ones(n), "known": np.array(known), "fused": np.full(n, 0.03)}


def test_the_false_abstention_limit_wins_over_catching_more() -> None:
    # 20 answerable questions, two of them with a weak best sentence (0.80); 4 unanswerable, at 0.80-0.81
    sentence = [0.88] * 18 + [0.80, 0.80] + [0.80, 0.80, 0.81, 0.81]
    answerable = np.array([True] * 20 + [False] * 4)
    features = _features(sentence, [1.0] * 24)
    strict, strict_rates = best_thresholds(features, answerable, max_false=0.10)
    loose, loose_rates = best_thresholds(features, answerable, max_false=0.0)
    # allowed to refuse 2 of 20, it refuses all four unanswerable ones; allowed none, it cannot tell
    # them from the two weak answerable ones (their best sentences score no lower) and refuses nothing
    assert strict_rates.missed_abstain == 0.0 and strict_rates.false_abstain == 0.10
    assert strict["min_sentence"] > 0.81
    assert loose_rates.false_abstain == 0.0 and loose_rates.missed_abstain == 1.0
    assert not decide_all(features, loose).any()


def test_unknown_words_are_caught_without_refusing_answerable_questions() -> None:
    sentence = [0.86] * 30
    known = [1.0] * 25 + [0.5] * 5  # the unanswerable ask about words no document uses
    answerable = np.array([True] * 25 + [False] * 5)
    thresholds, rates = best_thresholds(_features(sentence, known), answerable)
    assert rates.false_abstain == 0.0 and rates.missed_abstain == 0.0
    assert 0.5 < thresholds["min_known"] <= 1.0
    held_out = cross_validate([f"q{i}" for i in range(30)], _features(sentence, known), answerable)
    assert held_out.false_abstain == 0.0 and held_out.missed_abstain == 0.0
