"""The answer entry point: question validation, streaming, personas, eras, follow-ups, over the real corpus."""

from __future__ import annotations

import pytest

from assistant.answer import QuestionError, answer, stream_answer
from assistant.citations import check
from assistant.eras import regime_of
from assistant.personas import UnknownPersona
from assistant.templates import phrase
from steunwijs.errors import InputError
from steunwijs.settings import PERSONAS, get_settings
from steunwijs.types import Answer


@pytest.mark.parametrize("question", ["", "   ", "\n\t "])
def test_empty_questions_get_a_dutch_message(question: str) -> None:
    with pytest.raises(QuestionError) as refused:
        answer(question)
    assert "Je vraag is leeg" in refused.value.nl and refused.value.exit_code == 2
    with pytest.raises(QuestionError) as refused:
        next(iter(stream_answer(question)))
    assert "Je vraag is leeg" in refused.value.nl


def test_a_question_without_words_is_refused() -> None:
    with pytest.raises(QuestionError) as refused:
        answer("?!?")
    assert "bevat geen tekst" in refused.value.nl


def test_an_unknown_persona_is_refused_in_dutch() -> None:
    with pytest.raises(UnknownPersona) as refused:
        answer("Wat doet het CLB?", persona="minister")
    assert "Onbekende rol" in refused.value.nl and isinstance(refused.value, InputError)


@pytest.mark.slow
def test_a_long_question_is_cut_with_a_notice(corpus_kb) -> None:  # noqa: ANN001
    settings = get_settings(data_dir=corpus_kb.settings.data_dir, max_question_chars=80)
    question = "Wat doet een leerondersteuner in de klas samen met de leerkracht? " + "Graag een uitgebreid antwoord. " * 20
    result = answer(question, settings=settings, kb=corpus_kb)
    assert phrase("notices", "question_cut", limit=80) in result.notices
    assert result.question == question  # the user's words are kept as asked
    assert not result.abstained
    check(result)


@pytest.mark.slow
def test_stream_answer_yields_growing_text_then_the_answer(corpus_kb) -> None:  # noqa: ANN001
    parts = list(stream_answer("Welke tips geeft de inspectie aan leersteuncentra?", settings=corpus_kb.settings, kb=corpus_kb))
    final = parts[-1]
    assert isinstance(final, Answer)
    texts = parts[:-1]
    assert texts and all(isinstance(t, str) for t in texts)
    assert all(len(a) < len(b) and b.startswith(a) for a, b in zip(texts, texts[1:]))
    assert final.text.startswith(texts[-1])
    assert final.timings["total"] > 0


@pytest.mark.slow
def test_personas_change_the_framing_but_not_the_facts(corpus_kb) -> None:  # noqa: ANN001
    question = "Wat verwacht men van de directie bij leersteun?"
    results = {p: answer(question, persona=p, settings=corpus_kb.settings, kb=corpus_kb) for p in PERSONAS}
    cited = {p: sorted((c.source, c.lines, c.quote) for c in r.citations) for p, r in results.items()}
    assert cited["leerondersteuner"] == cited["directie"] == cited["trainer"]
    assert len({r.text for r in results.values()}) == 3
    assert "### Wat kun je doen" in results["leerondersteuner"].text
    assert "### Wie is verantwoordelijk" in results["directie"].text
    assert "- [ ] " in results["directie"].text
    assert "Vragen voor de groep:" in results["trainer"].text


def _outdated(citation) -> bool:  # noqa: ANN001
    regime = regime_of(citation.era, citation.year)
    return regime is not None and not regime.current


@pytest.mark.slow
def test_answers_resting_on_an_older_regime_say_so(corpus_kb) -> None:  # noqa: ANN001
    result = answer("Wat deden de co-teachers in de pre-waarborgregeling?", settings=corpus_kb.settings, kb=corpus_kb)
    old = [c for c in result.citations if _outdated(c)]
    assert old, result.text
    assert "*Pre-waarborgregeling (2016):*" in result.text
    body, note = result.text.split("\n\nLet op: ")
    assert "pre-waarborgregeling (2015-2017)" in note
    assert all(f"[{c.n}]" in note for c in old)
    assert not any(f"[{c.n}]" in note for c in result.citations if not _outdated(c))


@pytest.mark.slow
@pytest.mark.parametrize(
    "question", ["Hoeveel leersteuncentra zijn er in Vlaanderen?", "Wat verwacht men van een ondersteuner?"]
)
def test_the_era_note_appears_exactly_when_an_older_regime_is_cited(corpus_kb, question: str) -> None:  # noqa: ANN001
    result = answer(question, settings=corpus_kb.settings, kb=corpus_kb)
    assert ("Let op:" in result.text) == any(_outdated(c) for c in result.citations)


@pytest.mark.slow
def test_a_follow_up_is_answered_about_the_conversation_topic(corpus_kb) -> None:  # noqa: ANN001
    first_q = "Hoe wordt in het ondersteuningsnetwerk Kempen bepaald hoeveel ondersteuning een school krijgt?"
    first = answer(first_q, settings=corpus_kb.settings, kb=corpus_kb)
    follow = answer("En wat doet het CLB daarbij?", history=[(first_q, first.text)], settings=corpus_kb.settings, kb=corpus_kb)
    assert follow.rewritten_question is not None and "Kempen" in follow.rewritten_question
    assert phrase("notices", "rewritten", question=follow.rewritten_question) in follow.notices
    assert follow.question == "En wat doet het CLB daarbij?"
    check(follow)


@pytest.mark.slow
def test_the_default_answerer_is_deterministic(corpus_kb) -> None:  # noqa: ANN001
    question = "Wat is de rol van de zorgcoördinator?"
    first = answer(question, settings=corpus_kb.settings, kb=corpus_kb)
    second = answer(question, settings=corpus_kb.settings, kb=corpus_kb)
    assert first.text == second.text
    assert [c.quote for c in first.citations] == [c.quote for c in second.citations]


@pytest.mark.slow
def test_a_draft_that_fails_the_check_becomes_an_honest_abstention(corpus_kb, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    from assistant.answerer import Draft, DraftCitation
    from assistant.extractive import ExtractiveAnswerer

    def broken(self, question, hits, persona, on_text=None):  # noqa: ANN001, ANN202 - a draft with an unmarked statement
        return Draft(text="Dit staat nergens. En dit wel [1].", citations=[DraftCitation(n=1, hit=1, quote="x y z")])

    monkeypatch.setattr(ExtractiveAnswerer, "compose", broken)
    result = answer("Hoeveel leersteuncentra zijn er in Vlaanderen?", settings=corpus_kb.settings, kb=corpus_kb)
    assert result.abstained and phrase("notices", "check_failed") in result.notices
    check(result)
