"""Writing YAML text that reads back exactly as meant, under any YAML 1.1 or 1.2 reader.

`add-source` appends a register entry as text (so the register's earlier bytes
and comments survive exactly) and `new` writes a skeleton: both need values
quoted where a reader might take them for something else (`yes`, `2024-05`,
`010`, `1e3`), and long text folded so a reviewer's diff stays readable.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from typing import Any

import yaml

from .yaml_read import EvidenceLoader, LoadError

# Characters a YAML stream may not contain literally (YAML 1.2, section 5.1); they must be escaped.
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Plain scalars that a YAML 1.2 (core schema) reader, such as an editor's language server, takes for numbers.
_YAML_12_NUMBER = re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+"
                             r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")


def yaml_scalar(value: str | None) -> str:
    """One value as YAML text that reads back as exactly this string under any YAML 1.1 or 1.2 loader.

    Plain where that is unambiguous, else double-quoted: `yes`, `2024-05`, `010` and `a: b` get quotes.
    """
    if value is None:
        return ""
    plain_ok = (
        value
        and value == value.strip()
        and "\n" not in value
        and not re.search(r"[\x00-\x1f\x7f\u0085\u2028\u2029\ufeff]", value)
        and _reads_back(value, yaml.SafeLoader)  # YAML 1.1 rules: catches yes/no/on/off, octals, dates
        and _reads_back(value, EvidenceLoader)
        and not _YAML_12_NUMBER.match(value)  # `1e3` is text to YAML 1.1 but a number to YAML 1.2
    )
    return value if plain_ok else _double_quoted(value)


def _reads_back(value: str, loader: type[yaml.SafeLoader]) -> bool:
    try:
        return bool(yaml.load(f"key: {value}\n", Loader=loader) == {"key": value})
    except (yaml.YAMLError, LoadError):
        return False


def _double_quoted(value: str) -> str:
    out = ['"']
    for char in value:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") or _NOT_PRINTABLE.match(char):
            out.append(f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def value_lines(key: str, value: str | None, indent: str, width: int = 100) -> list[str]:
    """`key: value`, folded over several lines (`>-`) when long, so lines stay readable in a diff."""
    rendered = yaml_scalar(value)
    single = f"{indent}{key}: {rendered}".rstrip()
    if value is None or len(single) <= width or not _foldable(value):
        return [single]
    body = textwrap.wrap(value, width=width - len(indent) - 2, break_long_words=False, break_on_hyphens=False)
    return [f"{indent}{key}: >-"] + [f"{indent}  {line}" for line in body]


def _foldable(value: str) -> bool:
    """A folded block gives back single spaces between words; only text already like that survives it."""
    return value == " ".join(value.split()) and not value.startswith(("#", "-", "?", ":")) and value.isprintable()



def entry_lines(entry: dict[str, Any], dash: str) -> list[str]:
    """A mapping as one block-style list item: `dash` is the indentation of its `- `."""
    inner = dash + "  "
    lines: list[str] = []
    for key, value in entry.items():
        prefix = f"{dash}- " if not lines else inner
        lines += _field_lines(key, value, prefix, inner)
    return lines


def _field_lines(key: str, value: Any, prefix: str, inner: str) -> list[str]:
    """One field of the entry; `prefix` is the indentation (or `- `) of its first line."""
    if isinstance(value, list):
        if not value:
            return [f"{prefix}{key}: []"]
        return [f"{prefix}{key}:"] + [f"{inner}  - {yaml_scalar(item)}" for item in value]
    if isinstance(value, dict):
        lines = [f"{prefix}{key}:"]
        for sub_key, sub_value in value.items():
            lines += _field_lines(sub_key, sub_value, inner + "  ", inner + "  ")
        return lines
    first = value_lines(key, value, inner)
    return [prefix + first[0][len(inner):]] + first[1:]
