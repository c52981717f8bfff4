"""The YAML loader: YAML 1.1 traps defused, duplicates and aliases refused, positions found lazily."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dossier.model_errors import validate_document
from dossier.models import Record
from dossier.yaml_read import Document, nesting_bound, read_yaml


def load(tmp_path: Path, text: str) -> tuple[Document | None, list]:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    return read_yaml(path, "evidence/x.yaml")


@pytest.mark.parametrize(
    "scalar, expected",
    [("NO", "NO"), ("yes", "yes"), ("off", "off"), ("010", "010"), ("0x1F", "0x1F"), ("2024-03-05", "2024-03-05"),
     ("1_000", "1_000"), ("12:30", "12:30"), ("true", True), ("false", False), ("15000", 15000), ("-3", -3),
     ("0.5", 0.5), ("null", None), ("~", None)],
)
def test_only_yaml_1_2_style_scalars_are_typed(tmp_path: Path, scalar: str, expected: object) -> None:
    doc, problems = load(tmp_path, f"value: {scalar}\n")
    assert not problems and doc is not None
    assert doc.data["value"] == expected and type(doc.data["value"]) is type(expected)


def test_duplicate_keys_name_both_lines(tmp_path: Path) -> None:
    _, problems = load(tmp_path, "a: 1\nb:\n  c: 2\n  c: 3\n")
    assert [p.text() for p in problems] == [
        "evidence/x.yaml:4:3: error: duplicate key 'c' (first given on line 3, again on line 4)\n"
        "    YAML would silently keep only the last value; keep one of them."
    ]


def test_alias_bomb_is_refused_before_expansion(tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    _, problems = load(tmp_path, bomb)
    assert len(problems) == 1 and "aliases are not allowed" in problems[0].message


def test_text_with_ampersands_and_asterisks_is_fine(tmp_path: Path) -> None:
    doc, problems = load(tmp_path, "title: 'AT&T * indicates required'\nnote: a & b\n")
    assert not problems and doc is not None and doc.data["title"] == "AT&T * indicates required"


def test_position_of_nested_keys(tmp_path: Path) -> None:
    doc, _ = load(tmp_path, "# comment\nid: x\ngrading:\n  reliability: B\n  credibility: 3\nlist:\n  - a\n  - b\n")
    assert doc is not None
    assert doc.position(("grading", "credibility")) == (5, 3)
    assert doc.position(("list", 1)) == (8, 5)
    assert doc.position(("grading", "missing")) == (3, 1)  # a missing key: its parent key
    assert doc.position(()) == (2, 1)


def test_positions_come_from_the_parse_and_are_composed_again_only_once_forgotten(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    composed = []
    compose = yaml.compose
    monkeypatch.setattr(yaml, "compose", lambda *args, **kwargs: composed.append(1) or compose(*args, **kwargs))
    doc, _ = load(tmp_path, "id: x\nlist:\n  - a\n")
    assert doc is not None and len(composed) == 1
    assert doc.position(("list", 0)) == (3, 5) and len(composed) == 1  # the parse's own tree: no second parse
    doc.forget_positions()
    assert doc._root is None
    assert doc.position(("list", 0)) == (3, 5) and len(composed) == 2


def test_bom_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes("\ufeffid: x\n".encode("utf-8"))
    doc, problems = read_yaml(path, "evidence/x.yaml")
    assert not problems and doc is not None and doc.data == {"id": "x"}


def test_strict_model_errors_are_positioned(tmp_path: Path) -> None:
    doc, _ = load(tmp_path, "id: x\ngrading:\n  reliability: B\n  credibility: '3'\n  justification: ok\n")
    assert doc is not None
    record, problems = validate_document(doc, Record)
    assert record is None
    by_message = {p.message.split(":")[0]: (p.line, p.col) for p in problems}
    assert by_message["grading.credibility"] == (4, 3)
    assert any(p.message == "missing required field 'passage'" and p.line == 1 for p in problems)


def test_a_number_longer_than_any_quantity_is_a_positioned_error() -> None:
    from dossier.yaml_read import parse_yaml

    for text in ("x: " + "9" * 4301, "a: !!int " + "9" * 5000, "a: [1, " + "9" * 50 + "]"):
        doc, problems = parse_yaml(text.encode(), "x.yaml")
        assert doc is None and len(problems) == 1 and "digits is longer than any quantity" in problems[0].message


def test_a_syntax_error_at_the_end_is_placed_inside_the_file() -> None:
    from dossier.yaml_read import parse_yaml

    for text in ("a: b\nso", "claim: >-\nso"):
        _, (problem,) = parse_yaml(text.encode(), "x.yaml")
        assert (problem.line, problem.col) == (2, 3), problem.text()


def test_many_shallow_flow_lists_are_not_taken_for_deep_nesting(tmp_path: Path) -> None:
    """More brackets than the depth limit (a register's `languages: [en]` per source) fail the cheap look only:
    the parser's events then count the real depth, 2."""
    text = "sources:\n" + "".join(f"  - id: s{i}\n    languages: [en, {{code: ko}}]\n" for i in range(80))
    doc, problems = load(tmp_path, text)
    assert not problems and doc is not None and len(doc.data["sources"]) == 80


def test_the_depth_limit_counts_collections_and_names_the_one_too_deep(tmp_path: Path) -> None:
    doc, problems = load(tmp_path, "a: " + "[" * 63 + "]" * 63 + "\n")  # the mapping and 63 lists: 64 levels
    assert not problems and doc is not None
    _, problems = load(tmp_path, "a: " + "[" * 64 + "]" * 64 + "\n")
    assert [(p.line, p.col, p.message) for p in problems] == [
        (1, 67, "nested more than 64 levels deep; a record needs a handful")]


def test_an_anchor_without_an_alias_is_refused_by_its_name(tmp_path: Path) -> None:
    _, problems = load(tmp_path, "a: x\nb: &keep [1, 2]\n")
    assert [(p.line, p.message) for p in problems] == [(2, "anchors are not allowed (&keep); records need none")]


# Ways a collection nests inside the one before it, as YAML writes them: on a new line further indented, as a
# list under a key at the key's own indentation (its item after '- ', or on the next line after a bare '-'),
# compact on the same line after '- ' or '? ', or in brackets.
_NESTINGS = st.lists(st.sampled_from(["map", "list", "indentless", "bare-indentless", "explicit-key", "flow"]),
                     min_size=1, max_size=40)


def _nested_yaml(steps: list[str]) -> str:
    """A document nesting one collection per step, down to a single value."""
    def block(index: int, col: int, inline: bool) -> str:
        """What goes at column `col`: on the current line right after an indicator when `inline`."""
        start = "" if inline else "\n" + " " * col
        if index == len(steps):
            return start + "x"
        step = steps[index]
        if step == "map":
            return start + "k:" + block(index + 1, col + 2, False)
        if step == "list":
            return start + "- " + block(index + 1, col + 2, True)
        under_key = not inline and index > 0 and steps[index - 1] == "map"
        if step == "indentless" and under_key:
            return "\n" + " " * (col - 2) + "- " + block(index + 1, col, True)
        if step == "bare-indentless" and under_key:  # '-' alone, its item on the next line one column further
            return "\n" + " " * (col - 2) + "-" + block(index + 1, col - 1, False)
        if step in ("explicit-key", "indentless", "bare-indentless"):
            return start + "? " + block(index + 1, col + 2, True) + "\n" + " " * col + ": v"
        return start + "[" * (len(steps) - index) + "x" + "]" * (len(steps) - index)
    return "root:" + block(0, 2, False) + "\n"


@settings(max_examples=300, deadline=None)
@given(_NESTINGS)
@example(["map", "bare-indentless"] * 10)  # two levels a column: a key, its list, the item's key one further
@example(["map", "indentless"] * 10)
def test_the_cheap_nesting_bound_is_never_below_the_real_depth(steps: list[str]) -> None:
    """The look that lets a file skip the depth check must never underestimate: a file it lets through could
    crash the parser."""
    text = _nested_yaml(steps)
    depth = deepest = 0
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                deepest = max(deepest, depth)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return  # not YAML: the parser refuses it anyway
    assert nesting_bound(text) >= deepest, text


@pytest.mark.parametrize("text", ["# a comment\n\ufeff" + "- " * 70 + "x\n", "\ufeff\ufeff" + "- " * 70 + "x\n"])
def test_a_byte_order_mark_at_the_start_of_a_later_line_hides_no_nesting(tmp_path: Path, text: str) -> None:
    """libyaml skips a byte order mark at the start of any line (parse_yaml strips only the file's first), so
    the dashes after one nest as if it were not there."""
    _, problems = load(tmp_path, text)
    assert [p.message for p in problems] == ["nested more than 64 levels deep; a record needs a handful"]
