"""The benchmark: its generated evidence bases, how it measures (peak memory, floors, experiments, limits), and the
fast paths it measures giving exactly what the slow ones gave."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from bench import floors, run
from bench.generate import generate
from dossier.inputs import LIMITS
from dossier.passage import CaptureText, normalise
from dossier.validate import validate
from dossier.yaml_read import EvidenceLoader, _load

REPO = Path(__file__).resolve().parent.parent


def test_generated_base_is_valid_and_covers_the_catalog(tmp_path: Path) -> None:
    base = generate(tmp_path / "base", 60)
    result = validate(base.root)
    assert result.ok, [p.text() for p in result.problems if p.is_error][:5]
    assert len(result.records) == 60 and len(result.sources) == base.sources == 6
    assert {t.id for r in result.records for t in r.provisions} == set(result.provisions)
    assert len({r.grading.code for r in result.records}) == 36
    assert {r.status for r in result.records} == {"draft", "reviewed"}
    assert any(r.corroborates for r in result.records) and any(r.contradicts for r in result.records)
    precisions = {len(r.event.date.text) if r.event.date else 0 for r in result.records}
    assert precisions == {0, 4, 7, 10}
    assert {m.kind for m in result.matches.values()} == {"exact", "normalised"}
    assert all(len(m.occurrences) == 1 for m in result.matches.values())
    assert all(len(c.read_bytes()) > 3000 for c in (base.root / "seeds").glob("*.txt"))


def test_own_origins_give_one_origin_group_per_source(tmp_path: Path) -> None:
    base = generate(tmp_path / "base", 12, per_source=1, own_origins=True)
    result = validate(base.root)
    assert result.ok, [p.text() for p in result.problems if p.is_error][:5]
    assert base.sources == len(result.sources) == 12
    firsts = {r.reporting_chain[0] for r in result.records}
    assert len(firsts) == 12  # each record starts at its own source's origin ...
    groups = {result.origins[name.casefold()].group for name in firsts if name.casefold() in result.origins}
    assert len(groups) == 12  # ... and each origin is a group of its own


def test_same_arguments_write_the_same_base(tmp_path: Path) -> None:
    def files(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    assert files(generate(tmp_path / "a", 20).root) == files(generate(tmp_path / "b", 20).root)


# --- Peak memory: the process's own, not the driver's ------------------------------------------------

ALLOCATE = "import sys\nblock = bytearray({mb} * 1024 * 1024)\nprint('allocated')\nsys.exit({status})\n"


def test_peak_is_the_steps_own_even_when_the_driver_is_large(tmp_path: Path) -> None:
    script = tmp_path / "small.py"
    script.write_text(ALLOCATE.format(mb=1, status=0), "utf-8")
    ballast = bytearray(400 * 1024 * 1024)  # the driver holding a large base: touched, so resident
    for index in range(0, len(ballast), 4096):
        ballast[index] = 1
    measured = run.run_once([str(script)], timeout=60)
    assert measured.status == 0 and "allocated" in measured.output
    assert measured.wait4_mb >= 350  # what the old benchmark read: the driver's size at the fork
    assert measured.peak_mb is not None and measured.peak_mb < 100  # the small step's own peak
    del ballast


def test_peak_counts_what_the_step_allocates_and_keeps_its_exit_status(tmp_path: Path) -> None:
    script = tmp_path / "large.py"
    script.write_text(ALLOCATE.format(mb=200, status=3), "utf-8")
    measured = run.run_once([str(script)], timeout=60)
    assert measured.status == 3
    assert measured.peak_mb is not None and measured.peak_mb >= 200


def test_peak_runs_a_module_as_python_minus_m_does(tmp_path: Path) -> None:
    report = tmp_path / "peak.json"
    done = subprocess.run([sys.executable, str(REPO / "bench" / "peak.py"), str(report), "-m", "dossier", "--help"],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0 and "validate" in done.stdout
    figures = json.loads(report.read_text("utf-8"))
    assert figures["peak_kb"] > 0 and figures["maxrss_kb"] >= figures["peak_kb"]


def test_a_step_over_its_memory_cap_fails_instead_of_exhausting_the_machine(tmp_path: Path) -> None:
    script = tmp_path / "greedy.py"
    script.write_text(ALLOCATE.format(mb=600, status=0), "utf-8")
    measured = run.run_once([str(script)], timeout=60, limit_mb=300)
    assert measured.status != 0 and "MemoryError" in measured.output


# --- Floors, limits, experiments, targets --------------------------------------------------------------


def test_load_floor_reads_every_yaml_file_validate_reads(tmp_path: Path) -> None:
    base = generate(tmp_path / "base", 20)
    names = {str(p.relative_to(base.root)) for p in floors.yaml_files(base.root)}
    assert {"seeds/sources.yaml", "catalog/provisions.yaml", "catalog/origins.yaml", "brief.yaml"} <= names
    assert len(names) == 4 + 20


def test_limits_leave_room_for_100000_records_in_the_benchmarks_shape(tmp_path: Path) -> None:
    for records, kwargs in ((200, {}), (200, {"per_source": 10, "own_origins": True})):
        base = generate(tmp_path / f"base-{len(kwargs)}", records, **kwargs)
        used = run.limits_used(base.root)
        assert set(used) == {"register", "origins", "provisions", "record", "capture"}
        projected = run.limit_targets({"records": records, "limits": used})
        assert all(t["met"] for t in projected), projected
        register = next(t for t in projected if "register" in t["target"])
        assert register["value"] == used["register"]["largest_bytes"] * 500  # linear: 500 x 200 records
        origins = next(t for t in projected if "origins" in t["target"])
        per_entry = used["origins"]["largest_bytes"] / used["origins"]["entries"]
        assert origins["value"] == pytest.approx(used["origins"]["largest_bytes"] + 10_000 * per_entry, abs=1)
    # The rule can fail: a register half the limit at 200 records does not fit 100,000.
    too_big = {"register": {"kind": "register", "grows": "sources", "entries": 20,
                            "largest_bytes": LIMITS["register"] // 2, "limit_bytes": LIMITS["register"]}}
    assert not run.limit_targets({"records": 200, "limits": too_big})[0]["met"]


def steps(validate_s: float, floor_s: float, ok: bool = True, wall: float = 1.0) -> dict[str, dict[str, object]]:
    """Validate and its floor taking these CPU seconds; `wall` times validate's CPU is its wall time."""
    return {"validate": {"seconds": validate_s * wall, "cpu_seconds": validate_s, "ok": ok},
            "load_floor": {"seconds": floor_s, "cpu_seconds": floor_s, "ok": True}}


