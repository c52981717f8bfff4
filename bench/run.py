#!/usr/bin/env python3
"""Benchmark: validate and build at growing sizes, each figure next to its floor, and the PDF experiments.

    make bench                                   # = .venv/bin/python bench/run.py (the sizes below)
    make bench RECORDS=1000,10000 PDF_MAX=0 EXPERIMENTS=0
    .venv/bin/python bench/run.py --records 100,1000,10000,50000 --pdf-max 1000 --experiments 100
    .venv/bin/python bench/run.py --tables bench/results.json    # the README's tables from a run's figures

For each size it generates, in a temporary folder, a valid evidence base shaped like the repository's
(bench/generate.py: one source per ten records), checks its largest file of each kind against the reader's
limits (dossier/inputs.py LIMITS), then runs each step in a fresh process of its own:

- load floor: `yaml.load(..., Loader=yaml.CSafeLoader)` on the same YAML files, nothing else (bench/floors.py);
- `dossier validate`;
- `dossier build --formats html,json`, at every size;
- `dossier build --formats pdf,html,json`, up to --pdf-max records;
- render floor: WeasyPrint alone on the HTML the build renders, called as dossier/render.py calls it. It must
  write the build's PDF byte for byte, or the floor is marked failed: it no longer renders what the build does.

Each process runs under bench/peak.py, which reports the process's own peak memory (VmHWM) from its start, so a
step and its floor are measured the same way and neither is inflated by this driver's size (wait4's ru_maxrss
is: see peak.py). Times are wall-clock seconds of the whole process, interpreter start-up included; CPU
seconds (user + system, which other work on a shared machine inflates less) beside them. Steps under QUICK
seconds run REPEATS times and the fastest run is kept.

The experiments (--experiments N records, 0 to skip) render one brief's HTML with WeasyPrint in several ways,
round after round, and keep each one's fastest run. Each experiment proves it took effect, or that it changed
nothing it should not: a variant that must not change the PDF (the collector running during the render) must
give the same bytes; a variant that changes the PDF (untagged PDF/A-3b or a plain PDF instead of the tagged
PDF/A-3a, another CSS layout) must give other bytes, or it measured nothing.

Every run writes its figures as JSON to bench/results/<UTC time>.json (or --json PATH); bench/results.json is the
run the README quotes. These are benchmark figures, not timed tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script (bench/run.py): its package is found from the repository
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import RECORDS_PER_SOURCE, generate
from dossier.render import PDF_VARIANT

REPO = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
SIZES = "100,1000,10000,50000"
QUICK = 5.0  # steps faster than this (seconds) are repeated and the best run kept
REPEATS = 3
MiB = 1024 * 1024

Json = dict[str, Any]

# --- Running one step -----------------------------------------------------------


@dataclass
class Run:
    seconds: float  # wall clock
    cpu: float  # user + system time of the process
    peak_mb: float | None  # the process's own peak resident set (VmHWM), from bench/peak.py
    wait4_mb: float  # what wait4 says (never less than this driver at the fork): kept to show the difference
    status: int
    output: str
    runs: list[float] = field(default_factory=list)


def _limit_memory(limit_mb: int) -> Any:
    """A preexec function capping the step's address space, so that a runaway step fails with MemoryError
    instead of exhausting a shared machine."""
    def apply() -> None:
        if limit_mb > 0:
            resource.setrlimit(resource.RLIMIT_AS, (limit_mb * MiB, limit_mb * MiB))
    return apply


def run_once(cmd: list[str], timeout: float, limit_mb: int = 0) -> Run:
    """Run a Python command line (its arguments after `python`) under bench/peak.py in a process of its own."""
    with tempfile.TemporaryDirectory(prefix="dossier-step-") as folder:
        report = Path(folder) / "peak.json"
        out = Path(folder) / "output"
        with open(out, "w+b") as handle:
            started = time.perf_counter()
            proc = subprocess.Popen([sys.executable, str(BENCH / "peak.py"), str(report), *cmd], stdout=handle,
                                    stderr=subprocess.STDOUT, cwd=REPO, preexec_fn=_limit_memory(limit_mb))
            timer = threading.Timer(timeout, proc.kill)
            timer.start()
            try:
                _, status, usage = os.wait4(proc.pid, 0)
            finally:
                timer.cancel()
            seconds = time.perf_counter() - started
            proc.returncode = os.waitstatus_to_exitcode(status)
            handle.seek(0)
            output = handle.read().decode("utf-8", "replace")
        peak = json.loads(report.read_text("utf-8")).get("peak_kb") if report.is_file() else None
    return Run(seconds, usage.ru_utime + usage.ru_stime, peak / 1024 if peak else None, usage.ru_maxrss / 1024,
               proc.returncode, output)


def measure(cmd: list[str], timeout: float, limit_mb: int = 0) -> Run:
    """The fastest of REPEATS runs for a quick step, one run otherwise; the peak memory is the largest seen."""
    best = run_once(cmd, timeout, limit_mb)
    runs = [best.seconds]
    if best.status == 0 and best.seconds < QUICK:
        for _ in range(REPEATS - 1):
            again = run_once(cmd, timeout, limit_mb)
            runs.append(again.seconds)
            peak = max(p for p in (best.peak_mb, again.peak_mb) if p is not None) if best.peak_mb else again.peak_mb
            if again.seconds < best.seconds:
                best = Run(again.seconds, again.cpu, peak, again.wait4_mb, again.status, again.output)
            else:
                best.peak_mb = peak
    best.runs = [round(r, 3) for r in runs]
    return best


def last_line(output: str) -> str:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def step_figures(run: Run, ok: bool) -> Json:
    return {"seconds": round(run.seconds, 3), "cpu_seconds": round(run.cpu, 3),
            "peak_mb": round(run.peak_mb, 1) if run.peak_mb is not None else None,
            "wait4_mb": round(run.wait4_mb, 1), "ok": ok, "status": run.status, "runs": run.runs,
            "says": last_line(run.output)[:300]}


# --- The input limits -------------------------------------------------------------


# The files the reader bounds, by what they are: (LIMITS kind, how they grow, the files). A register grows with
# the sources; the origins catalog with the origins, which are at most one per source (bench/generate.py's
# own_origins); the rest do not grow with the base.
FILES: dict[str, tuple[str, str, str]] = {
    "register": ("register", "sources", "seeds/sources.yaml"),
    "origins": ("catalog", "origins", "catalog/origins.yaml"),
    "provisions": ("catalog", "", "catalog/provisions.yaml"),
    "record": ("record", "", "evidence/*.yaml"),
    "capture": ("capture", "", "seeds/*.txt"),
}


def limits_used(root: Path) -> Json:
    """The largest file of each kind the reader bounds, against its limit (dossier/inputs.py LIMITS), with the
    number of entries of the files that grow (register: sources; origins: groups and origins)."""
    from dossier.inputs import LIMITS

    used = {}
    for name, (kind, grows, pattern) in FILES.items():
        paths = [p for p in root.glob(pattern) if p.is_file()]
        largest = max(paths, key=lambda p: p.stat().st_size, default=None)
        size = largest.stat().st_size if largest else 0
        entries = largest.read_text("utf-8").count("\n  - id: ") if largest and grows else 0
        used[name] = {"kind": kind, "grows": grows, "entries": entries, "largest_bytes": size,
                      "limit_bytes": LIMITS[kind], "share": round(size / LIMITS[kind], 4)}
    return used


# --- One size ----------------------------------------------------------------------


def bench_size(records: int, args: argparse.Namespace, workdir: Path) -> Json:
    """Generate a base of `records` records and measure every step on it next to its floor."""
    root = workdir / f"base-{records}"
    base = generate(root, records, args.seed)
    limits = limits_used(root)
    print(f"\n{records:,} records: {base.sources:,} sources, {base.yaml_bytes / 1e6:.1f} MB of YAML "
          f"(register {base.register_bytes / 1e6:.2f} MB), {base.capture_bytes / 1e6:.1f} MB of captures; "
          f"generated in {base.seconds:.1f} s", flush=True)
    steps: dict[str, Json] = {}

    def step(name: str, cmd: list[str], expect: str | None = None) -> Json:
        load = os.getloadavg()[0]
        run = measure(cmd, args.timeout, args.max_memory_mb)
        ok = run.status == 0 and (expect is None or expect in run.output)
        steps[name] = step_figures(run, ok) | {"load_before": round(load, 2)}
        flag = "" if ok else f"   FAILED (exit {run.status}): {last_line(run.output)[:200]}"
        peak = f"{run.peak_mb:6.0f}" if run.peak_mb is not None else "     ?"
        print(f"  {name:<16} {run.seconds:8.2f} s {run.cpu:8.2f} s cpu {peak} MB   "
              f"{last_line(run.output)[:70]}{flag}", flush=True)
        return steps[name]

    floors = str(BENCH / "floors.py")
    dossier = ["-m", "dossier"]
    step("load_floor", [floors, "load", str(root)])
    step("validate", dossier + ["validate", "--root", str(root)], expect=f"{records} records, 0 errors")
    step("build_html_json", dossier + ["build", "--root", str(root), "--out", str(root.parent / "out-html"),
                                       "--formats", "html,json"])
    if records <= args.pdf_max:
        pdf_steps(root, step)
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(root.parent / "out-html", ignore_errors=True)
        shutil.rmtree(root.parent / "out-pdf", ignore_errors=True)
    return {"records": records, "sources": base.sources, "yaml_files": base.yaml_files,
            "yaml_bytes": base.yaml_bytes, "register_bytes": base.register_bytes, "capture_bytes": base.capture_bytes,
            "links": base.links, "generate_seconds": round(base.seconds, 2), "limits": limits, "steps": steps}


def pdf_steps(root: Path, step: Any) -> None:
    """The PDF build, then the render floor on the HTML it rendered, which must give the same PDF."""
    out = root.parent / "out-pdf"
    build = step("build_pdf", ["-m", "dossier", "build", "--root", str(root), "--out", str(out),
                               "--formats", "pdf,html,json"])
    if not build["ok"]:
        return
    html = root.parent / "render-input.html"
    prepared = subprocess.run([sys.executable, str(BENCH / "floors.py"), "html", str(root), str(html)], cwd=REPO,
                              capture_output=True, text=True, check=True)
    identifier = last_line(prepared.stdout)
    floor = step("render_floor", [str(BENCH / "floors.py"), "render", str(html), str(root.parent / "floor.pdf"),
                                  "--identifier", identifier, "--variant", PDF_VARIANT])
    said = re.search(r"(\d+) pages, (\d+) bytes, sha256 ([0-9a-f]{64})", floor["says"])
    built = (out / "dossier.pdf").read_bytes()
    build["pages"] = floor["pages"] = int(said.group(1)) if said else None
    build["pdf_bytes"], build["html_bytes"] = len(built), (out / "dossier.html").stat().st_size
    floor["same_pdf"] = said is not None and said.group(3) == hashlib.sha256(built).hexdigest()
    if not floor["same_pdf"]:
        floor["ok"] = False
        print("  render_floor FAILED: its PDF differs from the build's: it no longer renders as dossier/render.py "
              "does", flush=True)


# --- The experiments ---------------------------------------------------------------

# Label/value rows (the cover's facts, each finding's, judgement's and source's facts) as they were laid out before
# (wrapping flex rows, then a one-row table a row) and as plain blocks, label above value; the brief lays each
# list out as one table (brief.css).
ROWS_FLEX = """
table.facts, table.facts tbody { display: block; }
.cover-facts div, table.facts tr { display: flex; flex-wrap: wrap; width: auto; table-layout: auto; }
.cover-facts div { column-gap: 1em; } table.facts tr { column-gap: 0.8em; }
.cover-facts dt, .cover-facts dd, table.facts th, table.facts td { display: block; }
.cover-facts dt { flex: 0 0 11em; width: auto; } .cover-facts dd { flex: 1 1 18em; }
table.facts th { flex: 0 0 9.5em; width: auto; }
table.facts td { flex: 1 1 20em; min-width: 0; overflow-wrap: anywhere; }
"""
ROWS_BLOCK = """
table.facts, table.facts tbody, table.facts tr { display: block; }
.cover-facts div { display: block; width: auto; }
.cover-facts dt, .cover-facts dd, table.facts th, table.facts td { display: block; width: auto; }
"""
ROWS_TABLE_EACH = """
table.facts, table.facts tbody { display: block; }
table.facts tr { display: table; width: 100%; table-layout: fixed; }
"""
# The charts' data tables with their column widths measured from their cells (print.css fixes them).
TABLES_AUTO = """
#data-timeline, #data-figures, #data-heatmap { table-layout: auto; }
#data-timeline th, #data-figures th, #data-heatmap th { width: auto; }
"""
# Flags and grades as inline-blocks, each measured for its width (brief.css makes them inline boxes).
BADGES_INLINE_BLOCK = """
.flag, .grade { display: inline-block; white-space: normal; }
.grade { padding: 0 0.4em; }
"""
CSS_EXPERIMENTS = {"rows-flex": ROWS_FLEX, "rows-block": ROWS_BLOCK, "rows-table-each": ROWS_TABLE_EACH,
                   "tables-auto": TABLES_AUTO, "badges-inline-block": BADGES_INLINE_BLOCK}


@dataclass(frozen=True)
class Variant:
    name: str
    says: str  # what it changes, for the tables
    options: tuple[str, ...]
    same_pdf: bool  # must give the baseline's bytes (True) or other bytes (False)


def variants(folder: Path) -> list[Variant]:
    """The renders compared: the build's own, and one change each."""
    for name, css in CSS_EXPERIMENTS.items():
        (folder / f"{name}.css").write_text(css, "utf-8")
    build = PDF_VARIANT.replace("pdf/a", "PDF/A").upper().replace("PDF/A-3A", "PDF/A-3a (tagged)")
    return [
        Variant("baseline", f"as `dossier build` renders: {build}, collector paused, page references remembered, "
                            "streams at zlib's default level, each label/value list one table, data tables of "
                            "fixed column widths, flags and grades inline",
                ("--variant", PDF_VARIANT), True),
        Variant("gc-on", "the collector left running during the render", ("--variant", PDF_VARIANT, "--gc", "on"),
                True),
        Variant("pages-rebuilt", "WeasyPrint 70's tagging as it is: the list of pages built for every element",
                ("--variant", PDF_VARIANT, "--page-references", "rebuilt"), True),
        Variant("pdf-a-3b", "PDF/A-3b (untagged) instead", ("--variant", "pdf/a-3b"), PDF_VARIANT == "pdf/a-3b"),
        Variant("plain-pdf", "a plain PDF (no PDF/A, no tags) instead", ("--variant", "none"), False),
        Variant("rows-flex", "label/value rows as wrapping flex rows (the layout before tables)",
                ("--variant", PDF_VARIANT, "--css", str(folder / "rows-flex.css")), False),
        Variant("rows-block", "label/value rows as blocks, label above value",
                ("--variant", PDF_VARIANT, "--css", str(folder / "rows-block.css")), False),
        Variant("rows-table-each", "each label/value row a one-row table of its own (the layout before one "
                                   "table a list)",
                ("--variant", PDF_VARIANT, "--css", str(folder / "rows-table-each.css")), False),
        Variant("tables-auto", "the charts' data tables with column widths measured from their cells",
                ("--variant", PDF_VARIANT, "--css", str(folder / "tables-auto.css")), False),
        Variant("badges-inline-block", "flags and grades as inline-blocks",
                ("--variant", PDF_VARIANT, "--css", str(folder / "badges-inline-block.css")), False),
        Variant("compress-9", "streams compressed at pydyf's own zlib level, 9",
                ("--variant", PDF_VARIANT, "--compression", "9"), False),
    ]


