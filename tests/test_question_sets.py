"""The curated question sets: schema, evidence against the corpus, coverage counts, the CI gate subset.

Evidence quotes are what the retrieval and citation metrics look for, so a quote that is not really
in its cited document would silently turn into a miss for every system measured; these tests make
such a quote (or a malformed line) fail here, with its id or line number, instead.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from evals.questionset import (
    TOPICS,
    Question,
    QuestionSetError,
    load_set,
    verify_evidence,
)
from steunwijs.errors import InputError
from steunwijs.settings import PERSONAS, Settings

SETS_DIR = Path(__file__).resolve().parent.parent / "evals" / "sets"
CURATED = SETS_DIR / "steunwijs.jsonl"
GATE = SETS_DIR / "gate.txt"
SET_FILES = sorted(SETS_DIR.glob("*.jsonl"))
DOC_004 = "004_f932f971383260c2.txt"


@pytest.fixture(scope="module")
def corpus_dir() -> Path:
    corpus = Settings().corpus_dir
    assert corpus.is_dir(), f"the default corpus is missing: {corpus}"
    return corpus


@pytest.fixture(scope="module")
def curated() -> list[Question]:
    return load_set(CURATED)


def _answerable(**overrides: object) -> dict[str, object]:
    """A valid line of the format, to be broken one field at a time by the negative tests."""
    record: dict[str, object] = {
        "id": "t-001",
        "persona": "directie",
        "topic": "feiten",
        "question": "Hoeveel leersteuncentra zijn er?",
        "answer_points": ["Er zijn 43 leersteuncentra."],
        "sources": [DOC_004],
        "evidence": ["Er zijn in Vlaanderen 43 leersteuncentra opgericht, waaronder 4 specifieke"],
        "answerable": True,
    }
    record.update(overrides)
    return record


def _write_set(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return path


def test_the_curated_set_exists() -> None:
    assert CURATED in SET_FILES


@pytest.mark.parametrize("set_file", SET_FILES, ids=lambda p: p.name)
def test_every_set_validates_against_the_format(set_file: Path) -> None:
    questions = load_set(set_file)
    ids = [q.id for q in questions]
    assert len(ids) == len(set(ids))
    for position, question in enumerate(questions):
        if question.follow_up_of is not None:
            assert question.follow_up_of in ids[:position], question.id
        if question.answerable:
            assert 1 <= len(question.answer_points) <= 4 and question.sources
            assert 1 <= len(question.evidence) <= 3
            assert all(8 <= len(quote.split()) <= 30 for quote in question.evidence), question.id
        else:
            assert not (question.answer_points or question.sources or question.evidence), question.id


@pytest.mark.parametrize("set_file", SET_FILES, ids=lambda p: p.name)
def test_every_evidence_quote_is_in_its_cited_source(set_file: Path, corpus_dir: Path) -> None:
    problems = [problem for question in load_set(set_file) for problem in verify_evidence(question, corpus_dir)]
    assert problems == []


def test_curated_set_meets_the_coverage_counts(curated: list[Question]) -> None:
    personas = Counter(q.persona for q in curated)
    topics = Counter(q.topic for q in curated)
    assert len(curated) >= 90
    assert set(personas) == set(PERSONAS)
    assert min(personas.values()) >= len(curated) // 5, personas
    assert set(topics) == set(TOPICS)
    assert sum(q.follow_up_of is not None for q in curated) >= 10
    assert sum(not q.answerable for q in curated) >= 10


def test_curated_set_cites_all_five_documents(curated: list[Question], corpus_dir: Path) -> None:
    cited = {source for q in curated for source in q.sources}
    assert cited == {path.name for path in corpus_dir.glob("*.txt")}


def test_comparisons_draw_on_two_passages(curated: list[Question]) -> None:
    for question in curated:
        if question.topic == "vergelijking" and question.answerable:
            assert len(question.sources) >= 2 or len(question.evidence) >= 2, question.id


def test_gate_is_a_valid_mixed_subset(curated: list[Question]) -> None:
    lines = GATE.read_text(encoding="utf-8").splitlines()
    ids = [line.split("#", 1)[0].strip() for line in lines]
    ids = [qid for qid in ids if qid]
    by_id = {q.id: q for q in curated}
    assert len(ids) == len(set(ids))
    assert set(ids) <= set(by_id), set(ids) - set(by_id)
    gate = [by_id[qid] for qid in ids]
    assert 15 <= len(gate) <= 25
    assert {q.persona for q in gate} == set(PERSONAS)
    assert {q.topic for q in gate} == set(TOPICS)
    assert sum(not q.answerable for q in gate) >= 3
    follow_ups = [q for q in gate if q.follow_up_of is not None]
    assert len(follow_ups) >= 2
    assert all(q.follow_up_of in ids for q in follow_ups)


# --- the checks can fail ---------------------------------------------------------------------------


def test_checker_reports_a_quote_that_is_not_in_the_source(corpus_dir: Path) -> None:
    broken = Question.model_validate(
        _answerable(evidence=["Er zijn in Vlaanderen 44 leersteuncentra opgericht, waaronder 4 specifieke"])
    )
    problems = verify_evidence(broken, corpus_dir)
    assert len(problems) == 1 and "t-001" in problems[0] and "44 leersteuncentra" in problems[0]


def test_checker_ignores_whitespace_differences_only(corpus_dir: Path) -> None:
    spaced = Question.model_validate(
        _answerable(evidence=["Er  zijn in\nVlaanderen 43\tleersteuncentra opgericht,  waaronder 4 specifieke"])
    )
    assert verify_evidence(spaced, corpus_dir) == []


def test_checker_reports_a_source_missing_from_the_corpus(corpus_dir: Path) -> None:
    missing = Question.model_validate(_answerable(sources=["999_does_not_exist.txt"]))
    assert any("999_does_not_exist.txt" in p for p in verify_evidence(missing, corpus_dir))


def test_checker_wants_the_quote_in_a_cited_source(corpus_dir: Path) -> None:
    # The quote is in 004, but the question cites 002: citing the wrong document must not pass.
    wrong_doc = Question.model_validate(_answerable(sources=["002_6a138d292be975d4.txt"]))
    assert verify_evidence(wrong_doc, corpus_dir) != []


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"persona": "ouder"}, "persona"),
        ({"topic": "weetjes"}, "topic"),
        ({"evidence": ["te kort citaat"]}, "3 words"),
        ({"answer_points": []}, "answer_points"),
        ({"answer_points": ["a", "b", "c", "d", "e"]}, "answer_points"),
        ({"sources": []}, "source"),
        ({"answerable": False}, "unanswerable"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_loader_names_the_bad_line(tmp_path: Path, overrides: dict[str, object], fragment: str) -> None:
    path = _write_set(tmp_path / "bad.jsonl", [_answerable(id="ok-1"), _answerable(id="bad-2", **overrides)])
    with pytest.raises(QuestionSetError) as caught:
        load_set(path)
    assert caught.value.problems and all(p.startswith("line 2:") for p in caught.value.problems)
    assert fragment in str(caught.value)


def test_loader_rejects_duplicate_ids_and_forward_follow_ups(tmp_path: Path) -> None:
    path = _write_set(
        tmp_path / "bad.jsonl",
        [_answerable(id="a", follow_up_of="b"), _answerable(id="b"), _answerable(id="b")],
    )
    with pytest.raises(QuestionSetError) as caught:
        load_set(path)
    assert caught.value.problems == [
        "line 1: follow_up_of 'b' is not an earlier id in this set",
        "line 3: id 'b' already used on line 2",
    ]


def test_loader_reports_invalid_json_and_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text(json.dumps(_answerable()) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(QuestionSetError, match="line 2"):
        load_set(path)
    with pytest.raises(QuestionSetError, match="file not found") as caught:
        load_set(tmp_path / "absent.jsonl")
    # an unusable set is the user's input: the CLI shows the Dutch message and exits with 2
    assert isinstance(caught.value, InputError) and caught.value.exit_code == 2
    assert caught.value.nl.startswith("De vragenset") and "absent.jsonl" in caught.value.nl
