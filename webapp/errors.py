"""The one place where the web app turns a failure into what the user reads.

Every expected failure in Steunwijs is a `steunwijs.errors.SteunwijsError` carrying a Dutch message
for the user (`nl`) and an English one for the log (`en`). A handler does not keep its own list of
exception classes: it lets the root through `shows_errors` (or, where the message is one part of a
larger result, catches the root and calls `user_message`). Either way the English text is logged
here, once, and the page shows the Dutch one. Anything that is not a SteunwijsError is a bug and
propagates (Gradio shows an error toast, the console the traceback).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from steunwijs.errors import InputError, SteunwijsError

log = logging.getLogger("steunwijs.webapp")

P = ParamSpec("P")
R = TypeVar("R")


def user_message(error: SteunwijsError) -> str:
    """The Dutch message the page shows for `error`; the English one goes to the log.

    A user's own unusable input (an empty question) is logged as information, anything else
    (a lost server, a missing model, a failed ingest) as a warning.
    """
    level = logging.INFO if isinstance(error, InputError) else logging.WARNING
    log.log(level, "%s: %s", type(error).__name__, error.en)
    return error.nl


def shows_errors(shown: Callable[[str], R]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a handler so that a SteunwijsError becomes `shown(message)`, the handler's result for it.

    `shown` puts the Dutch message where the handler's output goes: as is for a Markdown message,
    inside the panel's HTML, after "nothing was changed" for an upload. `functools.wraps` keeps the
    handler's signature visible, so Gradio still finds a `gr.Progress` parameter.
    """

    def decorate(handler: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(handler)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return handler(*args, **kwargs)
            except SteunwijsError as error:
                return shown(user_message(error))

        return run

    return decorate
