"""Operational errors: a command cannot do what was asked. Each carries its exit status.

Problems in the evidence are not exceptions: they are `Problem`s, collected and
reported all at once (see problems.py). The exceptions here stop a command, and
the command line turns every one of them into a one-line message and its exit
status in a single handler (cli.py), as mkdocs does.

Exit status: 1 for input the command cannot accept (invalid evidence, a file it
cannot read or write, a capture already archived); 2 for bad usage (an unknown
revision, a folder that is not a checkout).
"""

from __future__ import annotations


class DossierError(Exception):
    """Base of every error a command reports to the user; `exit_code` is the process's exit status."""

    exit_code = 1

    def report(self) -> str:
        """What the command line prints for this error (on standard error)."""
        return f"error: {self}"


class InputError(DossierError):
    """The inputs or a file the command needs cannot be used; the message says what to do instead."""


class BuildError(DossierError):
    """The brief was not written: the message says why (validation report or render failure)."""

    def report(self) -> str:
        return str(self)  # a validation report already says "error:" on each line


class RenderError(BuildError):
    """Rendering failed (a blocked fetch, a WeasyPrint warning, a template error): nothing is written."""


class ScaffoldError(InputError):
    """`add-source` or `new` cannot create what was asked; nothing was written."""


class UsageError(DossierError):
    """The command was asked something that cannot be answered as asked (bad usage)."""

    exit_code = 2


class ReviewError(UsageError):
    """The comparison cannot be made as asked (not a git checkout, unknown revision)."""
