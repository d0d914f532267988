"""The assistant's own Dutch wording, read from prompts/answers.toml.

Lead lines, persona framing, the abstention sentence, notices and error messages live in one
file, so that wording can be reviewed and changed without touching code.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from typing import Any

from steunwijs.settings import PROJECT_ROOT

ANSWERS_FILE = PROJECT_ROOT / "prompts" / "answers.toml"


@lru_cache(maxsize=1)
def answer_templates() -> dict[str, Any]:
    """The parsed prompts/answers.toml (read once per process)."""
    return tomllib.loads(ANSWERS_FILE.read_text(encoding="utf-8"))


def phrase(section: str, key: str, **values: object) -> str:
    """One fixed sentence, e.g. phrase("notices", "question_cut", limit=1000)."""
    return str(answer_templates()[section][key]).format(**values)