def experiments(records: int, args: argparse.Namespace, workdir: Path) -> Json:
    """Render one brief's HTML in every variant, round after round; the fastest run of each is kept."""
    root = workdir / f"experiments-{records}"
    generate(root, records, args.seed)
    html = workdir / "experiments.html"
    prepared = subprocess.run([sys.executable, str(BENCH / "floors.py"), "html", str(root), str(html)], cwd=REPO,
                              capture_output=True, text=True, check=True)
    identifier = last_line(prepared.stdout)
    chosen = variants(workdir)
    runs: dict[str, list[Run]] = {v.name: [] for v in chosen}
    digests: dict[str, set[str]] = {v.name: set() for v in chosen}
    pages: dict[str, int] = {}
    print(f"\nexperiments: {records:,} records, {args.experiment_rounds} rounds of {len(chosen)} renders", flush=True)
    for round_number in range(args.experiment_rounds):
        for variant in chosen:
            cmd = [str(BENCH / "floors.py"), "render", str(html), str(workdir / f"{variant.name}.pdf"),
                   "--identifier", identifier, *variant.options]
            run = run_once(cmd, args.timeout, args.max_memory_mb)
            said = re.search(r"(\d+) pages, (\d+) bytes, sha256 ([0-9a-f]{64})", run.output)
            if said:
                pages[variant.name] = int(said.group(1))
                digests[variant.name].add(said.group(3))
            runs[variant.name].append(run)
            print(f"  round {round_number + 1} {variant.name:<11} {run.seconds:7.2f} s {run.cpu:7.2f} s cpu "
                  f"{run.peak_mb or 0:6.0f} MB  {last_line(run.output)[:60]}", flush=True)
    shutil.rmtree(root, ignore_errors=True)
    return experiment_figures(records, chosen, runs, digests, pages)


