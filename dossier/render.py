"""Render an assembled Dossier to HTML (Jinja) and PDF (WeasyPrint); `files` writes them.

Rendering never validates and never reads evidence: it lays out what `assemble`
computed. The only files it may read are those in the templates folder, and
WeasyPrint is given a fetcher that enforces that, so hostile text in a record
cannot make the renderer fetch `file:///etc/passwd` or anything on the network.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2
import markupsafe

from . import __version__
from .assemble import Dossier
from .brief_charts import brief_charts
from .dates import display_date
from .errors import RenderError
from .support import confidence_rules
from .validate import cycle_collector_paused
from .weasyprint_fixes import page_references_remembered, streams_compressed_at

PDF_VARIANT = "pdf/a-3a"  # archival and tagged: structure tree, reading order, alt text, language


def jinja_environment(folder: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,  # explicitly: select_autoescape() would not escape *.html.j2
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    env.filters["date"] = display_date
    env.filters["css_string"] = css_string
    env.filters["svg"] = markupsafe.Markup  # charts.py escapes every text it writes into its SVG
    # Jinja's `capitalize` lower-cases the rest ("2397-OP8" -> "2397-op8"); this only raises the first letter.
    env.filters["first_upper"] = lambda text: text[:1].upper() + text[1:]
    return env


def css_string(text: str) -> markupsafe.Markup:
    """Text as a CSS string literal, safe inside <style>: quotes, backslashes, line breaks and '<' escaped."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\<>&\n\r' or ord(c) < 32 else c for c in text)
    return markupsafe.Markup(f'"{escaped}"')


def render_html(dossier: Dossier, folder: Path) -> str:
    """The self-contained HTML brief: base CSS inlined, no external references of any kind."""
    env = jinja_environment(folder)
    try:
        template = env.get_template("brief.html.j2")
        return template.render(
            d=dossier,
            # Our own stylesheet, inlined so the HTML is self-contained; it is not data, so not escaped.
            screen_css=markupsafe.Markup((folder / "brief.css").read_text("utf-8")),
            narrow_css=markupsafe.Markup((folder / "narrow.css").read_text("utf-8")),
            confidence_rules=confidence_rules(),
            charts=brief_charts(dossier),
            generator_version=__version__,
        )
    except jinja2.TemplateError as exc:
        raise RenderError(f"template error: {exc}") from exc


# --- PDF ------------------------------------------------------------------


def embed_fonts(html: str) -> str:
    """The page with the vendored fonts in its first <style>, subset to the characters it uses (webfonts.py),
    so the HTML file looks like the PDF without fetching anything. The fonts' CSS is ASCII, so inserting it
    adds no character to subset. The PDF is rendered from the page without them: print.css gives
    WeasyPrint the whole font files."""
    from .webfonts import font_face_css
    return html.replace("<style>", "<style>\n" + font_face_css(html), 1)


def _fetcher_class() -> tuple[type[Any], type[Exception]]:  # lazily: WeasyPrint is slow to import, PDFs only
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class BlockedFetch(FatalURLFetchingError):
        pass

    class TemplatesOnlyFetcher(URLFetcher):
        """Allow `data:` URLs and files inside the templates folder; fail the render on anything else."""

        def __init__(self, allowed: Path):
            super().__init__(allowed_protocols={"data", "file"})
            self.allowed = allowed.resolve()

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path)).resolve()
                if path.is_relative_to(self.allowed) and path.is_file():
                    return URLFetcherResponse(url, path.read_bytes())
            raise BlockedFetch(f"blocked a request for {url}: only files in {self.allowed} may be read")

    return TemplatesOnlyFetcher, BlockedFetch


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render_pdf(html: str, dossier: Dossier, folder: Path) -> bytes:
    """Lay out the HTML as an A4 PDF. Strict: any WeasyPrint warning fails the render."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fetcher_class, blocked = _fetcher_class()
    fetcher = fetcher_class(folder)
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    try:
        # @font-face in a separate stylesheet only takes effect through a shared FontConfiguration.
        fonts = FontConfiguration()
        document = weasyprint.HTML(string=html, base_url=folder.as_uri() + "/", url_fetcher=fetcher)
        stylesheet = weasyprint.CSS(filename=str(folder / "print.css"), url_fetcher=fetcher, font_config=fonts)
        # WeasyPrint makes millions of boxes, and the collector walks them again and again as they pile up;
        # paused, the render takes less time and writes the same bytes (bench/run.py's experiment "gc-on"
        # measures both). What the render leaves in cycles is collected once it is over. Streams are compressed
        # at zlib's default level, not pydyf's 9 (weasyprint_fixes.py says why).
        with cycle_collector_paused(), page_references_remembered(), streams_compressed_at():
            pdf = document.write_pdf(
                stylesheets=[stylesheet],
                font_config=fonts,
                pdf_variant=PDF_VARIANT,
                pdf_identifier=f"dossier-{dossier.version}".encode(),
                uncompressed_pdf=False,
            )
    except blocked as exc:
        raise RenderError(str(exc.args[0] if exc.args else exc)) from None
    finally:
        logger.removeHandler(collect)
    if collect.messages:
        listed = "\n".join(f"  {m}" for m in collect.messages)
        raise RenderError("WeasyPrint reported problems (strict mode):\n" + listed)
    return bytes(pdf)
