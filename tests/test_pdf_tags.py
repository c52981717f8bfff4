"""The tagged PDF: the checker (tests/pdfcheck/tags.py) tells an untagged PDF from a tagged one and catches each
structural defect; WeasyPrint's archival tagged variant passes it, reproducibly; and the shipped brief is tagged."""

from __future__ import annotations

from pathlib import Path

import pytest

import dossier.render
from dossier.build import build_brief

from .conftest import REPO
from .pdfcheck import render_html_pdf
from .pdfcheck.tags import check_tags, declared, pdfua_problems, read_tree, tag_problems

PNG = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJ"
       "RU5ErkJggg==")
SVG = ("<svg xmlns='http://www.w3.org/2000/svg' width='40mm' height='20mm' viewBox='0 0 100 50' role='img' "
       "aria-labelledby='t d'><title id='t'>Events by year</title><desc id='d'>Two bars.</desc>"
       "<rect width='50' height='20'/><text x='5' y='40' font-size='9'>2024</text></svg>")
# A brief in miniature: every structure the brief uses, each done right.
GOOD = f"""<h1>Brief</h1><h2>Key judgements</h2><p>Text with a <a href="#t">link</a>.</p>
<ul><li>One finding</li><li>Another</li></ul>
<h3>1.1 A finding</h3><dl class="facts"><div><dt>Source</dt><dd>An outlet.</dd></div></dl>
<table id="t"><caption>Per provision</caption><thead><tr><th scope="col">Provision</th><th scope="col">Findings</th></tr>
</thead><tbody><tr><th scope="row">2397-OP8</th><td>3</td></tr></tbody></table>
<p><img src="{PNG}" alt="A dot" style="width: 5mm"> {SVG}</p><h2>Annex A</h2><p>End.</p>"""


def render(tmp_path: Path, body: str = GOOD, name: str = "doc.pdf", **options: object) -> Path:
    return render_html_pdf(body, tmp_path / name, **options)  # type: ignore[arg-type]


def test_an_untagged_pdf_is_flagged(tmp_path: Path) -> None:
    pdf = render(tmp_path, variant=None)
    problems = check_tags(pdf)
    assert problems[:2] == [
        "not tagged: no structure tree (/StructTreeRoot), so no headings, lists, tables, figure descriptions or "
        "reading order reach a screen reader",
        "not marked as tagged: no /MarkInfo << /Marked true >> in the catalog"]
    assert any(p.startswith("pdfua UA-01-005 ") for p in problems)  # the external checker agrees
    assert not declared(pdf).tagged and read_tree(pdf) is None


@pytest.mark.parametrize(("variant", "tags", "pdfa"), [("pdf/a-3a", False, "3A"), ("pdf/a-3b", True, "3B"),
                                                       ("pdf/ua-1", False, None)])
def test_a_tagged_pdf_passes(tmp_path: Path, variant: str, tags: bool, pdfa: str | None) -> None:
    pdf = render(tmp_path, variant=variant, tags=tags)
    notes: list[str] = []
    assert check_tags(pdf, notes=notes, claim_pdfua=variant == "pdf/ua-1") == []
    facts = declared(pdf)
    assert (facts.tagged, facts.marked, facts.lang, facts.pdfa) == (True, True, "en", pdfa)
    assert facts.pdfua == ("1" if variant == "pdf/ua-1" else None)
    roles = {e.role for e in read_tree(pdf).walk()}
    assert {"H1", "H2", "H3", "L", "LI", "LBody", "Table", "TR", "TH", "TD", "Caption", "Figure", "Link"} <= roles
    figures = [e.alt for e in read_tree(pdf).walk() if e.role == "Figure"]
    assert figures == ["A dot", "Events by year"]  # the img's alt, the svg's <title>


DEFECTS = {
    "skipped heading": (GOOD.replace("<h3>1.1 A finding</h3>", "<h4>1.1 A finding</h4>"),
                        "p. 1: heading H4 '1.1 A finding' follows an H2: H3 skipped"),
    "first heading not H1": (GOOD.replace("<h1>Brief</h1>", ""),
                             "p. 1: the first heading is H2 ('Key judgements'), not H1"),
    "table without TH": (GOOD.replace("<th scope=\"col\">", "<td>").replace("<th scope=\"row\">", "<td>"),
                         "p. 1: table 'Per provision' has no header cells (TH)"),
    "svg without title": (GOOD.replace("<title id='t'>Events by year</title>", ""),
                          "p. 1: a figure without alternative text (/Alt): give <img> an alt, and <svg> a <title> as "
                          "its first child (WeasyPrint ignores aria-label)"),
    "svg with aria-label only": (GOOD.replace("<title id='t'>Events by year</title>", "").replace(
        "aria-labelledby='t d'", "aria-label='Events by year'"), "p. 1: a figure without alternative text (/Alt)"),
}


@pytest.mark.parametrize("defect", DEFECTS)
def test_each_structural_defect_is_caught(tmp_path: Path, defect: str) -> None:
    body, expected = DEFECTS[defect]
    problems = tag_problems(render(tmp_path, body, variant="pdf/a-3a"))
    assert [p for p in problems if p.startswith(expected)], problems
    if defect.startswith("svg"):  # pdfua sees it too
        assert any(p.startswith("pdfua UA-13-004") for p in pdfua_problems(tmp_path / "doc.pdf"))


def test_a_missing_document_language_is_caught(tmp_path: Path) -> None:
    pdf = render(tmp_path, lang=None, variant="pdf/a-3a")  # WeasyPrint logs an error and writes an empty /Lang
    problems = check_tags(pdf)
    assert "no document language: /Lang missing or empty in the catalog (set <html lang>)" in problems
    assert any(p.startswith("pdfua UA-06-001") for p in problems)


# --- The real templates --------------------------------------------------------------------------------

def build_with(variant: str | None, root: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(dossier.render, "PDF_VARIANT", variant)
    build_brief(root, out, formats={"pdf"})
    return out / "dossier.pdf"


def test_the_brief_templates_tag_cleanly_and_reproducibly_as_pdf_a_3a(root: Path, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The brief's own templates on a two-record base, as PDF/A-3a: no problem, and the same bytes twice."""
    first = build_with("pdf/a-3a", root, tmp_path / "one", monkeypatch).read_bytes()
    second = build_with("pdf/a-3a", root, tmp_path / "two", monkeypatch)
    assert second.read_bytes() == first
    assert check_tags(second) == []
    assert declared(second).pdfa == "3A"


@pytest.fixture(scope="module")
def shipped_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("shipped")
    build_brief(REPO, out, formats={"pdf", "html", "json"})
    return out / "dossier.pdf"


@pytest.mark.xfail(dossier.render.PDF_VARIANT == "pdf/a-3b", strict=True, reason=(
    "dossier.render.PDF_VARIANT is 'pdf/a-3b', which WeasyPrint 70 writes untagged (no structure tree, not marked); "
    "set it to 'pdf/a-3a' (archival and tagged) and remove this mark"))
def test_the_shipped_brief_is_tagged(shipped_pdf: Path) -> None:
    notes: list[str] = []
    problems = check_tags(shipped_pdf, notes=notes)
    assert problems == [], "\n".join(problems)
    assert declared(shipped_pdf).pdfa in ("3A", "3B")  # archival, as declared: no validator checks PDF/A here
