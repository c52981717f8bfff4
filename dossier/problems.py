"""Problems found in the inputs, and how they are printed.

Every stage reports what is wrong as a `Problem` tied to a file and a
position, so that an analyst can jump straight to the line. Stages collect
problems instead of raising, so that one run reports all of them at once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the inputs, positioned in a repository file."""

    path: str
    line: int
    col: int
    severity: Severity = field(compare=False)
    message: str = field(compare=False)
    hint: str | None = field(default=None, compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def text(self) -> str:
        """Render as `path:line:col: severity: message`, the compiler convention editors understand.

        Control characters from the inputs (a capture's terminal escape sequences, NUL) are shown as escapes,
        never sent to the terminal as they are.
        """
        out = f"{inert(self.path)}:{self.line}:{self.col}: {self.severity}: {inert(self.message)}"
        if self.hint:
            out += "\n" + "\n".join("    " + inert(line) for line in self.hint.splitlines())
        return out

    def github(self) -> str:
        """Render as a GitHub Actions workflow command, which annotates the changed line in a PR."""
        message = inert(self.message + (f" ({self.hint})" if self.hint else ""), keep="\n")
        return (
            f"::{self.severity} file={_gh_property(self.path)},line={self.line},"
            f"col={self.col}::{_gh_data(message)}"
        )


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def inert(text: str, keep: str = "") -> str:
    """Text safe to print in a terminal: control characters (and bidirectional overrides) as visible escapes."""
    return _CONTROL.sub(lambda m: m.group() if m.group() in keep else m.group().encode("unicode_escape").decode(),
                        text)


def error(path: str, line: int, col: int, message: str, hint: str | None = None) -> Problem:
    return Problem(path, line, col, "error", message, hint)


def warning(path: str, line: int, col: int, message: str, hint: str | None = None) -> Problem:
    return Problem(path, line, col, "warning", message, hint)


def _gh_data(text: str) -> str:
    # The escaping GitHub's toolkit applies to workflow-command data.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def summary_line(records: int, problems: Iterable[Problem]) -> str:
    problems = list(problems)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    return (
        f"{records} record{'s' if records != 1 else ''}, "
        f"{errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
    )


def format_report(problems: Iterable[Problem], records: int, fmt: str) -> str:
    """The whole report in one of the three formats `validate` offers."""
    ordered = sorted(problems)
    if fmt == "json":
        return json.dumps(
            {
                "records": records,
                "errors": sum(p.is_error for p in ordered),
                "warnings": sum(not p.is_error for p in ordered),
                "problems": [asdict(p) for p in ordered],
            },
            indent=2,
            ensure_ascii=False,
        )
    lines = [p.github() if fmt == "github" else p.text() for p in ordered]
    lines.append(summary_line(records, ordered))
    return "\n".join(lines)
