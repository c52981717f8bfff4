"""A tagged PDF, read back: the structure tree and what the `pdfua` package can decide about it.

    problems = check_tags("dossier.pdf")          # our structural checks + pdfua's errors and warnings

What is **machine-checked** here (each failure is one readable problem):

- the catalog: a structure tree (`/StructTreeRoot`), `/MarkInfo /Marked true`, a document language (`/Lang`,
  by default one starting with "en");
- headings: H1-H6 elements exist, the first is H1, none skips a level going down (H2 then H4), none is empty;
  their text, in structure-tree order, follows the PDF outline (the bookmarks WeasyPrint writes from the same
  headings), which checks the reading order of the headings against the visual order;
- lists: every L holds LI items (directly or through Div wrappers, as WeasyPrint writes `<dl><div><dt><dd>`
  rows), every LI an LBody;
- tables: every Table has TH cells; every TD that names headers (`/A /Headers`, how WeasyPrint associates
  cells, from `<th scope>`) names IDs of TH cells of the same table; a table with TH but no association at all;
- figures: every Figure (an `<img>`, or an inline `<svg>`) has a non-empty `/Alt` (or `/ActualText`).
  WeasyPrint 70 takes an `<img>`'s `alt` and an `<svg>`'s first-level `<title>`; it ignores `aria-label`
  and `aria-labelledby`, so an SVG needs a `<title>` child;
- reading order, coarsely: the structure tree visits pages in order (no element on page 5 between two on
  page 7), and every page with text has tagged content;
- `pdfua` (PyPI, pure Python on pikepdf): 12 checks covering 16 of the 106 machine-checkable rules of
  PDF/UA-1, chiefly that all page content is tagged or marked as an artifact (7.1-3), which we do not
  re-implement. Its errors and warnings are problems, except the ones listed in `PDFUA_NOT_PROBLEMS`.

What is only **declared**, not validated: the PDF/A-3a or PDF/UA-1 conformance itself (the XMP `pdfaid` /
`pdfuaid` entries, read by `declared()`), i.e. the other 90 machine-checkable PDF/UA-1 rules (fonts, CIDSet,
role maps, nesting rules ...) and all of PDF/A (colour, fonts, metadata). Only veraPDF checks those, and it
is not installable here (not on PyPI, npm or Debian). Never checked by a machine: whether alternative text
describes the figure, whether the reading order makes sense beyond the headings, whether the headers are the
right ones.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "PDFUA_NOT_PROBLEMS",
    "Declared",
    "Element",
    "check_tags",
    "declared",
    "pdfua_problems",
    "read_tree",
    "tag_problems",
]

# pdfua findings that are not problems of a WeasyPrint PDF, with why.
PDFUA_NOT_PROBLEMS = {
    # pdfua 0.1.3 looks for /Headers (or /Scope) on TH cells only. WeasyPrint puts /ID on each TH and
    # /Headers on each TD, inside its /A attribute dictionary (ISO 32000-1, 14.8.5.7): the association is
    # there and `tag_problems` checks every ID resolves.
    "UA-15-003": "header association is on the TD cells (checked by tag_problems)",
}
# Only a problem when the PDF is meant to claim PDF/UA-1 (pdf_variant="pdf/ua-1"); PDF/A-3a does not.
PDFUA_IDENTIFICATION = "UA-28-004"


@dataclass
class Element:
    """One structure element: its type without the slash ("H2", "TD"), page (1-based), attributes, children."""

    role: str
    page: int | None
    alt: str | None = None
    actual_text: str | None = None
    id: str | None = None
    headers: list[str] = field(default_factory=list)
    mcids: list[tuple[int, int]] = field(default_factory=list)  # (page, MCID) of its own marked content
    children: list[Element] = field(default_factory=list)

    def walk(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            yield from child.walk()

    def text(self, texts: dict[tuple[int, int], str]) -> str:
        """The element's text: its marked content and its descendants', in tree order."""
        return "".join(texts.get(m, "") for e in self.walk() for m in e.mcids)


@dataclass(frozen=True)
class Declared:
    """What the file says about itself (the catalog and the XMP metadata); nothing here is validated."""

    tagged: bool  # a /StructTreeRoot
    marked: bool  # /MarkInfo /Marked true
    lang: str | None
    pdfa: str | None  # "3A", "3B" ... from pdfaid:part and pdfaid:conformance
    pdfua: str | None  # "1" from pdfuaid:part
    title: str | None  # dc:title
    display_doc_title: bool


def declared(path: Path | str) -> Declared:
    import pikepdf

    with pikepdf.open(path) as pdf:
        root = pdf.Root
        mark_info = root.get("/MarkInfo")
        marked = bool(mark_info is not None and mark_info.get("/Marked") is True)
        lang = str(root.Lang) if "/Lang" in root else None
        meta = pdf.open_metadata()
        part, conformance = meta.get("pdfaid:part"), meta.get("pdfaid:conformance")
        prefs = root.get("/ViewerPreferences")
        return Declared(
            tagged="/StructTreeRoot" in root,
            marked=marked,
            lang=lang,
            pdfa=f"{part}{conformance or ''}" if part else None,
            pdfua=meta.get("pdfuaid:part"),
            title=meta.get("dc:title"),
            display_doc_title=bool(prefs is not None and prefs.get("/DisplayDocTitle") is True),
        )


def read_tree(path: Path | str) -> Element | None:
    """The structure tree (its root's kids under a synthetic "StructTreeRoot" element), or None if untagged."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        if "/StructTreeRoot" not in pdf.Root:
            return None
        pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}
        root = Element("StructTreeRoot", None)
        _kids(pdf.Root.StructTreeRoot, root, None, pages, pikepdf)
        return root


