"""The records that travel between ingestion, the knowledge base, the assistant and the UI.

A `Passage` carries everything a citation needs, so that no consumer has to go back to the files:
which document (file name and metadata), where in it (section path, page, line range) and both
the cleaned text (what is embedded and shown) and the source's own words (what is quoted).
"""

from __future__ import annotations

from pydantic import BaseModel, Field


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
