"""The layout of each tab: Gradio components wired to the tab's handler, deciding nothing themselves.

`static_file` finds the page's CSS and JavaScript, package data of `webapp` (webapp/static/), so a
non-editable install finds them as well as a checkout does.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def static_file(name: str) -> Path:
    """A CSS or JS file shipped with the web app (Gradio wants a path on disk)."""
    return Path(str(resources.files("webapp").joinpath("static", name)))
