"""Reading YAML safely: the loader's policy, and positions for messages.

The loader is PyYAML's C loader with three changes that matter for evidence:
- only YAML 1.2-style plain scalars are typed (`true`/`false`, decimal
  integers and floats, `null`); `NO`, `yes`, `010` and `2024-03-05` stay text,
  so a country code, an id or a partial date is never silently converted;
- a key given twice is an error naming both lines (PyYAML keeps the last);
- anchors and aliases are errors (records need none, and aliases expand into
  memory bombs when anything walks the tree).

Positions come from the node tree the parse composed: a document keeps it until
the checks that report on it are done (`forget_positions`), and composes it again
only if a position is asked for later.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

import yaml

from .inputs import LIMITS, MiB, Refused, read_input
from .problems import Problem, error

MAX_DEPTH = 64  # nesting deeper than this is refused before parsing (a record needs about 4 levels)

_START = yaml.Mark("", 0, 0, 0, "", 0)  # where an error without a position is reported: 1:1

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LoadError(Exception):
    """A problem found while parsing, with a 0-based position from PyYAML's marks."""

    def __init__(self, message: str, line: int, col: int, hint: str | None = None):
        super().__init__(message)
        self.message, self.line, self.col, self.hint = message, line, col, hint


class EvidenceLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A safe loader that refuses duplicate keys and aliases and resolves scalars narrowly."""

    yaml_implicit_resolvers: ClassVar[dict[str | None, Any]] = {}  # none inherited: only the four added below

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        return _integer(str(self.construct_scalar(node)), node)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects or node in self.recursive_objects:
            mark = node.start_mark
            raise LoadError("aliases are not allowed: write the value out in full", mark.line, mark.column)
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[str, Any]:
        if not isinstance(node, yaml.MappingNode):
            mark = node.start_mark
            raise LoadError(f"expected a mapping, found {_kind(node)}", mark.line, mark.column)
        mapping: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            mark = key_node.start_mark
            if not isinstance(key, str):
                raise LoadError(f"keys must be text, found {key!r}", mark.line, mark.column)
            if key in mapping:
                raise LoadError(
                    f"duplicate key '{key}' (first given on line {first_line[key]}, again on line {mark.line + 1})",
                    mark.line,
                    mark.column,
                    hint="YAML would silently keep only the last value; keep one of them.",
                )
            first_line[key] = mark.line + 1
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


_INT_PATTERN = r"^[-+]?(?:0|[1-9][0-9]*)$"
_FLOAT_PATTERN = r"^[-+]?(?:0|[1-9][0-9]*)\.[0-9]+$"

for _tag, _pattern, _first in [
    ("tag:yaml.org,2002:bool", r"^(?:true|false)$", "tf"),
    ("tag:yaml.org,2002:int", _INT_PATTERN, "-+0123456789"),
    ("tag:yaml.org,2002:float", _FLOAT_PATTERN, "-+0123456789"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|)$", ["~", "n", ""]),
]:
    EvidenceLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))
EvidenceLoader.add_constructor("tag:yaml.org,2002:int", EvidenceLoader.construct_yaml_int)

_TAG = "tag:yaml.org,2002:"
_STR, _MAP, _SEQ = _TAG + "str", _TAG + "map", _TAG + "seq"
_PLAIN = "?plain"  # a plain scalar the composer left untyped: _plain types it as EvidenceLoader's resolvers do


class _Composer(_BaseLoader):  # type: ignore[misc, valid-type]
    """Composes the node tree without typing plain scalars, which the C parser would ask Python to do for
    every node; `_plain` types the plain scalars it reads, and `Document.position` needs no types at all."""

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:  # noqa: ARG002
        if kind is yaml.ScalarNode:
            return _PLAIN if implicit[0] else _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        """No path resolvers: nothing to follow."""

    def ascend_resolver(self) -> None:
        """No path resolvers: nothing to follow."""


@lru_cache(maxsize=4096)  # keys and short values repeat in every record: a lookup instead of the patterns
def _implicit_tag(value: str) -> str:
    """The tag EvidenceLoader's implicit resolvers give a plain scalar (yaml.resolver.BaseResolver.resolve)."""
    resolvers = EvidenceLoader.yaml_implicit_resolvers  # first character (None: any) -> [(tag, pattern)]
    first = value[0] if value else ""
    if first not in resolvers and None not in resolvers:  # most plain scalars: keys and words
        return _STR
    for tag, pattern in resolvers.get(first, []) + resolvers.get(None, []):
        if pattern.match(value):
            return str(tag)
    return _STR


def _kind(node: yaml.Node) -> str:
    return {yaml.ScalarNode: "a single value", yaml.SequenceNode: "a list", yaml.MappingNode: "a mapping"}.get(
        type(node), "something else"
    )