def experiment_figures(records: int, chosen: list[Variant], runs: dict[str, list[Run]],
                       digests: dict[str, set[str]], pages: dict[str, int]) -> Json:
    """Each variant's fastest wall and CPU time, its ratio to the baseline's, and whether it proved itself."""
    baseline = digests["baseline"]
    out: Json = {"records": records, "variants": []}
    best = {name: (min(r.seconds for r in rs), min(r.cpu for r in rs)) for name, rs in runs.items()}
    for variant in chosen:
        done = [r for r in runs[variant.name] if r.status == 0]
        same = len(baseline) == 1 and digests[variant.name] == baseline
        proved = bool(done) and len(digests[variant.name]) == 1 and same == variant.same_pdf
        out["variants"].append({
            "name": variant.name, "change": variant.says, "must_keep_bytes": variant.same_pdf, "same_pdf": same,
            "proved": proved, "pages": pages.get(variant.name), "seconds": round(best[variant.name][0], 2),
            "cpu_seconds": round(best[variant.name][1], 2),
            "ratio": round(best[variant.name][0] / best["baseline"][0], 3),
            "cpu_ratio": round(best[variant.name][1] / best["baseline"][1], 3),
            "peak_mb": max((r.peak_mb or 0 for r in runs[variant.name]), default=0),
            "runs": [round(r.seconds, 2) for r in runs[variant.name]],
            "cpu_runs": [round(r.cpu, 2) for r in runs[variant.name]]})
    return out