def test_targets_validate_within_1_5x_the_floor_and_linear() -> None:
    met = run.targets([{"records": 10000, "steps": steps(10.0, 8.0)}, {"records": 50000, "steps": steps(48, 33)}])
    assert [t["met"] for t in met[:2]] == [True, True]
    slow = run.targets([{"records": 10000, "steps": steps(10.0, 8.0)}, {"records": 50000, "steps": steps(70, 40)}])
    assert [t["met"] for t in slow[:2]] == [False, False]  # 1.75x the floor; 7x the time for 5x the records
    failed = run.targets([{"records": 50000, "steps": steps(1.0, 8.0, ok=False)}])
    assert failed[0]["met"] is False and failed[0]["value"] is None


def test_targets_are_judged_on_cpu_time_not_on_a_shared_machines_wall_time() -> None:
    stretched = run.targets([{"records": 50000, "steps": steps(48, 33, wall=3.0)}])[0]  # waited for the CPU
    assert stretched["met"] is True and stretched["value"] > 1.5 and stretched["cpu_value"] <= 1.5
    costly = run.targets([{"records": 50000, "steps": steps(60, 33, wall=0.5)}])[0]
    assert costly["met"] is False and costly["value"] <= 1.5


def rendered(name: str, seconds: float, digest: str, status: int = 0) -> run.Run:
    return run.Run(seconds, seconds, 100.0, 100.0, status, f"10 pages, 1000 bytes, sha256 {digest}")


