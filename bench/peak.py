"""Run one Python program in this process and report the peak memory of this process, from its start.

    python bench/peak.py REPORT.json -m dossier validate --root BASE
    python bench/peak.py REPORT.json bench/floors.py load BASE

Why not the parent's `wait4` (or `getrusage(RUSAGE_CHILDREN)`): on Linux a child's `ru_maxrss` starts from the
memory of the parent it was forked from. `exec` records the old (copied) address space's high-water mark
before replacing it, so `ru_maxrss`, and `getrusage(RUSAGE_SELF)` in the child too, never report less than
the parent's size at the fork. The benchmark's driver holds a whole generated base, so every small step looked
as large as the driver. `VmHWM` in /proc/self/status is the high-water mark of the address space the program
runs in, which `exec` created empty: the program's own peak, whoever started it.

Every step and every floor the benchmark times runs through this launcher, so their figures are measured
the same way and include the same interpreter. The report, written whatever the exit (errors and
`sys.exit` included), is JSON: `peak_kb` (VmHWM), `end_rss_kb` (VmRSS at the end) and `maxrss_kb` (this
process's `ru_maxrss`, kept to show the difference); the exit status is the program's.
"""

from __future__ import annotations

import json
import os
import resource
import runpy
import sys
from pathlib import Path


def status_kb(field: str, text: str | None = None) -> int | None:
    """A `kB` field of /proc/self/status (VmHWM, VmRSS), or None where there is no such file."""
    if text is None:
        try:
            text = Path("/proc/self/status").read_text("ascii")
        except OSError:
            return None
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return None


def report(path: Path) -> None:
    """Write this process's peak memory so far to `path`."""
    text = Path("/proc/self/status").read_text("ascii") if os.path.exists("/proc/self/status") else ""
    figures = {"peak_kb": status_kb("VmHWM", text), "end_rss_kb": status_kb("VmRSS", text),
               "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
    path.write_text(json.dumps(figures) + "\n", "utf-8")


def run(target: list[str]) -> int:
    """Run `-m module args...` or `script args...` as `python` would, and return its exit status."""
    try:
        if target[0] == "-m":
            sys.argv = [target[1], *target[2:]]
            sys.path[0] = os.getcwd()  # as `python -m` has it
            runpy.run_module(target[1], run_name="__main__", alter_sys=True)
        else:
            sys.argv = list(target)
            sys.path[0] = str(Path(target[0]).resolve().parent)  # as `python script` has it
            runpy.run_path(target[0], run_name="__main__")
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)
        return 1
    return 0


def main() -> None:
    if len(sys.argv) < 3 or (sys.argv[2] == "-m" and len(sys.argv) < 4):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        raise SystemExit(2)
    out = Path(sys.argv[1])
    try:
        status = run(sys.argv[2:])
    finally:
        report(out)
    sys.stdout.flush()
    raise SystemExit(status)


if __name__ == "__main__":
    main()
