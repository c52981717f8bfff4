"""Rendering: hostile text stays inert, the renderer reads nothing outside templates/, warnings fail."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from dossier.assemble import assemble
from dossier.build import build_brief
from dossier.errors import BuildError, RenderError
from dossier.render import _fetcher_class, render_html, render_pdf
from dossier.resources import template_folder
from dossier.validate import validate

PAYLOADS = ['<script>alert("x")</script>', '<img src="file:///etc/passwd">', "{{ 7*7 }}",
            "url(file:///etc/passwd)"]
HOSTILE = " ".join(PAYLOADS)


def add_hostile_record(root: Path) -> None:
    """A valid record whose free-text fields all carry the payloads (valid input: it must load as text)."""
    source = root / "evidence" / "fixture-student-visas.yaml"
    text = source.read_text().replace("id: fixture-student-visas", "id: fixture-hostile")
    text = text.replace("title: Workers entered Russia on student visas", f"title: '{HOSTILE}'")
    text = text.replace("  The Kyiv Independent reports that many North Korean workers came to Russia on student visas.",
                        f"  The Kyiv Independent reports {HOSTILE}")
    text = text.replace("justification: The outlet's own summary, without a named source.",
                        f"justification: '{HOSTILE}'")
    text = text.replace("  date_note: The article gives no date for the entries.", f"  date_note: '{HOSTILE}'")
    (root / "evidence" / "fixture-hostile.yaml").write_text(text)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def test_hostile_text_is_inert_in_html_pdf_and_json(root: Path, tmp_path: Path) -> None:
    add_hostile_record(root)
    out = tmp_path / "out"
    build_brief(root, out)  # would raise if anything tried to fetch file:///etc/passwd
    html = (out / "dossier.html").read_text()
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html and "49" not in html.split("fixture-hostile")[1][:2000]
    assert "url(file:///etc/passwd)" in html  # as text, outside any style
    pdf = " ".join(pdf_text((out / "dossier.pdf").read_bytes(), tmp_path).split())
    for payload in PAYLOADS:
        assert payload in pdf, payload
    assert "root:x:0:0" not in pdf and b"root:x:0:0" not in (out / "dossier.pdf").read_bytes()
    record = next(r for r in json.loads((out / "dossier.json").read_text())["records"] if r["id"] == "fixture-hostile")
    assert record["title"] == HOSTILE


@pytest.fixture
def fetcher(tmp_path: Path):
    templates = tmp_path / "templates"
    shutil.copytree(template_folder(), templates)
    fetcher_class, blocked = _fetcher_class()
    return fetcher_class(templates), blocked, templates


def test_fetcher_serves_template_files_and_data_urls(fetcher) -> None:
    fetch, _, templates = fetcher
    assert fetch.fetch((templates / "print.css").as_uri()).read().startswith(b"/*")
    assert fetch.fetch("data:text/plain,hello").read() == b"hello"


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "https://example.org/font.woff",
    "http://127.0.0.1/",
    "ftp://example.org/x",
])
def test_fetcher_blocks_everything_else(fetcher, url: str) -> None:
    fetch, blocked, _ = fetcher
    with pytest.raises(blocked, match="blocked"):
        fetch.fetch(url)


def test_fetcher_blocks_escapes_from_the_templates_folder(fetcher, tmp_path: Path) -> None:
    fetch, blocked, templates = fetcher
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the brief")
    with pytest.raises(blocked):
        fetch.fetch(templates.as_uri() + "/../secret.txt")
    (templates / "link.txt").symlink_to(secret)
    with pytest.raises(blocked):
        fetch.fetch((templates / "link.txt").as_uri())


def test_a_stylesheet_that_reaches_outside_fails_the_render(root: Path) -> None:
    validated = validate(root)
    folder = root / "templates"
    shutil.copytree(template_folder(), folder)
    (folder / "print.css").write_text((folder / "print.css").read_text()
                                      + "\nh1 { background-image: url(file:///etc/passwd); }\n")
    dossier = assemble(validated)
    with pytest.raises(RenderError, match="blocked a request for file:///etc/passwd"):
        render_pdf(render_html(dossier, folder), dossier, folder)


def test_any_weasyprint_warning_fails_the_render(root: Path) -> None:
    folder = root / "templates"
    shutil.copytree(template_folder(), folder)
    (folder / "print.css").write_text((folder / "print.css").read_text() + "\nh2 { bookmark-levle: 1; }\n")
    dossier = assemble(validate(root))
    with pytest.raises(RenderError, match=r"(?s)strict.*bookmark-levle"):
        render_pdf(render_html(dossier, folder), dossier, folder)


def test_a_template_using_an_unknown_field_fails(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = root / "templates"
    shutil.copytree(template_folder(), folder)
    monkeypatch.setattr("dossier.build.template_folder", lambda: folder)
    template = folder / "finding.html.j2"
    template.write_text(template.read_text().replace("{{ r.claim }}", "{{ r.claim_text }}"))
    with pytest.raises(BuildError, match="claim_text"):
        build_brief(root, root / "build", formats={"html"})


def test_templates_ship_inside_the_package() -> None:
    folder = template_folder()
    assert folder.is_relative_to(Path(__import__("dossier").__file__).parent)
    assert {"brief.html.j2", "finding.html.j2", "brief.css", "print.css", "record.yaml.j2"} <= {
        p.name for p in folder.iterdir()}
    fonts = {p.name for p in (folder / "fonts").glob("*.ttf")}
    assert len([f for f in fonts if f.startswith("Source")]) == 8
    assert "DejaVuSansMono.ttf" in fonts



def laid_out_boxes(root: Path) -> dict[str, list[Any]]:
    """The shipped brief laid out for print as render_pdf lays it out: its boxes, by what the layout rules name."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    folder = template_folder()
    fonts = FontConfiguration()
    html = render_html(assemble(validate(root)), folder)
    document = weasyprint.HTML(string=html, base_url=folder.as_uri() + "/").render(
        stylesheets=[weasyprint.CSS(filename=str(folder / "print.css"), font_config=fonts)], font_config=fonts)
    found: dict[str, list[Any]] = {}
    for page in document.pages:
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            classes = (element.get("class") or "").split() if element is not None else []
            if element is None:
                continue
            if element.get("id") in ("data-timeline", "data-figures", "data-heatmap"):
                found.setdefault(element.get("id"), []).append(box)
            elif element.tag == "table" and "facts" in classes:
                found.setdefault("table.facts", []).append(box)
            elif element.tag == "span" and classes[:1] in (["flag"], ["grade"]):
                found.setdefault(classes[0], []).append(box)
    return found