def _kids(node, element: Element, page: int | None, pages: dict[tuple[int, int], int], pikepdf) -> None:  # type: ignore[no-untyped-def]
    kids = node.get("/K")
    if kids is None:
        return
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
        if isinstance(kid, int) and not isinstance(kid, bool):
            if page is not None:
                element.mcids.append((page, int(kid)))
        elif isinstance(kid, pikepdf.Dictionary):
            kind = kid.get("/Type")
            if kind == "/MCR":
                pg = kid.get("/Pg")
                number = pages.get(pg.objgen) if pg is not None else page
                if number is not None:
                    element.mcids.append((number, int(kid.MCID)))
            elif kind == "/OBJR":
                continue  # an annotation (a link's), no content of its own
            elif "/S" in kid:
                pg = kid.get("/Pg")
                number = pages.get(pg.objgen, page) if pg is not None else page
                attributes = kid.get("/A")
                attribute_list = (list(attributes) if isinstance(attributes, pikepdf.Array)
                                  else [attributes] if attributes is not None else [])
                headers = [str(h) for a in attribute_list if isinstance(a, pikepdf.Dictionary)
                           for h in a.get("/Headers", [])]
                child = Element(
                    role=str(kid.S).lstrip("/"),
                    page=number,
                    alt=str(kid.Alt) if "/Alt" in kid else None,
                    actual_text=str(kid.ActualText) if "/ActualText" in kid else None,
                    id=str(kid.ID) if "/ID" in kid else None,
                    headers=headers,
                )
                element.children.append(child)
                _kids(kid, child, number, pages, pikepdf)


