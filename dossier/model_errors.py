"""Turning a parsed document into a model, with pydantic's errors reworded for analysts and positioned.

Pydantic says "Input should be a valid string"; an analyst needs the file, the
line, the field and what to write instead. Each error's location is mapped back
to the key or list item it names in the YAML (see `Document.position`).
"""

from __future__ import annotations

import difflib
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .problems import Problem, error
from .yaml_read import Document

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int, ...]  # where in a document: keys and list indexes


def validate_document(doc: Document, model: type[M],
                      top: str = "a mapping of fields") -> tuple[M | None, list[Problem]]:
    """Validate a parsed document against a model, turning each pydantic error into a positioned problem."""
    if not isinstance(doc.data, dict):
        line, col = doc.position(())
        return None, [error(doc.path, line, col, f"the top level must be {top}, found {_describe(doc.data)}")]
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        problems: dict[Loc, Problem] = {}
        for err in exc.errors():
            loc = _real_loc(doc.data, tuple(err["loc"]))
            # A union (int | float) fails once per branch at the same place; report it once.
            if loc not in problems:
                problems[loc] = _problem_from_pydantic(doc, model, err, loc)
        return None, list(problems.values())


def _describe(value: Any) -> str:
    return {list: "a list", str: "a single value", int: "a number", float: "a number", bool: "true/false"}.get(
        type(value), type(value).__name__
    )


def _problem_from_pydantic(doc: Document, model: type[BaseModel], err: ErrorDetails, loc: Loc) -> Problem:
    where = ".".join(str(p) for p in loc) or "(top level)"
    kind, message, hint = err["type"], err["msg"], None
    if kind == "extra_forbidden":
        allowed = _allowed_fields(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        message = f"unknown field '{loc[-1]}'" + (f" (did you mean '{close[0]}'?)" if close else "")
        hint = f"Allowed here: {', '.join(allowed)}." if allowed else None
    elif kind == "missing":
        message = f"missing required field '{loc[-1]}'"
    elif kind == "value_error":
        message = f"{where}: {message.removeprefix('Value error, ')}"
    elif kind == "string_pattern_mismatch":
        message = f"{where}: {_pattern_message(loc, err)}"
    elif kind in ("model_type", "dict_type") and (sub := _model_at(model, loc)) is not None:
        message, hint = _needs_fields(where, loc, sub)
    elif kind == "literal_error":
        message = _literal_message(where, loc, err)
    elif kind == "string_type" and isinstance(err["input"], (int, float, bool)):
        name = str(loc[-1]) if loc else where
        what = "the date" if name in _DATE_FIELDS else "the text"
        message = f'{where}: write {what} in quotes: {name}: "{_written(err["input"])}"'
    elif kind in ("int_type", "float_type") and isinstance(err["input"], str) and _number_text(err["input"]):
        message = f"{where}: write the number without quotes: {loc[-1] if loc else where}: {err['input'].strip()}"
    elif kind == "list_type" and not isinstance(err["input"], list):
        message = f"{where} is a list: write each item on a line of its own, starting with '- '"
        hint = f"For example:\n{loc[-1] if loc else where}:\n  - {_short(err['input']).strip(chr(39))}"
    elif kind in ("string_type", "int_type", "bool_type", "float_type", "list_type", "dict_type", "model_type"):
        message = f"{where}: {message.lower()}, found {_describe(err['input'])} {_short(err['input'])}"
        if isinstance(err["input"], str) and kind in ("int_type", "float_type") and err["input"][:1].isdigit():
            hint = "Write plain digits without leading zeros or separators (15000, not 015000 or 15,000)."
    else:
        message = f"{where}: {message}"
    line, col = doc.position(loc)
    return error(doc.path, line, col, message, hint)


_DATE_FIELDS = {"date", "published", "adopted", "evidence_cutoff"}


def _written(value: object) -> str:
    """A scalar as the analyst typed it: true/false for booleans, not Python's True/False."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _number_text(value: str) -> bool:
    return value.strip().replace(".", "", 1).isdigit()


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The nested model a location names, e.g. Grading at ('grading',), Figure at ('figures', 0)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            return None
        current = _inner_model(info.annotation)
        if current is None:
            return None
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _needs_fields(where: str, loc: Loc, sub: type[BaseModel]) -> tuple[str, str]:
    """'grading has three lines: reliability, credibility, justification', with an example block as the hint."""
    required = list(getattr(sub, "EXAMPLE_FIELDS", [name for name, info in sub.model_fields.items()
                                                     if info.is_required()]))
    lines = [f"{name}: {_example(sub.model_fields[name].annotation)}" for name in required]
    if loc and isinstance(loc[-1], int):  # an item of a list of mappings, e.g. figures.0
        block = [f"{loc[-2] if len(loc) > 1 else where}:"]
        block += [("  - " if i == 0 else "    ") + line for i, line in enumerate(lines)]
    else:
        block = [f"{loc[-1] if loc else where}:"] + [f"  {line}" for line in lines]
    count = {1: "one line", 2: "two lines", 3: "three lines", 4: "four lines"}.get(len(required),
                                                                                  f"{len(required)} lines")
    message = f"{where} has {count}: {', '.join(required)}, each on a line of its own"
    return message, "As in:\n" + "\n".join(block)


def _example(annotation: Any) -> str:
    """A value to show in an example block: the first allowed value, or a placeholder in words."""
    choices = [arg for arg in getattr(annotation, "__args__", ()) if isinstance(arg, (str, int))]
    return str(choices[0]) if choices else "..."


def _literal_message(where: str, loc: Loc, err: ErrorDetails) -> str:
    """credibility: "3" -> write the number without quotes; anything else lists the allowed values."""
    expected = err.get("ctx", {}).get("expected", "")
    value = err["input"]
    name = str(loc[-1]) if loc else where
    if isinstance(value, str) and value.strip().isdigit() and value.strip() in expected:
        return f"{where}: write the number without quotes: {name}: {value.strip()}"
    return f"{where}: {_short(value)} is not allowed here; write one of {expected}"


def _real_loc(data: Any, loc: tuple[str | int, ...]) -> Loc:
    """Keep only the parts of a pydantic loc that name keys or items (drops union branch labels such as 'int')."""
    out: list[str | int] = []
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        if in_dict or (isinstance(node, list) and isinstance(part, int) and part < len(node)):
            node = node[part]
            out.append(part)
        elif isinstance(node, dict) and isinstance(part, str) and out[-1:] != [part]:
            out.append(part)  # a missing key: still worth naming
            node = None
        else:
            continue
    return tuple(out)


def _pattern_message(loc: Loc, err: ErrorDetails) -> str:
    name = str(loc[-1]) if loc else ""
    value = _short(err["input"])
    if name in ("date", "published", "adopted"):
        return f"{value} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD in quotes"
    if loc[:1] == ("provisions",) and name == "id":
        return f"{value} is not a provision id; write it as catalog/provisions.yaml does, e.g. 2397-OP8"
    if name in ("id", "source", "corroborates", "contradicts") or isinstance(loc[-1], int):
        return f"{value} is not a valid id; use lower-case letters, digits and single hyphens"
    return f"{value} does not match the expected pattern {err['ctx']['pattern']}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _allowed_fields(model: type[BaseModel], loc: Loc) -> list[str]:
    """The field names valid at `loc` inside `model`, for 'did you mean' hints."""
    found = _model_at(model, loc)
    return list(found.model_fields) if found is not None else []


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
