"""A brief of 1,000 sources stays inside its pages: every table and chart folds, splits or summarises.

The base (bench/generate.py) has 1,000 sources, one record each, and gives every source an origin of its own,
so the brief has 1,000 independent origin groups: the most columns the heat map, and the most entries the
origin and source annexes, that 1,000 sources can make. It is built once, PDF and HTML, through the command
line, as an analyst builds it; then every chart in the HTML is checked against its own box and the page, and
every character and every drawing in the PDF against the page's content box.

The PDF takes minutes to render (about 1,100 pages), so these tests are marked `slow`:
`pytest -m "not slow"` leaves them out.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest

from bench.generate import generate
from tests.pdfcheck import render_html_pdf
from tests.pdfcheck.layout import Margins, outside_content_box, read_pages
from tests.test_charts import extents, viewbox

REPO = Path(__file__).resolve().parent.parent
PRINT_CSS = REPO / "dossier" / "templates" / "print.css"
SOURCES = 1000
MM = 72 / 25.4
CONTENT_WIDTH_MM = 210 - 22 - 20  # A4 less print.css's margins
CONTENT_HEIGHT_MM = 297 - 22 - 20
TOLERANCE = 2.0  # points: a stroke's half width on the box's edge

slow = pytest.mark.slow


@dataclass(frozen=True)
class Built:
    root: Path
    out: Path
    seconds: float


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The 1,000-source base, built once into PDF, HTML and JSON by `dossier build`."""
    folder = tmp_path_factory.mktemp("large")
    root, out = folder / "base", folder / "brief"
    generate(root, SOURCES, per_source=1, own_origins=True)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "dossier", "build", "--root", str(root), "--out", str(out)],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return Built(root, out, time.perf_counter() - started)


def margins() -> Margins:
    return Margins.from_css(PRINT_CSS.read_text("utf-8"))


def svgs(html: str) -> list[ET.Element]:
    """Every <svg> element of the page, parsed (charts are written by charts.py: self-contained SVG)."""
    return [ET.fromstring(m.group()) for m in re.finditer(r"<svg\b.*?</svg>", html, re.DOTALL)]


def drawings_outside(pdf: Path, box: Margins, tolerance: float = TOLERANCE) -> list[str]:
    """Every drawing (path, image, shading, form) that reaches outside a page's content box: cut off, or at the
    least drawn into the margin. Text is left to the layout checker (outside_content_box)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    problems = []
    document = pdfium.PdfDocument(str(pdf))
    try:
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            for obj in page.get_objects(max_depth=0):
                if obj.type == raw.FPDF_PAGEOBJ_TEXT:
                    continue
                left, bottom, right, top = obj.get_bounds()
                if (left < box.left - tolerance or right > width - box.right + tolerance
                        or bottom < box.bottom - tolerance or top > height - box.top + tolerance):
                    problems.append(f"p. {index + 1}: a drawing from ({left:.1f}, {bottom:.1f}) to ({right:.1f}, "
                                    f"{top:.1f}) pt leaves the content box")
            page.close()
    finally:
        document.close()
    return problems


# --- the base is as wide as intended -------------------------------------------------------------------


@slow
def test_the_brief_has_a_thousand_sources_and_as_many_origin_groups(built: Built) -> None:
    html = (built.out / "dossier.html").read_text("utf-8")
    assert len(re.findall(r'<article class="source" id="source-', html)) == SOURCES
    assert len(re.findall(r'<dt id="group-', html)) >= SOURCES


# --- the charts: each inside its own box, and no taller or wider than a page ----------------------------


@slow
def test_every_chart_fits_its_box_and_the_page(built: Built) -> None:
    charts = svgs((built.out / "dossier.html").read_text("utf-8"))
    assert len(charts) >= 3  # timeline (in parts), figures, heat map
    for svg in charts:
        width_mm, height_mm = (float(svg.attrib[k].removesuffix("mm")) for k in ("width", "height"))
        assert width_mm <= CONTENT_WIDTH_MM and height_mm <= CONTENT_HEIGHT_MM, svg.attrib
        w, h = viewbox(svg)
        for tag, x0, y0, x1, y1 in extents(svg):
            assert x0 >= 0 and y0 >= 0 and x1 <= w and y1 <= h, (svg.attrib.get("aria-labelledby"), tag, x0, y1)


@slow
def test_wide_and_long_charts_say_how_they_were_folded(built: Built) -> None:
    html = unescape((built.out / "dossier.html").read_text("utf-8"))
    assert f"{SOURCES:,} origin groups aggregated" in html  # the heat map's columns
    parts = re.findall(r"Reported events, from the adoption of resolution 2397 \(2017\) \(part (\d+) of (\d+)\)",
                       html)
    assert parts and len({total for _part, total in parts}) == 1
    assert sorted({int(part) for part, _total in parts}) == list(range(1, int(parts[0][1]) + 1))
    assert "the timeline's lanes are split into" in html


# --- the PDF: no character and no drawing outside the content box ----------------------------------------


@slow
def test_no_text_is_cut_off_or_outside_the_content_box(built: Built) -> None:
    pages = read_pages(built.out / "dossier.pdf", margins())
    assert len(pages) > SOURCES / 2
    assert outside_content_box(pages, margins()) == []


@slow
def test_no_drawing_leaves_the_content_box(built: Built) -> None:
    assert drawings_outside(built.out / "dossier.pdf", margins()) == []


# --- the checks can fail ---------------------------------------------------------------------------------


def test_the_checks_see_a_table_and_a_drawing_cut_off_at_the_page_edge(tmp_path: Path) -> None:
    wide = "".join(f"<td>S{i}</td>" for i in range(1, 80))
    body = (f"<table><tr>{wide}</tr></table>"
            "<svg xmlns='http://www.w3.org/2000/svg' width='250mm' height='20mm'><rect x='0' y='0' width='700' "
            "height='50' fill='#123456'/></svg>")
    pdf = render_html_pdf(body, tmp_path / "cut.pdf", css="table { border-collapse: collapse; }")
    box = Margins.mm(22, 20, 20, 22)  # render_html_pdf's page
    assert any("past the right margin" in p or "cut off" in p for p in outside_content_box(read_pages(pdf, box), box))
    assert drawings_outside(pdf, box)
    tall = "<svg xmlns='http://www.w3.org/2000/svg' width='100mm' height='400mm'><rect width='10' height='1100'/></svg>"
    assert drawings_outside(render_html_pdf(tall, tmp_path / "tall.pdf"), box)
