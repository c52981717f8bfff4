"""The JSON Schema of an evidence record, for editors (hover text, completion, red squiggles).

The YAML language server (VS Code's YAML extension and others) reads the
`# yaml-language-server: $schema=...` modeline at the top of each evidence
file and expects JSON Schema draft-07. Pydantic emits draft 2020-12, so the
export converts: `$defs` become `definitions`, a `$ref` with siblings is
wrapped in `allOf` (draft-07 ignores siblings of `$ref`, which would hide the
hover text), and pydantic's own constraint names (`ge`, `le`, ...) become the
JSON Schema keywords. The models stay the single source of truth: the
schema is generated, committed, and a test fails when it is stale.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .models import Record

SCHEMA_PATH = Path("schema") / "evidence.schema.json"
DRAFT_07 = "http://json-schema.org/draft-07/schema#"
MODELINE = "# yaml-language-server: $schema=../schema/evidence.schema.json"

# Keywords whose value is one schema, a list of schemas, or a mapping of name -> schema.
_ONE_SCHEMA = ("items", "additionalProperties", "additionalItems", "not", "if", "then", "else", "contains",
               "propertyNames")
_SCHEMA_LIST = ("anyOf", "allOf", "oneOf")
_SCHEMA_MAP = ("properties", "definitions", "patternProperties")
# Pydantic writes constraints it cannot place on a union under their Python names.
_PYDANTIC_CONSTRAINTS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}
_REF_PREFIX_2020, _REF_PREFIX_07 = "#/$defs/", "#/definitions/"


def record_schema() -> dict[str, Any]:
    """The draft-07 schema of one evidence record, with every field's description kept for hover text."""
    schema = Record.model_json_schema()
    definitions = schema.pop("$defs", {})
    out: dict[str, Any] = {"$schema": DRAFT_07, **_to_draft_07(schema), "title": "dossier evidence record"}
    if definitions:
        out["definitions"] = {name: _to_draft_07(sub) for name, sub in definitions.items()}
    return out


def schema_text() -> str:
    """The schema as committed: stable key order, two-space indent, UTF-8, final newline."""
    return json.dumps(record_schema(), indent=2, ensure_ascii=False) + "\n"


def _to_draft_07(schema: Any) -> Any:
    """Rewrite one schema (recursively) from pydantic's 2020-12 dialect into draft-07."""
    if not isinstance(schema, dict):
        return schema  # `true`/`false` schemas are the same in both drafts
    out: dict[str, Any] = {}
    for key, value in schema.items():
        key = _PYDANTIC_CONSTRAINTS.get(key, key)
        if key == "$ref" and isinstance(value, str) and value.startswith(_REF_PREFIX_2020):
            value = _REF_PREFIX_07 + value[len(_REF_PREFIX_2020):]
        elif key in _ONE_SCHEMA:
            value = _to_draft_07(value)
        elif key in _SCHEMA_LIST:
            value = [_to_draft_07(item) for item in value]
        elif key in _SCHEMA_MAP:
            value = {name: _to_draft_07(item) for name, item in value.items()}
        elif key == "prefixItems":
            raise ValueError("tuple fields (prefixItems) have no draft-07 form the editor understands")
        out[key] = value
    if "$ref" in out and len(out) > 1:
        # Draft-07 ignores every keyword beside $ref; keep the description by moving the ref into allOf.
        out = {"allOf": [{"$ref": out.pop("$ref")}], **out}
    return out


def write_schema(root: Path) -> tuple[Path, bool]:
    """Write the schema under `root` if it differs; returns the path and whether it changed."""
    path = root / SCHEMA_PATH
    text = schema_text()
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(path, text)
    return path, True


def schema_is_current(root: Path) -> bool:
    path = root / SCHEMA_PATH
    return path.is_file() and path.read_text(encoding="utf-8") == schema_text()


def _write_atomically(path: Path, text: str) -> None:
    """Temp file and rename, so an interrupted write never leaves half a schema behind."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
