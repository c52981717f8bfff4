"""Web pages: all the text a reader sees, block by block, decoded and spaced as a browser would.

We parse with selectolax (the Lexbor engine, an HTML5-conformant parser) and walk the tree
ourselves instead of using a "main content" extractor, because those drop text by design and
their output changes between versions. The rules, in short:

- block elements (paragraphs, headings, list items, table cells, ...) make separate blocks,
  joined by a blank line; two or more `<br>` in a row also start a new block;
- inline elements join without adding anything: ``Kim<b>'s</b>`` is ``Kim's``;
- `<br>` is a line break inside its block;
- white space collapses as CSS does for normal text: runs become one space, none at the start or
  end of a line, and a line break between two East Asian wide characters (Han, kana; not Hangul)
  disappears (CSS Text 3, segment break transformation); `<pre>` keeps its text as it is;
- entities are decoded; soft hyphens, no-break and zero-width spaces are kept (the matcher folds
  them, and the text shown to readers stays the original);
- not text: `<head>` (the `<title>` is returned separately), scripts of every type (JSON-LD
  included, whose articleBody repeats the article), styles, templates, `<noscript>`, embedded
  objects and media (their fallback content is not shown), the state of form fields (`<select>`,
  `<textarea>`), SVG, and ruby annotations (`<rt>`, `<rp>`), which are reading aids;
- hidden text: an element hidden by the `hidden` attribute, an inline ``display:none``, an inline
  ``visibility:hidden`` (unless a descendant is made visible again) or a closed `<dialog>` is
  **excluded and flagged**, with where it was and how it begins. A reader of the page never saw it,
  so it cannot be quoted as what the page said; the flag lets a reviewer see what was left out.
  Text marked ``aria-hidden="true"`` is visible on screen (it is hidden only from screen
  readers), so it is **kept and flagged**. Only inline styles are read: text hidden by a
  stylesheet rule is kept, since stylesheets are not evaluated.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import selectolax
from selectolax.lexbor import LexborHTMLParser, LexborNode

from .encoding import decode_html
from .model import CONTEXT_CHARS, Block, Extraction, HtmlLocator

HTML_RULES_VERSION = 1
EXTRACTOR = (f"html/{HTML_RULES_VERSION} selectolax {selectolax.__version__} "
             f"unicode {unicodedata.unidata_version}")
MAX_FLAGS_PER_KIND = 20
SNIPPET_CHARS = 60

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "col", "colgroup", "dd",
    "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "listing", "main", "menu",
    "nav", "ol", "optgroup", "option", "p", "plaintext", "pre", "search", "section", "summary", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "xmp", "frameset", "frame",
})
PRESERVED_TAGS = frozenset({"pre", "listing", "xmp", "plaintext"})
NOT_TEXT_TAGS = frozenset({
    "head", "title", "script", "style", "template", "noscript", "meta", "link", "base", "basefont", "area",
    "datalist", "noembed", "noframes", "param", "iframe", "object", "embed", "canvas", "video", "audio",
    "source", "track", "picture", "img", "select", "textarea", "input", "svg", "rt", "rp",
})
WAYBACK_MARKERS = (b"<!-- BEGIN WAYBACK TOOLBAR INSERT -->", b"/_static/js/bundle-playback.js", b"__wm.init(")

_COLLAPSIBLE = re.compile(r"[ \t\n\r\x0c]+|[^ \t\n\r\x0c]+")
_LINE_BREAKS = re.compile(r"\n{2,}")
_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff\uffa0-\uffdc]")


def extract_html(data: bytes, http_charset: str | None = None) -> Extraction:
    """The text of a page's bytes (`http_charset`: what the HTTP response declared, if known)."""
    decoded = decode_html(data, http_charset)
    tree = LexborHTMLParser(decoded.text)
    walker = _Walker()
    if tree.root is not None:
        walker.walk(tree.root)
    text, blocks, flags = walker.finish()
    if decoded.replaced:
        where = f" (the first at byte {decoded.first_replaced_at})" if decoded.first_replaced_at is not None else ""
        flags.insert(0, f"{decoded.replaced} byte sequence(s) invalid in {decoded.encoding} (declared by the "
                        f"{decoded.source}) were replaced by U+FFFD{where}, as a browser shows them")
    if any(marker in data for marker in WAYBACK_MARKERS):
        flags.insert(0, "this is the Wayback Machine's rewritten view of the page (its toolbar and scripts "
                        "were inserted); archive the original bytes from the id_ address "
                        "(https://web.archive.org/web/<timestamp>id_/<url>) instead")
    return Extraction(text=text, blocks=blocks, extractor=EXTRACTOR, flags=tuple(flags),
                      title=page_title(tree), encoding=decoded.encoding)