@dataclass
class Document:
    """One parsed YAML file: its text, its data, and the node tree its positions are read from."""

    path: str  # repository-relative, as printed in messages
    text: str
    data: Any
    _root: yaml.Node | None = field(default=None, repr=False)

    def position(self, loc: Iterable[str | int] = ()) -> tuple[int, int]:
        """1-based line and column of the key (or list item) at `loc`; the nearest parent if absent."""
        root = self._composed()
        node, mark = root, root.start_mark
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                hit = next(((k, v) for k, v in node.value if k.value == part), None)
                if hit is None:
                    break
                mark, node = hit[0].start_mark, hit[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
                mark = node.start_mark
            else:
                break
        return mark.line + 1, mark.column + 1

    def _composed(self) -> yaml.Node:
        """The node tree, composed on first use only: most documents never need a position."""
        if self._root is None:
            self._root = yaml.compose(self.text, Loader=_Composer) or yaml.ScalarNode("tag:yaml.org,2002:null", "")
        return self._root

    def forget_positions(self) -> None:
        """Drop the node tree (several times the text's size) once the checks that report on this file are
        done; a later position composes it again."""
        self._root = None

    def value_position(self, loc: Iterable[str | int]) -> tuple[int, int, str]:
        """Line, column and scalar style of the value at `loc`; block scalars start on the next line."""
        node: yaml.Node | None = self._composed()
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if k.value == part), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
            else:
                node = None
            if node is None:
                line, col = self.position(loc)
                return line, col, ""
        if node is None:  # loc was empty and the document has no root
            return 1, 1, ""
        style = getattr(node, "style", None) or ""
        return node.start_mark.line + 1, node.start_mark.column + 1, style

    def problem(self, loc: Iterable[str | int], message: str, hint: str | None = None) -> Problem:
        line, col = self.position(loc)
        return error(self.path, line, col, message, hint)


def read_yaml(path: Path, display: str, root: Path | None = None,
              kind: str = "record") -> tuple[Document | None, list[Problem]]:
    """Parse one YAML file, or explain with a position why it cannot be parsed (or is not read at all)."""
    try:
        raw = read_input(path, root, kind)
    except Refused as exc:
        return None, [error(display, 1, 1, f"{display} {exc}")]
    return parse_yaml(raw, display, LIMITS[kind])


def _inside(text: str, line: int, col: int) -> tuple[int, int]:
    """A position moved into the file: a parser may report the end of the input as the line after the last."""
    lines = text.splitlines() or [""]
    if line > len(lines):
        return len(lines), len(lines[-1]) + 1
    return line, min(col, len(lines[line - 1]) + 1)