# --- Tables and targets ---------------------------------------------------------------

PAIRS = [("validate", "load_floor"), ("build_html_json", "validate"), ("build_pdf", "render_floor")]


def ratio(a: Json | None, b: Json | None, key: str = "seconds") -> str:
    if not a or not b or not b.get(key) or not a.get(key):
        return "-"
    return f"{a[key] / b[key]:.2f}x"


def _mb(value: float | None) -> str:
    return f"{value:,.0f}" if value is not None else "-"


def table(sizes: list[Json]) -> str:
    """Each measured step next to its floor: wall seconds, their ratio, the ratio of CPU seconds, peak memory."""
    rows = [("records", "step", "time s", "floor", "floor s", "ratio", "cpu ratio", "peak MB", "floor MB")]
    for size in sizes:
        steps = size["steps"]
        for name, floor in PAIRS:
            if name not in steps:
                continue
            s, f = steps[name], steps.get(floor)
            rows.append((f"{size['records']:,}", name + ("" if s["ok"] else " (FAILED)"), f"{s['seconds']:.2f}",
                         floor, f"{f['seconds']:.2f}" if f else "-", ratio(s, f), ratio(s, f, "cpu_seconds"),
                         _mb(s["peak_mb"]), _mb(f["peak_mb"]) if f else "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(c.ljust(w) if i in (0, 1, 3) else c.rjust(w)
                        for i, (c, w) in enumerate(zip(r, widths, strict=True)))
             for r in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def targets(sizes: list[Json]) -> list[Json]:
    """The issue's targets, checked on CPU time (wall time beside it); sizes not measured are skipped.

    CPU seconds, because the machine is shared: another job's load stretches a step's wall time and its
    floor's differently, and a ratio of wall times then measures the neighbours. The README shows both.
    """
    by = {s["records"]: s["steps"] for s in sizes}
    out: list[Json] = []

    def versus(what: str, step: Json, other: Json, limit: float) -> None:
        if not (step.get("ok") and other.get("ok")):
            out.append({"target": what, "value": None, "limit": limit, "met": False, "why": "a step failed"})
            return
        out.append({"target": what, "value": round(step["seconds"] / other["seconds"], 2),
                    "cpu_value": round(step["cpu_seconds"] / other["cpu_seconds"], 2), "limit": limit,
                    "met": step["cpu_seconds"] / other["cpu_seconds"] <= limit})

    if 50000 in by:
        versus("validate at 50,000 records within 1.5x the load floor", by[50000]["validate"],
               by[50000]["load_floor"], 1.5)
        if 10000 in by:
            versus("validate linear: time at 50,000 records / time at 10,000 at most 6 (5x the records)",
                   by[50000]["validate"], by[10000]["validate"], 6.0)
    if 1000 in by and "render_floor" in by[1000]:
        versus("build (PDF, HTML, JSON) at 1,000 records within 1.15x the render floor", by[1000]["build_pdf"],
               by[1000]["render_floor"], 1.15)
    if sizes:
        out += limit_targets(max(sizes, key=lambda s: s["records"]))
    return out


def limit_targets(size: Json, records: int = 100_000) -> list[Json]:
    """Each kind of file at `records` records in the benchmark's shape, projected from a measured size, within
    its limit: the register linearly; the origins catalog as if each source had an origin of its own."""
    out = []
    sources = records // RECORDS_PER_SOURCE
    for name, used in size.get("limits", {}).items():
        measured = used["largest_bytes"]
        if used["grows"] == "sources":
            projected, what = measured * records // size["records"], f"projected from {size['records']:,}"
        elif used["grows"] == "origins" and used["entries"]:
            projected = measured + measured * sources // used["entries"]
            what = f"with an origin of its own for each of {sources:,} sources"
        else:
            projected, what = measured, "as measured"
        out.append({"target": f"largest {name} file at {records:,} records ({what}) within the {used['kind']} "
                              f"limit", "value": projected, "limit": used["limit_bytes"],
                    "met": projected <= used["limit_bytes"], "bytes": True})
    return out


def markdown(report: Json) -> str:
    """The README's tables, from one run's figures."""
    lines = ["| records | step | time | CPU | floor | floor time | ratio | CPU ratio | peak memory | floor memory |",
             "|--:|---|--:|--:|---|--:|--:|--:|--:|--:|"]
    names = {"validate": "`dossier validate`", "build_html_json": "`dossier build` HTML, JSON",
             "build_pdf": "`dossier build` PDF, HTML, JSON", "load_floor": "load", "validate_floor": "validate",
             "render_floor": "render"}
    for size in report["sizes"]:
        steps = size["steps"]
        for name, floor_name in PAIRS:
            if name not in steps:
                continue
            s, f = steps[name], steps.get(floor_name, {})
            label = names[name] + (f" ({s['pages']:,} pages)" if s.get("pages") else "")
            label += "" if s["ok"] else f" **failed**: {s['says'][:60]}"
            floor_label = "validate" if floor_name == "validate" else names[floor_name]
            lines.append(f"| {size['records']:,} | {label} | {_seconds(s['seconds'])} | {_seconds(s['cpu_seconds'])} "
                         f"| {floor_label} | {_seconds(f.get('seconds'))} | {ratio(s, f)} | "
                         f"{ratio(s, f, 'cpu_seconds')} | {_mb(s['peak_mb'])} MB | {_mb(f.get('peak_mb'))} MB |")
    lines += ["", "| target | measured (CPU time) | wall time | |", "|---|--:|--:|---|"]
    for t in report["targets"]:
        value, wall = t.get("cpu_value", t["value"]), t["value"] if "cpu_value" in t else ""
        if t["value"] is None:
            value = t.get("why", "-")
        if t.get("bytes"):
            value = f"{_bytes(t['value'])} of {_bytes(t['limit'])}"
        lines.append(f"| {t['target']} | {value} | {wall} | {'met' if t['met'] else '**missed**'} |")
    if report.get("experiments"):
        exp = report["experiments"]
        lines += ["", f"| render of the {exp['records']:,}-record brief | pages | time | CPU | ratio | CPU ratio "
                      "| PDF |", "|---|--:|--:|--:|--:|--:|---|"]
        for v in exp["variants"]:
            pdf = ("same bytes" if v["same_pdf"] else "other bytes") + ("" if v["proved"] else " (**not proved**)")
            lines.append(f"| {v['change']} | {v['pages']} | {_seconds(v['seconds'])} | {_seconds(v['cpu_seconds'])} "
                         f"| {v['ratio']:.2f}x | {v['cpu_ratio']:.2f}x | {pdf} |")
    return "\n".join(lines) + "\n"


def _bytes(value: int) -> str:
    return f"{value / MiB:,.1f} MiB" if value >= MiB else f"{value / 1024:,.0f} kB"


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f} s" if value < 10 else f"{value:,.1f} s" if value < 100 else f"{value:,.0f} s"


