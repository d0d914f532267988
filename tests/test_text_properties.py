"""Property-based tests of the text side: any text, no crash, and no text lost on the way.

- the cleaner and the chunker (`passages_for_file`, with a cheap whitespace token counter instead
  of the model's tokenizer): every passage maps back to its source lines, and every word of the
  cleaned text is in some passage of its section;
- the sentence splitter: every sentence is an exact span of its text, in order, and no word falls
  between the spans (only a list item's number is left out, by design);
- the question normaliser (`prepare_question`): a usable question or a QuestionError, never more.

Texts are drawn from document-like pieces (headings, bullets, hyphenated line ends, page numbers,
contact details, abbreviations) mixed with arbitrary characters. Few examples each, so the file
runs in seconds.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.answer import QuestionError, prepare_question
from ingest.chunker import passages_for_file, sections
from ingest.clean import clean_document
from ingest.clean.vocabulary import Vocabulary
from ingest.errors import UnreadableDocument
from ingest.readers import read_document
from ingest.structure import page_layout
from steunwijs.dutch.sentences import split_sentences
from steunwijs.settings import get_settings
from steunwijs.types import DocumentMeta

FEW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_WORDS = (
    "de leerondersteuner werkt samen met het CLB en de zorgcoördinator in klas leersteun-"
    " centrum o.a. bv. art. 28 nl. ca. 7,26/10 1.898 prof. E. Struyf GC-verslag BVH1 type 9"
    " leerondersteu- ners redelijke aanpassingen"
).split()
_PIECES = st.one_of(
    st.sampled_from(_WORDS),
    st.sampled_from([".", ",", ":", ";", "?", "!", "…", "(", ")", "[1]", "’", "“", "”", " - ", "–"]),
    st.sampled_from(["\uf0b7", "\uf0d8", "•", "- ", "1. ", "2) ", "a) "]),
    st.sampled_from(["info@school.be", "https://www.onderwijs.vlaanderen.be", "0470 12 34 56"]),
    st.text(max_size=4),
)
_LINE = st.one_of(
    st.lists(_PIECES, max_size=14).map(" ".join),
    st.builds(lambda n, w: f"{n} {w.capitalize()}", st.sampled_from(["1", "2.3", "4.1.2"]), st.sampled_from(_WORDS)),
    st.integers(min_value=1, max_value=120).map(str),  # a printed page number
    st.just(""),
    st.text(max_size=30),
)
DOCUMENT = st.lists(_LINE, max_size=40).map("\n".join)
_WORD = re.compile(r"\w+")


def count_tokens(text: str) -> int:
    """What `passages_for_file` needs from a tokenizer: a count, here of words, plus the model's two
    special tokens (as the e5 tokenizer counts an empty text)."""
    return len(text.split()) + 2


def cleaned_sections(path: Path) -> list[tuple[str, str]]:
    """(section path, text) of the cleaned document, as `passages_for_file` sees it before chunking."""
    source = read_document(path)
    layout = page_layout(source.lines) if source.pages is None and path.suffix == ".txt" else None
    vocabulary = Vocabulary.from_texts(["\n".join(source.lines)])
    return [(s.path, s.text) for s in sections(clean_document(source, vocabulary, layout.markers if layout else frozenset()))]


@FEW
@given(text=DOCUMENT, suffix=st.sampled_from([".txt", ".md"]))
def test_the_cleaner_and_chunker_never_crash_and_lose_no_text(text: str, suffix: str) -> None:
    meta = DocumentMeta(source=f"doc{suffix}", title="Doc", short_title="Doc")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"doc{suffix}"
        path.write_text(text, encoding="utf-8")
        try:
            passages = passages_for_file(path, meta, count_tokens, chunk_size=24, chunk_overlap=4, max_tokens=40)
        except UnreadableDocument:
            return  # empty or binary-looking text: refused with a reason, which is not a crash
        source_lines = read_document(path).lines
        cleaned = cleaned_sections(path)
    for passage in passages:
        first, last = passage.lines
        assert 1 <= first <= last <= len(source_lines)
        assert passage.raw == "\n".join(source_lines[first - 1 : last])
        assert count_tokens(passage.text) <= 40 and passage.text.strip()
    for section, section_text in cleaned:
        words_in_passages = {w for p in passages if p.section == section for w in _WORD.findall(p.text)}
        assert set(_WORD.findall(section_text)) <= words_in_passages, section


@FEW
@given(text=st.one_of(DOCUMENT, st.text()))
def test_the_sentence_splitter_keeps_exact_spans_and_every_word(text: str) -> None:
    found = split_sentences(text)
    uncovered = list(text)
    previous_end = 0
    for sentence in found:
        assert sentence.text == text[sentence.start : sentence.end] and sentence.text.strip()
        assert previous_end <= sentence.start < sentence.end
        previous_end = sentence.end
        uncovered[sentence.start : sentence.end] = " " * (sentence.end - sentence.start)
    left_out = re.sub(r"\d{1,2}[.)]", " ", "".join(uncovered))  # a list item's number is not part of it
    assert not _WORD.search(left_out), left_out


@FEW
@given(question=st.one_of(st.text(), st.lists(_PIECES, max_size=60).map(" ".join)))
def test_the_question_normaliser_gives_a_usable_question_or_a_clear_refusal(question: str) -> None:
    config = get_settings(max_question_chars=80)
    try:
        text, notices = prepare_question(question, config)
    except QuestionError as refused:
        assert refused.nl and not _WORD.search(question)
        return
    assert text and text == text.strip() and len(text) <= 80 and _WORD.search(text)
    assert question.strip().startswith(text)
    assert bool(notices) == (len(question.strip()) > 80)