def marked_texts(path: Path | str) -> dict[tuple[int, int], str]:
    """The text of each marked-content sequence, by (page, MCID), read with pypdfium2."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    texts: dict[tuple[int, int], str] = {}
    pdf = pdfium.PdfDocument(str(path))
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            try:
                for obj in page.get_objects(max_depth=4):
                    if obj.type != raw.FPDF_PAGEOBJ_TEXT:
                        continue
                    mcid = raw.FPDFPageObj_GetMarkedContentID(obj.raw)
                    if mcid < 0:
                        continue
                    size = raw.FPDFTextObj_GetText(obj.raw, textpage, None, 0)
                    buffer = ctypes.create_string_buffer(size)
                    raw.FPDFTextObj_GetText(obj.raw, textpage, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)),
                                            size)
                    text = buffer.raw[: size - 2].decode("utf-16-le", errors="replace")
                    key = (index + 1, mcid)
                    texts[key] = texts.get(key, "") + text
            finally:
                textpage.close()
                page.close()
    finally:
        pdf.close()
    return texts


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text).lower()


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _where(element: Element) -> str:
    return f"p. {element.page}" if element.page else "the structure tree"


HEADING = re.compile(r"H([1-6])")


def tag_problems(path: Path | str, *, lang: str | None = "en", first_heading: int = 1,
                 check_outline: bool = True, notes: list[str] | None = None) -> list[str]:
    """Our structural checks of a tagged PDF (see the module docstring); empty means nothing found.

    `notes` (a list) receives what is worth knowing but not a problem.
    """
    facts = declared(path)
    problems: list[str] = []
    if not facts.tagged:
        problems.append("not tagged: no structure tree (/StructTreeRoot), so no headings, lists, tables, "
                        "figure descriptions or reading order reach a screen reader")
    if not facts.marked:
        problems.append("not marked as tagged: no /MarkInfo << /Marked true >> in the catalog")
    if not facts.lang:
        problems.append("no document language: /Lang missing or empty in the catalog (set <html lang>)")
    elif lang and not facts.lang.lower().startswith(lang.lower()):
        problems.append(f"document language is {facts.lang!r}, expected {lang!r}")
    tree = read_tree(path) if facts.tagged else None
    if tree is None:
        return problems
    texts = marked_texts(path)
    elements = list(tree.walk())[1:]

    # Headings: present, starting at H1 (by default), no level skipped going down, none empty.
    headings = [(int(m.group(1)), e) for e in elements if (m := HEADING.fullmatch(e.role))]
    if not headings:
        problems.append("no headings (H1-H6) in the structure tree")
    else:
        level, first = headings[0]
        if first_heading and level != first_heading:
            problems.append(f"{_where(first)}: the first heading is H{level} "
                            f"('{_short(first.text(texts))}'), not H{first_heading}")
        previous = level
        for level, element in headings:
            if level > previous + 1:
                problems.append(f"{_where(element)}: heading H{level} '{_short(element.text(texts))}' follows "
                                f"an H{previous}: H{previous + 1} skipped")
            if not element.text(texts).strip() and not element.alt and not element.actual_text:
                problems.append(f"{_where(element)}: heading H{level} is empty")
            previous = level
        if check_outline:
            problems += _outline_order(path, [(e, _squash(e.text(texts))) for _, e in headings])

    # Lists: L holds LI (directly or through a Div), LI holds LBody.
    wrapped = 0
    for element in elements:
        if element.role == "L":
            items = _list_items(element)
            if not items:
                problems.append(f"{_where(element)}: a list (L) without list items (LI)")
            elif not any(c.role == "LI" for c in element.children):
                wrapped += 1
        elif element.role == "LI" and not any(c.role == "LBody" for c in element.children):
            problems.append(f"{_where(element)}: a list item (LI) without a body (LBody): "
                            f"'{_short(element.text(texts))}'")

    if wrapped and notes is not None:
        notes.append(f"{wrapped} lists hold their items (LI) inside Div wrappers, not as direct children (WeasyPrint "
                     "writes <dl><div><dt><dd> rows so): allowed, but a reader may not announce the item count")

    # Tables: TH cells, and TD /Headers naming TH IDs of the same table.
    for table in (e for e in elements if e.role == "Table"):
        cells = [c for c in table.walk() if c.role in ("TH", "TD")]
        ths = [c for c in cells if c.role == "TH"]
        tds = [c for c in cells if c.role == "TD"]
        caption = next((c.text(texts) for c in table.walk() if c.role == "Caption"), "") or (
            cells[0].text(texts) if cells else "")
        name = f"table '{_short(caption, 40)}'" if caption.strip() else "a table"
        if not ths:
            problems.append(f"{_where(table)}: {name} has no header cells (TH)")
            continue
        ids = {c.id for c in ths if c.id}
        if tds and not any(c.headers for c in tds):
            problems.append(f"{_where(table)}: {name}: no data cell (TD) is associated with a header cell "
                            "(no /Headers; use <th scope>)")
        unknown = sorted({h for c in tds for h in c.headers if h not in ids})
        if unknown:
            problems.append(f"{_where(table)}: {name}: data cells name header IDs that are not TH cells of "
                            f"the table: {', '.join(unknown[:5])}")

    # Figures: a text alternative.
    for figure in (e for e in elements if e.role == "Figure"):
        if not (figure.alt or "").strip() and not (figure.actual_text or "").strip():
            problems.append(f"{_where(figure)}: a figure without alternative text (/Alt): give <img> an alt, "
                            "and <svg> a <title> as its first child (WeasyPrint ignores aria-label)")

    # Reading order, coarsely: pages visited in order; every page with text has tagged content.
    last = 0
    for element in elements:
        for page, _ in element.mcids:
            if page < last:
                problems.append(f"p. {page}: the structure tree goes back from p. {last} to p. {page} "
                                f"('{_short(element.text(texts), 40)}')")
            last = max(last, page)
    tagged_pages = {page for e in elements for page, _ in e.mcids}
    text_pages = {page for (page, _), text in texts.items() if text.strip()}
    for page in sorted(text_pages - tagged_pages):
        problems.append(f"p. {page}: text on the page, but no structure element refers to it")
    in_tree = {m for e in elements for m in e.mcids}
    outside = sorted({key[0] for key, text in texts.items() if key not in in_tree and text.strip()})
    if outside and notes is not None:
        notes.append(f"text outside the structure tree on {len(outside)} of {len(text_pages)} pages with text: "
                     "WeasyPrint 70 marks the page-margin boxes (running header, footer, page number) with MCIDs "
                     "that no element of the tree reaches, neither tagged nor /Artifact; a screen reader skips "
                     "them, veraPDF may report them")
    return problems


def _list_items(element: Element) -> list[Element]:
    """A list's items: LI children, or LI reached through grouping elements (Div, NonStruct, Part, Sect)."""
    items = []
    for child in element.children:
        if child.role == "LI":
            items.append(child)
        elif child.role in ("Div", "NonStruct", "Part", "Sect", "Span"):
            items += _list_items(child)
    return items


