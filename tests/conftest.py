"""Shared fixtures. Tests use real parts: a real Chroma store in a temp folder, the real model."""

from __future__ import annotations

from pathlib import Path

import pytest

from steunwijs.settings import Settings, get_settings

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture()
def tmp_settings(tmp_path: Path) -> Settings:
    """Settings whose data folder is a fresh temp dir (corpus and model stay the defaults)."""
    return get_settings(data_dir=tmp_path / "data")
