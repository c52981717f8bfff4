"""Shared fixtures: a small repository-shaped root in tmp_path, built from real files."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .browser.harness import Browser

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
    """A copy of the repository's own data (evidence, seeds, catalog)."""
    dest = tmp_path / "repo"
    for name in ("evidence", "seeds", "catalog"):
        shutil.copytree(REPO / name, dest / name)
    return dest


# A git identity and no user or system configuration, so tests behave the same on every machine.
GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "test@example.org", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


def fill_blanks(path: Path, blanks: dict[str, str]) -> None:
    """Fill in a skeleton record as an analyst would: each blank, found exactly once, replaced by its value."""
    text = path.read_text(encoding="utf-8")
    for blank, value in blanks.items():
        assert text.count(blank) == 1, blank
        text = text.replace(blank, value)
    path.write_text(text, encoding="utf-8")


def git(repo: Path, *args: str) -> str:
    """Run git in a test repository; its standard output."""
    done = subprocess.run(["git", *args], cwd=repo, env={**os.environ, **GIT_ENV}, capture_output=True, text=True,
                          check=True)
    return done.stdout


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for every browser test (scripts/browser-deps installs it); skipped without it."""
    from .browser import harness
    reason = harness.unavailable()
    if reason:
        pytest.skip(reason)
    session = harness.Browser()
    try:
        yield session
    finally:
        session.close()
