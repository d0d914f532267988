"""A few of the default documents in a folder of their own, with their sources.toml entries.

The web-app tests ingest through the app itself (start-up, upload); a two-document corpus keeps
that quick while the documents, their metadata and their quirks stay the real ones.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from collections.abc import Sequence
from pathlib import Path

from steunwijs.settings import get_settings


def subset_corpus(folder: Path, names: Sequence[str]) -> Path:
    """Copy `names` from the default corpus into `folder` (created) with a matching sources.toml."""
    corpus = get_settings().corpus_dir
    folder.mkdir(parents=True)
    sources = tomllib.loads((corpus / "sources.toml").read_text(encoding="utf-8"))
    tables = []
    for name in names:
        shutil.copyfile(corpus / name, folder / name)
        # JSON strings and integers are valid TOML values
        rows = [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in sources[name].items()]
        tables.append("\n".join([f"[{json.dumps(name)}]", *rows]))
    (folder / "sources.toml").write_text("\n\n".join(tables) + "\n", encoding="utf-8")
    return folder


def copy_data_dir(source: Path, target: Path) -> Path:
    """A private copy of an ingested data folder, for tests that write into it (uploads, evals).

    The session's `corpus_kb` is shared and read-only; copying its folder costs a second, where
    ingesting the corpus again costs minutes.
    """
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("ingest.lock"))
    return target
