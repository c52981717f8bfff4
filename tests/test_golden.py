"""Golden output, as pelican does: the HTML and JSON built from tests/fixtures/root, compared byte for byte.

Any change to what the brief says or how it is laid out shows up here as a diff of committed files, so
a reviewer sees it. When a change is intended, refresh the golden files and commit them with it:

    make golden        (runs: DOSSIER_REFRESH_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py)
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from dossier.build import build_brief

from .conftest import FIXTURES

GOLDEN = FIXTURES / "golden"
REFRESH = os.environ.get("DOSSIER_REFRESH_GOLDEN") == "1"


@pytest.mark.parametrize("name", ["dossier.html", "dossier.json"])
def test_output_matches_the_committed_golden_file(root: Path, tmp_path: Path, name: str) -> None:
    out = tmp_path / "out"
    build_brief(root, out, formats={"html", "json"})
    built = (out / name).read_bytes()
    golden = GOLDEN / name
    if REFRESH:
        golden.write_bytes(built)
    expected = golden.read_bytes()
    if built != expected:
        diff = difflib.unified_diff(expected.decode().splitlines(), built.decode().splitlines(),
                                    f"golden/{name}", f"built/{name}", lineterm="", n=1)
        shown = "\n".join(list(diff)[:60])
        pytest.fail(f"{name} differs from tests/fixtures/golden/{name} (run `make golden` if intended):\n{shown}")
