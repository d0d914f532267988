"""How the app shows an answer: marker links in the chat message and the source panel."""

from __future__ import annotations

import pytest

from steunwijs.types import Citation
from tests.webapp_answers import DOC, PASSAGE_TEXT, QUOTE, abstained, answered, citation, hit
from webapp import texts
from webapp.chat_format import (
    SourceRef,
    answer_message,
    find_citation,
    link_markers,
    message_answer_index,
    source_choices,
)
from webapp.citation_panel import find_quote, render_passages, render_source


def test_panel_names_the_source_and_marks_the_exact_quote() -> None:
    html = render_source(find_citation(answered(), 1))
    assert DOC.title in html
    assert "leersteundecreet (vanaf 2023)" in html
    assert "4 Resultaten &gt; 4.3.1 LP1 handelingsgericht samenwerken" in html
    assert "ca. 12" in html  # the page of a plain-text document is inferred, and the panel says so
    assert "120–134" in html
    assert f"<mark>{QUOTE}</mark>" in html
    assert html.count("<mark>") == 1


def test_panel_escapes_the_document_text() -> None:
    html = render_source(find_citation(answered(), 1))
    assert "&amp; bespreekt &lt;doelen&gt;" in html
    assert "<doelen>" not in html


def test_exact_page_is_shown_without_approximation() -> None:
    html = render_source(citation(approximate=False))
    assert "<dd>12</dd>" in html


def test_quote_is_found_across_rewrapped_whitespace() -> None:
    text = "De leerondersteuner werkt\n\nsamen met   de leraar."
    assert find_quote(text, "werkt samen met de leraar") == (text.index("werkt"), len(text) - 1)
    passage = hit().passage.model_copy(update={"text": text})
    rewrapped = Citation(n=1, passage=passage, quote="werkt samen met de leraar")
    assert "<mark>werkt\n\nsamen met   de leraar</mark>" in render_source(rewrapped)


def test_a_quote_missing_from_the_passage_is_shown_apart_not_marked() -> None:
    html = render_source(citation(quote="woorden die er niet staan"))
    assert "<mark>" not in html
    assert texts.QUOTE_NOT_FOUND in html
    assert "woorden die er niet staan" in html


def test_markers_become_links_only_when_cited() -> None:
    text = link_markers(answered(), 3)
    assert r"[\[1\]](#sw-3-1)" in text
    assert r"[\[2\]](#sw-3-2)" in text
    assert "[7]" in text and "#sw-3-7" not in text


def test_answer_message_lists_sources_and_carries_its_index() -> None:
    message = answer_message(answered(), 5)
    assert message["role"] == "assistant"
    assert message_answer_index(message) == 5
    assert f"**{texts.SOURCES_HEADING}:**" in message["content"]
    # both citations quote the same passage: one line, both markers
    assert (
        "\n- [\\[1\\]](#sw-5-1) [\\[2\\]](#sw-5-2) Inspectie: erkenning leersteuncentra (2024), "
        "4.3.1 LP1 handelingsgericht samenwerken, p. ca. 12"
    ) in message["content"]
    assert message_answer_index({"role": "assistant", "content": "melding"}) is None


def test_abstention_is_shown_as_such_with_its_closest_passages_linked() -> None:
    content = answer_message(abstained(), 0)["content"]
    assert content.startswith(f"> **{texts.ABSTAIN_HEADING}**\n> *Waarom: geen zin ligt dicht genoeg bij de vraag*")
    assert "Mogelijk relevant" in content
    assert "(#sw-0-1)" in content
    assert f"**{texts.SOURCES_HEADING}:**" not in content  # its text already lists the passages


def test_source_refs_round_trip_and_reject_other_anchors() -> None:
    assert SourceRef.parse("#sw-2-10") == SourceRef(2, 10)
    assert str(SourceRef(2, 10)) == "sw-2-10"
    for bad in ("sw-2", "#top", "sw-a-1", ""):
        with pytest.raises(ValueError):
            SourceRef.parse(bad)


def test_source_choices_and_unknown_citation() -> None:
    choices = source_choices(answered(), 1)
    assert [ref for _, ref in choices] == ["sw-1-1", "sw-1-2"]
    where = "Inspectie: erkenning leersteuncentra (2024), 4.3.1 LP1 handelingsgericht samenwerken, p. ca. 12"
    assert choices[0][0] == f"[1] {where}"
    with pytest.raises(KeyError):
        find_citation(answered(), 9)


def test_browsing_shows_each_passage_with_where_it_is() -> None:
    html = render_passages([hit().passage])
    assert "4 Resultaten &gt; 4.3.1 LP1" in html and "p. ca. 12" in html and "regels 120–134" in html
    assert PASSAGE_TEXT.split("\n")[0] in html


def test_sources_list_has_one_line_per_cited_passage() -> None:
    answer = answered()
    elsewhere = hit(lines=(200, 210)).passage.model_copy(update={"page": 13})
    other = answer.citations[1].model_copy(update={"passage": elsewhere})
    answer = answer.model_copy(update={"citations": [answer.citations[0], other]})
    content = answer_message(answer, 0)["content"]
    sources = content[content.index(f"**{texts.SOURCES_HEADING}:**"):].splitlines()[1:]
    assert len(sources) == 2
    assert sources[0].startswith(r"- [\[1\]](#sw-0-1) Inspectie") and sources[0].endswith("p. ca. 12")
    assert sources[1].startswith(r"- [\[2\]](#sw-0-2) Inspectie") and sources[1].endswith("p. ca. 13")
