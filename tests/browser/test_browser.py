"""The shipped HTML brief in a real browser: headless Chromium at 1280 and 390 px wide (issue 12, item 4).

One build of the repository's own evidence (HTML only) and one Chromium session serve every test.
Each check is shown able to fail in test_harness.py, on small pages broken on purpose.
A check that finds a fault in today's brief fails the suite: none is marked as expected to fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dossier.build import build_brief

from ..conftest import REPO
from . import harness
from .harness import DESKTOP, PHONE, Browser, Viewport

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

BOTH = [pytest.param(DESKTOP, id="1280px"), pytest.param(PHONE, id="390px")]


@pytest.fixture(scope="module")
def brief_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HTML brief built from what ships, as `make dossier` builds it."""
    out = tmp_path_factory.mktemp("browser-build")
    build_brief(REPO, out, formats={"html"})
    return out / "dossier.html"


@pytest.mark.parametrize("viewport", BOTH)
def test_axe_finds_no_wcag_2_2_a_or_aa_violation(browser: Browser, brief_html: Path, viewport: Viewport) -> None:
    browser.open(brief_html, viewport)
    violations = browser.axe()
    assert not violations, harness.describe_axe(violations, viewport)


@pytest.mark.parametrize("viewport", [
    pytest.param(DESKTOP, id="1280px"),
    pytest.param(PHONE, id="390px"),
])
def test_every_internal_link_lands_with_its_heading_below_the_marking_bar(
        browser: Browser, brief_html: Path, viewport: Viewport) -> None:
    """Every `href="#..."` in the page, followed by setting location.hash, shows its target's heading
    whole, between the sticky `.marking-run` bar and the bottom of the viewport."""
    browser.open(brief_html, viewport)
    rows = browser.landings()
    assert len(rows) >= 10, f"only {len(rows)} internal link targets: is this the brief?"
    bad = [row for row in rows if row["problem"]]
    assert not bad, harness.describe_landings(bad, len(rows), viewport)


def test_nothing_overflows_horizontally_at_390px(browser: Browser, brief_html: Path) -> None:
    browser.open(brief_html, PHONE)
    o = browser.overflow()
    assert o["scroll_width"] <= o["client_width"], harness.describe_overflow(o, PHONE)


def test_the_page_makes_no_network_request(browser: Browser, brief_html: Path) -> None:
    """Only the file:// document itself (and data: URLs) may be requested: loaded at 1280 px, at 390 px,
    and with print media (print-only fonts or images would load then), and printed."""
    browser.open(brief_html, DESKTOP)
    browser.set_viewport(PHONE)
    browser.emulate_media("print")
    browser.driver.execute_script("return document.body.offsetHeight")  # lay out with print media
    browser.driver.execute_async_script("document.fonts.ready.then(() => arguments[0]())")
    browser.emulate_media("")
    browser.print_pages()
    requests = browser.requests()
    assert any(r.startswith("file:") for r in requests), "the document's own request was not seen: the log is off"
    foreign = browser.foreign_requests()
    assert not foreign, f"the page requested {len(foreign)} URL(s) besides itself: " + ", ".join(foreign[:10])


# --- printed from the browser (optional checks; the PDF proper is WeasyPrint's) ------------------


@pytest.fixture(scope="module")
def printed(browser: Browser, brief_html: Path) -> tuple[str, list[str]]:
    """The marking as the page shows it, and the brief printed by Chromium, as text page by page."""
    browser.open(brief_html, DESKTOP)
    marking = browser.text_of(harness.MARKING_BAR) or browser.text_of(".marking")
    assert marking, "no .marking-run or .marking in the page"
    return marking, browser.print_pages()


def test_every_printed_page_carries_the_marking(printed: tuple[str, list[str]]) -> None:
    marking, pages = printed
    assert len(pages) > 1
    want = harness.squeeze(marking)
    without = [n for n, text in enumerate(pages, 1) if want not in harness.squeeze(text)]
    assert not without, f"{len(without)} of {len(pages)} printed pages lack the marking {marking!r}: {without[:20]}"


def test_every_printed_page_is_numbered(printed: tuple[str, list[str]]) -> None:
    """Page n shows the number n alone (or as `n of N`, `n / N`, `Page n`) in its top or bottom three lines."""
    _, pages = printed
    unnumbered = []
    for n, text in enumerate(pages, 1):
        lines = [line for line in text.splitlines() if line.strip()]
        edge = lines[:3] + lines[-3:]
        if not any(re.search(rf"(?<![\w.,:/-]){n}(?![\w.,:-])", line) for line in edge):
            unnumbered.append(n)
    assert not unnumbered, f"{len(unnumbered)} of {len(pages)} printed pages show no page number: {unnumbered[:20]}"
