"""A conversation with its sources as a Markdown handout (for a training session).

A trainer hands this out or pastes it into slides, so it must stand on its own: every question, the
answer with its [n] markers, and under each answer the sources those markers point to with the
exact words quoted, where to find them, and from which period the document is. Abstentions stay
abstentions, with the passages that came closest.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from steunwijs.types import Answer, Citation
from webapp import texts
from webapp.chat_format import page_is_approximate
from webapp.citation_panel import page_text

_MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


def dutch_date(moment: datetime) -> str:
    """'23 november 2026' (no locale needed on the machine)."""
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


def _where(section: str, page: int | None, approximate: bool, lines: tuple[int, int]) -> str:
    parts = []
    if section:
        parts.append(f"{texts.SECTION_LABEL.lower()} {section}")
    if page is not None:
        parts.append(f"p. {page_text(page, approximate)}")
    parts.append(f"{texts.LINES_LABEL.lower()} {lines[0]}–{lines[1]}")
    return ", ".join(parts)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _citation_lines(citation: Citation, approximate: bool) -> list[str]:
    era = f" ({citation.era})" if citation.era else ""
    return [
        f"{citation.n}. *{citation.title}*{era}, {_where(citation.section, citation.page, approximate, citation.lines)}  ",
        f"   > “{_one_line(citation.quote)}”",
    ]


def answer_markdown(answer: Answer, number: int) -> str:
    """One question and its answer with sources, as a section of the handout."""
    persona = texts.personas()[answer.persona].label if answer.persona in texts.personas() else answer.persona
    lines = [f"## {number}. {_one_line(answer.question)}", "", f"*{texts.PERSONA_LABEL}: {persona.lower()}*", ""]
    if answer.abstained:
        lines += [f"**{texts.ABSTAIN_HEADING}**", ""]
    lines += [answer.text.strip(), ""]
    if answer.citations:
        heading = texts.MAYBE_RELEVANT if answer.abstained else texts.SOURCES_HEADING
        lines += [f"**{heading}**", ""]
        for citation in answer.citations:
            lines += _citation_lines(citation, page_is_approximate(answer, citation))
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


def write_conversation(answers: Sequence[Answer], folder: Path, when: datetime) -> Path:
    """Write the handout to `folder`/steunwijs-gesprek-<time>.md and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"steunwijs-gesprek-{when:%Y%m%d-%H%M%S}.md"
    path.write_text(conversation_markdown(answers, when), encoding="utf-8")
    return path
