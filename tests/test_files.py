"""Atomic writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

from pathlib import Path

from dossier.files import replace_file, write_atomically


def test_write_atomically_replaces_whole_files_and_leaves_no_temporaries(tmp_path: Path) -> None:
    (tmp_path / "dossier.html").write_text("old")
    written = write_atomically({"dossier.html": b"new", "dossier.json": b"{}"}, tmp_path)
    assert sorted(p.name for p in written) == ["dossier.html", "dossier.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dossier.html", "dossier.json"]
    assert (tmp_path / "dossier.html").read_text() == "new"


def test_replace_file_keeps_permissions_and_leaves_no_temporaries(tmp_path: Path) -> None:
    target = tmp_path / "sources.yaml"
    target.write_text("old")
    target.chmod(0o664)
    replace_file(target, b"new")
    assert target.read_text() == "new" and target.stat().st_mode & 0o777 == 0o664
    assert [p.name for p in tmp_path.iterdir()] == ["sources.yaml"]
