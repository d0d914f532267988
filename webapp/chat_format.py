"""An `Answer` as a chat message, and the way back from a clicked marker to the source it names.

Markers [n] become in-page links `#sw-<answer>-<n>`: citation n of the answer with that index in
the session. A small script on the page (static/marker_hook.js) turns a click on such a link into
an event that opens the source in the side panel; without the script the links are harmless
anchors. The message also carries the answer's index in its metadata, so that feedback on a
message and the export find the answer behind it, whatever the user undid or retried.

Where a source stands ("Short title, innermost section, p. ca. 12") is `Citation.where()`, the
wording the terminal and the handout share; the chat leaves out the line range, which the panel shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from assistant.term_notes import notes_block
from steunwijs.types import Answer, Citation
from webapp import texts

REF_PATTERN = re.compile(r"^#?sw-(\d+)-(\d+)$")
MARKER_PATTERN = re.compile(r"\[(\d+)\]")
MESSAGE_ID_PREFIX = "sw-"


@dataclass(frozen=True)
class SourceRef:
    """Citation `n` of the answer with index `answer` in the session."""

    answer: int
    n: int

    def __str__(self) -> str:
        return f"sw-{self.answer}-{self.n}"

    @classmethod
    def parse(cls, ref: str) -> SourceRef:
        """From a link target such as 'sw-2-1' or '#sw-2-1'; ValueError for anything else."""
        found = REF_PATTERN.match(ref.strip())
        if not found:
            raise ValueError(f"not a source reference: {ref!r}")
        return cls(int(found[1]), int(found[2]))


def _link(label: str, ref: SourceRef) -> str:
    escaped = label.replace("[", r"\[").replace("]", r"\]")
    return f"[{escaped}](#{ref})"


def link_markers(answer: Answer, index: int) -> str:
    """The answer text with each cited [n] turned into a link to its source."""
    cited = {c.n for c in answer.citations}

    def replace(found: re.Match[str]) -> str:
        n = int(found[1])
        return _link(f"[{n}]", SourceRef(index, n)) if n in cited else found[0]

    return MARKER_PATTERN.sub(replace, answer.text)


def sources_list(answer: Answer, index: int) -> str:
    """The Markdown list under an answer: one line per cited passage, with the markers that cite it.

    The extractive answerer often quotes several sentences of one passage; listing that passage
    once, after all its markers, keeps the list as short as the set of places to look.
    """
    by_passage: dict[tuple[str, tuple[int, int]], list[Citation]] = {}
    for citation in answer.citations:
        by_passage.setdefault((citation.source, citation.lines), []).append(citation)
    lines = []
    for group in by_passage.values():
        links = " ".join(_link(f"[{c.n}]", SourceRef(index, c.n)) for c in group)
        lines.append(f"- {links} {group[0].where(lines=False)}")
    return "\n".join(lines)


def message_markdown(answer: Answer, index: int) -> str:
    """The chat message for a complete answer: text with linked markers, then its sources.

    An abstention says so above its text, with the reason; its citations are the closest
    passages that its own text already lists as "mogelijk relevant", so no second list follows.
    """
    parts: list[str] = []
    if answer.abstained:
        reason = f"\n> *{texts.ABSTAIN_REASON}: {answer.abstain_reason}*" if answer.abstain_reason else ""
        parts.append(f"> **{texts.ABSTAIN_HEADING}**{reason}")
    parts.append(link_markers(answer, index).strip())
    if answer.term_notes:
        parts.append("\n".join(notes_block(answer)))
    if answer.citations and not answer.abstained:
        parts.append(f"**{texts.SOURCES_HEADING}:**\n{sources_list(answer, index)}")
    parts.extend(f"*{notice}*" for notice in answer.notices)
    return "\n\n".join(parts)


def answer_message(answer: Answer, index: int) -> dict[str, Any]:
    """The assistant message (Gradio messages format) for answer `index` of the session."""
    return {
        "role": "assistant",
        "content": message_markdown(answer, index),
        "metadata": {"id": f"{MESSAGE_ID_PREFIX}{index}"},
    }


def message_answer_index(message: dict[str, Any]) -> int | None:
    """The session index of the answer a chat message shows; None for messages that are no answer."""
    message_id = str((message.get("metadata") or {}).get("id") or "")
    suffix = message_id.removeprefix(MESSAGE_ID_PREFIX)
    return int(suffix) if message_id.startswith(MESSAGE_ID_PREFIX) and suffix.isdigit() else None


def find_citation(answer: Answer, n: int) -> Citation:
    """Citation `n` of `answer` (what marker [n] points at); KeyError when it has no such citation."""
    for citation in answer.citations:
        if citation.n == n:
            return citation
    raise KeyError(f"the answer has no citation [{n}]")


def source_choices(answer: Answer, index: int) -> list[tuple[str, str]]:
    """(label, ref) pairs for the sources dropdown of an answer: '[1] Short title, last section, p. ca. 12'."""
    return [(f"[{c.n}] {c.where(lines=False)}", str(SourceRef(index, c.n))) for c in answer.citations]
