"""Shared fixtures: a small repository-shaped root in tmp_path, built from real files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_CAPTURE = "002_403746959bcb0950.txt"


def make_root(dest: Path) -> Path:
    """A root laid out like the repository: the real catalog and one real capture, two small records."""
    shutil.copytree(FIXTURES / "root", dest)
    shutil.copytree(REPO / "catalog", dest / "catalog")
    shutil.copy2(REPO / "seeds" / FIXTURE_CAPTURE, dest / "seeds" / FIXTURE_CAPTURE)
    return dest


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_root(tmp_path / "root")


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A copy of the repository's own data (evidence, seeds, catalog, templates)."""
    dest = tmp_path / "repo"
    for name in ("evidence", "seeds", "catalog", "templates"):
        shutil.copytree(REPO / name, dest / name)
    return dest