def test_the_pdf_is_laid_out_the_cheaper_way(root: Path) -> None:
    """The layouts chosen for the PDF's speed (bench/run.py's experiments measure each) are the ones in effect."""
    from weasyprint.formatting_structure import boxes

    found = laid_out_boxes(root)
    # The charts' data tables: fixed column widths, not measured from every cell of the table on every page.
    for table in ("data-timeline", "data-figures", "data-heatmap"):
        tables = [b for b in found[table] if isinstance(b, boxes.TableBox)]
        assert tables and all(t.style["table_layout"] == "fixed" for t in tables), table
    # A finding's, a judgement's or a source's label/value rows: one table of fixed layout a list, each row
    # headed by its label and kept whole across a page break.
    tables = [b for b in found["table.facts"] if isinstance(b, boxes.TableBox)]
    assert tables and all(t.style["table_layout"] == "fixed" for t in tables)
    for row in (row for table in tables for group in table.children for row in group.children):
        assert isinstance(row, boxes.TableRowBox) and row.style["break_inside"] == "avoid", row
        assert [cell.element.tag for cell in row.children] == ["th", "td"], row
    # Flags and grades: inline boxes kept on one line, not inline-blocks measured for their width one by one.
    for name in ("flag", "grade"):
        spans = [b for b in found[name] if not isinstance(b, boxes.TextBox)]
        assert spans and all(type(b) is boxes.InlineBox and b.style["white_space"] == "nowrap" for b in spans), name