def parse_yaml(raw: bytes, display: str, limit: int = LIMITS["record"]) -> tuple[Document | None, list[Problem]]:
    """Parse YAML bytes from anywhere (a file, `git show`) under exactly the rules `read_yaml` applies."""
    if len(raw) > limit:
        return None, [error(display, 1, 1, f"file is {len(raw):,} bytes; the limit is {limit:,} ({limit // MiB} MiB)")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            error(display, line, col, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", hint="Save the file as UTF-8.")
        ]
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        _check_structure(text)
        data, root = _load(text)
    except LoadError as exc:
        return None, [error(display, exc.line + 1, exc.col + 1, exc.message, exc.hint)]
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark or _START
        tag = re.sub(r"^tag:yaml\.org,2002:", "!!", str(exc.problem).rsplit(" ", 1)[-1].strip("'"))
        return None, [error(display, mark.line + 1, mark.column + 1,
                            f"unsupported tag {tag}: evidence is plain YAML without tags")]
    except yaml.MarkedYAMLError as exc:
        found = exc.problem_mark or exc.context_mark
        line, col = (found.line + 1, found.column + 1) if found else (1, 1)
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        hint = None
        if "expected a single document" in message:
            message = "more than one YAML document (a '---' separator); one record per file"
        elif found is not None and (text[found.index:found.index + 1] == "\t" or "tab character" in message):
            message = "a tab character: indent with spaces, not tabs"
            hint = "YAML does not allow tabs for indentation; most editors can turn them into spaces for you."
        elif "mapping values are not allowed" in message:
            hint = "A value containing ': ' needs quotes, or write it as a block scalar (key: >-)."
        line, col = _inside(text, line, col)
        return None, [error(display, line, col, f"YAML syntax: {message}", hint)]
    except yaml.YAMLError as exc:  # errors without a mark, e.g. from the reader
        return None, [error(display, 1, 1, f"YAML syntax: {exc}")]
    if data is None:
        return None, [error(display, 1, 1, "file is empty; expected a mapping of fields")]
    return Document(display, text, data, root), []


_INT, _FLOAT, _BOOL, _NULL = _TAG + "int", _TAG + "float", _TAG + "bool", _TAG + "null"
_INT_RE, _FLOAT_RE = re.compile(_INT_PATTERN), re.compile(_FLOAT_PATTERN)


class _NotPlain(Exception):
    """The document uses more than text keys, mappings, lists and plain scalars."""


def _load(text: str) -> tuple[Any, yaml.Node | None]:
    """`yaml.load(text, Loader=EvidenceLoader)`, faster for the plain YAML that records are, and the node tree
    it was built from, which positions are read from.

    The C parser composes the node tree and `_plain` builds the data from it directly, without the
    constructor's generators and per-node bookkeeping. Anything it does not handle itself (a tag, a key
    that is not text or is given twice, a scalar typed other than as the resolvers above type it, nesting
    deep enough to exhaust the stack) is handed to the full constructor, which reports it as it always has.
    Anchors and aliases never get here: `parse_yaml` refuses them first.
    """
    node = yaml.compose(text, Loader=_Composer)
    if node is None:
        return None, None
    try:
        return _plain(node), node
    except (_NotPlain, RecursionError):
        return yaml.load(text, Loader=EvidenceLoader), node


def _plain(node: yaml.Node) -> Any:
    tag = node.tag
    if tag == _PLAIN:
        tag = _implicit_tag(node.value)
    if tag == _STR and type(node) is yaml.ScalarNode:
        return node.value
    if tag == _MAP and type(node) is yaml.MappingNode:
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_tag = _implicit_tag(key_node.value) if key_node.tag == _PLAIN else key_node.tag
            if key_tag != _STR or type(key_node) is not yaml.ScalarNode or key_node.value in mapping:
                raise _NotPlain
            mapping[key_node.value] = _plain(value_node)
        return mapping
    if tag == _SEQ and type(node) is yaml.SequenceNode:
        return [_plain(item) for item in node.value]
    if type(node) is yaml.ScalarNode:
        value = node.value
        if tag == _INT and _INT_RE.match(value):
            return _integer(value, node)
        if tag == _NULL:
            return None
        if tag == _BOOL and value in ("true", "false"):
            return value == "true"
        if tag == _FLOAT and _FLOAT_RE.match(value):
            return float(value)
    raise _NotPlain


def nesting_bound(text: str) -> int:
    """How deep the document's collections can nest at most, without parsing it.

    A collection nested in another starts on a line of its own, indented further, or on the same line after
    '- ', '? ' or ': ' (compact forms), or after a flow bracket. A list directly under a key is at the key's
    own indentation, and its item may start on the next line one column further: two levels a column. So the
    depth is at most the root, plus twice the longest run of indentation and indicators at the start of a
    line, plus every bracket in the file. A byte order mark counts in the run: libyaml skips one at the start
    of any line.
    """
    lines = text.splitlines() or [""]
    leading = max(len(line) - len(line.lstrip(" -?:\ufeff")) for line in lines)
    return 1 + 2 * leading + text.count("[") + text.count("{")


def _check_structure(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH, and anchors and aliases, before anything composes the document
    (deep nesting crashes recursive parsers; aliases expand into memory bombs).

    Cheap looks first (`nesting_bound`, and an anchor or alias needs a '&' or '*'). Only a file that fails a
    look is read, in one pass over the C parser's events, which it produces without recursion; an alias is
    named before its anchor.
    """
    if nesting_bound(text) <= MAX_DEPTH and "&" not in text and "*" not in text:
        return
    depth = 0
    anchors: dict[str, int] = {}
    for event in yaml.parse(text, Loader=_BaseLoader):
        mark = event.start_mark or _START
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise LoadError(f"nested more than {MAX_DEPTH} levels deep; a record needs a handful", mark.line,
                                mark.column, hint="Deep nesting is refused before parsing: it can crash YAML parsers.")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        anchor = getattr(event, "anchor", None)
        if anchor is None:
            continue
        if isinstance(event, yaml.AliasEvent):
            where = f" (defined on line {anchors[anchor]})" if anchor in anchors else ""
            raise LoadError(f"aliases are not allowed: *{anchor} repeats &{anchor}{where}; write the value out in full",
                            mark.line, mark.column)
        anchors.setdefault(anchor, mark.line + 1)
    if anchors:
        name, line = next(iter(anchors.items()))
        raise LoadError(f"anchors are not allowed (&{name}); records need none", line - 1, 0)


MAX_DIGITS = 30  # no figure or field needs a longer number; Python refuses past 4,300 digits anyway


def _integer(value: str, node: yaml.Node) -> int:
    """A plain integer, refused with a position when it is longer than any real quantity."""
    if len(value.lstrip("+-")) > MAX_DIGITS:
        mark = node.start_mark
        raise LoadError(f"a number of {len(value.lstrip('+-')):,} digits is longer than any quantity; if it is text, "
                        "write it in quotes", mark.line, mark.column)
    return int(value)
