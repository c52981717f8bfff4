"""One headless Chromium for every browser test (scripts/browser-deps installs it); skipped without it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from . import harness


@pytest.fixture(scope="session")
def browser() -> Iterator[harness.Browser]:
    reason = harness.unavailable()
    if reason:
        pytest.skip(reason)
    session = harness.Browser()
    try:
        yield session
    finally:
        session.close()
