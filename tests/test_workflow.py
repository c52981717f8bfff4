"""The pull-request path: the analyst's steps in the README's "Adding evidence" section, and the CI workflow that checks them.

The end-to-end test runs the `dossier` commands written in the doc, as written, in a temporary copy
of the repository, and fills the record in with the YAML the doc shows; so the doc cannot drift
from what the commands do.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from dossier.cli import cli

from .conftest import FIXTURES, REPO, git

README = REPO / "README.md"
WORKFLOW = REPO / ".github" / "workflows" / "dossier.yml"
ARTICLE = FIXTURES / "articles" / "example-gazette.txt"
RECORD_ID = "gazette-120-workers-test-site"


# --- The analyst's path, end to end --------------------------------------------


def guide() -> str:
    """The README's "Adding evidence" walk-through (steps 1 to 10), up to its first subsection or the next
    section: the subsections on kinds of capture show further examples, not run here."""
    text = README.read_text(encoding="utf-8")
    start = text.index("## Adding evidence\n")
    end = min((i for i in (text.find("\n## ", start + 1), text.find("\n### ", start + 1)) if i != -1), default=-1)
    return text[start:end if end != -1 else None]


def code_blocks(markdown: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", markdown, flags=re.MULTILINE | re.DOTALL)


def doc_commands() -> list[list[str]]:
    """Every `dossier ...` command in the doc's shell blocks, continuation lines joined, comments dropped."""
    commands = []
    for block in code_blocks(guide(), "sh"):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words[:1] == ["dossier"]:
                commands.append(words[1:])
    return commands


def run_in(root: Path, args: list[str]) -> Result:
    """One command as the analyst types it, in `root` (the capture path is the test's own article)."""
    args = [str(ARTICLE) if a == "~/captures/example-gazette.txt" else a for a in args]
    return CliRunner().invoke(cli, [args[0], "--root", str(root), *args[1:]])



@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A temporary copy of the repository's data as a git checkout, with `origin/main` at its first commit."""
    dest = tmp_path / "repo"
    for name in ("evidence", "seeds", "catalog", "schema"):
        shutil.copytree(REPO / name, dest / name)
    shutil.copy2(REPO / "brief.yaml", dest / "brief.yaml")
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "--no-gpg-sign", "-m", "main")
    git(dest, "update-ref", "refs/remotes/origin/main", "HEAD")
    return dest


def test_the_doc_uses_only_the_pull_request_commands() -> None:
    assert [c[0] for c in doc_commands()] == ["add-source", "new", "validate", "build", "diff"]
    text = guide()
    assert "dossier stats" in text


def test_an_analyst_goes_from_an_article_to_a_record_in_the_brief(checkout: Path) -> None:
    add_source, new, validate, build, diff = doc_commands()

    archived = run_in(checkout, add_source)
    assert archived.exit_code == 0, archived.output
    assert archived.stdout == "example-gazette-test\n"
    assert any((checkout / "seeds" / p.name).read_bytes() == ARTICLE.read_bytes()
               for p in (checkout / "seeds").iterdir())
    placeholders = run_in(checkout, validate)
    assert placeholders.exit_code == 1 and "notes still holds the placeholder" in placeholders.output
    entry_tail, origins, filled = code_blocks(guide(), "yaml")
    register = checkout / "seeds" / "sources.yaml"
    text = register.read_text(encoding="utf-8")
    register.write_text(text[:text.rindex("    unknown:\n")] + entry_tail, encoding="utf-8")

    started = run_in(checkout, new)
    assert started.exit_code == 0, started.output
    path = Path(started.stdout.strip())
    assert path == checkout / "evidence" / f"{RECORD_ID}.yaml"

    unfinished = run_in(checkout, validate)
    assert unfinished.exit_code == 1
    assert f"evidence/{RECORD_ID}.yaml:" in unfinished.output and "passage: must not be blank" in unfinished.output

    with (checkout / "catalog" / "origins.yaml").open("a", encoding="utf-8") as register:
        register.write(origins)
    path.write_text(filled, encoding="utf-8")
    finished = run_in(checkout, validate)
    assert finished.exit_code == 0, finished.output

    built = run_in(checkout, build)
    assert built.exit_code == 0, built.output
    passage = ("The Example Gazette was told by a fictitious official that 120 workers arrived at a test site "
               "in March 2024.")
    html = (checkout / "build" / "dossier.html").read_text(encoding="utf-8")
    assert f'id="{RECORD_ID}"' in html and passage in " ".join(html.split())
    exported = json.loads((checkout / "build" / "dossier.json").read_text(encoding="utf-8"))
    record = next(r for r in exported["records"] if r["id"] == RECORD_ID)
    assert record["passage"] == passage and record["status"] == "draft"

    summary = run_in(checkout, diff)
    assert summary.exit_code == 0, summary.output
    assert "✅ **Valid at head**" in summary.output
    assert f"- `{RECORD_ID}`: The Example Gazette, citing an official" in summary.output
    assert "### Sources added (1)\n\n- `example-gazette-test`: The Example Gazette" in summary.output
    assert re.search(r"\| `2397-OP8` [^|]* \| (\d+) → (\d+) \| added `" + RECORD_ID + "` \\|", summary.output)