def _outline_order(path: Path | str, headings: list[tuple[Element, str]]) -> list[str]:
    """Each bookmark's title is the text of a heading, in the same order as in the outline."""
    from .layout import outline

    problems: list[str] = []
    position = 0
    for mark in outline(path):
        title = _squash(mark.title)
        if not title:
            continue
        for index in range(position, len(headings)):
            element, text = headings[index]
            if text == title and element.page == mark.page:
                position = index + 1
                break
        else:
            problems.append(f"p. {mark.page}: bookmark '{_short(mark.title)}' has no heading with its text at "
                            "that place in the structure tree (reading order differs from the outline)")
    return problems


def pdfua_problems(path: Path | str, *, claim_pdfua: bool = False, notes: list[str] | None = None) -> list[str]:
    """The `pdfua` package's errors and warnings, as problems (except `PDFUA_NOT_PROBLEMS`).

    `claim_pdfua`: the PDF is meant to declare PDF/UA-1, so a missing `pdfuaid:part` is a problem too.
    `notes` (a list) receives what is not a problem: the findings set aside, and rules pdfua could not run.
    """
    from pdfua import Severity, validate

    report = validate(str(path))
    problems: list[str] = []
    grouped: dict[tuple[str, str], list[str]] = {}
    for finding in report.findings:
        if finding.severity >= Severity.WARNING:
            grouped.setdefault((finding.rule_id, finding.message), []).append(finding.location.describe())
    for (rule, message), places in grouped.items():
        where = places[0] if len(places) == 1 else f"{len(places)} times, first {places[0]}"
        text = f"pdfua {rule} ({where}): {message}"
        reason = PDFUA_NOT_PROBLEMS.get(rule)
        if rule == PDFUA_IDENTIFICATION and not claim_pdfua:
            reason = "the PDF does not claim PDF/UA-1"
        if reason:
            if notes is not None:
                notes.append(f"{text} [not a problem: {reason}]")
        else:
            problems.append(text)
    if notes is not None:
        notes.extend(f"pdfua {o.rule_id} not evaluated: {o.skipped_reason}" for o in report.skipped)
    return problems


def check_tags(path: Path | str, *, lang: str | None = "en", claim_pdfua: bool = False,
               notes: list[str] | None = None) -> list[str]:
    """Our structural checks, then pdfua's (which reports an untagged file too): every problem, readable."""
    return tag_problems(path, lang=lang, notes=notes) + pdfua_problems(path, claim_pdfua=claim_pdfua, notes=notes)
