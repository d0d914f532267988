"""Which documents a question names, so that retrieval also looks inside them.

Users name their source: "Wat raadt het PWB-rapport aan schoolleiders aan?", "Hoe kijkt de
inspectie daar nu naar?", "Wat stelt Zeven tinten grijs voor?". Words like "evaluatierapport" or
"pre-waarborgregeling" then stand in nearly every passage of that document, so they do not help
the retrievers choose *within* it, and its best passage can end up far down the list. Naming a
document is a filter the user did not type as one. The references are data (kb/references.toml),
matched against the documents' metadata; a year in the question names that year's documents.

`scoped_search` runs the plain search and the search within the named documents and fuses the two
ranked lists by reciprocal rank, as the retriever fuses dense and BM25: the named documents'
passages rise, the others stay within reach (a comparison question names one document and needs
another, and a reference can be wrong).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel, Field, field_validator

from kb.fusion import reciprocal_rank_fusion
from steunwijs.dutch.synonyms import contains_phrase, phrase_stems
from steunwijs.resources import load_toml
from steunwijs.types import DocumentMeta, Hit

REFERENCES_FILE = "references.toml"
_YEAR = re.compile(r"(?<!\d)(19[89]\d|20\d\d)(?!\d)")


@dataclass(frozen=True)
class Reference:
    """Phrases a user may name a document by, and the metadata they mean."""

    phrases: tuple[tuple[str, ...], ...]  # stemmed
    field: str
    contains: str

    def names(self, question_stems: tuple[str, ...]) -> bool:
        return any(contains_phrase(question_stems, phrase) for phrase in self.phrases)

    def means(self, doc: DocumentMeta) -> bool:
        value = getattr(doc, self.field)
        return value is not None and self.contains in str(value).lower()


class ReferenceRow(BaseModel):
    """One ``[[reference]]`` of steunwijs/tables/references.toml."""

    phrases: list[str] = Field(min_length=1, description="How users name the document(s).")
    field: str = Field(description="The DocumentMeta field that tells which documents are meant.")
    contains: str = Field(description="Text that field contains for the documents meant (case-insensitive).")

    @field_validator("field")
    @classmethod
    def _known_field(cls, value: str) -> str:
        if value not in DocumentMeta.model_fields:
            raise ValueError(f"names no DocumentMeta field: {value!r}")
        return value


class ReferenceTable(BaseModel):
    """steunwijs/tables/references.toml: how users name documents."""

    reference: list[ReferenceRow] = []


@lru_cache(maxsize=1)
def load_references() -> tuple[Reference, ...]:
    """The reference table, stemmed for matching (a malformed row fails with the file's name)."""
    table = load_toml("tables", REFERENCES_FILE, ReferenceTable)
    return tuple(
        Reference(
            phrases=tuple(p for p in (phrase_stems(text) for text in row.phrases) if p),
            field=row.field,
            contains=row.contains.lower(),
        )
        for row in table.reference
    )


def named_documents(question: str, documents: list[DocumentMeta]) -> list[str]:
    """File names of the documents the question names, in corpus order (none: no scope)."""
    words = phrase_stems(question)
    references = [r for r in load_references() if r.names(words)]
    years = {int(y) for y in _YEAR.findall(question)}
    return [
        doc.source
        for doc in documents
        if any(r.means(doc) for r in references) or (doc.year is not None and doc.year in years)
    ]


def fuse(lists: list[list[Hit]], k: int, rrf_k: int) -> list[Hit]:
    """Reciprocal rank fusion of ranked hit lists: the top k, scores summed, ranks renumbered."""
    best: dict[str, Hit] = {}
    for hits in lists:
        for hit in hits:
            best.setdefault(hit.passage.id, hit)
    fused = reciprocal_rank_fusion([[hit.passage.id for hit in hits] for hits in lists], rrf_k)
    order = sorted(fused, key=lambda item: (-item[1], best[item[0]].rank))[:k]
    return [
        best[pid].model_copy(update={"score": score, "rank": n}) for n, (pid, score) in enumerate(order, start=1)
    ]


def scoped_search(
    question: str,
    documents: list[DocumentMeta],
    search: Callable[[list[str] | None], list[Hit]],
    k: int,
    rrf_k: int,
) -> list[Hit]:
    """`search(None)` alone, or fused with `search(named)` when the question names documents."""
    named = named_documents(question, documents)
    plain = search(None)
    if not named or len(named) == len(documents):
        return plain
    return fuse([plain, search(named)], k, rrf_k)
