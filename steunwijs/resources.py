"""The one loader of the files the code reads: prompts, wording, lexicons and tuned numbers.

Two folders, each packaged with the code so a non-editable install finds them:

- ``prompts/`` (a top-level package of data files): what is said, to users or to a model —
  LLM prompts (Markdown/Jinja), the assistant's Dutch wording, the app's texts and examples;
- ``steunwijs/tables/``: what the code reasons with — lexicons (synonyms, references to documents,
  actors) and tuned numbers (abstention thresholds, the CI gate).

A TOML file is validated into the pydantic model its user defines, once per process, so a typo in
a table fails at load time with the file's name, not later as a puzzling ``KeyError``.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ValidationError

from steunwijs.errors import ConfigurationError

Folder = Literal["prompts", "tables"]
_PACKAGES: dict[str, str] = {"prompts": "prompts", "tables": "steunwijs.tables"}

M = TypeVar("M", bound=BaseModel)


def resource(folder: Folder, name: str) -> Traversable:
    """A packaged resource file, e.g. ``resource("tables", "synonyms.toml")``."""
    return resources.files(_PACKAGES[folder]).joinpath(name)


def resource_path(folder: Folder, name: str) -> Path:
    """The file on disk (both folders are plain directories in a checkout and in a wheel)."""
    return Path(str(resource(folder, name)))


@lru_cache(maxsize=64)
def read_text(folder: Folder, name: str) -> str:
    """The text of a resource file (read once per process)."""
    try:
        return resource(folder, name).read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise ConfigurationError(
            f"Het bestand {folder}/{name} ontbreekt in de installatie.", f"Resource {folder}/{name} is missing."
        ) from error


def parse_toml(text: str, model: type[M], origin: str) -> M:
    """TOML text validated into `model`; a bad file raises ConfigurationError naming `origin`."""
    try:
        return model.model_validate(tomllib.loads(text))
    except (tomllib.TOMLDecodeError, ValidationError) as error:
        raise ConfigurationError(
            f"Het bestand {origin} is ongeldig: {error}", f"Invalid resource file {origin}: {error}"
        ) from error


@lru_cache(maxsize=64)
def load_toml(folder: Folder, name: str, model: type[M]) -> M:
    """A TOML resource validated into `model` (cached: every table is read once per process)."""
    return parse_toml(read_text(folder, name), model, f"{folder}/{name}")
