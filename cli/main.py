"""The `steunwijs` command line: every subcommand is a thin shell over a library function.

The commands live in modules by what they work on (the knowledge base, answers, evals, the roles map);
importing them registers them on the one typer app of `cli.app`, which also maps every
`SteunwijsError` to a message and an exit code.
"""

from __future__ import annotations

from cli import (
    access_commands,
    answer_commands,
    eval_commands,
    glossary_commands,
    kb_commands,
    roles_commands,
    session_commands,
)
from cli.app import app

__all__ = [
    "access_commands",
    "answer_commands",
    "app",
    "eval_commands",
    "glossary_commands",
    "kb_commands",
    "roles_commands",
    "session_commands",
]

if __name__ == "__main__":
    app()