def test_an_experiment_proves_it_took_effect_or_is_marked_unproved(tmp_path: Path) -> None:
    chosen = run.variants(tmp_path)
    names = [v.name for v in chosen]
    assert names[0] == "baseline" and {"gc-on", "pages-rebuilt", "pdf-a-3b", "plain-pdf", "rows-flex",
                                       "rows-block", "rows-table-each", "tables-auto", "badges-inline-block",
                                       "compress-9"} <= set(names)
    same, other = "a" * 64, "b" * 64
    digests = {"baseline": {same}, "gc-on": {same}, "pages-rebuilt": {same}, "pdf-a-3b": {other},
               "plain-pdf": {other}, "rows-flex": {other}, "rows-block": {same}, "rows-table-each": {other},
               "tables-auto": {other}, "badges-inline-block": {other}, "compress-9": {other}}
    runs = {name: [rendered(name, 10.0, next(iter(digests[name])))] for name in names}
    figures = run.experiment_figures(100, chosen, runs, digests, dict.fromkeys(names, 10))
    proved = {v["name"]: v["proved"] for v in figures["variants"]}
    # rows-block changed nothing: its CSS did not take effect, so it measured nothing.
    assert proved == {"baseline": True, "gc-on": True, "pages-rebuilt": True, "pdf-a-3b": True, "plain-pdf": True,
                      "rows-flex": True, "rows-block": False, "rows-table-each": True, "tables-auto": True,
                      "badges-inline-block": True, "compress-9": True}
    for name in ("gc-on", "pages-rebuilt"):  # the collector and the page list must keep the bytes
        digests[name] = {other}
        figures = run.experiment_figures(100, chosen, runs, digests, dict.fromkeys(names, 10))
        assert not next(v for v in figures["variants"] if v["name"] == name)["proved"]
        digests[name] = {same}


def test_css_experiments_are_author_stylesheets_after_brief_css() -> None:
    page = "<html><head><style>/* brief.css */ table.facts { display: table; }</style></head><body></body></html>"
    changed = floors.with_css(page, run.ROWS_BLOCK)
    assert changed.index("/* brief.css */") < changed.index("display: block") < changed.index("</head>")
    with pytest.raises(ValueError):
        floors.with_css("<p>no head</p>", run.ROWS_BLOCK)


def test_the_readme_tables_come_from_the_figures() -> None:
    step = {"seconds": 12.5, "cpu_seconds": 11.0, "peak_mb": 300.0, "ok": True, "says": ""}
    report = {"sizes": [{"records": 50000, "steps": {"load_floor": dict(step, seconds=10.0, cpu_seconds=10.0),
                                                     "validate": step}}],
              "targets": run.targets([{"records": 50000, "steps": steps(12.5, 10.0)}]), "experiments": None}
    tables = run.markdown(report)
    assert "| 50,000 | `dossier validate` | 12.5 s | 11.0 s | load | 10.0 s | 1.25x | 1.10x | 300 MB |" in tables
    assert "| validate at 50,000 records within 1.5x the load floor | 1.25 | 1.25 | met |" in tables


def test_pausing_the_collector_and_remembering_the_pages_keep_the_pdf_bytes(root: Path, tmp_path: Path) -> None:
    from dossier.assemble import assemble
    from dossier.render import PDF_VARIANT, render_html, render_pdf
    from dossier.resources import template_folder

    dossier = assemble(validate(root))
    html = render_html(dossier, template_folder())
    built = render_pdf(html, dossier, template_folder())  # the collector paused, as every build renders
    (tmp_path / "brief.html").write_text(html, "utf-8")
    floors.render(tmp_path / "brief.html", tmp_path / "on.pdf", f"dossier-{dossier.version}", PDF_VARIANT,
                  gc_paused=False, remember_pages=False)
    floors.render(tmp_path / "brief.html", tmp_path / "floor.pdf", f"dossier-{dossier.version}", PDF_VARIANT,
                  gc_paused=True)
    assert (tmp_path / "on.pdf").read_bytes() == built  # WeasyPrint as it is, collector running
    assert (tmp_path / "floor.pdf").read_bytes() == built  # and the render floor renders what the build renders


# --- The YAML fast path: the same data, or the same error, as the full constructor -----------------

SNIPPETS = [
    "a: 1\nb: [x, 2, 0.5, true, null, ~, '']\nc: {d: -3, e: +4, f: -0.0}\n",
    "id: x\npassage: >-\n  folded\n  text\nlist:\n  - a: 1\n    b: [1, [2, [3]]]\n",
    "value: NO\nother: 010\nthird: 2024-03-05\nfourth: 1_000\nfifth: 12:30\n",
    "a: !!int 010\n", "a: !!int '15'\n", "a: !!str 5\n", "a: !!bool yes\n", "a: !!float 1e3\n",
    "a: !!null x\n", "a: !!binary aGk=\n", "a: !!set {x, y}\n", "a: !!timestamp 2024-01-01\n",
    "!!map {a: 1}\n", "!!seq [a]\n", "a: !!map [1, 2]\n", "a: !!str {b: 1}\n", "a: !custom x\n",
    "a: 1\na: 2\n", "1: x\n", "~: x\n", "[a]: x\n", "? {a: 1}\n: x\n", "!!str 3: x\n", "<<: {a: 1}\n",
    "- a\n- b\n", "just text\n", "", "# only a comment\n", "a: 1\n---\nb: 2\n", "a: [1, 2\n", "a: b: c\n",
    "key: \"\\u00e9 \\t tab\"\n", "'quoted key': 'it''s'\n",
    # plain scalars the fast path types itself, and quoted or tagged look-alikes it must leave as text
    "a: ! 5\nb: '5'\nc: \"true\"\nd: +1.5\ne: 1.\nf: True\ng: nullx\nh: 0x1F\ni: -\nj: .5\n",
    "? |\n  5\n: x\nk: >\n  null\n",
]