# --- Main -----------------------------------------------------------------------------


def git_version() -> str:
    """The commit measured, marked '+changes' when the code or templates differ from it."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()

    changed = git("status", "--porcelain", "--", "dossier", "bench")
    return git("rev-parse", "--short", "HEAD") + ("+changes" if changed else "")


def machine() -> Json:
    import yaml

    try:
        import weasyprint
        weasy = weasyprint.__version__
    except ImportError:
        weasy = None
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "pyyaml": yaml.__version__, "weasyprint": weasy}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--records", default=SIZES, help=f"comma-separated sizes [{SIZES}]")
    parser.add_argument("--pdf-max", type=int, default=1000, help="build PDFs up to this many records [1000]")
    parser.add_argument("--experiments", type=int, default=100,
                        help="records of the brief the PDF experiments render; 0: none [100]")
    parser.add_argument("--experiment-rounds", type=int, default=2, help="renders of each experiment [2]")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before a step is killed [1800]")
    parser.add_argument("--max-memory-mb", type=int, default=8000,
                        help="address space a step may use before it fails (0: no cap) [8000]")
    parser.add_argument("--seed", type=int, default=2397)
    parser.add_argument("--json", type=Path, default=None,
                        help="where to write the figures [bench/results/<UTC time>.json]")
    parser.add_argument("--keep", action="store_true", help="keep the generated bases (their folder is printed)")
    parser.add_argument("--tables", type=Path, default=None,
                        help="print the README's tables from a run's figures (a results JSON) and stop")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.tables:
        print(markdown(json.loads(args.tables.read_text("utf-8"))), end="")
        return 0
    sizes = [int(n.replace("_", "")) for n in args.records.split(",") if n.strip()]
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="dossier-bench-"))
    print(f"bench: {', '.join(f'{n:,}' for n in sizes)} records in {workdir}; python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs", flush=True)
    results: list[Json] = []
    experiment: Json | None = None
    try:
        for records in sizes:
            results.append(bench_size(records, args, workdir))
        if args.experiments:
            experiment = experiments(args.experiments, args, workdir)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    report: Json = {
        "command": "bench/run.py " + " ".join(argv),
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "machine": machine(), "git": git_version(),
        "note": "seconds: wall clock of each step's own process, start-up included; cpu_seconds: its user + system "
                "time; peak_mb: its own VmHWM (bench/peak.py); wait4_mb: wait4's ru_maxrss, which includes this "
                "driver's size at the fork; the fastest of 3 runs for steps under 5 s",
        "sizes": results, "experiments": experiment, "targets": targets(results)}
    print("\n" + table(results))
    for t in report["targets"]:
        value = f"{t['cpu_value']} of CPU time (wall {t['value']})" if "cpu_value" in t else t["value"]
        print(f"{'met   ' if t['met'] else 'MISSED'}  {t['target']}: {value} (limit {t['limit']})")
    report["total_seconds"] = round(time.perf_counter() - started, 1)
    print(f"total {report['total_seconds']:.0f} s")
    path = args.json or RESULTS / (dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ") + ".json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    print(f"wrote {path}\n\n{markdown(report)}")
    steps_ok = all(s["ok"] for size in results for s in size["steps"].values())
    return 0 if steps_ok and all(v["proved"] for v in (experiment or {}).get("variants", [])) else 1


if __name__ == "__main__":
    sys.exit(main())
