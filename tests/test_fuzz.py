"""A small deterministic run of the mutation fuzzer (tests/fuzz/): no input may crash the CLI.

Each mutant of the shipped YAML files is written into a fresh root and `python -m dossier`
runs on it in a subprocess (timeout, 2 GiB address-space limit, 2 workers). Every failure
class must stay at 0: tracebacks, crashes by signal, timeouts, memory exhaustion, unexpected
exit statuses, problems not positioned inside their file, and inputs modified by the run.
The first mutants are the attacks issue 14 names (nesting 1,000 and 50,000 deep,
`source: [id]`, ...) and the failures the fuzzer has found since (tests/fuzz/mutate.py, CANON). `make fuzz` runs the same fuzzer with thousands of mutants; a failure
here is replayed with `python -m tests.fuzz.run --replay <folder>` (the folder is printed).
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.fuzz.mutate import REPO
from tests.fuzz.run import Config, failure_total, format_summary, fuzz

SEED = 1
VALIDATE_MUTANTS = 40  # enough to cover every named attack at the head of the list, and some random ones
REVIEW_MUTANTS = 12


def run(tmp_path: Path, commands: tuple[str, ...], mutants: int) -> dict:
    cfg = Config(python=sys.executable, pythonpath=str(REPO), timeout=10.0, memory=2 * 1024 ** 3, seed=SEED,
                 commands=commands)
    summary = fuzz(mutants, cfg, tmp_path / "fuzz", workers=2, minimise_budget=0, progress=False)
    assert "error" not in summary, format_summary(summary)
    return summary


def test_the_unmutated_root_passes_every_command(tmp_path: Path) -> None:
    """The harness itself: the shipped data copied into a root passes validate, diff and stats (otherwise
    every mutant would fail for the same reason, and the xfail below would hide it)."""
    summary = run(tmp_path, ("validate", "diff", "stats"), 0)
    assert summary["runs"] == {} and failure_total(summary) == dict.fromkeys(failure_total(summary), 0)


def test_no_mutant_breaks_validate_diff_or_stats(tmp_path: Path) -> None:
    """The named attacks come first (CANON), then seeded random mutants; `make fuzz` runs thousands."""
    validate = run(tmp_path / "validate", ("validate",), VALIDATE_MUTANTS)
    review = run(tmp_path / "review", ("diff", "stats"), REVIEW_MUTANTS)
    assert validate["runs"] == {"validate": VALIDATE_MUTANTS}
    assert review["runs"] == {"diff": REVIEW_MUTANTS, "stats": REVIEW_MUTANTS}
    report = format_summary(validate) + "\n" + format_summary(review)
    totals = {cls: failure_total(validate)[cls] + failure_total(review)[cls] for cls in failure_total(validate)}
    assert totals == dict.fromkeys(totals, 0), report
