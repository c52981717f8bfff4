"""`dossier diff` and `dossier stats`: what a pull request changes in the brief, read from real git history."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dossier.cli import cli
from dossier.models import ADDED_NOTE, NOT_GIVEN
from dossier.review.markdown import code, fenced, md, word_diff

from .conftest import FIXTURE_CAPTURE, FIXTURES, git

WORKERS = "fixture-15000-workers"
VISAS = "fixture-student-visas"


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-gpg-sign", "-m", message)


@pytest.fixture
def repo(root: Path) -> Path:
    """The small fixture root as a git checkout with one commit, tagged `base`."""
    git(root, "init", "-q")
    commit(root, "base")
    git(root, "tag", "base")
    return root


def diff(repo: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["diff", "--root", str(repo), *args])


def record_text(repo: Path, record_id: str) -> str:
    return (repo / "evidence" / f"{record_id}.yaml").read_text(encoding="utf-8")


def write_record(repo: Path, record_id: str, text: str) -> None:
    (repo / "evidence" / f"{record_id}.yaml").write_text(text, encoding="utf-8")


def add_copy_of_workers(repo: Path, new_id: str, title: str = "A second report of the 15,000 workers") -> None:
    text = record_text(repo, WORKERS).replace(f"id: {WORKERS}", f"id: {new_id}")
    write_record(repo, new_id, text.replace("title: About 15,000 North Korean workers sent to Russia",
                                            f"title: {title}"))


def section(output: str, heading: str) -> str:
    """The text of one `### heading` section of the summary."""
    start = output.index(heading)
    end = output.find("\n### ", start + 1)
    return output[start:] if end == -1 else output[start:end]


def assert_clean(result: Result, code_: int) -> None:
    assert result.exit_code == code_, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# --- diff ------------------------------------------------------------------------


def test_no_change_says_so_and_reports_validation(repo: Path) -> None:
    result = diff(repo, "base")
    assert_clean(result, 0)
    assert result.output.startswith("## Evidence changes: `base (")
    assert "→ `working tree`" in result.output
    assert "✅ **Valid at head**: 2 records, 0 errors, 0 warnings." in result.output
    assert "No change to the evidence" in result.output


def test_added_record_shows_its_passage_and_the_chapter_it_joins(repo: Path) -> None:
    add_copy_of_workers(repo, "fixture-second-report")
    result = diff(repo, "base")
    assert_clean(result, 0)
    added = section(result.output, "### Records added (1)")
    assert "`fixture-second-report`: A second report of the 15,000 workers" in added
    assert "source `fixture-kyiv-15000`; provisions `2397-OP8`; grade B3; reviewed" in added
    assert "passage: “North Korea sent about 15,000 labor migrants to Russia" in added
    chapters = section(result.output, "### Chapters of the brief that change (1)")
    assert "| `2397-OP8` Repatriation of DPRK nationals earning income abroad | 2 → 3 | added " \
           "`fixture-second-report` |" in chapters
    assert "**In short:** 1 record added; 0 removed; 0 changed; 0 sources added; 1 chapter" in result.output


def test_removed_record_is_called_out_first_and_its_chapter_dropped(repo: Path) -> None:
    (repo / "evidence" / f"{VISAS}.yaml").unlink()
    result = diff(repo, "base")
    assert_clean(result, 0)
    out = result.output
    assert "### ⚠️ Records removed (1)" in out and "These findings leave the brief" in out
    assert out.index("Records removed") < out.index("Chapters of the brief")
    assert f"`{VISAS}`: Workers entered Russia on student visas" in section(out, "### ⚠️ Records removed")
    chapters = section(out, "### Chapters of the brief that change (2)")
    assert f"| `2375-OP17` No new work authorizations for DPRK nationals | 1 → 0 | chapter dropped; removed " \
           f"`{VISAS}` |" in chapters
    # The removed record corroborated the other one, whose finding loses that link: its chapter changes too.
    assert f"| 2 → 1 | removed `{VISAS}`; changed `{WORKERS}` |" in chapters


def test_changed_record_lists_only_the_fields_that_change(repo: Path) -> None:
    text = record_text(repo, VISAS)
    text = text.replace("status: draft", "status: reviewed").replace("credibility: 3", "credibility: 2")
    text = text.replace("many North Korean workers came", "many North Korean workers had come")
    text = text.replace(
        "  - id: 2375-OP17\n    rationale: Student visas used to admit workers, avoiding work authorizations.\n", "")
    write_record(repo, VISAS, text)
    result = diff(repo, "base")
    assert_clean(result, 0)
    changed = section(result.output, "### Records changed (1)")
    assert f"- `{VISAS}`: Workers entered Russia on student visas" in changed
    assert "  - `status`: draft → reviewed" in changed
    assert "  - `grading.credibility`: 3 → 2" in changed
    assert "  - `provisions`: −2375-OP17" in changed
    assert "  - `claim`: … many North Korean workers ~~came~~ **had come** to Russia on student visas." in changed
    for untouched in ("`passage`", "`title`", "`source`", "`event", "`corroborates`", "`reporting_chain`"):
        assert untouched not in changed
    chapters = section(result.output, "### Chapters of the brief that change")
    assert "1 → 0 | chapter dropped; removed" in chapters and f"changed `{VISAS}`" in chapters


def test_sources_added_and_captures_edited(repo: Path) -> None:
    added = CliRunner().invoke(cli, ["add-source", "--root", str(repo), str(FIXTURES / "articles" / "example-gazette.txt"),
                                     "--outlet", "The Example Gazette", "--title", "Test page", "--id", "gazette"])
    assert added.exit_code == 0, added.output
    placeholders = diff(repo, "base")
    assert_clean(placeholders, 1)  # add-source's placeholders are to be replaced before the source is used
    assert "notes still holds the placeholder" in placeholders.output
    register = repo / "seeds" / "sources.yaml"
    register.write_text(register.read_text(encoding="utf-8").replace(NOT_GIVEN, "the page does not show it")
                        .replace(ADDED_NOTE.split(": ")[0], "Read off the page"), encoding="utf-8")
    result = diff(repo, "base")
    assert_clean(result, 0)
    sources = section(result.output, "### Sources added (1)")
    assert "- `gazette`: The Example Gazette, “Test page”, date unknown, original reporting (capture `seeds/003_" in sources
    assert "Archived captures touched" not in result.output

    capture = repo / "seeds" / FIXTURE_CAPTURE
    capture.write_bytes(capture.read_bytes().replace(b"about 15,000", b"about 25,000"))
    edited = diff(repo, "base")
    assert_clean(edited, 1)  # the register's hash no longer matches: invalid at head
    assert f"- `seeds/{FIXTURE_CAPTURE}` was **edited**" in section(edited.output, "### ⚠️ Archived captures touched")
    assert "❌ **Invalid at head**" in edited.output and "has changed since it was archived" in edited.output


def test_head_revision_is_read_and_validated_from_git_not_the_working_tree(repo: Path) -> None:
    add_copy_of_workers(repo, "fixture-broken")
    write_record(repo, "fixture-broken", record_text(repo, "fixture-broken").replace("status: reviewed", "status: done"))
    commit(repo, "a broken record")
    write_record(repo, "fixture-broken", record_text(repo, "fixture-broken").replace("status: done", "status: draft"))

    committed = diff(repo, "base", "HEAD")
    assert_clean(committed, 1)
    assert "→ `HEAD (" in committed.output and "❌ **Invalid at head**" in committed.output
    assert "evidence/fixture-broken.yaml:33:1: error: status:" in committed.output

    working = diff(repo, "base")
    assert_clean(working, 0)
    assert "Records added (1)" in working.output and "draft" in working.output


def test_a_record_that_does_not_parse_is_still_summarised(repo: Path) -> None:
    shutil.copy2(FIXTURES / "bad" / "syntax-error.yaml", repo / "evidence" / "syntax-error.yaml")
    write_record(repo, WORKERS, record_text(repo, WORKERS) + "  broken: [\n")
    result = diff(repo, "base")
    assert_clean(result, 1)
    assert "- `syntax-error`: the file does not parse" in section(result.output, "### Records added (1)")
    assert "`(file)`: readable → unreadable" in section(result.output, "### Records changed (1)")
    assert "evidence/syntax-error.yaml:3:" in result.output


def test_root_may_be_a_folder_inside_the_checkout(tmp_path: Path, root: Path) -> None:
    checkout = tmp_path / "checkout"
    shutil.copytree(root, checkout / "data" / "dossier")
    git(checkout, "init", "-q")
    commit(checkout, "base")
    inner = checkout / "data" / "dossier"
    (inner / "evidence" / f"{VISAS}.yaml").unlink()
    result = diff(inner, "HEAD")
    assert_clean(result, 0)
    assert "Records removed (1)" in result.output


def test_input_text_cannot_reshape_the_summary(repo: Path) -> None:
    hostile = "<img src=x onerror=alert(1)> [click](https://evil.example) | cell @maintainer **bold**"
    add_copy_of_workers(repo, "fixture-hostile", title=f'"{hostile}"')
    result = diff(repo, "base")
    assert_clean(result, 0)
    entry = next(out for out in result.output.splitlines() if out.startswith("- `fixture-hostile`: "))
    title = entry.removeprefix("- `fixture-hostile`: ")
    assert title == md(hostile)
    outside_code = re.sub(r"`[^`]*`", "", title)  # code spans are inert: no formatting, links or mentions
    assert not re.search(r"(?<!\\)[<>\[\]|@*`]", outside_code), "every character that could format is escaped"
    assert "`https://evil.example`" in title and "`@maintainer`" in title


def test_a_provision_id_cannot_split_a_table_cell(repo: Path) -> None:
    write_record(repo, VISAS, record_text(repo, VISAS).replace("id: 2375-OP17", "id: 2375|OP17"))
    result = diff(repo, "base")
    assert_clean(result, 1)  # not a provision id: invalid at head, summarised all the same
    rows = [line for line in result.output.splitlines() if line.startswith("| `2375\\|")]
    assert rows == ["| `2375\\|OP17` | 0 → 1 | new chapter; added `fixture-student-visas` |"]
    assert len(re.findall(r"(?<!\\)\|", rows[0])) == 4, "three cells, no more"


def test_markdown_helpers() -> None:
    assert md("a <b> [c](d) | e_f *g* `h` ~i~ &j @k\n  l") == r"a \<b\> \[c\](d) \| e\_f \*g\* \`h\` \~i\~ \&j `@k` l"
    # What GitHub would autolink even escaped (addresses, issue references, mentions, emoji, commits): code spans.
    assert md("see https://x.example/a), #12, org/repo#3, GH-4, :rocket: and 0a1b2c3d") == (
        "see `https://x.example/a`), `#12`, `org/repo#3`, `GH-4`, `:rocket:` and `0a1b2c3d`")
    assert md("the defaced page") == "the defaced page"  # a word of hex letters is no commit
    assert code("a`b") == "`a'b`"
    assert fenced("x ```` y").startswith("`````text\n")
    assert word_diff("one two three", "one two  three") == "only spaces or line breaks changed"
    long_text = " ".join(f"w{i}" for i in range(30))
    assert word_diff(long_text, long_text.replace("w15", "W15")) == "… w11 w12 w13 w14 ~~w15~~ **W15** w16 w17 w18 w19 …"


@pytest.mark.parametrize(
    "args",
    [["no-such-revision"], ["base", "no-such-revision"], ["--", "-x"], []],
    ids=["unknown base", "unknown head", "option-like revision", "no base"],
)
def test_bad_usage_exits_2(repo: Path, args: list[str]) -> None:
    result = diff(repo, *args)
    assert_clean(result, 2)


def test_outside_a_git_checkout_is_bad_usage(root: Path) -> None:
    result = diff(root, "HEAD")
    assert_clean(result, 2)
    assert "not inside a git checkout" in result.output


# --- stats -----------------------------------------------------------------------


def test_stats_counts_per_provision_source_grade_and_status(root: Path) -> None:
    result = CliRunner().invoke(cli, ["stats", "--root", str(root)])
    assert_clean(result, 0)
    out = result.stdout
    assert out.startswith("## Evidence statistics: 2 records\n")
    assert "Events in 2025; 1 record without an event date. Publication dates known for 1 of 1 source, in May " \
           "2025." in out
    assert "| 2397-OP8  | Repatriation of DPRK nationals earning income abroad |       2 |" in out
    assert "| 2375-OP17 | No new work authorizations for DPRK nationals        |       1 |" in out
    assert "| fixture-kyiv-15000 | The Kyiv Independent |       2 |" in out
    assert "| B3    |       2 |" in out
    assert "| draft    |       1 |" in out and "| reviewed |       1 |" in out


def test_stats_on_invalid_evidence_counts_what_loads_and_exits_1(root: Path) -> None:
    shutil.copy2(FIXTURES / "bad" / "syntax-error.yaml", root / "evidence" / "syntax-error.yaml")
    result = CliRunner().invoke(cli, ["stats", "--root", str(root)])
    assert_clean(result, 1)
    assert result.stdout.startswith("## Evidence statistics: 2 records")
    assert "1 error" in result.stderr and "evidence/syntax-error.yaml:3:15: error: YAML syntax" in result.stderr


@pytest.mark.parametrize("command", ["diff", "stats"])
def test_help_has_an_example(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0 and "Example" in result.output and f"dossier {command}" in result.output
