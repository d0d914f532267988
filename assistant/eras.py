"""Which regime a document speaks for, and how an answer warns about older ones.

The five documents span three support systems (pre-waarborgregeling 2015-2017, ondersteuningsmodel
2017-2023, leersteundecreet from 2023). A sentence from the 2016 evaluation is true of 2016, not
necessarily of today, so answers tag such sentences and close with a note naming the regime.
Regimes and wording are data in prompts/eras.toml.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from assistant.models import Citation
from kb.models import DocumentMeta
from steunwijs.settings import PROJECT_ROOT

ERAS_FILE = PROJECT_ROOT / "prompts" / "eras.toml"


@dataclass(frozen=True)
class Regime:
    key: str
    name: str
    period: str
    tag: str
    current: bool
    match: tuple[str, ...]
    first_year: int
    last_year: int


@lru_cache(maxsize=1)
def _config() -> dict[str, Any]:
    return tomllib.loads(ERAS_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def regimes() -> tuple[Regime, ...]:
    """The regimes of prompts/eras.toml, oldest first."""
    return tuple(
        Regime(
            key=key,
            name=r["name"],
            period=r["period"],
            tag=r["tag"],
            current=bool(r["current"]),
            match=tuple(r["match"]),
            first_year=int(r["first_year"]),
            last_year=int(r["last_year"]),
        )
        for key, r in _config()["regimes"].items()
    )


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


def is_outdated(doc: DocumentMeta) -> bool:
    """True when the document belongs to a regime that no longer applies."""
    regime = regime_of(doc.era, doc.year)
    return regime is not None and not regime.current


def bullet_tag(doc: DocumentMeta) -> str:
    """The tag in front of a sentence from an older regime ("*Ondersteuningsmodel (2019):*"), else ""."""
    regime = regime_of(doc.era, doc.year)
    if regime is None or regime.current:
        return ""
    text = _config()["text"]
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
    text = _config()["text"]
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
