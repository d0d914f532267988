"""A conversation with its sources as a Markdown handout (for a training session).

A trainer hands this out or pastes it into slides, so it must stand on its own: every question, the
answer with its [n] markers, and under each answer the sources those markers point to with the
exact words quoted, where to find them, and from which period the document is. Abstentions stay
abstentions, with the passages that came closest.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from steunwijs.dutch.patterns import collapse_ws
from steunwijs.types import Answer, Citation
from webapp import texts

_MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


def dutch_date(moment: datetime) -> str:
    """'23 november 2026' (no locale needed on the machine)."""
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


def _citation_lines(citation: Citation) -> list[str]:
    """'1. Full title, section, p. ca. 12, r. 120-134 (periode: ...)' and the quote under it."""
    era = f" ({texts.ERA_LABEL.lower()}: {citation.era})" if citation.era else ""
    return [f"{citation.n}. {citation.where(short_title=False)}{era}  ", f"   > “{collapse_ws(citation.quote)}”"]


def answer_markdown(answer: Answer, number: int) -> str:
    """One question and its answer with sources, as a section of the handout."""
    personas = texts.personas()
    persona = personas[answer.persona].label if answer.persona in personas else answer.persona
    lines = [f"## {number}. {collapse_ws(answer.question)}", "", f"*{texts.PERSONA_LABEL}: {persona.lower()}*", ""]
    if answer.abstained:
        lines += [f"**{texts.ABSTAIN_HEADING}**", ""]
    lines += [answer.text.strip(), ""]
    if answer.citations:
        heading = texts.MAYBE_RELEVANT if answer.abstained else texts.SOURCES_HEADING
        lines += [f"**{heading}**", ""]
        for citation in answer.citations:
            lines += _citation_lines(citation)
        lines.append("")
    return "\n".join(lines)


def conversation_markdown(answers: Sequence[Answer], when: datetime) -> str:
    """The whole conversation as one Markdown document."""
    if not answers:
        raise ValueError(texts.EXPORT_EMPTY)
    head = [
        f"# {texts.APP_TITLE}: gesprek van {dutch_date(when)}",
        "",
        f"*{texts.APP_SUBTITLE}. De nummers [1], [2] verwijzen naar de bronnen onder elk antwoord.*",
        "",
    ]
    body = [answer_markdown(answer, number) for number, answer in enumerate(answers, start=1)]
    return "\n".join(head) + "\n" + "\n".join(body)


def write_download(text: str, folder: Path, kind: str, suffix: str, when: datetime) -> Path:
    """Write `text` to `folder`/steunwijs-<kind>-<time>-<random><suffix> and return its path.

    The one way the app writes a file a user downloads (the conversation, the roles map's exports).
    The random part makes the name unguessable: another visitor cannot fetch it by trying timestamps.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"steunwijs-{kind}-{when:%Y%m%d-%H%M%S}-{secrets.token_urlsafe(12)}{suffix}"
    path.write_text(text, encoding="utf-8")
    return path


def write_conversation(answers: Sequence[Answer], folder: Path, when: datetime) -> Path:
    """Write the handout to `folder`/steunwijs-gesprek-<time>-<random>.md and return its path."""
    return write_download(conversation_markdown(answers, when), folder, "gesprek", ".md", when)
