"""The YAML loader: YAML 1.1 traps defused, duplicates and aliases refused, positions found lazily."""

from __future__ import annotations

from pathlib import Path

import pytest

from dossier.model_errors import validate_document
from dossier.models import Record
from dossier.yaml_read import Document, read_yaml


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


def test_positions_are_only_computed_on_demand(tmp_path: Path) -> None:
    doc, _ = load(tmp_path, "id: x\n")
    assert doc is not None and doc._root is None
    doc.position(("id",))
    assert doc._root is not None


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
