"""The browser checks can fail: each one, on a small page broken on purpose, and passes once it is fixed.

Same Chromium session as test_browser.py. The fixed pages double as a recipe for the brief's CSS.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from . import harness
from .harness import DESKTOP, PHONE, Browser, Viewport

GIF = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


def page(tmp_path: Path, body: str, css: str = "", name: str = "page.html", lang: str = ' lang="en"') -> Path:
    path = tmp_path / name
    path.write_text(f"""<!DOCTYPE html>
<html{lang}><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Harness page</title><style>body {{ margin: 0 auto; max-width: 50rem; padding: 1rem; font: 16px sans-serif; }}
{css}</style></head><body>{body}</body></html>""", "utf-8")
    return path


# --- 1. axe -------------------------------------------------------------------


def test_axe_reports_rule_impact_and_targets(browser: Browser, tmp_path: Path) -> None:
    bad = page(tmp_path, f"""<main><h1>Brief</h1><img class="chart" src="{GIF}" width="20" height="20">
        <p class="faint" style="color:#bbb">Low contrast text</p><a href="#x" class="empty"></a></main>""",
               lang="")
    browser.open(bad, PHONE)
    violations = browser.axe()
    ids = {v["id"] for v in violations}
    assert {"image-alt", "html-has-lang", "color-contrast", "link-name"} <= ids, ids
    message = harness.describe_axe(violations, PHONE)
    assert "390px" in message and "image-alt [critical]" in message
    assert "\n    img\n" in message and "\n    p\n" in message  # axe's own (shortest unique) selectors


def test_axe_passes_a_clean_page(browser: Browser, tmp_path: Path) -> None:
    good = page(tmp_path, f"""<main><h1>Brief</h1><img src="{GIF}" alt="A chart" width="20" height="20">
        <p>Readable text</p><a href="#top">Back to the top</a></main>""")
    browser.open(good, DESKTOP)
    assert browser.axe() == []


# --- 2. links and the sticky bar -------------------------------------------------

BAR_CSS = ".marking-run { position: sticky; top: 0; background: #fff; padding: 0.5rem; z-index: 1; }" \
          " section { min-height: 1500px; }"
LINKED = """<div class="marking-run">UNCLASSIFIED // TEST</div>
    <nav><a href="#one">One</a> <a href="#two">Two</a> <a href="#f-1">Finding</a> <a href="#two">Two again</a></nav>
    <section id="one"><h2>One</h2></section>
    <section id="two"><h2>Two</h2><article class="finding" id="f-1"><h3>Finding one</h3></article></section>
    <section id="three"><h2>Three</h2></section>"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=str)
def test_links_landing_under_the_bar_are_reported(browser: Browser, tmp_path: Path, viewport: Viewport) -> None:
    browser.open(page(tmp_path, LINKED + '<a href="#nowhere">dangling</a>', BAR_CSS), viewport)
    rows = {row["href"]: row for row in browser.landings()}
    assert set(rows) == {"#one", "#two", "#f-1", "#nowhere"}
    assert rows["#two"]["links"] == 2
    for href in ("#one", "#two", "#f-1"):
        assert "under the bar" in rows[href]["problem"], rows[href]
        assert rows[href]["top"] < rows[href]["bar_bottom"]
    assert rows["#nowhere"]["problem"] == "no element has this id"
    message = harness.describe_landings([r for r in rows.values() if r["problem"]], len(rows), viewport)
    assert "#one (h2 in section#one)" in message and "#f-1 (h3 in article#f-1.finding)" in message


def test_links_land_below_the_bar_with_scroll_margin_even_when_scrolling_smoothly(browser: Browser,
                                                                                  tmp_path: Path) -> None:
    fixed = BAR_CSS + " html { scroll-behavior: smooth; } [id] { scroll-margin-top: 3rem; }"
    browser.open(page(tmp_path, LINKED, fixed), PHONE)
    rows = {row["href"]: row for row in browser.landings()}
    assert len(rows) == 3 and all(row["problem"] is None for row in rows.values()), rows
    assert rows["#two"]["scroll_y"] > 1400 and rows["#f-1"]["scroll_y"] > 1400  # really scrolled, and waited


# --- 3. overflow ------------------------------------------------------------------


