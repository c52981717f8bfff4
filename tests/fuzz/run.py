"""Run mutants through the dossier CLI, each in a subprocess, and classify what happens.

    python -m tests.fuzz.run --mutants 2000 --seed 1 --commands validate
    python -m tests.fuzz.run --mutants 400 --seed 1 --commands diff,stats --out build/fuzz
    python -m tests.fuzz.run --replay build/fuzz/failures/validate-CRASH-00000

Every mutant (see tests/fuzz/mutate.py) is written into a fresh copy of a small root (the
repository's brief.yaml, catalog/, seeds/ and evidence/). For `diff` the root is a git
repository with the originals committed and the mutant in the working tree, compared with
`dossier diff HEAD`. Each command runs as `python -m dossier ... --root ROOT` in its own
process group, with a wall-clock timeout and an address-space limit, and is classified:

  OK            exit 0 or 1, no traceback, every problem positioned inside its file
  TRACEBACK     "Traceback (most recent call last)" in the output
  CRASH         killed by a signal (segmentation fault, abort, ...)
  TIMEOUT       still running after --timeout seconds (killed)
  MEMORY        MemoryError, or killed by SIGKILL / an allocation failure under the --memory limit
  EXIT          any other exit status (2 is bad usage: the command line here is always right)
  UNPOSITIONED  a problem line (validate's report, diff's errors, stats' stderr) without `path:line:col:`, with a position
                outside its file's lines (or past the line's end + 1), naming a missing file
                (a folder is accepted at 1:1: "evidence/sub is a folder"),
                or a stray unindented line that is not a problem
  MODIFIED      a file in evidence/, seeds/, catalog/ or a top-level YAML file (brief.yaml, ...) was changed, added or
                removed by the run (the tree is hashed before and after)

A run may fall in several classes (a traceback that also modified a file); counts are per
class. The failing mutants are written to OUT/failures/<command>-<CLASS>-<index>/ with the
mutant, its output and meta.json; the first of each distinct failure (exception type and
innermost frame, or signal and innermost frame in dossier) is also minimised (line, then byte ddmin)
when --minimise-budget allows. `--replay DIR` runs a saved failure again.

Exit status: 0 when every run is OK, 1 when any failed, 2 when the unmutated root does
not pass (the tool is broken before any mutation: nothing is fuzzed).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import multiprocessing
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .mutate import REPO, load_corpus, make_root, mutant

COMMANDS = ("validate", "diff", "stats")
CLASSES = ("TRACEBACK", "CRASH", "TIMEOUT", "MEMORY", "EXIT", "UNPOSITIONED", "MODIFIED")
WATCHED = ("evidence", "seeds", "catalog")  # and every YAML file at the top of the root
OUTPUT_CAP = 2 * 1024 * 1024

GIT_ENV = {"GIT_AUTHOR_NAME": "Fuzz", "GIT_AUTHOR_EMAIL": "fuzz@example.org", "GIT_COMMITTER_NAME": "Fuzz",
           "GIT_COMMITTER_EMAIL": "fuzz@example.org", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


@dataclass
class Config:
    python: str = sys.executable
    pythonpath: str = str(REPO)  # where `dossier` is imported from
    timeout: float = 20.0
    memory: int = 2 * 1024 ** 3
    seed: int = 1
    commands: tuple[str, ...] = ("validate",)
    data: str = str(REPO)  # where the shipped YAML files and captures are read from


# --- running one command ---------------------------------------------------------------------


@dataclass
class Outcome:
    command: str
    returncode: int | None
    elapsed: float
    maxrss_kb: int
    stdout: str
    stderr: str
    timed_out: bool = False
    classes: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    signature: str = ""


def _limits(memory: int):
    def set_limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return set_limits


def child_env(cfg: Config) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "GIT_"))}
    env.update(GIT_ENV, PYTHONPATH=cfg.pythonpath, PYTHONDONTWRITEBYTECODE="1", PYTHONFAULTHANDLER="1",
               PYTHONHASHSEED="0", LC_ALL="C.UTF-8")
    return env


def argv(cfg: Config, command: str, root: Path) -> list[str]:
    args = [cfg.python, "-m", "dossier", command, "--root", str(root)]
    return args + ["HEAD"] if command == "diff" else args


def _read(handle) -> str:
    handle.seek(0)
    data = handle.read(OUTPUT_CAP + 1)
    if len(data) > OUTPUT_CAP:
        data = data[:OUTPUT_CAP] + b"\n[... output cut at %d bytes by the fuzzer]\n" % OUTPUT_CAP
    return data.decode("utf-8", "backslashreplace")


def run_command(cfg: Config, command: str, root: Path) -> Outcome:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(argv(cfg, command, root), cwd=root, env=child_env(cfg), stdin=subprocess.DEVNULL,
                                stdout=out, stderr=err, preexec_fn=_limits(cfg.memory), start_new_session=True)
        timed_out, delay = False, 0.002
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - start > cfg.timeout:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(delay)
            delay = min(delay * 1.5, 0.05)
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        elapsed = time.monotonic() - start
        with contextlib.suppress(ProcessLookupError):  # anything the command left running in its group
            os.killpg(proc.pid, signal.SIGKILL)
        return Outcome(command, code, elapsed, usage.ru_maxrss, _read(out), _read(err), timed_out)


# --- classification ----------------------------------------------------------------------------

POSITIONED = re.compile(r"^(?P<path>[^\s:][^:]*?):(?P<line>-?\d+):(?P<col>-?\d+): (?P<sev>error|warning): ")
PROBLEMISH = re.compile(r"\b(error|warning)\b:?", re.I)
SUMMARY = re.compile(r"^\d+ records?, \d+ errors?, \d+ warnings?(: .*)?$")
FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+),? in (?P<func>\S+)')
MEMORY_TEXT = ("MemoryError", "Cannot allocate memory", "std::bad_alloc", "out of memory", "memory exhausted")


def short_path(path: str) -> str:
    if "/dossier/" in path:
        return "dossier/" + path.rsplit("/dossier/", 1)[1]
    for marker in ("/site-packages/", "/lib/python3."):
        if marker in path:
            path = path.split(marker, 1)[1]
            return path.split("/", 1)[1] if marker == "/lib/python3." else path
    parts = path.split("/")
    return "/".join(parts[-2:])


def traceback_signature(text: str) -> str:
    """Exception type and innermost frame of the last traceback in `text`."""
    start = text.rfind("Traceback (most recent call last)")
    lines = text[start:].splitlines()[1:]
    frame, exc = "?", "?"
    for line in lines:
        m = FRAME.match(line)
        if m:
            frame = f"{short_path(m['file'])}:{m['line']} in {m['func']}"
        elif line and not line[0].isspace():
            exc = line.split(":", 1)[0].strip()
            break
    return f"{exc} at {frame}"


def crash_signature(code: int, text: str) -> str:
    """The signal, and the innermost frame in dossier's own code of faulthandler's stack (the frame a
    stack overflow dies in moves with the depth; the dossier frame that led there does not)."""
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    start = text.find("most recent call first")
    frame = innermost = "?"
    if start != -1:
        for line in text[start:].splitlines()[1:]:
            m = FRAME.match(line)
            if not m:
                continue
            where = f"{short_path(m['file'])}:{m['line']} in {m['func']}"
            innermost = where if innermost == "?" else innermost
            if "/dossier/" in m["file"]:
                frame = where
                break
    fatal = re.search(r"Fatal Python error: ([^\n]*)", text)
    return f"{name} ({fatal[1].strip() if fatal else 'no message'}) at {frame if frame != '?' else innermost}"


def file_lines(data: bytes) -> list[list[tuple[int, int]]]:
    """(characters, bytes) per line of a file, in two readings: split on LF only, and on every YAML break."""
    text = data.decode("utf-8", "surrogateescape")
    readings = []
    for parts in (text.split("\n"), re.split(r"\r\n|[\n\r\x85\u2028\u2029]", text)):
        readings.append([(len(p), len(p.encode("utf-8", "surrogateescape"))) for p in parts])
    return readings


def position_inside(data: bytes, line: int, col: int) -> bool:
    """Line within the file's lines, column within the line's length + 1 (in characters or bytes)."""
    return any(1 <= line <= len(lines) and 1 <= col <= max(lines[line - 1]) + 1 for lines in file_lines(data))


def problem_lines(command: str, stdout: str, stderr: str = "") -> list[str]:
    """The lines that should each be a positioned problem: validate's report, diff's fenced errors,
    whatever stats prints on stderr (its summary line, and the problems when it prints them)."""
    if command == "validate":
        return stdout.splitlines()
    if command == "stats":
        return stderr.splitlines()
    lines = stdout.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("❌ **Invalid at head**"):
            for j in range(i + 1, len(lines)):
                fence = re.match(r"^(`{3,})text$", lines[j])
                if fence:
                    body = []
                    for k in range(j + 1, len(lines)):
                        if lines[k] == fence[1]:
                            return body
                        body.append(lines[k])
                    return body + ["[fuzzer: the fenced block is not closed]"]
    return []


def unpositioned(command: str, stdout: str, root: Path, stderr: str = "") -> list[str]:
    reasons = []
    for line in problem_lines(command, stdout, stderr):
        if not line.strip() or line.startswith((" ", "\t")) or SUMMARY.match(line):
            continue
        if re.match(r"^…and \d+ more$", line):
            continue
        m = POSITIONED.match(line)
        if not m:
            kind = "no position" if PROBLEMISH.search(line) else "stray line"
            reasons.append(f"{kind}: {line[:300]}")
            continue
        path = root / m["path"]
        if path.is_dir() and (m["line"], m["col"]) == ("1", "1"):
            continue  # a problem with a folder itself (a subfolder of evidence/), placed at its start
        if not path.is_file():
            reasons.append(f"names no file in the root: {line[:300]}")
            continue
        if not position_inside(path.read_bytes(), int(m["line"]), int(m["col"])):
            reasons.append(f"position outside the file: {line[:300]}")
    return reasons


def unpositioned_signature(reason: str) -> str:
    kind, _, line = reason.partition(": ")
    m = POSITIONED.match(line)
    message = line[m.end():] if m else line
    if m:
        message = f"{m['path'].split('/')[0]}/...: {m['sev']}: {message}"
    message = re.sub(r"'[^']*'|\"[^\"]*\"|“[^”]*”", "'…'", message)
    message = re.sub(r"\d+", "N", message)
    return f"{kind}: {message[:120]}"


def classify(outcome: Outcome, root: Path, modified: list[str]) -> None:
    text = outcome.stdout + "\n" + outcome.stderr
    code = outcome.returncode
    classes, reasons = [], []
    if outcome.timed_out:
        classes.append("TIMEOUT")
        signature = "TIMEOUT"
    elif code is not None and code < 0:
        if code == -signal.SIGKILL or any(t in text for t in MEMORY_TEXT):
            classes.append("MEMORY")
            signature = "MEMORY: " + crash_signature(code, text)
        else:
            classes.append("CRASH")
            signature = "CRASH: " + crash_signature(code, text)
    elif "Traceback (most recent call last)" in text:
        sig = traceback_signature(text)
        classes.append("MEMORY" if sig.startswith("MemoryError") else "TRACEBACK")
        signature = f"{classes[-1]}: {sig}"
    elif code not in (0, 1):
        classes.append("EXIT")
        signature = f"EXIT {code}: {(outcome.stderr.strip().splitlines() or ['?'])[-1][:160]}"
    else:
        signature = ""
        if outcome.command in COMMANDS:
            reasons = unpositioned(outcome.command, outcome.stdout, root, outcome.stderr)
            if reasons:
                classes.append("UNPOSITIONED")
                signature = "UNPOSITIONED: " + unpositioned_signature(reasons[0])
    if modified:
        classes.append("MODIFIED")
        reasons += [f"modified: {p}" for p in modified]
        signature = signature or "MODIFIED: " + ", ".join(sorted({p.split('/')[0] for p in modified}))
    outcome.classes, outcome.reasons, outcome.signature = classes, reasons, signature


def tree_hash(root: Path) -> dict[str, str]:
    hashes = {}
    for name in (*WATCHED, *sorted(p.name for p in root.glob("*.yaml"))):
        top = root / name
        paths = [top] if top.is_file() or top.is_symlink() else sorted(p for p in top.rglob("*")) if top.is_dir() else []
        for path in paths:
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                hashes[rel] = "symlink:" + os.readlink(path)
            elif path.is_file():
                hashes[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            elif path.is_dir():
                hashes[rel] = "dir"
            else:
                hashes[rel] = "special"
    return hashes


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


# --- one mutant ---------------------------------------------------------------------------------

_CFG: Config | None = None
_CORPUS: dict[str, bytes] = {}
_BASE: Path | None = None
_WORK: Path | None = None


def prepare_base(dest: Path, cfg: Config) -> Path:
    """The unmutated root, a git repository with everything committed when `diff` is fuzzed."""
    make_root(dest, Path(cfg.data))
    if "diff" in cfg.commands:
        env = {**os.environ, **GIT_ENV}
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "--no-gpg-sign", "-m", "base"]):
            subprocess.run(["git", *args], cwd=dest, env=env, check=True, capture_output=True)
    return dest


def _init(cfg: Config, base: Path, work: Path) -> None:
    global _CFG, _CORPUS, _BASE, _WORK
    _CFG, _BASE, _WORK = cfg, base, work
    _CORPUS = load_corpus(Path(cfg.data))


def run_in_root(cfg: Config, base: Path, work: Path, target: str | None, data: bytes | None,
                commands: tuple[str, ...], name: str) -> tuple[list[Outcome], Path]:
    root = work / name
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(base, root, symlinks=True)
    if target is not None:
        path = root / target
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data or b"")
    outcomes = []
    before = tree_hash(root)
    for command in commands:
        outcome = run_command(cfg, command, root)
        after = tree_hash(root)
        classify(outcome, root, changed(before, after))
        outcomes.append(outcome)
        before = after
    return outcomes, root


def fuzz_one(index: int) -> dict:
    assert _CFG and _BASE and _WORK
    m = mutant(_CFG.seed, index, _CORPUS)
    outcomes, root = run_in_root(_CFG, _BASE, _WORK, m.target, m.data, _CFG.commands, f"m{index:06d}")
    shutil.rmtree(root, ignore_errors=True)
    return {"index": index, "family": m.family, "target": m.target, "how": m.how, "size": len(m.data),
            "outcomes": [asdict(o) for o in outcomes]}


# --- minimising ----------------------------------------------------------------------------------


def ddmin(units: list[bytes], joiner: bytes, still_fails, budget: list[int]) -> list[bytes]:
    """Delta debugging by removing chunks while `still_fails`; stops when `budget[0]` runs out."""
    n = 2
    while len(units) >= 2 and budget[0] > 0:
        size = max(1, len(units) // n)
        reduced = False
        for start in range(0, len(units), size):
            if budget[0] <= 0:
                break
            candidate = units[:start] + units[start + size:]
            budget[0] -= 1
            if candidate and still_fails(joiner.join(candidate)):
                units, n, reduced = candidate, max(n - 1, 2), True
                break
        if not reduced:
            if size == 1:
                break
            n = min(len(units), n * 2)
    return units


def same_failure(found: str, wanted: str) -> bool:
    """The same failure for minimising: a crash by the same signal (the innermost frame of a stack
    overflow moves with the depth), otherwise the same signature."""
    if wanted.startswith(("CRASH", "MEMORY")):
        return found.split(" (")[0] == wanted.split(" (")[0]
    return found == wanted


def minimise_one(job: dict) -> dict:
    """Shrink one failing mutant while the same command fails with the same signature."""
    assert _CFG and _BASE and _WORK
    command, signature, target = job["command"], job["signature"], job["target"]
    data = bytes.fromhex(job["data"])
    budget = [job["budget"]]
    name = f"min-{job['index']}-{command}"

    def still_fails(candidate: bytes) -> bool:
        outcomes, root = run_in_root(_CFG, _BASE, _WORK, target, candidate, (command,), name)
        shutil.rmtree(root, ignore_errors=True)
        return same_failure(outcomes[0].signature, signature)

    data = b"\n".join(ddmin(data.split(b"\n"), b"\n", still_fails, budget))
    if budget[0] > 0 and len(data) > 64:
        data = b"".join(ddmin([data[i:i + 1] for i in range(len(data))], b"", still_fails, budget)) \
            if len(data) <= 4096 else _shrink_bytes(data, still_fails, budget)
    outcomes, root = run_in_root(_CFG, _BASE, _WORK, target, data, (command,), name)
    shutil.rmtree(root, ignore_errors=True)
    return {**job, "data": data.hex(), "reproduces": same_failure(outcomes[0].signature, signature),
            "outcome": asdict(outcomes[0])}


def _shrink_bytes(data: bytes, still_fails, budget: list[int]) -> bytes:
    """For large one-line inputs: cut halves, then quarters, ... from either end while it still fails."""
    while budget[0] > 0 and len(data) > 64:
        for candidate in (data[: len(data) // 2], data[len(data) // 2:], data[len(data) // 4: 3 * len(data) // 4]):
            budget[0] -= 1
            if still_fails(candidate):
                data = candidate
                break
        else:
            return data
    return data


# --- the whole run -------------------------------------------------------------------------------


def save_failure(out: Path, result: dict, outcome: dict, cls: str, m_data: bytes, cfg: Config) -> Path:
    folder = out / "failures" / f"{outcome['command']}-{cls}-{result['index']:06d}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mutant").mkdir(exist_ok=True)
    target = folder / "mutant" / result["target"]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(m_data)
    (folder / "output.txt").write_text(
        f"$ {' '.join(argv(cfg, outcome['command'], Path('ROOT')))}\nexit status: {outcome['returncode']}"
        f"{' (timed out)' if outcome['timed_out'] else ''}; {outcome['elapsed']:.2f} s; max RSS "
        f"{outcome['maxrss_kb'] // 1024} MiB\n--- stdout\n{outcome['stdout']}\n--- stderr\n{outcome['stderr']}\n",
        encoding="utf-8")
    meta = {"seed": cfg.seed, "index": result["index"], "family": result["family"], "target": result["target"],
            "how": result["how"], "size": result["size"], "command": outcome["command"], "class": cls,
            "classes": outcome["classes"], "signature": outcome["signature"], "reasons": outcome["reasons"][:20],
            "returncode": outcome["returncode"], "elapsed": round(outcome["elapsed"], 3),
            "pythonpath": cfg.pythonpath, "data": cfg.data,
            "replay": f"python -m tests.fuzz.run --replay {folder} --pythonpath {cfg.pythonpath} --data {cfg.data}"}
    (folder / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return folder


def tail(text: str, n: int = 8, width: int = 300) -> list[str]:
    return [line[:width] + ("…" if len(line) > width else "") for line in text.rstrip().splitlines()[-n:]]


def fuzz(mutants: int, cfg: Config, out: Path, workers: int = 2, start: int = 0, minimise_budget: int = 40,
         keep_per_signature: int = 3, progress: bool = True) -> dict:
    """Run mutants start..start+mutants-1 through cfg.commands; the summary, also written to OUT."""
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="dossier-fuzz-"))
    started = time.monotonic()
    try:
        base = prepare_base(work / "base", cfg)
        # The unmutated root must pass, or every mutant would "fail" for the same reason.
        baseline, _ = run_in_root(cfg, base, work, None, None, cfg.commands, "baseline")
        bad = [o for o in baseline if o.returncode != 0 or o.classes]
        if bad:
            report = {"error": "the unmutated root does not pass; nothing fuzzed",
                      "baseline": [{"command": o.command, "returncode": o.returncode, "classes": o.classes,
                                    "tail": tail(o.stdout + "\n" + o.stderr, 15)} for o in bad]}
            (out / "summary.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
            return report
        counts: dict[str, Counter] = {c: Counter() for c in cfg.commands}
        runs: Counter = Counter()
        failures: dict[str, dict] = {}  # signature -> first failure and its tally
        slowest: list[tuple[float, str, int, str]] = []
        corpus = load_corpus(Path(cfg.data))
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(max(1, min(workers, 2)), initializer=_init, initargs=(cfg, base, work)) as pool:
            done = 0
            for result in pool.imap_unordered(fuzz_one, range(start, start + mutants), chunksize=1):
                done += 1
                for o in result["outcomes"]:
                    runs[o["command"]] += 1
                    slowest.append((o["elapsed"], o["command"], result["index"], result["family"]))
                    if not o["classes"]:
                        counts[o["command"]]["OK"] += 1
                        continue
                    for cls in o["classes"]:
                        counts[o["command"]][cls] += 1
                    key = f"{o['command']} | {o['signature']}"
                    entry = failures.setdefault(key, {"count": 0, "command": o["command"],
                                                      "signature": o["signature"], "examples": []})
                    entry["count"] += 1
                    if len(entry["examples"]) < keep_per_signature:
                        m_data = mutant(cfg.seed, result["index"], corpus).data
                        folder = save_failure(out, result, o, o["classes"][0], m_data, cfg)
                        entry["examples"].append({"index": result["index"], "family": result["family"],
                                                  "target": result["target"], "how": result["how"],
                                                  "size": result["size"], "folder": str(folder),
                                                  "tail": tail(o["stdout"] + "\n" + o["stderr"]),
                                                  "reasons": o["reasons"][:5]})
                if progress and done % 100 == 0:
                    failed = sum(e["count"] for e in failures.values())
                    print(f"  {done}/{mutants} mutants, {failed} failing runs, {len(failures)} distinct, "
                          f"{time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
            if minimise_budget > 0 and failures:
                jobs = []
                for key, entry in failures.items():
                    if entry["signature"] == "TIMEOUT":
                        continue  # each try would cost the whole timeout
                    first = min(entry["examples"], key=lambda e: e["size"])
                    m = mutant(cfg.seed, first["index"], corpus)
                    jobs.append({"key": key, "index": m.index, "command": entry["command"], "target": m.target,
                                 "signature": entry["signature"], "data": m.data.hex(), "budget": minimise_budget,
                                 "folder": first["folder"]})
                if progress:
                    print(f"  minimising {len(jobs)} distinct failures", file=sys.stderr, flush=True)
                for done_job in pool.imap_unordered(minimise_one, jobs):
                    data = bytes.fromhex(done_job["data"])
                    folder = Path(done_job["folder"])
                    target = folder / "minimised" / done_job["target"]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
                    entry = failures[done_job["key"]]
                    o = done_job["outcome"]
                    entry["minimised"] = {"folder": str(folder), "size": len(data),
                                          "reproduces": done_job["reproduces"],
                                          "preview": data[:400].decode("utf-8", "backslashreplace"),
                                          "tail": tail(o["stdout"] + "\n" + o["stderr"])}
        slowest.sort(reverse=True)
        summary = {
            "seed": cfg.seed, "mutants": mutants, "start": start, "commands": list(cfg.commands),
            "python": cfg.python, "pythonpath": cfg.pythonpath, "data": cfg.data, "timeout": cfg.timeout, "memory": cfg.memory,
            "workers": min(workers, 2), "seconds": round(time.monotonic() - started, 1),
            "runs": dict(runs),
            "counts": {c: {k: counts[c].get(k, 0) for k in ("OK",) + CLASSES} for c in cfg.commands},
            "distinct_failures": sorted(failures.values(), key=lambda e: -e["count"]),
            "slowest": [{"seconds": round(s, 2), "command": c, "index": i, "family": f} for s, c, i, f in slowest[:10]],
        }
        (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
        (out / "summary.txt").write_text(format_summary(summary), encoding="utf-8")
        return summary
    finally:
        shutil.rmtree(work, ignore_errors=True)


def failure_total(summary: dict) -> dict[str, int]:
    """Failing runs per class, over all commands."""
    totals = Counter()
    for per in summary.get("counts", {}).values():
        for cls in CLASSES:
            totals[cls] += per.get(cls, 0)
    return {cls: totals[cls] for cls in CLASSES}


def format_summary(summary: dict) -> str:
    if "error" in summary:
        return summary["error"] + "\n" + json.dumps(summary["baseline"], indent=2, ensure_ascii=False) + "\n"
    lines = [f"seed {summary['seed']}, mutants {summary['start']}..{summary['start'] + summary['mutants'] - 1}, "
             f"{summary['seconds']} s, {summary['workers']} workers, timeout {summary['timeout']} s, "
             f"memory limit {summary['memory'] // 1024 ** 2} MiB, dossier from {summary['pythonpath']}, "
             f"data from {summary['data']}", ""]
    header = ["command", "runs", "OK", *CLASSES]
    rows = [[c, str(summary["runs"].get(c, 0)), *(str(summary["counts"][c][k]) for k in ("OK",) + CLASSES)]
            for c in summary["commands"]]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        lines.append("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)))
    if summary["distinct_failures"]:
        lines += ["", f"{len(summary['distinct_failures'])} distinct failures:"]
        for entry in summary["distinct_failures"]:
            ex = entry["examples"][0]
            lines.append(f"- [{entry['count']}x] {entry['command']}: {entry['signature']}")
            lines.append(f"    e.g. #{ex['index']} {ex['family']} {ex['target']}: {ex['how'][:160]}")
            lines.append(f"    {ex['folder']}")
            if "minimised" in entry:
                mini = entry["minimised"]
                lines.append(f"    minimised to {mini['size']} bytes (reproduces: {mini['reproduces']})")
    return "\n".join(lines) + "\n"


# --- replay ------------------------------------------------------------------------------------------


def replay(folder: Path, cfg: Config, minimised: bool) -> int:
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    source = folder / ("minimised" if minimised and (folder / "minimised").exists() else "mutant") / meta["target"]
    cfg.commands = (meta["command"],)
    work = Path(tempfile.mkdtemp(prefix="dossier-replay-"))
    try:
        base = prepare_base(work / "base", cfg)
        outcomes, _ = run_in_root(cfg, base, work, meta["target"], source.read_bytes(), cfg.commands, "root")
        o = outcomes[0]
        print(f"$ {' '.join(argv(cfg, o.command, Path('ROOT')))}   # {meta['target']} <- {source}")
        print(o.stdout[-6000:], end="")
        print(o.stderr[-6000:], end="", file=sys.stderr)
        print(f"\n[fuzz] exit {o.returncode}, {o.elapsed:.2f} s, classes: {o.classes or ['OK']}, "
              f"signature: {o.signature or '-'}", file=sys.stderr)
        for reason in o.reasons[:10]:
            print(f"[fuzz]   {reason}", file=sys.stderr)
        return 1 if o.classes else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv_: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz.run", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mutants", type=int, default=200, help="how many mutants (each runs every command)")
    parser.add_argument("--start", type=int, default=0, help="first mutant index (default 0)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--commands", default="validate", help="comma-separated: validate,diff,stats")
    parser.add_argument("--workers", type=int, default=2, help="parallel mutants, at most 2")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per command run")
    parser.add_argument("--memory", type=int, default=2048, help="address-space limit per run, MiB")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for failures and summary [default: $TMPDIR/dossier-fuzz-SEED]")
    parser.add_argument("--python", default=sys.executable, help="interpreter that runs `-m dossier`")
    parser.add_argument("--pythonpath", default=str(REPO),
                        help="folder holding the dossier package to fuzz [default: this repository]")
    parser.add_argument("--data", default=str(REPO),
                        help="folder holding the brief.yaml, catalog/, seeds/ and evidence/ to mutate "
                             "[default: this repository]")
    parser.add_argument("--minimise-budget", type=int, default=40, help="runs spent minimising each distinct failure")
    parser.add_argument("--replay", type=Path, help="run one saved failure folder again")
    parser.add_argument("--minimised", action="store_true", help="with --replay: the minimised mutant")
    args = parser.parse_args(argv_)
    commands = tuple(c.strip() for c in args.commands.split(",") if c.strip())
    unknown = [c for c in commands if c not in COMMANDS]
    if unknown or not commands:
        parser.error(f"unknown command(s) {unknown}; choose from {','.join(COMMANDS)}")
    cfg = Config(python=args.python, pythonpath=str(Path(args.pythonpath).resolve()), timeout=args.timeout,
                 memory=args.memory * 1024 ** 2, seed=args.seed, commands=commands,
                 data=str(Path(args.data).resolve()))
    if args.replay:
        return replay(args.replay, cfg, args.minimised)
    out = args.out or Path(tempfile.gettempdir()) / f"dossier-fuzz-{args.seed}"
    summary = fuzz(args.mutants, cfg, out, workers=args.workers, start=args.start,
                   minimise_budget=args.minimise_budget)
    print(format_summary(summary), end="")
    print(f"failures and summary: {out}")
    if "error" in summary:
        return 2
    return 1 if any(failure_total(summary).values()) else 0


if __name__ == "__main__":
    sys.exit(main())