def outcome(function, text: str) -> tuple[str, object]:
    try:
        value = function(text)
    except Exception as exc:  # the error itself must be the same: type and message
        return "error", (type(exc).__name__, str(exc))
    return "data", (value, repr(value))


@pytest.mark.parametrize("text", SNIPPETS)
def test_fast_loading_matches_the_full_constructor(text: str) -> None:
    assert outcome(lambda t: _load(t)[0], text) == outcome(lambda t: yaml.load(t, Loader=EvidenceLoader), text)


def test_plain_records_are_read_without_the_full_constructor(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path is taken: a record needs no fallback (which gives the same data, only slower)."""
    texts = [path.read_text("utf-8") for path in sorted((REPO / "evidence").glob("*.yaml"))]
    expected = [yaml.load(text, Loader=EvidenceLoader) for text in texts]

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the full constructor was called")

    monkeypatch.setattr(yaml, "load", refuse)
    assert [_load(text)[0] for text in texts] == expected


def test_fast_loading_matches_on_the_shipped_inputs() -> None:
    paths = sorted((REPO / "evidence").glob("*.yaml"))
    paths += [REPO / "seeds" / "sources.yaml", REPO / "catalog" / "provisions.yaml"]
    for path in paths:
        text = path.read_text("utf-8")
        assert _load(text)[0] == yaml.load(text, Loader=EvidenceLoader), path.name


# --- Captures: the normalisation and the line:col map, against the original per-character version --


# The documented folds, written out here rather than imported, so a change to the code's table shows up.
DOCUMENTED = str.maketrans({**dict.fromkeys("‘’‚‛′", "'"), **dict.fromkeys("“”„‟″", '"'), **dict.fromkeys("‐‑‒–—―−", "-")})


def reference_capture(text: str) -> tuple[str, list[int]]:
    """The first implementation: an offset for every character of the normalised text."""
    translated = text.translate(DOCUMENTED)
    out: list[str] = []
    offsets: list[int] = []
    for match in re.finditer(r"\s+|\S+", translated):
        if match.group()[0].isspace():
            if out:
                out.append(" ")
                offsets.append(match.start())
        else:
            out.append(match.group())
            offsets.extend(range(match.start(), match.end()))
    normalised = "".join(out)
    if normalised.endswith(" "):
        normalised, offsets = normalised[:-1], offsets[:-1]
    return normalised, offsets


PIECES = st.sampled_from(["a", "bc", "15,000", " ", "  ", "\n", "\r\n", "\t", "\u00a0", "\u2028", "\x1c", "\x85",
                          "\u3000", "“", "”", "’", "—", "\u2212", "\u2033", ".", "…"])


@given(st.lists(PIECES, max_size=40).map("".join))
def test_capture_matches_the_per_character_version(text: str) -> None:
    capture = CaptureText.from_text(text)
    normalised, offsets = reference_capture(text)
    assert capture.normalised == normalised == normalise(text)
    assert normalise(text) == re.sub(r"\s+", " ", text.translate(DOCUMENTED)).strip()  # as documented
    for index, offset in enumerate(offsets):
        line = text.count("\n", 0, offset) + 1
        col = offset - (text.rfind("\n", 0, offset) + 1) + 1
        assert capture.line_col(index) == (line, col)


def test_the_readmes_performance_tables_are_the_committed_runs() -> None:
    """Every row the committed run's figures print (bench/results.json) is in the README, as printed."""
    report = json.loads((REPO / "bench" / "results.json").read_text("utf-8"))
    readme = (REPO / "README.md").read_text("utf-8")
    rows = [line for line in run.markdown(report).splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) > 20
    missing = [row for row in rows if row not in readme]
    assert not missing, missing