def test_overflow_names_the_widest_elements(browser: Browser, tmp_path: Path) -> None:
    wide = page(tmp_path, """<p>Fits</p><table class="counts"><tr><td><div style="width:500px">wide</div></td></tr></table>
        <div class="scroller" style="overflow-x:auto"><pre style="width:900px">scrolls inside its box</pre></div>""")
    browser.open(wide, PHONE)
    o = browser.overflow()
    assert o["scroll_width"] > o["client_width"] == o["inner_width"] == 390, o
    assert [e["selector"] for e in o["offenders"]] == ["table.counts"]
    assert "table.counts" in harness.describe_overflow(o, PHONE)


def test_no_overflow_on_a_page_that_fits(browser: Browser, tmp_path: Path) -> None:
    fits = page(tmp_path, """<div style="overflow-x:auto"><table><tr><td style="width:500px">wide</td></tr>
        </table></div><p>A long unbreakable id: <code style="overflow-wrap:anywhere">"""
                + "x" * 200 + "</code></p>")
    browser.open(fits, PHONE)
    o = browser.overflow()
    assert o["scroll_width"] <= o["client_width"] and o["offenders"] == [], o


# --- 4. network ---------------------------------------------------------------------


def test_requests_other_than_the_document_are_reported(browser: Browser, tmp_path: Path) -> None:
    (tmp_path / "other.css").write_text("p { color: #222; }")
    # Port 9 on loopback refuses at once: the request is attempted (and logged) without any wait.
    leaky = page(tmp_path, f"""<p>text</p><img src="{GIF}" alt="inline">
        <img src="http://127.0.0.1:9/pixel.png" alt="remote"><link rel="stylesheet" href="other.css">""")
    browser.open(leaky, DESKTOP)
    foreign = browser.foreign_requests()
    assert sorted(foreign) == [(tmp_path / "other.css").as_uri(), "http://127.0.0.1:9/pixel.png"], foreign
    assert leaky.as_uri() in browser.requests()


def test_a_self_contained_page_requests_nothing_else(browser: Browser, tmp_path: Path) -> None:
    browser.open(page(tmp_path, f'<p>text</p><img src="{GIF}" alt="inline"><a href="#x" id="x">self</a>'), PHONE)
    assert browser.foreign_requests() == []


# --- 5. print -------------------------------------------------------------------------

LONG = '<div class="marking-run">UNCLASSIFIED // TEST</div><header><p class="marking">UNCLASSIFIED // TEST</p>' \
       '</header>' + "".join(f"<h2>Part {n}</h2><p>{'Words of the brief. ' * 200}</p>" for n in range(6))


def test_print_pages_show_what_the_print_css_does(browser: Browser, tmp_path: Path) -> None:
    """Without print rules the marking prints once at the top; with @page margin boxes (which Chromium
    draws since version 131) every page carries the marking once and its number."""
    from .test_browser import test_every_printed_page_carries_the_marking, test_every_printed_page_is_numbered

    browser.open(page(tmp_path, LONG, name="plain.html"), DESKTOP)
    plain = browser.print_pages()
    assert len(plain) >= 3
    with pytest.raises(AssertionError, match="printed pages lack the marking"):
        test_every_printed_page_carries_the_marking(("UNCLASSIFIED // TEST", plain))
    with pytest.raises(AssertionError, match="printed pages show no page number"):
        test_every_printed_page_is_numbered(("UNCLASSIFIED // TEST", plain))

    print_css = """@media print { .marking-run, header .marking { display: none; } }
      @page { margin: 2cm 1.5cm; @top-center { content: "UNCLASSIFIED // TEST"; }
              @bottom-center { content: "Page " counter(page) " of " counter(pages); } }"""
    browser.open(page(tmp_path, LONG, print_css, name="printed.html"), DESKTOP)
    printed = browser.print_pages()
    test_every_printed_page_carries_the_marking(("UNCLASSIFIED // TEST", printed))
    test_every_printed_page_is_numbered(("UNCLASSIFIED // TEST", printed))
    assert all(harness.squeeze(p).count("UNCLASSIFIED//TEST") == 1 for p in printed)


# --- the driver ----------------------------------------------------------------------


def test_selenium_manager_is_never_asked(browser: Browser) -> None:
    """The session's driver is the one named explicitly; without one, the guard the session starts
    under refuses Selenium Manager (which would go to the network) instead of running it."""
    from selenium import webdriver
    from selenium.common.exceptions import NoSuchDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.driver_finder import DriverFinder

    assert browser.driver.service.path == harness.chromedriver_path()
    with harness.no_selenium_manager(), pytest.raises(NoSuchDriverException) as refused:
        DriverFinder(Service(), webdriver.ChromeOptions()).get_driver_path()
    assert "Selenium Manager must not run" in str(refused.value.__cause__)
