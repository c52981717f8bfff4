"""The command line as a whole: every command explains itself with an example and keeps the exit-status contract."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.cli import cli

COMMANDS = sorted(cli.commands)


def test_the_pull_request_commands_are_all_there() -> None:
    assert {"validate", "build", "schema", "add-source", "new", "diff", "stats"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output and f"dossier {command}" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unknown_option_is_bad_usage(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--no-such-option"])
    assert result.exit_code == 2 and "No such option" in result.output


@pytest.mark.parametrize(
    ("args", "status"),
    [(["stats"], 1), (["validate"], 1), (["new", "--source", "x"], 1), (["schema", "--check"], 1), (["diff", "HEAD"], 2)],
)
def test_a_root_that_does_not_exist_is_reported_without_a_traceback(tmp_path: Path, args: list[str],
                                                                    status: int) -> None:
    missing = tmp_path / "missing"
    result = CliRunner().invoke(cli, [args[0], "--root", str(missing), *args[1:]])
    assert result.exit_code == status, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert not missing.exists(), "nothing is created for a command that failed"
