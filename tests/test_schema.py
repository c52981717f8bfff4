"""The editor schema: committed, current, draft-07 as the YAML language server expects, hover text everywhere."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft7Validator

from dossier.cli import cli
from dossier.export import json_schema
from dossier.schema import DRAFT_07, EXPORT_SCHEMA_PATH, MODELINE, SCHEMA_PATH, record_schema, schema_text
from dossier.yaml_read import read_yaml

from .conftest import FIXTURES, REPO

# Every keyword draft-07 defines (validation, annotation, and core). Anything else is another dialect.
DRAFT_07_KEYWORDS = {
    "$schema", "$id", "$ref", "$comment", "title", "description", "default", "readOnly", "writeOnly", "examples",
    "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength",
    "pattern", "additionalItems", "items", "maxItems", "minItems", "uniqueItems", "contains", "maxProperties",
    "minProperties", "required", "additionalProperties", "definitions", "properties", "patternProperties",
    "dependencies", "propertyNames", "const", "enum", "type", "format", "contentMediaType", "contentEncoding",
    "if", "then", "else", "allOf", "anyOf", "oneOf", "not",
}


def subschemas(schema: Any, where: str = "#") -> Iterator[tuple[str, dict]]:
    """Every schema object inside `schema` (never a property *name*), with a JSON-pointer-ish location."""
    if not isinstance(schema, dict):
        return
    yield where, schema
    for key in ("items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"):
        if key in schema:
            yield from subschemas(schema[key], f"{where}/{key}")
    for key in ("anyOf", "allOf", "oneOf"):
        for index, item in enumerate(schema.get(key, [])):
            yield from subschemas(item, f"{where}/{key}/{index}")
    for key in ("properties", "definitions", "patternProperties"):
        for name, item in schema.get(key, {}).items():
            yield from subschemas(item, f"{where}/{key}/{name}")


def test_committed_schema_is_current() -> None:
    committed = (REPO / SCHEMA_PATH).read_text(encoding="utf-8")
    assert committed == schema_text(), "schema/evidence.schema.json is stale: run `dossier schema` and commit it"


def test_schema_is_draft_07_and_nothing_else() -> None:
    schema = record_schema()
    assert schema["$schema"] == DRAFT_07
    Draft7Validator.check_schema(schema)
    strangers = {f"{where}: {key}" for where, sub in subschemas(schema) for key in sub if key not in DRAFT_07_KEYWORDS}
    assert not strangers, f"keywords draft-07 does not know (2020-12 or pydantic's own): {sorted(strangers)}"
    text = schema_text()
    assert "$defs" not in text and "#/definitions/" in text


def test_refs_have_no_siblings_that_draft_07_would_ignore() -> None:
    for where, sub in subschemas(record_schema()):
        if "$ref" in sub:
            assert set(sub) == {"$ref"}, f"{where}: draft-07 ignores {sorted(set(sub) - {'$ref'})} beside $ref"


def test_every_field_has_hover_text() -> None:
    schema = record_schema()
    missing = [
        f"{where}/properties/{name}"
        for where, sub in subschemas(schema)
        for name, prop in sub.get("properties", {}).items()
        if not prop.get("description", "").strip()
    ]
    assert not missing, f"fields without a description: {missing}"
    # The nested objects are reachable: hover works inside event, grading, provisions, actors and figures.
    assert {"Event", "Grading", "ProvisionTag", "Actor", "Figure"} <= set(schema["definitions"])


def evidence_files() -> list[Path]:
    return sorted((FIXTURES / "root" / "evidence").glob("*.yaml")) + sorted((REPO / "evidence").glob("*.yaml"))


@pytest.mark.parametrize("path", evidence_files(), ids=lambda p: p.stem)
def test_shipped_records_satisfy_the_schema_and_carry_the_modeline(path: Path) -> None:
    assert path.read_text(encoding="utf-8").splitlines()[0] == MODELINE
    doc, problems = read_yaml(path, path.name)
    assert doc is not None, problems
    errors = sorted(Draft7Validator(record_schema()).iter_errors(doc.data), key=str)
    assert not errors, [e.message for e in errors]


def test_schema_flags_what_an_editor_should_underline() -> None:
    validator = Draft7Validator(record_schema())
    doc, _ = read_yaml(FIXTURES / "root" / "evidence" / "fixture-15000-workers.yaml", "x.yaml")
    assert doc is not None
    bad = json.loads(json.dumps(doc.data))
    bad["grading"]["credibility"] = "3"
    bad["sttaus"] = "draft"
    bad["figures"][0]["quantity"] = -1
    messages = " | ".join(e.message for e in validator.iter_errors(bad))
    assert "'3' is not one of [1, 2, 3, 4, 5, 6]" in messages
    assert "'sttaus' was unexpected" in messages
    assert "-1 is not valid under any of the given schemas" in messages  # a number >= 0, or nothing


def test_schema_command_writes_and_checks_both_schemas(tmp_path: Path) -> None:
    runner = CliRunner()
    stale = runner.invoke(cli, ["schema", "--root", str(tmp_path), "--check"])
    assert stale.exit_code == 1 and "stale" in stale.output
    assert not (tmp_path / "schema").exists(), "--check writes nothing"
    wrote = runner.invoke(cli, ["schema", "--root", str(tmp_path)])
    assert wrote.exit_code == 0, wrote.output
    assert (tmp_path / SCHEMA_PATH).read_text(encoding="utf-8") == schema_text()
    assert (tmp_path / EXPORT_SCHEMA_PATH).read_text(encoding="utf-8") == json_schema()
    again = runner.invoke(cli, ["schema", "--root", str(tmp_path)])
    assert again.exit_code == 0 and again.output.count("unchanged") == 2
    assert runner.invoke(cli, ["schema", "--root", str(tmp_path), "--check"]).exit_code == 0
    (tmp_path / EXPORT_SCHEMA_PATH).write_text("{}\n", encoding="utf-8")
    export_stale = runner.invoke(cli, ["schema", "--root", str(tmp_path), "--check"])
    assert export_stale.exit_code == 1 and "dossier.schema.json is stale" in export_stale.output


def test_schema_help_has_an_example() -> None:
    result = CliRunner().invoke(cli, ["schema", "--help"])
    assert result.exit_code == 0 and "Example" in result.output and "dossier schema" in result.output


def test_check_fails_on_a_schema_one_description_out_of_date(tmp_path: Path) -> None:
    """The staleness check compares every byte: a model whose hover text changed makes it fail."""
    stale = schema_text().replace("Stable id, equal to the file name", "Stable id, the same as the file name")
    assert stale != schema_text()
    (tmp_path / SCHEMA_PATH).parent.mkdir(parents=True)
    (tmp_path / SCHEMA_PATH).write_text(stale, encoding="utf-8")
    result = CliRunner().invoke(cli, ["schema", "--root", str(tmp_path), "--check"])
    assert result.exit_code == 1 and "stale: run `dossier schema`" in result.output
    assert (tmp_path / SCHEMA_PATH).read_text(encoding="utf-8") == stale  # --check writes nothing
