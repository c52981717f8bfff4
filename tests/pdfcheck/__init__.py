"""Checkers that read a rendered PDF back: clean pages (`layout`) and the structure tree (`tags`).

Each checker returns a list of readable problems ("p. 14: heading '1.12 ...' is the last thing on the page");
an empty list means it found nothing. They read the PDF only, never the HTML or WeasyPrint's boxes, so they
hold whatever the templates and stylesheets become.

- `layout` reads text positions with pypdfium2 (already a pinned dependency of dossier): about 1.5 s for a
  50-page brief. pdfplumber gives the same facts ten times slower (16 s), pdftotext has no font facts.
- `tags` reads the structure tree with pikepdf and runs the `pdfua` package (the machine-checkable subset of
  PDF/UA-1, pure Python); both come from PyPI (`pdfua` pulls in `pikepdf`).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["render_html_pdf"]

# The smallest page skeleton the synthetic tests need: A4 with the brief's margins and a running footer.
PAGE_CSS = """
@page { size: A4; margin: 22mm 20mm 20mm 22mm;
        @top-left { content: "MARKING"; font: 7.5pt sans-serif; }
        @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 7.5pt sans-serif; } }
html { font: 10pt/1.45 "DejaVu Serif", serif; }
body { margin: 0; }
table { border-collapse: collapse; font-size: 8.6pt; }
th, td { padding: 0.3em 0.5em; vertical-align: top; text-align: left; }
h1, h2, h3 { font-family: "DejaVu Sans", sans-serif; break-after: avoid; }
h2 { font-size: 14.5pt; } h3 { font-size: 11pt; }
"""


def render_html_pdf(body: str, out: Path, *, css: str = "", variant: str | None = None, tags: bool = False,
                    lang: str | None = "en", title: str = "Synthetic") -> Path:
    """Render a small HTML document with WeasyPrint to `out` (for the tests' deliberately broken pages)."""
    import weasyprint

    lang_attr = f' lang="{lang}"' if lang else ""
    html = (f"<!DOCTYPE html><html{lang_attr}><head><meta charset='utf-8'><title>{title}</title>"
            f"<meta name='dcterms.created' content='2024-01-01'><meta name='dcterms.modified' content='2024-01-01'>"
            f"<style>{PAGE_CSS}{css}</style></head><body>{body}</body></html>")
    weasyprint.HTML(string=html).write_pdf(out, pdf_variant=variant, pdf_tags=tags, pdf_identifier=b"synthetic")
    return out