# --- The CI workflow ---------------------------------------------------------------


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def steps(workflow: dict) -> list[dict]:
    (job,) = workflow["jobs"].values()
    assert job["runs-on"].startswith("ubuntu-")
    return job["steps"]


def step_running(steps: list[dict], command: str) -> int:
    """The index of the step whose `run` contains `command`."""
    hits = [i for i, step in enumerate(steps) if command in step.get("run", "")]
    assert len(hits) == 1, f"expected one step running {command!r}, found {len(hits)}"
    return hits[0]


def step_using(steps: list[dict], action: str) -> dict:
    (step,) = [s for s in steps if s.get("uses", "").split("@")[0] == action]
    assert re.fullmatch(r"v[0-9]+", step["uses"].split("@")[1]), "pin actions to a major version"
    return step


def test_workflow_runs_on_pull_requests(workflow: dict) -> None:
    assert set(workflow) >= {"name", "on", "jobs"}, "a bare `on:` would load as True: it must stay quoted"
    assert "pull_request" in workflow["on"]
    assert workflow["permissions"] == {"contents": "read"}


def test_workflow_sets_up_as_the_readme_does(steps: list[dict]) -> None:
    assert step_using(steps, "actions/checkout")["with"]["fetch-depth"] == 0
    assert step_using(steps, "actions/setup-python")["with"]["python-version"] == "3.11"
    setup = step_running(steps, "make setup")
    assert step_running(steps, "sudo ./scripts/system-deps build") < setup
    assert setup < step_running(steps, ".venv/bin/dossier validate --format github")


def test_workflow_validates_builds_uploads_and_summarises_in_order(steps: list[dict]) -> None:
    validate = step_running(steps, ".venv/bin/dossier validate --format github")
    build = step_running(steps, "make dossier")
    upload = steps.index(step_using(steps, "actions/upload-artifact"))
    summary = step_running(steps, ".venv/bin/dossier diff")
    assert validate < build < upload < summary
    assert steps[upload]["with"]["path"].rstrip("/") == "build"
    diff = steps[summary]
    assert diff["run"] == '.venv/bin/dossier diff "origin/$BASE_REF" >> "$GITHUB_STEP_SUMMARY"'
    assert diff["env"]["BASE_REF"] == "${{ github.base_ref }}", "the branch name reaches the shell as data only"
    assert diff["if"].startswith("always()"), "reviewers get the summary even when validation fails"


def test_workflow_uses_only_make_targets_and_the_installed_commands(steps: list[dict]) -> None:
    allowed = ("make ", ".venv/bin/dossier ", "sudo ./scripts/system-deps ")
    for step in steps:
        for line in step.get("run", "").splitlines():
            assert line.startswith(allowed), f"not part of the README's set-up: {line}"
        assert "${{" not in step.get("run", ""), "expressions go through env, never into the script"


def test_workflow_passes_the_repositorys_yamllint_rules() -> None:
    from yamllint import linter
    from yamllint.config import YamlLintConfig

    config = YamlLintConfig(file=str(REPO / ".yamllint"))
    problems = [f"{p.line}:{p.column} {p.desc}" for p in linter.run(WORKFLOW.read_text(encoding="utf-8"), config)]
    assert not problems


def test_workflow_is_valid_against_githubs_workflow_schema(tmp_path: Path) -> None:
    """GitHub's own workflow schema, as vendored by check-jsonschema (offline; actionlint has no installable
    build here: its PyPI package downloads a binary while building). It must also reject a broken workflow."""
    checker = Path(sys.executable).parent / "check-jsonschema"
    args = [str(checker), "--builtin-schema", "vendor.github-workflows"]
    good = subprocess.run([*args, str(WORKFLOW)], capture_output=True, text=True)
    assert good.returncode == 0, good.stdout + good.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text(encoding="utf-8").replace("runs-on:", "runs_on:"), encoding="utf-8")
    bad = subprocess.run([*args, str(broken)], capture_output=True, text=True)
    assert bad.returncode == 1, bad.stdout
