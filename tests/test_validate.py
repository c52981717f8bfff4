"""Cross-record checks and the bad-input corpus: every failure caught, with file and line, exit 1."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.cli import cli
from dossier.validate import validate
from dossier.yaml_read import Document

from .conftest import FIXTURE_CAPTURE, FIXTURES

BAD = sorted((FIXTURES / "bad").glob("*.yaml"))


def expectation(path: Path) -> tuple[int, str]:
    header = path.read_bytes().split(b"\n", 1)[0].decode("ascii")
    match = re.match(r"# expect: (\d+): (.+)$", header)
    assert match, f"{path.name} lacks an '# expect: LINE: text' header"
    return int(match.group(1)), match.group(2)


def run_validate(root: Path, *args: str):
    return CliRunner().invoke(cli, ["validate", "--root", str(root), *args])


def test_fixture_root_is_valid(root: Path) -> None:
    result = run_validate(root)
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("2 records, 0 errors, 0 warnings")


def test_the_corpus_covers_at_least_twenty_failures() -> None:
    assert len(BAD) >= 20
    assert len({expectation(p)[1] for p in BAD}) == len(BAD), "each fixture should test a distinct failure"


@pytest.mark.parametrize("bad", BAD, ids=[p.stem for p in BAD])
def test_bad_record_is_caught_with_file_and_line(root: Path, bad: Path) -> None:
    expected_line, text = expectation(bad)
    shutil.copy2(bad, root / "evidence" / bad.name)
    result = run_validate(root)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    ours = [out for out in result.output.splitlines() if out.startswith(f"evidence/{bad.name}:")]
    assert any(out.startswith(f"evidence/{bad.name}:{expected_line}:") and ": error: " in out for out in ours), (
        result.output)
    assert text in result.output, result.output
    # The good records are unaffected: only the bad file is blamed.
    assert not [out for out in result.output.splitlines() if out.startswith("evidence/fixture-") and "error" in out]


def test_tampered_capture_is_caught(root: Path) -> None:
    capture = root / "seeds" / FIXTURE_CAPTURE
    capture.write_bytes(capture.read_bytes().replace(b"about 15,000", b"about 25,000"))
    result = run_validate(root)
    assert result.exit_code == 1
    assert re.search(r"^seeds/sources\.yaml:\d+:\d+: error: seeds/002_\S+ has changed since it was archived",
                     result.output, re.M), result.output
    # Records citing it are not reported as verified against a tampered file.
    assert "evidence/fixture-15000-workers.yaml:" in result.output


def test_missing_capture_and_unregistered_capture(root: Path) -> None:
    (root / "seeds" / FIXTURE_CAPTURE).rename(root / "seeds" / "renamed.txt")
    result = run_validate(root)
    assert result.exit_code == 1
    assert "capture file seeds/002_403746959bcb0950.txt does not exist" in result.output
    assert "seeds/renamed.txt:1:1: warning: capture is not in the source register" in result.output


def test_oversized_file_is_refused(root: Path) -> None:
    big = root / "evidence" / "huge.yaml"
    big.write_text("id: huge\nclaim: " + "x" * (1024 * 1024) + "\n")
    result = run_validate(root)
    assert result.exit_code == 1
    size = big.stat().st_size
    assert f"evidence/huge.yaml:1:1: error: evidence/huge.yaml is {size:,} bytes; the limit for a record file is 1,048,576 (1 MiB)" in result.output


def test_all_problems_are_reported_at_once_sorted(root: Path) -> None:
    for name in ("misquote-number.yaml", "dangling-reference.yaml", "unknown-field.yaml"):
        shutil.copy2(FIXTURES / "bad" / name, root / "evidence" / name)
    result = run_validate(root)
    lines = [line for line in result.output.splitlines() if ": error: " in line]
    files = [line.split(":")[0] for line in lines]
    assert files == sorted(files)
    assert {"evidence/misquote-number.yaml", "evidence/dangling-reference.yaml", "evidence/unknown-field.yaml"} <= set(files)
    # The unknown field is reported together with the required field it failed to provide.
    # And the misquote's figure no longer matches its passage: 15000 is not the 16,000 it now writes.
    assert result.output.strip().splitlines()[-1] == "4 records, 5 errors, 0 warnings"


def test_html_payload_is_valid_input_kept_as_plain_text(root: Path) -> None:
    path = root / "evidence" / "fixture-15000-workers.yaml"
    payload = "<script>alert(1)</script> <img src=\"file:///etc/passwd\"> {{ 7*7 }}"
    path.write_text(path.read_text().replace("title: About 15,000 North Korean workers sent to Russia",
                                             f"title: '{payload}'"))
    result = validate(root)
    assert result.ok, result.problems
    record = next(r for r in result.records if r.id == "fixture-15000-workers")
    assert record.title == payload


def test_unverified_provision_is_a_warning(root: Path) -> None:
    path = root / "evidence" / "fixture-student-visas.yaml"
    path.write_text(path.read_text().replace("  - id: 2375-OP17", "  - id: 2397-OP16"))
    result = validate(root)
    assert result.ok
    warnings = [p for p in result.problems if not p.is_error]
    assert len(warnings) == 1
    assert "2397-OP16" in warnings[0].message and "not verified" in warnings[0].message


def test_reporting_chain_must_end_at_the_outlet(root: Path) -> None:
    path = root / "evidence" / "fixture-student-visas.yaml"
    path.write_text(path.read_text().replace("  - The Kyiv Independent\n", "  - Yonhap\n"))
    result = validate(root)
    assert [p.message for p in result.problems] == [
        "reporting_chain ends with 'Yonhap', but the source's outlet is 'The Kyiv Independent'"
    ]


def test_future_is_judged_against_today(root: Path) -> None:
    # The fixture's event (2025) is fine today, but not if today were 2024.
    result = validate(root, today=dt.date(2024, 6, 1))
    assert any("event date 2025 is in the future" in p.message for p in result.problems)


def test_github_format_annotates_lines(root: Path) -> None:
    shutil.copy2(FIXTURES / "bad" / "misquote-word.yaml", root / "evidence" / "misquote-word.yaml")
    result = run_validate(root, "--format", "github")
    assert result.exit_code == 1
    assert "::error file=evidence/misquote-word.yaml,line=8,col=1::passage not found verbatim" in result.output


def test_json_format(root: Path) -> None:
    import json

    shutil.copy2(FIXTURES / "bad" / "misquote-word.yaml", root / "evidence" / "misquote-word.yaml")
    result = run_validate(root, "--format", "json")
    report = json.loads(result.output)
    assert report["errors"] == 1 and report["records"] == 3
    assert report["problems"][0]["path"] == "evidence/misquote-word.yaml"


def test_bad_usage_exits_2(root: Path) -> None:
    assert CliRunner().invoke(cli, ["validate", "--format", "xml"]).exit_code == 2
    assert CliRunner().invoke(cli, ["validate", "--no-such-flag"]).exit_code == 2


@pytest.fixture
def dropped(monkeypatch: pytest.MonkeyPatch) -> list[Document]:
    """Every document whose node tree validate drops, in order (forget_positions still drops it)."""
    documents: list[Document] = []
    forget = Document.forget_positions

    def drop(doc: Document) -> None:
        forget(doc)
        documents.append(doc)

    monkeypatch.setattr(Document, "forget_positions", drop)
    return documents


def test_each_node_tree_is_dropped_once_its_checks_are_done(root: Path, dropped: list[Document]) -> None:
    """A document keeps the node tree its positions come from only while it is checked: 50,000 records' trees, or
    the register's (80 MB at that size), kept to the end would be most of validate's memory."""
    result = validate(root)
    assert result.ok and len(result.records) == 2
    records = [f"evidence/{path.name}" for path in (root / "evidence").glob("*.yaml")]
    assert {doc.path for doc in dropped} >= {"seeds/sources.yaml", "catalog/origins.yaml", *records}


def test_a_record_with_a_broken_link_drops_the_tree_its_position_needed(root: Path, dropped: list[Document]) -> None:
    """Links are checked once every record is loaded, after each tree was dropped: the position of a broken link
    composes its file again, and that tree is dropped too (50,000 broken links would otherwise keep 50,000)."""
    record = root / "evidence" / "fixture-15000-workers.yaml"
    record.write_text(record.read_text().replace("corroborates: []", "corroborates: [no-such-record]"))
    result = validate(root)
    assert any("no-such-record" in p.message for p in result.problems)
    mine = [doc for doc in dropped if doc.path == f"evidence/{record.name}"]
    assert len(mine) == 2 and mine[-1]._root is None
