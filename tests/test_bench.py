"""The benchmark's generated evidence base."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path


from dossier.checks import validate

REPO = Path(__file__).resolve().parent.parent


def bench_module():
    spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def test_generated_base_is_valid_and_covers_the_catalog(tmp_path: Path) -> None:
    base = bench_module().generate(tmp_path / "base", 60)
    result = validate(base.root)
    assert result.ok, [p.text() for p in result.problems if p.is_error][:5]
    assert len(result.records) == 60 and len(result.sources) == base.sources == 6
    assert {t.id for r in result.records for t in r.provisions} == set(result.provisions)
    assert len({r.grading.code for r in result.records}) == 36
    assert {r.status for r in result.records} == {"draft", "reviewed"}
    assert any(r.corroborates for r in result.records) and any(r.contradicts for r in result.records)
    precisions = {len(r.event.date) if r.event.date else 0 for r in result.records}
    assert precisions == {0, 4, 7, 10}
    assert {m.kind for m in result.matches.values()} == {"exact", "normalised"}
    assert all(m.occurrences == 1 for m in result.matches.values())
    assert all(len(c.read_bytes()) > 3000 for c in (base.root / "seeds").glob("*.txt"))
