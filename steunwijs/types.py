"""The records that travel between ingestion, the knowledge base, the assistant and the UI.

Every layer passes these, so they live in the ground: a document's metadata, a passage, a search
hit, a citation (which holds its passage, so no consumer has to search the hits again to show
where a quote stands) and an answer.

A `Passage` carries everything a citation needs, so that no consumer has to go back to the files:
which document (file name and metadata), where in it (section path, page, line range) and both
the cleaned text (what is embedded and shown) and the source's own words (what is quoted).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from steunwijs.settings import Persona


class DocumentMeta(BaseModel):
    """What is known about one document: from sources.toml when the folder has one, else the file."""

    source: str = Field(description="File name inside the corpus folder, e.g. 004_f932f971383260c2.txt")
    title: str
    short_title: str
    publisher: str | None = None
    year: int | None = None
    kind: str | None = None
    era: str | None = Field(None, description="Regime the document belongs to, e.g. 'leersteundecreet (vanaf 2023)'")


class Passage(BaseModel):
    """One chunk of one document, with its place in the source."""

    id: str = Field(description="Stable id: a hash of document and content")
    doc: DocumentMeta
    section: str = Field("", description="Section path, outermost first, joined with ' > '")
    page: int | None = Field(None, description="1-based page, None when unknown")
    page_approximate: bool = Field(True, description="True when the page was inferred, not read from a PDF")
    lines: tuple[int, int] = Field(description="1-based inclusive line range in the source file")
    text: str = Field(description="Cleaned text: paragraphs rebuilt, hyphenation resolved, footnotes moved out")
    raw: str = Field(description="The source file's own lines for this passage, verbatim")

    @property
    def source(self) -> str:
        return self.doc.source


class Hit(BaseModel):
    """A passage returned by retrieval, best first."""

    passage: Passage
    score: float = Field(description="Fused reciprocal-rank score (higher is better)")
    rank: int = Field(description="1-based rank in the fused list")
    dense_score: float | None = Field(None, description="Cosine similarity of query and passage, if dense found it")
    bm25_score: float | None = Field(None, description="BM25 score, if BM25 found it")


class DocumentInfo(BaseModel):
    """A document in the store with its passage count (for `info` and the Documenten tab)."""

    doc: DocumentMeta
    passages: int
    sections: list[str] = Field(default_factory=list)


class Citation(BaseModel):
    """What marker [n] points at: the cited passage (with its document) and the exact words relied on."""

    n: int
    passage: Passage
    quote: str = Field(description="The exact words relied on, as they stand in the passage")

    @property
    def source(self) -> str:
        return self.passage.source

    @property
    def title(self) -> str:
        return self.passage.doc.title

    @property
    def era(self) -> str | None:
        return self.passage.doc.era

    @property
    def year(self) -> int | None:
        return self.passage.doc.year

    @property
    def section(self) -> str:
        return self.passage.section

    @property
    def page(self) -> int | None:
        return self.passage.page

    @property
    def lines(self) -> tuple[int, int]:
        return self.passage.lines

    @property
    def text(self) -> str:
        return self.passage.text

    def where(self, *, short_title: bool = True, lines: bool = True) -> str:
        """Where the quote stands, in Dutch: "Inspectie (2024), 3.2 Leersteun, p. ca. 12, r. 120-134".

        The one wording of a citation's place, shared by the terminal, the chat, the source panel and
        the exported handout: the (short) title, the innermost section, the page ("ca." when it was
        inferred rather than read from a PDF) and, unless left out, the line range.
        """
        doc = self.passage.doc
        parts = [doc.short_title or doc.title if short_title else doc.title]
        if self.section:
            parts.append(self.section.rsplit(" > ", 1)[-1])
        if self.page is not None:
            parts.append(f"p. {'ca. ' if self.passage.page_approximate else ''}{self.page}")
        if lines:
            parts.append(f"r. {self.lines[0]}-{self.lines[1]}")
        return ", ".join(parts)


class Answer(BaseModel):
    """A complete answer: text with [n] markers, its citations and how it came about."""

    question: str
    rewritten_question: str | None = Field(None, description="The question as sent to retrieval, if rewritten")
    persona: Persona = "leerondersteuner"
    text: str = Field(description="Markdown; every sentence carries a marker [n]")
    citations: list[Citation] = Field(default_factory=list)
    abstained: bool = False
    abstain_reason: str | None = None
    retrieved: list[Hit] = Field(default_factory=list)
    answerer: str = "default"
    notices: list[str] = Field(default_factory=list, description="Things the user should know (cut question, LLM fallback)")
    term_notes: list[str] = Field(
        default_factory=list,
        description=(
            "What the terms the answer uses mean: a document's defining sentence and where it stands, one line each."
            " Kept out of `text`, whose every statement is cited (assistant/term_notes.py)."
        ),
    )
    timings: dict[str, float] = Field(default_factory=dict, description="Milliseconds per step")
