"""Which regime a document speaks for, and how an answer warns about older ones.

The five documents span three support systems (pre-waarborgregeling 2015-2017, ondersteuningsmodel
2017-2023, leersteundecreet from 2023). A sentence from the 2016 evaluation is true of 2016, not
necessarily of today, so answers tag such sentences and close with a note naming the regime.
Regimes and wording are data in prompts/eras.toml.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from pydantic import BaseModel, Field

from steunwijs.resources import load_toml
from steunwijs.types import Citation, DocumentMeta

ERAS_FILE = "eras.toml"


class Regime(BaseModel, frozen=True):
    """One support system: how documents name it, its period and how answers name it."""

    key: str = ""
    name: str
    period: str
    tag: str
    current: bool
    match: tuple[str, ...] = Field(description="Text in a document's era that names this regime.")
    first_year: int
    last_year: int


class EraTable(BaseModel):
    """prompts/eras.toml: the regimes, oldest first, and the wording of tags and notes."""

    regimes: dict[str, Regime]
    text: dict[str, str]


def _config() -> EraTable:
    return load_toml("prompts", ERAS_FILE, EraTable)


@lru_cache(maxsize=1)
def regimes() -> tuple[Regime, ...]:
    """The regimes of prompts/eras.toml, oldest first."""
    return tuple(r.model_copy(update={"key": key}) for key, r in _config().regimes.items())


def regime_of(era: str | None, year: int | None) -> Regime | None:
    """The regime named by a document's era text, else the one its year falls in, else None."""
    if era:
        lowered = era.lower()
        for regime in regimes():
            if any(m in lowered for m in regime.match):
                return regime
    if year is not None:
        for regime in regimes():
            if regime.first_year <= year <= regime.last_year:
                return regime
    return None


def bullet_tag(doc: DocumentMeta) -> str:
    """The tag in front of a sentence from an older regime ("*Ondersteuningsmodel (2019):*"), else ""."""
    regime = regime_of(doc.era, doc.year)
    if regime is None or regime.current:
        return ""
    text = _config().text
    if doc.year is not None:
        return text["tag_with_year"].format(tag=regime.tag, year=doc.year)
    return text["tag"].format(tag=regime.tag)


def _join(markers: Sequence[str], word_and: str) -> str:
    return markers[0] if len(markers) == 1 else f"{', '.join(markers[:-1])} {word_and} {markers[-1]}"


def era_note(citations: Sequence[Citation]) -> str | None:
    """One sentence naming the older regimes the cited passages belong to, with their markers.

    It carries the markers it speaks about, so it is itself a cited statement. None when every
    citation belongs to the current regime (or to none known).
    """
    text = _config().text
    by_regime: dict[str, list[int]] = {}
    for c in citations:
        regime = regime_of(c.era, c.year)
        if regime is not None and not regime.current:
            by_regime.setdefault(regime.key, []).append(c.n)
    if not by_regime:
        return None
    parts = []
    for regime in regimes():
        ns = sorted(set(by_regime.get(regime.key, [])))
        if not ns:
            continue
        template = text["part_one"] if len(ns) == 1 else text["part_many"]
        markers = _join([f"[{n}]" for n in ns], text["and"])
        parts.append(template.format(markers=markers, name=regime.name, period=regime.period))
    return text["note"].format(parts=", ".join(parts))
