"""The attack suite, as a tester would run it: concurrent runs, kills, links and devices, hostile nesting.

Every command runs as a real process (`python -m dossier`), because what is under test is what a process
does: its exit status, its output, a signal that kills it, and the files it leaves.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from .conftest import FIXTURES, git

KILLS = int(os.environ.get("DOSSIER_KILLS", "12"))  # `make fuzz` runs 100


def dossier(*args: str | Path, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dossier", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)


def tree(root: Path) -> dict[str, str]:
    """A digest of every input file: evidence/ and seeds/ must never change under a command that fails."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in ("evidence", "seeds") for p in sorted((root / folder).rglob("*")) if p.is_file()}


def assert_clean(result: subprocess.CompletedProcess[str], code: int, text: str) -> None:
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert text in result.stdout + result.stderr, result.stdout + result.stderr


# --- Nothing lost under concurrency -------------------------------------------------------------------------


def test_eight_concurrent_add_sources_all_land(root: Path, tmp_path: Path) -> None:
    captures = []
    for index in range(8):
        capture = tmp_path / f"capture-{index}.txt"
        capture.write_text(f"Article {index}: a page archived concurrently with seven others.\n", encoding="utf-8")
        captures.append(capture)

    def add(index: int) -> subprocess.CompletedProcess[str]:
        return dossier("add-source", "--root", root, captures[index], "--outlet", "Concurrent Outlet",
                       "--title", f"Headline {index}", "--id", f"concurrent-{index}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(add, range(8)))
    assert [r.returncode for r in results] == [0] * 8, [r.stderr for r in results]
    register = yaml.safe_load((root / "seeds" / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    ids = {entry["id"] for entry in register}
    assert {f"concurrent-{i}" for i in range(8)} <= ids, "every run that reported success has landed"
    archived = {entry["capture"] for entry in register}
    assert all((root / "seeds" / name).is_file() for name in archived)
    orphans = {p.name for p in (root / "seeds").iterdir()} - archived - {"sources.yaml"}
    assert not orphans, f"captures left without a registration: {orphans}"


# --- Kills leave a complete old or new brief -----------------------------------------------------------------


def _brief(out: Path) -> tuple[str, ...]:
    return tuple(sorted(p.name for p in out.iterdir())) if out.is_dir() else ()


def test_a_build_killed_at_any_moment_leaves_a_complete_old_or_new_brief(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert dossier("build", "--root", root, "--out", out, "--formats", "html,json").returncode == 0
    old = {p.name: p.read_bytes() for p in out.iterdir()}
    edit = root / "evidence" / "fixture-student-visas.yaml"
    edit.write_text(edit.read_text(encoding="utf-8").replace("status: draft", "status: reviewed"), encoding="utf-8")
    assert dossier("build", "--root", root, "--out", tmp_path / "new", "--formats", "html,json").returncode == 0
    new = {p.name: p.read_bytes() for p in (tmp_path / "new").iterdir()}
    assert old != new
    rng = random.Random(2397)
    seen = set()
    for _ in range(KILLS):
        process = subprocess.Popen([sys.executable, "-m", "dossier", "build", "--root", str(root), "--out", str(out),
                                    "--formats", "html,json"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 1.2))
        process.send_signal(signal.SIGKILL)
        process.wait()
        now = {p.name: p.read_bytes() for p in out.iterdir()}
        assert now in (old, new), "a kill left a mixed or partial brief"
        seen.add("new" if now == new else "old")
        # The next build cleans up what a kill left, and publishes the new brief.
    assert dossier("build", "--root", root, "--out", out, "--formats", "html,json").returncode == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == new
    assert not list(tmp_path.glob(".out.staging-*")), "leftovers of killed builds are removed by the next build"


# --- Nothing read from outside the repository -----------------------------------------------------------------


def test_a_capture_linked_from_outside_is_refused_and_never_read(root: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("CONFIDENTIAL: the text of a file outside the repository\n", encoding="utf-8")
    capture = root / "seeds" / "002_403746959bcb0950.txt"
    original = capture.read_bytes()
    capture.unlink()
    capture.symlink_to(secret)
    result = dossier("validate", "--root", root, "--format", "github")
    assert_clean(result, 1, "is a symbolic link")
    assert "CONFIDENTIAL" not in result.stdout + result.stderr
    capture.unlink()
    capture.write_bytes(original)


@pytest.mark.parametrize("kind", ["link to /dev/zero", "fifo", "link outside", "folder", "link to itself",
                                  "link through a file"])
def test_a_record_that_is_not_a_regular_file_inside_is_refused_quickly(root: Path, tmp_path: Path, kind: str) -> None:
    path = root / "evidence" / "strange.yaml"
    if kind == "link to /dev/zero":
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "link to itself":
        path.symlink_to("strange.yaml")  # ELOOP wherever it is followed
    elif kind == "link through a file":
        path.symlink_to("../seeds/sources.yaml/x")  # ENOTDIR
    elif kind == "link outside":
        outside = tmp_path / "outside.yaml"
        outside.write_text((root / "evidence" / "fixture-15000-workers.yaml").read_text(), encoding="utf-8")
        path.symlink_to(outside)
    else:
        path.mkdir()
    started = time.monotonic()
    result = dossier("validate", "--root", root, timeout=30)
    assert_clean(result, 1, "evidence/strange.yaml:1:1: error:")
    assert "2 records, 1 error" in result.stdout, result.stdout  # the other records are checked all the same
    assert time.monotonic() - started < 20


def test_an_evidence_folder_linked_from_outside_is_refused_and_never_read(root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    shutil.copytree(root / "evidence", outside)
    (outside / "fixture-15000-workers.yaml").write_text("id: CONFIDENTIAL\n", encoding="utf-8")
    shutil.rmtree(root / "evidence")
    (root / "evidence").symlink_to(outside)
    result = dossier("validate", "--root", root)
    assert_clean(result, 1, "evidence:1:1: error: evidence/ lies outside the repository (through a linked folder)")
    assert "CONFIDENTIAL" not in result.stdout + result.stderr


def test_an_evidence_folder_linked_inside_the_repository_is_read(root: Path) -> None:
    (root / "evidence").rename(root / "records")
    (root / "evidence").symlink_to("records")
    result = dossier("validate", "--root", root)
    assert result.returncode == 0, result.stdout + result.stderr


def test_records_with_other_extensions_or_in_subfolders_are_errors(root: Path) -> None:
    (root / "evidence" / "x.YAML").write_text("id: x\n", encoding="utf-8")
    (root / "evidence" / "sub").mkdir()
    (root / "evidence" / "sub" / "y.yaml").write_text("id: y\n", encoding="utf-8")
    result = dossier("validate", "--root", root)
    assert_clean(result, 1, "evidence/x.YAML:1:1: error: evidence/x.YAML is named x.YAML")
    assert "evidence/sub:1:1: error: evidence/sub is a folder" in result.stdout


def test_add_source_refuses_a_device(root: Path) -> None:
    result = dossier("add-source", "--root", root, "/dev/zero", "--outlet", "O", "--title", "T", timeout=30)
    assert_clean(result, 1, "is not a regular file")


# --- No crash on any input --------------------------------------------------------------------------------------


@pytest.fixture
def repo(root: Path) -> Path:
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-gpg-sign", "-m", "base")
    return root


@pytest.mark.parametrize("depth", [1_000, 50_000])
@pytest.mark.parametrize("command", ["validate", "build", "stats", "diff"])
def test_deep_nesting_is_refused_with_a_position_in_every_command(repo: Path, tmp_path: Path, depth: int,
                                                                  command: str) -> None:
    before = tree(repo)
    (repo / "evidence" / "deep.yaml").write_text("id: deep\nfigures: " + "[" * depth + "]" * depth + "\n")
    args = {"validate": ["validate"], "build": ["build", "--out", tmp_path / "out", "--formats", "json"],
            "stats": ["stats"], "diff": ["diff", "HEAD"]}[command]
    result = dossier(*args, "--root", repo)
    assert_clean(result, 1, "evidence/deep.yaml:2:")
    assert "nested more than 64 levels deep" in result.stdout + result.stderr
    assert result.returncode != -signal.SIGSEGV
    (repo / "evidence" / "deep.yaml").unlink()
    assert tree(repo) == before


@pytest.mark.parametrize("text", [
    "id: deep\nfigures:\n  " + "? " * 50_000 + "x\n",
    "id: deep\nfigures:\n  " + "- " * 50_000 + "x\n",
    "id: deep\nfigures:\n  " + "? - " * 50_000 + "x\n",
    "id: deep\nfigures:\n\ufeff  " + "- " * 50_000 + "x\n",  # libyaml skips a byte order mark starting a line
])
def test_deep_nesting_without_brackets_or_indentation_is_refused_too(repo: Path, text: str) -> None:
    """Compact explicit keys and list items nest on one line, and a byte order mark before them hid them from the
    depth check: 50,000 of them crashed the parser (a segfault)."""
    (repo / "evidence" / "deep.yaml").write_text(text)
    result = dossier("validate", "--root", repo)
    assert_clean(result, 1, "evidence/deep.yaml:3:")
    assert "nested more than 64 levels deep" in result.stdout + result.stderr
    assert result.returncode != -signal.SIGSEGV


def test_a_record_of_the_wrong_shape_is_a_problem_in_diff_and_stats(repo: Path) -> None:
    record = repo / "evidence" / "fixture-15000-workers.yaml"
    record.write_text(record.read_text().replace("source: fixture-kyiv-15000", "source: [fixture-kyiv-15000]"))
    for args in (["diff", "HEAD"], ["stats"]):
        result = dossier(*args, "--root", repo)
        assert_clean(result, 1, "")
    assert "source: input should be a valid string" in dossier("validate", "--root", repo).stdout


def test_terminal_escapes_from_a_capture_are_printed_inert(root: Path) -> None:
    capture = root / "seeds" / "002_403746959bcb0950.txt"
    text = capture.read_bytes().replace(b"labor migrants to Russia", b"labor \x1b[31mmigrants\x1b[0m to Russia")
    capture.write_bytes(text)
    register = root / "seeds" / "sources.yaml"
    register.write_text(register.read_text().replace(
        "ee06314fee06f7a36f7f69d085d48f58f7d18289cd99df07e5678153dbfbed1d", hashlib.sha256(text).hexdigest()))
    result = dossier("validate", "--root", root)
    assert result.returncode == 1
    assert "\x1b" not in result.stdout and "\\x1b[31m" in result.stdout


def test_the_fixture_root_is_a_fair_baseline(root: Path) -> None:
    assert dossier("validate", "--root", root).returncode == 0
    assert FIXTURES.is_dir()
