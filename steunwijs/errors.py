"""The one error root of Steunwijs, and the errors every layer shares.

Every failure a user can cause or meet (an empty question, a missing model, an unreachable server,
an unreadable file) is a :class:`SteunwijsError`. It carries two messages: ``nl``, shown to the
user as is (the CLI prints it, the web app shows it), and ``en``, for logs (``str(error)``). The
CLI and the web app each catch the root in one place, so no user ever sees a traceback and no
command keeps its own list of exception classes. Anything that is not a `SteunwijsError` is a bug
and propagates.

Errors that only one layer raises subclass the root there (``kb``, ``ingest``, ``assistant``,
``evals``); the ones defined here are raised by more than one layer or by the ground itself.
"""

from __future__ import annotations


class SteunwijsError(Exception):
    """Root of every expected failure: `nl` for the user, `en` (also `str(error)`) for logs."""

    exit_code: int = 1
    """The CLI's exit code for this kind of failure (2: the user's input was unusable)."""

    def __init__(self, nl: str, en: str) -> None:
        super().__init__(en)
        self.nl = nl
        self.en = en


class InputError(SteunwijsError):
    """The user's own input cannot be used: an empty question, an unknown persona or filter."""

    exit_code = 2


class ConfigurationError(SteunwijsError):
    """A setting or resource file is missing or wrong (model not converted, broken table file)."""


class StoreUnavailable(SteunwijsError):
    """The Chroma server cannot be reached (not started, wrong URL, or lost during a call)."""


class AnswererUnavailable(SteunwijsError):
    """The LLM cannot answer now (endpoint down, timed out, not configured).

    The assistant catches exactly this to fall back to the extractive answerer with a notice.
    `nl` is a clause that completes "het taalmodel ..." in that notice.
    """
