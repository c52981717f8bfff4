"""The floors the benchmark sets each step against, and the renders of its experiments.

    python bench/floors.py load BASE                   # PyYAML's C loader on the YAML a validation reads
    python bench/floors.py html BASE OUT.html          # not timed: the HTML `dossier build` hands WeasyPrint
    python bench/floors.py render OUT.html OUT.pdf --variant VARIANT [--identifier ID] [--gc on|paused]
                                                   [--css FILE] [--page-references remembered|rebuilt]
                                                   [--compression LEVEL]

This module imports nothing of dossier at its top, so a floor's time and memory are the library's alone
(`html` imports dossier, and is only the preparation of a floor, never timed).

- load: `yaml.load(..., Loader=yaml.CSafeLoader)` on every YAML file `dossier validate` reads, and nothing else.
- render: WeasyPrint alone, called as dossier/render.py calls it (the print stylesheet with the @font-face fonts
  through one shared FontConfiguration, the same base URL, PDF variant, identifier and options, the collector
  paused as render_pdf pauses it, pydyf's page references remembered as dossier/weasyprint_fixes.py remembers
  them), without its URL fetcher and warning collector. Given the identifier of the
  build's version it writes the build's PDF byte for byte, which the benchmark checks.
- render with options is an experiment: `--variant none` a plain PDF (or another PDF/A variant than the build's
  dossier.render.PDF_VARIANT, which the driver passes), `--gc on` the collector left running,
  `--page-references rebuilt` WeasyPrint 70's tagging as it is (the list of pages built for every element),
  `--compression 9` the streams compressed at pydyf's own level instead of the build's,
  `--css FILE` a stylesheet added at the end of the HTML's <head>, as an author stylesheet, so that it wins
  over brief.css (print.css, a user stylesheet, loses to brief.css: a rule put there may change nothing).
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import importlib.util
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).resolve().parent.parent / "dossier" / "templates"


def weasyprint_fixes() -> Any:
    """dossier/weasyprint_fixes.py, loaded from its file alone (it imports nothing of dossier)."""
    spec = importlib.util.spec_from_file_location("weasyprint_fixes", TEMPLATES.parent / "weasyprint_fixes.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def yaml_files(root: Path) -> list[Path]:
    """The YAML files `dossier validate` reads: register, catalogs, settings, judgements and every record."""
    paths = [root / "seeds" / "sources.yaml", *sorted((root / "catalog").glob("*.yaml")), root / "brief.yaml",
             root / "judgements.yaml"]
    return [p for p in paths if p.is_file()] + sorted((root / "evidence").glob("*.yaml"))


def load_floor(root: Path) -> None:
    """Parse every YAML file a validation reads with PyYAML's C loader, and nothing else."""
    import yaml

    paths = yaml_files(root)
    for path in paths:
        with open(path, "rb") as handle:
            yaml.load(handle.read().decode("utf-8"), Loader=yaml.CSafeLoader)
    print(f"parsed {len(paths)} files")


def build_html(root: Path, out: Path) -> None:
    """Write the HTML that `dossier build` renders to PDF (it writes another to dossier.html: with webfonts),
    and print the PDF identifier it uses. Not timed: it only prepares the render floor."""
    from dossier.assemble import assemble
    from dossier.build import source_date_epoch
    from dossier.render import render_html
    from dossier.resources import template_folder
    from dossier.validate import validate

    dossier = assemble(validate(root), None, source_date_epoch())
    out.write_text(render_html(dossier, template_folder()), "utf-8")
    print(f"dossier-{dossier.version}")


def with_css(html: str, css: str) -> str:
    """The page with `css` as its last author stylesheet, so that it wins over the inlined brief.css."""
    if "</head>" not in html:
        raise ValueError("the page has no </head> to add a stylesheet before")
    return html.replace("</head>", f"<style>\n{css}\n</style>\n</head>", 1)


def render(html_path: Path, out: Path, identifier: str, variant: str | None, gc_paused: bool,
           css: str | None = None, remember_pages: bool = True, compression: int | None = None) -> None:
    """WeasyPrint alone, as dossier/render.py calls it; prints pages, bytes and the PDF's SHA-256."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    html = html_path.read_text("utf-8")
    if css is not None:
        html = with_css(html, css)
    paused = gc_paused and gc.isenabled()
    if paused:
        gc.disable()
    try:
        fonts = FontConfiguration()
        document = weasyprint.HTML(string=html, base_url=TEMPLATES.as_uri() + "/")
        stylesheet = weasyprint.CSS(filename=str(TEMPLATES / "print.css"), font_config=fonts)
        # What HTML.write_pdf(font_config=fonts, **options) does, in its two halves, to read the page count.
        options = {"stylesheets": [stylesheet], "pdf_variant": variant, "pdf_identifier": identifier.encode(),
                   "uncompressed_pdf": False}
        laid_out = document.render(font_config=fonts, **options)
        fixes = weasyprint_fixes()
        level = fixes.STREAM_COMPRESSION if compression is None else compression
        with (fixes.page_references_remembered() if remember_pages else nullcontext(),
              fixes.streams_compressed_at(level)):
            pdf = laid_out.write_pdf(**options)
    finally:
        if paused:
            gc.enable()
    out.write_bytes(pdf)
    print(f"{len(laid_out.pages)} pages, {len(pdf)} bytes, sha256 {hashlib.sha256(pdf).hexdigest()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load")
    load.add_argument("root", type=Path)
    html = commands.add_parser("html")
    html.add_argument("root", type=Path)
    html.add_argument("out", type=Path)
    pdf = commands.add_parser("render")
    pdf.add_argument("html", type=Path)
    pdf.add_argument("out", type=Path)
    pdf.add_argument("--identifier", default="dossier-000000000000")
    pdf.add_argument("--variant", required=True,
                     help="a WeasyPrint PDF variant (the build's is dossier.render.PDF_VARIANT), or none")
    pdf.add_argument("--gc", choices=["on", "paused"], default="paused")
    pdf.add_argument("--css", type=Path, default=None, help="a stylesheet added last, as an author stylesheet")
    pdf.add_argument("--page-references", choices=["remembered", "rebuilt"], default="remembered")
    pdf.add_argument("--compression", type=int, choices=range(-1, 10), default=None, metavar="LEVEL",
                     help="the zlib level of the PDF's streams (default: the build's, weasyprint_fixes.py)")
    args = parser.parse_args(argv)
    if args.command == "load":
        load_floor(args.root)
    elif args.command == "html":
        build_html(args.root, args.out)
    else:
        render(args.html, args.out, args.identifier, None if args.variant == "none" else args.variant,
               args.gc == "paused", args.css.read_text("utf-8") if args.css else None,
               args.page_references == "remembered", args.compression)
    return 0


if __name__ == "__main__":
    sys.exit(main())