def page_title(tree: LexborHTMLParser) -> str | None:
    """The document's title as a browser shows it in the tab (white space collapsed)."""
    node = tree.css_first("title")
    if node is None:
        return None
    return _collapse_ascii(node.text(deep=True)) or None


def _collapse_ascii(text: str) -> str:
    return " ".join(part for part in re.split(r"[ \t\n\r\x0c]+", text) if part)


# Segments of a block before white space is processed.

@dataclass(frozen=True)
class _Break:
    """A `<br>`."""


@dataclass(frozen=True)
class _Kept:
    """Text whose white space is kept (inside `<pre>`)."""

    text: str


@dataclass(frozen=True)
class _Marker:
    """Where a flagged element was, so its flag can cite a position in the final text."""

    flag: int


_Segment = str | _Break | _Kept | _Marker


@dataclass
class _Flag:
    description: str
    snippet: str
    offset: int = -1


@dataclass
class _Walker:
    """Walks the tree once, collecting blocks of text and flags."""

    blocks: list[tuple[str, dict[int, int]]] = field(default_factory=list)  # text, marker -> offset
    segments: list[_Segment] = field(default_factory=list)
    flags: list[_Flag] = field(default_factory=list)
    flag_counts: dict[str, int] = field(default_factory=dict)
    preserved_depth: int = 0
    ruby_annotations: int = 0

    def walk(self, root: LexborNode) -> None:
        # An explicit stack: pages can nest deeper than Python's recursion limit.
        stack: list[tuple[LexborNode, bool, bool, bool]] = [(root, False, False, False)]
        # (node, exiting, visibility_hidden, inside_aria_hidden)
        while stack:
            node, exiting, invisible, aria_hidden = stack.pop()
            if exiting:
                self._exit(node)
                continue
            if node.tag == "-text":
                if not invisible:
                    text = node.text_content or ""
                    self.segments.append(_Kept(text) if self.preserved_depth else text)
                continue
            if not node.is_element_node:
                continue
            tag = node.tag or ""
            if tag in NOT_TEXT_TAGS:
                self.ruby_annotations += tag == "rt"
                continue
            attributes = node.attributes
            style = _inline_style(attributes.get("style"))
            hidden_by = _hidden_by(tag, attributes, style)
            if hidden_by is not None:
                self._flag("hidden", f"text hidden by the page ({hidden_by}) excluded", node)
                continue
            visibility = style.get("visibility")
            if visibility in ("hidden", "collapse") and not invisible:
                self._flag("invisible", "text hidden by the page (visibility:hidden) excluded", node)
            if visibility is not None:
                invisible = visibility in ("hidden", "collapse")
            if not aria_hidden and (attributes.get("aria-hidden") or "").strip().lower() == "true":
                aria_hidden = True
                if not invisible:
                    self._flag("aria-hidden", 'text marked aria-hidden="true" (hidden from screen readers, '
                                              "visible on screen) kept", node)
            self._enter(tag)
            stack.append((node, True, invisible, aria_hidden))
            children = list(node.iter(include_text=True))
            stack.extend((child, False, invisible, aria_hidden) for child in reversed(children))

    def _enter(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self._close_block()
        if tag in PRESERVED_TAGS:
            self.preserved_depth += 1
        if tag == "br":
            self.segments.append(_Kept("\n") if self.preserved_depth else _Break())

    def _exit(self, node: LexborNode) -> None:
        tag = node.tag or ""
        if tag in BLOCK_TAGS:
            self._close_block()
        if tag in PRESERVED_TAGS:
            self.preserved_depth -= 1

    def _flag(self, kind: str, description: str, node: LexborNode) -> None:
        snippet = _snippet(node)
        if not snippet:
            return
        count = self.flag_counts.get(kind, 0) + 1
        self.flag_counts[kind] = count
        if count > MAX_FLAGS_PER_KIND:
            return
        self.flags.append(_Flag(description, snippet))
        self.segments.append(_Marker(len(self.flags) - 1))

    def _close_block(self) -> None:
        segments, self.segments = self.segments, []
        if not segments:
            return
        if all(isinstance(segment, (_Kept, _Marker)) for segment in segments) and any(
                isinstance(segment, _Kept) for segment in segments):
            self._add_preserved(segments)
            return
        text, markers = _collapse(segments)
        self._add_split_on_blank_lines(text, markers)

    def _add_preserved(self, segments: list[_Segment]) -> None:
        text = ""
        markers: dict[int, int] = {}
        for segment in segments:
            if isinstance(segment, _Kept):
                text += segment.text
            elif isinstance(segment, _Marker):
                markers[segment.flag] = len(text)
        if text.strip():
            self.blocks.append((text, markers))
        else:
            self._carry_markers(markers)

    def _add_split_on_blank_lines(self, text: str, markers: dict[int, int]) -> None:
        """Adds a collapsed block; two or more line breaks in a row (`<br><br>`) split it."""
        start = 0
        pieces: list[tuple[int, int]] = []
        for separator in _LINE_BREAKS.finditer(text):
            pieces.append((start, separator.start()))
            start = separator.end()
        pieces.append((start, len(text)))
        for start, end in pieces:
            piece = text[start:end]
            leading = len(piece) - len(piece.lstrip("\n"))
            piece = piece.strip("\n")
            own = {flag: max(0, min(offset - start - leading, len(piece)))
                   for flag, offset in markers.items() if offset <= end}
            markers = {flag: offset for flag, offset in markers.items() if offset > end}
            if piece.strip():
                self.blocks.append((piece, own))
            else:
                self._carry_markers(own)
        self._carry_markers(markers)

    def _carry_markers(self, markers: dict[int, int]) -> None:
        """Markers in an empty block point at the start of the next block."""
        self.segments[:0] = [_Marker(flag) for flag in markers]

    def finish(self) -> tuple[str, tuple[Block, ...], list[str]]:
        self._close_block()
        pending = [segment.flag for segment in self.segments if isinstance(segment, _Marker)]
        texts: list[str] = []
        starts: list[int] = []
        position = 0
        for text, markers in self.blocks:
            if texts:
                position += 2
            starts.append(position)
            for flag, offset in markers.items():
                self.flags[flag].offset = position + offset
            texts.append(text)
            position += len(text)
        for flag in pending:
            self.flags[flag].offset = position
        full = "\n\n".join(texts)
        blocks = tuple(Block(start, start + len(text), html_locator(full, index + 1, start, start))
                       for index, (start, text) in enumerate(zip(starts, texts, strict=True)))
        return full, blocks, self._flag_texts(full, blocks)

    def _flag_texts(self, text: str, blocks: tuple[Block, ...]) -> list[str]:
        messages = []
        for flag in self.flags:
            where = _cite_offset(text, blocks, flag.offset)
            messages.append(f"{flag.description} at {where}: \u201c{flag.snippet}\u201d")
        for kind, count in self.flag_counts.items():
            if count > MAX_FLAGS_PER_KIND:
                messages.append(f"... and {count - MAX_FLAGS_PER_KIND} more {kind} element(s) with text, not listed")
        if self.ruby_annotations:
            messages.append(f"{self.ruby_annotations} ruby annotation(s) (<rt>, reading aids shown above the text) "
                            "omitted; the annotated text is kept")
        return messages


def html_locator(text: str, block_number: int, block_start: int, offset: int) -> HtmlLocator:
    """The locator of `offset`, inside the block numbered `block_number` that starts at `block_start`."""
    return HtmlLocator(block=block_number, offset=offset - block_start,
                       prefix=text[max(0, offset - CONTEXT_CHARS):offset], suffix=text[offset:offset + CONTEXT_CHARS])


def _cite_offset(text: str, blocks: tuple[Block, ...], offset: int) -> str:
    if not blocks:
        return "the start of the page (which has no other text)"
    index = max((i for i, block in enumerate(blocks) if block.start <= offset), default=0)
    block = blocks[index]
    return html_locator(text, index + 1, block.start, max(min(offset, block.end), block.start)).cite()


def _collapse(segments: list[_Segment]) -> tuple[str, dict[int, int]]:
    """CSS white-space processing for `white-space: normal` over one block's segments."""
    out: list[str] = []
    length = 0
    markers: dict[int, int] = {}
    pending: str | None = None  # None, "space", or "break" (the run held a line break)
    last = "\n"  # the last character written; "\n" at the start of a line
    for segment in segments:
        if isinstance(segment, _Marker):
            markers[segment.flag] = length
            continue
        if isinstance(segment, _Break):
            out.append("\n")
            length += 1
            last, pending = "\n", None
            continue
        text = segment.text if isinstance(segment, _Kept) else segment
        for token in _COLLAPSIBLE.findall(text):
            if token[0] in " \t\n\r\x0c":
                has_break = "\n" in token or "\r" in token
                pending = "break" if has_break or pending == "break" else "space"
                continue
            if pending is not None and last != "\n" and not (
                    pending == "break" and _segment_break_vanishes(last, token[0])):
                out.append(" ")
                length += 1
            out.append(token)
            length += len(token)
            last, pending = token[-1], None
    return "".join(out), markers


def _segment_break_vanishes(before: str, after: str) -> bool:
    """CSS Text 3: a line break in the source between two East Asian wide characters (F, W or H;
    not Hangul), or next to a zero-width space, is removed rather than turned into a space."""
    if "\u200b" in (before, after):
        return True
    return all(unicodedata.east_asian_width(char) in ("F", "W", "H") and not _HANGUL.match(char)
               for char in (before, after))


def _inline_style(style: str | None) -> dict[str, str]:
    """display and visibility from an inline style attribute; !important wins, then the last."""
    if not style:
        return {}
    found: dict[str, tuple[bool, str]] = {}
    for declaration in re.sub(r"/\*.*?\*/", "", style, flags=re.S).split(";"):
        name, colon, value = declaration.partition(":")
        name = name.strip().lower()
        if not colon or name not in ("display", "visibility"):
            continue
        value = value.strip().lower()
        important = value.endswith("important") and "!" in value
        value = value.split("!")[0].strip()
        if name in found and found[name][0] and not important:
            continue
        found[name] = (important, value)
    return {name: value for name, (_, value) in found.items()}


def _hidden_by(tag: str, attributes: dict[str, str | None], style: dict[str, str]) -> str | None:
    """Why an element is not rendered at all (display:none in effect), or None."""
    display = style.get("display")
    if display == "none":
        return "display:none"
    if display is not None:
        return None  # an inline display overrides the user-agent rules below
    if "hidden" in attributes and (attributes["hidden"] or "").strip().lower() != "until-found":
        return "hidden attribute"
    if tag == "dialog" and "open" not in attributes:
        return "closed <dialog>"
    return None


def _snippet(node: LexborNode) -> str:
    """How a flagged element's text begins (its text nodes, outside scripts and styles)."""
    pieces: list[str] = []
    length = 0
    stack = [node]
    while stack and length < SNIPPET_CHARS * 2:
        current = stack.pop()
        if current.tag == "-text":
            piece = current.text_content or ""
            pieces.append(piece)
            length += len(piece)
        elif current.is_element_node and (current is node or current.tag not in NOT_TEXT_TAGS):
            stack.extend(reversed(list(current.iter(include_text=True))))
    text = _collapse_ascii("".join(pieces))
    return text if len(text) <= SNIPPET_CHARS else text[:SNIPPET_CHARS - 1] + "\u2026"
