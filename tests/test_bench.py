"""The benchmark's generated evidence base, and the fast paths it measures giving exactly what the slow ones gave."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from dossier.passage import CaptureText, normalise
from dossier.validate import validate
from dossier.yaml_read import EvidenceLoader, _load

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
    precisions = {len(r.event.date.text) if r.event.date else 0 for r in result.records}
    assert precisions == {0, 4, 7, 10}
    assert {m.kind for m in result.matches.values()} == {"exact", "normalised"}
    assert all(len(m.occurrences) == 1 for m in result.matches.values())
    assert all(len(c.read_bytes()) > 3000 for c in (base.root / "seeds").glob("*.txt"))


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
]


def outcome(function, text: str) -> tuple[str, object]:
    try:
        value = function(text)
    except Exception as exc:  # the error itself must be the same: type and message
        return "error", (type(exc).__name__, str(exc))
    return "data", (value, repr(value))


@pytest.mark.parametrize("text", SNIPPETS)
def test_fast_loading_matches_the_full_constructor(text: str) -> None:
    assert outcome(_load, text) == outcome(lambda t: yaml.load(t, Loader=EvidenceLoader), text)


def test_fast_loading_matches_on_the_shipped_inputs() -> None:
    paths = sorted((REPO / "evidence").glob("*.yaml"))
    paths += [REPO / "seeds" / "sources.yaml", REPO / "catalog" / "provisions.yaml"]
    for path in paths:
        text = path.read_text("utf-8")
        assert _load(text) == yaml.load(text, Loader=EvidenceLoader), path.name


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
