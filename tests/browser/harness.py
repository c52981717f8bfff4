"""Headless Chromium over one built HTML file: the measurements behind the browser tests.

`Browser` drives Debian's `chromium` through `/usr/bin/chromedriver` with selenium. Selenium rather
than a hand-written DevTools client: chromedriver starts and stops Chromium, buffers the DevTools
Network events as its "performance" log, and passes any other DevTools command through
(`execute_cdp_cmd`), so this module needs no websocket code of its own. Selenium Manager, which
would download a driver, never runs: the driver's path is passed explicitly, and the session starts
under `no_selenium_manager()`, which makes any call to it raise (and sets SE_OFFLINE=true besides).

Nothing is fetched at run time. axe-core comes from tests/browser/node_modules (installed by
`scripts/browser-deps` with `npm ci` from package-lock.json); its source is injected into the
page through the driver, never loaded by the page.

Every check returns data plus a `describe_*` function that turns a failure into a message naming
what to fix (rule ids and selectors, link targets and pixel positions, the widest elements).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from unittest import mock
from urllib.parse import urldefrag

Row = dict[str, Any]  # what a check returns per rule, link or element: JSON from the page

HERE = Path(__file__).resolve().parent
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
MARKING_BAR = ".marking-run"
HEADINGS = "h1, h2, h3, h4, h5, h6, caption"  # a table's caption is its heading

# The real binary first: the /usr/bin/chromium wrapper script adds flags of its own
# (--enable-remote-extensions, --load-extension=...) and prints shell errors on some machines.
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
CHROMEDRIVER_CANDIDATES = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")

# What this closed network needs (/work/.library/env/machines/python.md): without the
# background-networking flags Chromium keeps trying to reach Google. A fresh profile is added per run.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--no-default-browser-check",
    "--disable-dev-shm-usage",
    # The link check makes about a hundred fragment navigations per width; past 200 in 10 s Chromium
    # silently drops them ("Throttling navigation to prevent the browser from hanging").
    "--disable-ipc-flooding-protection",
    "--force-device-scale-factor=1",
    "--lang=en-US",
)


@dataclass(frozen=True)
class Viewport:
    """A window size. A phone is emulated as a window of its width with overlay scrollbars, which lays a
    page out as the phone does at scale 1, and not with Chromium's mobile emulation: that zooms a page
    whose content overflows out to fit it, which moves fragment scrolling and the sticky bar against
    the visual viewport and hides the overflow from window.innerWidth (409 for a 390 px phone)."""

    name: str
    width: int
    height: int
    overlay_scrollbars: bool  # phones draw scrollbars over the content; desktop Chromium gives them 15 px

    def __str__(self) -> str:
        return f"{self.width}px"


DESKTOP = Viewport("desktop", 1280, 800, overlay_scrollbars=False)
PHONE = Viewport("phone", 390, 844, overlay_scrollbars=True)


def _first(env: str, candidates: tuple[str, ...]) -> str | None:
    named = os.environ.get(env)
    if named:
        return named if os.access(named, os.X_OK) else None
    return next((c for c in candidates if os.access(c, os.X_OK)), None)


def chromium_path() -> str | None:
    return _first("DOSSIER_CHROMIUM", CHROMIUM_CANDIDATES)


def chromedriver_path() -> str | None:
    return _first("DOSSIER_CHROMEDRIVER", CHROMEDRIVER_CANDIDATES)


def unavailable() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    missing = []
    if chromium_path() is None:
        missing.append("chromium (Debian package chromium, or set DOSSIER_CHROMIUM)")
    if chromedriver_path() is None:
        missing.append("chromedriver (Debian package chromium-driver, or set DOSSIER_CHROMEDRIVER)")
    if not AXE_JS.is_file():
        missing.append(f"axe-core ({AXE_JS.relative_to(HERE.parent.parent)}: npm ci in tests/browser)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install selenium)")
    if not missing:
        return None
    return "browser tests need " + "; ".join(missing) + ". Run scripts/browser-deps (as root to install Chromium)."


@contextmanager
def no_selenium_manager() -> Iterator[None]:
    """Selenium Manager, which downloads drivers and browsers, raises if anything asks it (and runs offline)."""
    from selenium.webdriver.common.selenium_manager import SeleniumManager

    os.environ.setdefault("SE_OFFLINE", "true")
    refuse = RuntimeError("Selenium Manager must not run: it would look for a driver on the network")
    with mock.patch.object(SeleniumManager, "binary_paths", side_effect=refuse):
        yield


class Browser:
    """One Chromium session, reused for every page and check; `close()` ends it and removes its profile."""

    def __init__(self) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        chromium, driver = chromium_path(), chromedriver_path()
        if chromium is None or driver is None:
            raise RuntimeError(unavailable() or "no chromium")
        self.profile = Path(tempfile.mkdtemp(prefix="dossier-chromium-"))
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self.profile / 'profile'}")
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        options.add_experimental_option("perfLoggingPrefs", {"enableNetwork": True, "enablePage": False})
        service = Service(executable_path=driver, log_output=str(self.profile / "chromedriver.log"))
        with no_selenium_manager():
            self.driver = webdriver.Chrome(service=service, options=options)
        self.driver.set_script_timeout(120)
        self.driver.set_page_load_timeout(60)
        self.url = ""
        self._requests: list[str] = []
        self._axe = AXE_JS.read_text("utf-8")

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)

    # --- the page -----------------------------------------------------------

    def open(self, path: Path, viewport: Viewport = DESKTOP) -> None:
        """Load a file as file:// at a viewport, screen media, after its fonts; network recording restarts."""
        self.driver.get("about:blank")
        self._drain()
        self._requests = []
        self.emulate_media("")
        self.set_viewport(viewport)  # before loading: scrollbar emulation applies from the next layout on
        self.url = path.resolve().as_uri()
        self.driver.get(self.url)
        self.driver.execute_async_script("document.fonts.ready.then(() => arguments[0]())")

    def set_viewport(self, viewport: Viewport) -> None:
        self.driver.execute_cdp_cmd("Emulation.setScrollbarsHidden", {"hidden": viewport.overlay_scrollbars})
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": viewport.width, "height": viewport.height, "deviceScaleFactor": 1, "mobile": False})
        self.driver.execute_script("window.scrollTo(0, 0)")

    def emulate_media(self, media: str) -> None:
        """'print', 'screen', or '' for no emulation."""
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": media})

    # --- 1. axe-core ----------------------------------------------------------

    def axe(self, tags: tuple[str, ...] = WCAG_TAGS) -> list[Row]:
        """axe-core's violations for the page as it stands, scrolled to the top."""
        if not self.driver.execute_script("return typeof window.axe === 'object'"):
            self.driver.execute_script(self._axe)
        self.driver.execute_script("window.scrollTo(0, 0)")
        result = self.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
              .then(r => done({version: r.testEngine.version, violations: r.violations.map(v => ({
                  id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
                  targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))}),
                    e => done({error: String(e)}));
        """, list(tags))
        if "error" in result:
            raise RuntimeError(f"axe-core failed: {result['error']}")
        return cast(list[Row], result["violations"])

    # --- 2. links land below the bar --------------------------------------------

    def landings(self, bar: str = MARKING_BAR) -> list[Row]:
        """Follow every internal link (`href="#..."`) by setting location.hash; where its target's heading lands.

        The heading is the target itself when it is a heading, else its first heading, else the
        target. Each row: href, links (how many links point there), tag, heading, top and bottom of
        the heading, bar_bottom, view_height, problem (None when the heading is fully visible
        below the bar). Waits, after each navigation, until the scroll position holds for a frame,
        so smooth scrolling is measured where it ends.
        """
        return cast(list[Row], self.driver.execute_async_script("""
            const [barSelector, headings] = arguments;
            const done = arguments[arguments.length - 1];
            const frame = () => new Promise(r => requestAnimationFrame(() => r()));
            const settle = async () => {
              let last = NaN;
              for (let i = 0; i < 120 && scrollY !== last; i++) { last = scrollY; await frame(); await frame(); }
            };
            const describe = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
              + [...e.classList].map(c => '.' + c).join('');
            const bar = document.querySelector(barSelector);
            const links = [...document.querySelectorAll('a[href^="#"]')].map(a => a.getAttribute('href'));
            const counts = new Map();
            for (const h of links) counts.set(h, (counts.get(h) || 0) + 1);
            const rows = [];
            (async () => {
              for (const [href, n] of counts) {
                const row = {href, links: n, problem: null};
                rows.push(row);
                let id = href.slice(1);
                try { id = decodeURIComponent(id); } catch (e) {}
                const target = id ? document.getElementById(id) : null;
                if (!target) { row.problem = 'no element has this id'; continue; }
                window.scrollTo(0, 0);
                if (location.hash === href) location.hash = '';
                location.hash = href;
                await settle();
                const heading = target.matches(headings) ? target : (target.querySelector(headings) || target);
                const r = heading.getBoundingClientRect();
                const b = bar && getComputedStyle(bar).display !== 'none' ? bar.getBoundingClientRect() : null;
                Object.assign(row, {tag: describe(target), heading: describe(heading),
                  top: Math.round(r.top * 10) / 10, bottom: Math.round(r.bottom * 10) / 10,
                  bar_bottom: b ? Math.round(Math.max(0, b.bottom) * 10) / 10 : 0,
                  view_height: document.documentElement.clientHeight, scroll_y: Math.round(scrollY)});
                if (location.hash !== href) row.problem = 'the navigation did not happen';
                else if (r.width === 0 && r.height === 0) row.problem = 'the target is not rendered';
                else if (r.top < row.bar_bottom - 0.5)
                  row.problem = `heading top ${row.top} px is under the bar (bottom ${row.bar_bottom} px)`;
                else if (r.bottom > row.view_height + 0.5)
                  row.problem = `heading bottom ${row.bottom} px is below the viewport (${row.view_height} px)`;
              }
              history.replaceState(null, '', location.pathname + location.search);
              window.scrollTo(0, 0);
              done(rows);
            })().catch(e => done([{href: '', links: 0, problem: 'script error: ' + e}]));
        """, bar, HEADINGS))

    # --- 3. horizontal overflow -------------------------------------------------

    def overflow(self, limit: int = 8) -> Row:
        """How wide the page is against its layout viewport, and the elements that stick out furthest.

        Compares documentElement.scrollWidth with documentElement.clientWidth, the width left for
        the page: window.innerWidth at the phone's width (overlay scrollbars), less a classic
        scrollbar on the desktop; innerWidth is reported too. Offenders are the outermost elements whose
        right edge passes the viewport (their parent's does not), outside any element that scrolls
        or clips horizontally, furthest overhang first.
        """
        return cast(Row, self.driver.execute_script("""
            const limit = arguments[0];
            const root = document.documentElement, cw = root.clientWidth;
            const describe = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
              + [...e.classList].map(c => '.' + c).join('');
            const clipped = e => {
              for (let p = e.parentElement; p && p !== document.body; p = p.parentElement)
                if (getComputedStyle(p).overflowX !== 'visible') return true;
              return false;
            };
            const offenders = [];
            for (const e of document.body.querySelectorAll('*')) {
              const r = e.getBoundingClientRect();
              if (r.right <= cw + 0.5 || (r.width === 0 && r.height === 0)) continue;
              const p = e.parentElement.getBoundingClientRect();
              if (e.parentElement !== document.body && p.right > cw + 0.5) continue;
              if (clipped(e)) continue;
              offenders.push({selector: describe(e), left: Math.round(r.left), right: Math.round(r.right),
                width: Math.round(r.width), over: Math.round(r.right - cw),
                text: (e.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60)});
            }
            offenders.sort((a, b) => b.right - a.right);
            return {scroll_width: root.scrollWidth, client_width: cw, inner_width: window.innerWidth,
                    offenders: offenders.slice(0, limit), offender_count: offenders.length};
        """, limit))

    # --- 4. network -------------------------------------------------------------

    def _drain(self) -> None:
        for entry in self.driver.get_log("performance"):  # type: ignore[no-untyped-call]
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                self._requests.append(message["params"]["request"]["url"])
            elif message["method"] == "Network.webSocketCreated":
                self._requests.append(message["params"]["url"])

    def requests(self) -> list[str]:
        """Every URL the page asked for since `open()` (DevTools Network events, via chromedriver)."""
        self._drain()
        return list(self._requests)

    def foreign_requests(self) -> list[str]:
        """Requests other than the document itself and data: URLs."""
        document = urldefrag(self.url).url
        return [u for u in self.requests() if urldefrag(u).url != document and not u.startswith("data:")]

    # --- 5. print ---------------------------------------------------------------

    def print_pages(self) -> list[str]:
        """The page printed as Chromium prints it (print media, CSS page size), as text page by page."""
        self.driver.execute_script("window.scrollTo(0, 0)")
        pdf = base64.b64decode(self.driver.execute_cdp_cmd("Page.printToPDF", {
            "printBackground": True, "preferCSSPageSize": True, "displayHeaderFooter": False})["data"])
        path = self.profile / "print.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], check=True,
                              capture_output=True, text=True).stdout
        pages = text.split("\f")
        return pages[:-1] if pages and not pages[-1].strip() else pages

    def text_of(self, selector: str) -> str:
        return str(self.driver.execute_script(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : ''", selector))


# --- messages -----------------------------------------------------------------


def describe_axe(violations: list[Row], viewport: Viewport) -> str:
    lines = [f"axe-core: {len(violations)} WCAG 2.2 A/AA rule(s) violated at {viewport}:"]
    for v in violations:
        more = f" (+{v['count'] - len(v['targets'])} more)" if v["count"] > len(v["targets"]) else ""
        lines.append(f"  {v['id']} [{v['impact']}] {v['help']}: {v['count']} element(s)")
        lines.append(f"    {', '.join(v['targets'])}{more}")
    return "\n".join(lines)


def describe_landings(bad: list[Row], total: int, viewport: Viewport, show: int = 60) -> str:
    lines = [f"{len(bad)} of {total} link targets do not land fully visible below the bar at {viewport}:"]
    for row in bad[:show]:
        where = f" ({row['heading']} in {row['tag']})" if row.get("tag") else ""
        lines.append(f"  {row['href']}{where}, {row['links']} link(s): {row['problem']}")
    if len(bad) > show:
        lines.append(f"  ... and {len(bad) - show} more")
    return "\n".join(lines)


def describe_overflow(o: Row, viewport: Viewport) -> str:
    lines = [f"the page is {o['scroll_width']} px wide in a {o['client_width']} px viewport at {viewport}; "
             f"{o['offender_count']} element(s) start the overflow, widest first:"]
    for e in o["offenders"]:
        lines.append(f"  {e['selector']}: x {e['left']}..{e['right']} ({e['width']} px wide, {e['over']} px over)"
                     f"  \"{e['text']}\"")
    return "\n".join(lines)


def squeeze(text: str) -> str:
    return "".join(text.split())
